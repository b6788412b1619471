//! The resume journal: a local file that records each write an apply completed.
//!
//! One JSON object per line.  The first line names the input (its fingerprint); each
//! later line is one completed write: user, facet, key, action and the entry's id.
//! A line is written (and handed to the operating system) as soon as its write is
//! known to have succeeded, so a run killed at any point leaves every completed
//! write recorded except, at most, the ones whose answers had not arrived.  Those
//! are found by the next run, which plans against the live entries again: nothing
//! is redone and nothing is created twice.
//!
//! A journal for another input (another fingerprint) is started afresh.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::facet_name;
use super::plan::Action;
use crate::FacetKind;
use crate::error::{Error, ErrorKind};

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum JournalLine {
    /// The first line: which input this journal belongs to.
    #[serde(rename_all = "camelCase")]
    Start { fingerprint: String, version: u32 },
    /// A write that succeeded.
    #[serde(rename_all = "camelCase")]
    Done(DoneWrite),
}

/// A completed write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoneWrite {
    /// The user, lower-cased.
    pub user: String,
    #[serde(with = "facet_name")]
    pub facet: FacetKind,
    /// [`super::key::EntryKey::canonical`].
    pub key: String,
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
    /// The desired row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl DoneWrite {
    /// The identity of the entry a write concerned: user, facet and key.
    pub fn target(&self) -> (String, FacetKind, String) {
        (self.user.clone(), self.facet, self.key.clone())
    }
}

const VERSION: u32 = 1;

/// An open journal: what earlier runs completed, and the file new lines go to.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    earlier: HashMap<(String, FacetKind, String), DoneWrite>,
}

impl Journal {
    /// Opens the journal at `path` for an input with `fingerprint`: reads the writes
    /// earlier runs completed when the fingerprint matches, starts afresh otherwise.
    /// A torn last line (a run killed mid-write) is ignored.
    pub fn open(path: &Path, fingerprint: &str) -> Result<Journal, Error> {
        let io_error = |what: &str, e: std::io::Error| {
            Error::new(ErrorKind::Config, format!("resume journal {}: {what}: {e}", path.display()))
        };

        let mut earlier = HashMap::new();
        let mut matches = false;
        let mut torn = false;
        if path.exists() {
            let text = std::fs::read_to_string(path).map_err(|e| io_error("cannot read", e))?;
            torn = !text.is_empty() && !text.ends_with('\n');
            for (n, line) in text.lines().enumerate() {
                match serde_json::from_str::<JournalLine>(line) {
                    Ok(JournalLine::Start { fingerprint: found, .. }) if n == 0 => {
                        matches = found == fingerprint;
                        if !matches {
                            break;
                        }
                    }
                    Ok(JournalLine::Done(done)) if matches => {
                        earlier.insert(done.target(), done);
                    }
                    _ => {}
                }
            }
        }

        let file = if matches {
            let mut file = OpenOptions::new()
                .append(true)
                .open(path)
                .map_err(|e| io_error("cannot append", e))?;
            // End a torn line, so the next record starts a line of its own.
            if torn {
                file.write_all(b"\n").map_err(|e| io_error("cannot write", e))?;
            }
            file
        } else {
            if path.exists() {
                tracing::info!("the resume journal is for another input: starting a new one");
            }
            let mut file = File::create(path).map_err(|e| io_error("cannot create", e))?;
            let start =
                JournalLine::Start { fingerprint: fingerprint.to_owned(), version: VERSION };
            writeln!(file, "{}", serde_json::to_string(&start).unwrap_or_default())
                .map_err(|e| io_error("cannot write", e))?;
            file
        };

        Ok(Journal { path: path.to_owned(), file: Mutex::new(file), earlier })
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The writes earlier runs completed, by user, facet and key.
    pub fn earlier(&self) -> &HashMap<(String, FacetKind, String), DoneWrite> {
        &self.earlier
    }

    /// Records completed writes, one line each, in one system call.
    pub fn record(&self, writes: &[DoneWrite]) -> Result<(), Error> {
        if writes.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        for write in writes {
            let line = JournalLine::Done(write.clone());
            text.push_str(&serde_json::to_string(&line).unwrap_or_default());
            text.push('\n');
        }
        let mut file = self.file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        file.write_all(text.as_bytes()).map_err(|e| {
            let message = format!("resume journal {}: cannot write: {e}", self.path.display());
            Error::new(ErrorKind::Config, message)
        })
    }

    /// Makes the journal durable (at the end of a run).
    pub fn sync(&self) {
        let file = self.file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Err(e) = file.sync_data() {
            tracing::warn!("resume journal {}: cannot sync: {e}", self.path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(key: &str) -> DoneWrite {
        DoneWrite {
            user: "a@x.com".into(),
            facet: FacetKind::Awards,
            key: key.into(),
            action: Action::Create,
            entry_id: Some(format!("id-{key}")),
            line: Some(2),
        }
    }

    #[test]
    fn a_journal_is_read_back_for_the_same_input_only() {
        let dir = std::env::temp_dir().join(format!("gp-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.jsonl");
        let _ = std::fs::remove_file(&path);

        let journal = Journal::open(&path, "f1").unwrap();
        assert!(journal.earlier().is_empty());
        journal.record(&[write("a"), write("b")]).unwrap();
        drop(journal);

        // A torn line at the end, as a killed run may leave.
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"type\":\"done\",\"us").unwrap();
        drop(file);

        let journal = Journal::open(&path, "f1").unwrap();
        assert_eq!(journal.earlier().len(), 2);
        journal.record(&[write("c")]).unwrap();
        drop(journal);
        assert_eq!(Journal::open(&path, "f1").unwrap().earlier().len(), 3);

        let journal = Journal::open(&path, "f2").unwrap();
        assert!(journal.earlier().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
