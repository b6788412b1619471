//! Throttling and fault decisions, driven by a seed so that runs repeat.
//!
//! Configured at start (`--faults JSON`, `--seed N`) and at run time through
//! `GET/POST /emulator/config`.  The JSON shape ([`FaultsConfig`], camelCase,
//! every field optional):
//!
//! ```json
//! {
//!   "seed": 42,
//!   "throttle": { "readsPerSecond": 100, "writesPerSecond": 5, "burst": 5,
//!                 "perTenant": { "writesPerSecond": 20, "burst": 20 },
//!                 "status": 429, "retryAfter": "fractional" },
//!   "errors":   { "rate": 0.05, "statuses": [503, 504], "retryAfterSeconds": 1 },
//!   "drops":    { "beforeWriteRate": 0.0, "afterWriteRate": 0.0 },
//!   "latency":  { "ms": 0, "jitterMs": 0 },
//!   "inject":   [ { "on": "write", "fault": "dropAfterWrite", "count": 1 } ],
//!   "earlyGraceMs": 50
//! }
//! ```
//!
//! Order of decisions for each `/beta` request: injected faults (`inject`,
//! consumed in order), then the token buckets (`throttle`), then random errors
//! (`errors.rate`), then for writes random drops (`drops`).  Random draws come
//! from one generator seeded by `seed`, so the same requests in the same order
//! meet the same faults.  The `$batch` request itself meets latency, errors
//! and drops; each of its items is throttled on its own
//! ([`Faults::check_item`]).
//!
//! Token buckets: one for reads and one for writes per application and tenant
//! (`readsPerSecond`, `writesPerSecond`, capacity `burst`), and, with
//! `perTenant`, one pair per tenant for all applications together; the first
//! limit reached wins.  An absent rate means no limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// Everything that shapes throttling and faults.  See the module docs for JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct FaultsConfig {
    /// Seeds the random draws (errors, drops, latency jitter).
    pub seed: u64,
    /// Token-bucket limits.
    pub throttle: ThrottleConfig,
    /// Random 5xx answers.
    pub errors: ErrorConfig,
    /// Random dropped connections around writes.
    pub drops: DropConfig,
    /// Added latency.
    pub latency: LatencyConfig,
    /// Faults applied, in order, to the next matching requests.
    pub inject: Vec<InjectedFault>,
    /// A request within this many milliseconds after a `Retry-After` was given
    /// is not counted early: it was already in flight.
    pub early_grace_ms: u64,
}

impl Default for FaultsConfig {
    fn default() -> Self {
        FaultsConfig {
            seed: 0,
            throttle: ThrottleConfig::default(),
            errors: ErrorConfig::default(),
            drops: DropConfig::default(),
            latency: LatencyConfig::default(),
            inject: Vec::new(),
            early_grace_ms: 50,
        }
    }
}

/// Rates of one scope (per application and tenant, or per tenant).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Limits {
    /// Reads (GET) refilled per second; absent: unlimited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reads_per_second: Option<f64>,
    /// Writes (POST, PATCH, PUT, DELETE) refilled per second; absent: unlimited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub writes_per_second: Option<f64>,
    /// Bucket capacity: how many requests may come at once after a pause.
    /// Absent: one second's worth (at least 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub burst: Option<f64>,
}

/// Token-bucket throttling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ThrottleConfig {
    /// Reads refilled per second, per application and tenant; absent: unlimited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reads_per_second: Option<f64>,
    /// Writes refilled per second, per application and tenant; absent: unlimited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub writes_per_second: Option<f64>,
    /// Bucket capacity per application and tenant; absent: one second's worth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub burst: Option<f64>,
    /// Limits per tenant, all applications together.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_tenant: Option<Limits>,
    /// 429 (default) or 503.
    pub status: u16,
    /// How `Retry-After` is written.
    pub retry_after: RetryAfterForm,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            reads_per_second: None,
            writes_per_second: None,
            burst: None,
            per_tenant: None,
            status: 429,
            retry_after: RetryAfterForm::Seconds,
        }
    }
}

