//! Users and request paths: every segment percent-encoded on its own.

use std::fmt;
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};

use crate::FacetKind;
use crate::error::Error;

/// Who a request is about: the signed-in user, or a user by object id or UPN.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UserRef {
    /// `/me`: the signed-in user (delegated tokens only).
    Me,
    /// `/users/{id or upn}`.
    User(String),
}

impl UserRef {
    /// A user by object id or user principal name; `"me"` (any case) is [`UserRef::Me`].
    pub fn new(user: impl Into<String>) -> UserRef {
        let user = user.into();
        if user.eq_ignore_ascii_case("me") { UserRef::Me } else { UserRef::User(user) }
    }

    /// The path of the user below the Graph URL, starting with `/`.
    ///
    /// `/me`, `/users/{encoded}`, or `/users('{encoded}')` for a UPN that starts
    /// with `$`, which Graph would otherwise read as a system segment.
    pub fn path(&self) -> Result<String, Error> {
        match self {
            UserRef::Me => Ok("/me".to_owned()),
            UserRef::User(user) if user.trim().is_empty() => {
                Err(Error::validation(None, "user", "must not be empty"))
            }
            UserRef::User(user) if is_dot_segment(user) => {
                Err(Error::validation(None, "user", format!("'{user}' is not a user")))
            }
            UserRef::User(user) if user.starts_with('$') => {
                let quoted = user.replace('\'', "''");
                Ok(format!("/users('{}')", utf8_percent_encode(&quoted, IN_QUOTES)))
            }
            UserRef::User(user) => Ok(format!("/users/{}", encode_segment(user))),
        }
    }
}

impl FromStr for UserRef {
    type Err = Error;

    fn from_str(user: &str) -> Result<UserRef, Error> {
        Ok(UserRef::new(user))
    }
}

impl From<&str> for UserRef {
    fn from(user: &str) -> UserRef {
        UserRef::new(user)
    }
}

impl From<String> for UserRef {
    fn from(user: String) -> UserRef {
        UserRef::new(user)
    }
}

impl fmt::Display for UserRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserRef::Me => f.write_str("me"),
            UserRef::User(user) => f.write_str(user),
        }
    }
}

impl Serialize for UserRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UserRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<UserRef, D::Error> {
        String::deserialize(deserializer).map(UserRef::new)
    }
}

/// Everything but RFC 3986 unreserved characters and `@` (common in UPNs, and
/// legal in a path segment) is encoded: `#`, `/`, `?`, `%`, `+`, `'`, `$`, spaces,
/// non-ASCII.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
const SEGMENT_KEEP_AT: &AsciiSet = &SEGMENT.remove(b'@');

/// Inside `('…')` the quotes (already doubled) and a leading `$` stay as they are.
const IN_QUOTES: &AsciiSet = &SEGMENT_KEEP_AT.remove(b'\'').remove(b'$');

/// Percent-encodes one path segment.
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT_KEEP_AT).to_string()
}

/// `.` and `..` cannot be sent as a segment in any spelling: URL parsers fold them
/// (`%2E%2E` too) and the request would land on another resource.
fn is_dot_segment(segment: &str) -> bool {
    segment == "." || segment == ".."
}

/// `/profile/{facet}` below a user.
pub(crate) fn facet_path(user: &UserRef, kind: FacetKind) -> Result<String, Error> {
    Ok(format!("{}/profile/{}", user.path()?, kind.collection()))
}

/// `/profile/{facet}/{id}` below a user.
pub(crate) fn entry_path(user: &UserRef, kind: FacetKind, id: &str) -> Result<String, Error> {
    if id.trim().is_empty() {
        return Err(Error::validation(Some(kind), "id", "must not be empty"));
    }
    if is_dot_segment(id) {
        return Err(Error::validation(Some(kind), "id", format!("'{id}' is not an entry id")));
    }
    Ok(format!("{}/{}", facet_path(user, kind)?, encode_segment(id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn me_is_me() {
        assert_eq!(UserRef::new("me").path().unwrap(), "/me");
        assert_eq!(UserRef::new("ME").path().unwrap(), "/me");
    }

    #[test]
    fn a_guest_upn_keeps_everything_after_the_hash() {
        let user = UserRef::new("ann_fabrikam.com#EXT#@contoso.com");
        assert_eq!(user.path().unwrap(), "/users/ann_fabrikam.com%23EXT%23@contoso.com");
    }

    #[test]
    fn a_dollar_upn_uses_the_quoted_form() {
        let user = UserRef::new("$svc.account@contoso.com");
        assert_eq!(user.path().unwrap(), "/users('$svc.account@contoso.com')");
        let user = UserRef::new("$o'brien@contoso.com");
        assert_eq!(user.path().unwrap(), "/users('$o''brien@contoso.com')");
    }

    #[test]
    fn hostile_characters_are_encoded() {
        let cases = [
            ("a/b", "a%2Fb"),
            ("a?b", "a%3Fb"),
            ("100%", "100%25"),
            ("a+b", "a%2Bb"),
            ("o'brien", "o%27brien"),
            ("zoë", "zo%C3%AB"),
            ("a b", "a%20b"),
            ("$x", "%24x"),
        ];
        for (raw, encoded) in cases {
            assert_eq!(encode_segment(raw), encoded, "{raw}");
        }
    }

    #[test]
    fn empty_or_dot_user_or_id_is_refused() {
        assert_eq!(UserRef::new(" ").path().unwrap_err().field(), Some("user"));
        assert_eq!(UserRef::new("..").path().unwrap_err().field(), Some("user"));
        let error = entry_path(&UserRef::Me, FacetKind::Awards, ".").unwrap_err();
        assert_eq!(error.field(), Some("id"));
        let error = entry_path(&UserRef::Me, FacetKind::Awards, "").unwrap_err();
        assert_eq!(error.field(), Some("id"));
    }

    proptest! {
        #[test]
        fn any_segment_stays_one_segment_and_decodes_back(raw in "\\PC{1,40}") {
            prop_assume!(!is_dot_segment(&raw));
            let encoded = encode_segment(&raw);
            let url = url::Url::parse(&format!("https://h/beta/users/{encoded}/profile")).unwrap();
            let segments: Vec<_> = url.path_segments().unwrap().collect();
            prop_assert_eq!(segments.len(), 4);
            prop_assert_eq!(segments[2], encoded.as_str());
            let decoded = percent_encoding::percent_decode_str(segments[2]).decode_utf8().unwrap();
            prop_assert_eq!(decoded, raw);
        }
    }
}
