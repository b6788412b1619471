//! The OAuth2 flows of the Microsoft identity platform (v2.0 endpoints): client
//! credentials, device code and refresh token.  Each fetches a fresh token on every
//! call; wrap them in [`TokenCache`](super::TokenCache) to reuse one.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use serde_json::Value;
use url::Url;

use super::{AccessToken, TokenProvider, check_secure};
use crate::error::{Error, ErrorKind};

/// The sign-in host, tenant and application a flow talks to.
#[derive(Clone)]
pub struct OAuthEndpoint {
    http: reqwest::Client,
    authority: Url,
    tenant_id: String,
    client_id: String,
    scopes: Vec<String>,
}

impl std::fmt::Debug for OAuthEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthEndpoint")
            .field("authority", &self.authority.as_str())
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// What the user must do to finish a device code sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCodePrompt {
    /// The code to type in.
    pub user_code: String,
    /// Where to type it.
    pub verification_uri: String,
    /// The service's ready-made sentence saying both.
    pub message: String,
    /// How long the code stays valid.
    pub expires_in: Duration,
}

impl OAuthEndpoint {
    /// An endpoint at `authority` (`https://login.microsoftonline.com`).
    ///
    /// Refuses a plain `http://` authority that is not loopback: secrets and codes go there.
    pub fn new(
        http: reqwest::Client,
        authority: Url,
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        scopes: Vec<String>,
    ) -> Result<OAuthEndpoint, Error> {
        check_secure(&authority)?;
        let tenant_id = tenant_id.into();
        let client_id = client_id.into();
        if tenant_id.trim().is_empty() {
            return Err(Error::config("auth.tenantId must not be empty"));
        }
        if client_id.trim().is_empty() {
            return Err(Error::config("auth.clientId must not be empty"));
        }
        Ok(OAuthEndpoint { http, authority, tenant_id, client_id, scopes })
    }

    fn endpoint(&self, leaf: &str) -> String {
        let tenant = crate::client::encode_segment(&self.tenant_id);
        format!("{}/{tenant}/oauth2/v2.0/{leaf}", self.authority.as_str().trim_end_matches('/'))
    }

    fn scope(&self) -> String {
        self.scopes.join(" ")
    }

    /// POSTs a form and returns the JSON answer and its status.
    async fn post_form(&self, leaf: &str, form: &[(&str, &str)]) -> Result<(u16, Value), Error> {
        let started = std::time::Instant::now();
        let response = self
            .http
            .post(self.endpoint(leaf))
            .form(form)
            .send()
            .await
            .map_err(Error::from_reqwest)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(Error::from_reqwest)?;
        tracing::debug!(
            method = "POST",
            path = %format!("oauth2/v2.0/{leaf}"),
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "sign-in request"
        );
        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
        Ok((status, json))
    }

    /// Exchanges a grant for a token.  `Ok(Err(code))` is an OAuth error answer
    /// (`authorization_pending`, …) for the caller to act on.
    async fn token_grant(
        &self,
        form: &[(&str, &str)],
    ) -> Result<Result<TokenAnswer, OAuthRefusal>, Error> {
        let (status, json) = self.post_form("token", form).await?;
        if (200..300).contains(&status) {
            return TokenAnswer::read(&json).map(Ok);
        }
        let refusal = OAuthRefusal::read(status, &json);
        if refusal.code.is_empty() {
            return Err(refusal.into_error());
        }
        Ok(Err(refusal))
    }
}

/// A successful token answer.
struct TokenAnswer {
    access_token: AccessToken,
    refresh_token: Option<String>,
}

impl TokenAnswer {
    fn read(json: &Value) -> Result<TokenAnswer, Error> {
        let secret =
            json.get("access_token").and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or_else(
                || Error::new(ErrorKind::Unauthorized, "the sign-in answer had no access_token"),
            )?;
        let expires_at = seconds(json.get("expires_in")).map(|s| SystemTime::now() + s);
        let refresh_token = json.get("refresh_token").and_then(Value::as_str).map(str::to_owned);
        Ok(TokenAnswer { access_token: AccessToken::new(secret, expires_at), refresh_token })
    }
}

/// Reads a count of seconds sent as a number or as a string (older endpoints).
fn seconds(value: Option<&Value>) -> Option<Duration> {
    let value = value?;
    let count = value.as_u64().or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))?;
    Some(Duration::from_secs(count))
}

/// An OAuth error answer: `{"error": "invalid_client", "error_description": ...}`.
struct OAuthRefusal {
    status: u16,
    code: String,
    description: String,
}

impl OAuthRefusal {
    fn read(status: u16, json: &Value) -> OAuthRefusal {
        let text = |key| json.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
        OAuthRefusal { status, code: text("error"), description: text("error_description") }
    }

    fn into_error(self) -> Error {
        let kind = match self.status {
            400 | 401 | 403 => ErrorKind::Unauthorized,
            _ => ErrorKind::Service,
        };
        let mut message = format!("sign-in failed ({})", self.status);
        if !self.code.is_empty() {
            message.push_str(&format!(": {}", self.code));
        }
        if !self.description.is_empty() {
            // The first line is the useful one; the rest is trace and correlation ids.
            let first = self.description.lines().next().unwrap_or_default();
            message.push_str(&format!(": {first}"));
        }
        Error::new(kind, message)
    }
}

/// App-only sign-in with a client secret.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    endpoint: OAuthEndpoint,
    secret: Secret,
}

#[derive(Clone)]
struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl ClientCredentials {
    /// Signs in as the application at `endpoint` with its secret.
    pub fn new(endpoint: OAuthEndpoint, client_secret: impl Into<String>) -> ClientCredentials {
        ClientCredentials { endpoint, secret: Secret(client_secret.into()) }
    }
}

