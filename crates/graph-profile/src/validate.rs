//! Checks a draft or a patch against [`crate::schema`] before any request is made.
//!
//! Everything here works on JSON (`serde_json::Map`), so the typed models, the C ABI,
//! Python, PowerShell and the emulator all get the same rules and the same messages.

use std::fmt;

use serde_json::{Map, Value};

use crate::FacetKind;
use crate::model::{AUDIENCE_MEMBERS, Date};
use crate::schema::{self, FieldSpec, FieldType};

/// A draft or patch the service would refuse, found before sending it.
///
/// Displays as `certifications.endDate: must not be before issuedDate (2025-04-28)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The facet the draft or patch was for.
    pub facet: FacetKind,
    /// The JSON field at fault; empty when the whole value is (not an object).
    pub field: String,
    /// Why it is refused, in words a user can act on.
    pub reason: String,
}

impl ValidationError {
    /// An error about `field` of `facet`.
    pub fn new(facet: FacetKind, field: impl Into<String>, reason: impl Into<String>) -> Self {
        ValidationError { facet, field: field.into(), reason: reason.into() }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.facet, self.reason)
        } else {
            write!(f, "{}.{}: {}", self.facet, self.field, self.reason)
        }
    }
}

impl std::error::Error for ValidationError {}

/// Response-only annotations that a read-modify-write may carry back; never sent.
const RESPONSE_ANNOTATIONS: &[&str] = &["@odata.context"];

/// Checks a create body: required fields present and not null, every known field of
/// the right type and within its limits, dates in order.
///
/// Service-set fields (`id`, `createdDateTime`, …) are refused: use [`prepare_draft`]
/// to drop them instead.  Fields the schema does not know are accepted as they are,
/// since a newer service may know them.
pub fn validate_draft(kind: FacetKind, draft: &Map<String, Value>) -> Result<(), ValidationError> {
    for spec in schema::fields(kind).filter(|spec| spec.required) {
        if draft.get(spec.name).is_none_or(Value::is_null) {
            return Err(ValidationError::new(kind, spec.name, "is required"));
        }
    }

    validate_fields(kind, draft)
}

/// Checks an update body: every field present is of the right type and within its
/// limits, and dates sent together are in order.
///
/// A null clears a field, except a required one, which is refused.  Service-set fields
/// are refused: use [`prepare_patch`] to drop them instead.
pub fn validate_patch(kind: FacetKind, patch: &Map<String, Value>) -> Result<(), ValidationError> {
    for (name, value) in patch {
        let required = schema::field_spec(kind, name).is_some_and(|spec| spec.required);
        if required && value.is_null() {
            return Err(ValidationError::new(kind, name, "is required and cannot be cleared"));
        }
    }

    // Dates already stored are not known here: only pairs sent together are compared.
    validate_fields(kind, patch)
}

/// Turns any JSON value into a create body: refuses a non-object, drops the fields the
/// service sets (so an entry read back can be sent again), then [`validate_draft`].
pub fn prepare_draft(kind: FacetKind, draft: Value) -> Result<Map<String, Value>, ValidationError> {
    let draft = writable_object(kind, draft, "draft")?;
    validate_draft(kind, &draft)?;
    warn_about_thumbnail(kind, &draft);
    Ok(draft)
}

/// Turns any JSON value into an update body: refuses a non-object, drops the fields the
/// service sets, then [`validate_patch`].  An explicit null is kept: it clears the field.
pub fn prepare_patch(kind: FacetKind, patch: Value) -> Result<Map<String, Value>, ValidationError> {
    let patch = writable_object(kind, patch, "patch")?;
    validate_patch(kind, &patch)?;
    warn_about_thumbnail(kind, &patch);
    Ok(patch)
}

/// Checks one field's value against the schema, as a draft or patch would.  A field
/// the facet does not know is accepted; a null is accepted (required-ness is checked by
/// [`validate_draft`] and [`validate_patch`]).
pub fn validate_field(kind: FacetKind, name: &str, value: &Value) -> Result<(), ValidationError> {
    match schema::field_spec(kind, name) {
        Some(spec) if spec.read_only => {
            Err(ValidationError::new(kind, name, "is set by the service and cannot be written"))
        }
        Some(spec) if !value.is_null() => {
            check_value(spec, value).map_err(|reason| ValidationError::new(kind, name, reason))
        }
        _ => Ok(()),
    }
}

/// Reads a calendar date (`YYYY-MM-DD`) given for `field` of `kind`, for callers that
/// take dates as text (CSV, command line).
pub fn parse_date(kind: FacetKind, field: &str, text: &str) -> Result<Date, ValidationError> {
    text.parse::<Date>()
        .map_err(|err| ValidationError::new(kind, field, date_reason(text, err.why)))
}

