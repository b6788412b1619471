//! The key that says which existing entry a desired entry describes.
//!
//! Graph has no natural key for profile entries, only service-made ids, so a sync
//! matches entries by content.  The rule, per facet:
//!
//! | facet | key |
//! |---|---|
//! | `certifications` | `certificationId` when present, otherwise `displayName` + `issuingAuthority` |
//! | `awards`, `patents` | `displayName` + `issuingAuthority` |
//! | `emails` | `address` |
//! | `phones` | `number` |
//! | `account` | `userPrincipalName` |
//! | `webAccounts` | `service.name` + `userId` |
//! | `educationalActivities` | `institution.displayName` + `program.displayName` |
//! | `positions` | `detail.company.displayName` + `detail.jobTitle` |
//! | every other facet | `displayName` |
//!
//! Parts are compared trimmed, with inner runs of spaces made one, and ignoring
//! letter case, so `"Azure  Administrator"` and `"azure administrator"` are the same
//! entry (a change of case is then an update of `displayName`).
//!
//! A certification whose desired row has a `certificationId` also matches an
//! existing entry that has no `certificationId` but the same `displayName` and
//! `issuingAuthority`: that is how a list that starts giving ids adopts the entries
//! made before it did, instead of duplicating them.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::FacetKind;

/// The normalised key of an entry within one user's facet.  Displays as the parts
/// joined by `" | "`, in their original spelling.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EntryKey {
    /// Which rule made the key: `certificationId`, or the field names joined by `+`.
    pub rule: String,
    /// The parts as written, for display.
    pub parts: Vec<String>,
    /// The parts normalised for comparison.
    #[serde(skip)]
    normalised: Vec<String>,
}

impl PartialEq for EntryKey {
    fn eq(&self, other: &Self) -> bool {
        self.rule == other.rule && self.normalised == other.normalised
    }
}

impl Eq for EntryKey {}

impl std::hash::Hash for EntryKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.rule.hash(state);
        self.normalised.hash(state);
    }
}

impl fmt::Display for EntryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.parts.join(" | "))
    }
}

impl EntryKey {
    fn new(rule: &str, parts: Vec<String>) -> EntryKey {
        let normalised = parts.iter().map(|part| normalise(part)).collect();
        EntryKey { rule: rule.to_owned(), parts, normalised }
    }

    /// The key of an existing entry that has none of its key fields.
    pub fn unnamed() -> EntryKey {
        EntryKey::new("none", vec!["(no key)".to_owned()])
    }

    /// The key back from [`EntryKey::canonical`] (its parts in normalised spelling).
    pub fn from_canonical(text: &str) -> EntryKey {
        let (rule, parts) = text.split_once('=').unwrap_or(("none", text));
        EntryKey::new(rule, parts.split('\u{1f}').map(str::to_owned).collect())
    }

    /// The text compared: rule and normalised parts, stable across runs (the resume
    /// journal stores it).
    pub fn canonical(&self) -> String {
        format!("{}={}", self.rule, self.normalised.join("\u{1f}"))
    }
}

/// The field paths a facet's key is made of (the name-based rule for certifications).
pub fn key_paths(kind: FacetKind) -> &'static [&'static str] {
    match kind {
        FacetKind::Certifications | FacetKind::Awards | FacetKind::Patents => {
            &["displayName", "issuingAuthority"]
        }
        FacetKind::Emails => &["address"],
        FacetKind::Phones => &["number"],
        FacetKind::Account => &["userPrincipalName"],
        FacetKind::WebAccounts => &["service.name", "userId"],
        FacetKind::EducationalActivities => &["institution.displayName", "program.displayName"],
        FacetKind::Positions => &["detail.company.displayName", "detail.jobTitle"],
        _ => &["displayName"],
    }
}

/// The key of an entry (desired or existing), or `None` when the fields that make it
/// are all empty.  Parts that are missing count as empty text.
pub fn entry_key(kind: FacetKind, fields: &Map<String, Value>) -> Option<EntryKey> {
    if kind == FacetKind::Certifications {
        if let Some(id) = text_at(fields, "certificationId").filter(|id| !id.trim().is_empty()) {
            return Some(EntryKey::new("certificationId", vec![id.trim().to_owned()]));
        }
    }
    name_key(kind, fields)
}

/// The name-based key, ignoring `certificationId`: what an existing certification
/// without an id is matched by.
pub fn name_key(kind: FacetKind, fields: &Map<String, Value>) -> Option<EntryKey> {
    let paths = key_paths(kind);
    let parts: Vec<String> = paths
        .iter()
        .map(|path| text_at(fields, path).unwrap_or_default().trim().to_owned())
        .collect();
    if parts.iter().all(String::is_empty) {
        return None;
    }
    Some(EntryKey::new(&paths.join("+"), parts))
}

/// A text value at a dotted path (`detail.jobTitle`); numbers are read as text.
fn text_at(fields: &Map<String, Value>, path: &str) -> Option<String> {
    let mut segments = path.split('.');
    let mut value = fields.get(segments.next()?)?;
    for segment in segments {
        value = value.get(segment)?;
    }
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn a_certification_id_wins_over_the_name() {
        let with_id = map(json!({"displayName": "A", "certificationId": " AZ-104 "}));
        let key = entry_key(FacetKind::Certifications, &with_id).unwrap();
        assert_eq!(key.rule, "certificationId");
        assert_eq!(key.to_string(), "AZ-104");

        let without = map(json!({"displayName": "A", "issuingAuthority": "Microsoft"}));
        let key = entry_key(FacetKind::Certifications, &without).unwrap();
        assert_eq!(key.rule, "displayName+issuingAuthority");
        assert_eq!(key.to_string(), "A | Microsoft");
    }

    #[test]
    fn case_and_spacing_do_not_make_a_new_key() {
        let a = map(json!({"displayName": "Azure  Administrator", "issuingAuthority": "MS"}));
        let b = map(json!({"displayName": "azure administrator ", "issuingAuthority": "ms"}));
        assert_eq!(entry_key(FacetKind::Awards, &a), entry_key(FacetKind::Awards, &b));
        let c = map(json!({"displayName": "azure administrator", "issuingAuthority": "IEEE"}));
        assert_ne!(entry_key(FacetKind::Awards, &a), entry_key(FacetKind::Awards, &c));
    }

    #[test]
    fn nested_paths_and_missing_keys() {
        let position = map(json!({"detail": {"jobTitle": "CTO", "company": {"displayName": "X"}}}));
        let key = entry_key(FacetKind::Positions, &position).unwrap();
        assert_eq!(key.to_string(), "X | CTO");
        assert!(entry_key(FacetKind::Skills, &map(json!({"proficiency": "expert"}))).is_none());
    }
}
