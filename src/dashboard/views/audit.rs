//! Audit tab: the global history of actions, newest first.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row, StatefulWidget, Table, TableState};

use super::{
    capabilities_pending, filtered_out, header_row, header_style, highlight, render_placeholder,
    render_placeholder_text, view_block, window,
};
use crate::api::AuditEvent;
use crate::dashboard::app::State;
use crate::dashboard::format;
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
        Some(page) if page.next_cursor.is_some() => {
            format!("Audit trail · newest {} events", page.events.len())
        }
        Some(page) => format!("Audit trail · {} events", page.events.len()),
        None => "Audit trail".to_owned(),
    };
    let block = view_block(title, view, state);
    if state.capabilities.is_none() && view.data.is_none() {
        render_placeholder_text(&capabilities_pending(state), block, area, buf);
        return;
    }
    if render_placeholder(view, NOT_PROVIDED, block.clone(), area, buf) {
        return;
    }
    if view.rows().is_empty() {
        render_placeholder_text("No events recorded yet.", block, area, buf);
        return;
    }
    if view.list.order.is_empty() {
        render_placeholder_text(
            &filtered_out(&view.list, view.rows().len()),
            block,
            area,
            buf,
        );
        return;
    }

    let server_now = state.server_now();
    let inner = block.inner(area);
    let shown = window(view, usize::from(inner.height.saturating_sub(1)));
    let rows = shown.rows.iter().map(|(_, event)| row(event, server_now));
    let titles = ["Time", "Event", "Webhook", "Actor", "Reason"];
    let sorts = [Some(0), Some(1), Some(2), Some(3), None];
    let header = Row::new(header_row(&titles, &sorts, &view.list)).style(header_style());
    let table = Table::new(rows, widths())
        .header(header)
        .block(block)
        .row_highlight_style(highlight())
        .highlight_symbol(">");
    let mut table_state = TableState::default().with_selected(shown.cursor);
    StatefulWidget::render(table, area, buf, &mut table_state);
}

pub fn widths() -> [Constraint; 5] {
    [
        Constraint::Length(12),
        Constraint::Length(17),
        Constraint::Fill(2),
        Constraint::Length(10),
        Constraint::Fill(2),
    ]
}

pub fn row(event: &AuditEvent, server_now: crate::api::Timestamp) -> Row<'static> {
    let webhook = if event.webhook_name.is_empty() {
        visible(&event.webhook_id)
    } else {
        visible(&event.webhook_name)
    };
    Row::new(vec![
        Cell::from(format::short_time(event.created_at, server_now)),
        Cell::from(Span::styled(
            clean(&event.event_type),
            event_style(&event.event_type),
        )),
        Cell::from(webhook),
        Cell::from(clean(&event.actor)),
        Cell::from(own_reason(event)),
    ])
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
