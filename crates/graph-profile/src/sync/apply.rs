//! Carrying out a plan: `$batch` writes at an adaptive pace, resumable, with every
//! entry's outcome reported.
//!
//! The rules that keep an apply from doing anything twice:
//! - It always plans first, against the entries that exist now, so whatever an
//!   earlier (interrupted) run did is simply found done.
//! - Each write is sent once per attempt with no retry underneath it; the apply
//!   decides what to do with every answer.  A 429 goes back in the queue (the pace
//!   slows down, see [`super::pace`]).  Anything that leaves the outcome unknown (a
//!   dropped connection, a 5xx, a timeout) is resolved by reading the user's facet
//!   back: a create found there is done, an update whose values are there is done,
//!   a delete whose entry is gone is done; only otherwise is the write sent again.
//! - Completed writes go to the resume journal as they finish (see
//!   [`super::journal`]); a create an earlier run recorded but a list does not show
//!   yet is looked up by its id before anything is created again.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use super::current::{CurrentState, read_with};
use super::desired::{DesiredState, RowError};
use super::diff::{PlanOptions, changed_fields, diff};
use super::facet_name;
use super::journal::{DoneWrite, Journal};
use super::key::{EntryKey, entry_key};
use super::pace::{PaceConfig, Pacer};
use super::plan::{Action, Plan, PlanItem};
use super::progress::{Progress, Stage};
use crate::FacetKind;
use crate::client::{
    BatchRequest, BatchResponse, Client, MAX_BATCH_SIZE, UserRef, parse_retry_after,
};
use crate::config::{AuthConfig, RetryPolicy};
use crate::error::{Error, ErrorKind};

/// How to apply.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApplyOptions {
    /// Delete entries of the listed users' facets that no row describes.
    pub prune: bool,
    /// Apply nothing when any row is bad.
    pub strict: bool,
    /// The resume journal (see [`super::journal`]); none: no resume across runs
    /// beyond what planning against the live entries gives.
    pub journal: Option<PathBuf>,
    /// `$batch` requests in flight at once; default: the client's `maxConcurrency`.
    pub max_concurrency: Option<usize>,
    /// Items per second to start at (default 20); the pace adapts from there.
    pub initial_rate: Option<f64>,
    /// Never more items per second than this.
    pub max_rate: Option<f64>,
    /// Attempts per entry before it is reported failed (429s not counted).
    pub max_attempts: u32,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            prune: false,
            strict: false,
            journal: None,
            max_concurrency: None,
            initial_rate: None,
            max_rate: None,
            max_attempts: 8,
        }
    }
}

/// How one entry ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Created,
    Updated,
    Deleted,
    Unchanged,
    /// The write was refused or could not be completed; see `error`.
    Failed,
    /// Not attempted: `--strict` with bad rows, or the run was interrupted first.
    NotDone,
}

impl Outcome {
    /// The lower-case word used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Deleted => "deleted",
            Outcome::Unchanged => "unchanged",
            Outcome::Failed => "failed",
            Outcome::NotDone => "not done",
        }
    }
}

/// One entry's outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryOutcome {
    pub outcome: Outcome,
    pub user: String,
    #[serde(with = "facet_name")]
    pub facet: FacetKind,
    pub key: EntryKey,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
    /// Why it failed or was not done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The write was done by an earlier, interrupted run (from the journal).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub earlier_run: bool,
    /// Times the write was sent in this run.
    pub attempts: u32,
}

/// Counts of an apply's outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplySummary {
    pub created: usize,
    pub updated: usize,
    pub deleted: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub not_done: usize,
    /// Rows not applied because they are bad ([`ApplyReport::errors`]).
    pub bad_rows: usize,
    /// Of the above, writes an earlier run did.
    pub earlier_run: usize,
}

/// How the writing went.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyStats {
    /// The whole apply, planning included.
    pub elapsed_ms: u64,
    /// The writing alone.
    pub write_ms: u64,
    pub batches: u64,
    /// Items sent, resends included.
    pub items_sent: u64,
    /// Items answered 429.
    pub throttled: u64,
    /// Items whose outcome was unknown and was read back.
    pub read_backs: u64,
    /// The pace at the end, items per second.
    pub final_rate: f64,
}

