//! The desired state: what every listed user's facets should hold, read from CSV or
//! JSON, each row checked on its own.
//!
//! CSV: a header row, then one row per entry.  Columns: `user` (object id or UPN),
//! `facet` (a collection name; may be left out when the caller names one facet for
//! the whole file), then the facet's fields by their JSON names (`displayName`,
//! `issuedDate`, …; letter case of the header does not matter).  An empty cell
//! leaves that field out of the sync: it is neither compared nor changed.  Lists
//! (`categories`, `collaborationTags`) are written `a;b;c`; nested values (`detail`)
//! as JSON text; dates as `YYYY-MM-DD`.
//!
//! JSON: an array of objects, or `{"entries": [...]}`, each `{"user", "facet"?,
//! ...fields}` with the fields as the service spells them.  A field set to `null`
//! is cleared.
//!
//! A bad row (missing cells, a bad date, a field the facet does not have, a key
//! shared with another row) becomes a [`RowError`] with its line number; the other
//! rows are still read.  Only a header that cannot work (no `user` column, no facet)
//! fails the whole input.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::key::{EntryKey, entry_key, key_paths};
use super::{facet_name, opt_facet_name};
use crate::FacetKind;
use crate::error::Error;
use crate::schema::{self, FieldType};
use crate::validate;

/// The text form a desired state was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum InputFormat {
    Csv,
    Json,
}

impl InputFormat {
    /// `Json` for a `.json` file name, `Csv` otherwise.
    pub fn from_file_name(name: &str) -> InputFormat {
        if name.to_ascii_lowercase().ends_with(".json") {
            InputFormat::Json
        } else {
            InputFormat::Csv
        }
    }
}

/// One entry a user's facet should hold.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DesiredEntry {
    /// Where it was read: the CSV line (the header is line 1) or the JSON line on
    /// which the entry's object starts.
    pub line: usize,
    /// The user as written (object id or UPN).
    pub user: String,
    #[serde(with = "facet_name")]
    pub facet: FacetKind,
    /// Which existing entry this one is (see [`super::key`]).
    pub key: EntryKey,
    /// The fields the sync manages, as they go on the wire; fields left out are
    /// neither compared nor changed.
    pub fields: Map<String, Value>,
}

/// A row that cannot be synced, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowError {
    /// The CSV line or the JSON line the entry starts on; 1 for the header.
    pub line: usize,
    /// The row's user, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The row's facet, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_facet_name")]
    pub facet: Option<FacetKind>,
    /// The field at fault, when one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub reason: String,
}

impl RowError {
    fn new(line: usize, reason: impl Into<String>) -> RowError {
        RowError { line, user: None, facet: None, field: None, reason: reason.into() }
    }

    fn field(mut self, field: impl Into<String>) -> RowError {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: ", self.line)?;
        match (&self.facet, &self.field) {
            (Some(facet), Some(field)) => write!(f, "{facet}.{field}: ")?,
            (None, Some(field)) => write!(f, "{field}: ")?,
            _ => {}
        }
        f.write_str(&self.reason)
    }
}

/// Everything read from one input: the good entries and the bad rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DesiredState {
    pub format: InputFormat,
    pub entries: Vec<DesiredEntry>,
    pub errors: Vec<RowError>,
    /// A digest of the input text: the resume journal belongs to one input.
    pub fingerprint: String,
}

/// How to read an input.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReadOptions {
    /// The facet of rows that do not name one (no `facet` column or key).
    #[serde(with = "opt_facet_name")]
    pub facet: Option<FacetKind>,
}

impl DesiredState {
    /// Reads `text` in `format`.
    pub fn parse(text: &str, format: InputFormat, options: &ReadOptions) -> Result<Self, Error> {
        match format {
            InputFormat::Csv => DesiredState::from_csv(text, options),
            InputFormat::Json => DesiredState::from_json(text, options),
        }
    }

