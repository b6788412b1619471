//! JSON batching: any number of requests, sent 20 to a `$batch`, answered in input order.
//!
//! Each item of a batch is throttled on its own (a 429 inside a 200 batch), so items
//! that come back 429, 503 or 504 are sent again in a later batch after their own
//! `Retry-After`, together with the items that failed (424) only because they
//! depend on them.  A create among them is read back before it is repeated, as a
//! single create is.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, SystemTime};

use futures::StreamExt;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::create::is_own_create;
use super::http::{Call, Failure, LogPath, Replay};
use super::retry::{is_retryable_status, parse_retry_after};
use super::{Client, ListQuery, UserRef, new_client_request_id, paging, path, query, to_body};
use crate::FacetKind;
use crate::error::{Error, ErrorKind};

/// The most requests Graph takes in one `$batch`.
pub const MAX_BATCH_SIZE: usize = 20;

/// One request of a batch, in Graph's `$batch` shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchRequest {
    /// The caller's id, unique within the call; answers carry it back.
    pub id: String,
    /// `GET`, `POST`, `PATCH`, `PUT` or `DELETE`.
    pub method: String,
    /// The path below the Graph URL, starting with `/` (`/users/{id}/profile/awards`).
    pub url: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Ids of requests that must succeed before this one runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

impl BatchRequest {
    fn new(id: impl Into<String>, method: &str, url: String, body: Option<Value>) -> BatchRequest {
        BatchRequest {
            id: id.into(),
            method: method.to_owned(),
            url,
            headers: BTreeMap::new(),
            body,
            depends_on: Vec::new(),
        }
    }

    /// Lists a facet (the first page only: a batch does not follow `nextLink`).
    pub fn list(
        id: impl Into<String>,
        user: &UserRef,
        kind: FacetKind,
        query: &ListQuery,
    ) -> Result<BatchRequest, Error> {
        let mut url = path::facet_path(user, kind)?;
        let query = query.to_query_string();
        if !query.is_empty() {
            url = format!("{url}?{query}");
        }
        Ok(BatchRequest::new(id, "GET", url, None))
    }

    /// Reads one entry.
    pub fn get(
        id: impl Into<String>,
        user: &UserRef,
        kind: FacetKind,
        entry_id: &str,
        select: &[String],
    ) -> Result<BatchRequest, Error> {
        let mut url = path::entry_path(user, kind, entry_id)?;
        let query = query::select_query(select);
        if !query.is_empty() {
            url = format!("{url}?{query}");
        }
        Ok(BatchRequest::new(id, "GET", url, None))
    }

    /// Creates an entry; the draft is validated now.
    pub fn create(
        id: impl Into<String>,
        user: &UserRef,
        kind: FacetKind,
        draft: Value,
    ) -> Result<BatchRequest, Error> {
        let draft = super::prepare_draft(kind, draft)?;
        let url = path::facet_path(user, kind)?;
        Ok(BatchRequest::new(id, "POST", url, Some(Value::Object(draft))))
    }

    /// Updates an entry; the patch is validated now.
    pub fn update(
        id: impl Into<String>,
        user: &UserRef,
        kind: FacetKind,
        entry_id: &str,
        patch: Value,
    ) -> Result<BatchRequest, Error> {
        let patch = super::prepare_patch(kind, patch)?;
        let url = path::entry_path(user, kind, entry_id)?;
        Ok(BatchRequest::new(id, "PATCH", url, Some(Value::Object(patch))))
    }

    /// Deletes an entry.
    pub fn delete(
        id: impl Into<String>,
        user: &UserRef,
        kind: FacetKind,
        entry_id: &str,
    ) -> Result<BatchRequest, Error> {
        Ok(BatchRequest::new(id, "DELETE", path::entry_path(user, kind, entry_id)?, None))
    }

