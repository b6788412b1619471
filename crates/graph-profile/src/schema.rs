//! What each facet's fields are: name, type, whether a create needs it, whether the
//! service sets it.  The typed models, the validation and the emulator all read this
//! one table, so a field is described once.

use crate::FacetKind;

/// The JSON shape and meaning of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Free text.
    String,
    /// An absolute `http` or `https` URL.
    Url,
    /// An e-mail address (`emails.address`).
    Email,
    Bool,
    Double,
    /// Edm.Date: `"YYYY-MM-DD"`, never a timestamp.
    Date,
    /// Edm.DateTimeOffset: RFC 3339.
    DateTime,
    /// A string enum; members not listed still round-trip (enums may grow).
    Enum(&'static [&'static str]),
    /// An array of strings.
    StringList,
    /// An array of string enum members.
    EnumList(&'static [&'static str]),
    /// The `allowedAudiences` flags, written `"contacts,organization"`.
    Audiences,
    /// A nested complex value: checked to be a JSON object here; its fields are typed
    /// in the models (`model::complex`), not by this table.
    Object,
    /// An array of complex values, each checked to be a JSON object.
    ObjectList,
}

/// One field of a facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The JSON name (`issuedDate`).
    pub name: &'static str,
    pub ty: FieldType,
    /// A create without it is refused.
    pub required: bool,
    /// Set by the service: never sent by the client, refused by the emulator on writes.
    pub read_only: bool,
    /// Longest accepted value in characters, for strings.
    pub max_len: Option<usize>,
}

/// Longest `displayName` accepted.
pub const DISPLAY_NAME_MAX: usize = 256;
/// Longest `description` or other long text accepted.
pub const DESCRIPTION_MAX: usize = 4000;
/// Longest URL accepted.
pub const URL_MAX: usize = 2048;
/// Longest other string accepted.
pub const TEXT_MAX: usize = 1024;

const fn field(name: &'static str, ty: FieldType) -> FieldSpec {
    let max_len = match ty {
        FieldType::String | FieldType::Email => Some(TEXT_MAX),
        FieldType::Url => Some(URL_MAX),
        _ => None,
    };
    FieldSpec { name, ty, required: false, read_only: false, max_len }
}

const fn required(spec: FieldSpec) -> FieldSpec {
    FieldSpec { required: true, ..spec }
}

const fn read_only(spec: FieldSpec) -> FieldSpec {
    FieldSpec { read_only: true, ..spec }
}

const fn long_text(name: &'static str) -> FieldSpec {
    FieldSpec { max_len: Some(DESCRIPTION_MAX), ..field(name, FieldType::String) }
}

const fn display_name() -> FieldSpec {
    FieldSpec { max_len: Some(DISPLAY_NAME_MAX), ..field("displayName", FieldType::String) }
}

use FieldType::*;

/// `collaborationTags` members.
pub const COLLABORATION_TAGS: &[&str] =
    &["askMeAbout", "ableToMentor", "wantsToLearn", "wantsToImprove", "unknownFutureValue"];
/// `languageProficiency` levels.
pub const LANGUAGE_PROFICIENCY: &[&str] = &[
    "elementary",
    "conversational",
    "limitedWorking",
    "professionalWorking",
    "fullProfessional",
    "nativeOrBilingual",
    "unknownFutureValue",
];
/// `skillProficiency` levels.
pub const SKILL_PROFICIENCY: &[&str] = &[
    "elementary",
    "limitedWorking",
    "generalProfessional",
    "advancedProfessional",
    "expert",
    "unknownFutureValue",
];
/// `personAnnualEvent.type` members.
pub const ANNUAL_EVENT_TYPES: &[&str] =
    &["birthday", "wedding", "work", "other", "unknownFutureValue"];
/// `itemEmail.type` members.
pub const EMAIL_TYPES: &[&str] =
    &["main", "other", "personal", "unknown", "work", "unknownFutureValue"];
/// `itemPhone.type` members.
pub const PHONE_TYPES: &[&str] = &[
    "assistant",
    "business",
    "businessFax",
    "home",
    "homeFax",
    "mobile",
    "other",
    "otherFax",
    "pager",
    "radio",
    "unknownFutureValue",
];
/// `userAccountInformation.userPersona` members.
pub const USER_PERSONAS: &[&str] = &[
    "unknown",
    "externalMember",
    "externalGuest",
    "internalMember",
    "internalGuest",
    "unknownFutureValue",
];