    /// Reads CSV (see the module docs).  Fails only when the header cannot work.
    pub fn from_csv(text: &str, options: &ReadOptions) -> Result<DesiredState, Error> {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(body.as_bytes());

        let header: Vec<String> = reader
            .headers()
            .map_err(|e| Error::validation(None, "header", format!("line 1: {e}")))?
            .iter()
            .map(str::to_owned)
            .collect();
        let column = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
        let Some(user_column) = column("user") else {
            let reason = "line 1: the header has no 'user' column";
            return Err(Error::validation(None, "user", reason));
        };
        let facet_column = column("facet");
        if facet_column.is_none() && options.facet.is_none() {
            let reason = "line 1: the header has no 'facet' column and no facet was given";
            return Err(Error::validation(None, "facet", reason));
        }

        let mut rows = Vec::new();
        let mut errors = Vec::new();
        for record in reader.records() {
            let record = match record {
                Ok(record) => record,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    errors.push(RowError::new(line, format!("cannot be read: {e}")));
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line() as usize);
            if record.iter().all(str::is_empty) {
                continue;
            }
            if record.len() != header.len() {
                let reason = format!(
                    "has {} cells where the header has {} columns (missing or extra columns)",
                    record.len(),
                    header.len()
                );
                errors.push(RowError::new(line, reason));
                continue;
            }

            let cells = header
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != user_column && Some(*i) != facet_column)
                .map(|(i, name)| (name.as_str(), &record[i]));
            let facet = facet_column.map(|i| &record[i]).filter(|f| !f.is_empty());
            match csv_row(line, &record[user_column], facet, cells, options) {
                Ok(entry) => rows.push(entry),
                Err(error) => errors.push(error),
            }
        }

        Ok(finish(InputFormat::Csv, text, rows, errors))
    }

    /// Reads JSON (see the module docs).  Fails only when the text is not a JSON
    /// array of entries (or `{"entries": [...]}`).
    pub fn from_json(text: &str, options: &ReadOptions) -> Result<DesiredState, Error> {
        #[derive(Deserialize)]
        struct Wrapped<'a> {
            #[serde(borrow)]
            entries: Vec<&'a RawValue>,
        }
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        // Raw values keep their place in the text (an untagged enum would copy them).
        let items = match serde_json::from_str::<Vec<&RawValue>>(body) {
            Ok(items) => items,
            Err(list_error) => match serde_json::from_str::<Wrapped<'_>>(body) {
                Ok(wrapped) => wrapped.entries,
                Err(_) => {
                    let reason = format!(
                        "line {}: expected an array of entries or {{\"entries\": [...]}}: \
                         {list_error}",
                        list_error.line()
                    );
                    return Err(Error::validation(None, "entries", reason));
                }
            },
        };

        let mut rows = Vec::new();
        let mut errors = Vec::new();
        for item in items {
            // The raw text is a slice of `body`: its offset gives the line it starts on.
            let offset = item.get().as_ptr() as usize - body.as_ptr() as usize;
            let line = 1 + body[..offset].bytes().filter(|b| *b == b'\n').count();
            match json_row(line, item.get(), options) {
                Ok(entry) => rows.push(entry),
                Err(error) => errors.push(error),
            }
        }

        Ok(finish(InputFormat::Json, text, rows, errors))
    }
}

/// One CSV row: cells converted by the schema's field types, then checked as a draft.
fn csv_row<'a>(
    line: usize,
    user: &str,
    facet: Option<&str>,
    cells: impl Iterator<Item = (&'a str, &'a str)>,
    options: &ReadOptions,
) -> Result<DesiredEntry, RowError> {
    let (user, kind) = user_and_facet(line, user, facet, options)?;
    let fail = |error: RowError| RowError { user: Some(user.clone()), facet: Some(kind), ..error };

    let mut fields = Map::new();
    for (column, cell) in cells {
        if cell.is_empty() {
            continue;
        }
        let spec = schema::fields(kind)
            .find(|spec| spec.name.eq_ignore_ascii_case(column))
            .ok_or_else(|| {
                let reason = format!("{kind} has no field '{column}' (the cell is not empty)");
                fail(RowError::new(line, reason).field(column))
            })?;
        let value = cell_value(kind, spec.name, spec.ty, cell)
            .map_err(|reason| fail(RowError::new(line, reason).field(spec.name)))?;
        fields.insert(spec.name.to_owned(), value);
    }

    entry(line, user.clone(), kind, fields).map_err(fail)
}

/// One JSON entry: `user`, optional `facet`, and fields as the service spells them.
fn json_row(line: usize, raw: &str, options: &ReadOptions) -> Result<DesiredEntry, RowError> {
    let Ok(Value::Object(mut object)) = serde_json::from_str::<Value>(raw) else {
        return Err(RowError::new(line, "an entry must be a JSON object"));
    };
    let user = match object.remove("user") {
        Some(Value::String(user)) => user,
        _ => return Err(RowError::new(line, "needs \"user\" as text").field("user")),
    };
    let facet = match object.remove("facet") {
        Some(Value::String(facet)) => Some(facet),
        None | Some(Value::Null) => None,
        Some(_) => return Err(RowError::new(line, "must be a facet name").field("facet")),
    };
    let (user, kind) = user_and_facet(line, &user, facet.as_deref(), options)?;
    let fail = |error: RowError| RowError { user: Some(user.clone()), facet: Some(kind), ..error };

    for name in object.keys() {
        if schema::field_spec(kind, name).is_none() {
            let reason = format!("{kind} has no field '{name}'");
            return Err(fail(RowError::new(line, reason).field(name)));
        }
    }
    entry(line, user.clone(), kind, object).map_err(fail)
}

