//! Result codes: fixed numbers, grouped by where the failure came from.
//!
//! A number, once given out, keeps its meaning forever: codes are added, never
//! renumbered or reused.  The hundreds say the origin, so a host can branch on
//! `code / 100` when it only cares about the group.

use std::ffi::c_char;

use profile::ErrorKind;

/// The outcome of a `gp_` call.  `GP_OK` (0) is success; every other value is a failure
/// whose detail is in the thread's last error (`gp_last_error_*`).
///
/// Groups: 1xx the arguments given to the ABI; 2xx input the core refused before
/// sending; 3xx answers of the service; 4xx the connection and the call's life;
/// 9xx defects of the library itself.
#[allow(non_camel_case_types)]
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum gp_result {
    /// Success.
    GP_OK = 0,

    /// A required pointer argument was NULL.
    GP_ERR_NULL_ARGUMENT = 100,
    /// A string argument was not valid UTF-8.
    GP_ERR_INVALID_UTF8 = 101,
    /// A JSON argument did not parse, or had the wrong shape.
    GP_ERR_INVALID_JSON = 102,
    /// The facet name is none of the 19 collections.
    GP_ERR_UNKNOWN_FACET = 103,
    /// The handle is not a live one of the expected type (freed already, or never made).
    GP_ERR_INVALID_HANDLE = 104,
    /// An argument is larger than the ABI accepts (see `GP_MAX_JSON_BYTES`).
    GP_ERR_TOO_LARGE = 105,
    /// An argument is well-formed but not acceptable (an empty id, a bad log level).
    GP_ERR_INVALID_ARGUMENT = 106,
    /// The function is declared but not built yet.  Reserved; no released function
    /// returns it.
    GP_ERR_NOT_IMPLEMENTED = 107,
    /// A `gp_` function was called from inside a callback the library is running.
    GP_ERR_REENTRANT_CALL = 108,

    /// The core refused the input before sending it (`ErrorKind::Validation`); the
    /// message names `facet.field`.
    GP_ERR_VALIDATION = 200,
    /// The client configuration cannot work (`ErrorKind::Config`).
    GP_ERR_CONFIG = 201,

    /// 404: the user or the entry does not exist.
    GP_ERR_NOT_FOUND = 300,
    /// 401: no token, or one the service did not accept.
    GP_ERR_UNAUTHORIZED = 301,
    /// 403: the token lacks the permission.
    GP_ERR_FORBIDDEN = 302,
    /// 409 or 412: the entry changed or already exists.
    GP_ERR_CONFLICT = 303,
    /// 429 (or a throttling 503) that outlasted every retry.
    GP_ERR_THROTTLED = 304,
    /// Any other error answer of the service.
    GP_ERR_SERVICE = 305,
    /// 424 in a batch: a request this one depends on failed.
    GP_ERR_FAILED_DEPENDENCY = 306,

    /// The connection failed or broke.
    GP_ERR_TRANSPORT = 400,
    /// No answer in time.
    GP_ERR_TIMEOUT = 401,
    /// The call was cancelled through its `gp_cancel_token`.
    GP_ERR_CANCELLED = 402,

    /// A panic inside the library was caught at the boundary: a defect, please report it.
    GP_ERR_PANIC = 900,
    /// Any other defect of the library.
    GP_ERR_INTERNAL = 901,
}

impl gp_result {
    /// Every code, for the name table and its tests.
    pub(crate) const ALL: [gp_result; 24] = [
        gp_result::GP_OK,
        gp_result::GP_ERR_NULL_ARGUMENT,
        gp_result::GP_ERR_INVALID_UTF8,
        gp_result::GP_ERR_INVALID_JSON,
        gp_result::GP_ERR_UNKNOWN_FACET,
        gp_result::GP_ERR_INVALID_HANDLE,
        gp_result::GP_ERR_TOO_LARGE,
        gp_result::GP_ERR_INVALID_ARGUMENT,
        gp_result::GP_ERR_NOT_IMPLEMENTED,
        gp_result::GP_ERR_REENTRANT_CALL,
        gp_result::GP_ERR_VALIDATION,
        gp_result::GP_ERR_CONFIG,
        gp_result::GP_ERR_NOT_FOUND,
        gp_result::GP_ERR_UNAUTHORIZED,
        gp_result::GP_ERR_FORBIDDEN,
        gp_result::GP_ERR_CONFLICT,
        gp_result::GP_ERR_THROTTLED,
        gp_result::GP_ERR_SERVICE,
        gp_result::GP_ERR_FAILED_DEPENDENCY,
        gp_result::GP_ERR_TRANSPORT,
        gp_result::GP_ERR_TIMEOUT,
        gp_result::GP_ERR_CANCELLED,
        gp_result::GP_ERR_PANIC,
        gp_result::GP_ERR_INTERNAL,
    ];

