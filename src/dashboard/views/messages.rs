//! The window opened with `e`: the full text of every current error and notice, which the
//! status bar may have to cut.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

use super::render_popup;
use crate::dashboard::app::State;
use crate::dashboard::format;
use crate::dashboard::widgets::status_bar::{messages, Message, MessageKind};
use crate::dashboard::widgets::wrap::wrap_lines;

const WIDTH: u16 = 76;

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let width = WIDTH.min(area.width);
    let all = messages(state);
    let mut lines = Vec::new();
    for message in &all {
        lines.push(heading(state, message));
        lines.push(Line::raw(message.text.clone()));
        lines.push(Line::raw(""));
    }
    if all.is_empty() {
        lines.push(Line::raw("No errors or notices now."));
    }
    lines.push(Line::styled(
        "The log file has every error with its details.",
        Style::new().fg(Color::DarkGray),
    ));

    let rows = wrap_lines(&lines, width.saturating_sub(2));
    let height = u16::try_from(rows.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    render_popup(rows, " Messages (Esc closes) ", (width, height), area, buf);
}

/// Builds the line above a message: what kind it is and since when.
fn heading(state: &State, message: &Message) -> Line<'static> {
    let since = message
        .since
        .map(|at| format!(", {}", format::ago(at.until(state.now))))
        .unwrap_or_default();
    let (title, color) = match message.kind {
        MessageKind::ActionError => (format!("Action failed{since} (Esc dismisses)"), Color::Red),
        MessageKind::PollError => (format!("Poll failing{since}"), Color::Red),
        MessageKind::Notice => ("Notice".to_owned(), Color::Green),
    };
    Line::styled(title, Style::new().fg(color).add_modifier(Modifier::BOLD))
}
