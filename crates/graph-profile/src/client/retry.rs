//! When to try again and how long to wait first.

use std::time::{Duration, SystemTime};

use crate::config::RetryPolicy;

/// The statuses worth another attempt: throttling and a busy or slow gateway.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 503 | 504)
}

/// Reads a `Retry-After` value: whole seconds (`"3"`), fractional seconds
/// (`"2.128"`, which Graph sends) or an HTTP date.  A date in the past means now.
/// Anything else is `None`, and the caller backs off on its own.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }

    if value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return parse_decimal_seconds(value);
    }

    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Reads `"2"` or `"2.128"` exactly (no float rounding), saturating on huge values.
fn parse_decimal_seconds(value: &str) -> Option<Duration> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if whole.is_empty() || fraction.contains('.') {
        return None;
    }
    let seconds = whole.parse::<u64>().unwrap_or(u64::MAX);
    let mut nanos = 0u32;
    for (place, digit) in fraction.bytes().take(9).enumerate() {
        nanos += u32::from(digit - b'0') * 10u32.pow(8 - place as u32);
    }
    Some(Duration::new(seconds, 0).saturating_add(Duration::from_nanos(nanos.into())))
}

/// The attempts and waiting of one logical request, kept across its retries.
#[derive(Debug)]
pub(crate) struct RetryState {
    policy: RetryPolicy,
    /// Retries done so far (0 during the first attempt).
    pub(crate) retries: u32,
    waited: Duration,
    /// An earlier attempt may have reached the service and taken effect.
    pub(crate) outcome_unknown: bool,
}

/// Why no further attempt is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GiveUp {
    /// `maxRetries` reached.
    Attempts,
    /// The wait would pass `maxTotalWaitMs`.
    TotalWait,
}

impl RetryState {
    pub(crate) fn new(policy: RetryPolicy) -> RetryState {
        RetryState { policy, retries: 0, waited: Duration::ZERO, outcome_unknown: false }
    }

    /// The wait before the next attempt, or why there is none.  Counts the attempt.
    ///
    /// The service's `Retry-After` wins when given; otherwise the delay doubles from
    /// `baseDelayMs` up to `maxDelayMs`, with jitter between half and all of it so
    /// that many clients do not come back at the same instant.
    pub(crate) fn next_delay(&mut self, retry_after: Option<Duration>) -> Result<Duration, GiveUp> {
        if self.retries >= self.policy.max_retries {
            return Err(GiveUp::Attempts);
        }

        let delay = match retry_after {
            Some(delay) => delay,
            None => {
                let exponent = self.retries.min(30);
                let ceiling = self
                    .policy
                    .base_delay()
                    .saturating_mul(1u32 << exponent)
                    .min(self.policy.max_delay());
                ceiling.mul_f64(0.5 + rand::random::<f64>() * 0.5)
            }
        };

        if self.waited + delay > self.policy.max_total_wait() {
            return Err(GiveUp::TotalWait);
        }
        self.waited += delay;
        self.retries += 1;
        Ok(delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> SystemTime {
        httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap()
    }

    #[test]
    fn whole_seconds() {
        assert_eq!(parse_retry_after("3", now()), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now()), Some(Duration::ZERO));
    }

    #[test]
    fn fractional_seconds() {
        assert_eq!(parse_retry_after("2.128", now()), Some(Duration::from_millis(2128)));
        assert_eq!(parse_retry_after("0.5", now()), Some(Duration::from_millis(500)));
    }

    #[test]
    fn an_http_date() {
        let later = "Wed, 21 Oct 2015 07:28:07 GMT";
        assert_eq!(parse_retry_after(later, now()), Some(Duration::from_secs(7)));
        let earlier = "Wed, 21 Oct 2015 07:27:00 GMT";
        assert_eq!(parse_retry_after(earlier, now()), Some(Duration::ZERO));
    }

    #[test]
    fn nonsense_is_ignored() {
        for value in ["", "soon", "-3", "1.2.3", "3s", "NaN", "inf"] {
            assert_eq!(parse_retry_after(value, now()), None, "{value:?}");
        }
    }

    #[test]
    fn a_huge_value_does_not_overflow() {
        let delay = parse_retry_after("99999999999999999999999", now()).unwrap();
        assert!(delay >= Duration::from_secs(86_400));
    }

    #[test]
    fn backoff_doubles_with_jitter_and_stops_at_the_caps() {
        let policy = RetryPolicy {
            max_retries: 5,
            base_delay_ms: 100,
            max_delay_ms: 300,
            max_total_wait_ms: 10_000,
        };
        let mut state = RetryState::new(policy);
        let ceilings = [100, 200, 300, 300, 300];
        for ceiling in ceilings {
            let delay = state.next_delay(None).unwrap();
            let ceiling = Duration::from_millis(ceiling);
            assert!(delay <= ceiling && delay >= ceiling / 2, "{delay:?} vs {ceiling:?}");
        }
        assert_eq!(state.next_delay(None), Err(GiveUp::Attempts));
    }

    #[test]
    fn the_total_wait_cap_ends_retries_early() {
        let policy = RetryPolicy {
            max_retries: 10,
            base_delay_ms: 100,
            max_delay_ms: 1000,
            max_total_wait_ms: 5000,
        };
        let mut state = RetryState::new(policy);
        assert_eq!(state.next_delay(Some(Duration::from_secs(3))), Ok(Duration::from_secs(3)));
        assert_eq!(state.next_delay(Some(Duration::from_secs(3))), Err(GiveUp::TotalWait));
    }

    proptest::proptest! {
        #[test]
        fn any_decimal_reads_as_those_seconds(millis in 0u64..10_000_000) {
            let text = format!("{}.{:03}", millis / 1000, millis % 1000);
            proptest::prop_assert_eq!(
                parse_retry_after(&text, now()),
                Some(Duration::from_millis(millis))
            );
        }
    }
}
