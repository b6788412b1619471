//! Sign-in: where the bearer token for each request comes from.
//!
//! Every source implements [`TokenProvider`].  The OAuth flows sit behind
//! [`TokenCache`], which keeps a token until shortly before it expires.

mod cache;
mod oauth;

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use futures::future::BoxFuture;

use crate::error::{Error, ErrorKind};

pub use cache::TokenCache;
pub use oauth::{
    ClientCredentials, DeviceCode, DeviceCodePrompt, OAuthEndpoint, RefreshTokenGrant,
};

/// A bearer token.  Its `Debug` and `Display` print `***`, never the value.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    secret: String,
    expires_at: Option<SystemTime>,
}

impl AccessToken {
    /// A token that is valid until `expires_at` (`None`: as long as the service accepts it).
    pub fn new(secret: impl Into<String>, expires_at: Option<SystemTime>) -> AccessToken {
        AccessToken { secret: secret.into(), expires_at }
    }

    /// The token itself, for the `Authorization` header and nothing else.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// When the token stops being valid, when known.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &"***")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A source of bearer tokens for Graph.
pub trait TokenProvider: Send + Sync {
    /// A token valid for at least the next request.
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>>;

    /// The service refused the last token (401): drop any cached copy so the next
    /// `token()` fetches a fresh one.  Providers without a cache ignore it.
    fn invalidate(&self) {}
}

/// A fixed token, e.g. from `auth.type = "token"`.
#[derive(Debug, Clone)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// Wraps a token obtained elsewhere.
    pub fn new(token: impl Into<String>) -> StaticToken {
        StaticToken(AccessToken::new(token, None))
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// The host's own function that returns a token or an error message.
pub type TokenCallbackFn = dyn Fn() -> Result<String, String> + Send + Sync;

/// Tokens from a callback into the host language (PowerShell, Python, C).
///
/// The callback is synchronous; it runs on a blocking thread so a slow host does
/// not stall the runtime.
#[derive(Clone)]
pub struct CallbackToken {
    callback: Arc<TokenCallbackFn>,
}

impl CallbackToken {
    /// Wraps the host's callback.
    pub fn new(callback: Arc<TokenCallbackFn>) -> CallbackToken {
        CallbackToken { callback }
    }
}

impl fmt::Debug for CallbackToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallbackToken")
    }
}

impl TokenProvider for CallbackToken {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        let callback = Arc::clone(&self.callback);
        Box::pin(async move {
            let answer = tokio::task::spawn_blocking(move || callback())
                .await
                .map_err(|_| Error::new(ErrorKind::Unauthorized, "the token callback panicked"))?;
            match answer {
                Ok(token) if !token.trim().is_empty() => Ok(AccessToken::new(token, None)),
                Ok(_) => Err(Error::new(ErrorKind::Unauthorized, "the token callback gave none")),
                Err(message) => Err(Error::new(
                    ErrorKind::Unauthorized,
                    format!("the token callback failed: {message}"),
                )),
            }
        })
    }
}

/// Refuses to send a credential to `url` over plain `http://` unless the host is
/// loopback (127.0.0.0/8, ::1, `localhost`), where nothing leaves the machine.
pub(crate) fn check_secure(url: &url::Url) -> Result<(), Error> {
    if url.scheme() == "https" || is_loopback(url) {
        return Ok(());
    }
    Err(Error::config(format!(
        "refusing to send a token over plain {}:// to {}: use https",
        url.scheme(),
        url.host_str().unwrap_or("an unknown host")
    )))
}

pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.');
            name.eq_ignore_ascii_case("localhost")
                || name.to_ascii_lowercase().ends_with(".localhost")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_never_prints() {
        let token = AccessToken::new("eyJ-secret", None);
        assert!(!format!("{token:?}").contains("eyJ"));
        assert_eq!(token.to_string(), "***");
        assert!(!format!("{:?}", StaticToken::new("eyJ-secret")).contains("eyJ"));
    }

    #[test]
    fn plain_http_is_only_for_loopback() {
        let allowed = [
            "https://graph.microsoft.com/beta",
            "http://127.0.0.1:5000/beta",
            "http://127.8.9.10/beta",
            "http://[::1]:80/beta",
            "http://localhost:8080/beta",
            "http://LOCALHOST/beta",
        ];
        for url in allowed {
            assert!(check_secure(&url::Url::parse(url).unwrap()).is_ok(), "{url}");
        }
        let refused = [
            "http://graph.microsoft.com/beta",
            "http://10.0.0.1/beta",
            "http://localhost.evil.com/beta",
            "http://[::2]/beta",
        ];
        for url in refused {
            let error = check_secure(&url::Url::parse(url).unwrap()).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Config, "{url}");
        }
    }
}
