//! One tokio runtime per process, and the two ways Python waits on it.
//!
//! The runtime is made on first use and made again in a child after `fork()`: the
//! parent's worker threads do not exist in the child, so its runtime is left alone
//! (leaked; dropping it would wait for threads that are gone).  The process id tells
//! the two apart.
//!
//! Synchronous calls block in [`wait`] with the GIL released, waking now and then to
//! let Python run its signal handlers, so Ctrl+C interrupts a long call (the future
//! is dropped, which cancels the core's request; a call given a cancellation token,
//! see [`wait_cancellable`], is stopped through the token instead).  Async calls go
//! through pyo3-async-runtimes' generic layer with [`ProcessRuntime`] as its runtime.

use std::cell::OnceCell;
use std::future::Future;
use std::pin::Pin;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::time::Duration;

use graph_profile::CancellationToken;
use pyo3::prelude::*;
use pyo3_async_runtimes::TaskLocals;
use pyo3_async_runtimes::generic::{ContextExt, Runtime as AsyncRuntime};
use tokio::runtime::Runtime;

use crate::errors::to_py_err;

/// How often a blocked call looks for Python signals (Ctrl+C).
const SIGNAL_POLL: Duration = Duration::from_millis(100);

struct ProcessSlot {
    pid: u32,
    runtime: Runtime,
}

static CURRENT: AtomicPtr<ProcessSlot> = AtomicPtr::new(ptr::null_mut());

/// The runtime of this process, made on first use and again after `fork()`.
pub fn runtime() -> &'static Runtime {
    let pid = std::process::id();
    loop {
        let current = CURRENT.load(Ordering::Acquire);
        // SAFETY: a slot, once published, is never freed (see below), so the pointer
        // stays valid for the life of the process.
        if let Some(slot) = unsafe { current.as_ref() } {
            if slot.pid == pid {
                return &slot.runtime;
            }
        }

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("graph-profile")
            .enable_all()
            .build()
            .expect("the tokio runtime could not start");
        let fresh = Box::into_raw(Box::new(ProcessSlot { pid, runtime }));
        // The old slot (another process's runtime, or none) is leaked, never dropped.
        // A thread that lost the race leaks its fresh one too: dropping a runtime from
        // a thread that may be inside another runtime panics, and this is rare.
        if CURRENT.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire).is_ok() {
            // SAFETY: just published, never freed.
            return unsafe { &(*fresh).runtime };
        }
    }
}

/// Runs a core future to its end with the GIL released; Ctrl+C (any exception from a
/// Python signal handler) drops the future and raises.
pub fn wait<F, T>(py: Python<'_>, future: F) -> PyResult<T>
where
    F: Future<Output = Result<T, graph_profile::Error>> + Send,
    T: Send,
{
    let runtime = runtime();
    let mut future = std::pin::pin!(future);
    loop {
        let step = py.detach(|| {
            runtime.block_on(async { tokio::time::timeout(SIGNAL_POLL, future.as_mut()).await })
        });
        match step {
            Ok(result) => return result.map_err(|error| to_py_err(py, error)),
            Err(_elapsed) => py.check_signals()?,
        }
    }
}

/// Like [`wait`], for a core call that takes a cancellation token: Ctrl+C fires the
/// token and the call is left to stop on its own (a sync apply then marks what is left
/// not done and makes its journal durable) before the signal's exception is raised.
/// A second Ctrl+C drops the call at once.
pub fn wait_cancellable<F, T>(
    py: Python<'_>,
    call: impl FnOnce(CancellationToken) -> F,
) -> PyResult<T>
where
    F: Future<Output = Result<T, graph_profile::Error>> + Send,
    T: Send,
{
    let cancel = CancellationToken::new();
    let runtime = runtime();
    let mut future = std::pin::pin!(call(cancel.clone()));
    let mut interrupt: Option<PyErr> = None;
    loop {
        let step = py.detach(|| {
            runtime.block_on(async { tokio::time::timeout(SIGNAL_POLL, future.as_mut()).await })
        });
        match step {
            Ok(result) => {
                return match interrupt {
                    Some(signal) => Err(signal),
                    None => result.map_err(|error| to_py_err(py, error)),
                };
            }
            Err(_elapsed) => {
                if let Err(signal) = py.check_signals() {
                    if interrupt.is_some() {
                        // A second Ctrl+C: stop waiting for the call to wind down.
                        return Err(signal);
                    }
                    cancel.cancel();
                    interrupt = Some(signal);
                }
            }
        }
    }
}

/// Turns a core future into a Python awaitable running on the process runtime.
/// Cancelling the awaitable (asyncio task cancel) drops the future.
pub fn awaitable<'py, F, T>(py: Python<'py>, future: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, graph_profile::Error>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    pyo3_async_runtimes::generic::future_into_py::<ProcessRuntime, _, _>(py, async move {
        future.await.map_err(|error| Python::attach(|py| to_py_err(py, error)))
    })
}

/// pyo3-async-runtimes' view of the process runtime.
pub struct ProcessRuntime;

tokio::task_local! {
    static TASK_LOCALS: OnceCell<TaskLocals>;
}

impl AsyncRuntime for ProcessRuntime {
    type JoinError = tokio::task::JoinError;
    type JoinHandle = tokio::task::JoinHandle<()>;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        runtime().spawn(fut)
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        runtime().spawn_blocking(f)
    }
}

impl ContextExt for ProcessRuntime {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS.try_with(|cell| cell.get().cloned()).unwrap_or_default()
    }
}
