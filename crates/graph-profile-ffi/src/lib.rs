//! `libgraph_profile`: the C ABI over the graph-profile core.
//!
//! Glue only: every export checks its arguments, calls `graph_profile`'s
//! `BlockingClient`, and turns the outcome into a result code, a JSON string, and
//! the thread's last error.  The rules of the ABI (result codes, ownership, threads,
//! NULL) are written at the top of `bindings/c/graph_profile.h`, generated from this
//! crate by cbindgen, and in `bindings/c/README.md`.
//!
//! Modules, one subject each: `result` (codes), `last_error` (error detail), `guard`
//! (the wrapper and argument checks), `handles` (handle tables), `strings`
//! (`gp_string_free`), `version`, `client`, `facet` (operations), `sync` (bulk sync and
//! the expiry report), `cancel`, `log`, and `backend` (the calls into the core).

// The C names (`gp_client`, `GP_OK`) are the ABI's; Rust naming would change the header.
#![allow(non_camel_case_types)]

mod backend;
pub mod cancel;
pub mod client;
pub mod facet;
pub mod guard;
mod handles;
pub mod last_error;
pub mod log;
pub mod result;
pub mod strings;
pub mod sync;
pub mod version;

#[cfg(test)]
mod bench;
#[cfg(test)]
mod header_check;
