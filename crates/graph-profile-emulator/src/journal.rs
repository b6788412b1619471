//! The request journal behind `GET/DELETE /emulator/journal`.
//!
//! Every request the emulator answers (except the `/emulator/...` control
//! routes) and every item of a `$batch` leaves one entry: method, path, status,
//! `client-request-id`, arrival time, the fault injected if any, and for a write
//! the id of the entry written.  With it a test proves that no write was lost or
//! made twice, and that the client waited as long as each `Retry-After` said:
//! an entry is `early` when it arrived before a `Retry-After` given earlier to
//! the same client had run out.
//!
//! A *client* here is what the throttle counts by: the token's application,
//! tenant and user (`appid/tid/oid`), or `anonymous` without a valid token.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::extract::{Query, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::{GraphError, RequestIds, json_body};
use crate::state::AppState;

/// At most this many entries are kept; older ones are dropped first, so a
/// benchmark cannot make the emulator grow without bound.
pub const JOURNAL_CAPACITY: usize = 100_000;

/// One request, or one `$batch` item, as the emulator saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalEntry {
    /// Increases by one per entry, from 1; `?since=N` returns entries after N.
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Path as received (still percent-encoded), without the query.
    pub path: String,
    /// The query string, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Status answered; `None` when the connection was dropped before any
    /// answer was written.
    pub status: Option<u16>,
    /// The caller's `client-request-id` header (for an item, the item's own
    /// header, else the batch's).
    pub client_request_id: Option<String>,
    /// The `request-id` the emulator answered with, when it set one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Arrival time, RFC 3339 with milliseconds, UTC.
    pub arrival: String,
    /// Arrival in milliseconds since the emulator started: easy to subtract.
    pub arrival_ms: f64,
    /// The request came before a `Retry-After` earlier given to the same client
    /// had run out.
    pub early: bool,
    /// A retry of one request (the same `client-request-id`) came before the
    /// `Retry-After` given to that request had run out.  Unlike `early`, this
    /// cannot be set by other requests sent in parallel.
    pub retry_early: bool,
    /// The client the request was counted against (`appid/tid/oid`).
    pub client: String,
    /// For a `$batch` item: the item's `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_item_id: Option<String>,
    /// For a write: the id of the entry created, updated or deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
    /// For a write: whether it was committed to storage (true also when the
    /// connection was then dropped: the ambiguous case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub committed: Option<bool>,
    /// The fault injected, if any: `throttled`, `error`, `dropBeforeWrite`,
    /// `dropAfterWrite`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
    /// The `Retry-After` value sent, exactly as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<String>,
}

/// When a request arrived and whether it was early; from [`Journal::arrive`].
#[derive(Debug, Clone, Copy)]
pub struct Arrival {
    /// Monotonic arrival instant.
    pub at: Instant,
    /// Wall-clock arrival time.
    pub wall: SystemTime,
    /// Whether a `Retry-After` given to the same client had not yet run out.
    pub early: bool,
}

/// A wait the client was told to honour.
#[derive(Debug, Clone, Copy)]
struct Wait {
    given_at: Instant,
    until: Instant,
}

#[derive(Debug, Default)]
struct Inner {
    entries: VecDeque<JournalEntry>,
    last_seq: u64,
    waits: HashMap<String, Wait>,
}

/// The journal: a bounded, ordered list of [`JournalEntry`], plus the waits
/// each client was given.
#[derive(Debug)]
pub struct Journal {
    started: Instant,
    inner: Mutex<Inner>,
}

impl Default for Journal {
    fn default() -> Self {
        Journal::new()
    }
}

impl Journal {
    /// An empty journal; arrival times count from now.
    pub fn new() -> Journal {
        Journal { started: Instant::now(), inner: Mutex::new(Inner::default()) }
    }

    /// Notes a request's arrival from `client`.  It is early when it came
    /// before a wait given to the client ran out, unless it came within
    /// `grace` of that wait being given: such a request was already on its way
    /// (a client sending in parallel cannot have seen the answer yet).
    pub fn arrive(&self, client: &str, grace: Duration) -> Arrival {
        let at = Instant::now();
        let wall = SystemTime::now();
        let inner = self.lock();
        let early = inner.waits.get(client).is_some_and(|wait| {
            at < wait.until && at.saturating_duration_since(wait.given_at) > grace
        });
        Arrival { at, wall, early }
    }

