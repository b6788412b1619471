//! What the emulator accepts in a create or update body, read from the core crate's
//! field table (`graph_profile::schema`): known fields only, of the right type and
//! length, no service-set field, required fields present, dates in order.  A refusal
//! names the field, in the message and in the error's `target`.

use graph_profile::FacetKind;
use graph_profile::schema::{self, FieldSpec, FieldType};
use serde_json::{Map, Value};

use crate::error::GraphError;
use crate::odata::ValueKind;
use crate::timestamp;

/// The `allowedAudiences` flag names.
const AUDIENCES: &[&str] = &[
    "me",
    "family",
    "contacts",
    "groupMembers",
    "organization",
    "federatedOrganizations",
    "everyone",
    "unknownFutureValue",
];

/// How a field can be queried.
pub fn value_kind(ty: FieldType) -> ValueKind {
    match ty {
        FieldType::String
        | FieldType::Url
        | FieldType::Email
        | FieldType::Enum(_)
        | FieldType::Audiences => ValueKind::String,
        FieldType::Bool => ValueKind::Bool,
        FieldType::Double => ValueKind::Number,
        FieldType::Date => ValueKind::Date,
        FieldType::DateTime => ValueKind::DateTime,
        FieldType::StringList
        | FieldType::EnumList(_)
        | FieldType::Object
        | FieldType::ObjectList => ValueKind::Complex,
    }
}

/// Whether a create (`true`) or an update (`false`) is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    Create,
    Update,
}

/// Checks a create or update body and returns its fields without OData annotations.
pub fn check_body(
    facet: FacetKind,
    body: Map<String, Value>,
    write: Write,
) -> Result<Map<String, Value>, GraphError> {
    let type_name = facet.entity_type();
    let mut fields = Map::new();

    for (key, value) in body {
        if key == "@odata.type" {
            let names = std::iter::once(type_name).chain(older_type_names(facet).iter().copied());
            if !names.clone().any(|name| is_type_name(&value, name)) {
                let expected: Vec<String> =
                    names.map(|name| format!("'#microsoft.graph.{name}'")).collect();
                return Err(GraphError::invalid_field(
                    "@odata.type",
                    format!("expected {} for {facet}, got {value}", expected.join(" or ")),
                ));
            }
            continue;
        }
        if key.starts_with('@') || key.contains("@odata.") {
            // Annotations, such as an @odata.context read back from an earlier answer,
            // are not properties.
            continue;
        }

        let spec = schema::field_spec(facet, &key).ok_or_else(|| {
            GraphError::invalid_field(
                &key,
                format!("the type 'microsoft.graph.{type_name}' has no such property"),
            )
        })?;
        if spec.read_only {
            return Err(GraphError::invalid_field(
                &key,
                "it is set by the service and cannot be written",
            ));
        }
        if key == "source" && !value.is_null() {
            check_source(&value).map_err(|reason| GraphError::invalid_field(&key, reason))?;
        }
        if value.is_null() {
            if spec.required {
                return Err(GraphError::invalid_field(&key, "it is required and cannot be null"));
            }
        } else {
            check_value(spec, &value).map_err(|reason| GraphError::invalid_field(&key, reason))?;
        }
        fields.insert(key, value);
    }

    if write == Write::Create {
        for spec in schema::fields(facet).filter(|spec| spec.required) {
            if fields.get(spec.name).is_none_or(Value::is_null) {
                return Err(GraphError::invalid_field(spec.name, "it is required"));
            }
        }
    }
    Ok(fields)
}

/// Type names older docs and SDKs give a facet's entries.  The reference says both readings
/// must be accepted, so a client built from either set of docs is not refused.
fn older_type_names(facet: FacetKind) -> &'static [&'static str] {
    match facet {
        FacetKind::Anniversaries => &["personAnniversary"],
        _ => &[],
    }
}

/// Whether an `@odata.type` value names `microsoft.graph.{name}`, with or without the `#`.
fn is_type_name(value: &Value, name: &str) -> bool {
    let given = value.as_str().unwrap_or_default();
    let given = given.strip_prefix('#').unwrap_or(given);
    given.strip_prefix("microsoft.graph.") == Some(name)
}

