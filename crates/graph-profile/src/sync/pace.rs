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

    /// Waits until `n` items may be sent (at most [`MAX_TOKENS`] are asked at once).
    pub async fn acquire(&self, n: usize) {
        let want = (n as f64).min(MAX_TOKENS);
        loop {
            let wait = {
                let mut state = self.lock();
                let now = Instant::now();
                state.refill(now);
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

    /// An item was throttled (429), with the service's `Retry-After` if it gave one.
    pub fn on_throttled(&self, retry_after: Option<Duration>) {
        let mut state = self.lock();
        let now = Instant::now();
        state.throttled += 1;
        state.slow_start = false;
        state.last_growth = now;

        state.hold(now, retry_after.unwrap_or(Duration::from_millis(250)));

        let recently =
            state.last_back_off.is_some_and(|at| now.duration_since(at) < Duration::from_secs(1));
        if recently {
            return;
        }
        state.last_back_off = Some(now);
        state.forget_old(now);
        let measured = state.measured(now);
        let target = match measured {
            Some(accepted) if accepted < state.rate => accepted * BACK_OFF_SHARE,
            _ => state.rate * BACK_OFF_FACTOR,
        };
        state.rate = target.clamp(self.config.min_rate, self.config.max_rate);
        tracing::debug!(rate = state.rate, "throttled: slowing down");
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
    fn hold(&mut self, now: Instant, wait: Duration) {
        let until = now + wait;
        self.hold_until = Some(self.hold_until.map_or(until, |held| held.max(until)));
        self.tokens = 0.0;
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.duration_since(self.refilled).as_secs_f64();
        self.refilled = now;
        self.tokens =
            (self.tokens + elapsed * self.rate).min(MAX_TOKENS.max(self.rate * TOKEN_SPAN));
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
