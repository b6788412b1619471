//! Bulk work: sync a desired state (CSV or JSON) into users' profiles, and report
//! certifications that expire.
//!
//! The steps, each usable on its own:
//! 1. [`DesiredState`]: read and check the input, row by row ([`desired`]).
//! 2. [`plan`]: read the current entries of every user concerned (batched) and
//!    compare ([`diff`], pure): creates, updates with the fields that change,
//!    deletes (only with `prune`), unchanged.  A plan changes nothing.
//! 3. [`apply()`]: plan again against the live entries and carry the plan out
//!    through `$batch`, at a pace that follows the service's throttling, resumable
//!    through a local journal ([`apply`], [`pace`], [`journal`]).
//! 4. [`expiry_report`]: certifications expired or expiring within N days.
//!
//! Which existing entry a row describes is decided by its key ([`key`]).
//!
//! Bindings (C, PowerShell, Python) call [`plan_request`] and [`apply_request`] with
//! a [`SyncRequest`] built from JSON, and get JSON-serialisable results back.

pub mod apply;
pub mod current;
pub mod desired;
pub mod diff;
pub mod expiry;
pub mod journal;
pub mod key;
pub mod pace;
pub mod plan;
pub mod progress;
pub mod render;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub use apply::{
    ApplyOptions, ApplyReport, ApplyStats, ApplySummary, EntryOutcome, Outcome, apply,
};
pub use current::{CurrentState, read_current};
pub use desired::{DesiredEntry, DesiredState, InputFormat, ReadOptions, RowError};
pub use diff::{PlanOptions, diff};
pub use expiry::{
    ExpiringCertification, ExpiryOptions, ExpiryReport, ExpiryStatus, expiry_report, tenant_users,
};
pub use key::{EntryKey, entry_key};
pub use plan::{Action, FieldChange, Plan, PlanItem, PlanSummary};
pub use progress::{NoProgress, Progress, Stage};

use crate::FacetKind;
use crate::client::Client;
use crate::error::{Error, ErrorKind};

/// Reads the current entries of every user and facet `desired` names, and compares.
pub async fn plan(
    client: &Client,
    desired: &DesiredState,
    options: &PlanOptions,
    progress: &dyn Progress,
) -> Result<Plan, Error> {
    let current = read_current(client, &pairs_of(desired), progress).await?;
    Ok(diff(desired, &current, options))
}

/// The users and facets a desired state concerns, in input order.
pub(crate) fn pairs_of(desired: &DesiredState) -> Vec<(String, FacetKind)> {
    desired.entries.iter().map(|entry| (entry.user.clone(), entry.facet)).collect()
}

/// A sync as bindings describe it, in JSON (camelCase):
///
/// ```json
/// { "input": "user,facet,displayName\n…", "format": "csv",
///   "facet": "certifications", "prune": false, "strict": false,
///   "journal": "/path/state.jsonl", "maxConcurrency": 4 }
/// ```
///
/// Give either `input` (CSV or JSON text, `format` saying which; default CSV) or
/// `entries` (a JSON array of `{"user", "facet"?, ...fields}`, as a JSON input
/// would hold; their line numbers are then their positions, from 1).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SyncRequest {
    pub input: Option<String>,
    pub format: Option<InputFormat>,
    pub entries: Option<Vec<Value>>,
    /// The facet of entries that do not name one.
    #[serde(with = "opt_facet_name")]
    pub facet: Option<FacetKind>,
    pub prune: bool,
    pub strict: bool,
    pub journal: Option<PathBuf>,
    pub max_concurrency: Option<usize>,
    pub initial_rate: Option<f64>,
    pub max_rate: Option<f64>,
}

impl SyncRequest {
    /// Reads a request from JSON text.
    pub fn from_json(text: &str) -> Result<SyncRequest, Error> {
        serde_json::from_str(text)
            .map_err(|e| Error::validation(None, "request", format!("not a sync request: {e}")))
    }

