//! Library and ABI versions.

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