    /// Runs this request only after `ids` succeeded.
    pub fn depending_on<I, S>(mut self, ids: I) -> BatchRequest
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.depends_on.extend(ids.into_iter().map(Into::into));
        self
    }

    /// The facet a profile URL names, and whether it names the collection itself.
    fn facet(&self) -> Option<(FacetKind, bool)> {
        let path = self.url.split('?').next().unwrap_or_default();
        let mut segments = path.split('/').skip_while(|segment| *segment != "profile").skip(1);
        let kind = segments.next()?.parse().ok()?;
        Some((kind, segments.next().is_none()))
    }

    fn is_create(&self) -> bool {
        self.method.eq_ignore_ascii_case("POST")
    }
}

/// The answer to one request of a batch.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResponse {
    /// The id of the request this answers.
    pub id: String,
    /// The HTTP status of the request; 0 when no answer came (see [`BatchResponse::error`]).
    pub status: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub body: Option<Value>,
    /// Why the request got no answer of its own (the `$batch` itself failed).
    #[serde(skip)]
    failure: Option<Error>,
}

impl BatchResponse {
    /// Whether the request succeeded (2xx).
    pub fn is_success(&self) -> bool {
        self.failure.is_none() && (200..300).contains(&self.status)
    }

    /// The error of a failed request: 424 is `ErrorKind::FailedDependency`, a 429 that
    /// outlasted the retries `Throttled`, and so on.  `None` on success.
    pub fn error(&self) -> Option<Error> {
        if let Some(failure) = &self.failure {
            return Some(failure.clone());
        }
        if self.is_success() {
            return None;
        }
        let body = self.body.as_ref().map(|b| b.to_string()).unwrap_or_default();
        let request_id = header(&self.headers, "request-id");
        Some(Error::from_response(self.status, request_id, body.as_bytes()))
    }

    /// The body on success, the error otherwise.
    pub fn into_result(self) -> Result<Option<Value>, Error> {
        match self.error() {
            Some(error) => Err(error),
            None => Ok(self.body),
        }
    }

    fn failed(id: &str, error: Error) -> BatchResponse {
        BatchResponse {
            id: id.to_owned(),
            status: error.status().unwrap_or(0),
            headers: BTreeMap::new(),
            body: error.graph_error_json().map(|e| json!({ "error": e })),
            failure: Some(error),
        }
    }
}

fn header<'a>(headers: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// Where one item stands after a round.
enum ItemOutcome {
    Done(BatchResponse),
    /// Send again after `retry_after` (or a backoff); keep `last` if retries run out.
    Again {
        last: BatchResponse,
        retry_after: Option<Duration>,
    },
    /// A create whose outcome is unknown: read back before sending it again.
    Unknown {
        last: BatchResponse,
        retry_after: Option<Duration>,
    },
}

