//! Active tab: the enabled and disabled webhooks that are not deleted.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, StatefulWidget, Table, TableState, Widget};

use super::{
    changed_style, filtered_out, header_row, header_style, highlight, render_placeholder,
    render_placeholder_text, row_marker, view_block, window,
};
use crate::api::WebhookSummary;
use crate::dashboard::app::lists::{active_columns, ListState};
use crate::dashboard::app::State;
use crate::dashboard::format;
use crate::dashboard::widgets::text::{clean, visible};

/// Inner rows at which the one-line detail under the table appears.
const DETAIL_MIN_ROWS: u16 = 8;

/// Returns the table rows that fit in a body of `height` rows.
pub fn table_rows(height: u16) -> usize {
    let inner = height.saturating_sub(2);
    let detail = if inner >= DETAIL_MIN_ROWS { 1 } else { 0 };
    usize::from(inner.saturating_sub(detail).saturating_sub(1))
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let view = &state.active;
    let title = match &view.data {
        Some(list) => format!("Active webhooks · {}", list.total_webhooks),
        None => "Active webhooks".to_owned(),
    };
    let block = view_block(title, view, state);
    if render_placeholder(view, "", block.clone(), area, buf) {
        return;
    }
    if view.rows().is_empty() {
        render_placeholder_text(&empty_text(state), block, area, buf);
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

    let inner = block.inner(area);
    let detail_height = if inner.height >= DETAIL_MIN_ROWS {
        1
    } else {
        0
    };
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(detail_height)]).areas(inner);
    block.render(area, buf);

    let server_now = state.server_now();
    let shown = window(view, usize::from(table_area.height.saturating_sub(1)));
    let table_rows = shown
        .rows
        .iter()
        .map(|(_, webhook)| row(&view.list, webhook, server_now));
    let titles = [
        "",
        "Id",
        "Name",
        "Type",
        "Region",
        "On",
        "Leads",
        "Last lead",
    ];
    let sorts = [
        None,
        Some(1),
        Some(0),
        Some(2),
        Some(3),
        Some(4),
        Some(5),
        Some(6),
    ];
    let header = Row::new(header_row(&titles, &sorts, &view.list)).style(header_style());
    let table = Table::new(
        table_rows,
        [
            Constraint::Length(1),
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
    let mut table_state = TableState::default().with_selected(shown.cursor);
    StatefulWidget::render(table, table_area, buf, &mut table_state);

    if let Some(selected) = state.selected_active() {
        let dim = Style::new().fg(Color::DarkGray);
        Line::from(vec![
            Span::styled("id ", dim),
            Span::raw(visible(&selected.id)),
            Span::styled(" created ", dim),
            Span::raw(format::utc_time(selected.created_at)),
        ])
        .render(detail_area, buf);
    }
}

/// JSON body of the `POST /webhook` request that the empty Active tab suggests.
pub const CREATE_EXAMPLE: &str =
    r#"{"name":"Solar CA","type":"solar","region":"cal","category":"solar"}"#;

/// Builds the text of an empty Active tab. When nothing is soft-deleted either, the database
/// is empty, and the text shows how to create a webhook on this server.
fn empty_text(state: &State) -> String {
    let deleted = state.deleted.listed_count();
    let deleted_known = state.deleted.data.is_some();
    if deleted_known && deleted == 0 {
        let url = state.server_url.trim_end_matches('/');
        return format!(
            "No webhooks yet. Create one with: curl -X POST {}/webhook -H \
             'Content-Type: application/json' -d '{CREATE_EXAMPLE}'",
            clean(url)
        );
    }
    "No active webhooks. Soft-deleted ones are on the Deleted tab: press 2.".to_owned()
}

fn row(
    list: &ListState,
    webhook: &WebhookSummary,
    server_now: crate::api::Timestamp,
) -> Row<'static> {
    let id = webhook.id.as_str();
    let gone = list.is_gone(id);
    let enabled = if webhook.enabled {
        Span::styled("yes", Style::new().fg(Color::Green))
    } else {
        Span::styled("no", Style::new().fg(Color::Yellow))
    };
    let last_lead = webhook
        .last_lead_at
        .map(|at| format::ago(at.until(server_now)))
        .unwrap_or_else(|| "-".to_owned());
    let name_style = if gone {
        Style::new()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::CROSSED_OUT)
    } else {
        changed_style(list, id, active_columns::NAME)
    };
    Row::new(vec![
        Cell::from(row_marker(list, webhook)),
        Cell::from(visible(id)),
        Cell::from(Span::styled(visible(&webhook.name), name_style)),
        Cell::from(clean(&webhook.kind)),
        Cell::from(clean(&webhook.region)),
        Cell::from(enabled.patch_style(changed_style(list, id, active_columns::ENABLED))),
        Cell::from(Span::styled(
            webhook.total_leads.to_string(),
            changed_style(list, id, active_columns::LEADS),
        )),
        Cell::from(Span::styled(
            if gone { "gone".to_owned() } else { last_lead },
            changed_style(list, id, active_columns::LAST_LEAD),
        )),
    ])
}