    /// Records that `client` was told to wait `wait` from now (the time its
    /// `Retry-After` header says, rounded as the header rounds it).
    pub fn note_wait(&self, client: &str, wait: Duration) {
        let now = Instant::now();
        let mut inner = self.lock();
        let until = now + wait;
        // Waits run out within seconds: forget old ones so the map stays small.
        if inner.waits.len() > 10_000 {
            inner.waits.retain(|_, wait| wait.until > now);
        }
        let entry = inner.waits.entry(client.to_owned()).or_insert(Wait { given_at: now, until });
        // A later, shorter wait does not cut short an earlier, longer one.
        if until >= entry.until {
            *entry = Wait { given_at: now, until };
        }
    }

    /// Whether a request with this `client-request-id` was told to wait and
    /// came back before the wait ran out.
    pub fn retried_early(&self, client_request_id: &str) -> bool {
        let now = Instant::now();
        let inner = self.lock();
        inner.waits.get(&request_key(client_request_id)).is_some_and(|wait| now < wait.until)
    }

    /// Records that the request with this `client-request-id` was told to wait.
    pub fn note_request_wait(&self, client_request_id: &str, wait: Duration) {
        self.note_wait(&request_key(client_request_id), wait);
    }

    /// Appends an entry, filling in `seq`; `arrival` fills the time fields.
    pub fn record(&self, mut entry: JournalEntry, arrival: &Arrival) {
        entry.arrival = rfc3339(arrival.wall);
        entry.arrival_ms = arrival.at.saturating_duration_since(self.started).as_secs_f64() * 1e3;
        entry.early = arrival.early;

        let mut inner = self.lock();
        inner.last_seq += 1;
        entry.seq = inner.last_seq;
        if inner.entries.len() >= JOURNAL_CAPACITY {
            inner.entries.pop_front();
        }
        inner.entries.push_back(entry);
    }

    /// Entries with `seq` above `since`, oldest first.
    pub fn entries_since(&self, since: u64) -> Vec<JournalEntry> {
        let inner = self.lock();
        inner.entries.iter().filter(|entry| entry.seq > since).cloned().collect()
    }

    /// Forgets every entry and every wait; `seq` keeps counting.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.entries.clear();
        inner.waits.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the journal inconsistent
        // (each step is a single push or insert), so a poisoned lock is usable.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl JournalEntry {
    /// An entry for `method path`; the caller fills the rest it knows.
    pub fn new(method: &str, path: &str, client: &str) -> JournalEntry {
        JournalEntry {
            seq: 0,
            method: method.to_owned(),
            path: path.to_owned(),
            query: None,
            status: None,
            client_request_id: None,
            request_id: None,
            arrival: String::new(),
            arrival_ms: 0.0,
            early: false,
            retry_early: false,
            client: client.to_owned(),
            batch_item_id: None,
            entry_id: None,
            committed: None,
            fault: None,
            retry_after: None,
        }
    }
}

/// The key of one request's waits, apart from clients' keys.
fn request_key(client_request_id: &str) -> String {
    format!("request:{client_request_id}")
}

fn rfc3339(at: SystemTime) -> String {
    let at = OffsetDateTime::from(at);
    let at = at.replace_nanosecond(at.millisecond() as u32 * 1_000_000).unwrap_or(at);
    at.format(&Rfc3339).unwrap_or_default()
}

/// Who a request is counted against: the token's application, tenant and user,
/// read without checking the token (see [`crate::auth::peek_claims`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientKey {
    /// The token's `appid`, or `anonymous`.
    pub app: String,
    /// The token's `tid`, or `none`.
    pub tenant: String,
    /// `appid/tid/oid`, as the journal writes it.
    pub key: String,
}

impl ClientKey {
    /// The client of a request with these headers.
    pub fn from_headers(headers: &HeaderMap) -> ClientKey {
        match crate::auth::bearer_token(headers).and_then(crate::auth::peek_claims) {
            Some(claims) => ClientKey {
                key: format!("{}/{}/{}", claims.appid, claims.tid, claims.oid),
                app: claims.appid,
                tenant: claims.tid,
            },
            None => ClientKey {
                app: "anonymous".to_owned(),
                tenant: "none".to_owned(),
                key: "anonymous".to_owned(),
            },
        }
    }
}

/// What the faults layer did to a response, left in its extensions for the
/// journal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultNote {
    /// `throttled`, `error`, `dropBeforeWrite` or `dropAfterWrite`.
    pub fault: Option<&'static str>,
    /// The connection was dropped: `Some(status)` the handler had answered
    /// (after a committed write), `None` when nothing ran.
    pub dropped: Option<Option<u16>>,
    /// The write was committed.
    pub committed: Option<bool>,
    /// The entry written.
    pub entry_id: Option<String>,
}

impl FaultNote {
    /// Answered with a throttle or an error instead of running.
    pub fn rejected(fault: &'static str) -> FaultNote {
        FaultNote { fault: Some(fault), committed: Some(false), ..FaultNote::default() }
    }

