//! The async Graph client: list, get, create, update, delete and batch for every facet.

mod batch;
mod create;
mod facet_api;
mod http;
mod paging;
mod path;
mod query;
mod retry;

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use futures::Stream;
use reqwest::Method;
use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use crate::FacetKind;
use crate::auth::{
    CallbackToken, ClientCredentials, DeviceCode, OAuthEndpoint, RefreshTokenGrant, StaticToken,
    TokenCache, TokenProvider, check_secure,
};
use crate::config::{AuthConfig, ClientConfig};
use crate::error::{Error, ErrorKind};

use http::{Answer, Call, LogPath, Replay, Transport};
use retry::RetryState;

pub use batch::{BatchRequest, BatchResponse, MAX_BATCH_SIZE};
pub use facet_api::FacetApi;
pub use path::{UserRef, encode_segment};
pub use query::ListQuery;
pub use retry::parse_retry_after;

/// An async client for the Graph profile API.  Cheap to clone; share one.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    config: ClientConfig,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("graph_url", &self.inner.transport.graph_url.as_str())
            .field("auth", &self.inner.config.auth)
            .finish()
    }
}

impl Client {
    /// A client signing in as `config.auth` says.
    ///
    /// Fails with `ErrorKind::Config` when the settings cannot work: a bad URL, a
    /// token that would travel over plain `http://` to a host that is not loopback,
    /// `auth.type = "callback"` (use [`Client::with_token_provider`]), or a device code
    /// sign-in without a prompt callback.
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        let http = http::build_http_client(config.timeout())?;
        let provider = provider_for(&config, &http)?;
        Client::build(config, http, provider)
    }

    /// A client that takes its tokens from `provider` (a host callback, a custom
    /// sign-in), whatever `config.auth` says.
    pub fn with_token_provider(
        config: ClientConfig,
        provider: Arc<dyn TokenProvider>,
    ) -> Result<Client, Error> {
        let http = http::build_http_client(config.timeout())?;
        Client::build(config, http, Some(provider))
    }

    fn build(
        config: ClientConfig,
        http: reqwest::Client,
        auth: Option<Arc<dyn TokenProvider>>,
    ) -> Result<Client, Error> {
        let graph_url = config.resolved_graph_url()?;
        if auth.is_some() {
            check_secure(&graph_url)?;
        }
        let transport = Transport { http, graph_url, auth };
        Ok(Client { inner: Arc::new(Inner { transport, config }) })
    }

    /// The settings this client was made with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Every entry of a facet, following each `@odata.nextLink`.
    pub async fn list(
        &self,
        user: &UserRef,
        kind: FacetKind,
        query: &ListQuery,
    ) -> Result<Vec<Value>, Error> {
        paging::collect(self.list_pages(user, kind, query)).await
    }

    /// The entries of a facet page by page, as the service sends them; a page may
    /// be empty.  The stream ends after the first error.
    pub fn list_pages(
        &self,
        user: &UserRef,
        kind: FacetKind,
        query: &ListQuery,
    ) -> impl Stream<Item = Result<Vec<Value>, Error>> + Send + 'static {
        let first = path::facet_path(user, kind)
            .and_then(|path| self.transport().url(&path, &query.to_query_string()));
        paging::pages(self.clone(), kind, first)
    }

    /// One entry by id; `select` limits the fields returned (empty: all).
    pub async fn get(
        &self,
        user: &UserRef,
        kind: FacetKind,
        id: &str,
        select: &[String],
    ) -> Result<Value, Error> {
        json_body(&self.get_answer(user, kind, id, select).await?)
    }

    pub(crate) async fn get_answer(
        &self,
        user: &UserRef,
        kind: FacetKind,
        id: &str,
        select: &[String],
    ) -> Result<Answer, Error> {
        let path = path::entry_path(user, kind, id)?;
        let url = self.transport().url(&path, &query::select_query(select))?;
        let call = Call {
            method: Method::GET,
            url,
            body: None,
            log_path: LogPath::Entry(kind),
            replay: Replay::Safe,
        };
        self.execute(&call).await.map_err(|e| e.with_facet(kind))
    }

    /// Creates an entry from a draft, validated first, and returns it as the service
    /// stored it.
    ///
    /// Never creates two: when the outcome of a create is unknown (the connection
    /// broke after the body went out, or a 5xx), the collection is read back and the
    /// create repeated only if no entry with the sent fields is there.
    pub async fn create(
        &self,
        user: &UserRef,
        kind: FacetKind,
        draft: Value,
    ) -> Result<Value, Error> {
        json_body(&self.create_answer(user, kind, draft).await?)
    }

    pub(crate) async fn create_answer(
        &self,
        user: &UserRef,
        kind: FacetKind,
        draft: Value,
    ) -> Result<Answer, Error> {
        let draft = prepare_draft(kind, draft)?;
        create::create_once(self, user, kind, draft).await.map_err(|e| e.with_facet(kind))
    }

    /// Updates the fields a patch sets (a null clears one) and returns the whole entry.
    pub async fn update(
        &self,
        user: &UserRef,
        kind: FacetKind,
        id: &str,
        patch: Value,
    ) -> Result<Value, Error> {
        json_body(&self.update_answer(user, kind, id, patch).await?)
    }

    pub(crate) async fn update_answer(
        &self,
        user: &UserRef,
        kind: FacetKind,
        id: &str,
        patch: Value,
    ) -> Result<Answer, Error> {
        let patch = prepare_patch(kind, patch)?;
        let path = path::entry_path(user, kind, id)?;
        let call = Call {
            method: Method::PATCH,
            url: self.transport().url(&path, "")?,
            body: Some(to_body(&patch)?),
            log_path: LogPath::Entry(kind),
            replay: Replay::Safe,
        };
        let answer = self.execute(&call).await.map_err(|e| e.with_facet(kind))?;

        // Graph answers 200 with the entry; a service that answers 204 gets a read.
        if answer.body.iter().all(u8::is_ascii_whitespace) {
            return self.get_answer(user, kind, id, &[]).await;
        }
        Ok(answer)
    }

    /// Deletes an entry.
    ///
    /// A delete repeated after a broken connection may find the entry already gone;
    /// that 404 counts as success, since the first attempt did the work.
    pub async fn delete(&self, user: &UserRef, kind: FacetKind, id: &str) -> Result<(), Error> {
        let path = path::entry_path(user, kind, id)?;
        let call = Call {
            method: Method::DELETE,
            url: self.transport().url(&path, "")?,
            body: None,
            log_path: LogPath::Entry(kind),
            replay: Replay::Safe,
        };
        let mut state = RetryState::new(self.inner.config.retry);
        let client_request_id = new_client_request_id();
        match self.transport().execute(&call, &mut state, &client_request_id).await {
            Ok(_) => Ok(()),
            Err(failure) => {
                let error = failure.into_error();
                if error.kind() == ErrorKind::NotFound && state.outcome_unknown {
                    return Ok(());
                }
                Err(error.with_facet(kind))
            }
        }
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    pub(crate) fn retry_state(&self) -> RetryState {
        RetryState::new(self.inner.config.retry)
    }

    /// Sends a call that is safe to repeat, with a fresh `client-request-id`.
    pub(crate) async fn execute(&self, call: &Call) -> Result<Answer, Error> {
        let mut state = self.retry_state();
        let client_request_id = new_client_request_id();
        self.transport()
            .execute(call, &mut state, &client_request_id)
            .await
            .map_err(http::Failure::into_error)
    }
}

