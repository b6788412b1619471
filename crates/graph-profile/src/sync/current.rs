//! Reading the entries that exist now, for every user and facet a sync concerns,
//! through `$batch` (20 lists to a request).

use std::collections::{HashMap, HashSet};
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::pace::Pacer;
use super::progress::{Progress, Stage};
use crate::FacetKind;
use crate::client::{BatchRequest, BatchResponse, Client, ListQuery, UserRef, parse_retry_after};
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
/// Retries are the client's own.
pub async fn read_current(
    client: &Client,
    pairs: &[(String, FacetKind)],
    progress: &dyn Progress,
) -> Result<CurrentState, Error> {
    read_with(client, None, pairs, progress).await
}

/// Rounds of reading before a user's facet is given up as unreadable, when paced.
const PACED_ROUNDS: u32 = 8;

/// Reads as [`read_current`] does.  With a pacer, `client` must send each request
/// once (no retries of its own): every request waits for the pacer's hold, and a
/// `Retry-After` on any answer holds every later request too, the way the service
/// asks (it counts a request that comes too early against the whole client).
pub(crate) async fn read_with(
    client: &Client,
    pacer: Option<&Pacer>,
    pairs: &[(String, FacetKind)],
    progress: &dyn Progress,
) -> Result<CurrentState, Error> {
    let mut state = CurrentState::default();
    let mut pending: Vec<&(String, FacetKind)> = Vec::new();
    let mut seen = HashSet::new();
    for pair in pairs {
        if seen.insert((pair.0.to_lowercase(), pair.1)) {
            pending.push(pair);
        }
    }

    progress.start(Stage::Reading, pending.len() as u64);
    let rounds = if pacer.is_some() { PACED_ROUNDS } else { 1 };
    let mut last_errors: HashMap<(String, FacetKind), String> = HashMap::new();
    for round in 1..=rounds {
        let mut again = Vec::new();
        for chunk in pending.chunks(LISTS_PER_CALL) {
            if let Some(pacer) = pacer {
                pacer.wait_for_hold().await;
            }
            let requests = chunk
                .iter()
                .enumerate()
                .map(|(i, (user, kind))| {
                    let user = UserRef::new(user.as_str());
                    BatchRequest::list(i.to_string(), &user, *kind, &ListQuery::default())
                })
                .collect::<Result<Vec<_>, Error>>()?;
            let answers = client.batch(requests).await?;

            for (pair, answer) in chunk.iter().zip(answers) {
                let (user, kind) = (&pair.0, pair.1);
                if let Some(error) = answer.error() {
                    let passing = matches!(answer.status, 0 | 408 | 429 | 500..=599);
                    if let Some(pacer) = pacer.filter(|_| passing) {
                        let wait = retry_after(&answer);
                        if answer.status == 429 {
                            pacer.on_throttled(wait);
                        } else if let Some(wait) = wait {
                            pacer.hold(wait);
                        }
                        last_errors.insert((user.clone(), kind), error.message().to_owned());
                        again.push(*pair);
                        continue;
                    }
                    match error.kind() {
                        ErrorKind::Unauthorized => return Err(error),
                        ErrorKind::NotFound => state.unknown_user(
                            user,
                            format!("the service does not know this user ({})", error.message()),
                        ),
                        _ => state.unreadable(
                            user,
                            kind,
                            format!("the current entries could not be read: {}", error.message()),
                        ),
                    }
                    progress.advance(1);
                    continue;
                }

                let body = answer.body.unwrap_or(Value::Null);
                let more = body.get("@odata.nextLink").is_some_and(|link| !link.is_null());
                let entries = if more {
                    let user_ref = UserRef::new(user.as_str());
                    match client.list(&user_ref, kind, &ListQuery::default()).await {
                        Ok(entries) => entries,
                        Err(error) if pacer.is_some() => {
                            last_errors.insert((user.clone(), kind), error.message().to_owned());
                            again.push(*pair);
                            continue;
                        }
                        Err(error) => {
                            let reason = format!(
                                "the current entries could not be read: {}",
                                error.message()
                            );
                            state.unreadable(user, kind, reason);
                            progress.advance(1);
                            continue;
                        }
                    }
                } else {
                    body.get("value").and_then(Value::as_array).cloned().unwrap_or_default()
                };
                state.insert(user, kind, entries);
                progress.advance(1);
            }
        }

        pending = again;
        if pending.is_empty() {
            break;
        }
        if round < rounds {
            // Failures without a Retry-After still get a pause before the next round.
            tokio::time::sleep(Duration::from_millis(100 * u64::from(round))).await;
        }
    }

    for (user, kind) in pending {
        let last = last_errors.get(&(user.clone(), *kind)).cloned().unwrap_or_default();
        let reason = format!("the current entries could not be read after {rounds} tries: {last}");
        state.unreadable(user, *kind, reason);
        progress.advance(1);
    }
    progress.finish();
    Ok(state)
}

/// The item's own `Retry-After`, or that of the whole `$batch` when it failed.
fn retry_after(answer: &BatchResponse) -> Option<Duration> {
    let header = answer.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("retry-after"));
    match header {
        Some((_, value)) => parse_retry_after(value, SystemTime::now()),
        None => answer.error().and_then(|error| error.retry_after()),
    }
}
