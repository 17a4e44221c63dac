//! Slows down repeated failed authentications from one address: after a few free failures,
//! each further failure locks the address out for twice as long as the one before.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Limits of [`FailureLimiter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureLimits {
    /// Failures an address may make before the first lockout.
    pub free_failures: u32,
    /// Length of the first lockout. Each later failure doubles it.
    pub base_delay: Duration,
    /// Longest lockout.
    pub max_delay: Duration,
    /// An address whose last failure is older than this starts again from zero.
    pub forget_after: Duration,
    /// Maximum number of addresses tracked at once, which bounds the memory used.
    pub max_tracked: usize,
}

impl Default for FailureLimits {
    fn default() -> Self {
        Self {
            free_failures: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(300),
            forget_after: Duration::from_secs(900),
            max_tracked: 10_000,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last_failure: Instant,
    locked_until: Option<Instant>,
    /// When a lockout rejection of this address was last logged.
    last_logged: Option<Instant>,
}

/// Per-address counts of failed authentications. Uses the monotonic clock, not the server's
/// injected clock, so moving a test clock does not lift a lockout.
#[derive(Debug)]
pub struct FailureLimiter {
    limits: FailureLimits,
    entries: Mutex<HashMap<IpAddr, Entry>>,
}

/// The verdict on a request from a locked-out address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    pub retry_after: Duration,
    /// Whether this rejection should be logged: the first one of each lockout is.
    pub log: bool,
}

impl FailureLimiter {
    pub fn new(limits: FailureLimits) -> Self {
        Self {
            limits,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Returns the lockout of `address` if it is locked out at `now`.
    pub fn check(&self, address: IpAddr, now: Instant) -> Option<Lockout> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = entries.get_mut(&address)?;
        let until = entry.locked_until.filter(|until| *until > now)?;
        let log = entry
            .last_logged
            .is_none_or(|logged| logged < entry.last_failure);
        if log {
            entry.last_logged = Some(now);
        }
        Some(Lockout {
            retry_after: until - now,
            log,
        })
    }

    /// Counts a failure of `address` and returns the lockout it starts, if any.
    pub fn record_failure(&self, address: IpAddr, now: Instant) -> Option<Duration> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if !entries.contains_key(&address) && entries.len() >= self.limits.max_tracked {
            self.evict(&mut entries, now);
        }
        let forget_after = self.limits.forget_after;
        let entry = entries.entry(address).or_insert(Entry {
            failures: 0,
            last_failure: now,
            locked_until: None,
            last_logged: None,
        });
        if now.duration_since(entry.last_failure) > forget_after {
            entry.failures = 0;
        }
        entry.failures = entry.failures.saturating_add(1);
        entry.last_failure = now;
        let over = entry.failures.checked_sub(self.limits.free_failures)?;
        if over == 0 {
            return None;
        }
        let delay = self.delay(over);
        entry.locked_until = Some(now + delay);
        Some(delay)
    }

    /// Returns the lockout after the `over`-th failure beyond the free ones: the base delay
    /// doubled `over - 1` times, at most the maximum.
    fn delay(&self, over: u32) -> Duration {
        let doublings = over.saturating_sub(1).min(30);
        self.limits
            .base_delay
            .saturating_mul(1 << doublings)
            .min(self.limits.max_delay)
    }

    /// Drops every forgotten address, and when none is, the one whose last failure is oldest.
    fn evict(&self, entries: &mut HashMap<IpAddr, Entry>, now: Instant) {
        let forget_after = self.limits.forget_after;
        entries.retain(|_, entry| {
            let locked = entry.locked_until.is_some_and(|until| until > now);
            locked || now.duration_since(entry.last_failure) <= forget_after
        });
        if entries.len() < self.limits.max_tracked {
            return;
        }
        let oldest = entries
            .iter()
            .min_by_key(|(_, entry)| entry.last_failure)
            .map(|(address, _)| *address);
        if let Some(address) = oldest {
            entries.remove(&address);
        }
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(last: u8) -> IpAddr {
        IpAddr::from([127, 0, 0, last])
    }

    #[test]
    fn free_failures_start_no_lockout() {
        let limiter = FailureLimiter::new(FailureLimits::default());
        let now = Instant::now();
        for _ in 0..5 {
            assert_eq!(limiter.record_failure(address(1), now), None);
        }
        assert_eq!(limiter.check(address(1), now), None);
    }

    #[test]
    fn lockouts_double_up_to_the_maximum() {
        let limiter = FailureLimiter::new(FailureLimits::default());
        let now = Instant::now();
        for _ in 0..5 {
            limiter.record_failure(address(1), now);
        }
        let delays: Vec<u64> = (0..12)
            .map(|_| limiter.record_failure(address(1), now).unwrap().as_secs())
            .collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
    }

    #[test]
    fn lockout_is_logged_once_and_ends() {
        let limiter = FailureLimiter::new(FailureLimits::default());
        let now = Instant::now();
        for _ in 0..6 {
            limiter.record_failure(address(1), now);
        }
        let first = limiter.check(address(1), now).unwrap();
        assert!(first.log);
        assert_eq!(first.retry_after, Duration::from_secs(1));
        let second = limiter.check(address(1), now).unwrap();
        assert!(!second.log);
        assert_eq!(limiter.check(address(2), now), None);
        assert_eq!(
            limiter.check(address(1), now + Duration::from_secs(1)),
            None
        );
    }

    #[test]
    fn old_failures_are_forgotten() {
        let limiter = FailureLimiter::new(FailureLimits::default());
        let now = Instant::now();
        for _ in 0..5 {
            limiter.record_failure(address(1), now);
        }
        let later = now + Duration::from_secs(901);
        assert_eq!(limiter.record_failure(address(1), later), None);
    }

    #[test]
    fn tracked_addresses_stay_bounded() {
        let limits = FailureLimits {
            max_tracked: 3,
            ..FailureLimits::default()
        };
        let limiter = FailureLimiter::new(limits);
        let start = Instant::now();
        for last in 0..10u8 {
            let at = start + Duration::from_millis(u64::from(last));
            limiter.record_failure(address(last), at);
            assert!(limiter.tracked() <= 3, "after {last}");
        }
        // The newest address is still counted.
        assert_eq!(limiter.tracked(), 3);
        assert!(limiter.entries.lock().unwrap().contains_key(&address(9)));
    }
}
