//! The Graph surface under `/beta`: one handler reads the URL itself (so `%23`, the
//! `users('…')` form and bad segments get Graph's answers) and dispatches to the
//! directory, the profile API and `$batch`.  `$batch` items come through the same
//! [`dispatch`].

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body_util::BodyExt;
use serde_json::{Map, Value};

use crate::auth::{self, Access, Caller, Target};
use crate::error::GraphError;
use crate::paths::{self, QueryPair, UserSegment};
use crate::state::AppState;
use crate::store::User;
use crate::{batch, directory, profile};

/// One Graph request, its URL already read.
pub struct Call<'a> {
    pub state: &'a AppState,
    pub method: &'a Method,
    pub headers: &'a HeaderMap,
    /// The path under `/beta` as sent (still encoded), for `@odata.nextLink`.
    pub raw_path: &'a str,
    pub query: Vec<QueryPair>,
    pub body: Bytes,
}

/// Every request under `/beta`.
pub async fn handle(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();

    let body = match read_body(body, &parts.headers, state.config.max_body_bytes).await {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let path = parts.uri.path();
    let path = path.get(5..).unwrap_or_default();
    dispatch(&state, &parts.method, path, parts.uri.query(), &parts.headers, body, false)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// Answers one Graph request; `path` is under `/beta`.  `in_batch` refuses a nested
/// `$batch`.
pub async fn dispatch(
    state: &AppState,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Bytes,
    in_batch: bool,
) -> Result<Response, GraphError> {
    let segments = paths::segments(path)?;
    let call =
        Call { state, method, headers, raw_path: path, query: paths::query_pairs(query)?, body };

    match segments.as_slice() {
        [] => Err(GraphError::bad_request("The request URL names no resource.")),
        [only] if only == "$batch" => {
            if in_batch {
                return Err(GraphError::bad_request("A $batch cannot hold another $batch."));
            }
            if method != Method::POST {
                return Err(method_not_allowed_error(method));
            }
            batch::handle(call).await
        }
        [only] if only.eq_ignore_ascii_case("users") => directory::collection(call).await,
        _ => {
            let Some((user, rest)) = paths::split_user(&segments)? else {
                return Err(unknown_segment(&segments[0]));
            };
            match rest {
                [] => directory::user(call, user).await,
                [profile, facet] if profile.eq_ignore_ascii_case("profile") => {
                    profile::collection(call, user, facet).await
                }
                [profile, facet, id] if profile.eq_ignore_ascii_case("profile") => {
                    profile::entry(call, user, facet, id).await
                }
                [profile, ..] if profile.eq_ignore_ascii_case("profile") => Err(unknown_segment(
                    rest.get(3).or(rest.get(1)).map_or("profile", String::as_str),
                )),
                [other, ..] => Err(unknown_segment(other)),
            }
        }
    }
}

/// Graph's answer to a segment it has no resource for.
pub fn unknown_segment(segment: &str) -> GraphError {
    GraphError::bad_request(format!("Resource not found for the segment '{segment}'."))
}

fn method_not_allowed_error(method: &Method) -> GraphError {
    GraphError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!("The method {method} is not allowed on this resource."),
    )
}

/// The answer to a method a resource does not take.
pub fn method_not_allowed_for(call: &Call<'_>) -> GraphError {
    method_not_allowed_error(call.method)
}

/// Fallback for routes outside `/beta` that nothing serves.
pub async fn unknown_route(request: Request) -> Response {
    GraphError::new(
        StatusCode::NOT_FOUND,
        "UnknownRoute",
        format!(
            "Nothing is served at '{}': the Graph API is under /beta.",
            request.uri().path().escape_default()
        ),
    )
    .into_response()
}

/// Fallback for a method a non-Graph route does not take.
pub async fn method_not_allowed(request: Request) -> Response {
    method_not_allowed_error(request.method()).into_response()
}

/// Reads a body up to `limit` bytes; more is a 413.  A body somewhat over the limit is
/// read to its end and dropped, so the client finishes sending and reads the 413
/// instead of a broken connection; a far larger one is cut off.
pub async fn read_body(body: Body, headers: &HeaderMap, limit: usize) -> Result<Bytes, GraphError> {
    let too_large = || {
        GraphError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            format!("The request body is larger than {limit} bytes."),
        )
    };
    let drain_limit = (limit as u64).saturating_mul(4).max(16 * 1024 * 1024);
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > drain_limit) {
        return Err(too_large());
    }

    let mut body = body;
    let mut kept = bytes::BytesMut::new();
    let mut total: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|_| GraphError::bad_request("The request body could not be read."))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total += data.len() as u64;
        if total > drain_limit {
            return Err(too_large());
        }
        if total <= limit as u64 {
            kept.extend_from_slice(&data);
        }
    }
    if total > limit as u64 { Err(too_large()) } else { Ok(kept.freeze()) }
}

