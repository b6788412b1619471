//! Cancellation tokens: cancel a running call from another thread.

use tokio_util::sync::CancellationToken;

use crate::guard::{FfiResult, Out, guard};
use crate::handles::HandleTable;
use crate::result::gp_result;

/// A cancellation token.  Pass it to any number of calls, on any threads; cancelling it
/// (from any thread) makes every running and later call given it return
/// `GP_ERR_CANCELLED` promptly.  Once cancelled it stays cancelled: make a new one.
#[allow(non_camel_case_types)]
pub struct gp_cancel_token {
    _opaque: [u8; 0],
}

static TOKENS: HandleTable<CancellationToken, gp_cancel_token> =
    HandleTable::new("gp_cancel_token");

/// How many tokens are live.
pub(crate) fn outstanding_count() -> usize {
    TOKENS.len()
}

/// The token behind an optional handle argument: NULL means the call cannot be cancelled.
pub(crate) fn optional_token(
    token: *const gp_cancel_token,
    name: &str,
) -> FfiResult<Option<CancellationToken>> {
    if token.is_null() {
        return Ok(None);
    }
    TOKENS.get(token, name).map(|token| Some((*token).clone()))
}

/// Makes a new, uncancelled token in `*out_token`; free it with `gp_cancel_token_free`.
///
/// # Safety
/// `out_token` is NULL (an error) or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_cancel_token_new(out_token: *mut *mut gp_cancel_token) -> gp_result {
    guard("gp_cancel_token_new", || {
        let out = Out::new(out_token, "out_token")?;
        // SAFETY: `out` was checked non-NULL; the caller promises it is writable.
        unsafe { out.write(TOKENS.insert(CancellationToken::new())) };
        Ok(())
    })
}

/// Cancels the token: calls running with it stop and return `GP_ERR_CANCELLED`.
/// Safe to call from any thread, and more than once.
#[unsafe(no_mangle)]
pub extern "C" fn gp_cancel_token_cancel(token: *const gp_cancel_token) -> gp_result {
    guard("gp_cancel_token_cancel", || {
        TOKENS.get(token, "token")?.cancel();
        Ok(())
    })
}

/// Writes whether the token was cancelled to `*out_cancelled`.
///
/// # Safety
/// `out_cancelled` is NULL (an error) or valid for writing one `bool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gp_cancel_token_is_cancelled(
    token: *const gp_cancel_token,
    out_cancelled: *mut bool,
) -> gp_result {
    guard("gp_cancel_token_is_cancelled", || {
        let out = Out::new(out_cancelled, "out_cancelled")?;
        let cancelled = TOKENS.get(token, "token")?.is_cancelled();
        // SAFETY: `out` was checked non-NULL; the caller promises it is writable.
        unsafe { out.write(cancelled) };
        Ok(())
    })
}

/// Frees the token.  NULL is harmless; a token freed already gives
/// `GP_ERR_INVALID_HANDLE`.  Freeing does not cancel: calls running with it go on, and
/// can then no longer be cancelled.  Free a token after the calls given it returned.
#[unsafe(no_mangle)]
pub extern "C" fn gp_cancel_token_free(token: *mut gp_cancel_token) -> gp_result {
    guard("gp_cancel_token_free", || {
        if !token.is_null() {
            TOKENS.remove(token, "token")?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_cancels_once_and_frees_once() {
        let mut token = std::ptr::null_mut();
        assert_eq!(unsafe { gp_cancel_token_new(&mut token) }, gp_result::GP_OK);
        let mut cancelled = true;
        assert_eq!(unsafe { gp_cancel_token_is_cancelled(token, &mut cancelled) }, {
            gp_result::GP_OK
        });
        assert!(!cancelled);

        let inner = optional_token(token, "cancel").unwrap().unwrap();
        assert_eq!(gp_cancel_token_cancel(token), gp_result::GP_OK);
        assert_eq!(gp_cancel_token_cancel(token), gp_result::GP_OK);
        assert!(inner.is_cancelled());

        assert_eq!(gp_cancel_token_free(token), gp_result::GP_OK);
        assert_eq!(gp_cancel_token_free(token), gp_result::GP_ERR_INVALID_HANDLE);
        assert_eq!(gp_cancel_token_cancel(token), gp_result::GP_ERR_INVALID_HANDLE);
        assert_eq!(gp_cancel_token_free(std::ptr::null_mut()), gp_result::GP_OK);
        assert!(optional_token(std::ptr::null(), "cancel").unwrap().is_none());
    }
}