impl TokenProvider for ClientCredentials {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        Box::pin(async move {
            let scope = self.endpoint.scope();
            let form = [
                ("grant_type", "client_credentials"),
                ("client_id", self.endpoint.client_id.as_str()),
                ("client_secret", self.secret.0.as_str()),
                ("scope", scope.as_str()),
            ];
            match self.endpoint.token_grant(&form).await? {
                Ok(answer) => Ok(answer.access_token),
                Err(refusal) => Err(refusal.into_error()),
            }
        })
    }
}

/// Delegated sign-in with a refresh token, kept current as the service rotates it.
#[derive(Debug, Clone)]
pub struct RefreshTokenGrant {
    endpoint: OAuthEndpoint,
    refresh_token: Arc<Mutex<Secret>>,
}

impl RefreshTokenGrant {
    /// Redeems `refresh_token` at `endpoint` whenever a token is needed.
    pub fn new(endpoint: OAuthEndpoint, refresh_token: impl Into<String>) -> RefreshTokenGrant {
        RefreshTokenGrant {
            endpoint,
            refresh_token: Arc::new(Mutex::new(Secret(refresh_token.into()))),
        }
    }

    async fn redeem(&self) -> Result<Result<AccessToken, OAuthRefusal>, Error> {
        let current = lock(&self.refresh_token).0.clone();
        let scope = self.endpoint.scope();
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.endpoint.client_id.as_str()),
            ("refresh_token", current.as_str()),
            ("scope", scope.as_str()),
        ];
        Ok(self.endpoint.token_grant(&form).await?.map(|answer| {
            if let Some(rotated) = answer.refresh_token {
                *lock(&self.refresh_token) = Secret(rotated);
            }
            answer.access_token
        }))
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding this lock cannot leave a half-written string behind.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl TokenProvider for RefreshTokenGrant {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        Box::pin(async move { self.redeem().await?.map_err(OAuthRefusal::into_error) })
    }
}

/// Delegated sign-in by device code: the user opens a URL and types a code.
///
/// After the first sign-in the refresh token it returned renews the token, so the
/// user is asked again only when that fails.
#[derive(Clone)]
pub struct DeviceCode {
    endpoint: OAuthEndpoint,
    prompt: Arc<dyn Fn(&DeviceCodePrompt) + Send + Sync>,
    refresh: Arc<Mutex<Option<RefreshTokenGrant>>>,
}

impl std::fmt::Debug for DeviceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCode").field("endpoint", &self.endpoint).finish()
    }
}

impl DeviceCode {
    /// Signs in at `endpoint`, showing the user code through `prompt`.
    pub fn new(
        endpoint: OAuthEndpoint,
        prompt: Arc<dyn Fn(&DeviceCodePrompt) + Send + Sync>,
    ) -> DeviceCode {
        DeviceCode { endpoint, prompt, refresh: Arc::new(Mutex::new(None)) }
    }

    async fn sign_in(&self) -> Result<AccessToken, Error> {
        let scope = self.endpoint.scope();
        let form = [("client_id", self.endpoint.client_id.as_str()), ("scope", scope.as_str())];
        let (status, json) = self.endpoint.post_form("devicecode", &form).await?;
        if !(200..300).contains(&status) {
            return Err(OAuthRefusal::read(status, &json).into_error());
        }

        let text = |key: &str| json.get(key).and_then(Value::as_str).map(str::to_owned);
        let missing =
            || Error::new(ErrorKind::Unauthorized, "the device code answer is incomplete");
        let device_code = text("device_code").ok_or_else(missing)?;
        let user_code = text("user_code").ok_or_else(missing)?;
        let verification_uri =
            text("verification_uri").or_else(|| text("verification_url")).ok_or_else(missing)?;
        let expires_in = seconds(json.get("expires_in")).unwrap_or(Duration::from_secs(900));
        let message = text("message").unwrap_or_else(|| {
            format!("To sign in, open {verification_uri} and enter the code {user_code}.")
        });
        let mut interval = seconds(json.get("interval")).unwrap_or(Duration::from_secs(5));

        (self.prompt)(&DeviceCodePrompt { user_code, verification_uri, message, expires_in });

        let deadline = tokio::time::Instant::now() + expires_in;
        loop {
            tokio::time::sleep(interval).await;
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::new(ErrorKind::Unauthorized, "the device code expired"));
            }
            let form = [
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", self.endpoint.client_id.as_str()),
                ("device_code", device_code.as_str()),
            ];
            match self.endpoint.token_grant(&form).await? {
                Ok(answer) => {
                    if let Some(refresh_token) = answer.refresh_token {
                        let grant = RefreshTokenGrant::new(self.endpoint.clone(), refresh_token);
                        *lock(&self.refresh) = Some(grant);
                    }
                    return Ok(answer.access_token);
                }
                Err(refusal) if refusal.code == "authorization_pending" => {}
                // RFC 8628 §3.5: slow down by five seconds, for this and every later poll.
                Err(refusal) if refusal.code == "slow_down" => interval += Duration::from_secs(5),
                Err(refusal) => return Err(refusal.into_error()),
            }
        }
    }
}

impl TokenProvider for DeviceCode {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        Box::pin(async move {
            let refresh = lock(&self.refresh).clone();
            if let Some(grant) = refresh {
                match grant.redeem().await? {
                    Ok(token) => return Ok(token),
                    Err(refusal) => {
                        tracing::debug!(code = %refusal.code, "refresh refused; asking the user");
                        *lock(&self.refresh) = None;
                    }
                }
            }
            self.sign_in().await
        })
    }
}
