//! The logging callback: the core's `tracing` events forwarded to a C function.
//!
//! One callback serves the whole process.  A `tracing` subscriber is installed the
//! first time a callback is set; it formats each event as `message key=value ...`
//! and calls the host with the level, the target (the Rust module path) and that
//! text.  Events of the library (`graph_profile::...`) pass up to the level asked
//! for; those of the crates below it (HTTP, runtime) only at warn and error.  Fields whose names suggest a credential are dropped here as a second line
//! of defence: the core never logs tokens, secrets or bodies in the first place.

use std::ffi::{c_char, c_void};
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Once, RwLock};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

use crate::guard::{forbid_in_callback, guard, in_callback};
use crate::last_error::{FfiError, c_string_lossy};
use crate::result::gp_result;

/// How much is logged; each level includes the ones above it.
#[allow(non_camel_case_types)]
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum gp_log_level {
    /// Nothing: the callback is never called.
    GP_LOG_OFF = 0,
    /// Failures the host should see.
    GP_LOG_ERROR = 1,
    /// What the user should act on (a retry after throttling, a token about to expire).
    GP_LOG_WARN = 2,
    /// Rare milestones.
    GP_LOG_INFO = 3,
    /// One line per request: method, path without the user, status, request id, time.
    GP_LOG_DEBUG = 4,
    /// Everything.
    GP_LOG_TRACE = 5,
}

/// Receives one log event.  `target` and `message` are UTF-8, NUL-terminated, and
/// valid only during the call.  May be called from any thread, also several at once;
/// it must not call `gp_` functions that take a client (they give
/// `GP_ERR_REENTRANT_CALL`).
#[allow(non_camel_case_types)]
pub type gp_log_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        level: gp_log_level,
        target: *const c_char,
        message: *const c_char,
    ),
>;

/// The host's callback and its user-data pointer.
#[derive(Clone, Copy)]
struct Sink {
    callback: unsafe extern "C" fn(*mut c_void, gp_log_level, *const c_char, *const c_char),
    user_data: *mut c_void,
}

// SAFETY: the host promises (in the header) that the callback and its user data may be
// used from any thread; the library only passes the pointer back.
unsafe impl Send for Sink {}
unsafe impl Sync for Sink {}

static SINK: RwLock<Option<Sink>> = RwLock::new(None);
static MAX_LEVEL: AtomicI32 = AtomicI32::new(gp_log_level::GP_LOG_OFF as i32);

thread_local! {
    /// Set while this thread is forwarding an event, so an event raised by the
    /// forwarding itself is dropped rather than recursing.
    static FORWARDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

const fn level_number(level: &Level) -> i32 {
    match *level {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
    }
}

const fn level_of(number: i32) -> gp_log_level {
    match number {
        1 => gp_log_level::GP_LOG_ERROR,
        2 => gp_log_level::GP_LOG_WARN,
        3 => gp_log_level::GP_LOG_INFO,
        4 => gp_log_level::GP_LOG_DEBUG,
        _ => gp_log_level::GP_LOG_TRACE,
    }
}

/// Field names never forwarded, whatever logs them.
fn looks_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["token", "secret", "password", "authorization", "assertion", "cookie"]
        .iter()
        .any(|word| name.contains(word))
}

/// Collects an event's fields into one line.
#[derive(Default)]
struct Line {
    message: String,
    fields: String,
}

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else if !looks_secret(field.name()) {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else if !looks_secret(field.name()) {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }
}

/// The `tracing` layer that hands events to the host.
struct ForwardLayer;

impl<S: Subscriber> Layer<S> for ForwardLayer {
    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        let mut max = MAX_LEVEL.load(Ordering::Relaxed);
        // The HTTP stack's own debug lines (connection pool, handshakes) would drown the
        // core's one line per request; from other crates only warnings and errors pass.
        if !metadata.target().starts_with("graph_profile") {
            max = max.min(gp_log_level::GP_LOG_WARN as i32);
        }
        level_number(metadata.level()) <= max
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if FORWARDING.with(|flag| flag.replace(true)) {
            return;
        }

