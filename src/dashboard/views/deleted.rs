//! Deleted tab: soft-deleted webhooks with their purge countdowns, counted against the
//! server's clock, and a detail panel for the selected one.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget};

use super::{
    changed_style, filtered_out, header_row, header_style, highlight, render_placeholder,
    render_placeholder_text, row_marker, view_block, window,
};
use crate::api::{DeletedWebhook, JobState, Timestamp};
use crate::dashboard::app::lists::{deleted_columns, ListState};
use crate::dashboard::app::{RowResult, State};
use crate::dashboard::format;
use crate::dashboard::widgets::countdown::PurgeClock;
use crate::dashboard::widgets::text::{clean, clean_or_dash, visible};

/// Width of the purge column: a short bar and up to `!! 999:59:59`.
const PURGE_WIDTH: u16 = 20;
/// Inner rows at which the three-line detail panel appears.
const DETAIL_MIN_ROWS: u16 = 12;
/// Text drawn in the purge column of a row the server no longer lists.
pub const GONE: &str = "gone from server";

/// Returns the table rows (two lines each) that fit in a body of `height` rows.
pub fn table_rows(height: u16) -> usize {
    let inner = height.saturating_sub(2);
    let detail = if inner >= DETAIL_MIN_ROWS { 3 } else { 0 };
    usize::from(inner.saturating_sub(detail).saturating_sub(1) / 2)
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let view = &state.deleted;
    let server_now = state.server_now();
    let title = match &view.data {
        Some(list) => {
            let restorable = view
                .rows()
                .iter()
                .filter(|webhook| !view.list.is_gone(&webhook.id))
                .filter(|webhook| is_restorable(webhook, server_now))
                .count();
            format!(
                "Deleted webhooks · {} · {restorable} restorable",
                list.total_deleted
            )
        }
        None => "Deleted webhooks".to_owned(),
    };
    let block = view_block(title, view, state);
    if render_placeholder(view, "", block.clone(), area, buf) {
        return;
    }
    if view.rows().is_empty() {
        let empty = "Nothing is waiting for purge. Deleted webhooks appear here with a countdown.";
        render_placeholder_text(empty, block, area, buf);
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
        3
    } else {
        0
    };
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(detail_height)]).areas(inner);
    block.render(area, buf);

    let shown = window(view, usize::from(table_area.height.saturating_sub(1) / 2));
    let table_rows = shown.rows.iter().map(|(_, webhook)| {
        row(
            &view.list,
            webhook,
            state.row_results.get(&webhook.id),
            server_now,
        )
    });
    let titles = ["", "Webhook", "Reason · by", "Job", "Leads", "Purge in"];
    let sorts = [None, Some(1), Some(3), Some(5), Some(6), Some(0)];
    let header = Row::new(header_row(&titles, &sorts, &view.list)).style(header_style());
    let table = Table::new(
        table_rows,
        [
            Constraint::Length(4),
            Constraint::Fill(1),
            Constraint::Fill(1),
            Constraint::Length(11),
            Constraint::Length(8),
            Constraint::Length(PURGE_WIDTH),
        ],
    )
    .header(header)
    .row_highlight_style(highlight())
    .highlight_symbol(">");
    let mut table_state = TableState::default().with_selected(shown.cursor);
    StatefulWidget::render(table, table_area, buf, &mut table_state);

    if let Some(selected) = state.selected_deleted() {
        let result = state.row_results.get(&selected.id);
        let gone = view.list.is_gone(&selected.id);
        detail(selected, result, gone, server_now).render(detail_area, buf);
    }
}

