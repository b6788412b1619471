//! Typed models of the profile facets: one struct per facet for what the service
//! returns (`Certification`), a draft per facet for a create (`CertificationDraft`), a
//! patch per facet for an update (`CertificationPatch`).
//!
//! Every struct keeps JSON fields it does not know, and every enum keeps members it
//! does not know, so a read-modify-write through an older version loses nothing.

mod audiences;
mod award;
mod certification;
mod complex;
mod contact;
mod date;
mod enums;
mod extensible;
mod facet;
mod item_facet;
mod patch;
mod person;
mod work;

pub use audiences::{AUDIENCE_MEMBERS, AllowedAudiences, Audiences};
pub use award::{Award, AwardDraft, AwardPatch};
pub use certification::{Certification, CertificationDraft, CertificationPatch};
pub use complex::{
    CompanyDetail, EducationalActivityDetail, GeoCoordinates, InstitutionData, ItemBody,
    LocaleInfo, OriginTenantInfo, PersonNamePronunciation, PhysicalAddress, PositionDetail,
    RelatedPerson, ServiceInformation,
};
pub use contact::{
    Address, AddressDraft, AddressPatch, Email, EmailDraft, EmailPatch, Phone, PhoneDraft,
    PhonePatch, WebAccount, WebAccountDraft, WebAccountPatch, Website, WebsiteDraft, WebsitePatch,
};
pub use date::{Date, DateParseError};
pub use enums::{
    AnniversaryType, BodyType, CollaborationTag, EmailType, LanguageProficiency,
    PersonRelationship, PhoneType, PhysicalAddressType, SkillProficiency, UserPersona,
};
pub use extensible::{Extensible, Member};
pub use facet::Facet;
pub use item_facet::{
    Identity, IdentitySet, Inference, ItemFacet, ItemFacetDraft, ItemFacetPatch,
    ProfileSourceAnnotation,
};
pub use patch::Patch;
pub use person::{
    Account, AccountDraft, AccountPatch, Anniversary, AnniversaryDraft, AnniversaryPatch, Language,
    LanguageDraft, LanguagePatch, Note, NoteDraft, NotePatch, PersonName, PersonNameDraft,
    PersonNamePatch,
};
pub use work::{
    EducationalActivity, EducationalActivityDraft, EducationalActivityPatch, Interest,
    InterestDraft, InterestPatch, Patent, PatentDraft, PatentPatch, Position, PositionDraft,
    PositionPatch, Project, ProjectDraft, ProjectPatch, Publication, PublicationDraft,
    PublicationPatch, Skill, SkillDraft, SkillPatch,
};