        // The read lock is held while the host's callback runs, so that
        // `gp_set_log_callback` returns only once no call of the old callback is running.
        let sink = SINK.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(sink) = *sink {
            let mut line = Line::default();
            event.record(&mut line);
            let text = format!("{}{}", line.message, line.fields);
            let message = c_string_lossy(text.trim_start());
            let target = c_string_lossy(event.metadata().target());
            let level = level_of(level_number(event.metadata().level()));
            // SAFETY: the host gave this function pointer for exactly this call; the
            // strings live until it returns.
            in_callback(|| unsafe {
                (sink.callback)(sink.user_data, level, target.as_ptr(), message.as_ptr())
            });
        }
        drop(sink);

        FORWARDING.with(|flag| flag.set(false));
    }
}

/// Installs the forwarding subscriber once for the library.
fn install_subscriber() -> Result<(), FfiError> {
    static INSTALL: Once = Once::new();
    let mut outcome = Ok(());
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(ForwardLayer);
        if let Err(error) = tracing::subscriber::set_global_default(subscriber) {
            outcome = Err(FfiError::new(
                gp_result::GP_ERR_INTERNAL,
                format!("could not install the log forwarding: {error}"),
            ));
        }
    });
    outcome
}

/// Sets the process-wide log callback, replacing any earlier one.
///
/// `callback`: NULL turns forwarding off.  `user_data`: passed back on every call,
/// never read; may be NULL.  `max_level`: the most detailed level forwarded, one of
/// `gp_log_level` (`GP_LOG_OFF` turns forwarding off as well).  Events carry no tokens,
/// secrets or bodies.  When it returns, no call of the previous callback is running, so
/// its `user_data` may be released.  Returns `GP_ERR_INVALID_ARGUMENT` for a level out
/// of range, and `GP_ERR_REENTRANT_CALL` when called from inside a library callback.
#[unsafe(no_mangle)]
pub extern "C" fn gp_set_log_callback(
    callback: gp_log_callback,
    user_data: *mut c_void,
    max_level: i32,
) -> gp_result {
    guard("gp_set_log_callback", || {
        forbid_in_callback("gp_set_log_callback")?;
        if !(0..=5).contains(&max_level) {
            return Err(FfiError::new(
                gp_result::GP_ERR_INVALID_ARGUMENT,
                format!("argument 'max_level' is {max_level}; expected 0 (off) to 5 (trace)"),
            ));
        }
        install_subscriber()?;

        let sink = callback.map(|callback| Sink { callback, user_data });
        let level = if sink.is_some() { max_level } else { 0 };
        *SINK.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = sink;
        MAX_LEVEL.store(level, Ordering::Relaxed);
        // Call sites cache whether they are enabled; make them ask again.
        tracing::callsite::rebuild_interest_cache();
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;
    use std::sync::Mutex;

    use super::*;

    static SEEN: Mutex<Vec<(i32, String, String)>> = Mutex::new(Vec::new());

    unsafe extern "C" fn remember(
        user_data: *mut c_void,
        level: gp_log_level,
        target: *const c_char,
        message: *const c_char,
    ) {
        assert_eq!(user_data as usize, 42);
        let target = unsafe { CStr::from_ptr(target) }.to_string_lossy().into_owned();
        let message = unsafe { CStr::from_ptr(message) }.to_string_lossy().into_owned();
        SEEN.lock().unwrap().push((level as i32, target, message));
    }

    #[test]
    fn events_reach_the_callback_with_level_target_and_message_but_no_secret() {
        let user_data = std::ptr::without_provenance_mut(42);
        let code = gp_set_log_callback(Some(remember), user_data, 4);
        assert_eq!(code, gp_result::GP_OK);

        tracing::debug!(status = 200, access_token = "eyJ-secret", "request done");
        tracing::trace!("too detailed");
        tracing::debug!(target: "hyper_util::pool", "connection pool noise");
        tracing::warn!(target: "hyper_util::pool", "a warning from below");
        assert_eq!(gp_set_log_callback(None, std::ptr::null_mut(), 0), gp_result::GP_OK);
        tracing::error!("after the callback was removed");

        let seen = SEEN.lock().unwrap().clone();
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert_eq!(seen[1].1, "hyper_util::pool");
        let (level, target, message) = &seen[0];
        assert_eq!(*level, gp_log_level::GP_LOG_DEBUG as i32);
        assert!(target.contains("log"), "{target}");
        assert!(message.starts_with("request done"), "{message}");
        assert!(message.contains("status=200"), "{message}");
        assert!(!message.contains("eyJ"), "{message}");

        assert_eq!(gp_set_log_callback(None, std::ptr::null_mut(), 9), {
            gp_result::GP_ERR_INVALID_ARGUMENT
        });
    }
}
