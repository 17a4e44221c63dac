//! Row lists: filter, sort, cursor, scroll offset, marks, changed values, and rows that
//! vanished from the server while an operator was working on them.
//!
//! A list never copies its rows. It keeps `order`, the indices of the rows that the filter
//! lets through in sort order, so a screen of 100,000 rows builds only the visible window.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap, HashSet};

use crate::api::{AuditEvent, DeletedWebhook, JobRecord, Timestamp, WebhookSummary};
use crate::dashboard::widgets::text::clean;

/// A row type that a list can filter, sort and compare across polls.
pub trait ListRow: Clone {
    /// Column names that `s` cycles through, in order.
    const SORT_COLUMNS: &'static [&'static str];

    /// Returns the stable identity of the row: a webhook id, job id or audit event id.
    fn row_id(&self) -> Cow<'_, str>;

    /// Builds the lowercased text that `/` searches: id, name, type, reason and user.
    fn search_text(&self) -> String;

    /// Whether rows of this type have a due time, so that time-left filters can match them.
    const HAS_DUE_TIMES: bool = false;

    /// Returns the time the row counts down to, for time-left filters such as `<10m`.
    fn due_at(&self) -> Option<Timestamp> {
        None
    }

    /// Returns the time until which a restore can succeed, for a row the server reported as
    /// restorable.
    fn restorable_until(&self) -> Option<Timestamp> {
        None
    }

    /// Returns a bit mask of the drawn columns whose values differ from `old`.
    fn changed_columns(&self, old: &Self) -> u32;

    /// Compares two rows by the sort column with index `column` in [`ListRow::SORT_COLUMNS`].
    fn compare_by(&self, other: &Self, column: usize) -> Ordering;
}

/// Every column bit set: a row that is new since the last poll.
pub const ALL_COLUMNS: u32 = u32::MAX;

/// Sort column and direction. `column: None` keeps the server's order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sort {
    pub column: Option<usize>,
    pub descending: bool,
}

/// The text typed after `/`, parsed into terms that must all match.
///
/// A term is a case-insensitive substring, `<DURATION` or `>DURATION` (time left below or
/// above, such as `<10m`), or `overdue`. A leading `!` inverts the whole filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Text(String),
    LeftBelow(chrono::Duration),
    LeftAbove(chrono::Duration),
    Overdue,
}

impl Filter {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.trim().trim_start_matches('!').trim().is_empty()
    }

    /// Returns a hint for the first word that starts like a time-left filter but has no
    /// valid duration, such as `<abc` or `>10`. Such a word is matched as plain text.
    pub fn problem(&self) -> Option<String> {
        let trimmed = self.text.trim();
        let body = trimmed.strip_prefix('!').unwrap_or(trimmed);
        let word = body.split_whitespace().find(|word| {
            let is_time = word.starts_with(['<', '>']);
            is_time && matches!(parse_term(word), Term::Text(_))
        })?;
        Some(format!(
            "'{}' is not a valid time-left filter (matched as text): use <10m or >2h, a \
             whole number and a unit ms, s, m, h or d",
            clean(word)
        ))
    }

    /// Returns whether the filter depends on the clock, so it must be re-applied every tick.
    pub fn uses_time(&self) -> bool {
        self.terms()
            .1
            .iter()
            .any(|term| !matches!(term, Term::Text(_)))
    }

    fn terms(&self) -> (bool, Vec<Term>) {
        let trimmed = self.text.trim();
        let (inverted, body) = match trimmed.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let terms = body.split_whitespace().map(parse_term).collect();
        (inverted, terms)
    }

    fn matches(&self, search: &str, due_at: Option<Timestamp>, now: Timestamp) -> bool {
        let (inverted, terms) = self.terms();
        let all = terms.iter().all(|term| match (term, due_at) {
            (Term::Text(text), _) => search.contains(text.as_str()),
            (Term::LeftBelow(limit), Some(due)) => now.until(due) < *limit,
            (Term::LeftAbove(limit), Some(due)) => now.until(due) > *limit,
            (Term::Overdue, Some(due)) => now.until(due) <= chrono::Duration::zero(),
            (Term::Overdue, None) => search.contains("overdue"),
            (Term::LeftBelow(_) | Term::LeftAbove(_), None) => false,
        });
        all != inverted
    }
}

