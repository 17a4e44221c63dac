//! Active tab: the enabled and disabled webhooks that are not deleted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Widget};
use unicode_width::UnicodeWidthStr;

use super::{
    changed_style, detail_height, gone_style, header_row, render_no_rows, render_placeholder,
    render_table, row_marker, table_and_detail, view_block, window,
};
use crate::api::WebhookSummary;
use crate::dashboard::app::lists::{active_columns, ListState};
use crate::dashboard::app::State;
use crate::dashboard::format;
use crate::dashboard::widgets::columns::{allocate, name_min, pick, widest, Column};
use crate::dashboard::widgets::text::{clean, fit_middle, visible};

/// Inner rows at which the one-line detail under the table appears.
const DETAIL_MIN_ROWS: u16 = 8;

/// Returns the table rows that fit in a body of `height` rows.
pub fn table_rows(height: u16) -> usize {
    let inner = height.saturating_sub(2);
    let detail = detail_height(inner, DETAIL_MIN_ROWS, 1);
    usize::from(inner.saturating_sub(detail).saturating_sub(1))
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let view = &state.active;
    let title = match &view.data {
        Some(list) => format!("Active webhooks · {}", list.total_webhooks),
        None => "Active webhooks".to_owned(),
    };
    let block = view_block(title, view, state);
    if render_placeholder(state, view, None, block.clone(), area, buf) {
        return;
    }
    if render_no_rows(state, view, &empty_text(state), block.clone(), area, buf) {
        return;
    }

    let [table_area, detail_area] = table_and_detail(block.inner(area), DETAIL_MIN_ROWS, 1);
    block.render(area, buf);

    let server_now = state.server_now();
    let shown = window(view, usize::from(table_area.height.saturating_sub(1)));
    let texts: Vec<RowTexts> = shown
        .rows
        .iter()
        .map(|(_, webhook)| RowTexts::of(webhook, view.list.is_gone(&webhook.id), server_now))
        .collect();
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
    // The highlight symbol takes one column left of the table.
    let widths = allocate(
        &column_specs(&titles, &texts),
        table_area.width.saturating_sub(1),
        1,
    );
    let id_width = widths[1].map_or(0, usize::from);
    let table_rows = shown.rows.iter().zip(&texts).map(|((_, webhook), texts)| {
        Row::new(pick(row(&view.list, webhook, texts, id_width), &widths))
    });
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
    let header = header_row(&titles, &sorts, &view.list);
    render_table(table_rows, header, &widths, shown.cursor, table_area, buf);

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
/// is empty, and the text shows how to create a webhook here with `n` and from a shell.
fn empty_text(state: &State) -> String {
    let deleted = state.deleted.listed_count();
    let deleted_known = state.deleted.data.is_some();
    if deleted_known && deleted == 0 {
        let url = state.server_url.trim_end_matches('/');
        let needs_token = state
            .capabilities
            .as_ref()
            .is_some_and(|capabilities| capabilities.has(crate::api::extension::AUTH));
        let auth_header = if needs_token {
            " -H \"Authorization: Bearer $HOOKGRACE_TOKEN\""
        } else {
            ""
        };
        let lead_in = match (state.options.read_only, needs_token) {
            (false, false) => "No webhooks yet: n creates one, or run:",
            (false, true) => {
                "No webhooks yet: n creates one, or with an operator token in HOOKGRACE_TOKEN \
                 run:"
            }
            (true, false) => "No webhooks yet. Create one with:",
            (true, true) => {
                "No webhooks yet. With an operator token in HOOKGRACE_TOKEN, create one with:"
            }
        };
        return format!(
            "{lead_in} curl -X POST {}/webhook -H 'Content-Type: application/json'{auth_header} \
             -d '{CREATE_EXAMPLE}'",
            clean(url)
        );
    }
    "No active webhooks. Soft-deleted ones are on the Deleted tab: press 2.".to_owned()
}

/// The text of one row's cells, built once for both the column widths and the cells.
struct RowTexts {
    id: String,
    name: String,
    kind: String,
    region: String,
    enabled: &'static str,
    leads: String,
    last_lead: String,
}

impl RowTexts {
    fn of(webhook: &WebhookSummary, gone: bool, server_now: crate::api::Timestamp) -> Self {
        let last_lead = if gone {
            "gone".to_owned()
        } else {
            webhook
                .last_lead_at
                .map(|at| format::ago(at.until(server_now)))
                .unwrap_or_else(|| "-".to_owned())
        };
        Self {
            id: visible(&webhook.id),
            name: visible(&webhook.name),
            kind: clean(&webhook.kind),
            region: clean(&webhook.region),
            enabled: if webhook.enabled { "yes" } else { "no" },
            leads: webhook.total_leads.to_string(),
            last_lead,
        }
    }
}

/// Width of the id column before the other columns get their content. Ids are cut in the
/// middle, so 20 columns keep ids such as `coolair_ws_fl_hvac_001` distinct.
const ID_FIRST_WANT: u16 = 20;

/// Builds the column widths of the table. The name is never dropped. The others give way
/// from the region up to the id, and the short ones show whole or not at all. The name
/// takes its minimum and the id [`ID_FIRST_WANT`] columns before the type, region and
/// counts get their content, and the rest of their content after that.
fn column_specs(titles: &[&str; 8], texts: &[RowTexts]) -> [Column; 8] {
    let id = widest(titles[1], texts, |t| t.id.width());
    let name = widest(titles[2], texts, |t| t.name.width());
    let name_first = name_min(10, name);
    let kind = widest(titles[3], texts, |t| t.kind.width());
    let region = widest(titles[4], texts, |t| t.region.width());
    let leads = widest(titles[6], texts, |t| t.leads.width());
    let last_lead = widest(titles[7], texts, |t| t.last_lead.width());
    [
        Column::kept(1, 1),
        Column::optional(1, 10, id)
            .growing()
            .yielding_beyond(ID_FIRST_WANT),
        Column::kept(name_first, name)
            .growing()
            .yielding_beyond(name_first),
        Column::optional(4, 6, kind),
        Column::optional(6, region, region),
        Column::optional(2, 3, 3),
        Column::optional(3, leads, leads),
        Column::optional(5, last_lead, last_lead),
    ]
}

/// Builds the cells of one row. The id is cut in the middle to `id_width` columns, so ids
/// that share a long prefix stay distinct.
fn row(
    list: &ListState,
    webhook: &WebhookSummary,
    texts: &RowTexts,
    id_width: usize,
) -> Vec<Cell<'static>> {
    let id = webhook.id.as_str();
    let gone = list.is_gone(id);
    let enabled = if webhook.enabled {
        Span::styled(texts.enabled, Style::new().fg(Color::Green))
    } else {
        Span::styled(texts.enabled, Style::new().fg(Color::Yellow))
    };
    let name_style = if gone {
        gone_style()
    } else {
        changed_style(list, id, active_columns::NAME)
    };
    vec![
        Cell::from(row_marker(list, webhook)),
        Cell::from(fit_middle(&texts.id, id_width)),
        Cell::from(Span::styled(texts.name.clone(), name_style)),
        Cell::from(texts.kind.clone()),
        Cell::from(texts.region.clone()),
        Cell::from(enabled.patch_style(changed_style(list, id, active_columns::ENABLED))),
        Cell::from(Span::styled(
            texts.leads.clone(),
            changed_style(list, id, active_columns::LEADS),
        )),
        Cell::from(Span::styled(
            texts.last_lead.clone(),
            changed_style(list, id, active_columns::LAST_LEAD),
        )),
    ]
}
