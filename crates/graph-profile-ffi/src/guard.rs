//! The one wrapper every export goes through, and the checked readers of its arguments.
//!
//! `guard` clears the thread's last error, runs the body under `catch_unwind` so no
//! panic crosses the boundary, and turns an `Err` into its result code plus the stored
//! detail.  The argument readers check each pointer, size, encoding and JSON shape and
//! name the argument in their message.

use std::any::Any;
use std::cell::Cell;
use std::cell::RefCell;
use std::ffi::{CStr, c_char};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use profile::FacetKind;
use serde::de::DeserializeOwned;

use crate::last_error::{self, FfiError};
use crate::result::gp_result;

/// The largest JSON argument accepted, in bytes (4 MiB, Graph's own request limit).
pub const GP_MAX_JSON_BYTES: usize = 4 * 1024 * 1024;

/// The largest name-like argument accepted (user, facet, entry id), in bytes.
pub const GP_MAX_NAME_BYTES: usize = 4096;

pub(crate) type FfiResult<T> = Result<T, FfiError>;

thread_local! {
    /// How deep this thread is inside `guard`: the panic hook stays quiet there.
    static GUARD_DEPTH: Cell<u32> = const { Cell::new(0) };
    /// How deep this thread is inside a host callback run by the library.
    static CALLBACK_DEPTH: Cell<u32> = const { Cell::new(0) };
    /// The message and place of the last panic caught on this thread.
    static PANIC_TEXT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs an export's body: clears the last error, catches panics, stores any failure.
pub(crate) fn guard(function: &'static str, body: impl FnOnce() -> FfiResult<()>) -> gp_result {
    last_error::clear();
    install_panic_hook();

    GUARD_DEPTH.with(|depth| depth.set(depth.get() + 1));
    let outcome = panic::catch_unwind(AssertUnwindSafe(body));
    GUARD_DEPTH.with(|depth| depth.set(depth.get() - 1));

    let error = match outcome {
        Ok(Ok(())) => return gp_result::GP_OK,
        Ok(Err(error)) => error,
        Err(payload) => {
            let text = PANIC_TEXT
                .with(|slot| slot.borrow_mut().take())
                .unwrap_or_else(|| payload_text(payload.as_ref()));
            FfiError::new(
                gp_result::GP_ERR_PANIC,
                format!("internal error in {function} (a library defect, please report): {text}"),
            )
        }
    };
    let code = error.code;
    last_error::set(error);
    code
}

/// Refuses a blocking call made from inside a host callback the library is running: the
/// callback runs on one of the library's own threads, and blocking there could deadlock.
pub(crate) fn forbid_in_callback(function: &str) -> FfiResult<()> {
    if CALLBACK_DEPTH.with(Cell::get) > 0 {
        return Err(FfiError::new(
            gp_result::GP_ERR_REENTRANT_CALL,
            format!("{function} was called from inside a callback; call it after it returns"),
        ));
    }
    Ok(())
}

/// Runs a host callback, marking the thread so that re-entry is refused and a panic
/// (which a C callback cannot raise, but a test closure could) stays inside.
pub(crate) fn in_callback<T>(call: impl FnOnce() -> T) -> T {
    CALLBACK_DEPTH.with(|depth| depth.set(depth.get() + 1));
    let value = call();
    CALLBACK_DEPTH.with(|depth| depth.set(depth.get() - 1));
    value
}

/// Installs, once, a panic hook that records panics inside `guard` instead of printing
/// them (the host owns stderr); panics elsewhere go to the previous hook.
fn install_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARD_DEPTH.try_with(Cell::get).unwrap_or(0) == 0 {
                previous(info);
                return;
            }
            let place = info
                .location()
                .map(|at| format!(" at {}:{}", at.file(), at.line()))
                .unwrap_or_default();
            let text = format!("{}{place}", payload_text(info.payload()));
            let _ = PANIC_TEXT.try_with(|slot| *slot.borrow_mut() = Some(text));
        }));
    });
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic with a non-text payload".to_owned()
    }
}

