//! The string enums of the profile facets.  Each also accepts members a newer service
//! adds, through [`Extensible`](super::Extensible).

use super::extensible::member_enum;

member_enum! {
    /// How well a user knows a skill (`skillProficiency.proficiency`).
    SkillProficiency {
        Elementary = "elementary",
        LimitedWorking = "limitedWorking",
        GeneralProfessional = "generalProfessional",
        AdvancedProfessional = "advancedProfessional",
        Expert = "expert",
        UnknownFutureValue = "unknownFutureValue",
    }
}

member_enum! {
    /// How well a user reads, speaks or writes a language.
    LanguageProficiency {
        Elementary = "elementary",
        Conversational = "conversational",
        LimitedWorking = "limitedWorking",
        ProfessionalWorking = "professionalWorking",
        FullProfessional = "fullProfessional",
        NativeOrBilingual = "nativeOrBilingual",
        UnknownFutureValue = "unknownFutureValue",
    }
}

member_enum! {
    /// What a yearly event celebrates (`personAnnualEvent.type`).
    AnniversaryType {
        Birthday = "birthday",
        Wedding = "wedding",
        Work = "work",
        Other = "other",
        UnknownFutureValue = "unknownFutureValue",
    }
}

member_enum! {
    /// What an e-mail address is for (`itemEmail.type`).
    EmailType {
        Main = "main",
        Other = "other",
        Personal = "personal",
        Unknown = "unknown",
        Work = "work",
        UnknownFutureValue = "unknownFutureValue",
    }
}

member_enum! {
    /// What a phone number is for (`itemPhone.type`).
    PhoneType {
        Assistant = "assistant",
        Business = "business",
        BusinessFax = "businessFax",
        Home = "home",
        HomeFax = "homeFax",
        Mobile = "mobile",
        Other = "other",
        OtherFax = "otherFax",
        Pager = "pager",
        Radio = "radio",
        UnknownFutureValue = "unknownFutureValue",
    }
}

member_enum! {
    /// What kind of member of the tenant the account is (`userPersona`).
    UserPersona {
        Unknown = "unknown",
        ExternalMember = "externalMember",
        ExternalGuest = "externalGuest",
        InternalMember = "internalMember",
        InternalGuest = "internalGuest",
        UnknownFutureValue = "unknownFutureValue",
    }
}

member_enum! {
    /// How a user offers a skill, interest or project to colleagues.
    CollaborationTag {
        AskMeAbout = "askMeAbout",
        AbleToMentor = "ableToMentor",
        WantsToLearn = "wantsToLearn",
        WantsToImprove = "wantsToImprove",
        UnknownFutureValue = "unknownFutureValue",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Extensible, Member};
    use crate::schema;

    fn names<E: Member>() -> Vec<&'static str> {
        E::ALL.iter().map(|member| member.name()).collect()
    }

    #[test]
    fn every_enum_has_the_schema_members() {
        assert_eq!(names::<SkillProficiency>(), schema::SKILL_PROFICIENCY);
        assert_eq!(names::<LanguageProficiency>(), schema::LANGUAGE_PROFICIENCY);
        assert_eq!(names::<AnniversaryType>(), schema::ANNUAL_EVENT_TYPES);
        assert_eq!(names::<EmailType>(), schema::EMAIL_TYPES);
        assert_eq!(names::<PhoneType>(), schema::PHONE_TYPES);
        assert_eq!(names::<UserPersona>(), schema::USER_PERSONAS);
        assert_eq!(names::<CollaborationTag>(), schema::COLLABORATION_TAGS);
    }

    #[test]
    fn known_unknown_and_numeric_members_round_trip() {
        for text in ["\"advancedProfessional\"", "\"4\"", "\"grandmaster\"", "\"Expert\""] {
            let value: Extensible<SkillProficiency> = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), text);
        }
        let known: Extensible<SkillProficiency> = "expert".parse().unwrap();
        assert_eq!(known, Extensible::Known(SkillProficiency::Expert));
        let numeric: Extensible<SkillProficiency> = "4".parse().unwrap();
        assert_eq!(numeric, Extensible::Unknown("4".to_owned()));
        assert_eq!(numeric.known(), None);
    }
}

member_enum! {
    /// What kind of address a postal address is (`physicalAddress.type`).
    PhysicalAddressType {
        Unknown = "unknown",
        Home = "home",
        Business = "business",
        Other = "other",
    }
}

member_enum! {
    /// How a related person stands to the user (`relatedPerson.relationship`).
    PersonRelationship {
        Manager = "manager",
        Colleague = "colleague",
        DirectReport = "directReport",
        DotLineReport = "dotLineReport",
        Assistant = "assistant",
        DotLineManager = "dotLineManager",
        AlternateContact = "alternateContact",
        Friend = "friend",
        Spouse = "spouse",
        Sibling = "sibling",
        Child = "child",
        Parent = "parent",
        Sponsor = "sponsor",
        EmergencyContact = "emergencyContact",
        Other = "other",
        UnknownFutureValue = "unknownFutureValue",
    }
}

member_enum! {
    /// The format of a text body (`itemBody.contentType`).
    BodyType {
        Text = "text",
        Html = "html",
    }
}
