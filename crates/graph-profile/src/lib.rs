//! graph-profile: typed, validated, retried and batched access to the Microsoft Graph
//! beta profile API (`/users/{user}/profile/...`).
//!
//! Every other layer of the project (the C ABI, the PowerShell module, the Python
//! package, the command line) calls this crate and holds no Graph logic of its own.

pub mod auth;
pub mod blocking;
pub mod client;
pub mod config;
pub mod error;
mod facet_kind;
pub mod model;
pub mod schema;
pub mod sync;
pub mod validate;

pub use facet_kind::{FacetKind, UnknownFacet};
pub use validate::ValidationError;

pub use auth::{AccessToken, TokenProvider};
pub use blocking::BlockingClient;
pub use client::{
    BatchRequest, BatchResponse, Client, FacetApi, ListQuery, UserRef, callback_provider,
    cancellable,
};
pub use config::{AuthConfig, ClientConfig, Cloud, RetryPolicy};
pub use error::{Error, ErrorKind};
pub use tokio_util::sync::CancellationToken;