fn writable_object(
    kind: FacetKind,
    value: Value,
    what: &str,
) -> Result<Map<String, Value>, ValidationError> {
    let Value::Object(mut object) = value else {
        let reason = format!("a {what} must be a JSON object, not {}", json_type(&value));
        return Err(ValidationError::new(kind, "", reason));
    };

    object.retain(|name, _| {
        let service_set = schema::field_spec(kind, name).is_some_and(|spec| spec.read_only);
        !service_set && !RESPONSE_ANNOTATIONS.contains(&name.as_str())
    });
    Ok(object)
}

fn warn_about_thumbnail(kind: FacetKind, body: &Map<String, Value>) {
    if body.get("thumbnailUrl").is_some_and(|url| !url.is_null()) {
        tracing::warn!(
            facet = %kind,
            "thumbnailUrl is accepted, but the service shows a placeholder image instead"
        );
    }
}

fn validate_fields(kind: FacetKind, body: &Map<String, Value>) -> Result<(), ValidationError> {
    for (name, value) in body {
        validate_field(kind, name, value)?;
    }

    for (earlier, later) in schema::date_order(kind) {
        let date = |name: &str| body.get(name).and_then(Value::as_str)?.parse::<Date>().ok();
        if let (Some(first), Some(second)) = (date(earlier), date(later)) {
            if second < first {
                let reason = format!("must not be before {earlier} ({first})");
                return Err(ValidationError::new(kind, *later, reason));
            }
        }
    }
    Ok(())
}