/// Runs `future` until it ends or `cancel` fires, whichever is first; a cancelled
/// operation returns `ErrorKind::Cancelled` and sends nothing further.
pub async fn cancellable<T>(
    cancel: Option<&CancellationToken>,
    future: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let Some(cancel) = cancel else {
        return future.await;
    };
    tokio::select! {
        biased;
        () = cancel.cancelled() => {
            Err(Error::new(ErrorKind::Cancelled, "the operation was cancelled"))
        }
        result = future => result,
    }
}

/// The token source `config.auth` asks for; `None` for no `Authorization` header.
fn provider_for(
    config: &ClientConfig,
    http: &reqwest::Client,
) -> Result<Option<Arc<dyn TokenProvider>>, Error> {
    let endpoint = |tenant_id: &str, client_id: &str, scopes: &[String]| {
        let scopes = if scopes.is_empty() { default_scopes(config)? } else { scopes.to_vec() };
        let authority = config.resolved_authority_url()?;
        OAuthEndpoint::new(http.clone(), authority, tenant_id, client_id, scopes)
    };
    let cached = |provider: Arc<dyn TokenProvider>| -> Option<Arc<dyn TokenProvider>> {
        Some(Arc::new(TokenCache::new(provider)))
    };

    Ok(match &config.auth {
        AuthConfig::None => None,
        AuthConfig::Token { token } => {
            if token.trim().is_empty() {
                return Err(Error::config("auth.token must not be empty"));
            }
            Some(Arc::new(StaticToken::new(token.clone())))
        }
        AuthConfig::ClientCredentials { tenant_id, client_id, client_secret, scopes } => {
            let endpoint = endpoint(tenant_id, client_id, scopes)?;
            cached(Arc::new(ClientCredentials::new(endpoint, client_secret.clone())))
        }
        AuthConfig::DeviceCode { tenant_id, client_id, scopes } => {
            let Some(prompt) = &config.device_code_prompt else {
                return Err(Error::config(
                    "device code sign-in needs a prompt callback \
                     (ClientConfig::with_device_code_prompt)",
                ));
            };
            let endpoint = endpoint(tenant_id, client_id, scopes)?;
            cached(Arc::new(DeviceCode::new(endpoint, Arc::clone(&prompt.0))))
        }
        AuthConfig::RefreshToken { tenant_id, client_id, refresh_token, scopes } => {
            let endpoint = endpoint(tenant_id, client_id, scopes)?;
            cached(Arc::new(RefreshTokenGrant::new(endpoint, refresh_token.clone())))
        }
        AuthConfig::Callback => {
            return Err(Error::config(
                "auth type 'callback' needs the host's token callback: \
                 use Client::with_token_provider",
            ));
        }
    })
}

