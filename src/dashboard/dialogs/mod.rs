//! Confirmation dialogs for deleting and restoring. A key press only opens a dialog, and a
//! request is sent only when the operator confirms it. Confirmation stays disabled until the
//! required input is valid.

mod bulk;
mod force_delete;
mod restore;
mod soft_delete;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget, Wrap};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

pub use bulk::{BulkDialog, BulkPhase};
pub use force_delete::ForceDeleteDialog;
pub use restore::RestoreDialog;
pub use soft_delete::SoftDeleteDialog;

use crate::api::{Timestamp, MAX_REASON_CHARS};
use crate::dashboard::app::{Command, State};

/// The open dialog.
#[derive(Debug)]
pub enum Dialog {
    SoftDelete(SoftDeleteDialog),
    ForceDelete(ForceDeleteDialog),
    Restore(RestoreDialog),
    Bulk(BulkDialog),
}

/// Effect of a key press in a dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogAction {
    None,
    Close,
    Submit(Command),
}

impl Dialog {
    /// Applies a key press. `server_now` is the server's estimated time, for dialogs that
    /// refuse to submit once a deadline has passed.
    pub fn handle_key(&mut self, key: KeyEvent, server_now: Timestamp) -> DialogAction {
        match self {
            Dialog::SoftDelete(dialog) => dialog.handle_key(key),
            Dialog::ForceDelete(dialog) => dialog.handle_key(key),
            Dialog::Restore(dialog) => dialog.handle_key(key, server_now),
            Dialog::Bulk(dialog) => dialog.handle_key(key),
        }
    }

    /// Draws the dialog centred over `area`.
    pub fn render(&self, state: &State, area: Rect, buf: &mut Buffer) {
        match self {
            Dialog::SoftDelete(dialog) => dialog.render(state, area, buf),
            Dialog::ForceDelete(dialog) => dialog.render(state, area, buf),
            Dialog::Restore(dialog) => dialog.render(state, area, buf),
            Dialog::Bulk(dialog) => dialog.render(state, area, buf),
        }
    }
}

/// Checks that a reason is not blank and within the server's length limit.
pub fn reason_is_valid(reason: &str) -> bool {
    let trimmed = reason.trim();
    !trimmed.is_empty() && trimmed.chars().count() <= MAX_REASON_CHARS
}

/// Passes a key to a text input. Returns whether the input consumed it.
fn edit(input: &mut Input, key: KeyEvent) -> bool {
    input
        .handle_event(&crossterm::event::Event::Key(key))
        .is_some()
}

fn is_confirm_key(key: KeyEvent) -> bool {
    key.code == KeyCode::Enter
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

/// Builds the confirm and cancel buttons. A disabled confirm button is crossed out, followed
/// by the reason it is disabled.
fn buttons(confirm: &str, enabled: bool, why_disabled: &str) -> Line<'static> {
    let confirm_style = if enabled {
        Style::new()
            .fg(Color::Black)
            .bg(Color::Red)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::CROSSED_OUT)
    };
    let mut spans = vec![
        Span::styled(format!(" Enter {confirm} "), confirm_style),
        Span::raw("  "),
        Span::styled(
            " Esc Cancel ",
            Style::new().add_modifier(Modifier::REVERSED),
        ),
    ];
    if !enabled {
        spans.push(Span::styled(
            format!("  {why_disabled}"),
            Style::new().fg(Color::Yellow),
        ));
    }
    Line::from(spans)
}

/// Draws a text input as `> value` with a block cursor, scrolled so the cursor stays visible
/// in `width` columns. Counts characters as columns, so wide characters may scroll early.
fn input_line(input: &Input, width: u16, focused: bool) -> Line<'static> {
    let prompt = if focused { "> " } else { "  " };
    let available = usize::from(width).saturating_sub(prompt.len()).max(1);
    let chars: Vec<char> = input.value().chars().collect();
    let cursor = input.cursor().min(chars.len());
    let scroll = (cursor + 1).saturating_sub(available);
    let visible_end = (scroll + available).min(chars.len());
    let before: String = chars[scroll..cursor].iter().collect();
    let at_cursor = chars.get(cursor).map_or(" ".to_owned(), char::to_string);
    let after: String = chars[(cursor + 1).min(visible_end)..visible_end]
        .iter()
        .collect();
    let text_style = Style::new().fg(Color::White).bg(Color::DarkGray);
    let cursor_style = if focused {
        text_style.add_modifier(Modifier::REVERSED)
    } else {
        text_style
    };
    let used = before.chars().count() + 1 + after.chars().count();
    Line::from(vec![
        Span::styled(prompt, Style::new().fg(Color::Cyan)),
        Span::styled(before, text_style),
        Span::styled(at_cursor, cursor_style),
        Span::styled(after, text_style),
        Span::styled(" ".repeat(available.saturating_sub(used)), text_style),
    ])
}
