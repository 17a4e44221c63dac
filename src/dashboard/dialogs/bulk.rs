//! Bulk restore: confirms the marked webhooks, then shows the result for each id.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::{is_confirm_key, show, DialogAction};
use crate::api::{BulkRestoreResponse, DeletedWebhook, JobState, Timestamp};
use crate::client::{ApiError, ApiResponse};
use crate::dashboard::app::{Command, State};
use crate::dashboard::widgets::countdown::PurgeClock;
use crate::dashboard::widgets::text::clean;

/// One marked webhook as it was when the dialog opened.
#[derive(Debug, Clone)]
pub struct BulkItem {
    pub id: String,
    pub name: String,
    pub deleted_at: Timestamp,
    pub scheduled: Timestamp,
    pub job: JobState,
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
    pub phase: BulkPhase,
    /// First list row drawn, for lists longer than the dialog.
    pub scroll: usize,
}

impl BulkDialog {
    pub fn new(rows: &[&DeletedWebhook]) -> Self {
        let items = rows
            .iter()
            .map(|row| BulkItem {
                id: row.id.clone(),
                name: row.name.clone(),
                deleted_at: row.deletion.deleted_at,
                scheduled: row.deletion.scheduled_deletion_at,
                job: row.job_status.status,
            })
            .collect();
        Self {
            items,
            phase: BulkPhase::Confirm,
            scroll: 0,
        }
    }

    pub fn ids(&self) -> Vec<String> {
        self.items.iter().map(|item| item.id.clone()).collect()
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
            KeyCode::Down | KeyCode::Char('j') => {
                self.scroll = (self.scroll + 1).min(self.row_count().saturating_sub(1));
                return DialogAction::None;
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.scroll = self.scroll.saturating_sub(1);
                return DialogAction::None;
            }
            _ => {}
        }
        match self.phase {
            BulkPhase::Confirm => match key.code {
                KeyCode::Esc | KeyCode::Char('n') => DialogAction::Close,
                KeyCode::Char('y') => self.submit(),
                _ if is_confirm_key(key) => self.submit(),
                _ => DialogAction::None,
            },
            BulkPhase::Running => match key.code {
                KeyCode::Esc => DialogAction::Close,
                _ => DialogAction::None,
            },
            BulkPhase::Done(_) => match key.code {
                KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => DialogAction::Close,
                _ => DialogAction::None,
            },
        }
    }

    fn submit(&mut self) -> DialogAction {
        self.phase = BulkPhase::Running;
        DialogAction::Submit(Command::BulkRestore { ids: self.ids() })
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
        let title = format!("Restore {} webhooks", self.items.len());
        // Border, two header lines and two footer lines leave the rest for the list.
        let list_height = usize::from(area.height.saturating_sub(6)).max(1);
        let mut lines = Vec::new();
        match &self.phase {
            BulkPhase::Confirm => {
                lines.push(Line::raw(
                    "Re-enables each webhook below and cancels its purge job.",
                ));
                lines.push(Line::raw(""));
                let server_now = state.server_now();
                for item in self.items.iter().skip(self.scroll).take(list_height) {
                    let clock =
                        PurgeClock::at(server_now, Some(item.deleted_at), item.scheduled, item.job);
                    lines.push(Line::from(vec![
                        Span::raw(format!("{:<40} ", truncate(&clean(&item.name), 40))),
                        Span::styled(clock.text(), clock.style()),
                    ]));
                }
                lines.push(more_line(self.items.len(), self.scroll, list_height));
                lines.push(confirm_buttons());
            }
            BulkPhase::Running => {
                lines.push(Line::raw(format!(
                    "Restoring {} webhooks… Esc closes this window; the result then appears \
                     in the status bar.",
                    self.items.len()
                )));
            }
            BulkPhase::Done(Err(error)) => {
                lines.push(Line::styled(
                    format!("The bulk request failed: {error}"),
                    Style::new().fg(Color::Red),
                ));
                lines.push(Line::raw(
                    "No webhook is known to be restored. Check the Deleted tab.",
                ));
                lines.push(Line::raw(""));
                lines.push(Line::raw("Enter or Esc closes."));
            }
            BulkPhase::Done(Ok(response)) => {
                lines.push(Line::raw(format!(
                    "{} restored, {} failed:",
                    response.restored, response.failed
                )));
                lines.push(Line::raw(""));
                for item in response.results.iter().skip(self.scroll).take(list_height) {
                    let (mark, style) = if item.restored {
                        ("✓", Style::new().fg(Color::Green))
                    } else {
                        ("✗", Style::new().fg(Color::Red))
                    };
                    let name = clean(self.name_of(&item.webhook_id));
                    lines.push(Line::from(vec![
                        Span::styled(format!("{mark} "), style.add_modifier(Modifier::BOLD)),
                        Span::raw(format!("{}: ", truncate(&name, 30))),
                        Span::styled(clean(&item.message), style),
                    ]));
                }
                lines.push(more_line(response.results.len(), self.scroll, list_height));
                lines.push(Line::raw("Enter or Esc closes."));
            }
        }
        show(area, DIALOG_WIDTH, &title, Color::Green, lines, buf);
    }
}

fn confirm_buttons() -> Line<'static> {
    Line::from(vec![
        Span::styled(
            " Enter Restore all ",
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
    ])
}

fn more_line(total: usize, scroll: usize, shown: usize) -> Line<'static> {
    let hidden = total.saturating_sub(scroll + shown);
    if hidden == 0 {
        return Line::raw("");
    }
    Line::styled(
        format!("… {hidden} more (j/k scrolls)"),
        Style::new().fg(Color::DarkGray),
    )
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    cut.push('…');
    cut
}
