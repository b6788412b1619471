//! OData query options of a list.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};

/// `$select`, `$filter`, `$orderby`, `$top`, `$skip` of a list.
///
/// `$filter` is passed as written: string literals double an embedded quote
/// (`displayName eq 'O''Brien'`); [`ListQuery::quote`] does that.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListQuery {
    /// Fields to return; empty means all.
    pub select: Vec<String>,
    pub filter: Option<String>,
    /// E.g. `"displayName desc"`.
    #[serde(alias = "orderBy")]
    pub orderby: Option<String>,
    /// Entries per page the service should return at most.
    pub top: Option<u32>,
    /// Entries to skip from the start.
    pub skip: Option<u32>,
}

/// Spaces become `%20` (not `+`, which OData may keep as a plus); commas stay readable.
const QUERY_VALUE: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b',');

impl ListQuery {
    /// A query that returns only `fields`.
    pub fn select<I, S>(fields: I) -> ListQuery
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ListQuery { select: fields.into_iter().map(Into::into).collect(), ..ListQuery::default() }
    }

    /// An OData string literal: `O'Brien` → `'O''Brien'`.
    pub fn quote(text: &str) -> String {
        format!("'{}'", text.replace('\'', "''"))
    }

    /// The encoded query string without the leading `?`; empty when nothing is set.
    pub fn to_query_string(&self) -> String {
        let mut pairs = Vec::new();
        if !self.select.is_empty() {
            pairs.push(("$select", self.select.join(",")));
        }
        if let Some(filter) = self.filter.as_deref().filter(|f| !f.trim().is_empty()) {
            pairs.push(("$filter", filter.to_owned()));
        }
        if let Some(orderby) = self.orderby.as_deref().filter(|o| !o.trim().is_empty()) {
            pairs.push(("$orderby", orderby.to_owned()));
        }
        if let Some(top) = self.top {
            pairs.push(("$top", top.to_string()));
        }
        if let Some(skip) = self.skip {
            pairs.push(("$skip", skip.to_string()));
        }
        encode_pairs(&pairs)
    }
}

/// `$select=a,b` for a get.
pub(crate) fn select_query(select: &[String]) -> String {
    if select.is_empty() {
        return String::new();
    }
    encode_pairs(&[("$select", select.join(","))])
}

fn encode_pairs(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", utf8_percent_encode(value, QUERY_VALUE)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_is_encoded() {
        let query = ListQuery {
            select: vec!["id".into(), "displayName".into()],
            filter: Some(format!("displayName eq {}", ListQuery::quote("O'Brien & Co"))),
            orderby: Some("displayName desc".into()),
            top: Some(5),
            skip: Some(10),
        };
        assert_eq!(
            query.to_query_string(),
            "$select=id,displayName&$filter=displayName%20eq%20%27O%27%27Brien%20%26%20Co%27\
             &$orderby=displayName%20desc&$top=5&$skip=10"
        );
    }

    #[test]
    fn an_empty_query_is_empty() {
        assert_eq!(ListQuery::default().to_query_string(), "");
    }

    #[test]
    fn the_json_shape_reads() {
        let query: ListQuery =
            serde_json::from_str(r#"{"select":["id"],"orderBy":"x","top":3}"#).unwrap();
        assert_eq!(query.orderby.as_deref(), Some("x"));
        assert_eq!(query.top, Some(3));
    }
}