/// `source` in either reading: the newer `personDataSources {type: [string]}` or the
/// older `personDataSource {type: string}`.  Anything else in it is a mistake worth naming.
fn check_source(value: &Value) -> Result<(), String> {
    let object = value.as_object().ok_or_else(|| format!("expected an object, got {value}"))?;
    for (key, inner) in object {
        match key.as_str() {
            "@odata.type" => {
                let known = ["personDataSources", "personDataSource"];
                if !known.iter().any(|name| is_type_name(inner, name)) {
                    return Err(format!(
                        "expected '#microsoft.graph.personDataSources' or \
                         '#microsoft.graph.personDataSource', got {inner}"
                    ));
                }
            }
            "type" => {
                let strings =
                    inner.as_array().is_some_and(|items| items.iter().all(Value::is_string));
                if !(inner.is_string() || inner.is_null() || strings) {
                    return Err(format!(
                        "type: expected a string or an array of strings, got {inner}"
                    ));
                }
            }
            other if other.starts_with('@') => {}
            other => return Err(format!("personDataSource has no property '{other}'")),
        }
    }
    Ok(())
}

/// Checks that date pairs are in order on a whole entry (after an update is merged).
pub fn check_date_order(facet: FacetKind, entry: &Map<String, Value>) -> Result<(), GraphError> {
    for (earlier, later) in schema::date_order(facet) {
        let first = entry.get(*earlier).and_then(Value::as_str);
        let second = entry.get(*later).and_then(Value::as_str);
        if let (Some(first), Some(second)) = (first, second) {
            if second < first {
                return Err(GraphError::invalid_field(
                    later,
                    format!("must not be before {earlier} ({first}); got {second}"),
                ));
            }
        }
    }
    Ok(())
}

fn check_value(spec: &FieldSpec, value: &Value) -> Result<(), String> {
    let text = || value.as_str().ok_or_else(|| format!("expected a string, got {value}"));
    let check_length = |text: &str| match spec.max_len {
        Some(max) if text.chars().count() > max => {
            Err(format!("longer than {max} characters ({})", text.chars().count()))
        }
        _ => Ok(()),
    };

    match spec.ty {
        FieldType::String => {
            let text = text()?;
            check_length(text)?;
            if spec.required && text.trim().is_empty() {
                return Err("it is required and cannot be empty".into());
            }
            Ok(())
        }
        FieldType::Url => {
            let text = text()?;
            check_length(text)?;
            let lower = text.to_ascii_lowercase();
            let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
            match rest {
                Some(rest) if !rest.is_empty() && !text.contains(char::is_whitespace) => Ok(()),
                _ => Err(format!("expected an absolute http or https URL, got '{text}'")),
            }
        }
        FieldType::Email => {
            let text = text()?;
            check_length(text)?;
            match text.rsplit_once('@') {
                Some((name, domain))
                    if !name.is_empty()
                        && !domain.is_empty()
                        && !text.contains(char::is_whitespace) =>
                {
                    Ok(())
                }
                _ => Err(format!("expected an e-mail address, got '{text}'")),
            }
        }
        FieldType::Bool => {
            value.as_bool().map(drop).ok_or_else(|| format!("expected true or false, got {value}"))
        }
        FieldType::Double => {
            value.as_f64().map(drop).ok_or_else(|| format!("expected a number, got {value}"))
        }
        FieldType::Date => {
            let text = text()?;
            if timestamp::is_date(text) {
                Ok(())
            } else {
                Err(format!("expected a date as YYYY-MM-DD, got '{text}'"))
            }
        }
        FieldType::DateTime => {
            let text = text()?;
            timestamp::parse(text)
                .map(drop)
                .ok_or_else(|| format!("expected an RFC 3339 date and time, got '{text}'"))
        }
        FieldType::Enum(members) => check_member(text()?, members),
        FieldType::StringList => {
            let items = value
                .as_array()
                .ok_or_else(|| format!("expected an array of strings, got {value}"))?;
            match items.iter().find(|item| !item.is_string()) {
                Some(item) => Err(format!("expected an array of strings; {item} is not a string")),
                None => Ok(()),
            }
        }
        FieldType::EnumList(members) => {
            let items = value
                .as_array()
                .ok_or_else(|| format!("expected an array of strings, got {value}"))?;
            for item in items {
                let member = item.as_str().ok_or_else(|| format!("{item} is not a string"))?;
                check_member(member, members)?;
            }
            Ok(())
        }
        FieldType::Audiences => {
            let text = text()?;
            for flag in text.split(',').map(str::trim) {
                if !AUDIENCES.iter().any(|known| known.eq_ignore_ascii_case(flag)) {
                    return Err(format!(
                        "'{flag}' is not an audience; expected one or more of {}, comma-separated",
                        AUDIENCES.join(", ")
                    ));
                }
            }
            Ok(())
        }
        FieldType::Object => {
            value.as_object().map(drop).ok_or_else(|| format!("expected an object, got {value}"))
        }
        FieldType::ObjectList => {
            let items = value
                .as_array()
                .ok_or_else(|| format!("expected an array of objects, got {value}"))?;
            match items.iter().find(|item| !item.is_object()) {
                Some(item) => Err(format!("expected an array of objects; {item} is not an object")),
                None => Ok(()),
            }
        }
    }
}

