//! Restore: re-enables a soft-deleted webhook and cancels its purge, showing the time left.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::{field, inner_width, is_confirm_key, show, DialogAction};
use crate::api::{DeletedWebhook, JobState, Timestamp};
use crate::dashboard::app::{Command, State};
use crate::dashboard::format;
use crate::dashboard::widgets::countdown::PurgeClock;
use crate::dashboard::widgets::text::{clean, clean_or_dash};

const DIALOG_WIDTH: u16 = 72;

#[derive(Debug)]
pub struct RestoreDialog {
    pub id: String,
    pub name: String,
    pub reason: Option<String>,
    pub deleted_by: Option<String>,
    pub deleted_at: Timestamp,
    pub scheduled: Timestamp,
    pub job: JobState,
}

impl RestoreDialog {
    pub fn new(webhook: &DeletedWebhook) -> Self {
        Self {
            id: webhook.id.clone(),
            name: webhook.name.clone(),
            reason: webhook.deletion.reason.clone(),
            deleted_by: webhook.deletion.deleted_by.clone(),
            deleted_at: webhook.deletion.deleted_at,
            scheduled: webhook.deletion.scheduled_deletion_at,
            job: webhook.job_status.status,
        }
    }

    /// Sends the restore even after the purge time, because the server decides. Its error
    /// (410 when the window is over, 409 while the purge runs) is then shown.
    pub fn handle_key(&mut self, key: KeyEvent, _server_now: Timestamp) -> DialogAction {
        match key.code {
            KeyCode::Esc | KeyCode::Char('n') => DialogAction::Close,
            KeyCode::Char('y') => self.submit(),
            _ if is_confirm_key(key) => self.submit(),
            _ => DialogAction::None,
        }
    }

    fn submit(&self) -> DialogAction {
        DialogAction::Submit(Command::Restore {
            id: self.id.clone(),
            name: self.name.clone(),
        })
    }

    pub fn render(&self, state: &State, area: Rect, buf: &mut Buffer) {
        let width = inner_width(area, DIALOG_WIDTH);
        let clock = PurgeClock::at(
            state.server_now(),
            Some(self.deleted_at),
            self.scheduled,
            self.job,
        );
        let label = "Time left ";
        let gauge_width = width.saturating_sub(label.len() as u16);
        let mut time_left = vec![Span::styled(label, Style::new().fg(Color::DarkGray))];
        time_left.extend(clock.line(gauge_width).spans);
        let mut lines = vec![
            field("Webhook", clean(&self.name)),
            field("Id", clean(&self.id)),
            field(
                "Deleted",
                format!(
                    "{} by {}",
                    format::utc_time(self.deleted_at),
                    clean_or_dash(self.deleted_by.as_deref())
                ),
            ),
            field("Reason", clean_or_dash(self.reason.as_deref())),
            Line::from(time_left),
            field("Purge at", format::utc_time(self.scheduled)),
            Line::raw(""),
            Line::raw("Re-enables it and cancels its purge job."),
        ];
        if matches!(clock, PurgeClock::Overdue(_)) {
            lines.push(Line::styled(
                "The purge time has passed: the server rejects the restore if the purge has \
                 started.",
                Style::new().fg(Color::Magenta),
            ));
        }
        lines.push(Line::from(vec![
            Span::styled(
                " Enter Restore ",
                Style::new()
                    .fg(Color::Black)
                    .bg(Color::Green)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::raw("  "),
            Span::styled(
                " Esc Cancel ",
                Style::new().add_modifier(Modifier::REVERSED),
            ),
        ]));
        show(
            area,
            DIALOG_WIDTH,
            "Restore webhook",
            Color::Green,
            lines,
            buf,
        );
    }
}
