//! Backoff between failed purge attempts.

use std::time::Duration;

/// Exponential backoff with jitter: after failed attempt `n` (1-based) the next attempt waits
/// `min(base * 2^(n-1), max)`, plus a random extra of up to `jitter` times that delay, so that
/// jobs that failed together do not retry together.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub base: Duration,
    pub max: Duration,
    /// Fraction of the delay added at random, from 0.0 (none) to 1.0.
    pub jitter: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(30),
            max: Duration::from_secs(3600),
            jitter: 0.2,
        }
    }
}

impl RetryPolicy {
    /// Returns the delay after failed attempt `attempt`, with `sample` in `[0, 1)` choosing the jitter.
    pub fn delay(&self, attempt: u32, sample: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(31);
        let exponential = self.base.saturating_mul(1u32 << exponent);
        let capped = exponential.min(self.max);
        let jitter = self.jitter.clamp(0.0, 1.0) * sample.clamp(0.0, 1.0);
        capped.saturating_add(capped.mul_f64(jitter))
    }

    /// Returns the delay after failed attempt `attempt`, with random jitter.
    pub fn random_delay(&self, attempt: u32) -> Duration {
        self.delay(attempt, rand::random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            base: Duration::from_secs(30),
            max: Duration::from_secs(600),
            jitter: 0.2,
        }
    }

    #[test]
    fn delay_doubles_per_attempt() {
        let policy = policy();
        assert_eq!(policy.delay(1, 0.0), Duration::from_secs(30));
        assert_eq!(policy.delay(2, 0.0), Duration::from_secs(60));
        assert_eq!(policy.delay(3, 0.0), Duration::from_secs(120));
        assert_eq!(policy.delay(4, 0.0), Duration::from_secs(240));
    }

    #[test]
    fn delay_is_capped_at_max() {
        let policy = policy();
        assert_eq!(policy.delay(6, 0.0), Duration::from_secs(600));
        assert_eq!(policy.delay(u32::MAX, 0.0), Duration::from_secs(600));
    }

    #[test]
    fn jitter_adds_at_most_its_fraction() {
        let policy = policy();
        assert_eq!(policy.delay(1, 0.5), Duration::from_secs(33));
        assert_eq!(policy.delay(1, 1.0), Duration::from_secs(36));
        for _ in 0..100 {
            let delay = policy.random_delay(2);
            assert!(delay >= Duration::from_secs(60), "{delay:?}");
            assert!(delay <= Duration::from_secs(72), "{delay:?}");
        }
    }

    #[test]
    fn attempt_zero_uses_base() {
        assert_eq!(policy().delay(0, 0.0), Duration::from_secs(30));
    }
}