impl Client {
    /// Sends `requests` through `$batch`, 20 to a batch and up to `maxConcurrency`
    /// batches at once, and returns one answer per request, in input order.
    ///
    /// Requests joined by `dependsOn` travel in the same batch (Graph requires it), so
    /// a chain may hold at most 20.  Fails only for input that cannot be sent (ids
    /// not unique, unknown `dependsOn`, invalid draft); every other failure is in the
    /// answer of the request it concerns.
    pub async fn batch(&self, requests: Vec<BatchRequest>) -> Result<Vec<BatchResponse>, Error> {
        let requests = check_requests(requests)?;
        let index: HashMap<&str, usize> =
            requests.iter().enumerate().map(|(i, r)| (r.id.as_str(), i)).collect();

        let mut answers: Vec<Option<BatchResponse>> = vec![None; requests.len()];
        let mut pending: Vec<usize> = (0..requests.len()).collect();
        let mut rounds = self.retry_state();
        let began = SystemTime::now();

        while !pending.is_empty() {
            let groups = group(&requests, &index, &pending)?;
            let concurrency = self.config().max_concurrency.max(1);
            let outcomes: Vec<Vec<(usize, ItemOutcome)>> = futures::stream::iter(groups)
                .map(|group| self.send_group(&requests, group))
                .buffer_unordered(concurrency)
                .collect()
                .await;

            // Every item's latest answer stands unless a later round replaces it.
            let mut again: Vec<usize> = Vec::new();
            let mut unknown: Vec<usize> = Vec::new();
            let mut longest_wait: Option<Duration> = None;
            for (i, outcome) in outcomes.into_iter().flatten() {
                let answer = match outcome {
                    ItemOutcome::Done(answer) => answer,
                    ItemOutcome::Again { last, retry_after } => {
                        longest_wait = longest_wait.max(retry_after);
                        again.push(i);
                        last
                    }
                    ItemOutcome::Unknown { last, retry_after } => {
                        longest_wait = longest_wait.max(retry_after);
                        unknown.push(i);
                        last
                    }
                };
                answers[i] = Some(answer);
            }
            if again.is_empty() && unknown.is_empty() {
                break;
            }

            // Items that failed (424) only because something they depend on goes again.
            let resent: HashSet<usize> = again.iter().chain(&unknown).copied().collect();
            again.extend(blocked_by(&requests, &index, &answers, &resent));

            let Ok(delay) = rounds.next_delay(longest_wait) else {
                break;
            };
            tokio::time::sleep(delay).await;

            // Entries the batch is known to have made (or to have found) belong to
            // their own requests: two identical creates never settle on one entry.
            let mut claimed: HashSet<String> = answers
                .iter()
                .flatten()
                .filter(|answer| answer.status == 201)
                .filter_map(|answer| answer.body.as_ref()?.get("id")?.as_str().map(str::to_owned))
                .collect();
            pending = again;
            for i in unknown {
                match self.read_back(&requests[i], began, &claimed).await {
                    Ok(Some(found)) => {
                        let id = found.body.as_ref().and_then(|b| b.get("id"));
                        if let Some(id) = id.and_then(Value::as_str) {
                            claimed.insert(id.to_owned());
                        }
                        answers[i] = Some(found);
                    }
                    Ok(None) => pending.push(i),
                    // Not known whether it took effect: the last answer stands.
                    Err(()) => {}
                }
            }
            pending.sort_unstable();
        }

        Ok(answers
            .into_iter()
            .zip(&requests)
            .map(|(answer, request)| {
                answer.unwrap_or_else(|| {
                    let error = Error::new(ErrorKind::Service, "the request got no answer");
                    BatchResponse::failed(&request.id, error)
                })
            })
            .collect())
    }

