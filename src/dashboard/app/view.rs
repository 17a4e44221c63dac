//! Per-view data and the schedule and clock that the update function keeps.

use std::time::Duration;

use super::lists::{ListRow, ListState};
use super::MAX_BACKOFF;
use crate::api::{
    AuditEvent, AuditPage, DeletedList, DeletedWebhook, JobRecord, QueueSummary, Timestamp,
    WebhookList, WebhookSummary,
};
use crate::client::{ApiError, Conditional};
use crate::dashboard::widgets::text::clean;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Active,
    Deleted,
    Queue,
    Audit,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Active, Tab::Deleted, Tab::Queue, Tab::Audit];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Active => "Active",
            Tab::Deleted => "Deleted",
            Tab::Queue => "Queue",
            Tab::Audit => "Audit",
        }
    }

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|tab| *tab == self).unwrap_or(0)
    }

    pub fn next(self) -> Self {
        Self::ALL[(self.index() + 1) % Self::ALL.len()]
    }

    pub fn previous(self) -> Self {
        Self::ALL[(self.index() + Self::ALL.len() - 1) % Self::ALL.len()]
    }
}

/// Outcome of the latest fetch of a view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadState {
    /// No fetch has finished yet.
    Loading,
    Loaded,
    /// The last fetch failed with this message. Earlier data, if any, is kept and shown as
    /// stale.
    Failed(String),
    /// The server lacks the extension behind this view.
    NotProvided,
}

/// The last good data of one view and the outcome of its latest fetch. A failed fetch never
/// clears `data`.
#[derive(Debug, Clone)]
pub struct View<T> {
    pub data: Option<T>,
    pub load: LoadState,
    /// Local time of the last successful fetch.
    pub updated_at: Option<Timestamp>,
    /// Cursor, filter, sort and marks of the rows.
    pub list: ListState,
}

impl<T> Default for View<T> {
    fn default() -> Self {
        Self {
            data: None,
            load: LoadState::Loading,
            updated_at: None,
            list: ListState::default(),
        }
    }
}

impl<T> View<T> {
    /// Returns whether the view shows data from before a failed fetch.
    pub fn is_stale(&self) -> bool {
        self.data.is_some() && matches!(self.load, LoadState::Failed(_))
    }

    pub(super) fn mark_loaded(&mut self, now: Timestamp) {
        self.load = LoadState::Loaded;
        self.updated_at = Some(now);
    }

    pub(super) fn fail(&mut self, error: &ApiError) {
        self.load = match error {
            ApiError::ExtensionMissing { .. } => LoadState::NotProvided,
            other => LoadState::Failed(clean(&other.to_string())),
        };
    }

    /// Marks the view as not updated for `reason`, keeping its data as stale. A view whose
    /// extension the server lacks stays [`LoadState::NotProvided`].
    pub(super) fn fail_with(&mut self, reason: &str) {
        if self.load != LoadState::NotProvided {
            self.load = LoadState::Failed(clean(reason));
        }
    }
}

/// Data whose rows a list shows.
pub trait Rows {
    type Row: ListRow;

    fn rows(&self) -> &[Self::Row];

    fn rows_mut(&mut self) -> &mut Vec<Self::Row>;
}

impl Rows for WebhookList {
    type Row = WebhookSummary;

    fn rows(&self) -> &[WebhookSummary] {
        &self.webhooks
    }

    fn rows_mut(&mut self) -> &mut Vec<WebhookSummary> {
        &mut self.webhooks
    }
}

impl Rows for DeletedList {
    type Row = DeletedWebhook;

    fn rows(&self) -> &[DeletedWebhook] {
        &self.webhooks
    }

    fn rows_mut(&mut self) -> &mut Vec<DeletedWebhook> {
        &mut self.webhooks
    }
}

impl Rows for QueueData {
    type Row = JobRecord;

    fn rows(&self) -> &[JobRecord] {
        &self.jobs
    }

    fn rows_mut(&mut self) -> &mut Vec<JobRecord> {
        &mut self.jobs
    }
}

impl Rows for AuditPage {
    type Row = AuditEvent;

    fn rows(&self) -> &[AuditEvent] {
        &self.events
    }

    fn rows_mut(&mut self) -> &mut Vec<AuditEvent> {
        &mut self.events
    }
}

impl<T: Rows> View<T> {
    /// Returns every row, including rows kept after they vanished from the server.
    pub fn rows(&self) -> &[T::Row] {
        self.data.as_ref().map_or(&[], Rows::rows)
    }

    /// Returns the row under the cursor.
    pub fn selected(&self) -> Option<&T::Row> {
        self.list
            .cursor_row()
            .and_then(|index| self.rows().get(index))
    }

    /// Returns the row that a write acts on: the row with id `detail_id` while the detail
    /// view shows it, else the row under the cursor.
    pub(super) fn write_target(&self, detail_id: Option<&str>) -> Option<&T::Row> {
        match detail_id {
            Some(id) => self.rows().iter().find(|row| row.row_id() == id),
            None => self.selected(),
        }
    }