/// Everything an apply did, entry by entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    pub summary: ApplySummary,
    pub outcomes: Vec<EntryOutcome>,
    /// Bad rows, not applied.
    pub errors: Vec<RowError>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The run was interrupted (cancelled) before it finished.
    pub interrupted: bool,
    pub stats: ApplyStats,
}

impl ApplyReport {
    /// True when every entry was written or found unchanged (bad rows aside).
    pub fn succeeded(&self) -> bool {
        self.summary.failed == 0 && self.summary.not_done == 0
    }

    fn recount(&mut self) {
        let mut summary = ApplySummary { bad_rows: self.errors.len(), ..ApplySummary::default() };
        for outcome in &self.outcomes {
            match outcome.outcome {
                Outcome::Created => summary.created += 1,
                Outcome::Updated => summary.updated += 1,
                Outcome::Deleted => summary.deleted += 1,
                Outcome::Unchanged => summary.unchanged += 1,
                Outcome::Failed => summary.failed += 1,
                Outcome::NotDone => summary.not_done += 1,
            }
            summary.earlier_run += usize::from(outcome.earlier_run);
        }
        self.summary = summary;
    }
}

/// Plans `desired` against the live entries and carries the plan out.
///
/// Returns a report for every entry; an `Err` only when nothing could be done at all
/// (sign-in refused, the journal cannot be written).  When `cancel` fires, writes in
/// flight are abandoned and the report marks the rest not done: run again with the
/// same journal to finish.
pub async fn apply(
    client: &Client,
    desired: &DesiredState,
    options: &ApplyOptions,
    progress: &dyn Progress,
    cancel: Option<&CancellationToken>,
) -> Result<ApplyReport, Error> {
    let started = Instant::now();
    let journal = match &options.journal {
        Some(path) => Some(Journal::open(path, &desired.fingerprint)?),
        None => None,
    };

    // Reads and writes share one pace: a Retry-After holds them all.
    let writer = single_shot(client)?;
    let defaults = PaceConfig::default();
    let pace = PaceConfig {
        initial_rate: options.initial_rate.unwrap_or(defaults.initial_rate),
        max_rate: options.max_rate.unwrap_or(defaults.max_rate),
        ..defaults
    };
    let pacer = Pacer::new(pace);

    let pairs = super::pairs_of(desired);
    let current = read_with(&writer, Some(&pacer), &pairs, progress).await?;
    let mut plan = diff(desired, &current, &PlanOptions { prune: options.prune });
    if let Some(journal) = &journal {
        recheck_earlier_creates(client, &mut plan, journal).await;
    }

    let mut report = ApplyReport {
        summary: ApplySummary::default(),
        outcomes: Vec::new(),
        errors: plan.errors.clone(),
        notes: plan.notes.clone(),
        interrupted: false,
        stats: ApplyStats::default(),
    };

    if options.strict && !plan.errors.is_empty() {
        let reason = format!("not applied: {} bad rows and --strict", plan.errors.len());
        for item in plan.items {
            let mut outcome = outcome_of(&item, Outcome::NotDone, 0);
            outcome.error = Some(reason.clone());
            report.outcomes.push(outcome);
        }
        report.recount();
        report.stats.elapsed_ms = started.elapsed().as_millis() as u64;
        return Ok(report);
    }

    let earlier = journal.as_ref().map(Journal::earlier);
    let mut work = Vec::new();
    for item in plan.items {
        if item.action == Action::Unchanged {
            let mut outcome = outcome_of(&item, Outcome::Unchanged, 0);
            if let Some(done) = earlier.and_then(|e| e.get(&target(&item))) {
                outcome.outcome = done_outcome(done.action);
                outcome.earlier_run = true;
            }
            report.outcomes.push(outcome);
        } else {
            work.push(Work {
                item,
                attempts: 0,
                throttles: 0,
                verify: false,
                not_before: None,
                last_error: None,
            });
        }
    }
    // Deletes an earlier run did leave nothing to plan: report them from the journal.
    if let Some(earlier) = earlier {
        for done in earlier.values().filter(|d| d.action == Action::Delete) {
            let planned = work.iter().any(|w| target(&w.item) == done.target());
            if !planned {
                report.outcomes.push(EntryOutcome {
                    outcome: Outcome::Deleted,
                    user: done.user.clone(),
                    facet: done.facet,
                    key: EntryKey::from_canonical(&done.key),
                    line: None,
                    entry_id: done.entry_id.clone(),
                    error: None,
                    earlier_run: true,
                    attempts: 0,
                });
            }
        }
    }

    let concurrency = options.max_concurrency.unwrap_or(client.config().max_concurrency).max(1);
    let engine = Engine {
        writer: &writer,
        pacer,
        journal: journal.as_ref(),
        progress,
        max_attempts: options.max_attempts.max(1),
        queue: Mutex::new(Queue { ready: (0..work.len()).collect(), busy: 0 }),
        work: work.into_iter().map(Mutex::new).collect(),
        finished: Mutex::new(HashMap::new()),
        stats: Mutex::new(ApplyStats::default()),
        fatal: Mutex::new(None),
    };

    let write_started = Instant::now();
    progress.start(Stage::Writing, engine.work.len() as u64);
    let workers = futures::future::join_all((0..concurrency).map(|_| engine.worker()));
    let interrupted = match cancel {
        Some(cancel) => tokio::select! {
            biased;
            () = cancel.cancelled() => true,
            _ = workers => false,
        },
        None => {
            workers.await;
            false
        }
    };
    progress.finish();
    if let Some(journal) = &journal {
        journal.sync();
    }
    if let Some(error) = engine.fatal.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(error);
    }

    let mut stats = engine.stats.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let mut finished = engine.finished.lock().unwrap_or_else(|p| p.into_inner()).clone();
    for (index, work) in engine.work.iter().enumerate() {
        let work = work.lock().unwrap_or_else(|p| p.into_inner());
        let outcome = finished.remove(&index).unwrap_or_else(|| {
            let mut outcome = outcome_of(&work.item, Outcome::NotDone, work.attempts);
            outcome.error = Some("the run was interrupted first; run it again to finish".into());
            outcome
        });
        report.outcomes.push(outcome);
    }
    report.interrupted = interrupted;
    stats.throttled = engine.pacer.throttled();
    stats.final_rate = engine.pacer.rate();
    stats.write_ms = write_started.elapsed().as_millis() as u64;
    stats.elapsed_ms = started.elapsed().as_millis() as u64;
    report.stats = stats;
    report.outcomes.sort_by(|a, b| {
        (a.line.unwrap_or(usize::MAX), &a.user).cmp(&(b.line.unwrap_or(usize::MAX), &b.user))
    });
    report.recount();
    Ok(report)
}

