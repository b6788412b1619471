//! A create that never makes two entries.
//!
//! Graph has no idempotency key, so a POST whose answer was lost cannot simply be
//! sent again.  When the outcome is unknown the collection is read back: an entry
//! holding every field the draft sent, made since the create began, means the first
//! POST took effect.  An identical entry that was there before does not count, so a
//! create that did not land is never mistaken for one that did.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use reqwest::Method;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::http::{Answer, Call, Failure, LogPath, Replay};
use super::{Client, ListQuery, UserRef, new_client_request_id, path, to_body};
use crate::FacetKind;
use crate::error::Error;
use crate::schema::{self, FieldType};

/// POSTs `draft` (already validated) and returns the answer holding the created entry.
pub(super) async fn create_once(
    client: &Client,
    user: &UserRef,
    kind: FacetKind,
    draft: Map<String, Value>,
) -> Result<Answer, Error> {
    let path = path::facet_path(user, kind)?;
    let call = Call {
        method: Method::POST,
        url: client.transport().url(&path, "")?,
        body: Some(to_body(&draft)?),
        log_path: LogPath::Collection(kind),
        replay: Replay::Never,
    };
    let mut state = client.retry_state();
    let client_request_id = new_client_request_id();
    let began = SystemTime::now();

    loop {
        let (error, retryable, retry_after) =
            match client.transport().execute(&call, &mut state, &client_request_id).await {
                Ok(answer) => return Ok(answer),
                Err(Failure::Final(error)) => return Err(error),
                Err(Failure::Unknown { error, retryable, retry_after }) => {
                    (error, retryable, retry_after)
                }
            };

        // Wait before reading back: a slow service may still be storing the entry.
        // Not closed: a service that stores it after the read-back would still see
        // the create twice; Graph offers no key that could prevent that.
        let delay = if retryable { state.next_delay(retry_after).ok() } else { None };
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }

        match find_match(client, user, kind, &draft, began).await {
            Ok(Some(entry)) => {
                tracing::debug!(
                    facet = %kind,
                    "create outcome was unknown; the entry is there, not repeating it"
                );
                let body = to_body(&entry)?;
                return Ok(Answer { status: 201, body });
            }
            Ok(None) if delay.is_some() => {
                tracing::debug!(facet = %kind, "create outcome was unknown; absent, repeating");
            }
            Ok(None) => return Err(error),
            Err(read_error) => {
                let note = format!(
                    "the create may have taken effect; reading the collection back failed: {}",
                    read_error.message()
                );
                return Err(error.with_note(&note));
            }
        }
    }
}

/// The newest entry of the collection holding every field the draft sent, made
/// since `began`.
async fn find_match(
    client: &Client,
    user: &UserRef,
    kind: FacetKind,
    draft: &Map<String, Value>,
    began: SystemTime,
) -> Result<Option<Value>, Error> {
    let entries = client.list(user, kind, &ListQuery::default()).await?;
    let newest = entries
        .into_iter()
        .enumerate()
        .filter(|(_, entry)| is_own_create(kind, draft, entry, began, &HashSet::new()))
        .max_by(|(a_index, a), (b_index, b)| {
            let created = |entry: &Value| {
                entry.get("createdDateTime").and_then(Value::as_str).map(str::to_owned)
            };
            created(a).cmp(&created(b)).then(a_index.cmp(b_index))
        });
    Ok(newest.map(|(_, entry)| entry))
}

/// How far the service's clock may be behind this machine's: an entry stamped up to
/// this long before the create began may still be the create's own.
const CLOCK_SKEW: Duration = Duration::from_secs(120);

/// Whether `entry` can be what a create of `draft`, begun at `began`, stored: it
/// holds the draft, was made since (allowing for [`CLOCK_SKEW`]), and is not among
/// `claimed` (entries already known to be another create's).
pub(crate) fn is_own_create(
    kind: FacetKind,
    draft: &Map<String, Value>,
    entry: &Value,
    began: SystemTime,
    claimed: &HashSet<String>,
) -> bool {
    let id = entry.get("id").and_then(Value::as_str);
    if id.is_some_and(|id| claimed.contains(id)) {
        return false;
    }
    made_since(entry, began) && holds_draft(kind, draft, entry)
}

/// Whether `entry` was made at or after `began`, less [`CLOCK_SKEW`].  An entry
/// without a readable `createdDateTime` might be: it is not excluded.
fn made_since(entry: &Value, began: SystemTime) -> bool {
    let Some(created) = entry.get("createdDateTime").and_then(Value::as_str) else {
        return true;
    };
    let Ok(created) = OffsetDateTime::parse(created, &Rfc3339) else {
        return true;
    };
    let earliest = began.checked_sub(CLOCK_SKEW).unwrap_or(SystemTime::UNIX_EPOCH);
    SystemTime::from(created) >= earliest
}

/// Whether `entry` holds every field of `draft`, allowing for what the service
/// rewrites: `thumbnailUrl` (replaced by a placeholder), audiences (order and case),
/// enum members returned as numbers.
pub(crate) fn holds_draft(kind: FacetKind, draft: &Map<String, Value>, entry: &Value) -> bool {
    draft.iter().all(|(name, sent)| {
        let stored = entry.get(name).unwrap_or(&Value::Null);
        if sent == stored {
            return true;
        }
        let ty = schema::field_spec(kind, name).map(|spec| spec.ty);
        match (ty, sent, stored) {
            (_, _, _) if name == "thumbnailUrl" => true,
            (Some(FieldType::Audiences), Value::String(sent), Value::String(stored)) => {
                same_flags(sent, stored)
            }
            (Some(FieldType::Enum(_)), Value::String(_), Value::String(stored)) => {
                stored.bytes().all(|b| b.is_ascii_digit())
            }
            _ => false,
        }
    })
}

fn same_flags(a: &str, b: &str) -> bool {
    let flags = |text: &str| {
        let mut flags: Vec<String> =
            text.split(',').map(|flag| flag.trim().to_ascii_lowercase()).collect();
        flags.sort();
        flags
    };
    flags(a) == flags(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn an_entry_with_every_sent_field_matches() {
        let sent = draft(json!({"displayName": "AZ-104", "issuedDate": "2025-04-28"}));
        let entry = json!({"id": "1", "displayName": "AZ-104", "issuedDate": "2025-04-28",
                           "createdDateTime": "2025-04-28T10:00:00Z"});
        assert!(holds_draft(FacetKind::Certifications, &sent, &entry));
    }

    #[test]
    fn a_different_field_does_not_match() {
        let sent = draft(json!({"displayName": "AZ-104", "issuedDate": "2025-04-28"}));
        let entry = json!({"id": "1", "displayName": "AZ-104", "issuedDate": "2025-04-29"});
        assert!(!holds_draft(FacetKind::Certifications, &sent, &entry));
        let entry = json!({"id": "1", "displayName": "AZ-104"});
        assert!(!holds_draft(FacetKind::Certifications, &sent, &entry));
    }

    #[test]
    fn service_rewrites_still_match() {
        let sent =
            draft(json!({"displayName": "Rust", "allowedAudiences": "organization,contacts",
                                "thumbnailUrl": "https://x/y.png", "proficiency": "expert"}));
        let entry = json!({"displayName": "Rust", "allowedAudiences": "contacts,organization",
                           "thumbnailUrl": "https://placeholder", "proficiency": "4"});
        assert!(holds_draft(FacetKind::Skills, &sent, &entry));
    }
}