fn parse_term(word: &str) -> Term {
    let lower = word.to_lowercase();
    if lower == "overdue" {
        return Term::Overdue;
    }
    let duration = |text: &str| {
        crate::cli::parse_duration(text)
            .ok()
            .and_then(|duration| chrono::Duration::from_std(duration).ok())
    };
    if let Some(limit) = lower.strip_prefix('<').and_then(duration) {
        return Term::LeftBelow(limit);
    }
    if let Some(limit) = lower.strip_prefix('>').and_then(duration) {
        return Term::LeftAbove(limit);
    }
    Term::Text(lower)
}

/// Cursor, order, filter, sort and marks of one list of rows.
#[derive(Debug, Clone, Default)]
pub struct ListState {
    /// Indices of the rows that pass the filter, in display order.
    pub order: Vec<usize>,
    /// Position of the cursor in `order`.
    pub cursor: usize,
    /// First position of `order` drawn. The view scrolls further when the cursor is off screen.
    pub offset: usize,
    pub filter: Filter,
    pub sort: Sort,
    /// Ids of marked rows, for bulk actions.
    pub marks: BTreeSet<String>,
    /// Id of the row last marked with space, where a ctrl-space range starts.
    pub anchor: Option<String>,
    /// Ids of rows the server no longer lists, kept on screen while marks or a dialog exist.
    pub gone: BTreeSet<String>,
    /// Changed columns of each row since the previous poll, as [`ListRow::changed_columns`].
    pub changed: HashMap<String, u32>,
    /// Lowercased search text of each row, built once per poll.
    search: Vec<String>,
    /// [`ListRow::restorable_until`] of the listed rows, sorted, built once per poll, so
    /// that a frame counts the rows still restorable without reading every row.
    restorable_until: Vec<Timestamp>,
}

impl ListState {
    /// Returns the row index under the cursor.
    pub fn cursor_row(&self) -> Option<usize> {
        self.order.get(self.cursor).copied()
    }

    /// Number of rows that the filter hides.
    pub fn hidden_count(&self, total: usize) -> usize {
        total.saturating_sub(self.order.len())
    }

    pub fn is_gone(&self, id: &str) -> bool {
        self.gone.contains(id)
    }

    /// Counts the listed rows whose restore can still succeed at `now`.
    pub fn restorable_at(&self, now: Timestamp) -> usize {
        let passed = self.restorable_until.partition_point(|until| *until <= now);
        self.restorable_until.len() - passed
    }

    /// Replaces `rows` with a new poll result and returns the rows to keep: the new ones,
    /// plus copies of vanished rows that are marked or under the cursor when `keep_identity`
    /// is set. The cursor stays on the same row id when that row is still listed.
    pub fn apply_poll<R: ListRow>(
        &mut self,
        old: &[R],
        mut new: Vec<R>,
        keep_identity: bool,
        now: Timestamp,
    ) -> Vec<R> {
        let cursor_id = self
            .cursor_row()
            .and_then(|index| old.get(index))
            .map(|row| row.row_id().into_owned());
        let listed: HashSet<String> = new.iter().map(|row| row.row_id().into_owned()).collect();

        self.changed.clear();
        if !old.is_empty() {
            let previous: HashMap<Cow<'_, str>, &R> =
                old.iter().map(|row| (row.row_id(), row)).collect();
            for row in &new {
                let id = row.row_id();
                let mask = match previous.get(&id) {
                    Some(before) if !self.gone.contains(id.as_ref()) => row.changed_columns(before),
                    _ => ALL_COLUMNS,
                };
                if mask != 0 {
                    self.changed.insert(id.into_owned(), mask);
                }
            }
        }

        self.gone.retain(|id| !listed.contains(id));
        if keep_identity {
            for row in old {
                let id = row.row_id();
                if listed.contains(id.as_ref()) {
                    continue;
                }
                let keep = self.marks.contains(id.as_ref())
                    || cursor_id.as_deref() == Some(id.as_ref())
                    || self.gone.contains(id.as_ref());
                if keep {
                    self.gone.insert(id.into_owned());
                    new.push(row.clone());
                }
            }
        } else {
            self.gone.clear();
            self.marks.retain(|id| listed.contains(id));
        }
        self.rebuild(&new, now, cursor_id.as_deref());
        new
    }

