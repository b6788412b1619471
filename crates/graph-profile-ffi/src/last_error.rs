//! The error-detail protocol: a thread-local last error.
//!
//! Every `gp_` function that returns a `gp_result` first clears the calling thread's
//! last error, and on failure stores the detail there before returning.  The
//! `gp_last_error_*` accessors read it without changing it; the strings they return are
//! owned by the library and stay valid until the thread's next call of a function that
//! returns a `gp_result`.  Nothing is ever written to stderr.

use std::cell::RefCell;
use std::ffi::{CString, c_char};
use std::ptr;

use serde_json::{Map, Value, json};

use crate::result::gp_result;

/// A failure as the ABI reports it: the code, the message, and what the core knew.
#[derive(Debug, Clone)]
pub(crate) struct FfiError {
    pub(crate) code: gp_result,
    pub(crate) message: String,
    /// Present for failures of the core; boxed to keep `Result`s small.
    pub(crate) detail: Option<Box<CoreDetail>>,
}

/// The parts of a core error beyond its code and message.
#[derive(Debug, Clone, Default)]
pub(crate) struct CoreDetail {
    pub(crate) kind: &'static str,
    pub(crate) http_status: u16,
    pub(crate) graph_code: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) client_request_id: Option<String>,
    pub(crate) facet: Option<String>,
    pub(crate) field: Option<String>,
    pub(crate) graph_error: Option<Value>,
}

impl FfiError {
    /// A failure found by the ABI layer itself, with a message naming the problem.
    pub(crate) fn new(code: gp_result, message: impl Into<String>) -> FfiError {
        FfiError { code, message: message.into(), detail: None }
    }

    /// The HTTP status, or 0 when the service did not answer.
    pub(crate) fn http_status(&self) -> u16 {
        self.detail.as_ref().map_or(0, |detail| detail.http_status)
    }

    /// The detail as one JSON object, for hosts that prefer one string to six calls.
    pub(crate) fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("code".into(), json!(self.code as i32));
        object.insert("name".into(), json!(self.code.name()));
        object.insert("message".into(), json!(self.message));
        let Some(detail) = &self.detail else {
            return Value::Object(object);
        };

        object.insert("kind".into(), json!(detail.kind));
        if detail.http_status != 0 {
            object.insert("httpStatus".into(), json!(detail.http_status));
        }
        let optional = [
            ("graphCode", &detail.graph_code),
            ("requestId", &detail.request_id),
            ("clientRequestId", &detail.client_request_id),
            ("facet", &detail.facet),
            ("field", &detail.field),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                object.insert(key.into(), Value::String(value.clone()));
            }
        }
        if let Some(graph_error) = &detail.graph_error {
            object.insert("graphError".into(), graph_error.clone());
        }
        Value::Object(object)
    }
}

impl From<profile::Error> for FfiError {
    fn from(error: profile::Error) -> FfiError {
        let detail = CoreDetail {
            kind: error.kind().as_str(),
            http_status: error.status().unwrap_or(0),
            graph_code: error.code().map(str::to_owned),
            request_id: error.request_id().map(str::to_owned),
            client_request_id: error.client_request_id().map(str::to_owned),
            facet: error.facet().map(|facet| facet.collection().to_owned()),
            field: error.field().map(str::to_owned),
            graph_error: error.graph_error_json().cloned(),
        };
        FfiError {
            code: gp_result::from_kind(error.kind()),
            message: error.to_string(),
            detail: Some(Box::new(detail)),
        }
    }
}

/// The stored error with its strings already in C form, so accessors only lend pointers.
struct Stored {
    error: FfiError,
    message: CString,
    graph_code: Option<CString>,
    request_id: Option<CString>,
    client_request_id: Option<CString>,
    json: CString,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<Stored>> = const { RefCell::new(None) };
}

/// A C string from text that may hold NUL bytes (they are dropped: C could not see past them).
pub(crate) fn c_string_lossy(text: &str) -> CString {
    CString::new(text.replace('\0', "")).unwrap_or_default()
}

/// Stores `error` as the calling thread's last error.
pub(crate) fn set(error: FfiError) {
    let detail = error.detail.as_deref();
    let text = |part: fn(&CoreDetail) -> &Option<String>| {
        detail.and_then(|detail| part(detail).as_deref()).map(c_string_lossy)
    };
    let stored = Stored {
        message: c_string_lossy(&error.message),
        graph_code: text(|detail| &detail.graph_code),
        request_id: text(|detail| &detail.request_id),
        client_request_id: text(|detail| &detail.client_request_id),
        json: c_string_lossy(&error.to_json().to_string()),
        error,
    };
    LAST_ERROR.with(|slot| *slot.borrow_mut() = Some(stored));
}

/// Forgets the calling thread's last error.
pub(crate) fn clear() {
    // `try_with`: during thread teardown the slot may be gone already; nothing to clear then.
    let _ = LAST_ERROR.try_with(|slot| slot.borrow_mut().take());
}

