//! The one error type of the crate, with a kind every binding maps to its own shape.

use std::error::Error as StdError;
use std::fmt;

use serde_json::Value;

use crate::FacetKind;
use crate::validate::ValidationError;

/// What went wrong, coarse enough for a caller to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The input was refused before any request went out.  A 400 from the service is
    /// [`ErrorKind::Service`], with the status and Graph's code to branch on.
    Validation,
    /// 404: the user or the entry does not exist.
    NotFound,
    /// 401: no token, or one the service did not accept.
    Unauthorized,
    /// 403: the token lacks the permission.
    Forbidden,
    /// 409 or 412: the entry changed or already exists.
    Conflict,
    /// 429 that outlasted every retry.  A 503 that did is [`ErrorKind::Service`] with
    /// status 503 (Graph sends 503 for overload as well as for throttling).
    Throttled,
    /// Any other answer the service gave as an error.
    Service,
    /// The connection failed or broke.
    Transport,
    /// No answer in time.
    Timeout,
    /// The caller cancelled the operation.
    Cancelled,
    /// 424 in a batch: a request this one depends on failed.
    FailedDependency,
    /// The configuration cannot work (bad URL, token over plain http, missing setting).
    Config,
}

impl ErrorKind {
    /// The kind a failed HTTP status maps to.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            409 | 412 => ErrorKind::Conflict,
            424 => ErrorKind::FailedDependency,
            429 => ErrorKind::Throttled,
            _ => ErrorKind::Service,
        }
    }

    /// A stable lower-case name (`"not_found"`), for bindings and logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Validation => "validation",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Throttled => "throttled",
            ErrorKind::Service => "service",
            ErrorKind::Transport => "transport",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::FailedDependency => "failed_dependency",
            ErrorKind::Config => "config",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from any operation of the crate.
///
/// Boxed inside so that `Result<T, Error>` stays one pointer wide.
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Default)]
struct Inner {
    kind: Option<ErrorKind>,
    message: String,
    status: Option<u16>,
    code: Option<String>,
    request_id: Option<String>,
    client_request_id: Option<String>,
    facet: Option<FacetKind>,
    field: Option<String>,
    graph_error: Option<Value>,
    retry_after: Option<std::time::Duration>,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl Error {
    /// An error of `kind` with a message and nothing else.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind: Some(kind),
                message: message.into(),
                ..Inner::default()
            }),
        }
    }

    /// A configuration error.
    pub fn config(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config, message)
    }

    /// A validation error naming the facet (when known) and the field.
    pub fn validation(
        facet: Option<FacetKind>,
        field: impl Into<String>,
        reason: impl Into<String>,
    ) -> Error {
        let field = field.into();
        let reason = reason.into();
        let message = match facet {
            Some(facet) => format!("{facet}.{field}: {reason}"),
            None => format!("{field}: {reason}"),
        };
        let mut error = Error::new(ErrorKind::Validation, message);
        error.inner.facet = facet;
        error.inner.field = Some(field);
        error
    }

    /// The error for an HTTP answer that failed, from its status and body.
    ///
    /// Reads Graph's `{"error": {"code", "message", "innerError": {...}}}` when the
    /// body has it; a body without it (or `{"code":"UnknownError","message":""}`)
    /// still yields the status and the request id from the headers.
    pub fn from_response(status: u16, header_request_id: Option<&str>, body: &[u8]) -> Error {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let graph = json.as_ref().and_then(|value| value.get("error")).filter(|e| e.is_object());

        let text = |value: Option<&Value>, key: &str| {
            value
                .and_then(|v| v.get(key))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let inner_error = graph.and_then(|g| g.get("innerError").or_else(|| g.get("innererror")));
        let code = text(graph, "code");
        let graph_message = text(graph, "message");
        let request_id =
            header_request_id.map(str::to_owned).or_else(|| text(inner_error, "request-id"));
        let client_request_id = text(inner_error, "client-request-id");

        let mut message = format!("the service answered {status}");
        if let Some(code) = &code {
            message.push_str(&format!(" {code}"));
        }
        if let Some(graph_message) = &graph_message {
            message.push_str(&format!(": {graph_message}"));
        }

        let mut error = Error::new(ErrorKind::from_status(status), message);
        error.inner.status = Some(status);
        error.inner.code = code;
        error.inner.request_id = request_id;
        error.inner.client_request_id = client_request_id;
        error.inner.graph_error = graph.cloned();
        error
    }

    /// What went wrong, for matching.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind.unwrap_or(ErrorKind::Service)
    }

    /// The message, without the ids.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The HTTP status, when the service answered.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// Graph's error code (`Request_ResourceNotFound`), when it sent one.
    pub fn code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }

    /// The service's `request-id`, to quote to Microsoft support.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The `client-request-id` this client sent with the failed request.
    pub fn client_request_id(&self) -> Option<&str> {
        self.inner.client_request_id.as_deref()
    }

    /// The facet a validation error is about.
    pub fn facet(&self) -> Option<FacetKind> {
        self.inner.facet
    }

    /// The field a validation error is about.
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }

    /// The `error` object of Graph's answer, as sent.
    pub fn graph_error_json(&self) -> Option<&Value> {
        self.inner.graph_error.as_ref()
    }

    /// The wait the service's `Retry-After` asked for, when the failing answer had one
    /// (a 429 or 503 that outlasted the retries): callers pacing their own work use it.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.inner.retry_after
    }

    pub(crate) fn with_retry_after(mut self, wait: Option<std::time::Duration>) -> Error {
        self.inner.retry_after = wait;
        self
    }

    /// Appends a note to the message: `"...: gone (after the last retry)"`.
    pub(crate) fn with_note(mut self, note: &str) -> Error {
        self.inner.message = format!("{} ({note})", self.inner.message);
        self
    }

    pub(crate) fn with_client_request_id(mut self, id: &str) -> Error {
        self.inner.client_request_id = Some(id.to_owned());
        self
    }

    pub(crate) fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Error {
        self.inner.source = Some(Box::new(source));
        self
    }

    pub(crate) fn with_facet(mut self, facet: FacetKind) -> Error {
        self.inner.facet.get_or_insert(facet);
        self
    }

    /// The error for a failure of the HTTP stack, classified as timeout or transport.
    pub(crate) fn from_reqwest(error: reqwest::Error) -> Error {
        let kind = if error.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Transport };
        let message = match kind {
            ErrorKind::Timeout => "no answer from the service in time".to_owned(),
            _ => format!("the connection to the service failed: {}", describe_chain(&error)),
        };
        Error::new(kind, message).with_source(error)
    }
}

