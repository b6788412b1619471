//! Reuses a token until shortly before it expires.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use tokio::sync::Mutex;

use super::{AccessToken, TokenProvider};
use crate::error::Error;

/// Keeps the token of an inner provider and renews it `margin` before it expires.
///
/// One renewal at a time: concurrent requests wait for it rather than each
/// signing in.
pub struct TokenCache {
    inner: Arc<dyn TokenProvider>,
    margin: Duration,
    current: Mutex<Option<AccessToken>>,
}

impl TokenCache {
    /// Renew five minutes before expiry, as Microsoft's libraries do.
    pub const DEFAULT_MARGIN: Duration = Duration::from_secs(300);

    /// Caches the tokens of `inner`.
    pub fn new(inner: Arc<dyn TokenProvider>) -> TokenCache {
        TokenCache::with_margin(inner, TokenCache::DEFAULT_MARGIN)
    }

    /// Caches the tokens of `inner`, renewing each `margin` before it expires.
    pub fn with_margin(inner: Arc<dyn TokenProvider>, margin: Duration) -> TokenCache {
        TokenCache { inner, margin, current: Mutex::new(None) }
    }

    fn still_fresh(&self, token: &AccessToken) -> bool {
        match token.expires_at() {
            Some(expires_at) => SystemTime::now() + self.margin < expires_at,
            None => true,
        }
    }
}

impl TokenProvider for TokenCache {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            if let Some(token) = current.as_ref().filter(|token| self.still_fresh(token)) {
                return Ok(token.clone());
            }
            tracing::debug!("renewing the access token");
            let token = self.inner.token().await?;
            *current = Some(token.clone());
            Ok(token)
        })
    }

    fn invalidate(&self) {
        // A renewal in flight holds the lock and replaces the token anyway.
        if let Ok(mut current) = self.current.try_lock() {
            *current = None;
        }
        self.inner.invalidate();
    }
}
