//! Handles: opaque numbers the host holds, looked up in a table of live objects.
//!
//! A handle is never dereferenced.  Its value is a number drawn once from a counter
//! shared by every handle type, so a handle that was freed, one of another type, or
//! one the library never made is not in the table and gives `GP_ERR_INVALID_HANDLE`
//! instead of a use after free.  Numbers are never reused within a process.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::guard::{FfiResult, null_argument};
use crate::last_error::FfiError;
use crate::result::gp_result;

/// The next handle number.  Starts high and steps by 16 so that handles look like
/// aligned pointers to tools that inspect them, and small integers are never valid.
static NEXT_HANDLE: AtomicUsize = AtomicUsize::new(0x10_0000);

/// The live objects behind one handle type `H`.
pub(crate) struct HandleTable<T, H> {
    live: Mutex<BTreeMap<usize, Arc<T>>>,
    type_name: &'static str,
    handle: PhantomData<fn() -> H>,
}

impl<T, H> HandleTable<T, H> {
    /// An empty table for handles of the C type `type_name`.
    pub(crate) const fn new(type_name: &'static str) -> HandleTable<T, H> {
        HandleTable { live: Mutex::new(BTreeMap::new()), type_name, handle: PhantomData }
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<usize, Arc<T>>> {
        // A panic while holding the lock cannot leave the map half-changed: every
        // operation on it is a single insert, lookup or removal.
        self.live.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores `value` and returns its new handle.
    pub(crate) fn insert(&self, value: T) -> *mut H {
        self.insert_shared(Arc::new(value))
    }

    /// Stores an object the library keeps a reference to as well.
    pub(crate) fn insert_shared(&self, value: Arc<T>) -> *mut H {
        let number = NEXT_HANDLE.fetch_add(16, Ordering::Relaxed);
        self.lock().insert(number, value);
        std::ptr::without_provenance_mut(number)
    }

    /// The object behind a live handle; NULL or a dead handle is an error naming `name`.
    pub(crate) fn get(&self, handle: *const H, name: &str) -> FfiResult<Arc<T>> {
        if handle.is_null() {
            return Err(null_argument(name));
        }
        self.lock().get(&handle.addr()).cloned().ok_or_else(|| self.invalid(name))
    }

    /// Takes the object out of the table.  Calls running on it keep their own reference,
    /// so it is dropped when the last of them returns.
    pub(crate) fn remove(&self, handle: *const H, name: &str) -> FfiResult<Arc<T>> {
        self.lock().remove(&handle.addr()).ok_or_else(|| self.invalid(name))
    }

    /// How many handles are live.
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    fn invalid(&self, name: &str) -> FfiError {
        FfiError::new(
            gp_result::GP_ERR_INVALID_HANDLE,
            format!(
                "argument '{name}' is not a live {}: freed already, or never made by this library",
                self.type_name
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Thing;
    struct OtherThing;

    static THINGS: HandleTable<u32, Thing> = HandleTable::new("thing");
    static OTHERS: HandleTable<u32, OtherThing> = HandleTable::new("other_thing");

    #[test]
    fn a_freed_or_foreign_handle_is_refused() {
        let handle = THINGS.insert(7);
        assert_eq!(*THINGS.get(handle, "thing").unwrap(), 7);

        let foreign = OTHERS.insert(8);
        let err = THINGS.get(foreign.cast(), "thing").err().unwrap();
        assert_eq!(err.code, gp_result::GP_ERR_INVALID_HANDLE);

        THINGS.remove(handle, "thing").unwrap();
        let err = THINGS.get(handle, "thing").err().unwrap();
        assert_eq!(err.code, gp_result::GP_ERR_INVALID_HANDLE);
        assert!(THINGS.remove(handle, "thing").is_err());

        let err = THINGS.get(std::ptr::null(), "thing").err().unwrap();
        assert_eq!(err.code, gp_result::GP_ERR_NULL_ARGUMENT);
        OTHERS.remove(foreign, "other").unwrap();
    }
}
