//! Throttling, faults and added latency for `/beta`, driven by a seed so runs
//! repeat; changed at run time through `GET/POST /emulator/config`.
//!
//! The decisions live in [`policy`] (see there for the JSON shape); this module
//! applies them to requests: it sleeps the latency, answers a throttle or error
//! with Graph's error JSON and `Retry-After`, and drops the connection before or
//! after a write.  A dropped connection is a response whose body fails at once:
//! hyper then closes the connection without finishing the answer, so the client
//! sees a broken connection, not a status.

mod policy;

use std::time::SystemTime;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use serde_json::{Map, Value};

use crate::error::{GraphError, json_body};
use crate::journal::{ClientKey, FaultNote};
use crate::state::AppState;

pub use policy::{
    DropConfig, ErrorConfig, FaultKind, Faults, FaultsConfig, InjectedFault, LatencyConfig, Limits,
    Rejection, RequestFacts, RequestMatch, RetryAfterForm, ThrottleConfig, Verdict, retry_after,
};

/// Write responses larger than this are not searched for the written entry's id.
const ENTRY_BODY_LIMIT: usize = 1024 * 1024;

/// True for methods that change data.
pub fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// True for `/beta/$batch`, whose items are journaled and throttled one by one.
pub(crate) fn is_batch_path(path: &str) -> bool {
    let rest = path.trim_start_matches("/beta/").trim_end_matches('/');
    rest.eq_ignore_ascii_case("$batch") || rest.eq_ignore_ascii_case("%24batch")
}

impl Faults {
    /// Throttling for one item of a `$batch`: `Some(error)` (429 with `Retry-After`, in
    /// `GraphError::headers`) answers the item instead of running it.  `headers` are the
    /// batch request's merged with the item's; `path` is the item's url under `/beta`.
    pub fn check_batch_item(
        &self,
        headers: &HeaderMap,
        method: &Method,
        path: &str,
    ) -> Option<GraphError> {
        let client = ClientKey::from_headers(headers);
        let facts = RequestFacts {
            is_write: is_write(method),
            path,
            app: &client.app,
            tenant: &client.tenant,
        };
        self.check_item(&facts, SystemTime::now()).map(rejection_error)
    }
}

/// The Graph error for a rejection, with its `Retry-After`.
fn rejection_error(rejection: Rejection) -> GraphError {
    let status = StatusCode::from_u16(rejection.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut error = GraphError::new(status, rejection.code, rejection.message);
    if let Some(value) = rejection.retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
        error = error.with_header(RETRY_AFTER, value);
    }
    error
}

/// A response that never completes: its body fails at once, so hyper closes the
/// connection without sending a complete answer.
fn dropped_connection(note: FaultNote) -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "connection dropped by an injected fault",
        ))
    });
    let mut response = Response::new(Body::from_stream(failing));
    response.extensions_mut().insert(note);
    response
}

/// Applied to the whole router: throttles, delays or fails a `/beta` request before
/// (or after) it reaches its handler.  Other routes pass untouched.
pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if !(path == "/beta" || path.starts_with("/beta/")) {
        return next.run(request).await;
    }
    let write = is_write(request.method());
    let client = match request.extensions().get::<ClientKey>() {
        Some(client) => client.clone(),
        None => ClientKey::from_headers(request.headers()),
    };
    let now = SystemTime::now();

    let decision = if is_batch_path(&path) {
        state.faults.decide_batch(now)
    } else {
        let facts =
            RequestFacts { is_write: write, path: &path, app: &client.app, tenant: &client.tenant };
        state.faults.decide(&facts, now)
    };
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }

    let drop_after = match decision.verdict {
        Verdict::Reject(rejection) => {
            let fault = rejection.fault;
            let mut response = rejection_error(rejection).into_response();
            response.extensions_mut().insert(FaultNote::rejected(fault));
            return response;
        }
        Verdict::DropBefore if write => {
            tracing::debug!("injected fault: connection dropped before the write");
            return dropped_connection(FaultNote::dropped_before());
        }
        Verdict::DropBefore => false,
        Verdict::Proceed { drop_after } => drop_after && write,
    };

    let method = request.method().clone();
    let response = next.run(request).await;
    if !write || !response.status().is_success() {
        return response;
    }
    if is_batch_path(&path) {
        // Every item has run: dropping now loses the answers of committed writes.
        if drop_after {
            tracing::debug!("injected fault: connection dropped after a batch");
            let mut note = FaultNote::dropped_after(response.status(), None);
            note.committed = None;
            return dropped_connection(note);
        }
        return response;
    }

    let (response, entry_id) = written_entry(response, &method, &path).await;
    if drop_after {
        tracing::debug!("injected fault: connection dropped after the write");
        return dropped_connection(FaultNote::dropped_after(response.status(), entry_id));
    }
    let mut response = response;
    if let Some(entry_id) = entry_id {
        response.extensions_mut().insert(FaultNote::written(entry_id));
    }
    response
}