/// The forms Graph uses for `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RetryAfterForm {
    /// Whole seconds, rounded up: `3`.
    #[default]
    Seconds,
    /// Seconds with milliseconds: `2.128`.
    Fractional,
    /// An HTTP date: `Thu, 03 Dec 2026 19:30:02 GMT`.
    HttpDate,
    /// No header at all (the client must back off on its own).
    None,
}

/// Random server errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ErrorConfig {
    /// Chance per request, 0 to 1.
    pub rate: f64,
    /// Statuses drawn from, evenly.
    pub statuses: Vec<u16>,
    /// `Retry-After` on these errors; absent: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<f64>,
    /// Form of that `Retry-After`.
    pub retry_after: RetryAfterForm,
}

impl Default for ErrorConfig {
    fn default() -> Self {
        ErrorConfig {
            rate: 0.0,
            statuses: vec![503, 504],
            retry_after_seconds: None,
            retry_after: RetryAfterForm::Seconds,
        }
    }
}

/// Random dropped connections around writes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DropConfig {
    /// Chance per write that the connection closes before the write is made.
    pub before_write_rate: f64,
    /// Chance per write that it is committed and the connection then closes
    /// without an answer: the ambiguous case.
    pub after_write_rate: f64,
}

/// Added latency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LatencyConfig {
    /// Fixed delay per request, in milliseconds.
    pub ms: u64,
    /// Plus a seeded random delay from 0 to this, in milliseconds.
    pub jitter_ms: u64,
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RequestMatch {
    /// Every `/beta` request and `$batch` item.
    #[default]
    Any,
    /// Reads only.
    Read,
    /// Writes only.
    Write,
}

/// What an injected fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultKind {
    /// Answer 429 (or `status`) with `Retry-After`.
    Throttle,
    /// Answer a server error (`status`, default 503).
    Error,
    /// Close the connection before the write is made.
    DropBeforeWrite,
    /// Make the write, then close the connection without an answer.
    DropAfterWrite,
}

/// A fault applied to the next `count` requests that match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InjectedFault {
    /// Reads, writes or any.
    #[serde(default)]
    pub on: RequestMatch,
    /// Only requests whose path contains this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_contains: Option<String>,
    /// The fault.
    pub fault: FaultKind,
    /// Status for `throttle` (default 429) and `error` (default 503).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `Retry-After` to give, in seconds; default 1 for `throttle`, none for
    /// `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<f64>,
    /// How that `Retry-After` is written.
    #[serde(default)]
    pub retry_after: RetryAfterForm,
    /// How many matching requests it applies to; default 1.
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

impl ThrottleConfig {
    /// The per-application-and-tenant limits as one [`Limits`].
    pub fn per_app_and_tenant(&self) -> Limits {
        Limits {
            reads_per_second: self.reads_per_second,
            writes_per_second: self.writes_per_second,
            burst: self.burst,
        }
    }
}

impl FaultsConfig {
    /// Checks ranges; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        let rate = |name: &str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(format!("{name}: must be between 0 and 1, got {value}"))
            }
        };
        rate("errors.rate", self.errors.rate)?;
        rate("drops.beforeWriteRate", self.drops.before_write_rate)?;
        rate("drops.afterWriteRate", self.drops.after_write_rate)?;

        let app_limits = self.throttle.per_app_and_tenant();
        let limits = [("throttle", Some(&app_limits))]
            .into_iter()
            .chain([("throttle.perTenant", self.throttle.per_tenant.as_ref())]);
        for (scope, limits) in limits {
            let Some(limits) = limits else { continue };
            let values = [
                ("readsPerSecond", limits.reads_per_second),
                ("writesPerSecond", limits.writes_per_second),
                ("burst", limits.burst),
            ];
            for (name, value) in values {
                if let Some(value) = value {
                    if !(value.is_finite() && value > 0.0) {
                        return Err(format!("{scope}.{name}: must be above 0, got {value}"));
                    }
                }
            }
        }

        if !matches!(self.throttle.status, 429 | 503) {
            return Err(format!(
                "throttle.status: must be 429 or 503, got {}",
                self.throttle.status
            ));
        }
        if self.errors.rate > 0.0 && self.errors.statuses.is_empty() {
            return Err("errors.statuses: must not be empty when errors.rate is set".to_owned());
        }
        for status in &self.errors.statuses {
            if !(500..=599).contains(status) {
                return Err(format!("errors.statuses: {status} is not a 5xx status"));
            }
        }
        let seconds = [("errors.retryAfterSeconds", self.errors.retry_after_seconds)]
            .into_iter()
            .chain(self.inject.iter().map(|f| ("inject.retryAfterSeconds", f.retry_after_seconds)));
        for (name, value) in seconds {
            if let Some(value) = value {
                if !(0.0..=86_400.0).contains(&value) {
                    return Err(format!("{name}: must be between 0 and 86400, got {value}"));
                }
            }
        }
        for fault in &self.inject {
            if let Some(status) = fault.status {
                if !(400..=599).contains(&status) {
                    return Err(format!("inject.status: {status} is not an error status"));
                }
            }
        }
        Ok(())
    }
}