    /// Rebuilds the search text, then the order. Call after the rows themselves changed.
    pub fn rebuild<R: ListRow>(&mut self, rows: &[R], now: Timestamp, keep_id: Option<&str>) {
        self.search = rows.iter().map(ListRow::search_text).collect();
        self.restorable_until = rows
            .iter()
            .filter(|row| !self.gone.contains(row.row_id().as_ref()))
            .filter_map(ListRow::restorable_until)
            .collect();
        self.restorable_until.sort_unstable();
        self.reorder(rows, now, keep_id);
    }

    /// Re-applies filter and sort to the same rows, keeping the cursor on `keep_id` if it
    /// still passes the filter, else at the same position.
    pub fn reorder<R: ListRow>(&mut self, rows: &[R], now: Timestamp, keep_id: Option<&str>) {
        if self.search.len() != rows.len() {
            self.search = rows.iter().map(ListRow::search_text).collect();
        }
        let mut order: Vec<usize> = if self.filter.is_empty() {
            (0..rows.len()).collect()
        } else {
            (0..rows.len())
                .filter(|&index| {
                    self.filter
                        .matches(&self.search[index], rows[index].due_at(), now)
                })
                .collect()
        };
        if let Some(column) = self.sort.column {
            let descending = self.sort.descending;
            order.sort_by(|&a, &b| {
                let ordering = rows[a].compare_by(&rows[b], column);
                if descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            });
        }
        self.order = order;
        let found = keep_id.and_then(|id| {
            self.order
                .iter()
                .position(|&index| rows[index].row_id() == id)
        });
        self.cursor = found.unwrap_or_else(|| clamp_index(self.cursor, self.order.len()));
        self.offset = self.offset.min(self.cursor);
    }

    /// Moves the cursor by `delta` positions, clamped to the list.
    pub fn move_cursor(&mut self, delta: isize) {
        self.cursor = step_index(self.cursor, delta, self.order.len());
        self.offset = self.offset.min(self.cursor);
    }

    /// Scrolls so the cursor is inside a window of `rows` positions, and so the window
    /// has no blank rows that a row of the list could fill.
    pub fn scroll_into_view(&mut self, rows: usize) {
        self.offset = visible_start(self.offset, self.cursor, rows, self.order.len());
    }

    /// Marks or unmarks the row under the cursor and makes it the range anchor.
    pub fn toggle_mark<R: ListRow>(&mut self, rows: &[R]) {
        let Some(id) = self.cursor_id(rows) else {
            return;
        };
        if !self.marks.remove(&id) {
            self.marks.insert(id.clone());
        }
        self.anchor = Some(id);
    }

    /// Marks every shown row between the anchor and the cursor, both included. Without a
    /// visible anchor it marks the cursor row only.
    pub fn mark_range<R: ListRow>(&mut self, rows: &[R]) {
        let anchor = self.anchor.as_deref().and_then(|id| {
            self.order
                .iter()
                .position(|&index| rows[index].row_id() == id)
        });
        let (start, end) = match anchor {
            Some(anchor) => (anchor.min(self.cursor), anchor.max(self.cursor)),
            None => (self.cursor, self.cursor),
        };
        for &index in self.order.iter().take(end + 1).skip(start) {
            self.marks.insert(rows[index].row_id().into_owned());
        }
        self.anchor = self.cursor_id(rows);
    }

    /// Marks every row that the filter shows.
    pub fn mark_all_shown<R: ListRow>(&mut self, rows: &[R]) {
        for &index in &self.order {
            self.marks.insert(rows[index].row_id().into_owned());
        }
    }

    pub fn clear_marks(&mut self) {
        self.marks.clear();
        self.anchor = None;
    }

    fn cursor_id<R: ListRow>(&self, rows: &[R]) -> Option<String> {
        self.cursor_row()
            .and_then(|index| rows.get(index))
            .map(|row| row.row_id().into_owned())
    }
}