/// The fields every facet shares (`itemFacet`).
pub const ITEM_FACET_FIELDS: &[FieldSpec] = &[
    read_only(field("id", String)),
    field("allowedAudiences", Audiences),
    field("isSearchable", Bool),
    field("inference", Object),
    field("source", Object),
    field("sources", ObjectList),
    read_only(field("createdDateTime", DateTime)),
    read_only(field("lastModifiedDateTime", DateTime)),
    read_only(field("createdBy", Object)),
    read_only(field("lastModifiedBy", Object)),
];

const CERTIFICATION_FIELDS: &[FieldSpec] = &[
    required(display_name()),
    field("certificationId", String),
    long_text("description"),
    field("issuingAuthority", String),
    field("issuingCompany", String),
    field("issuedDate", Date),
    field("startDate", Date),
    field("endDate", Date),
    field("webUrl", Url),
    field("thumbnailUrl", Url),
];

const AWARD_FIELDS: &[FieldSpec] = &[
    required(display_name()),
    long_text("description"),
    field("issuedDate", Date),
    field("issuingAuthority", String),
    field("webUrl", Url),
    field("thumbnailUrl", Url),
];

const ACCOUNT_FIELDS: &[FieldSpec] = &[
    field("ageGroup", String),
    field("countryCode", String),
    field("originTenantInfo", Object),
    field("preferredLanguageTag", Object),
    field("userPersona", Enum(USER_PERSONAS)),
    field("userPrincipalName", String),
];

const ADDRESS_FIELDS: &[FieldSpec] =
    &[field("detail", Object), display_name(), field("geoCoordinates", Object)];

const ANNIVERSARY_FIELDS: &[FieldSpec] =
    &[field("date", Date), display_name(), field("type", Enum(ANNUAL_EVENT_TYPES))];

const EDUCATIONAL_ACTIVITY_FIELDS: &[FieldSpec] = &[
    field("completionMonthYear", Date),
    field("endMonthYear", Date),
    field("institution", Object),
    field("program", Object),
    field("startMonthYear", Date),
];

const EMAIL_FIELDS: &[FieldSpec] =
    &[required(field("address", Email)), display_name(), field("type", Enum(EMAIL_TYPES))];

const INTEREST_FIELDS: &[FieldSpec] = &[
    field("categories", StringList),
    field("collaborationTags", EnumList(COLLABORATION_TAGS)),
    long_text("description"),
    required(display_name()),
    field("thumbnailUrl", Url),
    field("webUrl", Url),
];

const LANGUAGE_FIELDS: &[FieldSpec] = &[
    required(display_name()),
    field("proficiency", Enum(LANGUAGE_PROFICIENCY)),
    field("reading", Enum(LANGUAGE_PROFICIENCY)),
    field("spoken", Enum(LANGUAGE_PROFICIENCY)),
    field("tag", String),
    field("thumbnailUrl", Url),
    field("written", Enum(LANGUAGE_PROFICIENCY)),
];

const NAME_FIELDS: &[FieldSpec] = &[
    display_name(),
    field("first", String),
    field("initials", String),
    field("languageTag", String),
    field("last", String),
    field("maiden", String),
    field("middle", String),
    field("nickname", String),
    field("pronunciation", Object),
    field("suffix", String),
    field("title", String),
];

const NOTE_FIELDS: &[FieldSpec] =
    &[field("detail", Object), display_name(), field("thumbnailUrl", Url)];

const PATENT_FIELDS: &[FieldSpec] = &[
    long_text("description"),
    required(display_name()),
    field("isPending", Bool),
    field("issuedDate", Date),
    field("issuingAuthority", String),
    field("number", String),
    field("webUrl", Url),
];

const PHONE_FIELDS: &[FieldSpec] =
    &[display_name(), field("number", String), field("type", Enum(PHONE_TYPES))];

const POSITION_FIELDS: &[FieldSpec] = &[
    field("categories", StringList),
    field("colleagues", ObjectList),
    field("detail", Object),
    field("isCurrent", Bool),
    field("manager", Object),
];

const PROJECT_FIELDS: &[FieldSpec] = &[
    field("categories", StringList),
    field("client", Object),
    field("collaborationTags", EnumList(COLLABORATION_TAGS)),
    field("colleagues", ObjectList),
    field("detail", Object),
    required(display_name()),
    field("sponsors", ObjectList),
    field("thumbnailUrl", Url),
];

