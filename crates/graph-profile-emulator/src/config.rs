//! What an emulator is started with.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the emulator keeps its data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DbLocation {
    /// `emulator.sqlite3` in the user's data folder (`$XDG_DATA_HOME/graph-profile` on Linux).
    #[default]
    Default,
    /// Nothing on disk: everything is gone when the emulator stops.
    Memory,
    /// A SQLite file, created when missing.
    File(PathBuf),
}

impl DbLocation {
    /// Reads the `--db` argument: `:memory:` or a path.
    pub fn parse(arg: &str) -> DbLocation {
        if arg == ":memory:" { DbLocation::Memory } else { DbLocation::File(PathBuf::from(arg)) }
    }
}

/// How to start an emulator.  Build it with `..Default::default()` so fields added
/// later keep callers compiling.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Address to listen on; port 0 picks a free one.  Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    pub db: DbLocation,
    /// Seed the demo tenant and its users (see `demo`).
    pub demo: bool,
    /// Entries per page of a list before `@odata.nextLink`.  Default 100.
    pub page_size: usize,
    /// Largest request body accepted; larger ones get 413.  Default 4 MiB.
    pub max_body_bytes: usize,
    /// Requests handled at once; more wait their turn (back-pressure).  Default 512.
    pub max_concurrent_requests: usize,
    /// Sign-in settings (the auth module's).
    pub auth: crate::auth::AuthConfig,
    /// Throttling, faults and latency (the faults module's).
    pub faults: crate::faults::FaultsConfig,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: DbLocation::Default,
            demo: false,
            page_size: 100,
            max_body_bytes: 4 * 1024 * 1024,
            max_concurrent_requests: 512,
            auth: Default::default(),
            faults: Default::default(),
        }
    }
}
