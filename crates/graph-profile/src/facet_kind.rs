//! The 19 profile facet collections and their names on the wire.

use std::fmt;
use std::str::FromStr;

/// One collection under `/users/{user}/profile/`.
///
/// The same word, *facet*, names these in every layer: C, PowerShell and
/// Python all take the collection name (`"certifications"`) as the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FacetKind {
    Account,
    Addresses,
    Anniversaries,
    Awards,
    Certifications,
    EducationalActivities,
    Emails,
    Interests,
    Languages,
    Names,
    Notes,
    Patents,
    Phones,
    Positions,
    Projects,
    Publications,
    Skills,
    WebAccounts,
    Websites,
}

/// The facet name given was none of the 19 collections.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown facet '{0}': expected one of {list}", list = FacetKind::names().join(", "))]
pub struct UnknownFacet(pub String);

impl FacetKind {
    /// Every facet, in the order of the reference.
    pub const ALL: [FacetKind; 19] = [
        FacetKind::Account,
        FacetKind::Addresses,
        FacetKind::Anniversaries,
        FacetKind::Awards,
        FacetKind::Certifications,
        FacetKind::EducationalActivities,
        FacetKind::Emails,
        FacetKind::Interests,
        FacetKind::Languages,
        FacetKind::Names,
        FacetKind::Notes,
        FacetKind::Patents,
        FacetKind::Phones,
        FacetKind::Positions,
        FacetKind::Projects,
        FacetKind::Publications,
        FacetKind::Skills,
        FacetKind::WebAccounts,
        FacetKind::Websites,
    ];

    /// The collection's path segment, as the service spells it.
    pub const fn collection(self) -> &'static str {
        match self {
            FacetKind::Account => "account",
            FacetKind::Addresses => "addresses",
            FacetKind::Anniversaries => "anniversaries",
            FacetKind::Awards => "awards",
            FacetKind::Certifications => "certifications",
            FacetKind::EducationalActivities => "educationalActivities",
            FacetKind::Emails => "emails",
            FacetKind::Interests => "interests",
            FacetKind::Languages => "languages",
            FacetKind::Names => "names",
            FacetKind::Notes => "notes",
            FacetKind::Patents => "patents",
            FacetKind::Phones => "phones",
            FacetKind::Positions => "positions",
            FacetKind::Projects => "projects",
            FacetKind::Publications => "publications",
            FacetKind::Skills => "skills",
            FacetKind::WebAccounts => "webAccounts",
            FacetKind::Websites => "websites",
        }
    }

    /// The OData entity type, as in `@odata.type` without the `#microsoft.graph.` prefix.
    pub const fn entity_type(self) -> &'static str {
        match self {
            FacetKind::Account => "userAccountInformation",
            FacetKind::Addresses => "itemAddress",
            FacetKind::Anniversaries => "personAnnualEvent",
            FacetKind::Awards => "personAward",
            FacetKind::Certifications => "personCertification",
            FacetKind::EducationalActivities => "educationalActivity",
            FacetKind::Emails => "itemEmail",
            FacetKind::Interests => "personInterest",
            FacetKind::Languages => "languageProficiency",
            FacetKind::Names => "personName",
            FacetKind::Notes => "personAnnotation",
            FacetKind::Patents => "itemPatent",
            FacetKind::Phones => "itemPhone",
            FacetKind::Positions => "workPosition",
            FacetKind::Projects => "projectParticipation",
            FacetKind::Publications => "itemPublication",
            FacetKind::Skills => "skillProficiency",
            FacetKind::WebAccounts => "webAccount",
            FacetKind::Websites => "personWebsite",
        }
    }

    /// The collection names of every facet, for help texts and errors.
    pub fn names() -> Vec<&'static str> {
        FacetKind::ALL.iter().map(|kind| kind.collection()).collect()
    }
}

impl FromStr for FacetKind {
    type Err = UnknownFacet;

    /// Accepts the collection name in any letter case, and `accounts`, the
    /// spelling some of Microsoft's docs use for `account`.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        if name.eq_ignore_ascii_case("accounts") {
            return Ok(FacetKind::Account);
        }
        FacetKind::ALL
            .into_iter()
            .find(|kind| kind.collection().eq_ignore_ascii_case(name))
            .ok_or_else(|| UnknownFacet(name.to_owned()))
    }
}

impl fmt::Display for FacetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.collection())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_collection_name_parses_back_to_its_kind() {
        for kind in FacetKind::ALL {
            assert_eq!(kind.collection().parse::<FacetKind>(), Ok(kind));
            assert_eq!(kind.collection().to_uppercase().parse::<FacetKind>(), Ok(kind));
        }
        assert_eq!("accounts".parse::<FacetKind>(), Ok(FacetKind::Account));
    }

    #[test]
    fn an_unknown_name_is_refused_with_the_list() {
        let err = "badges".parse::<FacetKind>().unwrap_err();
        assert!(err.to_string().contains("badges"));
        assert!(err.to_string().contains("certifications"));
    }
}