/// What a request is, as far as faults care.
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts<'a> {
    /// A write (POST, PATCH, PUT, DELETE) rather than a read.
    pub is_write: bool,
    /// Path as received.
    pub path: &'a str,
    /// The calling application (token `appid`), or `anonymous`.
    pub app: &'a str,
    /// The caller's tenant (token `tid`), or `none`.
    pub tenant: &'a str,
}

/// An answer given instead of running the request.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    /// HTTP status.
    pub status: u16,
    /// Graph error code for the body.
    pub code: &'static str,
    /// Message for the body.
    pub message: String,
    /// The `Retry-After` header value, if one is given.
    pub retry_after: Option<String>,
    /// How long that header tells the client to wait.
    pub wait: Option<Duration>,
    /// Journal name of the fault: `throttled` or `error`.
    pub fault: &'static str,
}

/// What to do with a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Run it; if `drop_after` and it commits, close without answering.
    Proceed {
        /// Drop the connection once the write is committed.
        drop_after: bool,
    },
    /// Answer this instead.
    Reject(Rejection),
    /// Close the connection without running it.
    DropBefore,
}

/// Decision and delay for one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Sleep this long first.
    pub latency: Duration,
    /// Then do this.
    pub verdict: Verdict,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// Takes one token, or says how long until one is there.
    fn take(&mut self, rate: f64, burst: f64, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - self.tokens) / rate))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct BucketKey {
    scope: &'static str,
    app: String,
    tenant: String,
    write: bool,
}

#[derive(Debug)]
struct State {
    config: FaultsConfig,
    rng: StdRng,
    buckets: HashMap<BucketKey, Bucket>,
    /// Remaining uses of each `config.inject` fault.
    inject_left: Vec<u32>,
}

/// The live fault state: configuration, random generator, buckets.
#[derive(Debug)]
pub struct Faults {
    state: Mutex<State>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults::new(&FaultsConfig::default())
    }
}

impl Faults {
    /// Fault state for `config` (assumed valid: see [`FaultsConfig::validate`]).
    pub fn new(config: &FaultsConfig) -> Faults {
        Faults { state: Mutex::new(State::fresh(config.clone())) }
    }

    /// The configuration now in force, with injected faults' remaining counts.
    pub fn config(&self) -> FaultsConfig {
        let state = self.lock();
        let mut config = state.config.clone();
        for (fault, left) in config.inject.iter_mut().zip(&state.inject_left) {
            fault.count = *left;
        }
        config.inject.retain(|fault| fault.count > 0);
        config
    }

    /// Replaces the configuration; the generator is re-seeded and the buckets
    /// start full, so a test that sets a config gets the same run every time.
    pub fn set_config(&self, config: FaultsConfig) {
        *self.lock() = State::fresh(config);
    }

    /// How long a request within `early_grace_ms` of a `Retry-After` counts as
    /// already in flight.
    pub fn early_grace(&self) -> Duration {
        Duration::from_millis(self.lock().config.early_grace_ms)
    }

