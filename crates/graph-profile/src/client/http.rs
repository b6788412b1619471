//! One logical request: headers, token, redirects, retries and the log line per attempt.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use url::Url;

use super::retry::{GiveUp, RetryState, is_retryable_status, parse_retry_after};
use crate::FacetKind;
use crate::auth::TokenProvider;
use crate::error::{Error, ErrorKind};

/// Redirects followed per attempt before giving up.
const MAX_REDIRECTS: usize = 5;

const USER_AGENT: &str = concat!("graph-profile/", env!("CARGO_PKG_VERSION"));

/// Builds the HTTP client every part of the crate shares: rustls with the ring
/// provider, no automatic redirects (we follow them ourselves, see `send_once`).
pub(crate) fn build_http_client(timeout: Duration) -> Result<reqwest::Client, Error> {
    // Another part of the process may have installed a provider first; that one serves.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .build()
        .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))
}

/// Whether a request may be sent again when its outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Sending it twice has the effect of sending it once (GET, PATCH, DELETE).
    Safe,
    /// A create: an unknown outcome goes back to the caller, which reads the
    /// collection before repeating it.
    Never,
}

/// One logical request.
pub(crate) struct Call {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) body: Option<Bytes>,
    /// What the log shows as the path: the facet part only, never the user.
    pub(crate) log_path: LogPath,
    pub(crate) replay: Replay,
}

/// The path a log line shows: never the user, and not the entry id either
/// (`profile/certifications/{id}`), so logs stay free of personal data.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LogPath {
    Collection(FacetKind),
    Entry(FacetKind),
    Batch,
}

impl std::fmt::Display for LogPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LogPath::Collection(kind) => write!(f, "profile/{}", kind.collection()),
            LogPath::Entry(kind) => write!(f, "profile/{}/{{id}}", kind.collection()),
            LogPath::Batch => f.write_str("$batch"),
        }
    }
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Bytes,
}

/// How a request failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The error to hand to the caller.
    Final(Error),
    /// A `Replay::Never` request that may or may not have taken effect.
    /// `retryable` says whether repeating it is in the retry rules at all.
    Unknown { error: Error, retryable: bool, retry_after: Option<Duration> },
}

impl Failure {
    pub(crate) fn into_error(self) -> Error {
        match self {
            Failure::Final(error) | Failure::Unknown { error, .. } => error,
        }
    }
}

/// What one attempt came back with.
enum Attempt {
    Answered {
        status: StatusCode,
        headers: AnswerHeaders,
        body: Bytes,
    },
    /// No connection was made: nothing reached the service.
    NotSent(Error),
    /// The connection broke or timed out after the request may have gone out.
    Broken(Error),
}

/// The headers of an answer that matter after it is read.
struct AnswerHeaders {
    request_id: Option<String>,
    retry_after: Option<String>,
}

/// Sends requests to Graph on behalf of a `Client`.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) graph_url: Url,
    pub(crate) auth: Option<Arc<dyn TokenProvider>>,
}

impl Transport {
    /// `graph_url` joined with a path that starts with `/` and an encoded query.
    pub(crate) fn url(&self, path: &str, query: &str) -> Result<Url, Error> {
        let mut text = format!("{}{path}", self.graph_url.as_str().trim_end_matches('/'));
        if !query.is_empty() {
            text.push('?');
            text.push_str(query);
        }
        Url::parse(&text).map_err(|e| Error::config(format!("cannot build a request URL: {e}")))
    }

    /// Sends `call` until it succeeds, fails for good, or the retry rules end.
    ///
    /// `client_request_id` stays the same for every attempt; `state` carries the
    /// attempt count and the waiting done, so a caller that repeats a create after
    /// reading the collection continues the same budget.
    pub(crate) async fn execute(
        &self,
        call: &Call,
        state: &mut RetryState,
        client_request_id: &str,
    ) -> Result<Answer, Failure> {
        let mut signed_in_again = false;
        loop {
            let attempt = self.send_once(call, state.retries, client_request_id).await?;

            let (error, retry_after, may_have_applied) = match attempt {
                Attempt::Answered { status, headers, body } => {
                    if status.is_success() {
                        return Ok(Answer { status: status.as_u16(), body });
                    }
                    let request_id = headers.request_id.as_deref();
                    let error = Error::from_response(status.as_u16(), request_id, &body);
                    let error = fill_client_request_id(error, client_request_id);

                    // A token can be revoked or expire early: fetch a fresh one once.
                    if status == StatusCode::UNAUTHORIZED && !signed_in_again {
                        if let Some(auth) = &self.auth {
                            auth.invalidate();
                            signed_in_again = true;
                            continue;
                        }
                    }

                    let code = status.as_u16();
                    if !is_retryable_status(code) {
                        if call.replay == Replay::Never && status.is_server_error() {
                            let failure =
                                Failure::Unknown { error, retryable: false, retry_after: None };
                            return Err(failure);
                        }
                        return Err(Failure::Final(error));
                    }
                    let retry_after = headers
                        .retry_after
                        .as_deref()
                        .and_then(|value| parse_retry_after(value, SystemTime::now()));
                    let error = error.with_retry_after(retry_after);
                    // A 429 is refused before any work; a 503 or 504 may come after it.
                    (error, retry_after, code != 429)
                }
                Attempt::NotSent(error) => (error, None, false),
                Attempt::Broken(error) => (error, None, true),
            };
            let error = fill_client_request_id(error, client_request_id);

            if may_have_applied && call.replay == Replay::Never {
                return Err(Failure::Unknown { error, retryable: true, retry_after });
            }
            let delay = state.next_delay(retry_after).map_err(|why| give_up(error, why))?;
            state.outcome_unknown |= may_have_applied;
            tokio::time::sleep(delay).await;
        }
    }

