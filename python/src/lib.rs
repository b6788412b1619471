//! `graph_profile._native`: the compiled half of the Python package.
//!
//! Glue only.  Every Graph operation, the validation, paging, retries and batching
//! live in the core crate; this module turns Python calls into core calls, runs
//! them on one tokio runtime per process with the GIL released, and turns core
//! errors into the package's exception tree.  The pure-Python package
//! `graph_profile` re-exports what users see; this module is private.

mod auth;
mod client;
mod errors;
mod runtime;
mod schema;

use std::sync::OnceLock;

use pyo3::prelude::*;

static LOG_RESET: OnceLock<pyo3_log::ResetHandle> = OnceLock::new();

/// Sends Rust log records (and the core's tracing events, through tracing's `log`
/// feature) to Python's `logging`, under loggers named after the Rust module path:
/// `graph_profile.client`, ... all children of `graph_profile`.  Called again, it
/// forgets the cached logger levels, so `logging` settings made since take effect.
///
/// The package calls it whenever a client is made (not at import, which stays free of
/// `logging`).  A logger's level is read at its first record and kept: a level changed
/// after that takes effect with the next client.
#[pyfunction]
fn setup_logging() {
    match LOG_RESET.get() {
        Some(handle) => handle.reset(),
        None => {
            let _ = LOG_RESET.set(pyo3_log::init());
        }
    }
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<client::NativeClient>()?;
    module.add_class::<client::Pages>()?;
    module.add_function(wrap_pyfunction!(client::check_draft, module)?)?;
    module.add_function(wrap_pyfunction!(client::check_patch, module)?)?;
    module.add_function(wrap_pyfunction!(client::check_facet, module)?)?;
    module.add_function(wrap_pyfunction!(client::default_scope, module)?)?;
    module.add_function(wrap_pyfunction!(schema::facet_schema, module)?)?;
    module.add_function(wrap_pyfunction!(setup_logging, module)?)?;
    Ok(())
}
