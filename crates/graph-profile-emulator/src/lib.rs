//! graph-profile-emulator: a local service that answers like the Microsoft Graph beta
//! profile API (directory, the 19 profile facets, OData queries, `$batch`), with a
//! minimal sign-in authority, throttling and faults, so every test suite and the
//! quickstart have a Graph to talk to.
//!
//! ```no_run
//! # async fn demo() -> Result<(), graph_profile_emulator::EmulatorError> {
//! use graph_profile_emulator::{DbLocation, EmulatorConfig};
//! let config = EmulatorConfig { db: DbLocation::Memory, demo: true, ..Default::default() };
//! let emulator = graph_profile_emulator::start(config).await?;
//! println!("{}", emulator.graph_url());
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```

pub mod auth;
mod batch;
pub mod card;
mod config;
pub mod demo;
mod directory;
mod entry_rules;
pub mod error;
pub mod faults;
mod graph;
pub mod journal;
mod odata;
mod paths;
mod profile;
mod server;
pub mod state;
pub mod store;
mod timestamp;

pub use config::{DbLocation, EmulatorConfig};
pub use server::{BackgroundEmulator, EmulatorError, RunningEmulator, spawn_background, start};