fn user_and_facet(
    line: usize,
    user: &str,
    facet: Option<&str>,
    options: &ReadOptions,
) -> Result<(String, FacetKind), RowError> {
    let user = user.trim();
    if user.is_empty() {
        return Err(RowError::new(line, "the user is empty").field("user"));
    }
    let kind = match facet {
        Some(name) => name.trim().parse::<FacetKind>().map_err(|e| {
            RowError { user: Some(user.to_owned()), ..RowError::new(line, e.to_string()) }
                .field("facet")
        })?,
        None => {
            options.facet.ok_or_else(|| RowError::new(line, "no facet given").field("facet"))?
        }
    };
    Ok((user.to_owned(), kind))
}

/// Checks the fields as a create would, and computes the key.
fn entry(
    line: usize,
    user: String,
    kind: FacetKind,
    fields: Map<String, Value>,
) -> Result<DesiredEntry, RowError> {
    validate::validate_draft(kind, &fields)
        .map_err(|e| RowError::new(line, e.reason).field(e.field))?;
    let Some(key) = entry_key(kind, &fields) else {
        let reason = format!("needs {} to say which entry it is", key_paths(kind).join(" or "));
        return Err(RowError::new(line, reason));
    };
    Ok(DesiredEntry { line, user, facet: kind, key, fields })
}

/// A field given as text (a CSV cell, a command-line `field=value`), read as CSV cells
/// are: the field's name in any letter case, lists as `a;b`, nested values as JSON.
/// Returns the field's JSON name and value.
pub fn field_from_text(
    kind: FacetKind,
    name: &str,
    text: &str,
) -> Result<(&'static str, Value), validate::ValidationError> {
    let spec =
        schema::fields(kind).find(|spec| spec.name.eq_ignore_ascii_case(name.trim())).ok_or_else(
            || validate::ValidationError::new(kind, name, "is not a field of this facet"),
        )?;
    let value = cell_value(kind, spec.name, spec.ty, text.trim())
        .map_err(|reason| validate::ValidationError::new(kind, spec.name, reason))?;
    Ok((spec.name, value))
}

/// A CSV cell as the JSON value of a field of type `ty`.
fn cell_value(kind: FacetKind, name: &str, ty: FieldType, cell: &str) -> Result<Value, String> {
    let value = match ty {
        FieldType::Bool => match cell.to_ascii_lowercase().as_str() {
            "true" | "yes" => Value::Bool(true),
            "false" | "no" => Value::Bool(false),
            _ => return Err(format!("'{cell}' is not true or false")),
        },
        FieldType::Double => {
            let number: f64 = cell.parse().map_err(|_| format!("'{cell}' is not a number"))?;
            serde_json::Number::from_f64(number)
                .map(Value::Number)
                .ok_or_else(|| format!("'{cell}' is not a finite number"))?
        }
        FieldType::Date => {
            validate::parse_date(kind, name, cell).map_err(|e| e.reason)?;
            Value::String(cell.to_owned())
        }
        FieldType::StringList | FieldType::EnumList(_) => Value::Array(
            cell.split(';')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| Value::String(item.to_owned()))
                .collect(),
        ),
        FieldType::Object | FieldType::ObjectList => serde_json::from_str(cell)
            .map_err(|e| format!("must be JSON text for a nested value: {e}"))?,
        _ => Value::String(cell.to_owned()),
    };
    validate::validate_field(kind, name, &value).map_err(|e| e.reason)?;
    Ok(value)
}

