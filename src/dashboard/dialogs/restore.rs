//! Restore: re-enables a soft-deleted webhook and cancels its purge, showing the time left.
//! When the server supports it, the webhook can come back disabled instead.

use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use super::form::{FieldKey, Focus, Form, FormEvent};
use super::{environment_lines, field, inner_width, key_hint, show, DialogAction};
use crate::api::{DeletedWebhook, JobState, Timestamp};
use crate::dashboard::app::{Command, State};
use crate::dashboard::format;
use crate::dashboard::widgets::countdown::PurgeClock;
use crate::dashboard::widgets::text::{clean_or_dash, visible};

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
    pub env: Option<String>,
    pub form: Form,
}

impl RestoreDialog {
    /// Opens on the Restore button, or on the environment input under `--confirm-env`. A
    /// restore takes nothing away, so it does not start on Cancel.
    pub fn new(webhook: &DeletedWebhook, disabled_supported: bool, env: Option<String>) -> Self {
        let mut fields = Vec::new();
        if disabled_supported {
            fields.push(Form::check(FieldKey::RestoreDisabled));
        }
        let fields = Form::with_environment(fields, env.as_ref());
        let focus = match fields
            .iter()
            .position(|field| field.key == FieldKey::Environment)
        {
            Some(index) => Focus::Field(index),
            None => Focus::Confirm,
        };
        Self {
            id: webhook.id.clone(),
            name: webhook.name.clone(),
            reason: webhook.deletion.reason.clone(),
            deleted_by: webhook.deletion.deleted_by.clone(),
            deleted_at: webhook.deletion.deleted_at,
            scheduled: webhook.deletion.scheduled_deletion_at,
            job: webhook.job_status.status,
            form: Form::new(fields).focus_on(focus),
            env,
        }
    }

    pub fn can_confirm(&self) -> bool {
        self.form.environment_matches(self.env.as_ref())
    }

    /// Sends the restore even after the purge time, because the server decides. Its error
    /// (410 when the window is over, 409 while the purge runs) is then shown.
    pub fn handle_key(&mut self, key: KeyEvent, _server_now: Timestamp) -> DialogAction {
        match self.form.handle_key(key) {
            FormEvent::None => DialogAction::None,
            FormEvent::Close => DialogAction::Close,
            FormEvent::Confirm if self.can_confirm() => DialogAction::Submit(Command::Restore {
                id: self.id.clone(),
                name: self.name.clone(),
                enabled: !self.form.checked(FieldKey::RestoreDisabled),
            }),
            FormEvent::Confirm => DialogAction::None,
        }
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
        let disabled = self.form.checked(FieldKey::RestoreDisabled);
        let mut lines = vec![
            field("Webhook", visible(&self.name)),
            field("Id", visible(&self.id)),
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
            Line::raw(if disabled {
                "Cancels its purge job and brings it back disabled: leads stay rejected."
            } else {
                "Re-enables it and cancels its purge job."
            }),
        ];
        if matches!(clock, PurgeClock::Overdue(_)) {
            lines.push(Line::styled(
                "The purge time has passed: the server rejects the restore if the purge has \
                 started.",
                Style::new().fg(Color::Magenta),
            ));
        }
        if self.form.has(FieldKey::RestoreDisabled) {
            lines.push(
                self.form
                    .check_line(FieldKey::RestoreDisabled, "bring it back disabled"),
            );
        }
        lines.extend(environment_lines(&self.form, self.env.as_ref(), width));
        lines.push(self.form.buttons(
            if disabled {
                "Restore disabled"
            } else {
                "Restore"
            },
            Color::Green,
            self.can_confirm(),
            "type the environment name first",
        ));
        lines.push(key_hint());
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
