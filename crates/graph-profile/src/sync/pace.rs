//! The pace of writes: a token bucket whose rate adapts to the service's answers.
//!
//! It starts low and doubles about every half second while nothing is throttled
//! (like TCP's slow start), so it finds the service's limit within a few seconds.
//! After the first 429 it creeps up by a few percent a second, and on each later
//! 429 it drops to a little under the rate the service actually accepted in the
//! last seconds (never more than once per second, so one burst of 429s counts
//! once).  A `Retry-After` holds every send until it has run out: throttling is per
//! application and tenant, so all requests share it.  The result stays close to the
//! limit with a 429 now and then, not a storm of them.
//!
//! The batch size adapts too.  A service whose bucket holds fewer writes than a
//! batch throttles part of every batch however slowly they come; slowing down would
//! then only spiral towards the minimum rate.  So a batch answered partly accepted,
//! partly throttled caps the next batches at the number accepted, and each batch
//! accepted whole lets the cap grow again by one item.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How the pace starts and where it stays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaceConfig {
    /// Items per second at the start.
    pub initial_rate: f64,
    /// Never slower than this.
    pub min_rate: f64,
    /// Never faster than this.
    pub max_rate: f64,
}

impl Default for PaceConfig {
    fn default() -> Self {
        PaceConfig { initial_rate: 20.0, min_rate: 0.5, max_rate: 5_000.0 }
    }
}

/// Doubling time while no 429 was seen.
const SLOW_START_DOUBLING: Duration = Duration::from_millis(500);
/// Growth per second after the first 429.
const CREEP_PER_SECOND: f64 = 0.04;
/// After a 429, the new rate is this share of the rate accepted recently.
const BACK_OFF_SHARE: f64 = 0.95;
/// Without a usable measure of the accepted rate, the rate is cut by this factor.
const BACK_OFF_FACTOR: f64 = 0.8;
/// How long a 429 without `Retry-After` holds every send.
const DEFAULT_HOLD: Duration = Duration::from_millis(250);
/// Batches accepted whole at the size limit before it grows by one item: each
/// probe past the service's bucket costs a 429, so probing stays rare.
const WHOLE_BATCHES_TO_GROW: u32 = 8;
/// The window the accepted rate is measured over.
const WINDOW: Duration = Duration::from_secs(2);
/// The most items asked for at once (a batch).
const MAX_TOKENS: f64 = 20.0;
/// Tokens pile up to this much time's worth of the rate (at least a batch): after a
/// `Retry-After` hold the service's own bucket has refilled, and catching up on it
/// is what keeps the average near the limit.
const TOKEN_SPAN: f64 = 0.5;

/// The shared pace of one apply.
#[derive(Debug)]
pub struct Pacer {
    state: Mutex<PaceState>,
    config: PaceConfig,
}

#[derive(Debug)]
struct PaceState {
    rate: f64,
    tokens: f64,
    refilled: Instant,
    hold_until: Option<Instant>,
    slow_start: bool,
    last_growth: Instant,
    last_back_off: Option<Instant>,
    /// Items accepted, with when: the measure of what the service takes.
    accepted: VecDeque<(Instant, u32)>,
    throttled: u64,
    /// The most items to put in one batch, as the service's answers allow.
    batch_limit: usize,
    /// The largest batch accepted whole so far.
    proven_batch: usize,
    /// Batches accepted whole at the limit since it last changed.
    whole_batches: u32,
}

impl Pacer {
    /// A pacer at `config.initial_rate`.
    pub fn new(config: PaceConfig) -> Pacer {
        let now = Instant::now();
        let rate = config.initial_rate.clamp(config.min_rate, config.max_rate);
        Pacer {
            state: Mutex::new(PaceState {
                rate,
                tokens: MAX_TOKENS,
                refilled: now,
                hold_until: None,
                slow_start: true,
                last_growth: now,
                last_back_off: None,
                accepted: VecDeque::new(),
                throttled: 0,
                batch_limit: MAX_TOKENS as usize,
                proven_batch: 0,
                whole_batches: 0,
            }),
            config,
        }
    }

    /// The current rate in items per second.
    pub fn rate(&self) -> f64 {
        self.lock().rate
    }

    /// How many 429s were seen.
    pub fn throttled(&self) -> u64 {
        self.lock().throttled
    }

    /// The most items the next batch should hold (1 to 20).
    pub fn batch_limit(&self) -> usize {
        self.lock().batch_limit
    }