/// The error and its causes on one line, without the URL (which may name the user).
fn describe_chain(error: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut cause: Option<&(dyn StdError + 'static)> = error.source();
    while let Some(current) = cause {
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&current.to_string());
        cause = current.source();
    }
    if text.is_empty() { "connection error".to_owned() } else { text }
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Error {
        let facet = Some(error.facet);
        if error.field.is_empty() {
            let mut converted = Error::new(ErrorKind::Validation, error.to_string());
            converted.inner.facet = facet;
            converted
        } else {
            Error::validation(facet, error.field, error.reason)
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)?;
        if let Some(request_id) = &self.inner.request_id {
            write!(f, " (request-id {request_id}")?;
            if let Some(client_request_id) = &self.inner.client_request_id {
                write!(f, ", client-request-id {client_request_id}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind())
            .field("message", &self.inner.message)
            .field("status", &self.inner.status)
            .field("code", &self.inner.code)
            .field("request_id", &self.inner.request_id)
            .field("client_request_id", &self.inner.client_request_id)
            .field("facet", &self.inner.facet)
            .field("field", &self.inner.field)
            .finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner.source.as_deref().map(|source| source as &(dyn StdError + 'static))
    }
}

impl Clone for Error {
    /// Clones everything but the source chain, which is rendered into the message already.
    fn clone(&self) -> Error {
        let inner = &self.inner;
        Error {
            inner: Box::new(Inner {
                kind: inner.kind,
                message: inner.message.clone(),
                status: inner.status,
                code: inner.code.clone(),
                request_id: inner.request_id.clone(),
                client_request_id: inner.client_request_id.clone(),
                facet: inner.facet,
                field: inner.field.clone(),
                graph_error: inner.graph_error.clone(),
                retry_after: inner.retry_after,
                source: None,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_graph_error_body_gives_code_message_and_ids() {
        let body = br#"{"error":{"code":"Request_ResourceNotFound","message":"gone",
            "innerError":{"date":"2025-04-28T10:00:00","request-id":"r-1",
            "client-request-id":"c-1"}}}"#;
        let error = Error::from_response(404, None, body);
        assert_eq!(error.kind(), ErrorKind::NotFound);
        assert_eq!(error.code(), Some("Request_ResourceNotFound"));
        assert_eq!(error.request_id(), Some("r-1"));
        assert_eq!(error.client_request_id(), Some("c-1"));
        assert!(error.to_string().contains("gone"));
        assert!(error.graph_error_json().is_some());
    }

    #[test]
    fn an_unknown_error_with_an_empty_message_keeps_status_and_request_id() {
        let body = br#"{"error":{"code":"UnknownError","message":""}}"#;
        let error = Error::from_response(500, Some("r-9"), body);
        assert_eq!(error.kind(), ErrorKind::Service);
        assert_eq!(error.status(), Some(500));
        assert_eq!(error.code(), Some("UnknownError"));
        assert_eq!(error.request_id(), Some("r-9"));
        assert!(error.to_string().contains("500"));
    }

    #[test]
    fn a_body_that_is_not_json_still_gives_the_status() {
        let error = Error::from_response(503, None, b"<html>busy</html>");
        assert_eq!(error.status(), Some(503));
        assert_eq!(error.code(), None);
    }

    #[test]
    fn statuses_map_to_kinds() {
        let cases = [
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (409, ErrorKind::Conflict),
            (412, ErrorKind::Conflict),
            (424, ErrorKind::FailedDependency),
            (429, ErrorKind::Throttled),
            (400, ErrorKind::Service),
            (500, ErrorKind::Service),
        ];
        for (status, kind) in cases {
            assert_eq!(ErrorKind::from_status(status), kind, "status {status}");
        }
    }
}
