//! Reading a Graph URL: path segments (each percent-decoded on its own, so a `%23`
//! in a guest's UPN stays part of the segment), the user reference forms, and the
//! query string.

use percent_encoding::percent_decode_str;

use crate::error::GraphError;

/// The path under `/beta`, split into decoded segments.  Invalid UTF-8, `.`/`..`,
/// and separators or control characters hidden inside a segment are refused.
pub fn segments(path: &str) -> Result<Vec<String>, GraphError> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    if path.is_empty() {
        return Ok(Vec::new());
    }

    path.split('/')
        .map(|raw| {
            let bytes: Vec<u8> = percent_decode_str(raw).collect();
            let segment = String::from_utf8(bytes).map_err(|_| {
                GraphError::bad_request("The request URL holds a segment that is not valid UTF-8.")
            })?;
            if segment.is_empty() {
                return Err(GraphError::bad_request("The request URL holds an empty segment."));
            }
            if segment == "." || segment == ".." {
                return Err(GraphError::bad_request(
                    "The request URL holds a '.' or '..' segment, which is not allowed.",
                ));
            }
            if segment.chars().any(|c| c == '/' || c == '\\' || c.is_control()) {
                return Err(GraphError::bad_request(format!(
                    "The request URL segment '{}' holds a separator or control character.",
                    segment.escape_default()
                )));
            }
            Ok(segment)
        })
        .collect()
}

/// Who a URL addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserSegment {
    /// `/me`.
    Me,
    /// `/users/{id or upn}` or `/users('{id or upn}')`.
    User(String),
}

/// Splits the user reference off the front of the segments: `me`, `users/{x}` or
/// `users('{x}')`, the last with OData's quote doubling.  `None` when the segments
/// do not start with a user.
pub fn split_user(segments: &[String]) -> Result<Option<(UserSegment, &[String])>, GraphError> {
    let Some(first) = segments.first() else {
        return Ok(None);
    };
    if first.eq_ignore_ascii_case("me") {
        return Ok(Some((UserSegment::Me, &segments[1..])));
    }
    if first.eq_ignore_ascii_case("users") && segments.len() >= 2 {
        return Ok(Some((UserSegment::User(segments[1].clone()), &segments[2..])));
    }
    if first.len() > 6 && first[..6].eq_ignore_ascii_case("users(") {
        let key = first[6..].strip_suffix(')').ok_or_else(|| {
            GraphError::bad_request(format!("The key in segment '{first}' is not closed."))
        })?;
        let key = key.strip_prefix("id=").unwrap_or(key);
        let literal = key
            .strip_prefix('\'')
            .and_then(|k| k.strip_suffix('\''))
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                GraphError::bad_request(format!(
                    "The key in segment '{first}' must be a quoted string: users('...')."
                ))
            })?;
        let value = unquote(literal).ok_or_else(|| {
            GraphError::bad_request(format!("The key in segment '{first}' has a lone quote."))
        })?;
        return Ok(Some((UserSegment::User(value), &segments[1..])));
    }
    Ok(None)
}

/// Undoes OData's quote doubling (`O''Brien` to `O'Brien`); `None` for a lone quote.
pub fn unquote(literal: &str) -> Option<String> {
    let mut out = String::with_capacity(literal.len());
    let mut chars = literal.chars();
    while let Some(c) = chars.next() {
        if c == '\'' && chars.next() != Some('\'') {
            return None;
        }
        out.push(c);
    }
    Some(out)
}

/// One `name=value` pair of the query string, decoded, with its raw text kept for
/// building `@odata.nextLink`.
#[derive(Debug, Clone)]
pub struct QueryPair {
    pub name: String,
    pub value: String,
    pub raw: String,
}

/// The query string's pairs, decoded (`+` is a space).
pub fn query_pairs(query: Option<&str>) -> Result<Vec<QueryPair>, GraphError> {
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return Ok(Vec::new());
    };
    query
        .split('&')
        .filter(|raw| !raw.is_empty())
        .map(|raw| {
            let (name, value) = raw.split_once('=').unwrap_or((raw, ""));
            Ok(QueryPair {
                name: decode_query(name)?,
                value: decode_query(value)?,
                raw: raw.into(),
            })
        })
        .collect()
}

fn decode_query(text: &str) -> Result<String, GraphError> {
    let spaced = text.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| GraphError::bad_request("The query string is not valid UTF-8."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(path: &str) -> Vec<String> {
        segments(path).unwrap()
    }

    #[test]
    fn an_encoded_hash_stays_in_its_segment() {
        let s = segs("/users/ann_fabrikam.com%23EXT%23@contoso.com/profile/skills");
        assert_eq!(s[1], "ann_fabrikam.com#EXT#@contoso.com");
        let (user, rest) = split_user(&s).unwrap().unwrap();
        assert_eq!(user, UserSegment::User("ann_fabrikam.com#EXT#@contoso.com".into()));
        assert_eq!(rest, ["profile", "skills"]);
    }

    #[test]
    fn the_parenthesised_form_undoes_quote_doubling() {
        let s = segs("/users('%24svc.account@contoso.com')/profile");
        let (user, _) = split_user(&s).unwrap().unwrap();
        assert_eq!(user, UserSegment::User("$svc.account@contoso.com".into()));
        let s = segs("/users('o''brien@contoso.com')");
        let (user, _) = split_user(&s).unwrap().unwrap();
        assert_eq!(user, UserSegment::User("o'brien@contoso.com".into()));
        assert!(split_user(&segs("/users('a'b')")).is_err());
    }

    #[test]
    fn traversal_and_bad_bytes_are_refused() {
        assert!(segments("/users/../secrets").is_err());
        assert!(segments("/users/%2e%2e/x").is_err());
        assert!(segments("/users/a%2Fb").is_err());
        assert!(segments("/users/%FF%FE").is_err());
        assert!(segments("/users//x").is_err());
    }

    #[test]
    fn query_pairs_are_decoded() {
        let pairs = query_pairs(Some("$filter=displayName+eq+'O''Brien'&$top=2")).unwrap();
        assert_eq!(pairs[0].name, "$filter");
        assert_eq!(pairs[0].value, "displayName eq 'O''Brien'");
        assert_eq!(pairs[1].value, "2");
    }
}
