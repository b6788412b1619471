//! Reading the entries that exist now, for every user and facet a sync concerns,
//! through `$batch` (20 lists to a request).

use std::collections::HashMap;

use serde_json::Value;

use super::progress::{Progress, Stage};
use crate::FacetKind;
use crate::client::{BatchRequest, Client, ListQuery, UserRef};
use crate::error::{Error, ErrorKind};

/// Lists sent per call of [`Client::batch`]; the client splits them 20 to a `$batch`.
const LISTS_PER_CALL: usize = 200;

/// The existing entries of some users' facets, and the users that could not be read.
#[derive(Debug, Clone, Default)]
pub struct CurrentState {
    entries: HashMap<(String, FacetKind), Vec<Value>>,
    unreadable: HashMap<(String, Option<FacetKind>), String>,
}

impl CurrentState {
    /// Records the entries of `user`'s `kind` (users compare ignoring case).
    pub fn insert(&mut self, user: &str, kind: FacetKind, entries: Vec<Value>) {
        self.entries.insert((user.to_lowercase(), kind), entries);
    }

    /// Records that `user` cannot be read at all (e.g. the service does not know them).
    pub fn unknown_user(&mut self, user: &str, reason: impl Into<String>) {
        self.unreadable.insert((user.to_lowercase(), None), reason.into());
    }

    /// Records that `user`'s `kind` could not be read.
    pub fn unreadable(&mut self, user: &str, kind: FacetKind, reason: impl Into<String>) {
        self.unreadable.insert((user.to_lowercase(), Some(kind)), reason.into());
    }

    /// The entries of `user`'s `kind`, or why they are not known.
    pub fn entries(&self, user: &str, kind: FacetKind) -> Result<&[Value], &str> {
        let user = user.to_lowercase();
        if let Some(reason) = self.unreadable.get(&(user.clone(), None)) {
            return Err(reason);
        }
        if let Some(reason) = self.unreadable.get(&(user.clone(), Some(kind))) {
            return Err(reason);
        }
        self.entries
            .get(&(user, kind))
            .map(Vec::as_slice)
            .ok_or("the current entries were not read")
    }

    /// Every user and facet read, with its entries.
    pub fn iter(&self) -> impl Iterator<Item = (&str, FacetKind, &[Value])> {
        self.entries
            .iter()
            .map(|((user, kind), entries)| (user.as_str(), *kind, entries.as_slice()))
    }

    /// The users and facets that could not be read, with the reason.
    pub fn failures(&self) -> impl Iterator<Item = (&str, Option<FacetKind>, &str)> {
        self.unreadable.iter().map(|((user, kind), reason)| (user.as_str(), *kind, reason.as_str()))
    }
}

/// Reads every entry of each `(user, facet)`, batched.  A user the service does not
/// know (404) or a list that fails is recorded in the state, not returned as an
/// error; only a failure that concerns every request (sign-in refused, bad input)
/// is.  A list longer than one page is then read in full with its `nextLink`s.
pub async fn read_current(
    client: &Client,
    pairs: &[(String, FacetKind)],
    progress: &dyn Progress,
) -> Result<CurrentState, Error> {
    let mut state = CurrentState::default();
    let mut unique: Vec<&(String, FacetKind)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for pair in pairs {
        if seen.insert((pair.0.to_lowercase(), pair.1)) {
            unique.push(pair);
        }
    }

    progress.start(Stage::Reading, unique.len() as u64);
    for chunk in unique.chunks(LISTS_PER_CALL) {
        let requests = chunk
            .iter()
            .enumerate()
            .map(|(i, (user, kind))| {
                BatchRequest::list(
                    i.to_string(),
                    &UserRef::new(user.as_str()),
                    *kind,
                    &ListQuery::default(),
                )
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let answers = client.batch(requests).await?;

        for ((user, kind), answer) in chunk.iter().zip(answers) {
            if let Some(error) = answer.error() {
                match error.kind() {
                    ErrorKind::Unauthorized => return Err(error),
                    ErrorKind::NotFound => state.unknown_user(
                        user,
                        format!("the service does not know this user ({})", error.message()),
                    ),
                    _ => state.unreadable(
                        user,
                        *kind,
                        format!("the current entries could not be read: {}", error.message()),
                    ),
                }
                continue;
            }

            let body = answer.body.unwrap_or(Value::Null);
            let more = body.get("@odata.nextLink").is_some_and(|link| !link.is_null());
            let entries = if more {
                match client.list(&UserRef::new(user.as_str()), *kind, &ListQuery::default()).await
                {
                    Ok(entries) => entries,
                    Err(error) => {
                        let reason =
                            format!("the current entries could not be read: {}", error.message());
                        state.unreadable(user, *kind, reason);
                        continue;
                    }
                }
            } else {
                body.get("value").and_then(Value::as_array).cloned().unwrap_or_default()
            };
            state.insert(user, *kind, entries);
        }
        progress.advance(chunk.len() as u64);
    }
    progress.finish();
    Ok(state)
}