/// Refuses every row whose user, facet and key another row also has: which of them
/// is meant cannot be told, so none is applied.
fn finish(
    format: InputFormat,
    text: &str,
    rows: Vec<DesiredEntry>,
    mut errors: Vec<RowError>,
) -> DesiredState {
    let mut lines_of: HashMap<(String, FacetKind, String), Vec<usize>> = HashMap::new();
    for row in &rows {
        let id = (row.user.to_lowercase(), row.facet, row.key.canonical());
        lines_of.entry(id).or_default().push(row.line);
    }

    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let id = (row.user.to_lowercase(), row.facet, row.key.canonical());
        let lines = &lines_of[&id];
        if lines.len() == 1 {
            entries.push(row);
            continue;
        }
        let others: Vec<String> =
            lines.iter().filter(|l| **l != row.line).map(ToString::to_string).collect();
        let reason = format!(
            "duplicate key '{}' for this user and facet (also on line {})",
            row.key,
            others.join(", ")
        );
        errors.push(RowError {
            user: Some(row.user),
            facet: Some(row.facet),
            ..RowError::new(row.line, reason)
        });
    }

    errors.sort_by_key(|e| e.line);
    DesiredState { format, entries, errors, fingerprint: fingerprint(text) }
}

/// FNV-1a over the text: enough to tell one input from another, not a security hash.
fn fingerprint(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> DesiredState {
        DesiredState::from_csv(text, &ReadOptions::default()).unwrap()
    }

    #[test]
    fn good_rows_are_read_and_bad_rows_named_by_line() {
        let state = csv("user,facet,displayName,issuingAuthority,issuedDate,endDate\n\
             a@x.com,certifications,AZ-104,Microsoft,2024-01-02,2027-01-02\n\
             b@x.com,certifications,AZ-104,Microsoft,2024-13-02,\n\
             c@x.com,awards,Hero,ACME,,\n\
             d@x.com,badges,Hero,ACME,,\n\
             e@x.com,certifications,X\n\
             f@x.com,awards,Hero,ACME,,2026-01-01\n\
             g@x.com,certifications,Late,Y,2025-05-01,2025-04-01\n");
        let lines: Vec<usize> = state.entries.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 4]);
        assert_eq!(state.entries[0].fields["issuedDate"], "2024-01-02");

        let errors: Vec<(usize, Option<&str>)> =
            state.errors.iter().map(|e| (e.line, e.field.as_deref())).collect();
        assert_eq!(
            errors,
            [
                (3, Some("issuedDate")),
                (5, Some("facet")),
                (6, None),
                (7, Some("endDate")),
                (8, Some("endDate"))
            ]
        );
        assert!(state.errors[2].reason.contains("missing"), "{}", state.errors[2]);
        assert!(state.errors[3].reason.contains("no field"), "{}", state.errors[3]);
        assert_eq!(state.errors[0].user.as_deref(), Some("b@x.com"));
    }

    #[test]
    fn duplicate_keys_refuse_every_row_that_shares_them() {
        let state = csv("user,facet,displayName,certificationId\n\
             a@x.com,certifications,One,ID-1\n\
             A@X.com,certifications,Two,id-1\n\
             a@x.com,certifications,Three,ID-3\n");
        assert_eq!(state.entries.len(), 1);
        assert_eq!(state.errors.len(), 2);
        assert!(state.errors[0].reason.contains("also on line 3"), "{}", state.errors[0]);
    }

    #[test]
    fn a_header_without_user_fails_the_whole_input() {
        let error =
            DesiredState::from_csv("facet,displayName\n", &ReadOptions::default()).unwrap_err();
        assert_eq!(error.field(), Some("user"));
        let error =
            DesiredState::from_csv("user,displayName\n", &ReadOptions::default()).unwrap_err();
        assert_eq!(error.field(), Some("facet"));
    }

    #[test]
    fn json_rows_carry_their_line_numbers() {
        let text = r#"[
  {"user": "a@x.com", "facet": "awards", "displayName": "Hero", "issuingAuthority": "ACME"},
  {"user": "b@x.com", "facet": "awards", "colour": "red", "displayName": "X"},
  {"user": "c@x.com", "facet": "certifications", "displayName": "C", "endDate": null}
]"#;
        let state = DesiredState::from_json(text, &ReadOptions::default()).unwrap();
        assert_eq!(state.entries.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(state.errors[0].line, 3);
        assert_eq!(state.errors[0].field.as_deref(), Some("colour"));
        assert!(state.entries[1].fields["endDate"].is_null());
    }

    #[test]
    fn lists_and_the_default_facet() {
        let options = ReadOptions { facet: Some(FacetKind::Skills) };
        let state = DesiredState::from_csv(
            "User,DisplayName,Categories,Proficiency\nx@y.com,Rust, a ; b ;,expert\n",
            &options,
        )
        .unwrap();
        assert!(state.errors.is_empty(), "{:?}", state.errors);
        assert_eq!(state.entries[0].fields["categories"], serde_json::json!(["a", "b"]));
    }
}