    /// Sends one `$batch` and classifies each item's answer.
    async fn send_group(
        &self,
        requests: &[BatchRequest],
        group: Vec<usize>,
    ) -> Vec<(usize, ItemOutcome)> {
        let ids: HashSet<&str> = group.iter().map(|i| requests[*i].id.as_str()).collect();
        let items: Vec<Value> = group.iter().map(|i| envelope_item(&requests[*i], &ids)).collect();
        let has_create = group.iter().any(|i| requests[*i].is_create());

        let body = match to_body(&json!({ "requests": items })) {
            Ok(body) => body,
            Err(error) => return fail_all(requests, &group, &error),
        };
        let url = match self.transport().url("/$batch", "") {
            Ok(url) => url,
            Err(error) => return fail_all(requests, &group, &error),
        };
        let call = Call {
            method: Method::POST,
            url,
            body: Some(body),
            log_path: LogPath::Batch,
            replay: if has_create { Replay::Never } else { Replay::Safe },
        };

        let mut state = self.retry_state();
        let answer =
            match self.transport().execute(&call, &mut state, &new_client_request_id()).await {
                Ok(answer) => answer,
                Err(Failure::Final(error)) => return fail_all(requests, &group, &error),
                Err(Failure::Unknown { error, retryable, retry_after }) => {
                    // Nothing is known of any item: reads and updates go again, creates
                    // are read back first.
                    return group
                        .iter()
                        .map(|i| {
                            let last = BatchResponse::failed(&requests[*i].id, error.clone());
                            let outcome = if !retryable {
                                ItemOutcome::Done(last)
                            } else if requests[*i].is_create() {
                                ItemOutcome::Unknown { last, retry_after }
                            } else {
                                ItemOutcome::Again { last, retry_after }
                            };
                            (*i, outcome)
                        })
                        .collect();
                }
            };

        let parsed: Result<BatchAnswer, _> = serde_json::from_slice(&answer.body);
        let mut by_id: HashMap<String, BatchResponse> = match parsed {
            Ok(parsed) => parsed.responses.into_iter().map(|r| (r.id.clone(), r)).collect(),
            Err(e) => {
                let error = Error::new(
                    ErrorKind::Service,
                    format!("the $batch answer could not be read: {e}"),
                );
                return fail_all(requests, &group, &error);
            }
        };

        group
            .iter()
            .map(|i| {
                let request = &requests[*i];
                let Some(answer) = by_id.remove(&request.id) else {
                    let error = Error::new(
                        ErrorKind::Service,
                        format!("the $batch answer has nothing for request '{}'", request.id),
                    );
                    return (*i, ItemOutcome::Done(BatchResponse::failed(&request.id, error)));
                };
                (*i, classify(request, answer))
            })
            .collect()
    }

    /// For a create whose outcome is unknown: the entry, if the collection holds one
    /// made by it (see [`is_own_create`]); `Err` when that cannot be told.
    async fn read_back(
        &self,
        request: &BatchRequest,
        began: SystemTime,
        claimed: &HashSet<String>,
    ) -> Result<Option<BatchResponse>, ()> {
        let (kind, _) = request.facet().ok_or(())?;
        let draft = request.body.as_ref().and_then(Value::as_object).ok_or(())?;
        let path = request.url.split('?').next().unwrap_or_default();
        let url = self.transport().url(path, "").map_err(|_| ())?;
        let pages = paging::pages(self.clone(), kind, Ok(url));
        let entries = paging::collect(pages).await.map_err(|_| ())?;
        let found = entries
            .into_iter()
            .rev()
            .find(|entry| is_own_create(kind, draft, entry, began, claimed));
        Ok(found.map(|entry| BatchResponse {
            id: request.id.clone(),
            status: 201,
            headers: BTreeMap::new(),
            body: Some(entry),
            failure: None,
        }))
    }
}

#[derive(Deserialize)]
struct BatchAnswer {
    responses: Vec<BatchResponse>,
}

fn classify(request: &BatchRequest, answer: BatchResponse) -> ItemOutcome {
    if !is_retryable_status(answer.status) {
        return ItemOutcome::Done(answer);
    }
    let retry_after = header(&answer.headers, "retry-after")
        .and_then(|value| parse_retry_after(value, SystemTime::now()));
    // A 429 is refused before any work; a 503 or 504 may come after a create took effect.
    if request.is_create() && answer.status != 429 {
        ItemOutcome::Unknown { last: answer, retry_after }
    } else {
        ItemOutcome::Again { last: answer, retry_after }
    }
}

fn fail_all(
    requests: &[BatchRequest],
    group: &[usize],
    error: &Error,
) -> Vec<(usize, ItemOutcome)> {
    group
        .iter()
        .map(|i| (*i, ItemOutcome::Done(BatchResponse::failed(&requests[*i].id, error.clone()))))
        .collect()
}

