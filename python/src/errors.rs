//! Core errors as Python exceptions of the package's tree (`graph_profile.errors`).

use graph_profile::{Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

static FROM_NATIVE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The exception for a core error: the class follows the error kind, and the status,
/// Graph code, request ids, facet and field become attributes.
pub fn to_py_err(py: Python<'_>, error: Error) -> PyErr {
    build(py, &error).unwrap_or_else(|failure| failure)
}

fn build(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let from_native = FROM_NATIVE.get_or_try_init(py, || {
        py.import("graph_profile.errors")?.getattr("_from_native").map(Bound::unbind)
    })?;
    let graph_error = match error.graph_error_json() {
        Some(value) => Some(json_loads(py, &value.to_string())?),
        None => None,
    };
    let args = (
        error.kind().as_str(),
        error.message(),
        error.status(),
        error.code(),
        error.request_id(),
        error.client_request_id(),
        error.facet().map(|facet| facet.collection()),
        error.field(),
        graph_error,
    );
    let exception = from_native.bind(py).call1(args)?;
    Ok(PyErr::from_value(exception))
}

/// Parses JSON text with Python's own `json` module.
pub fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let loads = JSON_LOADS
        .get_or_try_init(py, || py.import("json")?.getattr("loads").map(Bound::unbind))?;
    loads.bind(py).call1((text,))
}

/// A validation error about a value the glue itself could not read (bad JSON text,
/// an unknown facet name), in the same shape as the core's.
pub fn invalid(field: &str, reason: impl Into<String>) -> Error {
    Error::validation(None, field, reason)
}

/// Keeps the kind list honest: a kind added to the core must get a Python class.
#[allow(dead_code)]
fn every_kind_has_a_class(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Validation => "ValidationError",
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::Unauthorized => "UnauthorizedError",
        ErrorKind::Forbidden => "ForbiddenError",
        ErrorKind::Conflict => "ConflictError",
        ErrorKind::Throttled => "ThrottledError",
        ErrorKind::Service => "ServiceError",
        ErrorKind::Transport => "TransportError",
        ErrorKind::Timeout => "TimeoutError",
        ErrorKind::Cancelled => "CancelledError",
        ErrorKind::FailedDependency => "FailedDependencyError",
        ErrorKind::Config => "ConfigError",
    }
}
