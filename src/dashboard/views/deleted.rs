//! Deleted tab: soft-deleted webhooks with their purge countdowns, counted against the
//! server's clock, and a detail panel for the selected one.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget};

use super::{highlight, render_placeholder, render_placeholder_text, view_block};
use crate::api::{DeletedWebhook, JobState, Timestamp};
use crate::dashboard::app::State;
use crate::dashboard::format;
use crate::dashboard::widgets::countdown::PurgeClock;
use crate::dashboard::widgets::text::{clean, clean_or_dash};

/// Width of the purge column: a short bar and up to `999:59:59`.
const PURGE_WIDTH: u16 = 20;

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let view = &state.deleted;
    let title = match &view.data {
        Some(list) => format!(
            "Deleted webhooks · {} · {} restorable",
            list.total_deleted, list.restorable
        ),
        None => "Deleted webhooks".to_owned(),
    };
    let block = view_block(title, view);
    if render_placeholder(view, "", block.clone(), area, buf) {
        return;
    }
    let rows = state.deleted_rows();
    if rows.is_empty() {
        let empty = "Nothing is waiting for purge. Deleted webhooks appear here with a countdown.";
        render_placeholder_text(empty, block, area, buf);
        return;
    }

    let inner_height = area.height.saturating_sub(2);
    let detail_height = if inner_height >= 12 { 3 } else { 0 };
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(detail_height)])
            .areas(block.inner(area));
    block.render(area, buf);

    let server_now = state.server_now();
    let table_rows = rows
        .iter()
        .map(|webhook| row(webhook, state.marks.contains(&webhook.id), server_now));
    let header = Row::new(["", "Webhook", "Reason · by", "Job", "Leads", "Purge in"]).style(
        Style::new()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::BOLD),
    );
    let table = Table::new(
        table_rows,
        [
            Constraint::Length(3),
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
    let mut table_state = TableState::default().with_selected(Some(view.selected));
    StatefulWidget::render(table, table_area, buf, &mut table_state);

    if let Some(selected) = state.selected_deleted() {
        detail(selected).render(detail_area, buf);
    }
}

fn row(webhook: &DeletedWebhook, marked: bool, server_now: Timestamp) -> Row<'static> {
    let deletion = &webhook.deletion;
    let job = &webhook.job_status;
    let clock = PurgeClock::at(
        server_now,
        Some(deletion.deleted_at),
        deletion.scheduled_deletion_at,
        job.status,
    );
    let mark = if marked { "[x]" } else { "[ ]" };
    let attempts = match job.max_attempts {
        Some(max) => format!("try {}/{max}", job.attempts),
        None => format!("tries {}", job.attempts),
    };
    let rejected = webhook
        .stats
        .rejected_leads_since_deletion
        .map_or_else(|| "rej -".to_owned(), |count| format!("rej {count}"));

    Row::new(vec![
        Cell::from(Span::styled(mark, Style::new().fg(Color::Yellow))),
        Cell::from(Text::from(vec![
            Line::styled(
                clean(&webhook.name),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Line::styled(clean(&webhook.id), Style::new().fg(Color::DarkGray)),
        ])),
        Cell::from(Text::from(vec![
            Line::raw(clean_or_dash(deletion.reason.as_deref())),
            Line::styled(
                format!("by {}", clean_or_dash(deletion.deleted_by.as_deref())),
                Style::new().fg(Color::DarkGray),
            ),
        ])),
        Cell::from(Text::from(vec![
            Line::styled(job_label(job.status), job_style(job.status)),
            Line::styled(attempts, Style::new().fg(Color::DarkGray)),
        ])),
        Cell::from(Text::from(vec![
            Line::raw(format!("{} kept", webhook.stats.total_leads)),
            Line::styled(rejected, Style::new().fg(Color::DarkGray)),
        ])),
        Cell::from(Text::from(vec![
            clock.line(PURGE_WIDTH),
            Line::styled(
                format::short_time(deletion.scheduled_deletion_at, server_now),
                Style::new().fg(Color::DarkGray),
            ),
        ])),
    ])
    .height(2)
}

/// Three lines on the selected webhook: id and deletion, full reason, job error.
fn detail(webhook: &DeletedWebhook) -> Paragraph<'static> {
    let deletion = &webhook.deletion;
    let job = &webhook.job_status;
    let dim = Style::new().fg(Color::DarkGray);
    let job_line = match &job.error_message {
        Some(error) => Line::from(vec![
            Span::styled("last error ", dim),
            Span::styled(clean(error), Style::new().fg(Color::Red)),
        ]),
        None => Line::from(vec![
            Span::styled("job ", dim),
            Span::raw(clean_or_dash(deletion.job_id.as_deref())),
            Span::styled(
                if webhook.restoration.can_restore {
                    "  restorable"
                } else {
                    "  not restorable"
                },
                dim,
            ),
        ]),
    };
    Paragraph::new(vec![
        Line::from(vec![
            Span::styled("id ", dim),
            Span::raw(clean(&webhook.id)),
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

fn job_label(state: JobState) -> String {
    match state {
        JobState::DeadLetter => "dead letter".to_owned(),
        other => other.as_str().to_owned(),
    }
}

fn job_style(state: JobState) -> Style {
    match state {
        JobState::Pending => Style::new().fg(Color::Yellow),
        JobState::Processing => Style::new().fg(Color::Magenta),
        JobState::Failed => Style::new().fg(Color::Red),
        JobState::DeadLetter => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        JobState::Completed | JobState::Cancelled | JobState::Unknown => Style::new(),
    }
}