/// A client for writes that sends each request exactly once: the apply handles
/// every retry itself, so it sees each 429 and each unknown outcome.
fn single_shot(client: &Client) -> Result<Client, Error> {
    let mut config = client.config().clone();
    config.retry = RetryPolicy::none();
    match client.transport().auth.clone() {
        Some(provider) => Client::with_token_provider(config, provider),
        None => {
            config.auth = AuthConfig::None;
            Client::new(config)
        }
    }
}

/// Creates the journal says an earlier run made, which the live list does not show:
/// looked up by id, so a slow list does not make them be created again.
async fn recheck_earlier_creates(client: &Client, plan: &mut Plan, journal: &Journal) {
    for item in plan.items.iter_mut().filter(|item| item.action == Action::Create) {
        let Some(done) = journal.earlier().get(&target(item)) else { continue };
        let (Action::Create, Some(id)) = (done.action, &done.entry_id) else { continue };
        let user = UserRef::new(item.user.as_str());
        match client.get(&user, item.facet, id, &[]).await {
            Ok(entry) => {
                let desired = item.body().unwrap_or_default();
                item.changes = changed_fields(item.facet, &desired, &entry);
                item.entry_id = Some(id.clone());
                item.action =
                    if item.changes.is_empty() { Action::Unchanged } else { Action::Update };
            }
            Err(error) if error.kind() == ErrorKind::NotFound => {}
            Err(error) => tracing::warn!("could not look up an entry created earlier: {error}"),
        }
    }
    plan.recount();
}

