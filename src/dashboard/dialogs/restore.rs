//! Restore: re-enables a soft-deleted webhook and cancels its purge, showing the time left.
//! When the server supports it, the webhook can come back disabled instead.

use crossterm::event::KeyEvent;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use super::form::{FieldKey, Focus, Form};
use super::{
    closing_controls, disabled_note, field, form_action, key_hint, webhook_fields, Content,
    DialogAction,
};
use crate::api::{DeletedWebhook, JobState, Timestamp};
use crate::dashboard::app::{Command, State};
use crate::dashboard::format;
use crate::dashboard::widgets::countdown::PurgeClock;
use crate::dashboard::widgets::text::{clean_or_dash, visible_or_dash};

pub(super) const DIALOG_WIDTH: u16 = 72;

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
        let event = self.form.handle_key(key);
        form_action(event, self.can_confirm(), || {
            DialogAction::Submit(Command::Restore {
                id: self.id.clone(),
                name: self.name.clone(),
                enabled: !self.form.checked(FieldKey::RestoreDisabled),
            })
        })
    }

    /// Builds the dialog in `width` columns: the webhook, its deletion and time left, what
    /// the restore does, the options and the buttons.
    pub fn content(&self, state: &State, width: u16, compact: bool) -> Content {
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
        let mut body = vec![
            field(
                "Deleted",
                format!(
                    "{} by {}",
                    format::utc_time(self.deleted_at),
                    visible_or_dash(self.deleted_by.as_deref())
                ),
                width,
            ),
            field("Reason", clean_or_dash(self.reason.as_deref()), width),
            Line::from(time_left),
            field("Purge at", format::utc_time(self.scheduled), width),
            Line::raw(""),
            Line::raw(if disabled {
                "Cancels its purge job and brings it back disabled: leads stay rejected."
            } else {
                "Re-enables it and cancels its purge job."
            }),
        ];
        if matches!(clock, PurgeClock::Overdue(_)) {
            body.push(Line::styled(
                "The purge time has passed: the server rejects the restore if the purge has \
                 started.",
                Style::new().fg(Color::Magenta),
            ));
        }
        body.push(Line::raw(""));

        let mut controls = Vec::new();
        if self.form.has(FieldKey::RestoreDisabled) {
            controls.push(
                self.form
                    .check_line(FieldKey::RestoreDisabled, "bring it back disabled"),
            );
        }
        let confirm = if disabled {
            "Restore disabled"
        } else {
            "Restore"
        };
        controls.extend(closing_controls(
            &self.form,
            self.env.as_ref(),
            width,
            compact,
            (confirm, Color::Green),
            self.can_confirm(),
        ));
        Content {
            title: "Restore webhook".to_owned(),
            border: Color::Green,
            head: webhook_fields(&self.name, &self.id, width),
            body,
            controls,
            note: (!self.can_confirm()).then(|| disabled_note("type the environment name first")),
            hint: Some(key_hint(width)),
        }
    }
}
