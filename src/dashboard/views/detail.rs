//! Detail view of one webhook: its configuration, its deletion and deletion job (state,
//! attempts, lease, last error, next retry), its leads, and its audit timeline. The timeline
//! stays readable after the webhook is purged.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Table, Widget};

use super::audit;
use super::deleted::{job_label, job_style};
use super::view_block;
use crate::api::{AuditEvent, JobStatus, Timestamp, WebhookDetail};
use crate::dashboard::app::{DetailView, LoadState, State};
use crate::dashboard::format;
use crate::dashboard::widgets::countdown::PurgeClock;
use crate::dashboard::widgets::text::{clean, clean_or_dash, visible, visible_or_dash};
use crate::dashboard::widgets::wrap::wrap_line;

pub fn render(state: &State, detail: &DetailView, area: Rect, buf: &mut Buffer) {
    let block = view_block(
        format!("Webhook {}", visible(&detail.id)),
        &detail.webhook,
        state,
    );
    let inner = block.inner(area);
    block.render(area, buf);
    let server_now = state.server_now();

    // The facts take at most half the view, so the timeline keeps its rows.
    let max_rows = usize::from(inner.height / 2 + 1);
    let facts = match (&detail.webhook.data, &detail.webhook.load) {
        (Some(webhook), _) => facts(webhook, detail, server_now, inner.width, max_rows),
        (None, LoadState::Failed(error)) => {
            vec![Line::styled(clean(error), Style::new().fg(Color::Magenta))]
        }
        (None, _) => vec![Line::styled("Loading…", Style::new().fg(Color::DarkGray))],
    };
    let facts_height = u16::try_from(facts.len().min(max_rows)).unwrap_or(u16::MAX);
    let [facts_area, timeline_area] =
        Layout::vertical([Constraint::Length(facts_height), Constraint::Fill(1)]).areas(inner);
    Paragraph::new(facts).render(facts_area, buf);
    timeline(state, detail, timeline_area, buf);
}

/// Keeps the first `max_rows` of `rows`. When rows are left out, the last row kept is cut
/// to leave room for a `…` at its end, within `width` columns.
fn cut_rows(mut rows: Vec<Line<'static>>, max_rows: usize, width: u16) -> Vec<Line<'static>> {
    if rows.len() <= max_rows {
        return rows;
    }
    rows.truncate(max_rows);
    if let Some(last) = rows.last_mut() {
        let room = width.saturating_sub(1);
        let mut cut = wrap_line(last, room).swap_remove(0);
        if room == 0 {
            cut = Line::default();
        }
        cut.spans.push(Span::raw("…"));
        *last = cut;
    }
    rows
}

/// Maximum number of rows of the Name line. A 200-character name takes four rows at 80
/// columns, because the label stays alone on the first row when the name has no space.
const MAX_NAME_ROWS: usize = 4;

/// Builds the facts about the webhook in at most `max_rows` rows of `width` columns. The
/// name and the description wrap, and the description gets the rows the other facts leave.
/// A wrapped line that does not fit ends with `…`. The other lines are cut at the border.
fn facts(
    webhook: &WebhookDetail,
    detail: &DetailView,
    server_now: Timestamp,
    width: u16,
    max_rows: usize,
) -> Vec<Line<'static>> {
    let [name, config, about, leads] = config_lines(webhook);
    let mut after_about = vec![leads];
    if webhook.deletion_status.is_deleted {
        after_about.extend(deletion_lines(webhook, detail, server_now));
    } else {
        after_about.push(Line::from(vec![
            label("Deletion"),
            Span::raw("not deleted"),
        ]));
    }
    let mut lines = cut_rows(wrap_line(&name, width), MAX_NAME_ROWS, width);
    lines.push(config);
    let about_rows = max_rows
        .saturating_sub(lines.len() + after_about.len())
        .max(1);
    lines.extend(cut_rows(wrap_line(&about, width), about_rows, width));
    lines.extend(after_about);
    lines
}

