//! `ClientConfig`: the one JSON shape every binding passes in.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::auth::DeviceCodePrompt;
use crate::error::Error;

/// A Microsoft cloud: it decides the Graph host and the sign-in host.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Cloud {
    /// graph.microsoft.com, login.microsoftonline.com.
    #[default]
    Global,
    /// US Government L4: graph.microsoft.us.
    UsGov,
    /// US Government L5 (DoD): dod-graph.microsoft.us.
    #[serde(rename = "usGovDoD")]
    UsGovDod,
    /// China (21Vianet): microsoftgraph.chinacloudapi.cn.
    China,
}

impl Cloud {
    /// The Graph beta endpoint of the cloud, with `/beta`.
    pub const fn graph_url(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com/beta",
            Cloud::UsGov => "https://graph.microsoft.us/beta",
            Cloud::UsGovDod => "https://dod-graph.microsoft.us/beta",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn/beta",
        }
    }

    /// The sign-in host of the cloud.
    pub const fn authority_url(self) -> &'static str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::UsGov | Cloud::UsGovDod => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
        }
    }
}

/// How often and how long to retry throttled or failed requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    /// The first backoff delay when the service gives no `Retry-After`.
    pub base_delay_ms: u64,
    /// The longest single backoff delay the client picks itself.
    pub max_delay_ms: u64,
    /// The most time one operation may spend waiting between attempts; a `Retry-After`
    /// that would pass it ends the retries at once.
    pub max_total_wait_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            base_delay_ms: 1000,
            max_delay_ms: 60_000,
            max_total_wait_ms: 300_000,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> RetryPolicy {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    pub(crate) fn base_delay(&self) -> Duration {
        Duration::from_millis(self.base_delay_ms)
    }

    pub(crate) fn max_delay(&self) -> Duration {
        Duration::from_millis(self.max_delay_ms)
    }

    pub(crate) fn max_total_wait(&self) -> Duration {
        Duration::from_millis(self.max_total_wait_ms)
    }
}

/// How the client signs in.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum AuthConfig {
    /// No `Authorization` header (an emulator that does not check).
    #[default]
    None,
    /// A bearer token obtained elsewhere.
    Token { token: String },
    /// OAuth2 client credentials with a secret (app-only).
    ClientCredentials {
        tenant_id: String,
        client_id: String,
        client_secret: String,
        /// Defaults to `{graph host}/.default`.
        #[serde(default)]
        scopes: Vec<String>,
    },
    /// Device code sign-in; the user code goes to the prompt callback.
    DeviceCode {
        tenant_id: String,
        client_id: String,
        #[serde(default)]
        scopes: Vec<String>,
    },
    /// A refresh token obtained elsewhere, renewed as it rotates.
    RefreshToken {
        tenant_id: String,
        client_id: String,
        refresh_token: String,
        #[serde(default)]
        scopes: Vec<String>,
    },
    /// The host supplies a token provider with `Client::with_token_provider`.
    Callback,
}

impl fmt::Debug for AuthConfig {
    /// Names the kind and ids, never a token or secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthConfig::None => f.write_str("None"),
            AuthConfig::Token { .. } => f.write_str("Token { token: *** }"),
            AuthConfig::ClientCredentials { tenant_id, client_id, scopes, .. } => f
                .debug_struct("ClientCredentials")
                .field("tenant_id", tenant_id)
                .field("client_id", client_id)
                .field("client_secret", &"***")
                .field("scopes", scopes)
                .finish(),
            AuthConfig::DeviceCode { tenant_id, client_id, scopes } => f
                .debug_struct("DeviceCode")
                .field("tenant_id", tenant_id)
                .field("client_id", client_id)
                .field("scopes", scopes)
                .finish(),
            AuthConfig::RefreshToken { tenant_id, client_id, scopes, .. } => f
                .debug_struct("RefreshToken")
                .field("tenant_id", tenant_id)
                .field("client_id", client_id)
                .field("refresh_token", &"***")
                .field("scopes", scopes)
                .finish(),
            AuthConfig::Callback => f.write_str("Callback"),
        }
    }
}

/// The callback a device code sign-in hands the user code and URL to.
#[derive(Clone)]
pub struct DeviceCodeCallback(pub Arc<dyn Fn(&DeviceCodePrompt) + Send + Sync>);

impl fmt::Debug for DeviceCodeCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceCodeCallback")
    }
}

/// Everything a `Client` needs.  Read from JSON by the bindings:
/// `{"cloud": "global", "graphUrl": ..., "auth": {"type": "token", ...}, ...}`.
///
/// Unknown keys are refused: a misspelled `graphUrl` must not quietly send a
/// token to the real service.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClientConfig {
    /// Picks the Graph and sign-in hosts unless given outright.
    pub cloud: Cloud,
    /// The Graph endpoint including `/beta`; overrides the cloud's.
    pub graph_url: Option<String>,
    /// The sign-in host; overrides the cloud's.
    pub authority_url: Option<String>,
    pub auth: AuthConfig,
    pub retry: RetryPolicy,
    /// The most `$batch` requests in flight at once.
    pub max_concurrency: usize,
    /// How long one attempt may take, end to end.
    pub timeout_ms: u64,
    #[serde(skip)]
    pub device_code_prompt: Option<DeviceCodeCallback>,
}