    /// One attempt, following redirects.  The token goes only to the Graph host.
    async fn send_once(
        &self,
        call: &Call,
        retries: u32,
        client_request_id: &str,
    ) -> Result<Attempt, Failure> {
        let token = match &self.auth {
            Some(auth) => Some(auth.token().await.map_err(Failure::Final)?),
            None => None,
        };

        let mut method = call.method.clone();
        let mut url = call.url.clone();
        let mut body = call.body.clone();
        let started = Instant::now();

        for hop in 0..=MAX_REDIRECTS {
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .header("client-request-id", client_request_id)
                .header(header::ACCEPT, "application/json");
            if retries > 0 {
                request = request.header("Retry-Attempt", retries.to_string());
            }
            if let Some(token) = &token {
                // A redirect to another host must not carry our token along.  The Graph
                // origin passed `check_secure` when the client was made.
                if same_origin(&url, &self.graph_url) {
                    request = request.bearer_auth(token.secret());
                }
            }
            if let Some(body) = &body {
                request =
                    request.header(header::CONTENT_TYPE, "application/json").body(body.clone());
            }

            let result = request.send().await;
            let response = match result {
                Ok(response) => response,
                Err(error) => {
                    let not_sent = error.is_connect();
                    let error = Error::from_reqwest(error);
                    log_attempt(call, None, None, retries, started);
                    return Ok(if not_sent {
                        Attempt::NotSent(error)
                    } else {
                        Attempt::Broken(error)
                    });
                }
            };

            let status = response.status();
            let request_id = header_text(response.headers(), "request-id");
            log_attempt(call, Some(status), request_id, retries, started);

            let location = header_text(response.headers(), "location");
            if let Some(location) = location.filter(|_| status.is_redirection()) {
                if hop == MAX_REDIRECTS {
                    let error = Error::new(ErrorKind::Service, "too many redirects");
                    return Err(Failure::Final(error));
                }
                url = url.join(location).map_err(|e| {
                    Failure::Final(Error::new(
                        ErrorKind::Service,
                        format!("the service redirected to an invalid location: {e}"),
                    ))
                })?;
                // 303, and 301/302 after a POST, turn into a GET without a body.
                let to_get = status == StatusCode::SEE_OTHER
                    || (method == Method::POST
                        && matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND));
                if to_get {
                    method = Method::GET;
                    body = None;
                }
                continue;
            }

            // Only what the retry rules and errors read is kept, not the whole map.
            let headers = AnswerHeaders {
                request_id: request_id.map(str::to_owned),
                retry_after: header_text(response.headers(), "retry-after").map(str::to_owned),
            };
            return match response.bytes().await {
                Ok(body) => Ok(Attempt::Answered { status, headers, body }),
                Err(error) => Ok(Attempt::Broken(Error::from_reqwest(error))),
            };
        }
        unreachable!("the loop returns on its last hop")
    }
}

/// The debug line for one attempt: never the user, the token or a body.
fn log_attempt(
    call: &Call,
    status: Option<StatusCode>,
    request_id: Option<&str>,
    retries: u32,
    started: Instant,
) {
    tracing::debug!(
        method = %call.method,
        path = %call.log_path,
        status = status.map(|s| s.as_u16()),
        request_id,
        attempt = retries + 1,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "graph request"
    );
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value: &HeaderValue| value.to_str().ok())
}

/// Same scheme, host and port: cheaper than comparing `Url::origin()`s, which allocate.
fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

fn fill_client_request_id(error: Error, client_request_id: &str) -> Error {
    if error.client_request_id().is_some() {
        error
    } else {
        error.with_client_request_id(client_request_id)
    }
}

fn give_up(error: Error, why: GiveUp) -> Failure {
    let note = match why {
        GiveUp::Attempts => "after the last retry",
        GiveUp::TotalWait => "the next wait would pass the total wait allowed",
    };
    Failure::Final(error.with_note(note))
}
