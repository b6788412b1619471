//! What every handler shares.

use std::sync::Arc;

use crate::config::EmulatorConfig;
use crate::store::Store;

/// The emulator's shared state, cheap to clone (every field is an `Arc`).
#[derive(Clone)]
pub struct AppState {
    /// Tenants, users and profile entries.
    pub store: Arc<Store>,
    pub config: Arc<EmulatorConfig>,
    /// `http://127.0.0.1:PORT`, known once the listener is bound.
    pub base_url: Arc<str>,
    /// Signs and checks tokens (sign-in, `authorize`).
    pub authority: Arc<crate::auth::Authority>,
    /// Throttling, faults and latency.
    pub faults: Arc<crate::faults::Faults>,
    /// Every request, for tests to inspect.
    pub journal: Arc<crate::journal::Journal>,
}

impl AppState {
    /// The Graph root the emulator serves: `base_url` + `/beta`.
    pub fn graph_url(&self) -> String {
        format!("{}/beta", self.base_url)
    }
}
