//! Facets about reaching a user: `emails`, `phones`, `addresses`, `websites`,
//! `webAccounts`.

use super::facet::facet_types;
use super::{
    EmailType, Extensible, GeoCoordinates, PhoneType, PhysicalAddress, ServiceInformation,
};

facet_types! {
    /// An e-mail address of a user (`itemEmail`).
    Email for Emails, draft EmailDraft, patch EmailPatch {
        required {
            /// The address itself (`address`); the field the service requires.
            address: String,
        }
        optional {
            /// A label for the address (`displayName`).
            display_name: String,
            /// What the address is for (`type`).
            #[serde(rename = "type")]
            kind: Extensible<EmailType>,
        }
    }
}

facet_types! {
    /// A phone number of a user (`itemPhone`).
    Phone for Phones, draft PhoneDraft, patch PhonePatch {
        required {}
        optional {
            /// A label for the number (`displayName`).
            display_name: String,
            /// The number as written (`number`).
            number: String,
            /// What the number is for (`type`).
            #[serde(rename = "type")]
            kind: Extensible<PhoneType>,
        }
    }
}

facet_types! {
    /// A postal address of a user (`itemAddress`).
    Address for Addresses, draft AddressDraft, patch AddressPatch {
        required {}
        optional {
            /// The address (`detail`).
            detail: PhysicalAddress,
            /// A label for the address (`displayName`).
            display_name: String,
            /// Where it is on the map (`geoCoordinates`).
            geo_coordinates: GeoCoordinates,
        }
    }
}

facet_types! {
    /// A website of a user (`personWebsite`).
    Website for Websites, draft WebsiteDraft, patch WebsitePatch {
        required {
            /// The site's name (`displayName`).
            display_name: String,
        }
        optional {
            /// Labels for the site (`categories`).
            categories: Vec<String>,
            /// Free text about the site (`description`).
            description: String,
            /// An image for it (`thumbnailUrl`), absolute http(s).
            thumbnail_url: String,
            /// The site's address (`webUrl`), absolute http(s).
            web_url: String,
        }
    }
}

facet_types! {
    /// An account of a user on another web service (`webAccount`).
    WebAccount for WebAccounts, draft WebAccountDraft, patch WebAccountPatch {
        required {}
        optional {
            /// Free text about the account (`description`).
            description: String,
            /// The web service (`service`).
            service: ServiceInformation,
            /// The account's status text (`statusMessage`).
            status_message: String,
            /// An image for it (`thumbnailUrl`), absolute http(s).
            thumbnail_url: String,
            /// The user's id on that service (`userId`).
            user_id: String,
            /// The account's page (`webUrl`), absolute http(s).
            web_url: String,
        }
    }
}
