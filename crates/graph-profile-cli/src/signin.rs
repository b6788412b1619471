//! Sign-in options shared by every command that talks to Graph, turned into the
//! core's `ClientConfig`.

use anyhow::{Context, bail};
use clap::Args;
use graph_profile::{AuthConfig, Client, ClientConfig, Cloud};

/// How to reach Graph and sign in.
///
/// One of: `--device-code` (you type a code in a browser), `--client-secret` or
/// GRAPH_PROFILE_CLIENT_SECRET (app-only, client credentials), or an access token in
/// GRAPH_PROFILE_TOKEN.  A token is never taken as a flag: flags show in process lists.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Sign-in")]
pub struct SignIn {
    /// Graph URL including /beta; default from --cloud.  An emulator:
    /// http://127.0.0.1:PORT/beta
    #[arg(long, env = "GRAPH_PROFILE_GRAPH_URL", value_name = "URL")]
    pub graph_url: Option<String>,

    /// Sign-in host, when not the cloud's (an emulator: its base URL).
    #[arg(long, env = "GRAPH_PROFILE_AUTHORITY_URL", value_name = "URL")]
    pub authority_url: Option<String>,

    /// National cloud: global, usGov, usGovDoD or china.
    #[arg(long, default_value = "global", value_name = "CLOUD")]
    pub cloud: String,

    /// Sign in with a device code: prints a code to enter at the sign-in page.
    #[arg(long)]
    pub device_code: bool,

    /// Directory (tenant) id, for --device-code and client credentials.
    #[arg(long, env = "GRAPH_PROFILE_TENANT_ID", value_name = "ID")]
    pub tenant: Option<String>,

    /// Application (client) id, for --device-code and client credentials.
    #[arg(long, env = "GRAPH_PROFILE_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,

    /// Client secret: signs in app-only (client credentials).  Prefer the variable.
    #[arg(
        long,
        env = "GRAPH_PROFILE_CLIENT_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub client_secret: Option<String>,

    /// `$batch` requests (or single requests) in flight at once.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub concurrency: usize,
}

/// The variable an access token is read from.
pub const TOKEN_VARIABLE: &str = "GRAPH_PROFILE_TOKEN";

impl SignIn {
    /// The client configuration these options describe.
    pub fn config(&self) -> anyhow::Result<ClientConfig> {
        let cloud: Cloud = serde_json::from_value(serde_json::Value::String(self.cloud.clone()))
            .with_context(|| {
                format!("--cloud: '{}' is not global, usGov, usGovDoD or china", self.cloud)
            })?;

        let ids = || -> anyhow::Result<(String, String)> {
            let tenant =
                self.tenant.clone().context("--tenant (or GRAPH_PROFILE_TENANT_ID) is needed")?;
            let client = self
                .client_id
                .clone()
                .context("--client-id (or GRAPH_PROFILE_CLIENT_ID) is needed")?;
            Ok((tenant, client))
        };
        let auth = if self.device_code {
            let (tenant_id, client_id) = ids()?;
            AuthConfig::DeviceCode { tenant_id, client_id, scopes: Vec::new() }
        } else if let Some(secret) = &self.client_secret {
            let (tenant_id, client_id) = ids()?;
            AuthConfig::ClientCredentials {
                tenant_id,
                client_id,
                client_secret: secret.clone(),
                scopes: Vec::new(),
            }
        } else if let Ok(token) = std::env::var(TOKEN_VARIABLE) {
            AuthConfig::Token { token }
        } else {
            bail!(
                "not signed in: set {TOKEN_VARIABLE} to an access token, or use --device-code, \
                 or --client-secret with --tenant and --client-id (see --help)"
            );
        };

        let config = ClientConfig {
            cloud,
            graph_url: self.graph_url.clone(),
            authority_url: self.authority_url.clone(),
            auth,
            max_concurrency: self.concurrency.max(1),
            ..ClientConfig::default()
        };
        Ok(config.with_device_code_prompt(|prompt| {
            // The prompt goes to stderr: stdout carries results.
            eprintln!("{}", prompt.message);
        }))
    }

    /// A client signed in as these options say.
    pub fn client(&self) -> anyhow::Result<Client> {
        Ok(Client::new(self.config()?)?)
    }
}
