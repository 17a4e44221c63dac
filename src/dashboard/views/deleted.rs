//! Deleted tab: soft-deleted webhooks with their purge countdowns, counted against the
//! server's clock, and a detail panel for the selected one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Paragraph, Row, Widget};
use unicode_width::UnicodeWidthStr;

use super::{
    changed_style, detail_height, gone_style, header_row, mark_cell, render_no_rows,
    render_placeholder, render_table, table_and_detail, view_block, window,
};
use crate::api::{DeletedWebhook, JobState, Timestamp};
use crate::dashboard::app::lists::{deleted_columns, ListRow, ListState};
use crate::dashboard::app::{RowResult, State};
use crate::dashboard::format;
use crate::dashboard::widgets::columns::{allocate, name_min, pick, widest, Column};
use crate::dashboard::widgets::countdown::PurgeClock;
use crate::dashboard::widgets::text::{clean, clean_or_dash, visible, visible_or_dash};

/// Width of the purge column: a short bar and up to `!! 999:59:59`.
const PURGE_WIDTH: u16 = 20;
/// Inner rows at which the three-line detail panel appears.
const DETAIL_MIN_ROWS: u16 = 12;
/// Text drawn in the purge column of a row the server no longer lists.
pub const GONE: &str = "gone from server";

/// Returns the table rows (two lines each) that fit in a body of `height` rows.
pub fn table_rows(height: u16) -> usize {
    let inner = height.saturating_sub(2);
    let detail = detail_height(inner, DETAIL_MIN_ROWS, 3);
    usize::from(inner.saturating_sub(detail).saturating_sub(1) / 2)
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let view = &state.deleted;
    let server_now = state.server_now();
    let title = match &view.data {
        Some(list) => {
            let restorable = view.list.restorable_at(server_now);
            format!(
                "Deleted webhooks · {} · {restorable} restorable",
                list.total_deleted
            )
        }
        None => "Deleted webhooks".to_owned(),
    };
    let block = view_block(title, view, state);
    if render_placeholder(state, view, None, block.clone(), area, buf) {
        return;
    }
    let empty = "Nothing is waiting for purge. Deleted webhooks appear here with a countdown.";
    if render_no_rows(state, view, empty, block.clone(), area, buf) {
        return;
    }

    let [table_area, detail_area] = table_and_detail(block.inner(area), DETAIL_MIN_ROWS, 3);
    block.render(area, buf);

    let shown = window(view, usize::from(table_area.height.saturating_sub(1) / 2));
    let texts: Vec<RowTexts> = shown
        .rows
        .iter()
        .map(|(_, webhook)| RowTexts::of(webhook, view.list.is_gone(&webhook.id), server_now))
        .collect();
    let titles = ["", "Webhook", "Reason · by", "Job", "Leads", "Purge in"];
    // The highlight symbol takes one column left of the table.
    let widths = allocate(
        &column_specs(&titles, &texts),
        table_area.width.saturating_sub(1),
        1,
    );
    let purge_width = widths[5].unwrap_or(PURGE_WIDTH);
    let table_rows = shown.rows.iter().zip(&texts).map(|((_, webhook), texts)| {
        let cells = row(
            &view.list,
            webhook,
            texts,
            state.row_results.get(&webhook.id),
            purge_width,
        );
        Row::new(pick(cells, &widths)).height(2)
    });
    let sorts = [None, Some(1), Some(3), Some(5), Some(6), Some(0)];
    let header = header_row(&titles, &sorts, &view.list);
    render_table(table_rows, header, &widths, shown.cursor, table_area, buf);

    if let Some(selected) = state.selected_deleted() {
        let result = state.row_results.get(&selected.id);
        let gone = view.list.is_gone(&selected.id);
        detail(selected, result, gone, server_now).render(detail_area, buf);
    }
}

/// The text of one row's cells, built once for both the column widths and the cells.
struct RowTexts {
    name: String,
    id: String,
    reason: String,
    by: String,
    job: String,
    attempts: String,
    leads: String,
    rejected: String,
    clock: PurgeClock,
    /// The countdown, the overdue label, or [`GONE`].
    purge: String,
    purge_at: String,
}

