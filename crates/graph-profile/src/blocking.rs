//! A synchronous front over [`Client`] for the C ABI, Python and PowerShell.

use std::future::Future;
use std::sync::Arc;

use futures::{Stream, StreamExt};
use serde_json::Value;
use tokio::runtime::Runtime;
use tokio_util::sync::CancellationToken;

use crate::FacetKind;
use crate::auth::TokenProvider;
use crate::client::{BatchRequest, BatchResponse, Client, ListQuery, UserRef, cancellable};
use crate::config::ClientConfig;
use crate::error::Error;

/// The same operations as [`Client`], each blocking the calling thread and each
/// cancellable with a [`CancellationToken`] fired from another thread.
///
/// Owns a multi-thread tokio runtime.  Do not call it from inside an async task:
/// blocking there would stall the task's own runtime.
#[derive(Clone)]
pub struct BlockingClient {
    client: Client,
    runtime: Arc<Runtime>,
}

impl std::fmt::Debug for BlockingClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingClient").field("client", &self.client).finish()
    }
}

impl BlockingClient {
    /// A client signing in as `config.auth` says, with its own runtime.
    pub fn new(config: ClientConfig) -> Result<BlockingClient, Error> {
        let runtime = new_runtime()?;
        // reqwest needs the runtime's reactor only when a request runs, not to build.
        let client = Client::new(config)?;
        Ok(BlockingClient { client, runtime })
    }

    /// A client taking its tokens from `provider` (the host's callback).
    pub fn with_token_provider(
        config: ClientConfig,
        provider: Arc<dyn TokenProvider>,
    ) -> Result<BlockingClient, Error> {
        let runtime = new_runtime()?;
        let client = Client::with_token_provider(config, provider)?;
        Ok(BlockingClient { client, runtime })
    }

    /// The async client inside, for futures given to [`BlockingClient::run`].
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Runs any future on the runtime and waits for it; `ErrorKind::Cancelled` as
    /// soon as `cancel` fires (the future is dropped, so nothing further is sent).
    pub fn run<T>(
        &self,
        cancel: Option<&CancellationToken>,
        future: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        self.runtime.block_on(cancellable(cancel, future))
    }

    /// Every entry of a facet, following each `@odata.nextLink`.
    pub fn list(
        &self,
        user: &UserRef,
        kind: FacetKind,
        query: &ListQuery,
        cancel: Option<&CancellationToken>,
    ) -> Result<Vec<Value>, Error> {
        self.run(cancel, self.client.list(user, kind, query))
    }

    /// The pages of a facet, fetched one at a time as the iterator is advanced.
    pub fn list_pages(
        &self,
        user: &UserRef,
        kind: FacetKind,
        query: &ListQuery,
        cancel: Option<CancellationToken>,
    ) -> BlockingPages {
        BlockingPages {
            pages: Box::pin(self.client.list_pages(user, kind, query)),
            runtime: Arc::clone(&self.runtime),
            cancel,
            done: false,
        }
    }

    /// One entry by id.
    pub fn get(
        &self,
        user: &UserRef,
        kind: FacetKind,
        id: &str,
        select: &[String],
        cancel: Option<&CancellationToken>,
    ) -> Result<Value, Error> {
        self.run(cancel, self.client.get(user, kind, id, select))
    }

    /// Creates an entry; see [`Client::create`].
    pub fn create(
        &self,
        user: &UserRef,
        kind: FacetKind,
        draft: Value,
        cancel: Option<&CancellationToken>,
    ) -> Result<Value, Error> {
        self.run(cancel, self.client.create(user, kind, draft))
    }

    /// Updates an entry; see [`Client::update`].
    pub fn update(
        &self,
        user: &UserRef,
        kind: FacetKind,
        id: &str,
        patch: Value,
        cancel: Option<&CancellationToken>,
    ) -> Result<Value, Error> {
        self.run(cancel, self.client.update(user, kind, id, patch))
    }

    /// Deletes an entry.
    pub fn delete(
        &self,
        user: &UserRef,
        kind: FacetKind,
        id: &str,
        cancel: Option<&CancellationToken>,
    ) -> Result<(), Error> {
        self.run(cancel, self.client.delete(user, kind, id))
    }

    /// Sends requests through `$batch`; see [`Client::batch`].
    pub fn batch(
        &self,
        requests: Vec<BatchRequest>,
        cancel: Option<&CancellationToken>,
    ) -> Result<Vec<BatchResponse>, Error> {
        self.run(cancel, self.client.batch(requests))
    }
}

/// The pages of a list, as a blocking iterator.
pub struct BlockingPages {
    pages: std::pin::Pin<Box<dyn Stream<Item = Result<Vec<Value>, Error>> + Send>>,
    runtime: Arc<Runtime>,
    cancel: Option<CancellationToken>,
    done: bool,
}

impl Iterator for BlockingPages {
    type Item = Result<Vec<Value>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let pages = &mut self.pages;
        let next = self
            .runtime
            .block_on(cancellable(self.cancel.as_ref(), async { Ok(pages.next().await) }));
        match next {
            Ok(Some(page)) => {
                self.done = page.is_err();
                Some(page)
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(cancelled) => {
                self.done = true;
                Some(Err(cancelled))
            }
        }
    }
}

fn new_runtime() -> Result<Arc<Runtime>, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("graph-profile")
        .build()
        .map(Arc::new)
        .map_err(|e| Error::config(format!("cannot start the async runtime: {e}")))
}
