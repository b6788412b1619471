//! `allowedAudiences`: who may see an entry, a flags enum written as member names.

use std::fmt;
use std::str::FromStr;

use bitflags::bitflags;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The members of the `allowedAudiences` flags enum and their values, as the service
/// names them.  `me` is 0: no flag set means only the user.
pub const AUDIENCE_MEMBERS: &[(&str, u32)] = &[
    ("me", 0),
    ("family", 1),
    ("contacts", 2),
    ("groupMembers", 4),
    ("organization", 8),
    ("federatedOrganizations", 16),
    ("everyone", 32),
    ("unknownFutureValue", 64),
];

bitflags! {
    /// The audience flags this version knows.  The empty set is `me`: only the user.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Audiences: u32 {
        const FAMILY = 1;
        const CONTACTS = 2;
        const GROUP_MEMBERS = 4;
        const ORGANIZATION = 8;
        const FEDERATED_ORGANIZATIONS = 16;
        const EVERYONE = 32;
        const UNKNOWN_FUTURE_VALUE = 64;
    }
}

impl Audiences {
    /// Only the user: no flag set.
    pub const ME: Audiences = Audiences::empty();
}

/// The `allowedAudiences` of an entry: the known [`Audiences`] flags plus any member
/// names a newer service uses that this version does not know, kept so that a
/// read-modify-write sends them back unchanged.
///
/// Reads and writes `"organization"`, `"contacts,organization"`, `"me"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AllowedAudiences {
    flags: Audiences,
    unknown: Vec<String>,
}

impl AllowedAudiences {
    /// Exactly these known flags.
    pub const fn new(flags: Audiences) -> Self {
        AllowedAudiences { flags, unknown: Vec::new() }
    }

    /// The known flags; empty means `me`.
    pub const fn flags(&self) -> Audiences {
        self.flags
    }

    /// Member names this version does not know (a number the service wrote instead of
    /// a name lands here too), in the order read.
    pub fn unknown(&self) -> &[String] {
        &self.unknown
    }

    /// Whether every flag in `flags` is set.
    pub const fn contains(&self, flags: Audiences) -> bool {
        self.flags.contains(flags)
    }

    /// Only the user: no flags and no unknown members.
    pub fn is_me(&self) -> bool {
        self.flags.is_empty() && self.unknown.is_empty()
    }
}

impl From<Audiences> for AllowedAudiences {
    fn from(flags: Audiences) -> Self {
        AllowedAudiences::new(flags)
    }
}

impl FromStr for AllowedAudiences {
    type Err = std::convert::Infallible;

    /// Never fails: names this version does not know are kept as they are.  Use
    /// [`crate::validate`] to refuse them before a write.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut audiences = AllowedAudiences::default();
        for name in text.split(',').map(str::trim).filter(|name| !name.is_empty()) {
            match AUDIENCE_MEMBERS.iter().find(|(member, _)| *member == name) {
                Some((_, bits)) => audiences.flags |= Audiences::from_bits_retain(*bits),
                None if !audiences.unknown.iter().any(|known| known == name) => {
                    audiences.unknown.push(name.to_owned());
                }
                None => {}
            }
        }
        Ok(audiences)
    }
}

impl fmt::Display for AllowedAudiences {
    /// Known members in the order of their values, then unknown ones, comma-separated;
    /// `me` when nothing is set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known = AUDIENCE_MEMBERS
            .iter()
            .filter(|(_, bits)| *bits != 0 && self.flags.bits() & bits == *bits)
            .map(|(name, _)| *name);
        let mut names = known.chain(self.unknown.iter().map(String::as_str)).peekable();

        if names.peek().is_none() {
            return f.write_str("me");
        }
        for (index, name) in names.enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

impl Serialize for AllowedAudiences {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The common case, one known member, without the formatting machinery.
        if self.unknown.is_empty() {
            let bits = self.flags.bits();
            if let Some((name, _)) = AUDIENCE_MEMBERS.iter().find(|(_, b)| *b != 0 && *b == bits) {
                return serializer.serialize_str(name);
            }
        }
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AllowedAudiences {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AudiencesVisitor;

        impl Visitor<'_> for AudiencesVisitor {
            type Value = AllowedAudiences;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("audience names such as \"contacts,organization\"")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<AllowedAudiences, E> {
                Ok(text.parse().unwrap_or_else(|never| match never {}))
            }
        }

        deserializer.deserialize_str(AudiencesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> AllowedAudiences {
        text.parse().unwrap()
    }

    #[test]
    fn single_and_combined_members_read_and_write() {
        assert_eq!(parse("organization").flags(), Audiences::ORGANIZATION);
        let both = parse("contacts,organization");
        assert_eq!(both.flags(), Audiences::CONTACTS | Audiences::ORGANIZATION);
        assert_eq!(both.to_string(), "contacts,organization");
        assert_eq!(serde_json::to_string(&both).unwrap(), "\"contacts,organization\"");
        assert_eq!(parse("organization, contacts").to_string(), "contacts,organization");
    }

    #[test]
    fn me_is_the_empty_set() {
        assert!(parse("me").is_me());
        assert_eq!(AllowedAudiences::new(Audiences::ME).to_string(), "me");
        assert_eq!(parse("me,family").flags(), Audiences::FAMILY);
    }

    #[test]
    fn unknown_members_are_kept_and_written_back() {
        let audiences = parse("organization,publicInternet,8");
        assert_eq!(audiences.flags(), Audiences::ORGANIZATION);
        assert_eq!(audiences.unknown(), ["publicInternet", "8"]);
        assert_eq!(audiences.to_string(), "organization,publicInternet,8");
        assert_eq!(parse(&audiences.to_string()), audiences);
    }

    #[test]
    fn the_member_table_matches_the_flags() {
        for (name, bits) in AUDIENCE_MEMBERS {
            assert_eq!(parse(name).flags().bits(), *bits, "{name}");
        }
        assert_eq!(Audiences::all().bits(), 127);
    }
}