/// Enums may grow: an unlisted member that looks like one (letters and digits, as
/// the service's numeric quirk `"4"`) is kept; anything else is refused.
fn check_member(text: &str, members: &[&str]) -> Result<(), String> {
    let looks_like_member = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric());
    if members.contains(&text) || looks_like_member {
        Ok(())
    } else {
        Err(format!("'{text}' is not a member; expected one of {}", members.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    fn refused_field(facet: FacetKind, value: Value, write: Write) -> String {
        check_body(facet, body(value), write).unwrap_err().target.unwrap()
    }

    #[test]
    fn a_good_certification_passes_and_annotations_are_dropped() {
        let checked = check_body(
            FacetKind::Certifications,
            body(json!({
                "@odata.type": "#microsoft.graph.personCertification",
                "displayName": "AZ-104",
                "issuedDate": "2025-04-28",
                "webUrl": "https://learn.microsoft.com",
                "allowedAudiences": "contacts,organization",
            })),
            Write::Create,
        )
        .unwrap();
        assert!(!checked.contains_key("@odata.type"));
        assert_eq!(checked["displayName"], "AZ-104");
    }

    #[test]
    fn each_kind_of_bad_field_is_named() {
        let c = FacetKind::Certifications;
        assert_eq!(
            refused_field(c, json!({"issuedDate": "2025-04-28"}), Write::Create),
            "displayName"
        );
        assert_eq!(refused_field(c, json!({"displayName": 5}), Write::Create), "displayName");
        assert_eq!(
            refused_field(c, json!({"displayName": "x", "colour": 1}), Write::Create),
            "colour"
        );
        assert_eq!(refused_field(c, json!({"displayName": "x", "id": "1"}), Write::Create), "id");
        assert_eq!(
            refused_field(
                c,
                json!({"displayName": "x", "issuedDate": "2025-02-30"}),
                Write::Create
            ),
            "issuedDate"
        );
        assert_eq!(refused_field(c, json!({"webUrl": "ftp://x"}), Write::Update), "webUrl");
        assert_eq!(refused_field(c, json!({"displayName": null}), Write::Update), "displayName");
        assert_eq!(
            refused_field(
                FacetKind::Skills,
                json!({"displayName": "x", "proficiency": "so so"}),
                Write::Create
            ),
            "proficiency"
        );
    }

    #[test]
    fn older_type_names_and_source_shapes_are_accepted() {
        let a = FacetKind::Anniversaries;
        for name in ["#microsoft.graph.personAnnualEvent", "microsoft.graph.personAnniversary"] {
            let draft = json!({"@odata.type": name, "displayName": "x", "date": "2020-01-01"});
            assert!(check_body(a, body(draft), Write::Create).is_ok(), "{name}");
        }
        let wrong = json!({"@odata.type": "#microsoft.graph.personAward", "displayName": "x"});
        assert_eq!(refused_field(a, wrong, Write::Create), "@odata.type");

        let s = FacetKind::Skills;
        for source in [json!({"type": ["User"]}), json!({"type": "User"})] {
            let draft = json!({"displayName": "x", "source": source});
            assert!(check_body(s, body(draft), Write::Create).is_ok(), "{source}");
        }
        for source in [json!({"type": 5}), json!({"kind": "User"}), json!("User")] {
            let draft = json!({"displayName": "x", "source": source});
            assert_eq!(refused_field(s, draft, Write::Create), "source");
        }
    }

    #[test]
    fn dates_out_of_order_are_refused() {
        let entry = body(json!({"issuedDate": "2025-04-28", "endDate": "2024-01-01"}));
        let error = check_date_order(FacetKind::Certifications, &entry).unwrap_err();
        assert_eq!(error.target.as_deref(), Some("endDate"));
    }
}