/// A required NUL-terminated UTF-8 string argument of at most `limit` bytes.
///
/// # Safety
/// `pointer` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn str_arg<'a>(
    pointer: *const c_char,
    name: &str,
    limit: usize,
) -> FfiResult<&'a str> {
    if pointer.is_null() {
        return Err(null_argument(name));
    }
    // SAFETY: non-NULL, and the caller promises a NUL-terminated string.
    let bytes = unsafe { CStr::from_ptr(pointer) }.to_bytes();
    if bytes.len() > limit {
        return Err(FfiError::new(
            gp_result::GP_ERR_TOO_LARGE,
            format!("argument '{name}' is {} bytes; the limit is {limit}", bytes.len()),
        ));
    }
    std::str::from_utf8(bytes).map_err(|error| {
        FfiError::new(
            gp_result::GP_ERR_INVALID_UTF8,
            format!(
                "argument '{name}' is not valid UTF-8 (bad byte at offset {})",
                error.valid_up_to()
            ),
        )
    })
}

/// An optional string argument: NULL gives `None`.
///
/// # Safety
/// As for [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(
    pointer: *const c_char,
    name: &str,
    limit: usize,
) -> FfiResult<Option<&'a str>> {
    if pointer.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    unsafe { str_arg(pointer, name, limit) }.map(Some)
}

/// A name-like string argument (user, entry id) that must not be empty either.
///
/// # Safety
/// As for [`str_arg`].
pub(crate) unsafe fn name_arg<'a>(pointer: *const c_char, name: &str) -> FfiResult<&'a str> {
    // SAFETY: forwarded from the caller.
    let text = unsafe { str_arg(pointer, name, GP_MAX_NAME_BYTES) }?;
    if text.trim().is_empty() {
        return Err(FfiError::new(
            gp_result::GP_ERR_INVALID_ARGUMENT,
            format!("argument '{name}' is empty"),
        ));
    }
    Ok(text)
}

/// A facet name argument, parsed.
///
/// # Safety
/// As for [`str_arg`].
pub(crate) unsafe fn facet_arg(pointer: *const c_char, name: &str) -> FfiResult<FacetKind> {
    // SAFETY: forwarded from the caller.
    let text = unsafe { str_arg(pointer, name, GP_MAX_NAME_BYTES) }?;
    text.parse::<FacetKind>().map_err(|unknown| {
        FfiError::new(gp_result::GP_ERR_UNKNOWN_FACET, format!("argument '{name}': {unknown}"))
    })
}

/// Parses JSON text given in argument `name` into `T`, naming the argument on failure.
pub(crate) fn parse_json<T: DeserializeOwned>(text: &str, name: &str) -> FfiResult<T> {
    serde_json::from_str(text).map_err(|error| {
        let what = if error.is_data() { "has the wrong shape" } else { "is not valid JSON" };
        FfiError::new(gp_result::GP_ERR_INVALID_JSON, format!("argument '{name}' {what}: {error}"))
    })
}

/// A required JSON argument as text, checked for size and encoding but not parsed.
///
/// # Safety
/// As for [`str_arg`].
pub(crate) unsafe fn json_text_arg<'a>(pointer: *const c_char, name: &str) -> FfiResult<&'a str> {
    // SAFETY: forwarded from the caller.
    unsafe { str_arg(pointer, name, GP_MAX_JSON_BYTES) }
}

/// A required JSON argument, parsed into `T`.
///
/// # Safety
/// As for [`str_arg`].
pub(crate) unsafe fn json_arg<T: DeserializeOwned>(
    pointer: *const c_char,
    name: &str,
) -> FfiResult<T> {
    // SAFETY: forwarded from the caller.
    let text = unsafe { str_arg(pointer, name, GP_MAX_JSON_BYTES) }?;
    parse_json(text, name)
}

