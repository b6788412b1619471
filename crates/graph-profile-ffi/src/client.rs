//! Clients: made from `ClientConfig` JSON plus the host's callbacks, and freed.

use std::ffi::{c_char, c_void};
use std::sync::{Arc, Mutex};

use crate::backend::{Backend, HostCallbacks};
use crate::guard::{FfiResult, Out, forbid_in_callback, guard, json_text_arg, str_arg};
use crate::handles::HandleTable;
use crate::last_error::FfiError;
use crate::result::gp_result;

/// A client: one configuration and sign-in, a connection pool, and a runtime.
///
/// May be used from many threads at once: every function taking a `const gp_client *`
/// is thread-safe.  Free it once with `gp_client_free` after every call using it has
/// returned (a call still running keeps it alive until it returns).
#[allow(non_camel_case_types)]
pub struct gp_client {
    _opaque: [u8; 0],
}

/// Where a token callback puts its answer.  Valid only during the callback that was
/// given it; using it afterwards gives `GP_ERR_INVALID_HANDLE`.
#[allow(non_camel_case_types)]
pub struct gp_token_sink {
    _opaque: [u8; 0],
}

/// Supplies a bearer token when the configuration says `"auth": {"type": "callback"}`.
///
/// Called before requests, on one of the library's threads, possibly on several at
/// once.  It answers by calling `gp_token_sink_set_token` (or `gp_token_sink_set_error`)
/// on `sink` before returning; an unanswered call fails the request with
/// `GP_ERR_UNAUTHORIZED`.  It must not call other `gp_` functions.
#[allow(non_camel_case_types)]
pub type gp_token_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, sink: *mut gp_token_sink)>;

/// Shows a device code sign-in prompt when the configuration says
/// `"auth": {"type": "deviceCode", ...}`.  `prompt_json` is
/// `{"message", "userCode", "verificationUri", "expiresInSeconds"}`, valid during the
/// call.  Called on one of the library's threads; it must not call other `gp_` functions.
#[allow(non_camel_case_types)]
pub type gp_device_code_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, prompt_json: *const c_char)>;

pub(crate) static CLIENTS: HandleTable<Backend, gp_client> = HandleTable::new("gp_client");

/// What a token callback answered.
pub(crate) type SinkAnswer = Mutex<Option<Result<String, String>>>;

pub(crate) static SINKS: HandleTable<SinkAnswer, gp_token_sink> = HandleTable::new("gp_token_sink");

/// Makes a client from a `ClientConfig` JSON object (see the README) in `*out_client`.
///
/// `config_json`: required.  `token_callback`: required when `auth.type` is
/// `"callback"`, else ignored (may be NULL).  `device_code_callback`: required when
/// `auth.type` is `"deviceCode"`, else ignored.  `user_data`: passed back to both
/// callbacks, never read; may be NULL.  The callbacks and `user_data` must stay valid
/// until `gp_client_free` returns.  No request is made here; sign-in happens on the
/// first call.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string; `out_client` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_client_new(
    config_json: *const c_char,
    token_callback: gp_token_callback,
    device_code_callback: gp_device_code_callback,
    user_data: *mut c_void,
    out_client: *mut *mut gp_client,
) -> gp_result {
    guard("gp_client_new", || {
        forbid_in_callback("gp_client_new")?;
        let out = Out::new(out_client, "out_client")?;
        // SAFETY: the caller promises a NUL-terminated string or NULL.
        let config = unsafe { json_text_arg(config_json, "config_json") }?;
        let callbacks = HostCallbacks { token_callback, device_code_callback, user_data };

        let backend = Backend::new(config, callbacks)?;
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { out.write(CLIENTS.insert(backend)) };
        Ok(())
    })
}

/// Frees a client.  NULL is harmless; a client freed already gives
/// `GP_ERR_INVALID_HANDLE` and changes nothing.  Calls still running on other threads
/// finish first; the client's threads stop when the last one returns.
#[unsafe(no_mangle)]
pub extern "C" fn gp_client_free(client: *mut gp_client) -> gp_result {
    guard("gp_client_free", || {
        if client.is_null() {
            return Ok(());
        }
        forbid_in_callback("gp_client_free")?;
        drop(CLIENTS.remove(client, "client")?);
        Ok(())
    })
}

/// Answers a token callback with a bearer token (copied).
///
/// # Safety
/// `token` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_token_sink_set_token(
    sink: *mut gp_token_sink,
    token: *const c_char,
) -> gp_result {
    guard("gp_token_sink_set_token", || {
        let answer = SINKS.get(sink, "sink")?;
        // SAFETY: the caller promises a NUL-terminated string or NULL.
        let token = unsafe { str_arg(token, "token", crate::guard::GP_MAX_JSON_BYTES) }?;
        answer_sink(&answer, Ok(token.to_owned()))
    })
}

/// Answers a token callback with a failure: the request fails with
/// `GP_ERR_UNAUTHORIZED` and this message.
///
/// # Safety
/// `message` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_token_sink_set_error(
    sink: *mut gp_token_sink,
    message: *const c_char,
) -> gp_result {
    guard("gp_token_sink_set_error", || {
        let answer = SINKS.get(sink, "sink")?;
        // SAFETY: the caller promises a NUL-terminated string or NULL.
        let message = unsafe { str_arg(message, "message", crate::guard::GP_MAX_NAME_BYTES) }?;
        answer_sink(&answer, Err(message.to_owned()))
    })
}

fn answer_sink(answer: &Arc<SinkAnswer>, value: Result<String, String>) -> FfiResult<()> {
    let mut slot = answer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if slot.is_some() {
        return Err(FfiError::new(
            gp_result::GP_ERR_INVALID_ARGUMENT,
            "argument 'sink' was answered already in this callback",
        ));
    }
    *slot = Some(value);
    Ok(())
}
