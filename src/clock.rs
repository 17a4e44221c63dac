//! The clock that the server and the deletion queue read. Production uses the system clock;
//! tests use [`ManualClock`] and move time forward by hand, so a 24-hour grace period runs in
//! milliseconds.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::sync::watch;

use crate::api::Timestamp;

/// Longest single sleep of a system clock. A sleeper wakes at least this often and compares
/// the wall clock again, so a clock that jumps forwards is noticed within this bound.
pub const MAX_SYSTEM_SLEEP: Duration = Duration::from_secs(30);

/// Source of "now" for everything that decides on time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;

    /// Resolves at `deadline` or earlier. Callers read [`Clock::now`] again after waking,
    /// because a system clock wakes early to notice jumps.
    fn sleep_until(&self, deadline: Timestamp) -> BoxFuture<'static, ()>;
}

pub type SharedClock = Arc<dyn Clock>;

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_datetime(chrono::Utc::now())
    }

    fn sleep_until(&self, deadline: Timestamp) -> BoxFuture<'static, ()> {
        let wait = wall_wait(self.now(), deadline);
        Box::pin(tokio::time::sleep(wait))
    }
}

fn wall_wait(now: Timestamp, deadline: Timestamp) -> Duration {
    let millis = now.until(deadline).num_milliseconds().max(0);
    Duration::from_millis(millis as u64).min(MAX_SYSTEM_SLEEP)
}

/// The wall clock moved by an adjustable offset. The demo loader sets a negative offset to
/// perform deletions "in the past", then returns it to zero.
#[derive(Debug, Default)]
pub struct ShiftedClock {
    offset_millis: AtomicI64,
}

impl ShiftedClock {
    pub fn set_offset(&self, offset: chrono::Duration) {
        self.offset_millis
            .store(offset.num_milliseconds(), Ordering::SeqCst);
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> Timestamp {
        let offset = chrono::Duration::milliseconds(self.offset_millis.load(Ordering::SeqCst));
        let wall = SystemClock.now();
        wall.checked_add(offset).unwrap_or(wall)
    }

    fn sleep_until(&self, deadline: Timestamp) -> BoxFuture<'static, ()> {
        let wait = wall_wait(self.now(), deadline);
        Box::pin(tokio::time::sleep(wait))
    }
}

/// A clock that moves only when told to. Sleepers wake as soon as an advance reaches their
/// deadline.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<Timestamp>>,
    changed: watch::Sender<Timestamp>,
}

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        let (changed, _) = watch::channel(start);
        Self {
            now: Arc::new(Mutex::new(start)),
            changed,
        }
    }

    /// Starts at 2026-03-01T10:00:00.000Z, a fixed point so test output is stable.
    pub fn at_fixed_start() -> Self {
        let start = Timestamp::parse("2026-03-01T10:00:00.000Z")
            .unwrap_or_else(|_| Timestamp::from_millis(0).unwrap_or_else(|| SystemClock.now()));
        Self::new(start)
    }

    pub fn set(&self, at: Timestamp) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *now = at;
        self.changed.send_replace(at);
    }

    /// Moves time by `by`, which may be negative to model a wall clock jumping backwards.
    pub fn advance(&self, by: chrono::Duration) {
        let next = {
            let now = self
                .now
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            now.checked_add(by).unwrap_or(*now)
        };
        self.set(next);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn sleep_until(&self, deadline: Timestamp) -> BoxFuture<'static, ()> {
        let mut changes = self.changed.subscribe();
        Box::pin(async move {
            loop {
                if *changes.borrow_and_update() >= deadline {
                    return;
                }
                if changes.changed().await.is_err() {
                    // The clock was dropped, so time can never reach the deadline.
                    std::future::pending::<()>().await;
                }
            }
        })
    }
}

/// A clock that reads "now" from a file holding one timestamp such as
/// `2026-03-01T10:00:00.000Z`. It exists for tests that run `hookgrace serve` as a child
/// process and must move its time without waiting (the hidden `--clock-file` flag). A
/// missing or malformed file keeps the last good reading, or the wall clock before the first.
#[derive(Debug)]
pub struct FileClock {
    path: std::path::PathBuf,
    state: Mutex<FileClockState>,
}

#[derive(Debug, Default)]
struct FileClockState {
    last: Option<Timestamp>,
    /// Whether the current run of unreadable reads was logged, so each run logs once.
    warned: bool,
}

/// Wall-clock interval at which a [`FileClock`] sleeper reads the file again.
const FILE_CLOCK_POLL: Duration = Duration::from_millis(20);

impl FileClock {
    pub fn new(path: std::path::PathBuf) -> Self {
        Self {
            path,
            state: Mutex::new(FileClockState::default()),
        }
    }

    fn read(path: &std::path::Path) -> Option<Timestamp> {
        let text = std::fs::read_to_string(path).ok()?;
        Timestamp::parse(text.trim()).ok()
    }
}

impl Clock for FileClock {
    fn now(&self) -> Timestamp {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match Self::read(&self.path) {
            Some(now) => {
                state.last = Some(now);
                state.warned = false;
                now
            }
            None => {
                if !state.warned {
                    state.warned = true;
                    tracing::warn!(
                        path = %self.path.display(),
                        "clock file is missing or contains no valid timestamp; keeping the \
                         last reading"
                    );
                }
                state.last.unwrap_or_else(|| SystemClock.now())
            }
        }
    }

    fn sleep_until(&self, deadline: Timestamp) -> BoxFuture<'static, ()> {
        let path = self.path.clone();
        Box::pin(async move {
            loop {
                if Self::read(&path).is_some_and(|now| now >= deadline) {
                    return;
                }
                tokio::time::sleep(FILE_CLOCK_POLL).await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_sleeper_wakes_on_advance() {
        let clock = ManualClock::at_fixed_start();
        let deadline = clock
            .now()
            .checked_add(chrono::Duration::hours(24))
            .unwrap();
        let sleeper = tokio::spawn(clock.sleep_until(deadline));
        clock.advance(chrono::Duration::hours(23));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        clock.advance(chrono::Duration::hours(1));
        tokio::time::timeout(Duration::from_secs(5), sleeper)
            .await
            .expect("sleeper did not wake after the deadline")
            .unwrap();
    }

    #[tokio::test]
    async fn file_clock_follows_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clock");
        std::fs::write(&path, "2026-03-01T10:00:00.000Z\n").unwrap();
        let clock = FileClock::new(path.clone());
        assert_eq!(clock.now().to_string(), "2026-03-01T10:00:00.000Z");

        let deadline = Timestamp::parse("2026-03-02T10:00:00.000Z").unwrap();
        let sleeper = tokio::spawn(clock.sleep_until(deadline));
        std::fs::write(&path, "2026-03-02T10:00:00.000Z").unwrap();
        tokio::time::timeout(Duration::from_secs(5), sleeper)
            .await
            .expect("sleeper did not wake after the file reached the deadline")
            .unwrap();
        assert_eq!(clock.now(), deadline);

        std::fs::write(&path, "not a time").unwrap();
        assert_eq!(clock.now(), deadline);
    }

    #[test]
    fn shifted_clock_applies_offset() {
        let clock = ShiftedClock::default();
        clock.set_offset(chrono::Duration::hours(-2));
        let lag = clock.now().until(SystemClock.now());
        assert!(lag >= chrono::Duration::hours(2));
        assert!(lag < chrono::Duration::hours(2) + chrono::Duration::seconds(5));
    }
}
