//! Queue tab: deletion jobs by state, the next due job, and the jobs that need attention,
//! dead letters first with their errors.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget};

use super::{highlight, render_placeholder, render_placeholder_text, view_block};
use crate::api::JobState;
use crate::dashboard::app::State;
use crate::dashboard::format;
use crate::dashboard::widgets::text::clean;

/// Text drawn when the server lacks the queue extension.
pub const NOT_PROVIDED: &str = "This server does not provide the queue extension, so job \
    states and dead letters cannot be shown. Active and Deleted work as usual.";

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let view = &state.queue;
    let block = view_block("Deletion queue".to_owned(), view);
    if state.capabilities.is_none() && view.data.is_none() {
        render_placeholder_text("Checking what this server provides…", block, area, buf);
        return;
    }
    if render_placeholder(view, NOT_PROVIDED, block.clone(), area, buf) {
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
        let style = if count > 0 && job_state == JobState::DeadLetter {
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
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
        Style::new().fg(Color::Magenta)
    } else {
        Style::new()
    };
    Paragraph::new(vec![
        Line::from(counts),
        Line::from(vec![
            Span::styled(format!("overdue {}", summary.overdue), overdue_style),
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
    let rows = data.jobs.iter().map(|job| {
        let due = job.next_attempt_at.unwrap_or(job.execute_at);
        let style = match job.state {
            JobState::DeadLetter | JobState::Failed => Style::new().fg(Color::Red),
            JobState::Processing => Style::new().fg(Color::Magenta),
            _ => Style::new(),
        };
        Row::new(vec![
            Cell::from(Span::styled(job.state.to_string(), style)),
            Cell::from(clean(&job.webhook_name)),
            Cell::from(format!("{}/{}", job.attempts, job.max_attempts)),
            Cell::from(format::short_time(due, server_now)),
            Cell::from(Span::styled(
                job.last_error.as_deref().map(clean).unwrap_or_default(),
                Style::new().fg(Color::Red),
            )),
        ])
    });
    let header = Row::new(["State", "Webhook", "Tries", "Due", "Last error"]).style(
        Style::new()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::BOLD),
    );
    let table = Table::new(
        rows,
        [
            Constraint::Length(11),
            Constraint::Fill(1),
            Constraint::Length(5),
            Constraint::Length(12),
            Constraint::Fill(2),
        ],
    )
    .header(header)
    .row_highlight_style(highlight())
    .highlight_symbol(">");
    let mut table_state = TableState::default().with_selected(Some(view.selected));
    StatefulWidget::render(table, jobs_area, buf, &mut table_state);
}
