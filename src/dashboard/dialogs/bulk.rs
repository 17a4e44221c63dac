//! Bulk restore: a preflight of the marked webhooks (how many, how many the filter hides,
//! which are skipped and which purge within minutes), then the result for each id.

use crossterm::event::KeyEvent;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::form::{Focus, Form};
use super::{
    close_hint, closing_controls, disabled_note, form_action, key_hint, result_key, result_mark,
    result_style, waiting_key, Content, DialogAction,
};
use crate::api::{BulkRestoreResponse, JobState, Timestamp};
use crate::client::{ApiError, ApiResponse};
use crate::dashboard::app::{Command, State};
use crate::dashboard::widgets::countdown::PurgeClock;
use crate::dashboard::widgets::text::{clean, fit_width, pad_width, visible};
use crate::text::count_of;

/// One marked webhook as it was when the dialog opened.
#[derive(Debug, Clone)]
pub struct BulkItem {
    pub id: String,
    pub name: String,
    pub deleted_at: Timestamp,
    pub scheduled: Timestamp,
    pub job: JobState,
    /// The current filter hides the row.
    pub hidden: bool,
    /// The server no longer lists the webhook as soft-deleted.
    pub gone: bool,
    /// The server's `can_restore` at the last poll: before the purge time and while the
    /// deletion job has not been claimed.
    pub can_restore: bool,
    /// The purge time had passed, by the server's clock, when the dialog opened.
    pub past_deadline: bool,
}

impl BulkItem {
    /// Returns why the item is skipped, or `None` when it is sent. A webhook that the server
    /// cannot restore is skipped, because its restore would only fail with 409 or 410.
    pub fn skip_reason(&self) -> Option<&'static str> {
        if self.gone {
            return Some("no longer soft-deleted");
        }
        if self.job == JobState::Processing {
            return Some("purge already processing");
        }
        if self.past_deadline {
            return Some("grace period over");
        }
        if !self.can_restore {
            return Some(match self.job {
                JobState::Failed => "purge job failed",
                JobState::DeadLetter => "purge job dead-lettered",
                _ => "server refuses restore",
            });
        }
        None
    }
}

#[derive(Debug, Clone)]
pub enum BulkPhase {
    Confirm,
    Running,
    Done(Result<BulkRestoreResponse, String>),
}

pub(super) const DIALOG_WIDTH: u16 = 76;

#[derive(Debug)]
pub struct BulkDialog {
    pub items: Vec<BulkItem>,
    /// Ids of items whose purge is due within the warning window when the dialog opened.
    pub expiring: Vec<String>,
    pub phase: BulkPhase,
    pub env: Option<String>,
    pub form: Form,
}

impl BulkDialog {
    pub fn new(
        items: Vec<BulkItem>,
        server_now: Timestamp,
        expiring_within: chrono::Duration,
        env: Option<String>,
    ) -> Self {
        let expiring = items
            .iter()
            .filter(|item| item.skip_reason().is_none())
            .filter(|item| server_now.until(item.scheduled) < expiring_within)
            .map(|item| item.id.clone())
            .collect();
        let fields = Form::with_environment(Vec::new(), env.as_ref());
        let focus = if fields.is_empty() {
            Focus::Confirm
        } else {
            Focus::Field(0)
        };
        Self {
            items,
            expiring,
            phase: BulkPhase::Confirm,
            env,
            form: Form::new(fields).focus_on(focus),
        }
    }

    /// Returns the ids sent: the marked ones minus the skipped ones.
    pub fn ids(&self) -> Vec<String> {
        self.items
            .iter()
            .filter(|item| item.skip_reason().is_none())
            .map(|item| item.id.clone())
            .collect()
    }

    pub fn hidden_count(&self) -> usize {
        self.items.iter().filter(|item| item.hidden).count()
    }

    pub fn can_confirm(&self) -> bool {
        !self.ids().is_empty() && self.form.environment_matches(self.env.as_ref())
    }

    /// Records the outcome of the bulk request.
    pub fn finish(&mut self, result: Result<ApiResponse<BulkRestoreResponse>, ApiError>) {
        self.phase = BulkPhase::Done(
            result
                .map(|response| response.body)
                .map_err(|error| clean(&error.to_string())),
        );
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DialogAction {
        match self.phase {
            BulkPhase::Confirm => {
                let event = self.form.handle_key(key);
                form_action(event, self.can_confirm(), || {
                    self.phase = BulkPhase::Running;
                    DialogAction::Submit(Command::BulkRestore { ids: self.ids() })
                })
            }
            BulkPhase::Running => waiting_key(key),
            BulkPhase::Done(_) => result_key(key),
        }
    }

    fn name_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.items
            .iter()
            .find(|item| item.id == id)
            .map_or(id, |item| item.name.as_str())
    }

