//! Soft delete: disables the webhook now and schedules its purge for the end of the grace
//! period. A reason is required.

use std::time::Duration;

use crossterm::event::KeyEvent;
use ratatui::style::{Color, Style};
use ratatui::text::Line;

use super::form::{FieldKey, Form};
use super::{
    closing_controls, disabled_note, form_action, key_hint, reason_is_valid, reason_lines,
    reason_or_environment_note, typed_reason, webhook_fields, Content, DialogAction,
};
use crate::api::WebhookSummary;
use crate::dashboard::app::{Command, State};
use crate::dashboard::format;

pub(super) const DIALOG_WIDTH: u16 = 72;

#[derive(Debug)]
pub struct SoftDeleteDialog {
    pub id: String,
    pub name: String,
    pub leads: u64,
    /// The server's grace period, when it reports one.
    pub grace: Option<Duration>,
    /// The environment name to type, under `--confirm-env`.
    pub env: Option<String>,
    pub form: Form,
}

impl SoftDeleteDialog {
    pub fn new(webhook: &WebhookSummary, grace: Option<Duration>, env: Option<String>) -> Self {
        let fields = Form::with_environment(vec![Form::text(FieldKey::Reason)], env.as_ref());
        Self {
            id: webhook.id.clone(),
            name: webhook.name.clone(),
            leads: webhook.total_leads,
            grace,
            form: Form::new(fields),
            env,
        }
    }

    pub fn can_confirm(&self) -> bool {
        reason_is_valid(self.form.value(FieldKey::Reason))
            && self.form.environment_matches(self.env.as_ref())
    }

    fn why_disabled(&self) -> &'static str {
        reason_or_environment_note(&self.form)
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DialogAction {
        let event = self.form.handle_key(key);
        form_action(event, self.can_confirm(), || {
            DialogAction::Submit(Command::SoftDelete {
                id: self.id.clone(),
                name: self.name.clone(),
                reason: typed_reason(&self.form),
            })
        })
    }

    /// Builds the dialog in `width` columns: the webhook, what a soft delete does to it, the
    /// reason and the buttons.
    pub fn content(&self, state: &State, width: u16, compact: bool) -> Content {
        let purge = match self.grace {
            Some(grace) => {
                let grace = chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::MAX);
                let server_now = state.server_now();
                let at = server_now.checked_add(grace).unwrap_or(server_now);
                format!(
                    "Purged permanently at {} (in {}) unless restored before then.",
                    format::utc_time(at),
                    format::countdown(grace)
                )
            }
            None => "Purged permanently when the server's grace period ends, unless restored \
                     before then."
                .to_owned(),
        };
        let body = vec![
            Line::raw(""),
            Line::raw(format!(
                "Disables it now, so new leads are rejected. Its {} leads are kept.",
                self.leads
            )),
            Line::styled(purge, Style::new().fg(Color::Yellow)),
            Line::raw("Restore it from the Deleted tab with r, or press u right after."),
            Line::raw(""),
        ];
        let confirm = self.can_confirm();
        let mut controls = reason_lines(&self.form, width, compact);
        controls.extend(closing_controls(
            &self.form,
            self.env.as_ref(),
            width,
            compact,
            ("Delete", Color::Red),
            confirm,
        ));
        Content {
            title: "Delete webhook".to_owned(),
            border: Color::Yellow,
            head: webhook_fields(&self.name, &self.id, width),
            body,
            controls,
            note: (!confirm).then(|| disabled_note(self.why_disabled())),
            hint: Some(key_hint(width)),
        }
    }
}