    /// Decides the fate of one `/beta` request (not a `$batch` item).
    pub fn decide(&self, facts: &RequestFacts<'_>, now: SystemTime) -> Decision {
        let mut state = self.lock();
        let latency = state.latency();

        if let Some(fault) = state.take_injected(facts) {
            let verdict = match fault.fault {
                FaultKind::DropBeforeWrite => Verdict::DropBefore,
                FaultKind::DropAfterWrite => Verdict::Proceed { drop_after: true },
                FaultKind::Throttle | FaultKind::Error => {
                    Verdict::Reject(injected_rejection(&fault, now))
                }
            };
            return Decision { latency, verdict };
        }
        if let Some(rejection) = state.throttle(facts, now) {
            return Decision { latency, verdict: Verdict::Reject(rejection) };
        }
        if let Some(rejection) = state.random_error(now) {
            return Decision { latency, verdict: Verdict::Reject(rejection) };
        }

        let verdict = if facts.is_write {
            let (before, after) =
                (state.config.drops.before_write_rate, state.config.drops.after_write_rate);
            let draw: f64 = if before > 0.0 || after > 0.0 { state.rng.random() } else { 1.0 };
            if draw < before {
                Verdict::DropBefore
            } else if draw < before + after {
                Verdict::Proceed { drop_after: true }
            } else {
                Verdict::Proceed { drop_after: false }
            }
        } else {
            Verdict::Proceed { drop_after: false }
        };
        Decision { latency, verdict }
    }

    /// Decides the fate of the `$batch` request as a whole: latency, random
    /// errors and random drops (`drops`: before any item runs, or after every
    /// item ran, which loses the answers of writes already committed).  Its
    /// items are throttled one by one.
    pub fn decide_batch(&self, now: SystemTime) -> Decision {
        let mut state = self.lock();
        let latency = state.latency();
        if let Some(rejection) = state.random_error(now) {
            return Decision { latency, verdict: Verdict::Reject(rejection) };
        }
        let (before, after) =
            (state.config.drops.before_write_rate, state.config.drops.after_write_rate);
        let draw: f64 = if before > 0.0 || after > 0.0 { state.rng.random() } else { 1.0 };
        let verdict = if draw < before {
            Verdict::DropBefore
        } else {
            Verdict::Proceed { drop_after: draw < before + after }
        };
        Decision { latency, verdict }
    }