    /// The desired state the request describes.
    pub fn desired(&self) -> Result<DesiredState, Error> {
        let options = ReadOptions { facet: self.facet };
        match (&self.input, &self.entries) {
            (Some(text), None) => {
                DesiredState::parse(text, self.format.unwrap_or(InputFormat::Csv), &options)
            }
            (None, Some(entries)) => {
                // One entry a line: the line numbers are then the positions.
                let text: Vec<String> = entries.iter().map(Value::to_string).collect();
                DesiredState::from_json(
                    &format!("[\n{}\n]", text.join(",\n")),
                    &ReadOptions { facet: self.facet },
                )
                .map(|mut state| {
                    for entry in &mut state.entries {
                        entry.line -= 1;
                    }
                    for error in &mut state.errors {
                        error.line = error.line.saturating_sub(1);
                    }
                    state
                })
            }
            _ => Err(Error::validation(None, "input", "give either 'input' or 'entries'")),
        }
    }

    /// The apply options the request describes.
    pub fn apply_options(&self) -> ApplyOptions {
        ApplyOptions {
            prune: self.prune,
            strict: self.strict,
            journal: self.journal.clone(),
            max_concurrency: self.max_concurrency,
            initial_rate: self.initial_rate,
            max_rate: self.max_rate,
            ..ApplyOptions::default()
        }
    }
}

/// Plans a [`SyncRequest`]: what bindings call for a preview (`-WhatIf`).
pub async fn plan_request(client: &Client, request: &SyncRequest) -> Result<Plan, Error> {
    let desired = request.desired()?;
    plan(client, &desired, &PlanOptions { prune: request.prune }, &NoProgress).await
}

/// Applies a [`SyncRequest`]; `cancel` stops it (resumable with the same journal).
pub async fn apply_request(
    client: &Client,
    request: &SyncRequest,
    progress: &dyn Progress,
    cancel: Option<&CancellationToken>,
) -> Result<ApplyReport, Error> {
    let desired = request.desired()?;
    apply(client, &desired, &request.apply_options(), progress, cancel).await
}

/// [`plan_request`] from JSON text to JSON text.
pub async fn plan_from_json(client: &Client, request: &str) -> Result<String, Error> {
    let plan = plan_request(client, &SyncRequest::from_json(request)?).await?;
    to_json(&plan)
}

/// [`apply_request`] from JSON text to JSON text (the [`ApplyReport`]).
pub async fn apply_from_json(
    client: &Client,
    request: &str,
    cancel: Option<&CancellationToken>,
) -> Result<String, Error> {
    let report =
        apply_request(client, &SyncRequest::from_json(request)?, &NoProgress, cancel).await?;
    to_json(&report)
}

/// A report request from bindings: `{"users": [...] | null (whole tenant),
/// "withinDays": 30, "includeExpired": true, "asOf": "2026-12-03"}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExpiryRequest {
    /// Users to cover; none: every user of the tenant.
    pub users: Option<Vec<String>>,
    #[serde(flatten)]
    pub options: ExpiryOptions,
}

/// The expiry report for a request: given users or the whole tenant.
pub async fn expiry_request(
    client: &Client,
    request: &ExpiryRequest,
) -> Result<ExpiryReport, Error> {
    let users = match &request.users {
        Some(users) => users.clone(),
        None => tenant_users(client).await?,
    };
    expiry_report(client, &users, &request.options, &NoProgress).await
}

/// [`expiry_request`] from JSON text to JSON text.
pub async fn expiry_from_json(client: &Client, request: &str) -> Result<String, Error> {
    let request: ExpiryRequest = serde_json::from_str(request)
        .map_err(|e| Error::validation(None, "request", format!("not an expiry request: {e}")))?;
    to_json(&expiry_request(client, &request).await?)
}

fn to_json(value: &impl Serialize) -> Result<String, Error> {
    serde_json::to_string(value)
        .map_err(|e| Error::new(ErrorKind::Service, format!("cannot write JSON: {e}")))
}

/// Serde for a facet as its collection name.
pub(crate) mod facet_name {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    use crate::FacetKind;

    pub fn serialize<S: Serializer>(kind: &FacetKind, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(kind.collection())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<FacetKind, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(D::Error::custom)
    }
}

/// Serde for an optional facet as its collection name.
pub(crate) mod opt_facet_name {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    use crate::FacetKind;

    pub fn serialize<S: Serializer>(
        kind: &Option<FacetKind>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match kind {
            Some(kind) => serializer.serialize_str(kind.collection()),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<FacetKind>, D::Error> {
        let name = Option::<String>::deserialize(deserializer)?;
        name.map(|name| name.parse().map_err(D::Error::custom)).transpose()
    }
}