/// Returns the first drawn position of a window of `rows` positions over a list of `len`
/// positions. The window always contains `cursor`, starts at `offset` when it can, and
/// starts earlier when the list ends before the window does, such as after a filter shrank
/// the list below a scrolled `offset`.
pub fn visible_start(offset: usize, cursor: usize, rows: usize, len: usize) -> usize {
    if rows == 0 {
        return cursor;
    }
    let start = if cursor < offset {
        cursor
    } else if cursor >= offset + rows {
        cursor + 1 - rows
    } else {
        offset
    };
    // The cursor is below `len`, so it stays inside a window that ends at the list's end.
    start.min(len.saturating_sub(rows))
}

pub fn clamp_index(index: usize, len: usize) -> usize {
    index.min(len.saturating_sub(1))
}

pub fn step_index(index: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let moved = if delta >= 0 {
        index.saturating_add(delta.unsigned_abs())
    } else {
        index.saturating_sub(delta.unsigned_abs())
    };
    clamp_index(moved, len)
}

fn lower_join(parts: &[&str]) -> String {
    let mut text = String::new();
    for part in parts {
        text.push_str(&clean(part).to_lowercase());
        text.push('\u{1f}');
    }
    text
}

fn bit(changed: bool, column: u32) -> u32 {
    if changed {
        1 << column
    } else {
        0
    }
}

/// Column bits of the Active table.
pub mod active_columns {
    pub const NAME: u32 = 1;
    pub const ENABLED: u32 = 4;
    pub const LEADS: u32 = 5;
    pub const LAST_LEAD: u32 = 6;
}

impl ListRow for WebhookSummary {
    const SORT_COLUMNS: &'static [&'static str] = &[
        "name",
        "id",
        "type",
        "region",
        "enabled",
        "leads",
        "last lead",
        "created",
    ];

    fn row_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }

    fn search_text(&self) -> String {
        lower_join(&[
            &self.id,
            &self.name,
            &self.kind,
            &self.region,
            &self.category,
        ])
    }

    fn changed_columns(&self, old: &Self) -> u32 {
        use active_columns::*;
        bit(self.name != old.name, NAME)
            | bit(self.enabled != old.enabled, ENABLED)
            | bit(self.total_leads != old.total_leads, LEADS)
            | bit(self.last_lead_at != old.last_lead_at, LAST_LEAD)
    }

    fn compare_by(&self, other: &Self, column: usize) -> Ordering {
        match column {
            0 => self.name.cmp(&other.name),
            1 => self.id.cmp(&other.id),
            2 => self.kind.cmp(&other.kind),
            3 => self.region.cmp(&other.region),
            4 => self.enabled.cmp(&other.enabled),
            5 => self.total_leads.cmp(&other.total_leads),
            6 => self.last_lead_at.cmp(&other.last_lead_at),
            _ => self.created_at.cmp(&other.created_at),
        }
    }
}

/// Column bits of the Deleted table.
pub mod deleted_columns {
    pub const NAME: u32 = 1;
    pub const REASON: u32 = 2;
    pub const JOB: u32 = 3;
    pub const LEADS: u32 = 4;
    pub const PURGE: u32 = 5;
}

impl ListRow for DeletedWebhook {
    const HAS_DUE_TIMES: bool = true;
    const SORT_COLUMNS: &'static [&'static str] = &[
        "time left",
        "name",
        "id",
        "reason",
        "deleted by",
        "job",
        "leads",
    ];

    fn row_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }

    fn search_text(&self) -> String {
        lower_join(&[
            &self.id,
            &self.name,
            &self.kind,
            self.deletion.reason.as_deref().unwrap_or(""),
            self.deletion.deleted_by.as_deref().unwrap_or(""),
            self.job_status.status.as_str(),
        ])
    }

    fn due_at(&self) -> Option<Timestamp> {
        Some(self.deletion.scheduled_deletion_at)
    }

    fn restorable_until(&self) -> Option<Timestamp> {
        self.restoration
            .can_restore
            .then_some(self.deletion.scheduled_deletion_at)
    }

    fn changed_columns(&self, old: &Self) -> u32 {
        use deleted_columns::*;
        let job = &self.job_status;
        let old_job = &old.job_status;
        bit(self.name != old.name, NAME)
            | bit(self.deletion.reason != old.deletion.reason, REASON)
            | bit(
                job.status != old_job.status
                    || job.attempts != old_job.attempts
                    || job.error_message != old_job.error_message,
                JOB,
            )
            | bit(
                self.stats.total_leads != old.stats.total_leads
                    || self.stats.rejected_leads_since_deletion
                        != old.stats.rejected_leads_since_deletion,
                LEADS,
            )
            | bit(
                self.deletion.scheduled_deletion_at != old.deletion.scheduled_deletion_at
                    || self.restoration.can_restore != old.restoration.can_restore,
                PURGE,
            )
    }

    fn compare_by(&self, other: &Self, column: usize) -> Ordering {
        match column {
            0 => self
                .deletion
                .scheduled_deletion_at
                .cmp(&other.deletion.scheduled_deletion_at),
            1 => self.name.cmp(&other.name),
            2 => self.id.cmp(&other.id),
            3 => self.deletion.reason.cmp(&other.deletion.reason),
            4 => self.deletion.deleted_by.cmp(&other.deletion.deleted_by),
            5 => self.job_status.status.cmp(&other.job_status.status),
            _ => self.stats.total_leads.cmp(&other.stats.total_leads),
        }
    }
}

