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

use pyo3::prelude::*;

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    // Rust log records (and the core's tracing events, through tracing's `log`
    // feature) go to Python's `logging`, under loggers named after the Rust module
    // path: `graph_profile.client`, ... all children of `graph_profile`.
    pyo3_log::init();

    module.add_class::<client::NativeClient>()?;
    module.add_class::<client::Pages>()?;
    module.add_function(wrap_pyfunction!(client::check_draft, module)?)?;
    module.add_function(wrap_pyfunction!(client::check_patch, module)?)?;
    module.add_function(wrap_pyfunction!(schema::facet_schema, module)?)?;
    Ok(())
}
