//! The pure comparison of a desired state with the entries that exist: no I/O.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value};

use super::current::CurrentState;
use super::desired::{DesiredState, RowError};
use super::key::{EntryKey, entry_key, name_key};
use super::plan::{Action, FieldChange, Plan, PlanItem};
use crate::FacetKind;
use crate::schema::{self, FieldType};

/// How to plan.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PlanOptions {
    /// Delete the entries of each listed user's listed facets that no row describes.
    pub prune: bool,
}

/// Compares `desired` with `current` and lists what to do with each entry.
///
/// Rows of users `current` could not read become bad rows.  With `prune`, a user's
/// facet is pruned only when none of that user's rows is bad (a bad row might have
/// described an entry that would otherwise be deleted), and nothing is pruned when a
/// row's user could not even be read.
pub fn diff(desired: &DesiredState, current: &CurrentState, options: &PlanOptions) -> Plan {
    let mut errors: Vec<RowError> = desired.errors.clone();
    let mut items: Vec<PlanItem> = Vec::new();
    let mut notes: Vec<String> = Vec::new();

    // The desired entries of each user and facet, in input order.
    let mut groups: Vec<((String, FacetKind), Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<(String, FacetKind), usize> = HashMap::new();
    for (i, entry) in desired.entries.iter().enumerate() {
        let id = (entry.user.to_lowercase(), entry.facet);
        let g = *group_of.entry(id.clone()).or_insert_with(|| {
            groups.push((id, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(i);
    }

    for ((user, kind), rows) in &groups {
        let existing = match current.entries(user, *kind) {
            Ok(existing) => existing,
            Err(reason) => {
                for i in rows {
                    let entry = &desired.entries[*i];
                    errors.push(RowError {
                        line: entry.line,
                        user: Some(entry.user.clone()),
                        facet: Some(entry.facet),
                        field: Some("user".to_owned()),
                        reason: reason.to_owned(),
                    });
                }
                continue;
            }
        };

        let claimed =
            match_entries(*kind, rows.iter().map(|i| &desired.entries[*i].fields), existing);
        for (i, found) in rows.iter().zip(&claimed) {
            let entry = &desired.entries[*i];
            let item = |action, entry_id: Option<String>, changes| PlanItem {
                action,
                user: entry.user.clone(),
                facet: entry.facet,
                key: entry.key.clone(),
                line: Some(entry.line),
                entry_id,
                changes,
            };
            items.push(match found {
                None => {
                    let changes = entry
                        .fields
                        .iter()
                        .filter(|(_, value)| !value.is_null())
                        .map(|(field, value)| FieldChange {
                            field: field.clone(),
                            old: Value::Null,
                            new: value.clone(),
                        })
                        .collect();
                    item(Action::Create, None, changes)
                }
                Some(e) => {
                    let existing = &existing[*e];
                    let changes = changed_fields(*kind, &entry.fields, existing);
                    let action =
                        if changes.is_empty() { Action::Unchanged } else { Action::Update };
                    item(action, entry_id(existing), changes)
                }
            });
        }

        if !options.prune {
            continue;
        }
        let blocked: Vec<&RowError> = desired
            .errors
            .iter()
            .filter(|e| e.user.as_deref().is_some_and(|u| u.eq_ignore_ascii_case(user)))
            .filter(|e| e.facet.is_none_or(|f| f == *kind))
            .collect();
        if !blocked.is_empty() {
            let lines: Vec<String> = blocked.iter().map(|e| e.line.to_string()).collect();
            notes.push(format!(
                "{kind} of {} not pruned: line {} for this user is bad",
                desired.entries[rows[0]].user,
                lines.join(", ")
            ));
            continue;
        }
        if desired.errors.iter().any(|e| e.user.is_none()) {
            continue;
        }
        let kept: HashSet<usize> = claimed.iter().flatten().copied().collect();
        for (e, existing) in existing.iter().enumerate() {
            if kept.contains(&e) {
                continue;
            }
            let Some(fields) = existing.as_object() else { continue };
            let key = entry_key(*kind, fields).unwrap_or_else(EntryKey::unnamed);
            items.push(PlanItem {
                action: Action::Delete,
                user: desired.entries[rows[0]].user.clone(),
                facet: *kind,
                key,
                line: None,
                entry_id: entry_id(existing),
                changes: Vec::new(),
            });
        }
    }
    if options.prune && desired.errors.iter().any(|e| e.user.is_none()) {
        notes.push("nothing pruned: a bad row's user could not be read".to_owned());
    }

    errors.sort_by_key(|e| e.line);
    let mut plan = Plan {
        summary: Default::default(),
        items,
        errors,
        prune: options.prune,
        notes,
        fingerprint: desired.fingerprint.clone(),
    };
    plan.recount();
    plan
}

/// For each desired entry, the index of the existing entry it describes, if any.
/// Each existing entry is claimed once, oldest first (the list's order).
fn match_entries<'a>(
    kind: FacetKind,
    desired: impl Iterator<Item = &'a Map<String, Value>>,
    existing: &[Value],
) -> Vec<Option<usize>> {
    let keys: Vec<_> =
        existing.iter().map(|e| e.as_object().and_then(|fields| entry_key(kind, fields))).collect();
    let mut taken = vec![false; existing.len()];

    desired
        .map(|fields| {
            let key = entry_key(kind, fields)?;
            let exact = (0..existing.len()).find(|e| !taken[*e] && keys[*e].as_ref() == Some(&key));

            // A certification listed with an id adopts one made earlier without an id.
            let adopted = || {
                if key.rule != "certificationId" {
                    return None;
                }
                let by_name = name_key(kind, fields)?;
                (0..existing.len()).find(|e| {
                    let Some(other) = existing[*e].as_object() else { return false };
                    let has_id = other
                        .get("certificationId")
                        .and_then(Value::as_str)
                        .is_some_and(|id| !id.trim().is_empty());
                    !taken[*e] && !has_id && name_key(kind, other).as_ref() == Some(&by_name)
                })
            };

            let found = exact.or_else(adopted)?;
            taken[found] = true;
            Some(found)
        })
        .collect()
}

fn entry_id(entry: &Value) -> Option<String> {
    entry.get("id").and_then(Value::as_str).map(str::to_owned)
}

/// The desired fields whose value differs from the existing entry's.
pub fn changed_fields(
    kind: FacetKind,
    desired: &Map<String, Value>,
    existing: &Value,
) -> Vec<FieldChange> {
    desired
        .iter()
        .filter_map(|(field, new)| {
            let old = existing.get(field).cloned().unwrap_or(Value::Null);
            let ty = schema::field_spec(kind, field).map(|spec| spec.ty);
            if same_value(ty, new, &old) {
                None
            } else {
                Some(FieldChange { field: field.clone(), old, new: new.clone() })
            }
        })
        .collect()
}

/// Whether two values mean the same for a field of type `ty`: audiences compare as
/// sets of flags, numbers by value, nested objects ignoring fields that are null on
/// either side (the service fills in nulls).
fn same_value(ty: Option<FieldType>, desired: &Value, existing: &Value) -> bool {
    match (ty, desired, existing) {
        (Some(FieldType::Audiences), Value::String(a), Value::String(b)) => {
            let flags = |text: &str| -> BTreeSet<String> {
                text.split(',')
                    .map(|f| f.trim().to_ascii_lowercase())
                    .filter(|f| !f.is_empty())
                    .collect()
            };
            flags(a) == flags(b)
        }
        _ => same_json(desired, existing),
    }
}

fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Object(x), Value::Object(y)) => {
            let names: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            names.into_iter().all(|name| {
                let left = x.get(name).unwrap_or(&Value::Null);
                let right = y.get(name).unwrap_or(&Value::Null);
                same_json(left, right)
            })
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(l, r)| same_json(l, r))
        }
        (Value::Array(x), Value::Null) | (Value::Null, Value::Array(x)) => x.is_empty(),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::desired::ReadOptions;
    use serde_json::json;

    fn desired(csv: &str) -> DesiredState {
        DesiredState::from_csv(csv, &ReadOptions::default()).unwrap()
    }

    const HEADER: &str = "user,facet,displayName,issuingAuthority,certificationId,endDate\n";

    #[test]
    fn creates_updates_unchanged_and_prune() {
        let state = desired(&format!(
            "{HEADER}a@x.com,certifications,Azure Admin,Microsoft,AZ-104,2027-01-01\n\
             a@x.com,certifications,Kubernetes,CNCF,,2026-01-01\n\
             a@x.com,awards,Hero,ACME,,\n"
        ));
        let mut current = CurrentState::default();
        current.insert(
            "A@x.com",
            FacetKind::Certifications,
            vec![
                json!({"id": "1", "displayName": "Azure Admin", "certificationId": "AZ-104",
                       "issuingAuthority": "Microsoft", "endDate": "2026-01-01"}),
                json!({"id": "2", "displayName": "Old", "issuingAuthority": "X"}),
                json!({"id": "3", "displayName": "kubernetes", "issuingAuthority": "cncf",
                       "endDate": "2026-01-01"}),
            ],
        );
        current.insert("a@x.com", FacetKind::Awards, vec![]);

        let plan = diff(&state, &current, &PlanOptions { prune: true });
        let actions: Vec<(Action, Option<&str>)> =
            plan.items.iter().map(|i| (i.action, i.entry_id.as_deref())).collect();
        assert_eq!(
            actions,
            [
                (Action::Update, Some("1")),
                (Action::Update, Some("3")),
                (Action::Delete, Some("2")),
                (Action::Create, None),
            ]
        );
        let change = &plan.items[0].changes[0];
        assert_eq!(
            (change.field.as_str(), &change.old, &change.new),
            ("endDate", &json!("2026-01-01"), &json!("2027-01-01"))
        );
        // Only the case of the names differs for entry 3.
        let fields: Vec<&str> = plan.items[1].changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["displayName", "issuingAuthority"]);
        assert_eq!(plan.summary.deletes, 1);

        let plan = diff(&state, &current, &PlanOptions { prune: false });
        assert_eq!(plan.summary.deletes, 0);
    }

    #[test]
    fn an_id_adopts_an_entry_made_without_one() {
        let state = desired(&format!("{HEADER}a@x.com,certifications,CKA,CNCF,LF-1,\n"));
        let mut current = CurrentState::default();
        current.insert(
            "a@x.com",
            FacetKind::Certifications,
            vec![json!({"id": "9", "displayName": "CKA", "issuingAuthority": "CNCF"})],
        );
        let plan = diff(&state, &current, &PlanOptions::default());
        assert_eq!(plan.items[0].action, Action::Update);
        assert_eq!(plan.items[0].changes[0].field, "certificationId");
    }

    #[test]
    fn a_bad_row_stops_the_prune_of_its_user_and_unknown_users_are_bad_rows() {
        let state = desired(&format!(
            "{HEADER}a@x.com,certifications,CKA,CNCF,,\n\
             a@x.com,certifications,Bad,CNCF,,2026-02-30\n\
             ghost@x.com,certifications,CKA,CNCF,,\n"
        ));
        let mut current = CurrentState::default();
        current.insert(
            "a@x.com",
            FacetKind::Certifications,
            vec![json!({"id": "9", "displayName": "Other", "issuingAuthority": "CNCF"})],
        );
        current.unknown_user("ghost@x.com", "the user does not exist (404)");
        let plan = diff(&state, &current, &PlanOptions { prune: true });
        assert_eq!(plan.summary.deletes, 0);
        assert_eq!(plan.notes.len(), 1, "{:?}", plan.notes);
        let lines: Vec<usize> = plan.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4]);
    }

    #[test]
    fn audiences_compare_as_sets_and_nulls_inside_objects_are_ignored() {
        assert!(same_value(
            Some(FieldType::Audiences),
            &json!("organization,contacts"),
            &json!("contacts, organization")
        ));
        assert!(same_json(&json!({"a": 1, "b": null}), &json!({"a": 1.0, "c": null})));
        assert!(!same_json(&json!({"a": 1}), &json!({"a": 2})));
    }
}
