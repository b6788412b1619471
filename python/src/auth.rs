//! Sign-in through Python: a token callable, and the device code prompt.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use graph_profile::auth::DeviceCodePrompt;
use graph_profile::{AccessToken, Error, ErrorKind, TokenProvider};
use pyo3::prelude::*;

/// Tokens from a Python callable taking no arguments and returning
/// `(token, expires_on)`, `expires_on` in seconds since the epoch or `None`.
///
/// The package's Python side adapts what users pass (a string-returning function,
/// an azure-identity credential's `get_token`) to that shape.  The callable runs on a
/// blocking thread, so a slow sign-in does not stall the runtime.
pub struct PyTokenProvider {
    callable: Arc<Py<PyAny>>,
}

impl PyTokenProvider {
    pub fn new(callable: Py<PyAny>) -> PyTokenProvider {
        PyTokenProvider { callable: Arc::new(callable) }
    }
}

impl TokenProvider for PyTokenProvider {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        let callable = Arc::clone(&self.callable);
        Box::pin(async move {
            let answer = tokio::task::spawn_blocking(move || {
                Python::attach(|py| -> PyResult<(String, Option<f64>)> {
                    callable.bind(py).call0()?.extract()
                })
            })
            .await
            .map_err(|_| Error::new(ErrorKind::Unauthorized, "the token callable panicked"))?;

            match answer {
                Ok((token, _)) if token.trim().is_empty() => {
                    Err(Error::new(ErrorKind::Unauthorized, "the token callable returned no token"))
                }
                Ok((token, expires_on)) => {
                    let expires_at = expires_on
                        .filter(|secs| secs.is_finite() && *secs > 0.0)
                        .map(|secs| SystemTime::UNIX_EPOCH + Duration::from_secs_f64(secs));
                    Ok(AccessToken::new(token, expires_at))
                }
                // The exception's text, never a token: the callable did not return one.
                Err(failure) => Err(Error::new(
                    ErrorKind::Unauthorized,
                    format!("the token callable failed: {failure}"),
                )),
            }
        })
    }
}

/// The core's device code prompt as a call of a Python callable with
/// `(user_code, verification_uri, message, expires_in_seconds)`.
pub fn device_code_prompt(callable: Py<PyAny>) -> impl Fn(&DeviceCodePrompt) + Send + Sync {
    move |prompt: &DeviceCodePrompt| {
        Python::attach(|py| {
            let args = (
                prompt.user_code.as_str(),
                prompt.verification_uri.as_str(),
                prompt.message.as_str(),
                prompt.expires_in.as_secs_f64(),
            );
            if let Err(failure) = callable.bind(py).call1(args) {
                // The sign-in goes on (the user may have seen the code elsewhere); the
                // failure is shown where Python shows unraisable errors.
                failure.write_unraisable(py, Some(callable.bind(py)));
            }
        })
    }
}
