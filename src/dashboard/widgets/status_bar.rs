//! The status bar: the server, time since the last successful poll, and the latest error or
//! notice.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::dashboard::app::State;
use crate::dashboard::format;
use crate::dashboard::widgets::text::{clean, visible};

/// Marker drawn while the data on screen comes from before a failed poll.
pub const STALE: &str = "STALE";

/// Draws the connection line into the first row of `area` and the message into the second.
pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let first = Rect { height: 1, ..area };
    connection_line(state).render(first, buf);
    if area.height >= 2 {
        let second = Rect {
            y: area.y + 1,
            height: 1,
            ..area
        };
        if let Some((text, style)) = message(state) {
            Line::styled(format!(" {text}"), style).render(second, buf);
        }
    }
}

/// Builds the connection line: `host ● updated 2s ago · 1 running`.
pub fn connection_line(state: &State) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!("{} ", host_of(&state.server_url)),
        Style::new().fg(Color::DarkGray),
    )];
    spans.extend(connection_spans(state));
    if state.pending_requests > 0 {
        spans.push(Span::styled(
            format!(" · {} running", state.pending_requests),
            Style::new().fg(Color::Cyan),
        ));
    }
    if let Some(undo) = &state.undo {
        let left = state.now.until(undo.expires_at).num_seconds().max(0);
        spans.push(Span::styled(
            format!(
                " · u undoes: {} {} ({left}s)",
                undo.done,
                visible(&undo.name)
            ),
            Style::new().fg(Color::Yellow),
        ));
    }
    Line::from(spans)
}

fn connection_spans(state: &State) -> Vec<Span<'static>> {
    let poll = &state.poll;
    let since = poll
        .last_success
        .map(|at| format::ago(at.until(state.now)))
        .unwrap_or_else(|| "never".to_owned());
    if poll.failures == 0 {
        let (dot, text) = if poll.last_success.is_some() {
            (Color::Green, format!("updated {since}"))
        } else {
            (Color::Yellow, "connecting…".to_owned())
        };
        return vec![Span::styled("● ", Style::new().fg(dot)), Span::raw(text)];
    }
    let retry = state.now.until(poll.next_at).max(chrono::Duration::zero());
    let next_wait = poll.backoff().as_secs();
    vec![
        Span::styled(
            format!("● {STALE} "),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!(
            "last update {since}, retry in {}s (attempt {}, backoff {next_wait}s); writes off",
            retry.num_seconds(),
            poll.failures + 1
        )),
    ]
}

/// Picks the operator's own error first, then a notice, then the latest poll error. The server URL
/// is cut from messages, because the bar already shows it and space is short.
fn message(state: &State) -> Option<(String, Style)> {
    let base = state.server_url.trim_end_matches('/');
    let shorten = |text: &str| clean(&text.replace(base, ""));
    let red = Style::new().fg(Color::Red);
    if let Some(error) = &state.error {
        return Some((format!("{} (Esc)", shorten(error)), red));
    }
    if let Some(notice) = &state.notice {
        return Some((shorten(&notice.text), Style::new().fg(Color::Green)));
    }
    state
        .poll
        .last_error
        .as_ref()
        .map(|error| (shorten(error), red))
}

/// Extracts the host and port of a URL, for the narrow status bar.
fn host_of(url: &str) -> String {
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    clean(without_scheme.split('/').next().unwrap_or(without_scheme))
}
