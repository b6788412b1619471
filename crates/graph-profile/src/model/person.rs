//! Facets about the user as a person: `names`, `anniversaries`, `languages`, `notes`,
//! `account`.

use super::facet::facet_types;
use super::{
    AnniversaryType, Date, Extensible, ItemBody, LanguageProficiency, LocaleInfo, OriginTenantInfo,
    PersonNamePronunciation, UserPersona,
};

facet_types! {
    /// A name of a user (`personName`).
    PersonName for Names, draft PersonNameDraft, patch PersonNamePatch {
        required {}
        optional {
            /// The whole name as shown (`displayName`).
            display_name: String,
            /// Given name (`first`).
            first: String,
            /// Initials (`initials`).
            initials: String,
            /// The language the name is written in, BCP 47 (`languageTag`).
            language_tag: String,
            /// Family name (`last`).
            last: String,
            /// Maiden name (`maiden`).
            maiden: String,
            /// Middle name (`middle`).
            middle: String,
            /// Nickname (`nickname`).
            nickname: String,
            /// How to say it (`pronunciation`).
            pronunciation: PersonNamePronunciation,
            /// Suffix such as "Jr." (`suffix`).
            suffix: String,
            /// Title such as "Dr." (`title`).
            title: String,
        }
    }
}

facet_types! {
    /// A yearly event of a user, such as a birthday (`personAnnualEvent`).
    Anniversary for Anniversaries, draft AnniversaryDraft, patch AnniversaryPatch {
        required {}
        optional {
            /// The day (`date`, Edm.Date).
            date: Date,
            /// A label for the event (`displayName`).
            display_name: String,
            /// What it celebrates (`type`).
            #[serde(rename = "type")]
            kind: Extensible<AnniversaryType>,
        }
    }
}

facet_types! {
    /// A language a user knows (`languageProficiency`).
    Language for Languages, draft LanguageDraft, patch LanguagePatch {
        required {
            /// The language's name (`displayName`).
            display_name: String,
        }
        optional {
            /// Overall level (`proficiency`).
            proficiency: Extensible<LanguageProficiency>,
            /// Reading level (`reading`).
            reading: Extensible<LanguageProficiency>,
            /// Speaking level (`spoken`).
            spoken: Extensible<LanguageProficiency>,
            /// The language, BCP 47 (`tag`), such as "en-US".
            tag: String,
            /// An image for it (`thumbnailUrl`), absolute http(s).
            thumbnail_url: String,
            /// Writing level (`written`).
            written: Extensible<LanguageProficiency>,
        }
    }
}

facet_types! {
    /// A note about a user (`personAnnotation`).
    Note for Notes, draft NoteDraft, patch NotePatch {
        required {}
        optional {
            /// The note's text (`detail`).
            detail: ItemBody,
            /// A title for the note (`displayName`).
            display_name: String,
            /// An image for it (`thumbnailUrl`), absolute http(s).
            thumbnail_url: String,
        }
    }
}

facet_types! {
    /// The user's account (`userAccountInformation`, collection `account`).
    Account for Account, draft AccountDraft, patch AccountPatch {
        required {}
        optional {
            /// Age group (`ageGroup`).
            age_group: String,
            /// Country, ISO 3166 (`countryCode`).
            country_code: String,
            /// The tenant the account comes from (`originTenantInfo`).
            origin_tenant_info: OriginTenantInfo,
            /// Preferred language (`preferredLanguageTag`).
            preferred_language_tag: LocaleInfo,
            /// What kind of member of the tenant the account is (`userPersona`).
            user_persona: Extensible<UserPersona>,
            /// The account's UPN (`userPrincipalName`).
            user_principal_name: String,
        }
    }
}
