//! Typed models of the profile facets: one struct per facet for what the service
//! returns, a draft per facet for a create, a patch per facet for an update.

mod audiences;
mod date;

pub use audiences::AUDIENCE_MEMBERS;
pub use date::{Date, DateParseError};