    /// A `$batch` of writes was answered: `accepted` items taken (any status but
    /// 429) and `throttled` refused with 429, the longest `Retry-After` among those
    /// being `retry_after`.  Adapts the rate and the batch size (see the module
    /// comment); call it once per batch.
    pub fn on_batch_answered(
        &self,
        accepted: usize,
        throttled: usize,
        retry_after: Option<Duration>,
    ) {
        if accepted > 0 {
            self.on_accepted(accepted);
        }
        let mut state = self.lock();
        let max = MAX_TOKENS as usize;
        if throttled == 0 {
            if accepted >= state.batch_limit {
                state.proven_batch = state.proven_batch.max(accepted);
                state.whole_batches += 1;
                if state.whole_batches >= WHOLE_BATCHES_TO_GROW {
                    state.whole_batches = 0;
                    state.batch_limit = (state.batch_limit + 1).min(max);
                }
            }
            return;
        }

        let now = Instant::now();
        state.whole_batches = 0;
        // As many taken as ever were in a batch accepted whole: the service's bucket
        // is smaller than the batch, and a slower pace would change nothing.
        if accepted > 0 && accepted >= state.proven_batch {
            state.throttled += throttled as u64;
            state.hold(now, retry_after.unwrap_or(DEFAULT_HOLD));
            state.batch_limit = accepted.min(max);
            tracing::debug!(batch_limit = state.batch_limit, "part of a batch throttled");
            return;
        }
        state.throttle(now, retry_after, throttled as u64, &self.config);
    }