    /// Builds the dialog in `width` columns for its phase: the preflight and the buttons,
    /// the wait, or the result of each id.
    pub fn content(&self, state: &State, width: u16, compact: bool) -> Content {
        let mut content = Content {
            title: format!("Restore {}", count_of(self.ids().len() as u64, "webhook")),
            border: Color::Green,
            ..Content::default()
        };
        match &self.phase {
            BulkPhase::Confirm => self.preflight(&mut content, state, width, compact),
            BulkPhase::Running => content.head.push(Line::raw(format!(
                "Restoring {} webhooks… Esc closes this window; the result then appears \
                 in the status bar and on each row.",
                self.ids().len()
            ))),
            BulkPhase::Done(Err(error)) => {
                content.head.push(Line::styled(
                    format!("The bulk request failed: {error}"),
                    Style::new().fg(Color::Red),
                ));
                content.body.push(Line::raw(
                    "No webhook is known to be restored. Check the Deleted tab.",
                ));
                content.hint = Some(close_hint());
            }
            BulkPhase::Done(Ok(response)) => self.results(&mut content, response),
        }
        content
    }

    fn preflight(&self, content: &mut Content, state: &State, width: u16, compact: bool) {
        let dim = Style::new().fg(Color::DarkGray);
        let skipped = self.items.len() - self.ids().len();
        content.head.push(Line::from(vec![
            Span::raw(format!("{} marked", self.items.len())),
            Span::styled(
                format!(" · {} hidden by the current filter", self.hidden_count()),
                if self.hidden_count() > 0 {
                    Style::new().fg(Color::Yellow)
                } else {
                    dim
                },
            ),
            Span::styled(
                format!(" · {skipped} skipped"),
                if skipped > 0 {
                    Style::new().fg(Color::Magenta)
                } else {
                    dim
                },
            ),
        ]));
        if !self.expiring.is_empty() {
            content.body.push(Line::styled(
                format!(
                    "!! {} purge within 5 minutes: restore them first if they matter most",
                    self.expiring.len()
                ),
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ));
        }
        content.body.push(Line::raw(""));

        let server_now = state.server_now();
        let name_width = usize::from(width).saturating_sub(32).clamp(8, 40);
        for item in &self.items {
            let clock = PurgeClock::at(server_now, Some(item.deleted_at), item.scheduled, item.job);
            let mut spans = vec![Span::raw(format!(
                "{} ",
                pad_width(&visible(&item.name), name_width)
            ))];
            match item.skip_reason() {
                Some(reason) => spans.push(Span::styled(
                    format!("skip: {reason}"),
                    Style::new().fg(Color::Magenta),
                )),
                None => spans.push(Span::styled(clock.text(), clock.style())),
            }
            if self.expiring.contains(&item.id) {
                spans.push(Span::styled(
                    "  within 5 min",
                    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
                ));
            }
            if item.hidden {
                spans.push(Span::styled("  (hidden by filter)", dim));
            }
            content.body.push(Line::from(spans));
        }
        content.body.push(Line::raw(""));

        let confirm = self.can_confirm();
        content.controls.extend(closing_controls(
            &self.form,
            self.env.as_ref(),
            width,
            compact,
            (&format!("Restore {}", self.ids().len()), Color::Green),
            confirm,
        ));
        content.note = (!confirm).then(|| {
            disabled_note(if self.ids().is_empty() {
                "every marked webhook is skipped"
            } else {
                "type the environment name first"
            })
        });
        content.hint = Some(key_hint(width));
    }

    fn results(&self, content: &mut Content, response: &BulkRestoreResponse) {
        content.head.push(Line::raw(format!(
            "{} restored, {} failed. Marks of restored webhooks are cleared.",
            response.restored, response.failed
        )));
        content.body.push(Line::raw(""));
        for item in &response.results {
            let name = visible(self.name_of(&item.webhook_id));
            content.body.push(Line::from(vec![
                result_mark(item.restored),
                Span::raw(format!("{}: ", fit_width(&name, 30))),
                Span::styled(clean(&item.message), result_style(item.restored)),
            ]));
        }
        content.hint = Some(close_hint());
    }
}
