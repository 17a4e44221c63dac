//! Confirmation dialogs for every write. A key press only opens a dialog, and a request is
//! sent only when the operator confirms it. Confirmation stays disabled until the required
//! input is valid, and under `--confirm-env` until the environment name is typed too.

mod bulk;
mod force_delete;
pub mod form;
mod restore;
mod retry;
mod soft_delete;
mod undo;

use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget, Wrap};

pub use bulk::{BulkDialog, BulkItem, BulkPhase};
pub use force_delete::ForceDeleteDialog;
pub use form::{FieldKey, Focus, Form};
pub use restore::RestoreDialog;
pub use retry::{RetryDialog, RetryItem, RetryPhase};
pub use soft_delete::SoftDeleteDialog;
pub use undo::UndoDialog;

use crate::api::{Timestamp, MAX_REASON_CHARS};
use crate::dashboard::app::{Command, State};
use crate::dashboard::widgets::text::clean;

/// The open dialog.
#[derive(Debug)]
pub enum Dialog {
    SoftDelete(SoftDeleteDialog),
    ForceDelete(ForceDeleteDialog),
    Restore(RestoreDialog),
    Bulk(BulkDialog),
    Retry(RetryDialog),
    Undo(UndoDialog),
}

/// Effect of a key press in a dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogAction {
    None,
    Close,
    Submit(Command),
}

impl Dialog {
    /// Applies a key press. `server_now` is the server's estimated time.
    pub fn handle_key(&mut self, key: KeyEvent, server_now: Timestamp) -> DialogAction {
        match self {
            Dialog::SoftDelete(dialog) => dialog.handle_key(key),
            Dialog::ForceDelete(dialog) => dialog.handle_key(key),
            Dialog::Restore(dialog) => dialog.handle_key(key, server_now),
            Dialog::Bulk(dialog) => dialog.handle_key(key),
            Dialog::Retry(dialog) => dialog.handle_key(key),
            Dialog::Undo(dialog) => dialog.handle_key(key),
        }
    }

    /// Inserts pasted text into the focused input, cleaned as [`Form::paste`] describes.
    /// Returns `false` when no input has focus.
    pub fn paste(&mut self, text: &str) -> bool {
        match self.form_mut() {
            Some(form) => form.paste(text),
            None => false,
        }
    }

    /// Returns the form of the dialog, while it still takes input.
    pub fn form(&self) -> Option<&Form> {
        match self {
            Dialog::SoftDelete(dialog) => Some(&dialog.form),
            Dialog::ForceDelete(dialog) => Some(&dialog.form),
            Dialog::Restore(dialog) => Some(&dialog.form),
            Dialog::Bulk(dialog) => {
                matches!(dialog.phase, BulkPhase::Confirm).then_some(&dialog.form)
            }
            Dialog::Retry(dialog) => {
                matches!(dialog.phase, RetryPhase::Confirm).then_some(&dialog.form)
            }
            Dialog::Undo(dialog) => Some(&dialog.form),
        }
    }

    fn form_mut(&mut self) -> Option<&mut Form> {
        match self {
            Dialog::SoftDelete(dialog) => Some(&mut dialog.form),
            Dialog::ForceDelete(dialog) => Some(&mut dialog.form),
            Dialog::Restore(dialog) => Some(&mut dialog.form),
            Dialog::Bulk(dialog) => {
                matches!(dialog.phase, BulkPhase::Confirm).then_some(&mut dialog.form)
            }
            Dialog::Retry(dialog) => {
                matches!(dialog.phase, RetryPhase::Confirm).then_some(&mut dialog.form)
            }
            Dialog::Undo(dialog) => Some(&mut dialog.form),
        }
    }

    /// Draws the dialog centred over `area`.
    pub fn render(&self, state: &State, area: Rect, buf: &mut Buffer) {
        match self {
            Dialog::SoftDelete(dialog) => dialog.render(state, area, buf),
            Dialog::ForceDelete(dialog) => dialog.render(state, area, buf),
            Dialog::Restore(dialog) => dialog.render(state, area, buf),
            Dialog::Bulk(dialog) => dialog.render(state, area, buf),
            Dialog::Retry(dialog) => dialog.render(state, area, buf),
            Dialog::Undo(dialog) => dialog.render(state, area, buf),
        }
    }
}

/// Checks that a reason is not blank and within the server's length limit.
pub fn reason_is_valid(reason: &str) -> bool {
    let trimmed = reason.trim();
    !trimmed.is_empty() && trimmed.chars().count() <= MAX_REASON_CHARS
}

/// Clears and frames a centred box of at most `width` x `height` inside `area`, returning the
/// area inside its border. The box shrinks with the screen instead of overflowing it.
fn frame(
    area: Rect,
    width: u16,
    height: u16,
    title: &str,
    border: Color,
    buf: &mut Buffer,
) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    Clear.render(popup, buf);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(border))
        .title(Span::styled(
            format!(" {title} "),
            Style::new().fg(border).add_modifier(Modifier::BOLD),
        ));
    let inner = block.inner(popup);
    block.render(popup, buf);
    inner
}

/// Width inside the border of a dialog at most `width` columns wide, drawn over `area`.
fn inner_width(area: Rect, width: u16) -> u16 {
    width.min(area.width).saturating_sub(2)
}

/// Draws a dialog just tall enough for `lines` once wrapped, centred over `area`.
fn show(
    area: Rect,
    width: u16,
    title: &str,
    border: Color,
    lines: Vec<Line<'_>>,
    buf: &mut Buffer,
) {
    if area.is_empty() {
        return;
    }
    let columns = usize::from(inner_width(area, width).max(1));
    let rows: usize = lines
        .iter()
        .map(|line| line.width().div_ceil(columns).max(1))
        .sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX);
    let inner = frame(area, width, height, title, border, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// Builds a label and value on one line, with the label dimmed.
fn field<'a>(label: &'a str, value: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<9}"), Style::new().fg(Color::DarkGray)),
        Span::raw(value),
    ])
}

/// Builds the environment prompt and input lines, when `--confirm-env` is set.
fn environment_lines(form: &Form, env: Option<&String>, width: u16) -> Vec<Line<'static>> {
    let Some(env) = env else {
        return Vec::new();
    };
    let hint = if form.value(FieldKey::Environment).is_empty() {
        Span::raw("")
    } else if form.environment_matches(Some(env)) {
        Span::styled("  matches", Style::new().fg(Color::Green))
    } else {
        Span::styled("  does not match", Style::new().fg(Color::Yellow))
    };
    vec![
        Line::from(vec![
            Span::raw("Type the environment name "),
            Span::styled(clean(env), Style::new().add_modifier(Modifier::BOLD)),
            Span::raw(" to confirm:"),
            hint,
        ]),
        form.input_line(FieldKey::Environment, width),
    ]
}

/// Builds the line under the buttons that names the keys.
fn key_hint() -> Line<'static> {
    Line::styled(
        "Tab moves · Enter activates · Esc cancels",
        Style::new().fg(Color::DarkGray),
    )
}