/// The id of the entry a successful write touched: the `id` of a created
/// entry's body, or the last path segment of an update or delete.
async fn written_entry(
    response: Response,
    method: &Method,
    path: &str,
) -> (Response, Option<String>) {
    if *method != Method::POST {
        let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
        let id = percent_encoding::percent_decode_str(last).decode_utf8_lossy().into_owned();
        return (response, Some(id).filter(|id| !id.is_empty()));
    }
    let (parts, body) = response.into_parts();
    let bytes = match to_bytes(body, ENTRY_BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let response = Response::from_parts(parts, Body::empty());
            return (response, None);
        }
    };
    let id = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|body| body.get("id").and_then(Value::as_str).map(str::to_owned));
    (Response::from_parts(parts, Body::from(bytes)), id)
}

/// `GET/POST /emulator/config`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/emulator/config", get(get_config).post(post_config))
}

/// The whole configuration: the fault sections and `auth`.
fn config_json(state: &AppState) -> Value {
    let mut config = serde_json::to_value(state.faults.config()).unwrap_or_default();
    config["auth"] = serde_json::to_value(state.authority.config()).unwrap_or_default();
    config
}

async fn get_config(State(state): State<AppState>) -> Response {
    json_body(&config_json(&state))
}

/// Each top-level section given replaces that section; sections left out keep
/// their values.  Any fault section given restarts the seeded generator and
/// refills the buckets; `{}` does only that.
async fn post_config(State(state): State<AppState>, body: Bytes) -> Response {
    match apply_config(&state, &body) {
        Ok(()) => json_body(&config_json(&state)),
        Err(error) => error.into_response(),
    }
}

fn apply_config(state: &AppState, body: &[u8]) -> Result<(), GraphError> {
    let mut patch: Map<String, Value> = serde_json::from_slice(body)
        .map_err(|e| GraphError::bad_request(format!("The body must be a JSON object: {e}")))?;

    let auth = match patch.remove("auth") {
        Some(auth_patch) => {
            let Value::Object(auth_patch) = auth_patch else {
                return Err(GraphError::invalid_field("auth", "must be an object"));
            };
            let mut auth = serde_json::to_value(state.authority.config()).unwrap_or_default();
            for (key, value) in auth_patch {
                auth[key] = value;
            }
            let auth: crate::auth::AuthConfig =
                serde_json::from_value(auth).map_err(|e| GraphError::invalid_field("auth", e))?;
            auth.validate().map_err(|e| GraphError::bad_request(e).with_target("auth"))?;
            Some(auth)
        }
        None => None,
    };

    let faults = {
        let mut faults = serde_json::to_value(state.faults.config()).unwrap_or_default();
        for (key, value) in patch {
            faults[key] = value;
        }
        let faults: FaultsConfig = serde_json::from_value(faults)
            .map_err(|e| GraphError::bad_request(format!("Invalid configuration: {e}")))?;
        faults.validate().map_err(GraphError::bad_request)?;
        faults
    };

    if let Some(auth) = auth {
        state.authority.set_config(auth);
    }
    if body_has_fault_sections(body) {
        state.faults.set_config(faults);
    }
    Ok(())
}

/// True unless the body holds only `auth`: posting `auth` alone leaves the
/// fault generator and buckets as they are.
fn body_has_fault_sections(body: &[u8]) -> bool {
    serde_json::from_slice::<Map<String, Value>>(body)
        .map(|map| map.keys().any(|key| key != "auth") || map.is_empty())
        .unwrap_or(false)
}
