//! graph-profile: typed, validated, retried and batched access to the Microsoft Graph
//! beta profile API (`/users/{user}/profile/...`).
//!
//! Every other layer of the project (the C ABI, the PowerShell module, the Python
//! package, the command line) calls this crate and holds no Graph logic of its own.

mod facet_kind;
pub mod model;
pub mod schema;
pub mod validate;

pub use facet_kind::{FacetKind, UnknownFacet};
pub use validate::ValidationError;