    /// Dropped before the write was made.
    pub fn dropped_before() -> FaultNote {
        FaultNote {
            fault: Some("dropBeforeWrite"),
            dropped: Some(None),
            committed: Some(false),
            entry_id: None,
        }
    }

    /// Committed, then dropped without an answer.
    pub fn dropped_after(status: StatusCode, entry_id: Option<String>) -> FaultNote {
        FaultNote {
            fault: Some("dropAfterWrite"),
            dropped: Some(Some(status.as_u16())),
            committed: Some(true),
            entry_id,
        }
    }

    /// A successful write of this entry.
    pub fn written(entry_id: String) -> FaultNote {
        FaultNote { committed: Some(true), entry_id: Some(entry_id), ..FaultNote::default() }
    }
}

/// How long a `Retry-After` value tells a client to wait, read as a client would.
pub fn retry_after_wait(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

/// The request in flight, for the `$batch` items it holds: they share its
/// arrival and client.
#[derive(Debug, Clone)]
struct InFlight {
    arrival: Arrival,
    client: ClientKey,
}

tokio::task_local! {
    static IN_FLIGHT: InFlight;
}

impl Journal {
    /// Records one item of a `$batch` (the batch itself is recorded by the
    /// middleware).  The item's `Retry-After` is remembered as a wait its client
    /// must honour; a created entry's `id` is read from the item's body.
    pub fn record_item(&self, item: BatchItemRecord<'_>) {
        // Items share the batch's arrival; outside a batch request (never, in the
        // emulator) they count as arriving now from an unknown client.
        let in_flight = IN_FLIGHT.try_with(Clone::clone).unwrap_or_else(|_| InFlight {
            arrival: self.arrive("anonymous", Duration::ZERO),
            client: ClientKey::from_headers(&HeaderMap::new()),
        });

        let (path, query) = match item.path.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (item.path, None),
        };
        let mut entry =
            JournalEntry::new(item.method.as_str(), &format!("/beta{path}"), &in_flight.client.key);
        entry.query = query;
        entry.status = Some(item.status.as_u16());
        entry.client_request_id =
            Some(item.client_request_id.to_owned()).filter(|id| !id.is_empty());
        entry.batch_item_id = item.item_id.map(str::to_owned);

        if let Some(id) = &entry.client_request_id {
            entry.retry_early = self.retried_early(id);
        }
        if let Some(value) = item.retry_after {
            entry.retry_after = Some(value.to_owned());
            entry.fault = Some(
                if item.status == StatusCode::TOO_MANY_REQUESTS { "throttled" } else { "error" }
                    .to_owned(),
            );
            if let Some(wait) = retry_after_wait(value, SystemTime::now()) {
                self.note_wait(&in_flight.client.key, wait);
                if let Some(id) = &entry.client_request_id {
                    self.note_request_wait(id, wait);
                }
            }
        }
        if crate::faults::is_write(item.method) {
            let committed = item.status.is_success();
            entry.committed = Some(committed);
            if committed {
                entry.entry_id = match *item.method {
                    Method::POST => item
                        .body
                        .and_then(|b| b.get("id"))
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    _ => path.trim_end_matches('/').rsplit('/').next().map(|last| {
                        percent_encoding::percent_decode_str(last).decode_utf8_lossy().into_owned()
                    }),
                };
            }
        }
        self.record(entry, &in_flight.arrival);
    }
}

/// One answered `$batch` item, for [`Journal::record_item`].
#[derive(Debug, Clone, Copy)]
pub struct BatchItemRecord<'a> {
    /// The item's method.
    pub method: &'a Method,
    /// The item's url under `/beta` (with its query, if any).
    pub path: &'a str,
    /// The item's `id` in the batch.
    pub item_id: Option<&'a str>,
    /// The item's status.
    pub status: StatusCode,
    /// The item's `client-request-id` header, else the batch's.
    pub client_request_id: &'a str,
    /// The item's `Retry-After` header, if it has one.
    pub retry_after: Option<&'a str>,
    /// The item's JSON body, if it has one.
    pub body: Option<&'a Value>,
}

