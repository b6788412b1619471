//! Facets about a user's work and learning: `positions`, `projects`, `skills`,
//! `interests`, `educationalActivities`, `patents`, `publications`.

use super::facet::facet_types;
use super::{
    CollaborationTag, CompanyDetail, Date, EducationalActivityDetail, Extensible, InstitutionData,
    PositionDetail, RelatedPerson, SkillProficiency,
};

facet_types! {
    /// A job a user holds or held (`workPosition`).
    Position for Positions, draft PositionDraft, patch PositionPatch {
        required {}
        optional {
            /// Labels for the position (`categories`).
            categories: Vec<String>,
            /// Colleagues (`colleagues`).
            colleagues: Vec<RelatedPerson>,
            /// The job itself (`detail`).
            detail: PositionDetail,
            /// Whether it is the current job (`isCurrent`).
            is_current: bool,
            /// The manager (`manager`).
            manager: RelatedPerson,
        }
    }
}

facet_types! {
    /// A project a user takes part in (`projectParticipation`).
    Project for Projects, draft ProjectDraft, patch ProjectPatch {
        required {
            /// The project's name (`displayName`).
            display_name: String,
        }
        optional {
            /// Labels for the project (`categories`).
            categories: Vec<String>,
            /// The client (`client`).
            client: CompanyDetail,
            /// How the user offers it to colleagues (`collaborationTags`).
            collaboration_tags: Vec<Extensible<CollaborationTag>>,
            /// Colleagues (`colleagues`).
            colleagues: Vec<RelatedPerson>,
            /// The user's part in it (`detail`).
            detail: PositionDetail,
            /// Sponsors (`sponsors`).
            sponsors: Vec<RelatedPerson>,
            /// An image for it (`thumbnailUrl`), absolute http(s).
            thumbnail_url: String,
        }
    }
}

facet_types! {
    /// A skill a user has (`skillProficiency`).
    Skill for Skills, draft SkillDraft, patch SkillPatch {
        required {
            /// The skill's name (`displayName`).
            display_name: String,
        }
        optional {
            /// Labels for the skill (`categories`).
            categories: Vec<String>,
            /// How the user offers it to colleagues (`collaborationTags`).
            collaboration_tags: Vec<Extensible<CollaborationTag>>,
            /// Level (`proficiency`); the service has been seen to return it as a number
            /// (`"4"`), which is kept as an unknown member.
            proficiency: Extensible<SkillProficiency>,
            /// An image for it (`thumbnailUrl`), absolute http(s).
            thumbnail_url: String,
            /// A page about it (`webUrl`), absolute http(s).
            web_url: String,
        }
    }
}

facet_types! {
    /// An interest of a user (`personInterest`).
    Interest for Interests, draft InterestDraft, patch InterestPatch {
        required {
            /// The interest's name (`displayName`).
            display_name: String,
        }
        optional {
            /// Labels for the interest (`categories`).
            categories: Vec<String>,
            /// How the user offers it to colleagues (`collaborationTags`).
            collaboration_tags: Vec<Extensible<CollaborationTag>>,
            /// Free text about it (`description`).
            description: String,
            /// An image for it (`thumbnailUrl`), absolute http(s).
            thumbnail_url: String,
            /// A page about it (`webUrl`), absolute http(s).
            web_url: String,
        }
    }
}

facet_types! {
    /// A course of study of a user (`educationalActivity`).
    EducationalActivity for EducationalActivities, draft EducationalActivityDraft,
        patch EducationalActivityPatch {
        required {}
        optional {
            /// When it was completed (`completionMonthYear`, Edm.Date).
            completion_month_year: Date,
            /// When it ended (`endMonthYear`, Edm.Date).
            end_month_year: Date,
            /// The school (`institution`).
            institution: InstitutionData,
            /// What was studied (`program`).
            program: EducationalActivityDetail,
            /// When it started (`startMonthYear`, Edm.Date).
            start_month_year: Date,
        }
    }
}

facet_types! {
    /// A patent of a user (`itemPatent`).
    Patent for Patents, draft PatentDraft, patch PatentPatch {
        required {
            /// The patent's title (`displayName`).
            display_name: String,
        }
        optional {
            /// Free text about it (`description`).
            description: String,
            /// Whether it is still pending (`isPending`).
            is_pending: bool,
            /// The day it was granted (`issuedDate`, Edm.Date).
            issued_date: Date,
            /// The patent office (`issuingAuthority`).
            issuing_authority: String,
            /// The patent number (`number`).
            number: String,
            /// A page about it (`webUrl`), absolute http(s).
            web_url: String,
        }
    }
}

facet_types! {
    /// A publication of a user (`itemPublication`).
    Publication for Publications, draft PublicationDraft, patch PublicationPatch {
        required {
            /// The publication's title (`displayName`).
            display_name: String,
        }
        optional {
            /// Free text about it (`description`).
            description: String,
            /// The day it was published (`publishedDate`, Edm.Date).
            published_date: Date,
            /// The publisher (`publisher`).
            publisher: String,
            /// An image for it (`thumbnailUrl`), absolute http(s).
            thumbnail_url: String,
            /// The publication's page (`webUrl`), absolute http(s).
            web_url: String,
        }
    }
}