fn label(text: &'static str) -> Span<'static> {
    Span::styled(format!("{text:<11}"), Style::new().fg(Color::DarkGray))
}

/// Builds the name, configuration, description and lead count lines.
fn config_lines(webhook: &WebhookDetail) -> [Line<'static>; 4] {
    let dim = Style::new().fg(Color::DarkGray);
    let config = &webhook.config;
    let deletion = &webhook.deletion_status;
    let enabled = match config.enabled {
        Some(true) => "enabled",
        Some(false) => "disabled",
        None => "enabled state not reported",
    };
    [
        Line::from(vec![
            label("Name"),
            Span::styled(
                visible(&config.name),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!("  {}", clean(&webhook.status)), dim),
            Span::raw(format!(" · {enabled}")),
        ]),
        Line::from(vec![
            label("Config"),
            Span::raw(format!(
                "type {} · region {} · category {} · created {}",
                clean(&config.kind),
                clean(&config.region),
                clean(&config.category),
                format::utc_time(config.created_at)
            )),
        ]),
        Line::from(vec![
            label("About"),
            Span::raw(clean_or_dash(config.description.as_deref())),
        ]),
        Line::from(vec![
            label("Leads"),
            Span::raw(format!("{} preserved", config.total_leads)),
            Span::raw(match webhook.rejected_leads_since_deletion {
                Some(count) => format!(" · {count} rejected since deletion"),
                None if deletion.is_deleted => " · rejections not reported".to_owned(),
                None => String::new(),
            }),
        ]),
    ]
}

/// Builds the deletion, purge countdown, job and last error lines of a soft-deleted webhook.
fn deletion_lines(
    webhook: &WebhookDetail,
    detail: &DetailView,
    server_now: Timestamp,
) -> Vec<Line<'static>> {
    let dim = Style::new().fg(Color::DarkGray);
    let deletion = &webhook.deletion_status;
    let mut lines = Vec::new();
    lines.push(Line::from(vec![
        label("Deleted"),
        Span::raw(format!(
            "{} by {} · reason {}",
            deletion
                .deleted_at
                .map_or_else(|| "-".to_owned(), format::utc_time),
            visible_or_dash(deletion.deleted_by.as_deref()),
            clean_or_dash(deletion.deletion_reason.as_deref())
        )),
    ]));
    if let Some(scheduled) = deletion.scheduled_deletion_at {
        let status = webhook
            .job
            .as_ref()
            .map_or(crate::api::JobState::Unknown, |job| job.status);
        let clock = PurgeClock::at(server_now, deletion.deleted_at, scheduled, status);
        let mut spans = vec![label("Purge")];
        spans.extend(clock.line(30).spans);
        let restorable = if deletion.can_restore && server_now < scheduled {
            "restorable"
        } else {
            "not restorable"
        };
        spans.push(Span::styled(
            format!("  at {} · {restorable}", format::utc_time(scheduled)),
            dim,
        ));
        lines.push(Line::from(spans));
    }
    lines.push(job_line(webhook.job.as_ref(), detail, server_now));
    if let Some(error) = webhook
        .job
        .as_ref()
        .and_then(|job| job.error_message.as_deref())
    {
        lines.push(Line::from(vec![
            label("Last error"),
            Span::styled(clean(error), Style::new().fg(Color::Red)),
        ]));
    }
    lines
}

fn job_line(job: Option<&JobStatus>, detail: &DetailView, server_now: Timestamp) -> Line<'static> {
    let dim = Style::new().fg(Color::DarkGray);
    let mut spans = vec![Span::styled(format!("{:<11}", "Job"), dim)];
    let Some(job) = job else {
        spans.push(Span::raw(clean_or_dash(
            detail.job.as_ref().map(|job| job.id.as_str()),
        )));
        return Line::from(spans);
    };
    spans.push(Span::styled(job_label(job.status), job_style(job.status)));
    let attempts = match job.max_attempts {
        Some(max) => format!(" · attempt {}/{max}", job.attempts),
        None => format!(" · {} attempts", job.attempts),
    };
    spans.push(Span::raw(attempts));
    let lease = detail
        .job
        .as_ref()
        .and_then(|record| record.lease_expires_at)
        .map_or_else(
            || " · no lease".to_owned(),
            |until| {
                let left = server_now.until(until);
                if left > chrono::Duration::zero() {
                    format!(" · lease {} left", format::countdown(left))
                } else {
                    " · lease expired".to_owned()
                }
            },
        );
    spans.push(Span::raw(lease));
    if let Some(next) = job.next_attempt_at {
        spans.push(Span::raw(format!(
            " · next retry {}",
            format::short_time(next, server_now)
        )));
    }
    Line::from(spans)
}

fn timeline(state: &State, detail: &DetailView, area: Rect, buf: &mut Buffer) {
    let block = Block::bordered()
        .border_type(BorderType::Plain)
        .border_style(Style::new().fg(Color::DarkGray))
        .title(" Audit timeline, newest first ");
    let events = match (&detail.audit.data, &detail.audit.load) {
        (Some(page), _) => &page.events,
        (None, LoadState::NotProvided) => {
            Paragraph::new(audit::NOT_PROVIDED)
                .block(block)
                .render(area, buf);
            return;
        }
        (None, LoadState::Failed(error)) => {
            Paragraph::new(format!("Could not load: {}", clean(error)))
                .block(block)
                .render(area, buf);
            return;
        }
        (None, _) => {
            Paragraph::new("Loading…").block(block).render(area, buf);
            return;
        }
    };
    let server_now = state.server_now();
    let visible = usize::from(area.height.saturating_sub(3));
    let shown: Vec<&AuditEvent> = events.iter().skip(detail.scroll).take(visible).collect();
    let titles = audit::TITLES.map(str::to_owned).to_vec();
    let (rows, header, widths) =
        audit::table_parts(&shown, titles, server_now, area.width.saturating_sub(2));
    Table::new(rows, widths)
        .header(header)
        .block(block)
        .render(area, buf);
}
