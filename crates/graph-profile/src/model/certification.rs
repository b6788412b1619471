//! `certifications`: the certifications a user holds (`personCertification`).

use super::Date;
use super::facet::facet_types;

facet_types! {
    /// A certification a user holds, as the service returns it.
    ///
    /// Shown on the Outlook profile card (title and issuer; description and dates on
    /// selection).  An expiry that changes must be updated: nothing renews it.
    Certification for Certifications, draft CertificationDraft, patch CertificationPatch {
        required {
            /// The certification's name (`displayName`), at most 256 characters; the one
            /// field the service requires.
            display_name: String,
        }
        optional {
            /// The issuer's identifier of this certificate (`certificationId`), such as a
            /// credential or licence number.
            certification_id: String,
            /// Free text about the certification (`description`), at most 4000
            /// characters.
            description: String,
            /// The body that issues it (`issuingAuthority`), such as "Microsoft".
            issuing_authority: String,
            /// The company that issued it (`issuingCompany`), when not the authority.
            issuing_company: String,
            /// The day it was issued (`issuedDate`, Edm.Date).
            issued_date: Date,
            /// The day it takes effect (`startDate`, Edm.Date).
            start_date: Date,
            /// The day it expires (`endDate`, Edm.Date); never before `issuedDate` or
            /// `startDate`.
            end_date: Date,
            /// A page about it or a verification link (`webUrl`), absolute http(s).
            web_url: String,
            /// An image for it (`thumbnailUrl`), absolute http(s).  Accepted, but the
            /// service shows a placeholder on the profile card instead.
            thumbnail_url: String,
        }
    }
}
