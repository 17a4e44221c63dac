//! Queue tab: deletion jobs by state, the next due job, and the jobs that need attention,
//! dead letters first with their errors. Live jobs past their due time are flagged overdue.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Widget};

use super::deleted::job_style;
use super::{
    changed_style, filtered_out, header_row, mark_cell, render_placeholder, render_table,
    view_block, window,
};
use crate::api::{JobRecord, JobState, Timestamp};
use crate::dashboard::app::lists::{job_columns, job_due_at, ListRow, ListState};
use crate::dashboard::app::{RowResult, State};
use crate::dashboard::format;
use crate::dashboard::widgets::columns::{allocate, name_min, pick, widest, Column};
use crate::dashboard::widgets::text::{clean, visible};

/// Text drawn when the server lacks the queue extension.
pub const NOT_PROVIDED: &str = "This server does not provide the queue extension, so job \
    states and dead letters cannot be shown. Active and Deleted work as usual.";

/// Returns the table rows that fit in a body of `height` rows.
pub fn table_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(2).saturating_sub(2).saturating_sub(1))
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let view = &state.queue;
    let block = view_block("Deletion queue".to_owned(), view, state);
    if render_placeholder(state, view, Some(NOT_PROVIDED), block.clone(), area, buf) {
        return;
    }
    let Some(data) = &view.data else {
        return;
    };
    let [summary_area, jobs_area] =
        Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(block.inner(area));
    block.render(area, buf);

    let server_now = state.server_now();
    let summary = &data.summary;
    let mut counts = Vec::new();
    for job_state in JobState::ALL {
        let count = summary.counts.get(&job_state).copied().unwrap_or(0);
        let style = if count > 0 {
            job_style(job_state)
        } else {
            Style::new().fg(Color::DarkGray)
        };
        counts.push(Span::styled(format!("{job_state} {count}  "), style));
    }
    let next_due = match summary.next_due_at {
        Some(at) => {
            let left = server_now.until(at);
            if left > chrono::Duration::zero() {
                format!(
                    "next due {} (in {})",
                    format::utc_time(at),
                    format::countdown(left)
                )
            } else {
                format!("next due {} (due now)", format::utc_time(at))
            }
        }
        None => "no live jobs".to_owned(),
    };
    let overdue_style = if summary.overdue > 0 {
        Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD)
    } else {
        Style::new()
    };
    Paragraph::new(vec![
        Line::from(counts),
        Line::from(vec![
            Span::styled(
                format!("overdue {} (past due, not done)", summary.overdue),
                overdue_style,
            ),
            Span::raw(format!(" · {next_due}")),
        ]),
    ])
    .render(summary_area, buf);

    if data.jobs.is_empty() {
        Paragraph::new(Line::styled(
            "No dead-lettered, failed, processing or pending jobs.",
            Style::new().fg(Color::DarkGray),
        ))
        .render(jobs_area, buf);
        return;
    }
    if view.list.order.is_empty() {
        Paragraph::new(Line::styled(
            filtered_out(state, &view.list, data.jobs.len(), JobRecord::HAS_DUE_TIMES),
            Style::new().fg(Color::DarkGray),
        ))
        .render(jobs_area, buf);
        return;
    }
    let shown = window(view, usize::from(jobs_area.height.saturating_sub(1)));
    let lines: Vec<[Line<'static>; 6]> = shown
        .rows
        .iter()
        .map(|(_, job)| row(&view.list, job, state.row_results.get(&job.id), server_now))
        .collect();
    let titles = ["", "State", "Webhook", "Tries", "Due", "Last error"];
    let wide = |column: usize| widest(titles[column], &lines, |cells| cells[column].width());
    let specs = [
        Column::kept(4, 4),
        Column::optional(1, wide(1), wide(1)),
        Column::kept(name_min(8, wide(2)), wide(2)).growing(),
        Column::optional(3, wide(3), wide(3)),
        Column::optional(2, wide(4), wide(4)),
        Column::optional(4, 8, wide(5)).growing(),
    ];
    // The highlight symbol takes one column left of the table.
    let widths = allocate(&specs, jobs_area.width.saturating_sub(1), 1);
    let rows = lines
        .into_iter()
        .map(|cells| Row::new(pick(cells.map(Cell::from), &widths)));
    let sorts = [None, Some(1), Some(2), Some(3), Some(0), None];
    let header = header_row(&titles, &sorts, &view.list);
    render_table(rows, header, &widths, shown.cursor, jobs_area, buf);
}

fn row(
    list: &ListState,
    job: &JobRecord,
    result: Option<&RowResult>,
    server_now: Timestamp,
) -> [Line<'static>; 6] {
    let id = job.id.as_str();
    let due = job_due_at(job);
    let overdue = job.state.is_live() && server_now.until(due) <= chrono::Duration::zero();
    let due_cell = if overdue {
        Span::styled(
            format!(
                "overdue {}",
                format::ago(due.until(server_now)).replace(" ago", "")
            ),
            Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
        )
    } else {
        Span::raw(format::short_time(due, server_now))
    };
    let error = match result {
        Some(result) => result.message.clone(),
        None => job.last_error.as_deref().map(clean).unwrap_or_default(),
    };
    [
        mark_cell(list, job, result),
        Line::styled(
            job.state.to_string(),
            job_style(job.state).patch(changed_style(list, id, job_columns::STATE)),
        ),
        Line::raw(visible(&job.webhook_name)),
        Line::styled(
            format!("{}/{}", job.attempts, job.max_attempts),
            changed_style(list, id, job_columns::ATTEMPTS),
        ),
        Line::from(due_cell.patch_style(changed_style(list, id, job_columns::DUE))),
        Line::styled(
            error,
            Style::new()
                .fg(Color::Red)
                .patch(changed_style(list, id, job_columns::ERROR)),
        ),
    ]
}