impl RowTexts {
    fn of(webhook: &DeletedWebhook, gone: bool, server_now: Timestamp) -> Self {
        let deletion = &webhook.deletion;
        let job = &webhook.job_status;
        let clock = PurgeClock::at(
            server_now,
            Some(deletion.deleted_at),
            deletion.scheduled_deletion_at,
            job.status,
        );
        Self {
            name: visible(&webhook.name),
            id: visible(&webhook.id),
            reason: clean_or_dash(deletion.reason.as_deref()),
            by: format!("by {}", visible_or_dash(deletion.deleted_by.as_deref())),
            job: job_label(job.status),
            attempts: match job.max_attempts {
                Some(max) => format!("try {}/{max}", job.attempts),
                None => format!("tries {}", job.attempts),
            },
            leads: format!("{} kept", webhook.stats.total_leads),
            rejected: webhook
                .stats
                .rejected_leads_since_deletion
                .map_or_else(|| "rej -".to_owned(), |count| format!("rej {count}")),
            purge: if gone { GONE.to_owned() } else { clock.text() },
            purge_at: format::short_time(deletion.scheduled_deletion_at, server_now),
            clock,
        }
    }
}

/// Builds the column widths of the table: the webhook and its countdown are never dropped,
/// and the leads, the job and the reason give way in that order. The job and leads cells are
/// short, so they show whole or not at all.
fn column_specs(titles: &[&str; 6], texts: &[RowTexts]) -> [Column; 6] {
    let name = widest(titles[1], texts, |t| t.name.width());
    let webhook = widest(titles[1], texts, |t| t.name.width().max(t.id.width()));
    let reason = widest(titles[2], texts, |t| t.reason.width().max(t.by.width()));
    let job = widest(titles[3], texts, |t| t.job.width().max(t.attempts.width()));
    let leads = widest(titles[4], texts, |t| {
        t.leads.width().max(t.rejected.width())
    });
    let purge = widest(titles[5], texts, |t| {
        t.purge.width().max(t.purge_at.width())
    });
    [
        Column::kept(4, 4),
        Column::kept(name_min(12, name), webhook).growing(),
        Column::optional(2, 10, reason).growing(),
        Column::optional(3, job, job),
        Column::optional(4, leads, leads),
        Column::kept(purge, PURGE_WIDTH.max(purge)),
    ]
}

/// Builds the cells of one row, each two lines high; the purge cell is `purge_width` wide.
fn row(
    list: &ListState,
    webhook: &DeletedWebhook,
    texts: &RowTexts,
    result: Option<&RowResult>,
    purge_width: u16,
) -> Vec<Cell<'static>> {
    let id = webhook.id.as_str();
    let gone = list.is_gone(id);
    let job = &webhook.job_status;
    let name_style = if gone {
        gone_style()
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    };
    let purge_line = if gone {
        Line::styled(GONE, Style::new().fg(Color::Magenta))
    } else {
        texts.clock.line(purge_width)
    };
    let dim = Style::new().fg(Color::DarkGray);
    let two_lines = |first: Line<'static>, second: &str| {
        Cell::from(Text::from(vec![
            first,
            Line::styled(second.to_owned(), dim),
        ]))
    };

    vec![
        Cell::from(mark_cell(list, webhook, result)),
        two_lines(
            Line::styled(
                texts.name.clone(),
                name_style.patch(changed_style(list, id, deleted_columns::NAME)),
            ),
            &texts.id,
        ),
        two_lines(
            Line::styled(
                texts.reason.clone(),
                changed_style(list, id, deleted_columns::REASON),
            ),
            &texts.by,
        ),
        two_lines(
            Line::styled(
                texts.job.clone(),
                job_style(job.status).patch(changed_style(list, id, deleted_columns::JOB)),
            ),
            &texts.attempts,
        ),
        two_lines(
            Line::styled(
                texts.leads.clone(),
                changed_style(list, id, deleted_columns::LEADS),
            ),
            &texts.rejected,
        ),
        Cell::from(Text::from(vec![
            purge_line,
            Line::styled(
                texts.purge_at.clone(),
                dim.patch(changed_style(list, id, deleted_columns::PURGE)),
            ),
        ])),
    ]
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
            Span::raw(visible_or_dash(deletion.deleted_by.as_deref())),
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
    webhook
        .restorable_until()
        .is_some_and(|until| server_now < until)
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