/// One item of the `$batch` body.  `dependsOn` keeps only ids in the same batch: a
/// dependency answered in an earlier round has already succeeded.
fn envelope_item(request: &BatchRequest, ids_in_batch: &HashSet<&str>) -> Value {
    let mut item = Map::new();
    item.insert("id".into(), json!(request.id));
    item.insert("method".into(), json!(request.method.to_ascii_uppercase()));
    item.insert("url".into(), json!(request.url));

    let mut headers: Map<String, Value> =
        request.headers.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    if request.body.is_some() && header(&request.headers, "content-type").is_none() {
        headers.insert("Content-Type".into(), json!("application/json"));
    }
    if !headers.is_empty() {
        item.insert("headers".into(), Value::Object(headers));
    }
    if let Some(body) = &request.body {
        item.insert("body".into(), body.clone());
    }

    let depends_on: Vec<&String> =
        request.depends_on.iter().filter(|id| ids_in_batch.contains(id.as_str())).collect();
    if !depends_on.is_empty() {
        item.insert("dependsOn".into(), json!(depends_on));
    }
    Value::Object(item)
}

/// Refuses what Graph would refuse as a whole batch, and validates profile drafts
/// and patches as a single create or update would.
fn check_requests(mut requests: Vec<BatchRequest>) -> Result<Vec<BatchRequest>, Error> {
    let mut seen = HashSet::new();
    for request in &requests {
        if request.id.trim().is_empty() {
            return Err(Error::validation(None, "id", "every batch request needs an id"));
        }
        if !seen.insert(request.id.clone()) {
            let reason = format!("'{}' is used by more than one request", request.id);
            return Err(Error::validation(None, "id", reason));
        }
        if !request.url.starts_with('/') {
            let reason = format!("request '{}': must be a path starting with '/'", request.id);
            return Err(Error::validation(None, "url", reason));
        }
        let method = request.method.to_ascii_uppercase();
        if !matches!(method.as_str(), "GET" | "POST" | "PATCH" | "PUT" | "DELETE") {
            let reason = format!("request '{}': '{}' is not supported", request.id, method);
            return Err(Error::validation(None, "method", reason));
        }
    }
    for request in &requests {
        for dependency in &request.depends_on {
            if !seen.contains(dependency) || dependency == &request.id {
                let reason = format!(
                    "request '{}' depends on '{dependency}', which is not another request",
                    request.id
                );
                return Err(Error::validation(None, "dependsOn", reason));
            }
        }
    }

    for request in &mut requests {
        let Some((kind, collection)) = request.facet() else { continue };
        let Some(body) = request.body.take() else { continue };
        let prepared = match (request.method.to_ascii_uppercase().as_str(), collection) {
            ("POST", true) => super::prepare_draft(kind, body)?,
            ("PATCH", false) => super::prepare_patch(kind, body)?,
            _ => {
                request.body = Some(body);
                continue;
            }
        };
        request.body = Some(Value::Object(prepared));
    }
    Ok(requests)
}

/// Splits `pending` into batches of at most 20, in input order, keeping every
/// `dependsOn` chain within one batch.
fn group(
    requests: &[BatchRequest],
    index: &HashMap<&str, usize>,
    pending: &[usize],
) -> Result<Vec<Vec<usize>>, Error> {
    // Union-find over the pending items joined by dependsOn.
    let position: HashMap<usize, usize> =
        pending.iter().enumerate().map(|(p, i)| (*i, p)).collect();
    let mut parent: Vec<usize> = (0..pending.len()).collect();
    fn root(parent: &mut [usize], mut p: usize) -> usize {
        while parent[p] != p {
            parent[p] = parent[parent[p]];
            p = parent[p];
        }
        p
    }
    for (p, i) in pending.iter().enumerate() {
        for dependency in &requests[*i].depends_on {
            if let Some(q) = index.get(dependency.as_str()).and_then(|d| position.get(d)) {
                let (a, b) = (root(&mut parent, p), root(&mut parent, *q));
                parent[a.max(b)] = a.min(b);
            }
        }
    }

    let mut chains: Vec<Vec<usize>> = Vec::new();
    let mut chain_of_root: HashMap<usize, usize> = HashMap::new();
    for (p, i) in pending.iter().enumerate() {
        let r = root(&mut parent, p);
        let chain = *chain_of_root.entry(r).or_insert_with(|| {
            chains.push(Vec::new());
            chains.len() - 1
        });
        chains[chain].push(*i);
    }

    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for chain in chains {
        if chain.len() > MAX_BATCH_SIZE {
            let reason = format!(
                "a dependsOn chain of {} requests (from '{}') cannot fit one batch of \
                 {MAX_BATCH_SIZE}",
                chain.len(),
                requests[chain[0]].id
            );
            return Err(Error::validation(None, "dependsOn", reason));
        }
        if current.len() + chain.len() > MAX_BATCH_SIZE {
            groups.push(std::mem::take(&mut current));
        }
        current.extend(chain);
    }
    if !current.is_empty() {
        groups.push(current);
    }
    Ok(groups)
}

