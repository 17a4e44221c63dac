//! The purge countdown: time left until a soft-deleted webhook is purged, as a bar and
//! `h:mm:ss` text, counted against the server's clock.

use chrono::Duration;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::api::{JobState, Timestamp};
use crate::dashboard::format;

/// Text drawn once the purge time has passed and the job is neither processing nor dead.
pub const PURGE_PENDING: &str = "purge pending";
/// Text drawn once the purge time has passed and a consumer has claimed the job.
pub const PURGING_NOW: &str = "purging now";
/// Text drawn once the purge time has passed and the job is dead-lettered.
pub const PURGE_FAILED: &str = "purge failed";

/// Band of time left before a purge. Each band has its own colour and its own text mark,
/// so it reads the same without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// An hour or more left.
    Calm,
    /// Under an hour left: marked `!`.
    UnderHour,
    /// Under ten minutes left: marked `!!`.
    UnderTenMinutes,
    /// The purge time has passed: the overdue label replaces the time.
    Overdue,
}

/// Position of a webhook relative to its purge time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurgeClock {
    /// Time left, and the whole grace period for the bar's scale.
    Remaining { left: Duration, total: Duration },
    /// The purge time has passed. The label describes what the job is doing.
    Overdue(&'static str),
}

impl PurgeClock {
    /// Compares the purge time with the server's current time. The result is never negative:
    /// a purge time at or before `server_now` is overdue.
    pub fn at(
        server_now: Timestamp,
        deleted_at: Option<Timestamp>,
        scheduled: Timestamp,
        job: JobState,
    ) -> Self {
        let left = server_now.until(scheduled);
        if left <= Duration::zero() {
            let label = match job {
                JobState::Processing => PURGING_NOW,
                JobState::DeadLetter => PURGE_FAILED,
                _ => PURGE_PENDING,
            };
            return PurgeClock::Overdue(label);
        }
        let total = deleted_at
            .map(|deleted_at| deleted_at.until(scheduled))
            .filter(|total| *total > Duration::zero())
            .unwrap_or(left);
        PurgeClock::Remaining {
            left,
            total: total.max(left),
        }
    }

    /// Returns the share of the grace period still left, from 0.0 to 1.0.
    pub fn fraction_left(&self) -> f64 {
        match self {
            PurgeClock::Remaining { left, total } => {
                let total = total.num_milliseconds().max(1) as f64;
                (left.num_milliseconds() as f64 / total).clamp(0.0, 1.0)
            }
            PurgeClock::Overdue(_) => 0.0,
        }
    }

    pub fn band(&self) -> Band {
        match self {
            PurgeClock::Overdue(_) => Band::Overdue,
            PurgeClock::Remaining { left, .. } if *left < Duration::minutes(10) => {
                Band::UnderTenMinutes
            }
            PurgeClock::Remaining { left, .. } if *left < Duration::hours(1) => Band::UnderHour,
            PurgeClock::Remaining { .. } => Band::Calm,
        }
    }

    /// `h:mm:ss` while time is left, after `!` under an hour and `!!` under ten minutes; the
    /// overdue label after the purge time.
    pub fn text(&self) -> String {
        match self {
            PurgeClock::Remaining { left, .. } => {
                let mark = match self.band() {
                    Band::UnderTenMinutes => "!! ",
                    Band::UnderHour => "! ",
                    Band::Calm | Band::Overdue => "",
                };
                format!("{mark}{}", format::countdown(*left))
            }
            PurgeClock::Overdue(label) => (*label).to_owned(),
        }
    }

    pub fn style(&self) -> Style {
        let color = match self.band() {
            Band::Overdue => Color::Magenta,
            Band::UnderTenMinutes => Color::Red,
            Band::UnderHour => Color::Yellow,
            Band::Calm => Color::Green,
        };
        Style::new().fg(color)
    }