    /// Throttles one `$batch` item on its own: injected throttle/error faults,
    /// the token buckets and random errors.  `Some` is the item's answer (with
    /// its own `Retry-After`); the other items go on.
    pub fn check_item(&self, facts: &RequestFacts<'_>, now: SystemTime) -> Option<Rejection> {
        let mut state = self.lock();
        if let Some(fault) = state.take_injected_where(facts, |kind| {
            matches!(kind, FaultKind::Throttle | FaultKind::Error)
        }) {
            return Some(injected_rejection(&fault, now));
        }
        state.throttle(facts, now).or_else(|| state.random_error(now))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Every update under this lock is a plain assignment; a panic elsewhere
        // cannot leave it half-done, so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl State {
    fn fresh(config: FaultsConfig) -> State {
        State {
            rng: StdRng::seed_from_u64(config.seed),
            buckets: HashMap::new(),
            inject_left: config.inject.iter().map(|fault| fault.count).collect(),
            config,
        }
    }

    fn latency(&mut self) -> Duration {
        let LatencyConfig { ms, jitter_ms } = self.config.latency;
        let jitter = if jitter_ms > 0 { self.rng.random_range(0..=jitter_ms) } else { 0 };
        Duration::from_millis(ms.saturating_add(jitter))
    }

    fn take_injected(&mut self, facts: &RequestFacts<'_>) -> Option<InjectedFault> {
        // A drop fault only makes sense around a write.
        let is_write = facts.is_write;
        self.take_injected_where(facts, |kind| {
            is_write || matches!(kind, FaultKind::Throttle | FaultKind::Error)
        })
    }

    fn take_injected_where(
        &mut self,
        facts: &RequestFacts<'_>,
        allowed: impl Fn(FaultKind) -> bool,
    ) -> Option<InjectedFault> {
        let index = self.config.inject.iter().enumerate().position(|(index, fault)| {
            self.inject_left[index] > 0
                && allowed(fault.fault)
                && match fault.on {
                    RequestMatch::Any => true,
                    RequestMatch::Read => !facts.is_write,
                    RequestMatch::Write => facts.is_write,
                }
                && fault.path_contains.as_deref().is_none_or(|part| facts.path.contains(part))
        })?;
        self.inject_left[index] -= 1;
        Some(self.config.inject[index].clone())
    }

    fn throttle(&mut self, facts: &RequestFacts<'_>, now: SystemTime) -> Option<Rejection> {
        let instant = Instant::now();
        let throttle = &self.config.throttle;
        let app_limits = throttle.per_app_and_tenant();
        let scopes = [
            ("appTenant", Some(&app_limits), facts.app),
            ("tenant", throttle.per_tenant.as_ref(), ""),
        ];

        // Check every scope before taking from any, so a request refused by
        // the tenant bucket does not use up the application's allowance.
        let mut wait = Duration::ZERO;
        let mut takes = Vec::new();
        for (scope, limits, app) in scopes {
            let Some(limits) = limits else { continue };
            let rate =
                if facts.is_write { limits.writes_per_second } else { limits.reads_per_second };
            // Unchecked settings (a CLI that skipped `validate`) must not panic:
            // a rate that is not above zero means no limit.
            let Some(rate) = rate.filter(|rate| rate.is_finite() && *rate > 0.0) else {
                continue;
            };
            let burst = limits.burst.unwrap_or(rate).max(1.0);
            let key = BucketKey {
                scope,
                app: app.to_owned(),
                tenant: facts.tenant.to_owned(),
                write: facts.is_write,
            };
            let mut bucket =
                self.buckets.get(&key).copied().unwrap_or(Bucket { tokens: burst, last: instant });
            match bucket.take(rate, burst, instant) {
                Ok(()) => takes.push((key, bucket)),
                Err(needed) => {
                    wait = wait.max(needed);
                    // Keep the refill, not the take.
                    bucket.tokens = bucket.tokens.min(burst);
                    self.buckets.insert(key, bucket);
                }
            }
        }

        if wait.is_zero() {
            self.buckets.extend(takes);
            return None;
        }
        let (retry_after, told) = retry_after(throttle.retry_after, wait, now);
        Some(Rejection {
            status: throttle.status,
            code: if throttle.status == 429 { "TooManyRequests" } else { "ServiceUnavailable" },
            message: "Too many requests; retry after the time given in Retry-After.".to_owned(),
            retry_after,
            wait: told,
            fault: "throttled",
        })
    }

    fn random_error(&mut self, now: SystemTime) -> Option<Rejection> {
        let errors = &self.config.errors;
        if errors.rate <= 0.0 || errors.statuses.is_empty() {
            return None;
        }
        let draw: f64 = self.rng.random();
        if draw >= errors.rate {
            return None;
        }
        let status = errors.statuses[self.rng.random_range(0..errors.statuses.len())];
        let (retry_after, wait) = match errors.retry_after_seconds {
            Some(seconds) => retry_after(errors.retry_after, seconds_to_duration(seconds), now),
            None => (None, None),
        };
        Some(server_error(status, retry_after, wait))
    }
}

/// Seconds as a duration; a negative or non-finite value is zero.
fn seconds_to_duration(seconds: f64) -> Duration {
    Duration::try_from_secs_f64(seconds).unwrap_or_default()
}

fn injected_rejection(fault: &InjectedFault, now: SystemTime) -> Rejection {
    let (default_status, default_wait) = match fault.fault {
        FaultKind::Throttle => (429, Some(1.0)),
        _ => (503, None),
    };
    let status = fault.status.unwrap_or(default_status);
    let (retry_after, wait) = match fault.retry_after_seconds.or(default_wait) {
        Some(seconds) => retry_after(fault.retry_after, seconds_to_duration(seconds), now),
        None => (None, None),
    };
    if fault.fault == FaultKind::Throttle && status == 429 {
        return Rejection {
            status,
            code: "TooManyRequests",
            message: "Too many requests; retry after the time given in Retry-After.".to_owned(),
            retry_after,
            wait,
            fault: "throttled",
        };
    }
    let mut rejection = server_error(status, retry_after, wait);
    if fault.fault == FaultKind::Throttle {
        rejection.fault = "throttled";
    }
    rejection
}

fn server_error(status: u16, retry_after: Option<String>, wait: Option<Duration>) -> Rejection {
    let (code, message) = match status {
        503 => ("ServiceUnavailable", "The service is temporarily unavailable."),
        504 => ("GatewayTimeout", "The gateway timed out."),
        429 => ("TooManyRequests", "Too many requests."),
        500 => ("InternalServerError", "The service failed (injected fault)."),
        _ => ("UnknownError", "Injected fault."),
    };
    Rejection { status, code, message: message.to_owned(), retry_after, wait, fault: "error" }
}

/// Writes a wait as a `Retry-After` value of the given form, and returns how
/// long a client reading that value waits (the header rounds up).
pub fn retry_after(
    form: RetryAfterForm,
    wait: Duration,
    now: SystemTime,
) -> (Option<String>, Option<Duration>) {
    match form {
        RetryAfterForm::Seconds => {
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            (Some(seconds.to_string()), Some(Duration::from_secs(seconds)))
        }
        RetryAfterForm::Fractional => {
            // Milliseconds, rounded up, never zero.
            let millis = (wait.as_secs_f64() * 1000.0).ceil().max(1.0) as u64;
            let text = format!("{}.{:03}", millis / 1000, millis % 1000);
            (Some(text), Some(Duration::from_millis(millis)))
        }
        RetryAfterForm::HttpDate => {
            // An HTTP date has whole seconds: round the moment up to the next
            // whole second, so waiting until it is always enough.
            let since_epoch =
                (now + wait).duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
            let whole = since_epoch.as_secs() + u64::from(since_epoch.subsec_nanos() > 0);
            let at = SystemTime::UNIX_EPOCH + Duration::from_secs(whole);
            let told = at.duration_since(now).unwrap_or_default();
            (Some(httpdate::fmt_http_date(at)), Some(told))
        }
        RetryAfterForm::None => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<'a>() -> RequestFacts<'a> {
        RequestFacts { is_write: false, path: "/beta/me/profile/skills", app: "a", tenant: "t" }
    }

    fn write<'a>() -> RequestFacts<'a> {
        RequestFacts { is_write: true, path: "/beta/me/profile/skills", app: "a", tenant: "t" }
    }

    fn config(json: serde_json::Value) -> FaultsConfig {
        let config: FaultsConfig = serde_json::from_value(json).unwrap();
        config.validate().unwrap();
        config
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_250);
        let wait = Duration::from_millis(2_128);
        assert_eq!(retry_after(RetryAfterForm::Seconds, wait, now).0.unwrap(), "3");
        assert_eq!(retry_after(RetryAfterForm::Fractional, wait, now).0.unwrap(), "2.128");
        let (date, told) = retry_after(RetryAfterForm::HttpDate, wait, now);
        assert_eq!(date.unwrap(), "Tue, 14 Nov 2023 22:13:23 GMT");
        assert_eq!(told.unwrap(), Duration::from_millis(2_750));
        assert_eq!(retry_after(RetryAfterForm::None, wait, now), (None, None));
        let tiny = Duration::from_micros(10);
        assert_eq!(retry_after(RetryAfterForm::Seconds, tiny, now).0.unwrap(), "1");
        assert_eq!(retry_after(RetryAfterForm::Fractional, tiny, now).0.unwrap(), "0.001");
    }

    #[test]
    fn writes_are_throttled_while_reads_pass() {
        let faults = Faults::new(&config(serde_json::json!({
            "throttle": {"writesPerSecond": 1, "burst": 2, "retryAfter": "fractional"}
        })));
        let now = SystemTime::now();
        let verdicts: Vec<_> = (0..3).map(|_| faults.decide(&write(), now).verdict).collect();
        assert_eq!(verdicts[0], Verdict::Proceed { drop_after: false });
        assert_eq!(verdicts[1], Verdict::Proceed { drop_after: false });
        let Verdict::Reject(rejection) = &verdicts[2] else { panic!("{verdicts:?}") };
        assert_eq!(rejection.status, 429);
        let seconds: f64 = rejection.retry_after.as_deref().unwrap().parse().unwrap();
        assert!(seconds > 0.9 && seconds <= 1.0, "{seconds}");
        for _ in 0..10 {
            assert_eq!(faults.decide(&read(), now).verdict, Verdict::Proceed { drop_after: false });
        }
    }

    #[test]
    fn apps_have_their_own_buckets_but_share_the_tenant_one() {
        let faults = Faults::new(&config(serde_json::json!({
            "throttle": {"writesPerSecond": 1, "burst": 1,
                         "perTenant": {"writesPerSecond": 1, "burst": 2}}
        })));
        let now = SystemTime::now();
        let other = RequestFacts { app: "b", ..write() };
        assert!(matches!(faults.decide(&write(), now).verdict, Verdict::Proceed { .. }));
        assert!(matches!(faults.decide(&other, now).verdict, Verdict::Proceed { .. }));
        let third = RequestFacts { app: "c", ..write() };
        assert!(matches!(faults.decide(&third, now).verdict, Verdict::Reject(_)));
        let elsewhere = RequestFacts { app: "c", tenant: "u", ..write() };
        assert!(matches!(faults.decide(&elsewhere, now).verdict, Verdict::Proceed { .. }));
    }

    #[test]
    fn same_seed_same_faults() {
        let json = serde_json::json!({
            "seed": 7, "errors": {"rate": 0.3}, "drops": {"beforeWriteRate": 0.1,
            "afterWriteRate": 0.1}, "latency": {"jitterMs": 20}
        });
        let run = || {
            let faults = Faults::new(&config(json.clone()));
            (0..200)
                .map(|i| {
                    let facts = if i % 2 == 0 { read() } else { write() };
                    faults.decide(&facts, SystemTime::UNIX_EPOCH)
                })
                .collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        let errors = first.iter().filter(|d| matches!(d.verdict, Verdict::Reject(_))).count();
        assert!((30..=90).contains(&errors), "{errors} errors in 200");
        assert!(first.iter().any(|d| d.verdict == Verdict::DropBefore));
        assert!(first.iter().any(|d| d.verdict == Verdict::Proceed { drop_after: true }));
    }

    #[test]
    fn injected_faults_are_used_in_order_and_counted() {
        let faults = Faults::new(&config(serde_json::json!({
            "inject": [
                {"on": "write", "fault": "dropAfterWrite"},
                {"fault": "throttle", "retryAfterSeconds": 2.5, "retryAfter": "fractional",
                 "count": 2}
            ]
        })));
        let now = SystemTime::now();
        let Verdict::Reject(first) = faults.decide(&read(), now).verdict else { panic!() };
        assert_eq!((first.status, first.retry_after.as_deref()), (429, Some("2.500")));
        assert_eq!(faults.decide(&write(), now).verdict, Verdict::Proceed { drop_after: true });
        assert_eq!(faults.config().inject.len(), 1);
        assert!(faults.check_item(&write(), now).is_some());
        assert!(faults.check_item(&write(), now).is_none());
        assert!(faults.config().inject.is_empty());
    }

    #[test]
    fn rejects_bad_config_naming_the_field() {
        let bad: FaultsConfig =
            serde_json::from_value(serde_json::json!({"errors": {"rate": 2}})).unwrap();
        assert!(bad.validate().unwrap_err().starts_with("errors.rate"));
        let unknown = serde_json::from_value::<FaultsConfig>(serde_json::json!({"sed": 1}));
        assert!(unknown.unwrap_err().to_string().contains("sed"));
    }
}