/// Items answered 424 whose dependencies (directly or further up) are sent again.
fn blocked_by(
    requests: &[BatchRequest],
    index: &HashMap<&str, usize>,
    answers: &[Option<BatchResponse>],
    resent: &HashSet<usize>,
) -> HashSet<usize> {
    let mut blocked: HashSet<usize> = HashSet::new();
    loop {
        let before = blocked.len();
        for (i, answer) in answers.iter().enumerate() {
            let failed_dependency = answer.as_ref().is_some_and(|a| a.status == 424);
            if !failed_dependency || blocked.contains(&i) {
                continue;
            }
            let waits_on_resent = requests[i].depends_on.iter().any(|dependency| {
                index
                    .get(dependency.as_str())
                    .is_some_and(|d| resent.contains(d) || blocked.contains(d))
            });
            if waits_on_resent {
                blocked.insert(i);
            }
        }
        if blocked.len() == before {
            return blocked;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(id: &str, depends_on: &[&str]) -> BatchRequest {
        BatchRequest::new(id, "GET", "/me/profile/awards".into(), None)
            .depending_on(depends_on.iter().copied())
    }

    #[test]
    fn groups_are_twenty_at_most_and_keep_chains_together() {
        let mut requests: Vec<BatchRequest> =
            (0..19).map(|i| request(&i.to_string(), &[])).collect();
        requests.push(request("a", &[]));
        requests.push(request("b", &["a"]));
        let index = requests.iter().enumerate().map(|(i, r)| (r.id.as_str(), i)).collect();
        let pending: Vec<usize> = (0..requests.len()).collect();
        let groups = group(&requests, &index, &pending).unwrap();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].len(), 19);
        assert_eq!(groups[1], vec![19, 20]);
    }

    #[test]
    fn a_chain_longer_than_a_batch_is_refused() {
        let mut requests = vec![request("0", &[])];
        for i in 1..=MAX_BATCH_SIZE {
            requests.push(request(&i.to_string(), &[&(i - 1).to_string()]));
        }
        let index = requests.iter().enumerate().map(|(i, r)| (r.id.as_str(), i)).collect();
        let pending: Vec<usize> = (0..requests.len()).collect();
        let error = group(&requests, &index, &pending).unwrap_err();
        assert_eq!(error.field(), Some("dependsOn"));
    }

    #[test]
    fn bad_ids_are_refused() {
        let twice = vec![request("a", &[]), request("a", &[])];
        assert_eq!(check_requests(twice).unwrap_err().field(), Some("id"));
        let unknown = vec![request("a", &["zzz"])];
        assert_eq!(check_requests(unknown).unwrap_err().field(), Some("dependsOn"));
    }

    #[test]
    fn the_facet_is_read_from_the_url() {
        let create = BatchRequest::new("1", "POST", "/users/x/profile/awards".into(), None);
        assert_eq!(create.facet(), Some((FacetKind::Awards, true)));
        let entry = BatchRequest::new("1", "PATCH", "/me/profile/skills/42?x=1".into(), None);
        assert_eq!(entry.facet(), Some((FacetKind::Skills, false)));
    }
}