    /// Builds a line of exactly `width` columns or fewer: a bar, then the text. The bar is
    /// dropped first when space is short, so the time stays readable; the text alone is
    /// right-aligned, like the text after a bar.
    pub fn line(&self, width: u16) -> Line<'static> {
        let text = self.text();
        let text_width = text.chars().count();
        let width = usize::from(width);
        let bar_width = width.saturating_sub(text_width + 1);
        if bar_width < 3 {
            return Line::from(vec![
                Span::raw(" ".repeat(width.saturating_sub(text_width))),
                Span::styled(text, self.style().add_modifier(Modifier::BOLD)),
            ]);
        }
        let filled = (self.fraction_left() * bar_width as f64).ceil() as usize;
        let filled = filled.min(bar_width);
        Line::from(vec![
            Span::styled("█".repeat(filled), self.style()),
            Span::styled(
                "░".repeat(bar_width - filled),
                Style::new().fg(Color::DarkGray),
            ),
            Span::raw(" "),
            Span::styled(text, self.style().add_modifier(Modifier::BOLD)),
        ])
    }
}

impl Widget for &PurgeClock {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        let row = Rect { height: 1, ..area };
        self.line(area.width).render(row, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn remaining_time_counts_to_purge() {
        let clock = PurgeClock::at(
            at("2026-03-01T10:00:00Z"),
            Some(at("2026-03-01T04:00:00Z")),
            at("2026-03-02T04:00:00Z"),
            JobState::Pending,
        );
        assert_eq!(clock.text(), "18:00:00");
        assert_eq!(clock.fraction_left(), 0.75);
    }

    #[test]
    fn past_purge_time_is_overdue_never_negative() {
        let now = at("2026-03-02T04:00:01Z");
        let scheduled = at("2026-03-02T04:00:00Z");
        for (job, label) in [
            (JobState::Pending, PURGE_PENDING),
            (JobState::Failed, PURGE_PENDING),
            (JobState::Processing, PURGING_NOW),
            (JobState::DeadLetter, PURGE_FAILED),
        ] {
            let clock = PurgeClock::at(now, None, scheduled, job);
            assert_eq!(clock, PurgeClock::Overdue(label), "{job}");
            assert!(!clock.text().starts_with('-'), "{job}");
        }
        let exact = PurgeClock::at(scheduled, None, scheduled, JobState::Pending);
        assert_eq!(exact.text(), PURGE_PENDING);
    }

    #[test]
    fn line_fits_width_and_keeps_text() {
        let clock = PurgeClock::Remaining {
            left: Duration::hours(12),
            total: Duration::hours(24),
        };
        let line = clock.line(20);
        assert_eq!(line.width(), 20);
        assert!(line.to_string().ends_with("12:00:00"));
        assert_eq!(line.to_string().matches('█').count(), 6);
        let narrow = clock.line(9);
        assert_eq!(narrow.to_string(), " 12:00:00");
        let tight = clock.line(6);
        assert_eq!(tight.to_string(), "12:00:00", "the text is never cut");
    }

    #[test]
    fn bands_carry_a_text_mark() {
        let clock = |minutes: i64| PurgeClock::Remaining {
            left: Duration::minutes(minutes),
            total: Duration::hours(24),
        };
        assert_eq!(clock(61).band(), Band::Calm);
        assert_eq!(clock(61).text(), "1:01:00");
        assert_eq!(clock(59).band(), Band::UnderHour);
        assert_eq!(clock(59).text(), "! 0:59:00");
        assert_eq!(clock(9).band(), Band::UnderTenMinutes);
        assert_eq!(clock(9).text(), "!! 0:09:00");
        assert_eq!(PurgeClock::Overdue(PURGE_PENDING).band(), Band::Overdue);
    }

    #[test]
    fn renders_into_tiny_areas() {
        let clock = PurgeClock::Overdue(PURGE_PENDING);
        let mut buf = Buffer::empty(Rect::new(0, 0, 1, 1));
        (&clock).render(Rect::new(0, 0, 1, 1), &mut buf);
        (&clock).render(Rect::new(0, 0, 0, 0), &mut buf);
        assert_eq!(buf[(0, 0)].symbol(), "p");
    }
}
