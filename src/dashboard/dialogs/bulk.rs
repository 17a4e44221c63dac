//! Bulk restore: a preflight of the marked webhooks (how many, how many the filter hides,
//! which are skipped and which purge within minutes), then the result for each id.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::form::{Focus, Form, FormEvent};
use super::{environment_lines, inner_width, key_hint, show, DialogAction};
use crate::api::{BulkRestoreResponse, JobState, Timestamp};
use crate::client::{ApiError, ApiResponse};
use crate::dashboard::app::{Command, State};
use crate::dashboard::widgets::countdown::PurgeClock;
use crate::dashboard::widgets::text::{clean, fit_width, pad_width, visible};

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
}

impl BulkItem {
    /// Returns why the item is skipped, or `None` when it is sent.
    pub fn skip_reason(&self) -> Option<&'static str> {
        if self.gone {
            Some("no longer soft-deleted")
        } else if self.job == JobState::Processing {
            Some("purge already processing")
        } else {
            None
        }
    }
}

#[derive(Debug, Clone)]
pub enum BulkPhase {
    Confirm,
    Running,
    Done(Result<BulkRestoreResponse, String>),
}

const DIALOG_WIDTH: u16 = 76;

#[derive(Debug)]
pub struct BulkDialog {
    pub items: Vec<BulkItem>,
    /// Ids of items whose purge is due within the warning window when the dialog opened.
    pub expiring: Vec<String>,
    pub phase: BulkPhase,
    /// First list row drawn, for lists longer than the dialog.
    pub scroll: usize,
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
            scroll: 0,
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
        self.scroll = 0;
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DialogAction {
        match key.code {
            KeyCode::PageDown => {
                self.scroll = (self.scroll + 5).min(self.row_count().saturating_sub(1));
                return DialogAction::None;
            }
            KeyCode::PageUp => {
                self.scroll = self.scroll.saturating_sub(5);
                return DialogAction::None;
            }
            _ => {}
        }
        match self.phase {
            BulkPhase::Confirm => match self.form.handle_key(key) {
                FormEvent::None => DialogAction::None,
                FormEvent::Close => DialogAction::Close,
                FormEvent::Confirm if self.can_confirm() => {
                    self.phase = BulkPhase::Running;
                    DialogAction::Submit(Command::BulkRestore { ids: self.ids() })
                }
                FormEvent::Confirm => DialogAction::None,
            },
            BulkPhase::Running => match key.code {
                KeyCode::Esc => DialogAction::Close,
                _ => DialogAction::None,
            },
            BulkPhase::Done(_) => match key.code {
                KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => DialogAction::Close,
                KeyCode::Down | KeyCode::Char('j') => {
                    self.scroll = (self.scroll + 1).min(self.row_count().saturating_sub(1));
                    DialogAction::None
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    self.scroll = self.scroll.saturating_sub(1);
                    DialogAction::None
                }
                _ => DialogAction::None,
            },
        }
    }

    fn row_count(&self) -> usize {
        match &self.phase {
            BulkPhase::Done(Ok(response)) => response.results.len(),
            _ => self.items.len(),
        }
    }

    fn name_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.items
            .iter()
            .find(|item| item.id == id)
            .map_or(id, |item| item.name.as_str())
    }

    pub fn render(&self, state: &State, area: Rect, buf: &mut Buffer) {
        let title = format!("Restore {} webhooks", self.ids().len());
        let width = inner_width(area, DIALOG_WIDTH);
        // Border, summary, footer and buttons leave the rest for the list.
        let list_height = usize::from(area.height.saturating_sub(12)).max(1);
        let lines = match &self.phase {
            BulkPhase::Confirm => self.preflight_lines(state, width, list_height),
            BulkPhase::Running => vec![Line::raw(format!(
                "Restoring {} webhooks… Esc closes this window; the result then appears \
                 in the status bar and on each row.",
                self.ids().len()
            ))],
            BulkPhase::Done(Err(error)) => vec![
                Line::styled(
                    format!("The bulk request failed: {error}"),
                    Style::new().fg(Color::Red),
                ),
                Line::raw("No webhook is known to be restored. Check the Deleted tab."),
                Line::raw(""),
                Line::raw("Enter or Esc closes."),
            ],
            BulkPhase::Done(Ok(response)) => self.result_lines(response, list_height),
        };
        show(area, DIALOG_WIDTH, &title, Color::Green, lines, buf);
    }

    fn preflight_lines(&self, state: &State, width: u16, list_height: usize) -> Vec<Line<'static>> {
        let dim = Style::new().fg(Color::DarkGray);
        let skipped = self.items.len() - self.ids().len();
        let mut lines = vec![Line::from(vec![
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
        ])];
        if !self.expiring.is_empty() {
            lines.push(Line::styled(
                format!(
                    "!! {} purge within 5 minutes: restore them first if they matter most",
                    self.expiring.len()
                ),
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ));
        }
        lines.push(Line::raw(""));
        let server_now = state.server_now();
        let name_width = usize::from(width).saturating_sub(32).clamp(8, 40);
        for item in self.items.iter().skip(self.scroll).take(list_height) {
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
            lines.push(Line::from(spans));
        }
        lines.push(more_line(self.items.len(), self.scroll, list_height));
        lines.extend(environment_lines(&self.form, self.env.as_ref(), width));
        lines.push(self.form.buttons(
            &format!("Restore {}", self.ids().len()),
            Color::Green,
            self.can_confirm(),
            if self.ids().is_empty() {
                "every marked webhook is skipped"
            } else {
                "type the environment name first"
            },
        ));
        lines.push(key_hint());
        lines
    }

    fn result_lines(
        &self,
        response: &BulkRestoreResponse,
        list_height: usize,
    ) -> Vec<Line<'static>> {
        let mut lines = vec![
            Line::raw(format!(
                "{} restored, {} failed. Marks of restored webhooks are cleared.",
                response.restored, response.failed
            )),
            Line::raw(""),
        ];
        for item in response.results.iter().skip(self.scroll).take(list_height) {
            let (mark, style) = if item.restored {
                ("✓", Style::new().fg(Color::Green))
            } else {
                ("✗", Style::new().fg(Color::Red))
            };
            let name = visible(self.name_of(&item.webhook_id));
            lines.push(Line::from(vec![
                Span::styled(format!("{mark} "), style.add_modifier(Modifier::BOLD)),
                Span::raw(format!("{}: ", fit_width(&name, 30))),
                Span::styled(clean(&item.message), style),
            ]));
        }
        lines.push(more_line(response.results.len(), self.scroll, list_height));
        lines.push(Line::raw("Enter or Esc closes."));
        lines
    }
}

fn more_line(total: usize, scroll: usize, shown: usize) -> Line<'static> {
    let hidden = total.saturating_sub(scroll + shown);
    if hidden == 0 {
        return Line::raw("");
    }
    Line::styled(
        format!("… {hidden} more (PgDn scrolls)"),
        Style::new().fg(Color::DarkGray),
    )
}
