//! Audit tab: the global history of actions, newest first.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row, Table};
use unicode_width::UnicodeWidthStr;

use super::{
    header_and_widths, header_row, render_no_rows, render_placeholder, render_selectable,
    view_block, window,
};
use crate::api::{AuditEvent, Timestamp};
use crate::dashboard::app::lists::token_name;
use crate::dashboard::app::State;
use crate::dashboard::format;
use crate::dashboard::widgets::columns::{allocate, name_min, pick, widest, Column};
use crate::dashboard::widgets::text::{clean, clean_or_dash, visible};

/// Text drawn when the server lacks the audit extension.
pub const NOT_PROVIDED: &str = "This server does not provide the audit extension, so the \
    history of actions cannot be shown. Active and Deleted work as usual.";

/// Returns the table rows that fit in a body of `height` rows.
pub fn table_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(2).saturating_sub(1))
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let view = &state.audit;
    let title = match &view.data {
        Some(page) if state.audit_history.loading => {
            format!(
                "Audit trail · {} events · loading older…",
                page.events.len()
            )
        }
        Some(page) if page.next_cursor.is_some() => format!(
            "Audit trail · newest {} events · more load at the end",
            page.events.len()
        ),
        Some(page) => format!("Audit trail · {} events", page.events.len()),
        None => "Audit trail".to_owned(),
    };
    let block = view_block(title, view, state);
    if render_placeholder(state, view, Some(NOT_PROVIDED), block.clone(), area, buf) {
        return;
    }
    if render_no_rows(
        state,
        view,
        "No events recorded yet.",
        block.clone(),
        area,
        buf,
    ) {
        return;
    }

    let server_now = state.server_now();
    let inner = block.inner(area);
    let shown = window(view, usize::from(inner.height.saturating_sub(1)));
    let events: Vec<&AuditEvent> = shown.rows.iter().map(|(_, event)| *event).collect();
    let sorts = [Some(0), Some(1), Some(2), Some(3), None];
    let titles = header_row(&TITLES, &sorts, &view.list);
    // The highlight symbol takes one column left of the table.
    let (rows, header, widths) =
        table_parts(&events, titles, server_now, inner.width.saturating_sub(1));
    let table = Table::new(rows, widths).header(header).block(block);
    render_selectable(table, shown.cursor, area, buf);
}

/// Titles of the audit table's columns.
pub const TITLES: [&str; 5] = ["Time", "Event", "Webhook", "Actor", "Reason"];

/// The text of one event's cells, built once for both the column widths and the cells.
struct RowTexts {
    time: String,
    event: String,
    webhook: String,
    actor: String,
    reason: String,
}

impl RowTexts {
    fn of(event: &AuditEvent, server_now: Timestamp) -> Self {
        Self {
            time: format::short_time(event.created_at, server_now),
            event: clean(event_label(&event.event_type)),
            webhook: subject(event),
            actor: visible(&event.actor),
            reason: own_reason(event),
        }
    }
}

/// Returns the text of the Webhook column: the webhook's name, else its id. A token event
/// (`token_created`, `token_revoked`) belongs to no webhook and reads `token <name>`, with `-`
/// when its details lack the name.
pub fn subject(event: &AuditEvent) -> String {
    if event.webhook_id.is_empty() && event.event_type.starts_with("token_") {
        let name = token_name(event).map_or_else(|| "-".to_owned(), visible);
        return format!("token {name}");
    }
    if !event.webhook_name.is_empty() {
        visible(&event.webhook_name)
    } else if !event.webhook_id.is_empty() {
        visible(&event.webhook_id)
    } else {
        "-".to_owned()
    }
}

/// Builds the rows, the header and the column widths of an audit table `width` columns
/// wide, for the Audit tab and the detail view's timeline. The webhook is never dropped;
/// the reason, the actor, then the event type and time give way.
pub fn table_parts(
    events: &[&AuditEvent],
    titles: Vec<String>,
    server_now: Timestamp,
    width: u16,
) -> (Vec<Row<'static>>, Row<'static>, Vec<Constraint>) {
    let texts: Vec<RowTexts> = events
        .iter()
        .map(|event| RowTexts::of(event, server_now))
        .collect();
    // The webhook takes its minimum until the event type and the other columns show whole.
    let webhook = widest(TITLES[2], &texts, |t| t.webhook.width());
    let webhook_first = name_min(8, webhook);
    let specs = [
        Column::optional(1, widest(TITLES[0], &texts, |t| t.time.width()), 12),
        Column::optional(1, 8, widest(TITLES[1], &texts, |t| t.event.width())),
        Column::kept(webhook_first, webhook)
            .growing()
            .yielding_beyond(webhook_first),
        Column::optional(2, 6, widest(TITLES[3], &texts, |t| t.actor.width())),
        Column::optional(3, 8, widest(TITLES[4], &texts, |t| t.reason.width())).growing(),
    ];
    let widths = allocate(&specs, width, 1);
    let rows = events
        .iter()
        .zip(texts)
        .map(|(event, texts)| {
            let cells = [
                Cell::from(texts.time),
                Cell::from(Span::styled(texts.event, event_style(&event.event_type))),
                Cell::from(texts.webhook),
                Cell::from(texts.actor),
                Cell::from(texts.reason),
            ];
            Row::new(pick(cells, &widths))
        })
        .collect();
    let (header, constraints) = header_and_widths(titles, &widths);
    (rows, header, constraints)
}

/// Returns the text of the Event column: the event type, shortened where it is longer than
/// `job_dead_lettered`, so every type fits one column width.
fn event_label(event_type: &str) -> &str {
    match event_type {
        "signing_secret_rotated" => "secret_rotated",
        other => other,
    }
}

/// Returns the reason given for the event itself, or "" for events that carry none of their
/// own. A server may copy the reason of the soft delete onto later events of the webhook,
/// such as `restored`, where it would read as the reason for the restore.
pub fn own_reason(event: &AuditEvent) -> String {
    match event.event_type.as_str() {
        "soft_deleted" | "force_deleted" => clean_or_dash(event.reason.as_deref()),
        _ => String::new(),
    }
}

pub fn event_style(event_type: &str) -> Style {
    match event_type {
        "soft_deleted" | "disabled" => Style::new().fg(Color::Yellow),
        "restored" | "created" | "enabled" => Style::new().fg(Color::Green),
        "force_deleted" | "purged" => Style::new().fg(Color::Red),
        "job_failed" | "job_dead_lettered" => {
            Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD)
        }
        _ => Style::new(),
    }
}
