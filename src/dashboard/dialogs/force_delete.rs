//! Force delete: purges the webhook now, with no grace period and no way back. The operator
//! types the webhook's name and a reason. Confirmation stays disabled until the typed name,
//! with its `\u{hex}` and `\\` escapes decoded, equals the stored name character for
//! character. The name is drawn with invisible and look-alike characters escaped (see
//! [`visible`]), so typing what is drawn confirms it, and two webhooks whose names look alike
//! never accept the same typed name.

use crossterm::event::KeyEvent;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::form::{FieldKey, Form};
use super::{
    closing_controls, disabled_note, form_action, key_hint, match_hint, reason_is_valid,
    reason_lines, reason_or_environment_note, typed_reason, webhook_fields, Content, DialogAction,
};
use crate::api::{DeletedWebhook, Timestamp, WebhookSummary};
use crate::dashboard::app::{Command, State};
use crate::dashboard::format;
use crate::dashboard::widgets::escape::{decode_escapes, escape_non_ascii};

pub(super) const DIALOG_WIDTH: u16 = 72;

#[derive(Debug)]
pub struct ForceDeleteDialog {
    pub id: String,
    /// The name as stored, sent as the `confirm` parameter.
    pub name: String,
    pub leads: u64,
    /// The scheduled purge, when the webhook is already soft-deleted.
    pub scheduled: Option<Timestamp>,
    pub env: Option<String>,
    pub form: Form,
}

impl ForceDeleteDialog {
    pub fn for_active(webhook: &WebhookSummary, env: Option<String>) -> Self {
        Self::new(&webhook.id, &webhook.name, webhook.total_leads, None, env)
    }

    pub fn for_deleted(webhook: &DeletedWebhook, env: Option<String>) -> Self {
        Self::new(
            &webhook.id,
            &webhook.name,
            webhook.stats.total_leads,
            Some(webhook.deletion.scheduled_deletion_at),
            env,
        )
    }

    fn new(
        id: &str,
        name: &str,
        leads: u64,
        scheduled: Option<Timestamp>,
        env: Option<String>,
    ) -> Self {
        let fields = Form::with_environment(
            vec![Form::text(FieldKey::Name), Form::text(FieldKey::Reason)],
            env.as_ref(),
        );
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            leads,
            scheduled,
            env,
            form: Form::new(fields),
        }
    }

    /// Decodes the escapes in the typed name and compares the result with the stored name
    /// exactly: no case folding and no Unicode normalisation. Typed text decodes to one
    /// string only, so it matches one webhook name only. The drawn name, the pasted name and
    /// the ASCII form of the hint all match.
    pub fn name_matches(&self) -> bool {
        decode_escapes(self.form.value(FieldKey::Name)).is_some_and(|typed| typed == self.name)
    }

    /// Builds the lines that show the name in ASCII, while the typed name is not empty and
    /// does not match a name with non-ASCII characters. A look-alike letter, such as a
    /// Cyrillic `А` for the Latin `A`, draws like the letter typed but does not match it.
    fn ascii_hint(&self) -> Vec<Line<'static>> {
        let typed = self.form.value(FieldKey::Name);
        if typed.is_empty() || self.name.is_ascii() || self.name_matches() {
            return Vec::new();
        }
        vec![
            Line::styled(
                "The name contains non-ASCII characters. Type it as drawn, paste it, or type \
                 its ASCII form:",
                Style::new().fg(Color::Yellow),
            ),
            Line::styled(
                escape_non_ascii(&self.name),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Line::raw(""),
        ]
    }

    pub fn can_confirm(&self) -> bool {
        self.name_matches()
            && reason_is_valid(self.form.value(FieldKey::Reason))
            && self.form.environment_matches(self.env.as_ref())
    }

    fn why_disabled(&self) -> &'static str {
        if !self.name_matches() {
            "type the exact name first"
        } else {
            reason_or_environment_note(&self.form)
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DialogAction {
        let event = self.form.handle_key(key);
        form_action(event, self.can_confirm(), || {
            DialogAction::Submit(Command::ForceDelete {
                id: self.id.clone(),
                name: self.name.clone(),
                reason: typed_reason(&self.form),
            })
        })
    }

    /// Builds the dialog in `width` columns: the webhook, what a force delete does to it, the
    /// name in ASCII while the typed name does not match it, the name and reason inputs and
    /// the buttons.
    pub fn content(&self, state: &State, width: u16, compact: bool) -> Content {
        let confirm = self.can_confirm();
        let mut body = self.consequences(state.server_now());
        body.extend(self.ascii_hint());
        Content {
            title: "Force delete: cannot be undone".to_owned(),
            border: Color::Red,
            head: webhook_fields(&self.name, &self.id, width),
            body,
            controls: self.controls(width, compact),
            note: (!confirm).then(|| disabled_note(self.why_disabled())),
            hint: Some(key_hint(width)),
        }
    }

    /// Builds the lines on what the force delete does to the webhook.
    fn consequences(&self, server_now: Timestamp) -> Vec<Line<'static>> {
        let mut lines = vec![
            Line::raw(""),
            Line::styled(
                "Purges it now: no grace period, no restore and no undo.",
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
        ];
        if let Some(scheduled) = self.scheduled {
            let left = server_now.until(scheduled);
            let when = if left > chrono::Duration::zero() {
                format!("in {}", format::countdown(left))
            } else {
                "already due".to_owned()
            };
            lines.push(Line::raw(format!(
                "Replaces the purge scheduled for {} ({when}).",
                format::utc_time(scheduled)
            )));
        }
        lines.push(Line::raw(format!(
            "Its {} leads are kept; the audit trail records the deletion.",
            self.leads
        )));
        lines.push(Line::raw(""));
        lines
    }

    /// Builds the input rows and the button row. With `compact`, each input has its label
    /// on its own row.
    fn controls(&self, width: u16, compact: bool) -> Vec<Line<'static>> {
        let mut lines = if compact {
            vec![self.form.labelled_input(FieldKey::Name, "Name", width)]
        } else {
            let hint = match_hint(self.form.value(FieldKey::Name), self.name_matches());
            let prompt = if width >= 50 {
                "Type the webhook name to confirm:"
            } else {
                "Type its name:"
            };
            vec![
                Line::from(vec![Span::raw(prompt), hint]),
                self.form.input_line(FieldKey::Name, width),
            ]
        };
        lines.extend(reason_lines(&self.form, width, compact));
        lines.extend(closing_controls(
            &self.form,
            self.env.as_ref(),
            width,
            compact,
            ("Delete now", Color::Red),
            self.can_confirm(),
        ));
        lines
    }
}