    /// The code's name as in the header, NUL-terminated for `gp_result_name`.
    pub(crate) const fn name_nul(self) -> &'static str {
        match self {
            gp_result::GP_OK => "GP_OK\0",
            gp_result::GP_ERR_NULL_ARGUMENT => "GP_ERR_NULL_ARGUMENT\0",
            gp_result::GP_ERR_INVALID_UTF8 => "GP_ERR_INVALID_UTF8\0",
            gp_result::GP_ERR_INVALID_JSON => "GP_ERR_INVALID_JSON\0",
            gp_result::GP_ERR_UNKNOWN_FACET => "GP_ERR_UNKNOWN_FACET\0",
            gp_result::GP_ERR_INVALID_HANDLE => "GP_ERR_INVALID_HANDLE\0",
            gp_result::GP_ERR_TOO_LARGE => "GP_ERR_TOO_LARGE\0",
            gp_result::GP_ERR_INVALID_ARGUMENT => "GP_ERR_INVALID_ARGUMENT\0",
            gp_result::GP_ERR_NOT_IMPLEMENTED => "GP_ERR_NOT_IMPLEMENTED\0",
            gp_result::GP_ERR_REENTRANT_CALL => "GP_ERR_REENTRANT_CALL\0",
            gp_result::GP_ERR_VALIDATION => "GP_ERR_VALIDATION\0",
            gp_result::GP_ERR_CONFIG => "GP_ERR_CONFIG\0",
            gp_result::GP_ERR_NOT_FOUND => "GP_ERR_NOT_FOUND\0",
            gp_result::GP_ERR_UNAUTHORIZED => "GP_ERR_UNAUTHORIZED\0",
            gp_result::GP_ERR_FORBIDDEN => "GP_ERR_FORBIDDEN\0",
            gp_result::GP_ERR_CONFLICT => "GP_ERR_CONFLICT\0",
            gp_result::GP_ERR_THROTTLED => "GP_ERR_THROTTLED\0",
            gp_result::GP_ERR_SERVICE => "GP_ERR_SERVICE\0",
            gp_result::GP_ERR_FAILED_DEPENDENCY => "GP_ERR_FAILED_DEPENDENCY\0",
            gp_result::GP_ERR_TRANSPORT => "GP_ERR_TRANSPORT\0",
            gp_result::GP_ERR_TIMEOUT => "GP_ERR_TIMEOUT\0",
            gp_result::GP_ERR_CANCELLED => "GP_ERR_CANCELLED\0",
            gp_result::GP_ERR_PANIC => "GP_ERR_PANIC\0",
            gp_result::GP_ERR_INTERNAL => "GP_ERR_INTERNAL\0",
        }
    }

    /// The code's name without the terminator, for the error JSON.
    pub(crate) fn name(self) -> &'static str {
        self.name_nul().trim_end_matches('\0')
    }

    /// The code for a core error kind.  Every kind has its own code.
    pub(crate) const fn from_kind(kind: ErrorKind) -> gp_result {
        match kind {
            ErrorKind::Validation => gp_result::GP_ERR_VALIDATION,
            ErrorKind::Config => gp_result::GP_ERR_CONFIG,
            ErrorKind::NotFound => gp_result::GP_ERR_NOT_FOUND,
            ErrorKind::Unauthorized => gp_result::GP_ERR_UNAUTHORIZED,
            ErrorKind::Forbidden => gp_result::GP_ERR_FORBIDDEN,
            ErrorKind::Conflict => gp_result::GP_ERR_CONFLICT,
            ErrorKind::Throttled => gp_result::GP_ERR_THROTTLED,
            ErrorKind::Service => gp_result::GP_ERR_SERVICE,
            ErrorKind::FailedDependency => gp_result::GP_ERR_FAILED_DEPENDENCY,
            ErrorKind::Transport => gp_result::GP_ERR_TRANSPORT,
            ErrorKind::Timeout => gp_result::GP_ERR_TIMEOUT,
            ErrorKind::Cancelled => gp_result::GP_ERR_CANCELLED,
        }
    }
}

/// The name of a result code (`"GP_ERR_NOT_FOUND"`), or NULL for a number that is no code.
///
/// The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gp_result_name(code: i32) -> *const c_char {
    gp_result::ALL
        .iter()
        .find(|known| **known as i32 == code)
        .map_or(std::ptr::null(), |known| known.name_nul().as_ptr().cast())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::ffi::CStr;

    use super::*;

    #[test]
    fn numbers_are_the_ones_published() {
        // These numbers are part of the ABI: changing one breaks every host.
        assert_eq!(gp_result::GP_ERR_NULL_ARGUMENT as i32, 100);
        assert_eq!(gp_result::GP_ERR_VALIDATION as i32, 200);
        assert_eq!(gp_result::GP_ERR_NOT_FOUND as i32, 300);
        assert_eq!(gp_result::GP_ERR_CANCELLED as i32, 402);
        assert_eq!(gp_result::GP_ERR_PANIC as i32, 900);
    }

    #[test]
    fn every_code_has_a_distinct_number_and_its_own_name() {
        let numbers: HashSet<i32> = gp_result::ALL.iter().map(|code| *code as i32).collect();
        assert_eq!(numbers.len(), gp_result::ALL.len());
        for code in gp_result::ALL {
            let name = unsafe { CStr::from_ptr(gp_result_name(code as i32)) };
            assert_eq!(name.to_str().unwrap(), format!("{code:?}"));
        }
        assert!(gp_result_name(12345).is_null());
    }

    #[test]
    fn every_error_kind_maps_to_its_own_code() {
        let kinds = [
            ErrorKind::Validation,
            ErrorKind::NotFound,
            ErrorKind::Unauthorized,
            ErrorKind::Forbidden,
            ErrorKind::Conflict,
            ErrorKind::Throttled,
            ErrorKind::Service,
            ErrorKind::Transport,
            ErrorKind::Timeout,
            ErrorKind::Cancelled,
            ErrorKind::FailedDependency,
            ErrorKind::Config,
        ];
        let codes: HashSet<gp_result> = kinds.iter().map(|k| gp_result::from_kind(*k)).collect();
        assert_eq!(codes.len(), kinds.len());
    }
}
