//! Active tab: the enabled and disabled webhooks that are not deleted.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, StatefulWidget, Table, TableState, Widget};

use super::{highlight, render_placeholder, view_block};
use crate::dashboard::app::State;
use crate::dashboard::format;
use crate::dashboard::widgets::text::clean;

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let view = &state.active;
    let title = match &view.data {
        Some(list) => format!("Active webhooks · {}", list.total_webhooks),
        None => "Active webhooks".to_owned(),
    };
    let block = view_block(title, view);
    if render_placeholder(view, "", block.clone(), area, buf) {
        return;
    }
    let rows = state.active_rows();
    if rows.is_empty() {
        let empty = "No active webhooks. Deleted ones are on the Deleted tab (2).";
        super::render_placeholder_text(empty, block, area, buf);
        return;
    }

    let inner_height = area.height.saturating_sub(2);
    let detail_height = if inner_height >= 8 { 1 } else { 0 };
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(detail_height)])
            .areas(block.inner(area));
    block.render(area, buf);

    let server_now = state.server_now();
    let table_rows = rows.iter().map(|webhook| {
        let enabled = if webhook.enabled {
            Span::styled("yes", Style::new().fg(Color::Green))
        } else {
            Span::styled("no", Style::new().fg(Color::Yellow))
        };
        let last_lead = webhook
            .last_lead_at
            .map(|at| format::ago(at.until(server_now)))
            .unwrap_or_else(|| "-".to_owned());
        Row::new(vec![
            Cell::from(clean(&webhook.id)),
            Cell::from(clean(&webhook.name)),
            Cell::from(clean(&webhook.kind)),
            Cell::from(clean(&webhook.region)),
            Cell::from(enabled),
            Cell::from(webhook.total_leads.to_string()),
            Cell::from(last_lead),
        ])
    });
    let header = Row::new(["Id", "Name", "Type", "Region", "On", "Leads", "Last lead"]).style(
        Style::new()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::BOLD),
    );
    let table = Table::new(
        table_rows,
        [
            Constraint::Fill(3),
            Constraint::Fill(2),
            Constraint::Length(7),
            Constraint::Length(6),
            Constraint::Length(3),
            Constraint::Length(6),
            Constraint::Length(9),
        ],
    )
    .header(header)
    .row_highlight_style(highlight())
    .highlight_symbol(">");
    let mut table_state = TableState::default().with_selected(Some(view.selected));
    StatefulWidget::render(table, table_area, buf, &mut table_state);

    if let Some(selected) = state.selected_active() {
        let dim = Style::new().fg(Color::DarkGray);
        Line::from(vec![
            Span::styled("id ", dim),
            Span::raw(clean(&selected.id)),
            Span::styled(" created ", dim),
            Span::raw(format::utc_time(selected.created_at)),
        ])
        .render(detail_area, buf);
    }
}