/// Reads one part of the stored error.
fn read<T>(part: impl FnOnce(&Stored) -> T, none: T) -> T {
    LAST_ERROR.try_with(|slot| slot.borrow().as_ref().map(part)).ok().flatten().unwrap_or(none)
}

fn lend(text: Option<&CString>) -> *const c_char {
    text.map_or(ptr::null(), |text| text.as_ptr())
}

/// The code of the calling thread's last failure, or `GP_OK` when the last call succeeded.
#[unsafe(no_mangle)]
pub extern "C" fn gp_last_error_code() -> gp_result {
    read(|stored| stored.error.code, gp_result::GP_OK)
}

/// The message of the last failure, naming the problem (the argument, the field, the
/// service's answer), or NULL when there is none.  Borrowed: do not free.
#[unsafe(no_mangle)]
pub extern "C" fn gp_last_error_message() -> *const c_char {
    read(|stored| stored.message.as_ptr(), ptr::null())
}

/// Graph's error code of the last failure (`"Request_ResourceNotFound"`), or NULL when
/// the service sent none.  Borrowed: do not free.
#[unsafe(no_mangle)]
pub extern "C" fn gp_last_error_graph_code() -> *const c_char {
    read(|stored| lend(stored.graph_code.as_ref()), ptr::null())
}

/// The HTTP status of the last failure, or 0 when the service did not answer.
#[unsafe(no_mangle)]
pub extern "C" fn gp_last_error_http_status() -> u16 {
    read(|stored| stored.error.http_status(), 0)
}

/// The service's `request-id` of the last failure (quote it to Microsoft support), or
/// NULL.  Borrowed: do not free.
#[unsafe(no_mangle)]
pub extern "C" fn gp_last_error_request_id() -> *const c_char {
    read(|stored| lend(stored.request_id.as_ref()), ptr::null())
}

/// The `client-request-id` the library sent with the failed request, or NULL.
/// Borrowed: do not free.
#[unsafe(no_mangle)]
pub extern "C" fn gp_last_error_client_request_id() -> *const c_char {
    read(|stored| lend(stored.client_request_id.as_ref()), ptr::null())
}

/// The whole detail of the last failure as a JSON object, or NULL when there is none:
/// `code`, `name`, `message`, and when known `kind`, `httpStatus`, `graphCode`,
/// `requestId`, `clientRequestId`, `facet`, `field`, `graphError` (Graph's `error`
/// object as sent).  Borrowed: do not free.
#[unsafe(no_mangle)]
pub extern "C" fn gp_last_error_json() -> *const c_char {
    read(|stored| stored.json.as_ptr(), ptr::null())
}

/// Forgets the calling thread's last error.  Never fails.
#[unsafe(no_mangle)]
pub extern "C" fn gp_last_error_clear() {
    clear();
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    #[test]
    fn a_stored_error_is_readable_until_cleared_and_only_on_its_thread() {
        set(FfiError::new(gp_result::GP_ERR_INVALID_JSON, "argument 'x' is not JSON"));
        assert_eq!(gp_last_error_code(), gp_result::GP_ERR_INVALID_JSON);
        let message = unsafe { CStr::from_ptr(gp_last_error_message()) };
        assert_eq!(message.to_str().unwrap(), "argument 'x' is not JSON");
        assert!(gp_last_error_request_id().is_null());
        assert_eq!(gp_last_error_http_status(), 0);

        let json = unsafe { CStr::from_ptr(gp_last_error_json()) }.to_str().unwrap();
        let json: Value = serde_json::from_str(json).unwrap();
        assert_eq!(json["code"], 102);
        assert_eq!(json["name"], "GP_ERR_INVALID_JSON");

        let other = std::thread::spawn(|| gp_last_error_code()).join().unwrap();
        assert_eq!(other, gp_result::GP_OK);

        gp_last_error_clear();
        assert_eq!(gp_last_error_code(), gp_result::GP_OK);
        assert!(gp_last_error_message().is_null());
        assert!(gp_last_error_json().is_null());
    }

    #[test]
    fn a_core_error_keeps_status_code_and_ids() {
        let body = br#"{"error":{"code":"Request_ResourceNotFound","message":"gone",
            "innerError":{"request-id":"r-1","client-request-id":"c-1"}}}"#;
        let error = FfiError::from(profile::Error::from_response(404, None, body));
        assert_eq!(error.code, gp_result::GP_ERR_NOT_FOUND);
        assert_eq!(error.http_status(), 404);
        let json = error.to_json();
        assert_eq!(json["graphCode"], "Request_ResourceNotFound");
        assert_eq!(json["requestId"], "r-1");
        assert_eq!(json["clientRequestId"], "c-1");
        assert_eq!(json["kind"], "not_found");
        assert!(json["graphError"].is_object());
    }
}