/// `{cloud's Graph host}/.default`: every permission the application was granted.
///
/// The cloud names the resource even when `graphUrl` points elsewhere (an emulator
/// or a proxy stands in for that cloud's Graph).
fn default_scopes(config: &ClientConfig) -> Result<Vec<String>, Error> {
    let graph_url = url::Url::parse(config.cloud.graph_url())
        .map_err(|e| Error::config(format!("cannot read the cloud's Graph URL: {e}")))?;
    let origin = graph_url.origin().ascii_serialization();
    Ok(vec![format!("{origin}/.default")])
}

/// Wraps a host callback as a token provider.
pub fn callback_provider(
    callback: impl Fn() -> Result<String, String> + Send + Sync + 'static,
) -> Arc<dyn TokenProvider> {
    Arc::new(CallbackToken::new(Arc::new(callback)))
}

/// A random (version 4) UUID, from the thread's generator rather than a system call
/// per request.
fn new_client_request_id() -> String {
    let bytes: [u8; 16] = rand::random();
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

fn to_body(value: &impl serde::Serialize) -> Result<Bytes, Error> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|e| Error::new(ErrorKind::Validation, format!("cannot serialize: {e}")))
}

/// Reads an answer's JSON body as `T` (a `Value`, or a model struct).
fn json_body<T: serde::de::DeserializeOwned>(answer: &Answer) -> Result<T, Error> {
    serde_json::from_slice(&answer.body).map_err(|e| {
        Error::new(
            ErrorKind::Service,
            format!("the service answered {} with a body that is not JSON: {e}", answer.status),
        )
    })
}

/// Validates a draft and drops the fields the service sets.
fn prepare_draft(kind: FacetKind, draft: Value) -> Result<Map<String, Value>, Error> {
    crate::validate::prepare_draft(kind, draft).map_err(Error::from)
}

/// Validates a patch and drops the fields the service sets; nulls stay (they clear).
fn prepare_patch(kind: FacetKind, patch: Value) -> Result<Map<String, Value>, Error> {
    crate::validate::prepare_patch(kind, patch).map_err(Error::from)
}