/// 415 unless the request says its body is JSON.
pub fn require_json(headers: &HeaderMap) -> Result<(), GraphError> {
    let content_type = headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok());
    let is_json = content_type.is_some_and(|value| {
        let essence = value.split(';').next().unwrap_or_default().trim();
        essence.eq_ignore_ascii_case("application/json")
    });
    if is_json {
        Ok(())
    } else {
        Err(GraphError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            format!(
                "The content type '{}' is not supported: send application/json.",
                content_type.unwrap_or("(none)")
            ),
        ))
    }
}

/// The body as a JSON object, or a 400 saying what is wrong with it.
pub fn json_object(body: &[u8]) -> Result<Map<String, Value>, GraphError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(GraphError::bad_request("The request body is empty: send a JSON object."));
    }
    if std::str::from_utf8(body).is_err() {
        return Err(GraphError::bad_request("The request body is not valid UTF-8."));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(GraphError::bad_request("The request body must be a JSON object.")),
        Err(error) => {
            Err(GraphError::bad_request(format!("The request body is not valid JSON: {error}.")))
        }
    }
}

/// Finds the user a URL addresses and checks the caller may have `access` to them.
/// An unknown user, or one of another tenant, is a 404 (after the token is checked,
/// so a request without a valid token learns nothing).
pub fn resolve_user(
    call: &Call<'_>,
    user: &UserSegment,
    access: Access,
) -> Result<(Arc<User>, Caller), GraphError> {
    let state = call.state;
    match user {
        UserSegment::Me => {
            let caller = auth::authorize(state, call.headers, Target::Me, access)?;
            let Some(user_id) = caller.user_id.clone() else {
                return Err(GraphError::bad_request(
                    "/me request is only valid with delegated authentication flow.",
                ));
            };
            let user = state
                .store
                .user_by_id(&user_id)
                .ok_or_else(|| GraphError::user_not_found(&user_id))?;
            Ok((user, caller))
        }
        UserSegment::User(key) => match state.store.find_user(key) {
            Some(user) => {
                let caller =
                    auth::authorize(state, call.headers, Target::User(user.id.clone()), access)?;
                if caller.tenant_id != user.tenant_id {
                    return Err(GraphError::user_not_found(key));
                }
                Ok((user, caller))
            }
            None => {
                auth::authorize(state, call.headers, Target::Directory, Access::Read)?;
                Err(GraphError::user_not_found(key))
            }
        },
    }
}

/// Runs a store operation on the blocking pool: writes wait for their commit there.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, GraphError> + Send + 'static,
) -> Result<T, GraphError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|_| Err(GraphError::internal("a store operation failed")))
}

/// Logs a store failure and turns it into a 500.
pub fn store_failure(error: crate::store::StoreError) -> GraphError {
    tracing::warn!(%error, "store operation failed");
    GraphError::internal("storage")
}

impl From<crate::store::StoreError> for GraphError {
    fn from(error: crate::store::StoreError) -> Self {
        store_failure(error)
    }
}
