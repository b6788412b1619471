//! How long-running sync work reports its progress (the command line draws bars).

/// The stages of a sync, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the current entries: counts users' facets.
    Reading,
    /// Writing: counts entries created, updated or deleted.
    Writing,
}

/// Receives progress; every method has a do-nothing default.  Called from the
/// tasks doing the work, so it must be cheap and thread-safe.
pub trait Progress: Send + Sync {
    /// A stage begins with `total` units of work.
    fn start(&self, _stage: Stage, _total: u64) {}
    /// `done` more units finished (successfully or not).
    fn advance(&self, _done: u64) {}
    /// A short status line (the current pace, a wait for `Retry-After`).
    fn status(&self, _text: &str) {}
    /// The stage ended.
    fn finish(&self) {}
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}
