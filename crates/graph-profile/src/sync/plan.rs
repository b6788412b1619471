//! A plan: what a sync would do to each entry, with the fields that change.  Making
//! a plan changes nothing.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::desired::RowError;
use super::facet_name;
use super::key::EntryKey;
use super::render::{Table, short_value};
use crate::FacetKind;

/// What a sync does to one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    Create,
    Update,
    /// Only with `prune`: an entry no desired row describes.
    Delete,
    Unchanged,
}

impl Action {
    /// The lower-case word used in tables and the journal.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Unchanged => "unchanged",
        }
    }
}

/// One field an update changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    pub field: String,
    /// The value now (`null` when absent).
    pub old: Value,
    /// The value after the update (`null` clears the field).
    pub new: Value,
}

/// One entry of the plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanItem {
    pub action: Action,
    /// The user as the desired state names them (for deletes: as the row that put
    /// the user in scope names them).
    pub user: String,
    #[serde(with = "facet_name")]
    pub facet: FacetKind,
    pub key: EntryKey,
    /// The desired row; `None` for a delete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The existing entry (update, delete, unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
    /// Update: the fields that change.  Create: every field sent (old is null).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
}

impl PlanItem {
    /// What a create (the draft) or an update (the patch) sends; `None` otherwise.
    pub fn body(&self) -> Option<Map<String, Value>> {
        match self.action {
            Action::Create | Action::Update => Some(
                self.changes
                    .iter()
                    .map(|change| (change.field.clone(), change.new.clone()))
                    .collect(),
            ),
            Action::Delete | Action::Unchanged => None,
        }
    }
}

/// Counts of a plan's items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanSummary {
    pub creates: usize,
    pub updates: usize,
    pub deletes: usize,
    pub unchanged: usize,
    /// Rows that cannot be synced ([`Plan::errors`]).
    pub bad_rows: usize,
}

/// What a sync would do: every desired entry's action, the deletes when pruning, and
/// the rows that cannot be synced.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub summary: PlanSummary,
    pub items: Vec<PlanItem>,
    /// Bad rows: from reading the input, and users the service does not know.
    pub errors: Vec<RowError>,
    /// Whether entries no row describes are deleted.
    pub prune: bool,
    /// Things the reader should know, e.g. a facet not pruned because a row is bad.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The input's fingerprint (ties the plan to its input).
    pub fingerprint: String,
}

impl Plan {
    /// Items that change something (create, update, delete).
    pub fn changes(&self) -> impl Iterator<Item = &PlanItem> {
        self.items.iter().filter(|item| item.action != Action::Unchanged)
    }

    /// Recounts [`Plan::summary`] from the items and errors.
    pub fn recount(&mut self) {
        let mut summary = PlanSummary { bad_rows: self.errors.len(), ..PlanSummary::default() };
        for item in &self.items {
            match item.action {
                Action::Create => summary.creates += 1,
                Action::Update => summary.updates += 1,
                Action::Delete => summary.deletes += 1,
                Action::Unchanged => summary.unchanged += 1,
            }
        }
        self.summary = summary;
    }

    /// The plan as a text table: one row per change (and per unchanged entry when
    /// `with_unchanged`), the fields that change as `field: old → new`, then the bad
    /// rows and a summary line.
    pub fn to_table(&self, with_unchanged: bool) -> String {
        let mut table = Table::new(["ACTION", "USER", "FACET", "KEY", "LINE", "CHANGES"]);
        for item in &self.items {
            if item.action == Action::Unchanged && !with_unchanged {
                continue;
            }
            let changes = match item.action {
                Action::Update => item
                    .changes
                    .iter()
                    .map(|c| {
                        format!("{}: {} → {}", c.field, short_value(&c.old), short_value(&c.new))
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                Action::Create => {
                    format!("{} fields", item.changes.len())
                }
                Action::Delete => format!("id {}", item.entry_id.as_deref().unwrap_or("?")),
                Action::Unchanged => String::new(),
            };
            table.row([
                item.action.as_str().to_owned(),
                item.user.clone(),
                item.facet.to_string(),
                item.key.to_string(),
                item.line.map(|l| l.to_string()).unwrap_or_default(),
                changes,
            ]);
        }

        let mut out = String::new();
        if !table.is_empty() {
            out.push_str(&table.render());
        }
        if !self.errors.is_empty() {
            let _ = writeln!(out, "\nBad rows ({}), not synced:", self.errors.len());
            for error in &self.errors {
                let _ = writeln!(out, "  {error}");
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        let s = self.summary;
        let _ = writeln!(
            out,
            "\nPlan: {} to create, {} to update, {} to delete, {} unchanged, {} bad rows{}",
            s.creates,
            s.updates,
            s.deletes,
            s.unchanged,
            s.bad_rows,
            if self.prune { "" } else { " (no prune: entries not listed are kept)" }
        );
        out
    }
}