/// Checks a non-null value; the error is the reason alone.
fn check_value(spec: &FieldSpec, value: &Value) -> Result<(), String> {
    match spec.ty {
        FieldType::String => check_length(spec, expect_str(value)?),
        FieldType::Url => {
            let text = expect_str(value)?;
            check_length(spec, text)?;
            check_url(text)
        }
        FieldType::Email => {
            let text = expect_str(value)?;
            check_length(spec, text)?;
            check_email(text)
        }
        FieldType::Bool => expect(value.is_boolean(), "true or false", value),
        FieldType::Double => expect(value.is_number(), "a number", value),
        FieldType::Date => {
            let text = expect_str(value)?;
            text.parse::<Date>().map(drop).map_err(|err| date_reason(text, err.why))
        }
        FieldType::DateTime => check_date_time(expect_str(value)?),
        FieldType::Enum(members) => check_member(expect_str(value)?, members),
        FieldType::StringList => {
            for item in expect_array(value)? {
                expect_str(item).map_err(|reason| format!("every item {reason}"))?;
            }
            Ok(())
        }
        FieldType::EnumList(members) => {
            for item in expect_array(value)? {
                let text = expect_str(item).map_err(|reason| format!("every item {reason}"))?;
                check_member(text, members)?;
            }
            Ok(())
        }
        FieldType::Audiences => check_audiences(expect_str(value)?),
        FieldType::Object => expect(value.is_object(), "a JSON object", value),
        FieldType::ObjectList => {
            for item in expect_array(value)? {
                expect(item.is_object(), "a JSON object", item)
                    .map_err(|reason| format!("every item {reason}"))?;
            }
            Ok(())
        }
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn expect(ok: bool, wanted: &str, value: &Value) -> Result<(), String> {
    if ok { Ok(()) } else { Err(format!("must be {wanted}, not {}", json_type(value))) }
}

fn expect_str(value: &Value) -> Result<&str, String> {
    value.as_str().ok_or_else(|| format!("must be a string, not {}", json_type(value)))
}

fn expect_array(value: &Value) -> Result<&Vec<Value>, String> {
    value.as_array().ok_or_else(|| format!("must be an array, not {}", json_type(value)))
}

fn check_length(spec: &FieldSpec, text: &str) -> Result<(), String> {
    match spec.max_len {
        Some(max) if text.chars().count() > max => {
            Err(format!("must be at most {max} characters long, not {}", text.chars().count()))
        }
        _ => Ok(()),
    }
}

fn check_url(text: &str) -> Result<(), String> {
    let refuse = || format!("must be an absolute http or https URL, not '{text}'");
    let url = url::Url::parse(text).map_err(|_| refuse())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(refuse());
    }
    Ok(())
}

/// Plausible, not RFC 5322: one `@`, a local part, a dotted domain, no spaces.
/// The service is the judge of the rest.
fn check_email(text: &str) -> Result<(), String> {
    let refuse = || format!("must be an e-mail address like name@example.com, not '{text}'");
    let Some((local, domain)) = text.split_once('@') else {
        return Err(refuse());
    };

    let local_ok = !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && !local.chars().any(|c| c.is_whitespace() || c.is_control() || c == '@');
    let label_ok = |label: &str| {
        !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let domain_ok = domain.contains('.') && domain.split('.').all(label_ok);

    if local_ok && domain_ok { Ok(()) } else { Err(refuse()) }
}

fn date_reason(text: &str, why: &str) -> String {
    format!("must be a calendar date YYYY-MM-DD, not '{text}' ({why})")
}

/// RFC 3339: `2025-04-28T10:11:12Z`, optional fraction, `Z` or a `±HH:MM` offset.
fn check_date_time(text: &str) -> Result<(), String> {
    let refuse =
        || format!("must be an RFC 3339 date and time like 2025-04-28T10:11:12Z, not '{text}'");

    let (Some(date), Some(rest)) = (text.get(..10), text.get(10..)) else {
        return Err(refuse());
    };
    date.parse::<Date>().map_err(|_| refuse())?;
    let Some(rest) = rest.strip_prefix(['T', 't']) else {
        return Err(refuse());
    };

    let two_digits = |part: Option<&str>, max: u8| -> bool {
        part.filter(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u8>().ok())
            .is_some_and(|n| n <= max)
    };
    let time_ok = rest.len() >= 8
        && two_digits(rest.get(0..2), 23)
        && rest.get(2..3) == Some(":")
        && two_digits(rest.get(3..5), 59)
        && rest.get(5..6) == Some(":")
        // 60 allows a leap second.
        && two_digits(rest.get(6..8), 60);
    if !time_ok {
        return Err(refuse());
    }

    let mut rest = &rest[8..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(refuse());
        }
        rest = &fraction[digits..];
    }

    let offset_ok = match rest {
        "Z" | "z" => true,
        _ => {
            let sign_ok = rest.starts_with(['+', '-']);
            sign_ok
                && rest.len() == 6
                && two_digits(rest.get(1..3), 23)
                && rest.get(3..4) == Some(":")
                && two_digits(rest.get(4..6), 59)
        }
    };
    if offset_ok { Ok(()) } else { Err(refuse()) }
}

fn check_member(text: &str, members: &[&str]) -> Result<(), String> {
    if members.contains(&text) {
        Ok(())
    } else {
        Err(format!("'{text}' is not one of: {}", members.join(", ")))
    }
}

/// Comma-separated member names, spelled as the service spells them.  Numbers are
/// refused: the service writes names.
fn check_audiences(text: &str) -> Result<(), String> {
    let names: Vec<&str> = AUDIENCE_MEMBERS.iter().map(|(name, _)| *name).collect();
    for part in text.split(',') {
        let part = part.trim();
        if part.is_empty() || !names.contains(&part) {
            let list = names.join(", ");
            return Err(format!(
                "'{part}' is not one of: {list} (several are written comma-separated)"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn the_error_reads_facet_dot_field_colon_reason() {
        let err = validate_draft(
            FacetKind::Certifications,
            &object(json!({"displayName": "AZ-104", "issuedDate": "2025-04-28",
                           "endDate": "2025-04-27"})),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "certifications.endDate: must not be before issuedDate (2025-04-28)"
        );
    }

    #[test]
    fn date_times_follow_rfc_3339() {
        for good in [
            "2025-04-28T10:11:12Z",
            "2025-04-28T10:11:12.1234567Z",
            "2025-04-28t23:59:60z",
            "2025-04-28T10:11:12+10:00",
            "2025-04-28T10:11:12.5-05:30",
        ] {
            assert_eq!(check_date_time(good), Ok(()), "{good}");
        }
        for bad in [
            "2025-04-28",
            "2025-04-28 10:11:12Z",
            "2025-04-28T10:11:12",
            "2025-04-28T24:00:00Z",
            "2025-04-28T10:61:00Z",
            "2025-04-28T10:11:12.Z",
            "2025-04-28T10:11:12+1000",
            "2025-02-30T10:11:12Z",
            "2025-04-28T10:11Z",
            "2025-04-28T10:11:12Zjunk",
            "2025-04-28T1é:11:12Z",
        ] {
            assert!(check_date_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_service_set_date_time_field_is_refused_before_its_format_is_checked() {
        let err = validate_field(FacetKind::Awards, "lastModifiedDateTime", &json!("yesterday"))
            .unwrap_err();
        assert!(err.reason.contains("set by the service"), "{err}");
    }

    #[test]
    fn nulls_and_unknown_fields_pass_field_checks() {
        assert_eq!(validate_field(FacetKind::Awards, "webUrl", &Value::Null), Ok(()));
        assert_eq!(validate_field(FacetKind::Awards, "futureField", &json!([1, 2])), Ok(()));
    }
}
