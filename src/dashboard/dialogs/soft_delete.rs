//! Soft delete: disables the webhook now and schedules its purge for the end of the grace
//! period. A reason is required.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use tui_input::Input;

use super::DialogAction;
use super::{buttons, edit, field, inner_width, input_line, is_confirm_key, reason_is_valid, show};
use crate::api::WebhookSummary;
use crate::dashboard::app::{Command, State};
use crate::dashboard::format;
use crate::dashboard::widgets::text::clean;

const DIALOG_WIDTH: u16 = 72;

#[derive(Debug)]
pub struct SoftDeleteDialog {
    pub id: String,
    pub name: String,
    pub leads: u64,
    /// The server's grace period, when it reports one.
    pub grace: Option<Duration>,
    pub reason: Input,
}

impl SoftDeleteDialog {
    pub fn new(webhook: &WebhookSummary, grace: Option<Duration>) -> Self {
        Self {
            id: webhook.id.clone(),
            name: webhook.name.clone(),
            leads: webhook.total_leads,
            grace,
            reason: Input::default(),
        }
    }

    pub fn can_confirm(&self) -> bool {
        reason_is_valid(self.reason.value())
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DialogAction {
        if key.code == KeyCode::Esc {
            return DialogAction::Close;
        }
        if is_confirm_key(key) {
            if !self.can_confirm() {
                return DialogAction::None;
            }
            return DialogAction::Submit(Command::SoftDelete {
                id: self.id.clone(),
                name: self.name.clone(),
                reason: self.reason.value().trim().to_owned(),
            });
        }
        edit(&mut self.reason, key);
        DialogAction::None
    }

    pub fn render(&self, state: &State, area: Rect, buf: &mut Buffer) {
        let width = inner_width(area, DIALOG_WIDTH);
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
        let lines = vec![
            field("Webhook", clean(&self.name)),
            field("Id", clean(&self.id)),
            Line::raw(""),
            Line::raw(format!(
                "Disables it now, so new leads are rejected. Its {} leads are kept.",
                self.leads
            )),
            Line::styled(purge, Style::new().fg(Color::Yellow)),
            Line::raw("Restore it from the Deleted tab with r."),
            Line::raw(""),
            Line::raw("Reason (required):"),
            input_line(&self.reason, width, true),
            Line::raw(""),
            buttons("Delete", self.can_confirm(), "type a reason first"),
        ];
        show(
            area,
            DIALOG_WIDTH,
            "Delete webhook",
            Color::Yellow,
            lines,
            buf,
        );
    }
}
