//! Force delete: purges the webhook now, with no grace period and no way back. The operator
//! types the webhook's name and a reason; confirmation stays disabled until the name matches
//! exactly.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use tui_input::Input;

use super::DialogAction;
use super::{buttons, edit, field, inner_width, input_line, is_confirm_key, reason_is_valid, show};
use crate::api::{DeletedWebhook, Timestamp, WebhookSummary};
use crate::dashboard::app::{Command, State};
use crate::dashboard::format;
use crate::dashboard::widgets::text::clean;

/// The input that receives typed characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Name,
    Reason,
}

const DIALOG_WIDTH: u16 = 72;

#[derive(Debug)]
pub struct ForceDeleteDialog {
    pub id: String,
    /// The name as stored, sent as the `confirm` parameter.
    pub name: String,
    /// The name as drawn, which the operator types. It differs from `name` only when the
    /// stored name has control characters.
    pub shown_name: String,
    pub leads: u64,
    /// The scheduled purge, when the webhook is already soft-deleted.
    pub scheduled: Option<Timestamp>,
    pub typed_name: Input,
    pub reason: Input,
    pub focus: Focus,
}

impl ForceDeleteDialog {
    pub fn for_active(webhook: &WebhookSummary) -> Self {
        Self::new(&webhook.id, &webhook.name, webhook.total_leads, None)
    }

    pub fn for_deleted(webhook: &DeletedWebhook) -> Self {
        Self::new(
            &webhook.id,
            &webhook.name,
            webhook.stats.total_leads,
            Some(webhook.deletion.scheduled_deletion_at),
        )
    }

    fn new(id: &str, name: &str, leads: u64, scheduled: Option<Timestamp>) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            shown_name: clean(name),
            leads,
            scheduled,
            typed_name: Input::default(),
            reason: Input::default(),
            focus: Focus::Name,
        }
    }

    pub fn name_matches(&self) -> bool {
        self.typed_name.value() == self.shown_name
    }

    pub fn can_confirm(&self) -> bool {
        self.name_matches() && reason_is_valid(self.reason.value())
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DialogAction {
        match key.code {
            KeyCode::Esc => return DialogAction::Close,
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                self.focus = match self.focus {
                    Focus::Name => Focus::Reason,
                    Focus::Reason => Focus::Name,
                };
                return DialogAction::None;
            }
            _ => {}
        }
        if is_confirm_key(key) {
            if self.can_confirm() {
                return DialogAction::Submit(Command::ForceDelete {
                    id: self.id.clone(),
                    name: self.name.clone(),
                    reason: self.reason.value().trim().to_owned(),
                });
            }
            if self.focus == Focus::Name {
                self.focus = Focus::Reason;
            }
            return DialogAction::None;
        }
        let input = match self.focus {
            Focus::Name => &mut self.typed_name,
            Focus::Reason => &mut self.reason,
        };
        edit(input, key);
        DialogAction::None
    }

    pub fn render(&self, state: &State, area: Rect, buf: &mut Buffer) {
        let width = inner_width(area, DIALOG_WIDTH);
        let mut lines = self.consequences(state.server_now());
        lines.push(Line::raw(""));
        lines.extend(self.confirmation(width));

        let title = "Force delete: cannot be undone";
        show(area, DIALOG_WIDTH, title, Color::Red, lines, buf);
    }

    /// Builds the lines naming the webhook and what the force delete does to it.
    fn consequences(&self, server_now: Timestamp) -> Vec<Line<'static>> {
        let mut lines = vec![
            field("Webhook", self.shown_name.clone()),
            field("Id", clean(&self.id)),
            Line::raw(""),
            Line::styled(
                "Purges it now: no grace period and no restore.",
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
        lines
    }

    /// Builds the two inputs and the buttons.
    fn confirmation(&self, width: u16) -> Vec<Line<'static>> {
        let match_hint = if self.typed_name.value().is_empty() {
            Span::raw("")
        } else if self.name_matches() {
            Span::styled("  matches", Style::new().fg(Color::Green))
        } else {
            Span::styled("  does not match", Style::new().fg(Color::Yellow))
        };
        let why_disabled = if self.name_matches() {
            "type a reason first"
        } else {
            "type the exact name first"
        };

        vec![
            Line::from(vec![
                Span::raw("Type the webhook name to confirm:"),
                match_hint,
            ]),
            input_line(&self.typed_name, width, self.focus == Focus::Name),
            Line::raw("Reason (required):"),
            input_line(&self.reason, width, self.focus == Focus::Reason),
            Line::raw(""),
            buttons("Delete now", self.can_confirm(), why_disabled),
        ]
    }
}
