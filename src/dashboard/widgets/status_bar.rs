//! The status bar: the server, time since the last successful poll, and the latest error or
//! notice, with `e` to read every current message in full.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use crate::api::Timestamp;
use crate::dashboard::app::State;
use crate::dashboard::format;
use crate::dashboard::widgets::text::{clean, fit_width, visible};

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
        message_line(state, area.width).render(second, buf);
    }
}

/// Kind of a message in the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// An operator's action failed. Esc dismisses it.
    ActionError,
    /// The latest poll failed.
    PollError,
    Notice,
}

/// One current message, with the local time it appeared when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub kind: MessageKind,
    pub text: String,
    pub since: Option<Timestamp>,
}

/// Lists the current messages, the one the status bar shows first. Errors come before the
/// notice, and of two errors the newer one comes first, so an old failed action never hides
/// a server that stopped responding since. The server URL is cut from the texts, because the
/// bar already shows it.
pub fn messages(state: &State) -> Vec<Message> {
    let base = state.server_url.trim_end_matches('/');
    let shorten = |text: &str| clean(&text.replace(base, ""));
    let mut errors = Vec::new();
    if let Some(error) = &state.error {
        errors.push(Message {
            kind: MessageKind::ActionError,
            text: shorten(error),
            since: state.error_at,
        });
    }
    if let Some(error) = &state.poll.last_error {
        errors.push(Message {
            kind: MessageKind::PollError,
            text: shorten(error),
            since: state.poll.error_since,
        });
    }
    errors.sort_by_key(|error| std::cmp::Reverse(error.since));
    let notice = state.notice.as_ref().map(|notice| Message {
        kind: MessageKind::Notice,
        text: shorten(&notice.text),
        since: None,
    });
    match (errors.first().map(|error| error.kind), notice) {
        // A fresh notice, such as a success, shows ahead of the poll error it may outlive.
        (Some(MessageKind::PollError), Some(notice)) if state.error.is_none() => {
            let mut all = vec![notice];
            all.extend(errors);
            all
        }
        (_, notice) => {
            errors.extend(notice);
            errors
        }
    }
}

/// Builds the message row in `width` columns: the first message, cut with a pointer to `e`
/// when it is too long or when more errors wait behind it.
fn message_line(state: &State, width: u16) -> Line<'static> {
    let all = messages(state);
    let Some(first) = all.first() else {
        return Line::default();
    };
    let style = match first.kind {
        MessageKind::Notice => Style::new().fg(Color::Green),
        MessageKind::ActionError | MessageKind::PollError => Style::new().fg(Color::Red),
    };
    let mut text = first.text.clone();
    if first.kind == MessageKind::ActionError {
        text.push_str(" (Esc)");
    }

    let others = all
        .iter()
        .skip(1)
        .filter(|message| message.kind != MessageKind::Notice)
        .count();
    let available = usize::from(width).saturating_sub(1);
    let pointer = match others {
        // The cut text already ends in an ellipsis.
        0 => " · e: full text".to_owned(),
        count => format!(" · +{count} more: e"),
    };
    if others == 0 && text.width() <= available {
        return Line::styled(format!(" {text}"), style);
    }

    let room = available.saturating_sub(pointer.width());
    let shown = if text.width() > room {
        fit_width(&text, room)
    } else {
        text
    };
    Line::from(vec![
        Span::styled(format!(" {shown}"), style),
        Span::styled(pointer, Style::new().fg(Color::Yellow)),
    ])
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
    // An integrity result from before the token was rejected is no longer current.
    let integrity = state
        .integrity
        .as_ref()
        .filter(|_| state.poll.token_rejected.is_none());
    if let Some(integrity) = integrity {
        let span = match integrity.issues {
            0 => Span::styled(" · integrity ok", Style::new().fg(Color::DarkGray)),
            1 => Span::styled(
                " · ⚠ 1 integrity issue (hookgrace check)",
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
            count => Span::styled(
                format!(" · ⚠ {count} integrity issues (hookgrace check)"),
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
        };
        spans.push(span);
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
    if let Some(rejection) = &poll.token_rejected {
        let (badge, text) = if rejection.sent {
            ("TOKEN REJECTED", "polling stopped, ctrl-r retries once")
        } else {
            ("TOKEN INVALID", "not sent; replace it and restart")
        };
        return vec![
            Span::styled(
                format!("● {badge} "),
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!("{text}; last update {since}")),
        ];
    }
    if state.rate_limited() {
        return vec![
            Span::styled(
                "● PAUSED (HTTP 429) ",
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!(
                "next poll in {}s, as the server asked; last update {since}",
                state.pause_left_seconds()
            )),
        ];
    }
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

/// Extracts the host and port of a URL, for the narrow status bar.
fn host_of(url: &str) -> String {
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    clean(without_scheme.split('/').next().unwrap_or(without_scheme))
}
