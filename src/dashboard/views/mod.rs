//! The screen: header, tabs, the current tab's view, the status bar and key hints, with the
//! open dialog or help on top. Everything draws from `&State`; nothing here changes state or
//! does I/O.

mod active;
mod audit;
mod deleted;
mod help;
mod queue;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Widget, Wrap};
use ratatui::Frame;

use crate::dashboard::app::{LoadState, State, Tab, View};
use crate::dashboard::widgets::status_bar::{self, STALE};
use crate::dashboard::widgets::text::clean;

/// Smallest screen that gets the full layout; anything smaller shows a one-line notice.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Draws the whole screen into the frame.
pub fn draw(frame: &mut Frame, state: &State) {
    let area = frame.area();
    render(state, area, frame.buffer_mut());
}

/// Draws the whole screen into `buf`.
pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        Paragraph::new("hookgrace: enlarge the terminal (q quits)")
            .wrap(Wrap { trim: true })
            .render(area, buf);
        return;
    }
    let [header, tabs, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(2),
        Constraint::Length(1),
    ])
    .areas(area);

    header_line(state).render(header, buf);
    tab_line(state).render(tabs, buf);
    match state.tab {
        Tab::Active => active::render(state, body, buf),
        Tab::Deleted => deleted::render(state, body, buf),
        Tab::Queue => queue::render(state, body, buf),
        Tab::Audit => audit::render(state, body, buf),
    }
    status_bar::render(state, status, buf);
    hint_line(state).render(hints, buf);

    if let Some(dialog) = &state.dialog {
        dialog.render(state, body, buf);
    } else if state.show_help {
        help::render(body, buf);
    }
}

fn header_line(state: &State) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            " hookgrace ",
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
        Span::styled(clean(&state.server_url), Style::new().fg(Color::Cyan)),
        Span::styled(
            format!("  as {}", clean(&state.user)),
            Style::new().fg(Color::DarkGray),
        ),
    ])
}

fn tab_line(state: &State) -> Line<'static> {
    let mut spans = Vec::new();
    for (index, tab) in Tab::ALL.into_iter().enumerate() {
        let count = match tab {
            Tab::Active => state.active.data.as_ref().map(|list| list.webhooks.len()),
            Tab::Deleted => state.deleted.data.as_ref().map(|list| list.webhooks.len()),
            Tab::Queue | Tab::Audit => None,
        };
        let label = match count {
            Some(count) => format!(" {} {} ({count}) ", index + 1, tab.title()),
            None => format!(" {} {} ", index + 1, tab.title()),
        };
        let style = if tab == state.tab {
            Style::new()
                .fg(Color::Black)
                .bg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().fg(Color::Gray)
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

fn hint_line(state: &State) -> Line<'static> {
    let hints: &[(&str, &str)] = match state.tab {
        Tab::Active => &[("d", "delete"), ("D", "force delete")],
        Tab::Deleted if state.marks.is_empty() => {
            &[("r", "restore"), ("space", "mark"), ("D", "force delete")]
        }
        Tab::Deleted => &[("r", "restore marked"), ("space", "mark")],
        Tab::Queue | Tab::Audit => &[("j/k", "move")],
    };
    let mut spans = Vec::new();
    let common = [
        ("1-4", "tabs"),
        ("^r", "refresh"),
        ("?", "keys"),
        ("q", "quit"),
    ];
    for (key, action) in hints.iter().chain(common.iter()) {
        spans.push(Span::styled(
            format!(" {key}"),
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(
            format!(" {action} "),
            Style::new().fg(Color::DarkGray),
        ));
    }
    if !state.marks.is_empty() {
        spans.push(Span::styled(
            format!(" {} marked", state.marks.len()),
            Style::new().fg(Color::Yellow),
        ));
    }
    Line::from(spans)
}

/// Builds the frame of a tab's view. While the data shown predates a failed fetch, the frame
/// turns red and its title carries the stale marker.
fn view_block<T>(title: String, view: &View<T>) -> Block<'static> {
    let mut block = Block::bordered()
        .border_type(BorderType::Plain)
        .border_style(Style::new().fg(Color::DarkGray))
        .title(Span::styled(
            format!(" {title} "),
            Style::new().add_modifier(Modifier::BOLD),
        ));
    if view.is_stale() {
        block = block
            .border_style(Style::new().fg(Color::Red))
            .title(Span::styled(
                format!(" {STALE}: showing the last good data "),
                Style::new()
                    .fg(Color::White)
                    .bg(Color::Red)
                    .add_modifier(Modifier::BOLD),
            ));
    }
    block
}

/// Draws the text for a view without data: loading, failed or not provided. Returns `false`
/// when the view has data to draw instead.
fn render_placeholder<T>(
    view: &View<T>,
    not_provided: &str,
    block: Block<'_>,
    area: Rect,
    buf: &mut Buffer,
) -> bool {
    let (text, style) = match (&view.data, &view.load) {
        (_, LoadState::NotProvided) => (not_provided.to_owned(), Style::new().fg(Color::Yellow)),
        (Some(_), _) => return false,
        (None, LoadState::Loading | LoadState::Loaded) => {
            ("Loading…".to_owned(), Style::new().fg(Color::DarkGray))
        }
        (None, LoadState::Failed(error)) => (
            format!("Could not load: {}", clean(error)),
            Style::new().fg(Color::Red),
        ),
    };
    Paragraph::new(Line::styled(text, style))
        .wrap(Wrap { trim: true })
        .block(block)
        .render(area, buf);
    true
}

/// Style of the selected table row.
fn highlight() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

/// Draws one line of text inside a view's frame, for empty lists.
fn render_placeholder_text(text: &str, block: Block<'_>, area: Rect, buf: &mut Buffer) {
    Paragraph::new(Line::styled(
        text.to_owned(),
        Style::new().fg(Color::DarkGray),
    ))
    .wrap(Wrap { trim: true })
    .block(block)
    .render(area, buf);
}