    /// Returns the rows in display order, after filter and sort.
    pub fn shown(&self) -> impl Iterator<Item = &T::Row> + '_ {
        let rows = self.rows();
        self.list
            .order
            .iter()
            .filter_map(move |&index| rows.get(index))
    }

    /// Stores a poll result that may be a 304: new rows as [`View::store_rows`] does, and for
    /// a list the server reports unchanged, only clears the marks of changed cells.
    pub(super) fn store_conditional(
        &mut self,
        body: Conditional<T>,
        keep_identity: bool,
        now: Timestamp,
    ) {
        match body {
            Conditional::Modified(data) => self.store_rows(data, keep_identity, now),
            Conditional::NotModified => self.list.changed.clear(),
        }
    }

    /// Stores a new poll result, keeping vanished rows when `keep_identity` is set.
    pub(super) fn store_rows(&mut self, mut data: T, keep_identity: bool, now: Timestamp) {
        let fresh = std::mem::take(data.rows_mut());
        let old = self.data.as_ref().map_or(&[][..], Rows::rows);
        let kept = self.list.apply_poll(old, fresh, keep_identity, now);
        *data.rows_mut() = kept;
        self.data = Some(data);
    }

    /// Drops rows kept after they vanished, once nothing needs them any more.
    pub(super) fn forget_gone(&mut self, now: Timestamp) {
        if self.list.gone.is_empty() {
            return;
        }
        let keep_id = self.selected().map(|row| row.row_id().into_owned());
        let gone = std::mem::take(&mut self.list.gone);
        if let Some(data) = &mut self.data {
            data.rows_mut()
                .retain(|row| !gone.contains(row.row_id().as_ref()));
            self.list.rebuild(data.rows(), now, keep_id.as_deref());
        }
    }

    /// Re-applies filter and sort, keeping the cursor on the same row.
    pub(super) fn reorder(&mut self, now: Timestamp) {
        let keep_id = self.selected().map(|row| row.row_id().into_owned());
        if let Some(data) = &self.data {
            self.list.reorder(data.rows(), now, keep_id.as_deref());
        }
    }

    pub(super) fn toggle_mark(&mut self) {
        let rows = self.data.as_ref().map_or(&[][..], Rows::rows);
        self.list.toggle_mark(rows);
    }

    pub(super) fn mark_range(&mut self) {
        let rows = self.data.as_ref().map_or(&[][..], Rows::rows);
        self.list.mark_range(rows);
    }

    pub(super) fn mark_all_shown(&mut self) {
        let rows = self.data.as_ref().map_or(&[][..], Rows::rows);
        self.list.mark_all_shown(rows);
    }

    /// Number of rows the server listed, without rows kept after they vanished.
    pub fn listed_count(&self) -> usize {
        self.rows().len().saturating_sub(self.list.gone.len())
    }
}

/// Data of the Queue tab: the summary and the jobs worth an operator's attention, dead
/// letters first.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueData {
    pub summary: QueueSummary,
    pub jobs: Vec<JobRecord>,
}

/// Offset between the server's clock and ours, measured at each response. Countdowns run on
/// local time plus this offset, so they follow the server even when the two clocks differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerClock {
    /// Server time minus local time, in milliseconds; `None` until a response carried a time.
    pub offset_millis: Option<i64>,
}

impl ServerClock {
    /// Records the server time of a response received at local time `received_at`.
    pub fn observe(&mut self, server_time: Option<Timestamp>, received_at: Timestamp) {
        if let Some(server_time) = server_time {
            self.offset_millis = Some(received_at.until(server_time).num_milliseconds());
        }
    }

    /// Estimates the server's current time from local time. Without a measurement it falls
    /// back to local time.
    pub fn server_now(&self, local_now: Timestamp) -> Timestamp {
        let offset = chrono::Duration::milliseconds(self.offset_millis.unwrap_or(0));
        local_now.checked_add(offset).unwrap_or(local_now)
    }
}

/// When to poll next, and how the last polls went.
#[derive(Debug, Clone)]
pub struct PollSchedule {
    pub refresh: Duration,
    /// Local time at which the next poll starts.
    pub next_at: Timestamp,
    pub in_flight: bool,
    /// An immediate poll was requested while one was running; it starts when that one ends.
    pub queued: bool,
    /// Consecutive polls that failed to reach a working server.
    pub failures: u32,
    /// Local time of the last poll in which every request succeeded.
    pub last_success: Option<Timestamp>,
    /// Message of the latest failed request, cleared by a fully successful poll.
    pub last_error: Option<String>,
    /// Local time of the first of the polls that failed since the last full success.
    pub error_since: Option<Timestamp>,
    /// Local time at which the next poll also runs the integrity check.
    pub integrity_next_at: Timestamp,
    /// Set while automatic polling is stopped because the token cannot authenticate: the
    /// server rejected it with 401, or its form cannot work on this server. Only ctrl-r
    /// polls again, so that repeated failures do not lock this address out.
    pub token_rejected: Option<TokenRejection>,
    /// Local time until which the server asked for no requests, from a 429 response and its
    /// `Retry-After`.
    pub paused_until: Option<Timestamp>,
}

/// The reason the dashboard stopped sending its API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRejection {
    /// The message with the server's reason and how to replace the token.
    pub message: String,
    /// Whether the server rejected the token. `false` when the dashboard kept the token to
    /// itself because its form cannot work on this server.
    pub sent: bool,
}

/// What the latest integrity check of the server found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrityStatus {
    pub issues: usize,
    /// The first issue's message, cleaned for drawing.
    pub first: Option<String>,
    /// Local time of the check.
    pub checked_at: Timestamp,
}

impl PollSchedule {
    /// Computes the wait after `failures` failed polls: `refresh` doubled per failure, capped at
    /// [`MAX_BACKOFF`] (or `refresh` if that is longer).
    pub fn backoff(&self) -> Duration {
        let cap = MAX_BACKOFF.max(self.refresh);
        let factor = 2u32.saturating_pow(self.failures.min(16));
        self.refresh.saturating_mul(factor).min(cap)
    }
}

/// A success message that disappears after [`super::NOTICE_TTL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub expires_at: Timestamp,
    /// The notice reports a request that is still running, such as "Deleting Solar CA…",
    /// so its outcome replaces it.
    pub progress: bool,
}
