//! Starting and stopping the server: the router, its layers, the listener.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::any;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::EmulatorConfig;
use crate::error::request_ids_middleware;
use crate::state::AppState;
use crate::store::{Store, StoreError};
use crate::{auth, card, faults, graph, journal};

/// How long open connections get to finish after a shutdown is asked for.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("cannot listen on {address}: {source}")]
    Bind { address: std::net::SocketAddr, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot start the emulator's runtime: {0}")]
    Runtime(std::io::Error),
}

/// A started emulator, serving on the caller's tokio runtime.
#[derive(Debug)]
pub struct RunningEmulator {
    base_url: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl RunningEmulator {
    /// `http://127.0.0.1:PORT`: the sign-in host and the root of `/emulator/...`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The Graph root: `base_url` + `/beta`.
    pub fn graph_url(&self) -> String {
        format!("{}/beta", self.base_url)
    }

    /// Stops accepting, lets open requests finish (a few seconds at most), closes the
    /// database.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Opens the store, binds the listener and starts serving in a task.
pub async fn start(config: EmulatorConfig) -> Result<RunningEmulator, EmulatorError> {
    let store = tokio::task::spawn_blocking({
        let config = config.clone();
        move || -> Result<Store, StoreError> {
            let store = Store::open(&config.db)?;
            if config.demo {
                store.seed_demo()?;
            }
            Ok(store)
        }
    })
    .await
    .map_err(|e| EmulatorError::Runtime(std::io::Error::other(e)))??;

    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| EmulatorError::Bind { address: config.listen, source })?;
    let address = listener
        .local_addr()
        .map_err(|source| EmulatorError::Bind { address: config.listen, source })?;
    let base_url = format!("http://{address}");

    let state = AppState {
        store: Arc::new(store),
        authority: Arc::new(auth::Authority::new(&config.auth)),
        faults: Arc::new(faults::Faults::new(&config.faults)),
        journal: Arc::new(journal::Journal::new()),
        config: Arc::new(config),
        base_url: base_url.clone().into(),
    };
    let app = router(state);

    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let (closing, closed) = oneshot::channel::<()>();
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
            let _ = closing.send(());
        });
        let mut serve = std::pin::pin!(serve.into_future());
        tokio::select! {
            result = &mut serve => {
                if let Err(error) = result {
                    tracing::warn!(%error, "the emulator stopped serving");
                }
            }
            () = async {
                let _ = closed.await;
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } => {
                tracing::warn!("connections still open after the grace period; closing them");
            }
        }
    });

    tracing::info!(%base_url, "emulator listening");
    Ok(RunningEmulator { base_url, stop, task })
}

/// Every route and layer.  Layers, outermost first: request ids, back-pressure, the
/// journal, faults; then the routes.
fn router(state: AppState) -> Router {
    let limit = state.config.max_concurrent_requests.max(1);
    let body_limit = state.config.max_body_bytes;
    Router::new()
        .route("/beta", any(graph::handle))
        .route("/beta/", any(graph::handle))
        .route("/beta/{*rest}", any(graph::handle))
        .merge(auth::routes())
        .merge(faults::routes())
        .merge(journal::routes())
        .merge(card::routes())
        .fallback(graph::unknown_route)
        .method_not_allowed_fallback(graph::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), faults::middleware))
        .layer(axum::middleware::from_fn_with_state(state.clone(), journal::middleware))
        // Graph handlers read bodies themselves, with this limit and a Graph-shaped 413;
        // the limit also bounds the extractors of the sign-in and config routes.
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(limit))
        .layer(axum::middleware::from_fn(request_ids_middleware))
        .with_state(state)
}

/// An emulator on its own thread and tokio runtime, for synchronous callers (tests
/// in other crates, the C ABI's tests).  Dropping it shuts it down.
#[derive(Debug)]
pub struct BackgroundEmulator {
    base_url: String,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackgroundEmulator {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The Graph root: `base_url` + `/beta`.
    pub fn graph_url(&self) -> String {
        format!("{}/beta", self.base_url)
    }

    /// Stops the emulator and waits for its thread.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for BackgroundEmulator {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Starts an emulator on a new thread with its own two-worker runtime and returns
/// once it is listening.
pub fn spawn_background(config: EmulatorConfig) -> Result<BackgroundEmulator, EmulatorError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("graph-profile-emulator")
        .enable_all()
        .build()
        .map_err(EmulatorError::Runtime)?;
    let (started, on_start) = std::sync::mpsc::channel();
    let (stop, stopped) = oneshot::channel::<()>();

    let thread = std::thread::Builder::new()
        .name("graph-profile-emulator".into())
        .spawn(move || {
            runtime.block_on(async move {
                match start(config).await {
                    Ok(emulator) => {
                        let _ = started.send(Ok(emulator.base_url().to_owned()));
                        let _ = stopped.await;
                        emulator.shutdown().await;
                    }
                    Err(error) => {
                        let _ = started.send(Err(error));
                    }
                }
            });
        })
        .map_err(EmulatorError::Runtime)?;

    match on_start.recv() {
        Ok(Ok(base_url)) => {
            Ok(BackgroundEmulator { base_url, stop: Some(stop), thread: Some(thread) })
        }
        Ok(Err(error)) => {
            let _ = thread.join();
            Err(error)
        }
        Err(_) => Err(EmulatorError::Runtime(std::io::Error::other("the emulator thread died"))),
    }
}