fn target(item: &PlanItem) -> (String, FacetKind, String) {
    (item.user.to_lowercase(), item.facet, item.key.canonical())
}

fn done_outcome(action: Action) -> Outcome {
    match action {
        Action::Create => Outcome::Created,
        Action::Update => Outcome::Updated,
        Action::Delete => Outcome::Deleted,
        Action::Unchanged => Outcome::Unchanged,
    }
}

fn outcome_of(item: &PlanItem, outcome: Outcome, attempts: u32) -> EntryOutcome {
    EntryOutcome {
        outcome,
        user: item.user.clone(),
        facet: item.facet,
        key: item.key.clone(),
        line: item.line,
        entry_id: item.entry_id.clone(),
        error: None,
        earlier_run: false,
        attempts,
    }
}

/// One change to carry out, and how it is going.
#[derive(Debug)]
struct Work {
    item: PlanItem,
    attempts: u32,
    throttles: u32,
    /// The last send's outcome is unknown: read back before sending again.
    verify: bool,
    not_before: Option<Instant>,
    last_error: Option<String>,
}

/// 429s an entry may meet before it is reported failed.
const MAX_THROTTLES: u32 = 200;

#[derive(Debug)]
struct Queue {
    ready: VecDeque<usize>,
    /// Items taken by a worker and not yet finished or put back.
    busy: usize,
}

struct Engine<'a> {
    writer: &'a Client,
    pacer: Pacer,
    journal: Option<&'a Journal>,
    progress: &'a dyn Progress,
    max_attempts: u32,
    queue: Mutex<Queue>,
    work: Vec<Mutex<Work>>,
    finished: Mutex<HashMap<usize, EntryOutcome>>,
    stats: Mutex<ApplyStats>,
    fatal: Mutex<Option<Error>>,
}

/// What a worker took from the queue.
enum Take {
    Send(Vec<usize>),
    Verify(Vec<usize>),
    /// Nothing ready yet; try again after this long.
    Wait(Duration),
    Done,
}