/// An optional JSON argument: NULL gives `None`.
///
/// # Safety
/// As for [`str_arg`].
pub(crate) unsafe fn opt_json_arg<T: DeserializeOwned>(
    pointer: *const c_char,
    name: &str,
) -> FfiResult<Option<T>> {
    // SAFETY: forwarded from the caller.
    match unsafe { opt_str_arg(pointer, name, GP_MAX_JSON_BYTES) }? {
        Some(text) => parse_json(text, name).map(Some),
        None => Ok(None),
    }
}

/// An out-parameter, checked before any work so that a NULL one costs nothing.
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    /// Checks that `pointer` is not NULL.
    pub(crate) fn new(pointer: *mut T, name: &str) -> FfiResult<Out<T>> {
        if pointer.is_null() { Err(null_argument(name)) } else { Ok(Out(pointer)) }
    }

    /// Writes the value: the only write, made on success.
    ///
    /// # Safety
    /// The pointer given to `new` is valid for a write of `T`.
    pub(crate) unsafe fn write(self, value: T) {
        // SAFETY: checked non-NULL in `new`; validity is the caller's promise.
        unsafe { self.0.write(value) }
    }
}

pub(crate) fn null_argument(name: &str) -> FfiError {
    FfiError::new(gp_result::GP_ERR_NULL_ARGUMENT, format!("argument '{name}' is NULL"))
}

#[cfg(test)]
mod tests {
    use std::ffi::CString;

    use super::*;
    use crate::last_error::gp_last_error_code;

    #[test]
    fn a_panic_becomes_a_code_and_a_message_not_an_abort() {
        let code = guard("gp_test", || panic!("boom"));
        assert_eq!(code, gp_result::GP_ERR_PANIC);
        assert_eq!(gp_last_error_code(), gp_result::GP_ERR_PANIC);
        let message = unsafe { CStr::from_ptr(crate::last_error::gp_last_error_message()) };
        assert!(message.to_str().unwrap().contains("boom"));
        assert!(message.to_str().unwrap().contains("gp_test"));
    }

    #[test]
    fn success_clears_an_earlier_failure() {
        guard("gp_test", || Err(FfiError::new(gp_result::GP_ERR_INTERNAL, "x")));
        assert_eq!(gp_last_error_code(), gp_result::GP_ERR_INTERNAL);
        assert_eq!(guard("gp_test", || Ok(())), gp_result::GP_OK);
        assert_eq!(gp_last_error_code(), gp_result::GP_OK);
    }

    #[test]
    fn string_arguments_are_checked_for_null_size_and_encoding() {
        let err = unsafe { str_arg(std::ptr::null(), "user", 10) }.unwrap_err();
        assert_eq!(err.code, gp_result::GP_ERR_NULL_ARGUMENT);
        assert!(err.message.contains("'user'"));

        let long = CString::new("x".repeat(11)).unwrap();
        let err = unsafe { str_arg(long.as_ptr(), "id", 10) }.unwrap_err();
        assert_eq!(err.code, gp_result::GP_ERR_TOO_LARGE);

        let bad = CString::new(vec![b'a', 0xff, b'b']).unwrap();
        let err = unsafe { str_arg(bad.as_ptr(), "facet", 10) }.unwrap_err();
        assert_eq!(err.code, gp_result::GP_ERR_INVALID_UTF8);
        assert!(err.message.contains("offset 1"));
    }

    #[test]
    fn json_and_facet_arguments_name_the_problem() {
        let err = parse_json::<serde_json::Value>("{\"a\":", "draft_json").unwrap_err();
        assert_eq!(err.code, gp_result::GP_ERR_INVALID_JSON);
        assert!(err.message.contains("'draft_json' is not valid JSON"));

        let err = parse_json::<Vec<String>>("{}", "select").unwrap_err();
        assert!(err.message.contains("wrong shape"));

        let badges = CString::new("badges").unwrap();
        let err = unsafe { facet_arg(badges.as_ptr(), "facet") }.unwrap_err();
        assert_eq!(err.code, gp_result::GP_ERR_UNKNOWN_FACET);
        assert!(err.message.contains("badges"));
    }
}