fn row(
    list: &ListState,
    webhook: &DeletedWebhook,
    result: Option<&RowResult>,
    server_now: Timestamp,
) -> Row<'static> {
    let deletion = &webhook.deletion;
    let job = &webhook.job_status;
    let id = webhook.id.as_str();
    let gone = list.is_gone(id);
    let clock = PurgeClock::at(
        server_now,
        Some(deletion.deleted_at),
        deletion.scheduled_deletion_at,
        job.status,
    );
    let mark = if list.marks.contains(id) {
        "[x]"
    } else {
        "[ ]"
    };
    let marker = match result {
        Some(RowResult { ok: true, .. }) => Span::styled("✓", Style::new().fg(Color::Green)),
        Some(RowResult { ok: false, .. }) => Span::styled("✗", Style::new().fg(Color::Red)),
        None => row_marker(list, webhook),
    };
    let attempts = match job.max_attempts {
        Some(max) => format!("try {}/{max}", job.attempts),
        None => format!("tries {}", job.attempts),
    };
    let rejected = webhook
        .stats
        .rejected_leads_since_deletion
        .map_or_else(|| "rej -".to_owned(), |count| format!("rej {count}"));
    let name_style = if gone {
        Style::new()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::CROSSED_OUT)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    };
    let purge_line = if gone {
        Line::styled(GONE, Style::new().fg(Color::Magenta))
    } else {
        clock.line(PURGE_WIDTH)
    };

    Row::new(vec![
        Cell::from(Line::from(vec![
            marker,
            Span::styled(mark, Style::new().fg(Color::Yellow)),
        ])),
        Cell::from(Text::from(vec![
            Line::styled(
                visible(&webhook.name),
                name_style.patch(changed_style(list, id, deleted_columns::NAME)),
            ),
            Line::styled(visible(id), Style::new().fg(Color::DarkGray)),
        ])),
        Cell::from(Text::from(vec![
            Line::styled(
                clean_or_dash(deletion.reason.as_deref()),
                changed_style(list, id, deleted_columns::REASON),
            ),
            Line::styled(
                format!("by {}", clean_or_dash(deletion.deleted_by.as_deref())),
                Style::new().fg(Color::DarkGray),
            ),
        ])),
        Cell::from(Text::from(vec![
            Line::styled(
                job_label(job.status),
                job_style(job.status).patch(changed_style(list, id, deleted_columns::JOB)),
            ),
            Line::styled(attempts, Style::new().fg(Color::DarkGray)),
        ])),
        Cell::from(Text::from(vec![
            Line::styled(
                format!("{} kept", webhook.stats.total_leads),
                changed_style(list, id, deleted_columns::LEADS),
            ),
            Line::styled(rejected, Style::new().fg(Color::DarkGray)),
        ])),
        Cell::from(Text::from(vec![
            purge_line,
            Line::styled(
                format::short_time(deletion.scheduled_deletion_at, server_now),
                Style::new().fg(Color::DarkGray).patch(changed_style(
                    list,
                    id,
                    deleted_columns::PURGE,
                )),
            ),
        ])),
    ])
    .height(2)
}

/// Three lines on the selected webhook: id and deletion, full reason, then the result of the
/// last bulk action on it, or else its job error or restorability.
fn detail(
    webhook: &DeletedWebhook,
    result: Option<&RowResult>,
    gone: bool,
    server_now: Timestamp,
) -> Paragraph<'static> {
    let deletion = &webhook.deletion;
    let job = &webhook.job_status;
    let dim = Style::new().fg(Color::DarkGray);
    let job_line = match (result, &job.error_message) {
        (Some(result), _) => Line::from(vec![
            Span::styled("last action ", dim),
            Span::styled(
                format!("{} {}", if result.ok { "✓" } else { "✗" }, result.message),
                Style::new().fg(if result.ok { Color::Green } else { Color::Red }),
            ),
        ]),
        (None, _) if gone => Line::styled(
            "no longer listed as soft-deleted: purged, force deleted or restored elsewhere",
            Style::new().fg(Color::Magenta),
        ),
        (None, Some(error)) => Line::from(vec![
            Span::styled("last error ", dim),
            Span::styled(clean(error), Style::new().fg(Color::Red)),
        ]),
        (None, None) => Line::from(vec![
            Span::styled("job ", dim),
            Span::raw(clean_or_dash(deletion.job_id.as_deref())),
            Span::styled(restorability(webhook, server_now), dim),
        ]),
    };
    Paragraph::new(vec![
        Line::from(vec![
            Span::styled("id ", dim),
            Span::raw(visible(&webhook.id)),
            Span::styled(" deleted ", dim),
            Span::raw(format::utc_time(deletion.deleted_at)),
            Span::styled(" by ", dim),
            Span::raw(clean_or_dash(deletion.deleted_by.as_deref())),
        ]),
        Line::from(vec![
            Span::styled("reason ", dim),
            Span::raw(clean_or_dash(deletion.reason.as_deref())),
        ]),
        job_line,
    ])
}

/// Checks whether a restore can still succeed: the server allowed it at the last poll and
/// the purge time has not come. At the purge time the job may run at any moment, so the row
/// reads "purge pending" and is no longer counted as restorable.
pub fn is_restorable(webhook: &DeletedWebhook, server_now: Timestamp) -> bool {
    webhook.restoration.can_restore && server_now < webhook.deletion.scheduled_deletion_at
}

fn restorability(webhook: &DeletedWebhook, server_now: Timestamp) -> &'static str {
    if is_restorable(webhook, server_now) {
        "  restorable"
    } else if webhook.restoration.can_restore {
        "  not restorable: the purge time has passed"
    } else {
        "  not restorable"
    }
}

pub fn job_label(state: JobState) -> String {
    match state {
        JobState::DeadLetter => "dead letter".to_owned(),
        other => other.as_str().to_owned(),
    }
}

/// Colour of each job state. The six states keep six different colours in every palette.
pub fn job_style(state: JobState) -> Style {
    match state {
        JobState::Pending => Style::new().fg(Color::Yellow),
        JobState::Processing => Style::new().fg(Color::Magenta),
        JobState::Completed => Style::new().fg(Color::Green),
        JobState::Failed => Style::new().fg(Color::LightRed),
        JobState::Cancelled => Style::new().fg(Color::DarkGray),
        JobState::DeadLetter => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        JobState::Unknown => Style::new(),
    }
}
