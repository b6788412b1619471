//! `awards`: the awards a user has received (`personAward`).

use super::Date;
use super::facet::facet_types;

facet_types! {
    /// An award a user has received, as the service returns it.  An award has no
    /// expiry.  Shown on the Outlook profile card with certifications.
    Award for Awards, draft AwardDraft, patch AwardPatch {
        required {
            /// The award's name (`displayName`), at most 256 characters; the one field
            /// the service requires.
            display_name: String,
        }
        optional {
            /// Free text about the award (`description`), at most 4000 characters.
            description: String,
            /// The day it was given (`issuedDate`, Edm.Date).
            issued_date: Date,
            /// Who gave it (`issuingAuthority`).
            issuing_authority: String,
            /// A page about it (`webUrl`), absolute http(s).
            web_url: String,
            /// An image for it (`thumbnailUrl`), absolute http(s).  Accepted, but the
            /// service shows a placeholder on the profile card instead.
            thumbnail_url: String,
        }
    }
}