impl Default for ClientConfig {
    fn default() -> ClientConfig {
        ClientConfig {
            cloud: Cloud::Global,
            graph_url: None,
            authority_url: None,
            auth: AuthConfig::None,
            retry: RetryPolicy::default(),
            max_concurrency: 4,
            timeout_ms: 100_000,
            device_code_prompt: None,
        }
    }
}

impl ClientConfig {
    /// Reads the JSON shape the bindings pass.
    pub fn from_json(json: &str) -> Result<ClientConfig, Error> {
        serde_json::from_str(json)
            .map_err(|e| Error::config(format!("the client configuration is not valid: {e}")))
    }

    /// Sets the callback a device code sign-in shows the user code with.
    pub fn with_device_code_prompt(
        mut self,
        prompt: impl Fn(&DeviceCodePrompt) + Send + Sync + 'static,
    ) -> ClientConfig {
        self.device_code_prompt = Some(DeviceCodeCallback(Arc::new(prompt)));
        self
    }

    /// The Graph endpoint in use, with `/beta` and without a trailing slash.
    pub fn resolved_graph_url(&self) -> Result<Url, Error> {
        let text = self.graph_url.as_deref().unwrap_or(self.cloud.graph_url());
        parse_base_url("graphUrl", text)
    }

    /// The sign-in host in use, without a trailing slash.
    pub fn resolved_authority_url(&self) -> Result<Url, Error> {
        let text = self.authority_url.as_deref().unwrap_or(self.cloud.authority_url());
        parse_base_url("authorityUrl", text)
    }

    pub(crate) fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms.max(1))
    }
}

fn parse_base_url(setting: &str, text: &str) -> Result<Url, Error> {
    let trimmed = text.trim_end_matches('/');
    let url = Url::parse(trimmed)
        .map_err(|e| Error::config(format!("{setting} '{text}' is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(Error::config(format!("{setting} '{text}' must be an http(s) URL")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!("{setting} '{text}' must not have a query")));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_json_shape_reads() {
        let json = r#"{
          "cloud": "usGovDoD",
          "graphUrl": "http://127.0.0.1:5000/beta",
          "authorityUrl": "http://127.0.0.1:5000",
          "auth": { "type": "token", "token": "eyJ" },
          "retry": { "maxRetries": 3, "baseDelayMs": 1000, "maxDelayMs": 60000,
                     "maxTotalWaitMs": 300000 },
          "maxConcurrency": 4,
          "timeoutMs": 100000
        }"#;
        let config = ClientConfig::from_json(json).unwrap();
        assert_eq!(config.cloud, Cloud::UsGovDod);
        assert_eq!(config.auth, AuthConfig::Token { token: "eyJ".into() });
        assert_eq!(config.resolved_graph_url().unwrap().as_str(), "http://127.0.0.1:5000/beta");
        assert!(!format!("{config:?}").contains("eyJ"));
    }

    #[test]
    fn every_auth_type_reads() {
        let json = r#"{"auth": {"type": "clientCredentials", "tenantId": "t",
            "clientId": "c", "clientSecret": "s"}}"#;
        let config = ClientConfig::from_json(json).unwrap();
        assert!(matches!(config.auth, AuthConfig::ClientCredentials { .. }));
        for kind in ["none", "callback"] {
            let json = format!(r#"{{"auth": {{"type": "{kind}"}}}}"#);
            ClientConfig::from_json(&json).unwrap();
        }
        let json = r#"{"auth": {"type": "refreshToken", "tenantId": "t", "clientId": "c",
            "refreshToken": "r", "scopes": ["User.ReadWrite.All"]}}"#;
        assert!(!format!("{:?}", ClientConfig::from_json(json).unwrap()).contains("\"r\""));
    }

    #[test]
    fn a_misspelled_key_is_refused_by_name() {
        for json in [
            r#"{"graphURL": "http://127.0.0.1:5000/beta"}"#,
            r#"{"retry": {"maxRetry": 2}}"#,
            r#"{"auth": {"type": "token", "token": "t", "tenant": "x"}}"#,
        ] {
            let error = ClientConfig::from_json(json).unwrap_err();
            assert_eq!(error.kind(), crate::ErrorKind::Config);
            assert!(error.to_string().contains("unknown field"), "{error}");
        }
    }

    #[test]
    fn the_cloud_picks_the_hosts() {
        let config = ClientConfig { cloud: Cloud::China, ..ClientConfig::default() };
        assert_eq!(
            config.resolved_graph_url().unwrap().as_str(),
            "https://microsoftgraph.chinacloudapi.cn/beta"
        );
        assert_eq!(
            config.resolved_authority_url().unwrap().as_str(),
            "https://login.chinacloudapi.cn/"
        );
    }

    #[test]
    fn a_bad_url_is_a_config_error() {
        let config =
            ClientConfig { graph_url: Some("ftp://x/beta".into()), ..ClientConfig::default() };
        assert_eq!(config.resolved_graph_url().unwrap_err().kind(), crate::ErrorKind::Config);
    }
}
