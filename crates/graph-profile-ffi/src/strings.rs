//! Strings the library hands to the host, and `gp_string_free`.
//!
//! Every string returned through an out-parameter is allocated here and recorded in
//! a set of outstanding strings, so `gp_string_free` can refuse a pointer it did not
//! hand out, or one freed already, instead of corrupting the heap.

use std::collections::BTreeSet;
use std::ffi::{CString, c_char};
use std::sync::Mutex;

use serde::Serialize;

use crate::guard::{FfiResult, guard};
use crate::last_error::{FfiError, c_string_lossy};
use crate::result::gp_result;

/// Addresses of the strings handed out and not yet freed.
static OUTSTANDING: Mutex<BTreeSet<usize>> = Mutex::new(BTreeSet::new());

fn outstanding() -> std::sync::MutexGuard<'static, BTreeSet<usize>> {
    OUTSTANDING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Hands `text` to the host as a string it must free with `gp_string_free`.
pub(crate) fn hand_out(text: &str) -> *mut c_char {
    let pointer = c_string_lossy(text).into_raw();
    outstanding().insert(pointer.addr());
    pointer
}

/// Serialises `value` as JSON and hands it out.
pub(crate) fn hand_out_json(value: &impl Serialize) -> FfiResult<*mut c_char> {
    let text = serde_json::to_string(value).map_err(|error| {
        FfiError::new(gp_result::GP_ERR_INTERNAL, format!("could not write the JSON: {error}"))
    })?;
    Ok(hand_out(&text))
}

/// How many returned strings the host has not freed yet.
pub(crate) fn outstanding_count() -> usize {
    outstanding().len()
}

/// Frees a string the library returned.  NULL is harmless (`GP_OK`); a pointer the
/// library did not hand out, or freed already, is left alone and gives
/// `GP_ERR_INVALID_HANDLE`.
///
/// # Safety
/// `text` is NULL or any pointer; only pointers this library returned are freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_string_free(text: *mut c_char) -> gp_result {
    guard("gp_string_free", || {
        if text.is_null() {
            return Ok(());
        }
        if !outstanding().remove(&text.addr()) {
            return Err(FfiError::new(
                gp_result::GP_ERR_INVALID_HANDLE,
                "argument 'text' is not a string returned by this library, or was freed already",
            ));
        }
        // SAFETY: the address was produced by `CString::into_raw` in `hand_out` and has
        // just been taken out of the set, so it is freed once.
        drop(unsafe { CString::from_raw(text) });
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_is_freed_once_and_a_foreign_pointer_never() {
        let text = hand_out("[1,2]");
        assert_eq!(unsafe { gp_string_free(text) }, gp_result::GP_OK);
        assert_eq!(unsafe { gp_string_free(text) }, gp_result::GP_ERR_INVALID_HANDLE);
        assert_eq!(unsafe { gp_string_free(std::ptr::null_mut()) }, gp_result::GP_OK);

        let mut foreign = *b"abc\0";
        let code = unsafe { gp_string_free(foreign.as_mut_ptr().cast()) };
        assert_eq!(code, gp_result::GP_ERR_INVALID_HANDLE);
    }
}
