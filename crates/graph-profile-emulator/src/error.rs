//! The one error type every part of the emulator answers with, rendered as Graph's
//! error JSON: `{"error": {"code", "message", "target"?, "innerError": {"date",
//! "request-id", "client-request-id"}}}`.
//!
//! A handler returns a [`GraphError`]; its `IntoResponse` leaves the error in the
//! response's extensions and [`request_ids_middleware`] writes the body with the
//! request's ids, so no handler needs to carry the ids around.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The content type Graph answers JSON with.
pub const GRAPH_JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;\
     charset=utf-8";

/// A Graph-shaped error: HTTP status, Graph error `code`, human `message`, and the
/// field it is about (`target`) when there is one.
#[derive(Debug, Clone)]
pub struct GraphError {
    pub status: StatusCode,
    /// Graph's error code (`Request_ResourceNotFound`, `BadRequest`, ...): callers branch on it.
    pub code: String,
    pub message: String,
    /// The field or query option at fault, as OData's `target`.
    pub target: Option<String>,
    /// Extra response headers, such as `Retry-After`.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl GraphError {
    /// An error with the given status, code and message.
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> Self {
        GraphError {
            status,
            code: code.into(),
            message: message.into(),
            target: None,
            headers: Vec::new(),
        }
    }

    /// 400 `BadRequest`: a malformed URL, query option or body.
    pub fn bad_request(message: impl Into<String>) -> Self {
        GraphError::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// 400 `invalidRequest` about one field of a body, named in `target` and the message.
    pub fn invalid_field(field: &str, reason: impl std::fmt::Display) -> Self {
        GraphError::new(
            StatusCode::BAD_REQUEST,
            "invalidRequest",
            format!("Invalid value for property '{field}': {reason}"),
        )
        .with_target(field)
    }

    /// 404 for a user that does not exist (or lives in another tenant).
    pub fn user_not_found(user: &str) -> Self {
        GraphError::new(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            format!(
                "Resource '{user}' does not exist or one of its queried reference-property \
                     objects are not present."
            ),
        )
    }

    /// 404 for an entry that does not exist.
    pub fn entry_not_found(facet: &str, id: &str) -> Self {
        GraphError::new(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            format!("The {facet} entry '{id}' was not found."),
        )
    }

    /// 500: the store failed.  The detail goes to the log, not to the caller.
    pub fn internal(context: &str) -> Self {
        GraphError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "generalException",
            format!("An internal error occurred ({context})."),
        )
    }

    /// The same error, about `target`.
    pub fn with_target(mut self, target: &str) -> Self {
        self.target = Some(target.to_owned());
        self
    }

    /// The same error with one more response header (`Retry-After`, ...).
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The JSON body, with the request's ids.
    pub fn body(&self, ids: &RequestIds) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(target) = &self.target {
            error["target"] = json!(target);
        }
        error["innerError"] = json!({
            "date": ids.date,
            "request-id": ids.request_id,
            "client-request-id": ids.client_request_id,
        });
        json!({ "error": error })
    }

    /// The full response, with the request's ids.
    pub fn to_response(&self, ids: &RequestIds) -> Response {
        let mut response = (self.status, json_body(&self.body(ids))).into_response();
        let headers = response.headers_mut();
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        ids.write_headers(headers);
        response
    }
}

impl std::fmt::Display for GraphError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.message)
    }
}

impl std::error::Error for GraphError {}

impl IntoResponse for GraphError {
    /// Renders with placeholder ids and leaves the error in the extensions, so the
    /// request-id middleware can render it again with the real ones.
    fn into_response(self) -> Response {
        let mut response = self.to_response(&RequestIds::placeholder());
        response.extensions_mut().insert(self);
        response
    }
}

/// A JSON body with Graph's content type.
pub fn json_body(value: &Value) -> Response {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    ([(CONTENT_TYPE, HeaderValue::from_static(GRAPH_JSON))], bytes).into_response()
}

/// The ids Graph puts on every answer: its own `request-id`, the caller's
/// `client-request-id` (or the request id when none was sent) and the date.
#[derive(Debug, Clone)]
pub struct RequestIds {
    pub request_id: String,
    pub client_request_id: String,
    /// When the request arrived, `2025-04-28T10:11:12` as in Graph's `innerError`.
    pub date: String,
}

impl RequestIds {
    /// Fresh ids for a request carrying `headers`.
    pub fn for_headers(headers: &HeaderMap) -> Self {
        let request_id = uuid::Uuid::new_v4().to_string();
        let client_request_id = headers
            .get("client-request-id")
            .and_then(|value| value.to_str().ok())
            .filter(|value| !value.is_empty() && value.len() <= 200)
            .map_or_else(|| request_id.clone(), str::to_owned);
        let now = time::OffsetDateTime::now_utc();
        let date = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second()
        );
        RequestIds { request_id, client_request_id, date }
    }

    fn placeholder() -> Self {
        RequestIds {
            request_id: String::new(),
            client_request_id: String::new(),
            date: String::new(),
        }
    }

    /// Sets `request-id` and `client-request-id` on a response.
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        for (name, value) in
            [("request-id", &self.request_id), ("client-request-id", &self.client_request_id)]
        {
            if let Ok(value) = HeaderValue::from_str(value) {
                if !value.is_empty() {
                    headers.insert(name, value);
                }
            }
        }
    }
}

/// Gives every request its [`RequestIds`] (in the request's extensions), puts them on
/// the response, and renders a [`GraphError`] left by an inner layer with them.
pub async fn request_ids_middleware(mut request: Request, next: Next) -> Response {
    let ids = RequestIds::for_headers(request.headers());
    request.extensions_mut().insert(ids.clone());

    let mut response = next.run(request).await;

    if let Some(error) = response.extensions_mut().remove::<GraphError>() {
        let body = serde_json::to_vec(&error.body(&ids)).unwrap_or_default();
        response.headers_mut().remove(CONTENT_LENGTH);
        *response.body_mut() = Body::from(body);
    }
    ids.write_headers(response.headers_mut());
    response
}
