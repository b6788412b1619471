//! Library and ABI versions, and the outstanding-object diagnostic.

use std::ffi::c_char;

/// The ABI version this header describes.  It grows when a function's signature or a
/// rule of the ABI changes incompatibly; adding functions or result codes keeps it.
/// A host compares `gp_abi_version()` with the value it was built against.
pub const GP_ABI_VERSION: u32 = 1;

/// The library's version, `"MAJOR.MINOR.PATCH"`.  Static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gp_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The ABI version the library implements (`GP_ABI_VERSION` of its own header).
#[unsafe(no_mangle)]
pub extern "C" fn gp_abi_version() -> u32 {
    GP_ABI_VERSION
}

/// How many strings, clients and cancellation tokens the library handed out that were
/// not freed yet.  A diagnostic for hosts' leak tests: these stay reachable from the
/// library's tables, so a leak checker would not report them.
#[unsafe(no_mangle)]
pub extern "C" fn gp_outstanding_count() -> usize {
    crate::strings::outstanding_count()
        + crate::client::CLIENTS.len()
        + crate::cancel::outstanding_count()
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    #[test]
    fn versions_are_readable() {
        let version = unsafe { CStr::from_ptr(gp_version()) }.to_str().unwrap();
        assert_eq!(version, env!("CARGO_PKG_VERSION"));
        assert_eq!(gp_abi_version(), GP_ABI_VERSION);
    }
}