const PUBLICATION_FIELDS: &[FieldSpec] = &[
    long_text("description"),
    required(display_name()),
    field("publishedDate", Date),
    field("publisher", String),
    field("thumbnailUrl", Url),
    field("webUrl", Url),
];

const SKILL_FIELDS: &[FieldSpec] = &[
    field("categories", StringList),
    field("collaborationTags", EnumList(COLLABORATION_TAGS)),
    required(display_name()),
    field("proficiency", Enum(SKILL_PROFICIENCY)),
    field("thumbnailUrl", Url),
    field("webUrl", Url),
];

const WEB_ACCOUNT_FIELDS: &[FieldSpec] = &[
    long_text("description"),
    field("service", Object),
    field("statusMessage", String),
    field("thumbnailUrl", Url),
    field("userId", String),
    field("webUrl", Url),
];

const WEBSITE_FIELDS: &[FieldSpec] = &[
    field("categories", StringList),
    long_text("description"),
    required(display_name()),
    field("thumbnailUrl", Url),
    field("webUrl", Url),
];

/// The facet's own fields, without the shared [`ITEM_FACET_FIELDS`].
pub const fn own_fields(kind: FacetKind) -> &'static [FieldSpec] {
    match kind {
        FacetKind::Account => ACCOUNT_FIELDS,
        FacetKind::Addresses => ADDRESS_FIELDS,
        FacetKind::Anniversaries => ANNIVERSARY_FIELDS,
        FacetKind::Awards => AWARD_FIELDS,
        FacetKind::Certifications => CERTIFICATION_FIELDS,
        FacetKind::EducationalActivities => EDUCATIONAL_ACTIVITY_FIELDS,
        FacetKind::Emails => EMAIL_FIELDS,
        FacetKind::Interests => INTEREST_FIELDS,
        FacetKind::Languages => LANGUAGE_FIELDS,
        FacetKind::Names => NAME_FIELDS,
        FacetKind::Notes => NOTE_FIELDS,
        FacetKind::Patents => PATENT_FIELDS,
        FacetKind::Phones => PHONE_FIELDS,
        FacetKind::Positions => POSITION_FIELDS,
        FacetKind::Projects => PROJECT_FIELDS,
        FacetKind::Publications => PUBLICATION_FIELDS,
        FacetKind::Skills => SKILL_FIELDS,
        FacetKind::WebAccounts => WEB_ACCOUNT_FIELDS,
        FacetKind::Websites => WEBSITE_FIELDS,
    }
}

/// Every field of a facet: the shared ones, then its own.
pub fn fields(kind: FacetKind) -> impl Iterator<Item = &'static FieldSpec> {
    ITEM_FACET_FIELDS.iter().chain(own_fields(kind))
}

/// The field named `name` of a facet, shared or own.
pub fn field_spec(kind: FacetKind, name: &str) -> Option<&'static FieldSpec> {
    fields(kind).find(|spec| spec.name == name)
}

/// Date pairs where the second may not come before the first: `(earlier, later)`.
pub const fn date_order(kind: FacetKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        FacetKind::Certifications => &[("issuedDate", "endDate"), ("startDate", "endDate")],
        FacetKind::EducationalActivities => {
            &[("startMonthYear", "endMonthYear"), ("startMonthYear", "completionMonthYear")]
        }
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_facet_names_a_field_twice() {
        for kind in FacetKind::ALL {
            let mut names: Vec<_> = fields(kind).map(|spec| spec.name).collect();
            let total = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), total, "{kind} repeats a field");
        }
    }

    #[test]
    fn the_required_fields_are_those_the_service_requires() {
        let required = |kind| -> Vec<_> {
            fields(kind).filter(|spec| spec.required).map(|spec| spec.name).collect()
        };
        assert_eq!(required(FacetKind::Certifications), ["displayName"]);
        assert_eq!(required(FacetKind::Awards), ["displayName"]);
        assert_eq!(required(FacetKind::Emails), ["address"]);
    }

    #[test]
    fn date_order_pairs_name_date_fields() {
        for kind in FacetKind::ALL {
            for (earlier, later) in date_order(kind) {
                for name in [earlier, later] {
                    assert_eq!(field_spec(kind, name).map(|spec| spec.ty), Some(Date));
                }
            }
        }
    }
}