/// Applied to the whole router, outside the faults layer, so throttled answers are
/// recorded too.  The `/emulator/...` control routes are not recorded.
pub async fn middleware(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if path == "/emulator" || path.starts_with("/emulator/") {
        return next.run(request).await;
    }

    let client = ClientKey::from_headers(request.headers());
    // The faults layer counts the request against the same client.
    request.extensions_mut().insert(client.clone());
    let arrival = state.journal.arrive(&client.key, state.faults.early_grace());
    let mut entry = JournalEntry::new(request.method().as_str(), &path, &client.key);
    entry.query = request.uri().query().map(str::to_owned);
    entry.client_request_id = request
        .headers()
        .get("client-request-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    entry.request_id = request.extensions().get::<RequestIds>().map(|ids| ids.request_id.clone());
    if let Some(id) = &entry.client_request_id {
        entry.retry_early = state.journal.retried_early(id);
    }
    let write = crate::faults::is_write(request.method());

    let in_flight = InFlight { arrival, client: client.clone() };
    let response = IN_FLIGHT.scope(in_flight, next.run(request)).await;

    let note = response.extensions().get::<FaultNote>().cloned().unwrap_or_default();
    entry.status = match note.dropped {
        Some(status) => status,
        None => Some(response.status().as_u16()),
    };
    entry.fault = note.fault.map(str::to_owned);
    entry.entry_id = note.entry_id;
    // A batch commits nothing itself: its items have their own entries.
    if write && path.starts_with("/beta") && !crate::faults::is_batch_path(&path) {
        entry.committed = Some(note.committed.unwrap_or(false));
    }
    if let Some(value) = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()) {
        entry.retry_after = Some(value.to_owned());
        if let Some(wait) = retry_after_wait(value, SystemTime::now()) {
            state.journal.note_wait(&client.key, wait);
            if let Some(id) = &entry.client_request_id {
                state.journal.note_request_wait(id, wait);
            }
        }
    }
    state.journal.record(entry, &arrival);
    response
}

/// `GET /emulator/journal[?since=SEQ]` (`{"value": [...]}`) and
/// `DELETE /emulator/journal`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/emulator/journal", get(list).delete(clear))
}

async fn list(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let since = match query.get("since").map(|s| s.parse::<u64>()) {
        None => 0,
        Some(Ok(since)) => since,
        Some(Err(_)) => {
            return GraphError::invalid_field("since", "must be a whole number").into_response();
        }
    };
    let entries = state.journal.entries_since(since);
    json_body(&serde_json::json!({ "value": entries }))
}

async fn clear(State(state): State<AppState>) -> StatusCode {
    state.journal.clear();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_entries_and_filters_by_seq() {
        let journal = Journal::new();
        for path in ["/a", "/b", "/c"] {
            let arrival = journal.arrive("app/t/u", Duration::ZERO);
            journal.record(JournalEntry::new("GET", path, "app/t/u"), &arrival);
        }
        let all = journal.entries_since(0);
        assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(journal.entries_since(2)[0].path, "/c");
        assert!(all[0].arrival.ends_with('Z'));

        journal.clear();
        assert!(journal.entries_since(0).is_empty());
        let arrival = journal.arrive("app/t/u", Duration::ZERO);
        journal.record(JournalEntry::new("GET", "/d", "app/t/u"), &arrival);
        assert_eq!(journal.entries_since(0)[0].seq, 4);
    }

    #[test]
    fn early_only_for_the_same_client_before_the_wait_ends() {
        let journal = Journal::new();
        journal.note_wait("a", Duration::from_millis(200));
        std::thread::sleep(Duration::from_millis(20));
        assert!(journal.arrive("a", Duration::ZERO).early);
        assert!(!journal.arrive("b", Duration::ZERO).early);
        // Within the grace period a request is taken to have been in flight.
        assert!(!journal.arrive("a", Duration::from_millis(100)).early);
        std::thread::sleep(Duration::from_millis(200));
        assert!(!journal.arrive("a", Duration::ZERO).early);
    }

    #[test]
    fn reads_retry_after_like_a_client() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(retry_after_wait("3", now), Some(Duration::from_secs(3)));
        assert_eq!(retry_after_wait("2.128", now), Some(Duration::from_millis(2128)));
        assert_eq!(
            retry_after_wait("Tue, 14 Nov 2023 22:13:25 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(retry_after_wait("soon", now), None);
    }

    #[test]
    fn a_retry_is_early_only_against_its_own_wait() {
        let journal = Journal::new();
        journal.note_request_wait("r1", Duration::from_millis(100));
        assert!(journal.retried_early("r1"));
        assert!(!journal.retried_early("r2"));
        std::thread::sleep(Duration::from_millis(120));
        assert!(!journal.retried_early("r1"));
    }

    #[test]
    fn shorter_wait_does_not_shorten_a_longer_one() {
        let journal = Journal::new();
        journal.note_wait("a", Duration::from_secs(10));
        journal.note_wait("a", Duration::from_millis(1));
        std::thread::sleep(Duration::from_millis(5));
        assert!(journal.arrive("a", Duration::ZERO).early);
    }
}