impl Engine<'_> {
    async fn worker(&self) {
        loop {
            if self.fatal.lock().unwrap_or_else(|p| p.into_inner()).is_some() {
                return;
            }
            match self.take() {
                Take::Done => return,
                Take::Wait(delay) => tokio::time::sleep(delay).await,
                Take::Verify(items) => self.verify(items).await,
                Take::Send(items) => {
                    self.pacer.acquire(items.len()).await;
                    self.send(items).await;
                }
            }
        }
    }

    /// Up to a batch of ready items: those to read back first, else those to send.
    fn take(&self) -> Take {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        if queue.ready.is_empty() {
            return if queue.busy == 0 {
                Take::Done
            } else {
                Take::Wait(Duration::from_millis(20))
            };
        }

        let now = Instant::now();
        let mut soonest: Option<Instant> = None;
        let send_limit = self.pacer.batch_limit();
        let mut verify = Vec::new();
        let mut send = Vec::new();
        let mut kept = VecDeque::new();
        while let Some(index) = queue.ready.pop_front() {
            let work = self.work[index].lock().unwrap_or_else(|p| p.into_inner());
            let ready = work.not_before.is_none_or(|at| at <= now);
            let room =
                if work.verify { verify.len() < MAX_BATCH_SIZE } else { send.len() < send_limit };
            if !ready || !room {
                if let Some(at) = work.not_before.filter(|at| *at > now) {
                    soonest = Some(soonest.map_or(at, |s| s.min(at)));
                }
                kept.push_back(index);
            } else if work.verify {
                verify.push(index);
            } else {
                send.push(index);
            }
        }
        queue.ready = kept;

        // Reading back comes first; the items to send wait for the next take.
        if !verify.is_empty() {
            for index in send.into_iter().rev() {
                queue.ready.push_front(index);
            }
            queue.busy += verify.len();
            return Take::Verify(verify);
        }
        if !send.is_empty() {
            queue.busy += send.len();
            return Take::Send(send);
        }
        let wait =
            soonest.map_or(Duration::from_millis(20), |at| at.saturating_duration_since(now));
        Take::Wait(wait.clamp(Duration::from_millis(1), Duration::from_millis(500)))
    }

    /// Puts items back in the queue (at the front: they were first).
    fn put_back(&self, items: &[usize]) {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        for index in items.iter().rev() {
            queue.ready.push_front(*index);
        }
        queue.busy -= items.len();
    }

    fn finish(&self, index: usize, outcome: EntryOutcome) {
        self.finished.lock().unwrap_or_else(|p| p.into_inner()).insert(index, outcome);
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        queue.busy -= 1;
        drop(queue);
        self.progress.advance(1);
    }

    /// Sends one `$batch` of `items` and sorts out every answer.
    async fn send(&self, items: Vec<usize>) {
        let mut requests = Vec::with_capacity(items.len());
        let mut sent = Vec::with_capacity(items.len());
        for index in &items {
            let mut work = self.work[*index].lock().unwrap_or_else(|p| p.into_inner());
            work.attempts += 1;
            match request_for(&index.to_string(), &work.item) {
                Ok(request) => {
                    requests.push(request);
                    sent.push(*index);
                }
                Err(error) => {
                    let outcome = failed(&work, error.to_string());
                    drop(work);
                    self.finish(*index, outcome);
                }
            }
        }
        if requests.is_empty() {
            return;
        }
        {
            let mut stats = self.stats.lock().unwrap_or_else(|p| p.into_inner());
            stats.batches += 1;
            stats.items_sent += requests.len() as u64;
        }

        // Another worker may have been told to wait since this one took its tokens:
        // a Retry-After holds every request, so this batch waits too.
        self.pacer.wait_for_hold().await;
        let answers = match self.writer.batch(requests).await {
            Ok(answers) => answers,
            Err(error) => {
                // The input was refused as a whole: not something a resend fixes.
                for index in sent {
                    let work = self.work[index].lock().unwrap_or_else(|p| p.into_inner());
                    let outcome = failed(&work, error.to_string());
                    drop(work);
                    self.finish(index, outcome);
                }
                return;
            }
        };

        let mut done = Vec::new();
        let mut again = Vec::new();
        let mut accepted = 0;
        let mut throttled = 0;
        let mut longest_wait = None;
        for (index, answer) in sent.into_iter().zip(answers) {
            if answer.status == 429 {
                throttled += 1;
                longest_wait = longest_wait.max(retry_after(&answer));
                let mut work = self.work[index].lock().unwrap_or_else(|p| p.into_inner());
                work.throttles += 1;
                work.attempts -= 1;
                if work.throttles > MAX_THROTTLES {
                    let outcome = failed(&work, "throttled too many times".into());
                    drop(work);
                    self.finish(index, outcome);
                } else {
                    again.push(index);
                }
                continue;
            }
            accepted += 1;
            match self.settle(index, answer) {
                Some(write) => done.push((index, write)),
                None => again.push(index),
            }
        }
        self.pacer.on_batch_answered(accepted, throttled, longest_wait);
        self.record(done);
        if !again.is_empty() {
            self.put_back(&again);
        }
    }

    /// Decides an answered item: `Some` when done (succeeded or failed for good),
    /// `None` when it goes back in the queue.
    fn settle(
        &self,
        index: usize,
        answer: BatchResponse,
    ) -> Option<(Outcome, Option<String>, Option<String>)> {
        let mut work = self.work[index].lock().unwrap_or_else(|p| p.into_inner());
        let action = work.item.action;
        if answer.is_success() {
            let id = match action {
                Action::Create => answer
                    .body
                    .as_ref()
                    .and_then(|b| b.get("id"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                _ => work.item.entry_id.clone(),
            };
            return Some((done_outcome(action), id, None));
        }

        let error = answer
            .error()
            .map(|e| e.to_string())
            .unwrap_or_else(|| format!("status {}", answer.status));
        if action == Action::Delete && answer.status == 404 {
            return Some((Outcome::Deleted, work.item.entry_id.clone(), None));
        }
        if action == Action::Update && answer.status == 404 {
            let reason =
                format!("the entry was deleted meanwhile; run again to create it ({error})");
            return Some((Outcome::Failed, work.item.entry_id.clone(), Some(reason)));
        }
        let unknown = answer.status == 0 || answer.status == 408 || answer.status >= 500;
        if !unknown {
            return Some((Outcome::Failed, work.item.entry_id.clone(), Some(error)));
        }
        if work.attempts >= self.max_attempts {
            let reason = format!("gave up after {} attempts: {error}", work.attempts);
            // The last attempt may still have taken effect: a rerun reads it back.
            return Some((Outcome::Failed, work.item.entry_id.clone(), Some(reason)));
        }
        work.verify = true;
        work.last_error = Some(error);
        let wait = retry_after(&answer);
        if let Some(wait) = wait {
            self.pacer.hold(wait);
        }
        let delay = wait.unwrap_or_else(|| backoff(work.attempts));
        work.not_before = Some(Instant::now() + delay);
        None
    }

    /// Records finished items: journal first (for successes), then outcomes.
    fn record(&self, done: Vec<(usize, (Outcome, Option<String>, Option<String>))>) {
        let writes: Vec<DoneWrite> = done
            .iter()
            .filter(|(_, (outcome, _, _))| *outcome != Outcome::Failed)
            .map(|(index, (_, id, _))| {
                let work = self.work[*index].lock().unwrap_or_else(|p| p.into_inner());
                DoneWrite {
                    user: work.item.user.to_lowercase(),
                    facet: work.item.facet,
                    key: work.item.key.canonical(),
                    action: work.item.action,
                    entry_id: id.clone(),
                    line: work.item.line,
                }
            })
            .collect();
        if let Some(journal) = self.journal {
            if let Err(error) = journal.record(&writes) {
                *self.fatal.lock().unwrap_or_else(|p| p.into_inner()) = Some(error);
            }
        }
        for (index, (outcome, id, error)) in done {
            let work = self.work[index].lock().unwrap_or_else(|p| p.into_inner());
            let mut result = outcome_of(&work.item, outcome, work.attempts);
            result.entry_id = id;
            result.error = error;
            drop(work);
            self.finish(index, result);
        }
    }

    /// Reads back the facets of items whose last send has an unknown outcome, and
    /// settles each: done if its effect is there, back in the queue otherwise.
    async fn verify(&self, items: Vec<usize>) {
        let pairs: Vec<(String, FacetKind)> = items
            .iter()
            .map(|index| {
                let work = self.work[*index].lock().unwrap_or_else(|p| p.into_inner());
                (work.item.user.clone(), work.item.facet)
            })
            .collect();
        self.stats.lock().unwrap_or_else(|p| p.into_inner()).read_backs += items.len() as u64;
        let quiet = super::progress::NoProgress;
        let current = match read_with(self.writer, Some(&self.pacer), &pairs, &quiet).await {
            Ok(current) => current,
            Err(error) => {
                tracing::warn!("could not read entries back: {error}");
                CurrentState::default()
            }
        };

        let mut done = Vec::new();
        let mut again = Vec::new();
        for index in items {
            let mut work = self.work[index].lock().unwrap_or_else(|p| p.into_inner());
            let Ok(entries) = current.entries(&work.item.user, work.item.facet) else {
                // Still unknown: try reading again later, never sending blindly.
                work.not_before = Some(Instant::now() + backoff(work.attempts));
                again.push(index);
                continue;
            };
            match resolve(&mut work.item, entries) {
                Resolved::Done(id) => {
                    done.push((index, (done_outcome(work.item.action), id, None)));
                }
                Resolved::Gone => {
                    let reason =
                        "the entry was deleted meanwhile; run again to create it".to_owned();
                    done.push((index, (Outcome::Failed, work.item.entry_id.clone(), Some(reason))));
                }
                Resolved::SendAgain => {
                    work.verify = false;
                    again.push(index);
                }
            }
        }
        self.record(done);
        if !again.is_empty() {
            self.put_back(&again);
        }
    }
}

enum Resolved {
    /// The write's effect is there (with the entry id).
    Done(Option<String>),
    /// The entry to update is gone.
    Gone,
    SendAgain,
}

/// Whether the effect of `item` is in `entries`; may turn a create into an update
/// when its entry is there with other values (a create cannot be partly applied,
/// but another writer may have been at work).
fn resolve(item: &mut PlanItem, entries: &[Value]) -> Resolved {
    let by_id = |id: &Option<String>| {
        entries.iter().find(|e| e.get("id").and_then(Value::as_str) == id.as_deref())
    };
    match item.action {
        Action::Create => {
            let desired = item.body().unwrap_or_default();
            let found = entries.iter().find(|entry| {
                entry.as_object().and_then(|fields| entry_key(item.facet, fields)).as_ref()
                    == Some(&item.key)
            });
            let Some(entry) = found else { return Resolved::SendAgain };
            let id = entry.get("id").and_then(Value::as_str).map(str::to_owned);
            let changes = changed_fields(item.facet, &desired, entry);
            if changes.is_empty() {
                return Resolved::Done(id);
            }
            item.action = Action::Update;
            item.entry_id = id;
            item.changes = changes;
            Resolved::SendAgain
        }
        Action::Update => {
            let Some(entry) = by_id(&item.entry_id) else { return Resolved::Gone };
            let desired: Map<String, Value> = item.body().unwrap_or_default();
            if changed_fields(item.facet, &desired, entry).is_empty() {
                Resolved::Done(item.entry_id.clone())
            } else {
                Resolved::SendAgain
            }
        }
        Action::Delete => {
            if by_id(&item.entry_id).is_none() {
                Resolved::Done(item.entry_id.clone())
            } else {
                Resolved::SendAgain
            }
        }
        Action::Unchanged => Resolved::Done(item.entry_id.clone()),
    }
}

fn request_for(id: &str, item: &PlanItem) -> Result<BatchRequest, Error> {
    let user = UserRef::new(item.user.as_str());
    let entry_id = || {
        item.entry_id
            .as_deref()
            .ok_or_else(|| Error::new(ErrorKind::Validation, "the plan has no entry id"))
    };
    match item.action {
        Action::Create => BatchRequest::create(
            id,
            &user,
            item.facet,
            Value::Object(item.body().unwrap_or_default()),
        ),
        Action::Update => BatchRequest::update(
            id,
            &user,
            item.facet,
            entry_id()?,
            Value::Object(item.body().unwrap_or_default()),
        ),
        Action::Delete => BatchRequest::delete(id, &user, item.facet, entry_id()?),
        Action::Unchanged => {
            Err(Error::new(ErrorKind::Validation, "nothing to send for an unchanged entry"))
        }
    }
}

fn failed(work: &Work, reason: String) -> EntryOutcome {
    let mut outcome = outcome_of(&work.item, Outcome::Failed, work.attempts);
    let reason = match &work.last_error {
        Some(last) if !reason.contains(last.as_str()) => format!("{reason} (before: {last})"),
        _ => reason,
    };
    outcome.error = Some(reason);
    outcome
}

/// The item's own `Retry-After`, or that of the whole `$batch` when it failed.
fn retry_after(answer: &BatchResponse) -> Option<Duration> {
    let header = answer.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("retry-after"));
    match header {
        Some((_, value)) => parse_retry_after(value, SystemTime::now()),
        None => answer.error().and_then(|error| error.retry_after()),
    }
}

/// 0.5 s doubling per attempt up to 30 s, with jitter between half and all of it.
fn backoff(attempts: u32) -> Duration {
    let ceiling = Duration::from_millis(500)
        .saturating_mul(1 << attempts.min(6))
        .min(Duration::from_secs(30));
    ceiling.mul_f64(0.5 + rand::random::<f64>() * 0.5)
}