/// Column bits of the Queue table.
pub mod job_columns {
    pub const STATE: u32 = 1;
    pub const ATTEMPTS: u32 = 3;
    pub const DUE: u32 = 4;
    pub const ERROR: u32 = 5;
}

/// Returns when a job runs next: its retry time after a failure, else its execute time.
pub fn job_due_at(job: &JobRecord) -> Timestamp {
    job.next_attempt_at.unwrap_or(job.execute_at)
}

impl ListRow for JobRecord {
    const HAS_DUE_TIMES: bool = true;
    const SORT_COLUMNS: &'static [&'static str] = &["due", "state", "webhook", "attempts"];

    fn row_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }

    fn search_text(&self) -> String {
        lower_join(&[
            &self.id,
            &self.webhook_id,
            &self.webhook_name,
            self.state.as_str(),
            self.last_error.as_deref().unwrap_or(""),
        ])
    }

    fn due_at(&self) -> Option<Timestamp> {
        Some(job_due_at(self))
    }

    fn changed_columns(&self, old: &Self) -> u32 {
        use job_columns::*;
        bit(self.state != old.state, STATE)
            | bit(self.attempts != old.attempts, ATTEMPTS)
            | bit(job_due_at(self) != job_due_at(old), DUE)
            | bit(self.last_error != old.last_error, ERROR)
    }

    fn compare_by(&self, other: &Self, column: usize) -> Ordering {
        match column {
            0 => job_due_at(self).cmp(&job_due_at(other)),
            1 => self.state.cmp(&other.state),
            2 => self.webhook_name.cmp(&other.webhook_name),
            _ => self.attempts.cmp(&other.attempts),
        }
    }
}

/// Returns the token name of a token event (`token_created`, `token_revoked`), which belongs
/// to no webhook, from its `details.token_name`. `None` for other events and for a token
/// event whose details lack the name.
pub fn token_name(event: &AuditEvent) -> Option<&str> {
    if !event.event_type.starts_with("token_") {
        return None;
    }
    event
        .details
        .get("token_name")
        .and_then(serde_json::Value::as_str)
        .filter(|name| !name.is_empty())
}

/// Returns what a token event is about, for sorting next to webhook names: its token name,
/// else the webhook name.
fn audit_subject(event: &AuditEvent) -> &str {
    token_name(event).unwrap_or(&event.webhook_name)
}

impl ListRow for AuditEvent {
    const SORT_COLUMNS: &'static [&'static str] = &["time", "event", "webhook", "actor"];

    fn row_id(&self) -> Cow<'_, str> {
        Cow::Owned(self.id.to_string())
    }

    fn search_text(&self) -> String {
        lower_join(&[
            &self.webhook_id,
            &self.webhook_name,
            token_name(self).unwrap_or(""),
            &self.event_type,
            self.reason.as_deref().unwrap_or(""),
            &self.actor,
        ])
    }

    fn changed_columns(&self, old: &Self) -> u32 {
        bit(self != old, 0)
    }

    fn compare_by(&self, other: &Self, column: usize) -> Ordering {
        match column {
            0 => self.created_at.cmp(&other.created_at),
            1 => self.event_type.cmp(&other.event_type),
            2 => audit_subject(self).cmp(audit_subject(other)),
            _ => self.actor.cmp(&other.actor),
        }
    }
}