    /// Waits until `n` items may be sent (at most [`MAX_TOKENS`] are asked at once).
    pub async fn acquire(&self, n: usize) {
        let want = (n as f64).min(MAX_TOKENS);
        loop {
            let wait = {
                let mut state = self.lock();
                let now = Instant::now();
                state.refill(now);
                // A batch taken before the limit shrank asks for no more than the
                // tokens can ever reach.
                let want = want.min(state.token_cap());
                match state.hold_until {
                    Some(until) if until > now => until - now,
                    _ => {
                        if state.tokens >= want {
                            state.tokens -= want;
                            return;
                        }
                        Duration::from_secs_f64((want - state.tokens) / state.rate)
                    }
                }
            };
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }

    /// `n` items were accepted (answered anything but 429).
    pub fn on_accepted(&self, n: usize) {
        let mut state = self.lock();
        let now = Instant::now();
        state.accepted.push_back((now, n as u32));
        state.forget_old(now);

        let elapsed = now.duration_since(state.last_growth).as_secs_f64();
        state.last_growth = now;
        let growth = if state.slow_start {
            2f64.powf(elapsed / SLOW_START_DOUBLING.as_secs_f64())
        } else {
            1.0 + CREEP_PER_SECOND * elapsed
        };
        state.rate = (state.rate * growth).clamp(self.config.min_rate, self.config.max_rate);
    }

    /// A read was throttled (429), with the service's `Retry-After` if it gave one.
    pub fn on_throttled(&self, retry_after: Option<Duration>) {
        let config = self.config;
        self.lock().throttle(Instant::now(), retry_after, 1, &config);
    }

    /// Holds every send for `wait`: a `Retry-After` on an answer that is not a 429
    /// (a 503), which asks the whole client to wait but says nothing of the rate.
    pub fn hold(&self, wait: Duration) {
        self.lock().hold(Instant::now(), wait);
    }

    /// Waits until no hold is in force (reads call this: they use no write tokens).
    pub async fn wait_for_hold(&self) {
        loop {
            let until = self.lock().hold_until;
            match until {
                Some(until) if until > Instant::now() => {
                    tokio::time::sleep_until(until.into()).await
                }
                _ => return,
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PaceState> {
        // A panic while holding the lock leaves plain numbers behind: still usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl PaceState {
    /// Throttled by the rate: holds for the `Retry-After` and, at most once a
    /// second, slows down to a little under the rate the service accepted lately.
    fn throttle(
        &mut self,
        now: Instant,
        retry_after: Option<Duration>,
        count: u64,
        config: &PaceConfig,
    ) {
        self.throttled += count;
        self.slow_start = false;
        self.last_growth = now;

        self.hold(now, retry_after.unwrap_or(DEFAULT_HOLD));

        let recently =
            self.last_back_off.is_some_and(|at| now.duration_since(at) < Duration::from_secs(1));
        if recently {
            return;
        }
        self.last_back_off = Some(now);
        self.forget_old(now);
        let measured = self.measured(now);
        let target = match measured {
            Some(accepted) if accepted < self.rate => accepted * BACK_OFF_SHARE,
            _ => self.rate * BACK_OFF_FACTOR,
        };
        self.rate = target.clamp(config.min_rate, config.max_rate);
        tracing::debug!(rate = self.rate, "throttled: slowing down");
    }

    fn hold(&mut self, now: Instant, wait: Duration) {
        let until = now + wait;
        self.hold_until = Some(self.hold_until.map_or(until, |held| held.max(until)));
        self.tokens = 0.0;
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.duration_since(self.refilled).as_secs_f64();
        self.refilled = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.token_cap());
    }

    /// The most tokens that pile up.  A service that holds fewer writes than a batch
    /// holds no more than that after a pause either: saving up would only send
    /// bursts it throttles.
    fn token_cap(&self) -> f64 {
        if self.batch_limit < MAX_TOKENS as usize {
            self.batch_limit as f64
        } else {
            MAX_TOKENS.max(self.rate * TOKEN_SPAN)
        }
    }

    fn forget_old(&mut self, now: Instant) {
        while self.accepted.front().is_some_and(|(at, _)| now.duration_since(*at) > WINDOW) {
            self.accepted.pop_front();
        }
    }

    /// Items accepted per second over the window, once the window is mostly filled.
    fn measured(&self, now: Instant) -> Option<f64> {
        let first = self.accepted.front()?.0;
        let span = now.duration_since(first).as_secs_f64();
        if span < WINDOW.as_secs_f64() / 2.0 {
            return None;
        }
        let total: u32 = self.accepted.iter().map(|(_, n)| n).sum();
        Some(f64::from(total) / span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_throttle_slows_down_once_per_burst_and_success_speeds_up() {
        let pacer = Pacer::new(PaceConfig { initial_rate: 100.0, ..PaceConfig::default() });
        pacer.on_throttled(None);
        let after_first = pacer.rate();
        assert!(after_first < 100.0);
        pacer.on_throttled(None);
        assert_eq!(pacer.rate(), after_first, "one burst counts once");
        assert_eq!(pacer.throttled(), 2);

        std::thread::sleep(Duration::from_millis(50));
        pacer.on_accepted(20);
        assert!(pacer.rate() > after_first);
    }

    #[test]
    fn a_batch_larger_than_the_service_takes_caps_the_size_not_the_rate() {
        let pacer = Pacer::new(PaceConfig { initial_rate: 100.0, ..PaceConfig::default() });
        assert_eq!(pacer.batch_limit(), 20);
        pacer.on_batch_answered(10, 10, None);
        assert_eq!(pacer.batch_limit(), 10);
        assert!(pacer.rate() >= 100.0, "the rate was not the cause: {}", pacer.rate());
        assert_eq!(pacer.throttled(), 10);

        for _ in 0..WHOLE_BATCHES_TO_GROW {
            pacer.on_batch_answered(10, 0, None);
        }
        assert_eq!(pacer.batch_limit(), 11, "whole batches let the size grow again");
        pacer.on_batch_answered(3, 0, None);
        assert_eq!(pacer.batch_limit(), 11, "a small batch accepted whole proves nothing");

        // The probe past the bucket: ten taken, as many as ever, so still the size.
        let rate = pacer.rate();
        pacer.on_batch_answered(10, 1, None);
        assert_eq!(pacer.batch_limit(), 10);
        assert!(pacer.rate() >= rate);
    }

    #[test]
    fn fewer_taken_than_a_proven_batch_means_too_fast() {
        let pacer = Pacer::new(PaceConfig { initial_rate: 100.0, ..PaceConfig::default() });
        pacer.on_batch_answered(20, 0, None);
        pacer.on_batch_answered(6, 14, None);
        assert_eq!(pacer.batch_limit(), 20, "the size was proven: the rate is the cause");
        assert!(pacer.rate() < 100.0);
        pacer.on_batch_answered(0, 20, None);
        assert_eq!(pacer.batch_limit(), 20);
    }

    #[tokio::test]
    async fn acquire_keeps_to_the_rate() {
        let pacer =
            Pacer::new(PaceConfig { initial_rate: 200.0, min_rate: 200.0, max_rate: 200.0 });
        let started = Instant::now();
        for _ in 0..5 {
            pacer.acquire(20).await;
        }
        // 100 items at 200 a second, less the batch held at the start.
        assert!(started.elapsed() >= Duration::from_millis(350), "{:?}", started.elapsed());
    }
}
