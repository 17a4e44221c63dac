//! Dashboard state and the one update function: every key press, poll result, command
//! result and clock tick enters as a [`Msg`]; the state changes only inside
//! [`State::update`], which returns the [`Command`]s to execute. Nothing here does I/O, so the
//! whole flow runs in tests without a terminal or a server.

use std::collections::BTreeSet;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::api::{
    AuditPage, BulkRestoreResponse, DeletedList, DeletedWebhook, Timestamp, WebhookList,
    WebhookSummary,
};
use crate::client::{ApiError, ApiResponse, Capabilities};
use crate::dashboard::dialogs::{
    BulkDialog, Dialog, DialogAction, ForceDeleteDialog, RestoreDialog, SoftDeleteDialog,
};
use crate::dashboard::format;
use crate::dashboard::widgets::text::clean;

mod messages;
mod view;

pub use messages::{Command, Fetched, FetchedData, Msg, MutationKind, MutationResponse, Resource};
pub use view::{LoadState, Notice, PollSchedule, QueueData, ServerClock, Tab, View};

/// Maximum wait between polls while the server keeps failing, unless `refresh` is longer.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long a success notice stays in the status bar.
pub const NOTICE_TTL: Duration = Duration::from_secs(6);
/// Rows moved by PageUp and PageDown.
pub const PAGE_ROWS: usize = 10;
/// Newest audit events fetched per poll.
// NOTE: the Audit tab shows only this first page; it does not yet follow `next_cursor` to
// older events, and its title reads "newest N" when more exist.
pub const AUDIT_PAGE_SIZE: u32 = 200;
/// Jobs fetched per state on the Queue tab.
pub const QUEUE_JOBS_LIMIT: u32 = 100;

/// The whole dashboard state. Views draw from `&State` only.
#[derive(Debug)]
pub struct State {
    pub server_url: String,
    pub user: String,
    pub tab: Tab,
    /// Local time of the latest message.
    pub now: Timestamp,
    pub clock: ServerClock,
    /// `None` until `GET /health` was read.
    pub capabilities: Option<Capabilities>,
    pub active: View<WebhookList>,
    pub deleted: View<DeletedList>,
    /// Ids marked on the Deleted tab for bulk restore.
    pub marks: BTreeSet<String>,
    pub queue: View<QueueData>,
    pub audit: View<AuditPage>,
    pub dialog: Option<Dialog>,
    pub show_help: bool,
    pub poll: PollSchedule,
    /// Failure of an operator's action, shown until Esc or the next action.
    pub error: Option<String>,
    pub notice: Option<Notice>,
    /// Changing requests sent and still without a response.
    pub pending_requests: usize,
    /// `q` was pressed while requests were pending; a second `q` quits.
    pub quit_armed: bool,
    pub should_quit: bool,
    /// Terminal size from the latest resize.
    pub size: (u16, u16),
}

impl State {
    pub fn new(server_url: &str, user: &str, refresh: Duration, now: Timestamp) -> Self {
        Self {
            server_url: server_url.to_owned(),
            user: user.to_owned(),
            tab: Tab::Active,
            now,
            clock: ServerClock::default(),
            capabilities: None,
            active: View::default(),
            deleted: View::default(),
            marks: BTreeSet::new(),
            queue: View::default(),
            audit: View::default(),
            dialog: None,
            show_help: false,
            poll: PollSchedule {
                refresh,
                next_at: now,
                in_flight: false,
                queued: false,
                failures: 0,
                last_success: None,
                last_error: None,
            },
            error: None,
            notice: None,
            pending_requests: 0,
            quit_armed: false,
            should_quit: false,
            size: (0, 0),
        }
    }

    /// Estimates the server's current time from local time and the measured offset.
    pub fn server_now(&self) -> Timestamp {
        self.clock.server_now(self.now)
    }

    /// Applies one message at local time `now` and returns the commands to execute.
    pub fn update(&mut self, now: Timestamp, msg: Msg) -> Vec<Command> {
        self.now = now;
        let mut commands = match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Tick => Vec::new(),
            Msg::Resize { width, height } => {
                self.size = (width, height);
                Vec::new()
            }
            Msg::Polled(results) => self.on_polled(results),
            Msg::Mutated {
                kind,
                id,
                name,
                received_at,
                result,
            } => self.on_mutated(kind, &id, &name, received_at, result),
            Msg::BulkRestored {
                received_at,
                result,
            } => self.on_bulk_restored(received_at, result),
        };
        if self
            .notice
            .as_ref()
            .is_some_and(|notice| notice.expires_at <= now)
        {
            self.notice = None;
        }
        if let Some(poll) = self.poll_if_due() {
            commands.push(poll);
        }
        commands
    }

    /// Starts a poll when its time has come and none is running.
    fn poll_if_due(&mut self) -> Option<Command> {
        if self.poll.in_flight || self.now < self.poll.next_at || self.should_quit {
            return None;
        }
        Some(self.start_poll())
    }

    fn start_poll(&mut self) -> Command {
        self.poll.in_flight = true;
        self.poll.next_at = self.after(self.poll.refresh);
        Command::Poll(self.resources_to_poll())
    }

    /// Polls now, or right after the running poll ends.
    fn refresh_now(&mut self) -> Option<Command> {
        if self.poll.in_flight {
            self.poll.queued = true;
            return None;
        }
        Some(self.start_poll())
    }

    /// Active and Deleted are always polled, because the tab titles show their counts;
    /// Queue and Audit only while visible, to keep the poll cheap.
    pub fn resources_to_poll(&self) -> Vec<Resource> {
        let mut resources = Vec::new();
        if self.capabilities.is_none() {
            resources.push(Resource::Capabilities);
        }
        resources.push(Resource::Active);
        resources.push(Resource::Deleted);
        if let Some(capabilities) = &self.capabilities {
            if self.tab == Tab::Queue && capabilities.has_queue() {
                resources.push(Resource::Queue);
            }
            if self.tab == Tab::Audit && capabilities.has_audit() {
                resources.push(Resource::Audit);
            }
        }
        resources
    }

    fn after(&self, wait: Duration) -> Timestamp {
        let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX);
        self.now.checked_add(wait).unwrap_or(self.now)
    }

    fn on_polled(&mut self, results: Vec<Fetched>) -> Vec<Command> {
        self.poll.in_flight = false;
        let mut failure: Option<String> = None;
        let mut server_down = false;
        let polled_queue = results
            .iter()
            .any(|fetched| matches!(fetched.data, FetchedData::Queue(_)));
        let polled_audit = results
            .iter()
            .any(|fetched| matches!(fetched.data, FetchedData::Audit(_)));
        for fetched in results {
            let error = self.apply_fetched(fetched);
            if let Some(error) = error {
                server_down |= error.is_transport() || error.status().is_some_and(|s| s >= 500);
                if !matches!(error, ApiError::ExtensionMissing { .. }) {
                    failure.get_or_insert_with(|| clean(&error.to_string()));
                }
            }
        }
        // When this poll only just learned the capabilities, the visible Queue or Audit tab was
        // not part of it: fetch it now rather than at the next interval. A tab that was
        // fetched and failed waits for the schedule like everything else.
        let missed_tab_data = self.capabilities.as_ref().is_some_and(|capabilities| {
            (self.tab == Tab::Queue && capabilities.has_queue() && !polled_queue)
                || (self.tab == Tab::Audit && capabilities.has_audit() && !polled_audit)
        });

        if server_down {
            self.poll.failures = self.poll.failures.saturating_add(1);
            self.poll.next_at = self.after(self.poll.backoff());
            tracing::warn!(
                failures = self.poll.failures,
                retry_in = ?self.poll.backoff(),
                error = failure.as_deref().unwrap_or(""),
                "poll failed; backing off"
            );
        } else {
            if self.poll.failures > 0 {
                tracing::info!(failures = self.poll.failures, "server reachable again");
            }
            self.poll.failures = 0;
        }
        if failure.is_none() {
            self.poll.last_success = Some(self.now);
        }
        self.poll.last_error = failure;

        if self.poll.queued || (missed_tab_data && !server_down) {
            self.poll.queued = false;
            return vec![self.start_poll()];
        }
        Vec::new()
    }

    /// Stores one fetch result and returns its error, if it failed.
    fn apply_fetched(&mut self, fetched: Fetched) -> Option<ApiError> {
        let now = self.now;
        let received_at = fetched.received_at;
        let observe = |clock: &mut ServerClock, time: Option<Timestamp>| {
            clock.observe(time, received_at);
        };
        match fetched.data {
            FetchedData::Capabilities(Ok(response)) => {
                observe(&mut self.clock, response.server_time);
                if !response.body.has_queue() {
                    self.queue.load = LoadState::NotProvided;
                }
                if !response.body.has_audit() {
                    self.audit.load = LoadState::NotProvided;
                }
                tracing::info!(extensions = ?response.body.extensions, "server capabilities");
                self.capabilities = Some(response.body);
                None
            }
            FetchedData::Active(Ok(response)) => {
                observe(&mut self.clock, response.server_time);
                let selected_id = self.selected_active().map(|row| row.id.clone());
                self.active.store(response.body, now);
                self.active.selected = self.active_index_of(selected_id.as_deref());
                None
            }
            FetchedData::Deleted(Ok(response)) => {
                observe(&mut self.clock, response.server_time);
                let selected_id = self.selected_deleted().map(|row| row.id.clone());
                let ids: BTreeSet<&String> =
                    response.body.webhooks.iter().map(|row| &row.id).collect();
                self.marks.retain(|id| ids.contains(id));
                self.deleted.store(response.body, now);
                self.deleted.selected = self.deleted_index_of(selected_id.as_deref());
                None
            }
            FetchedData::Queue(Ok(response)) => {
                observe(&mut self.clock, response.server_time);
                self.queue.store(response.body, now);
                self.queue.selected = clamp_index(self.queue.selected, self.queue_len());
                None
            }
            FetchedData::Audit(Ok(response)) => {
                observe(&mut self.clock, response.server_time);
                self.audit.store(response.body, now);
                self.audit.selected = clamp_index(self.audit.selected, self.audit_len());
                None
            }
            FetchedData::Capabilities(Err(error)) => Some(error),
            FetchedData::Active(Err(error)) => {
                self.active.fail(&error);
                Some(error)
            }
            FetchedData::Deleted(Err(error)) => {
                self.deleted.fail(&error);
                Some(error)
            }
            FetchedData::Queue(Err(error)) => {
                self.queue.fail(&error);
                Some(error)
            }
            FetchedData::Audit(Err(error)) => {
                self.audit.fail(&error);
                Some(error)
            }
        }
    }

    fn on_mutated(
        &mut self,
        kind: MutationKind,
        id: &str,
        name: &str,
        received_at: Timestamp,
        result: Result<ApiResponse<MutationResponse>, ApiError>,
    ) -> Vec<Command> {
        self.pending_requests = self.pending_requests.saturating_sub(1);
        let name = clean(name);
        match result {
            Ok(response) => {
                self.clock.observe(response.server_time, received_at);
                let text = match response.body {
                    MutationResponse::SoftDeleted(body) => format!(
                        "Deleted {name}: purge at {} unless restored; {} leads kept",
                        format::utc_time(body.scheduled_deletion_at),
                        body.leads_preserved
                    ),
                    MutationResponse::ForceDeleted(body) => format!(
                        "Permanently deleted {name}; {} leads kept",
                        body.leads_preserved
                    ),
                    MutationResponse::Restored(_) => {
                        format!("Restored {name}; its purge is cancelled")
                    }
                };
                tracing::info!(?kind, id, "request succeeded");
                self.error = None;
                self.notify(text);
            }
            Err(error) => {
                tracing::warn!(?kind, id, %error, "request failed");
                let action = match kind {
                    MutationKind::SoftDelete => "Delete",
                    MutationKind::ForceDelete => "Force delete",
                    MutationKind::Restore => "Restore",
                };
                self.error = Some(clean(&format!("{action} of {name} failed: {error}")));
            }
        }
        self.refresh_now().into_iter().collect()
    }

    fn on_bulk_restored(
        &mut self,
        received_at: Timestamp,
        result: Result<ApiResponse<BulkRestoreResponse>, ApiError>,
    ) -> Vec<Command> {
        self.pending_requests = self.pending_requests.saturating_sub(1);
        match &result {
            Ok(response) => {
                self.clock.observe(response.server_time, received_at);
                for item in response.body.results.iter().filter(|item| item.restored) {
                    self.marks.remove(&item.webhook_id);
                }
                let body = &response.body;
                let summary = format!(
                    "Bulk restore: {} restored, {} failed",
                    body.restored, body.failed
                );
                tracing::info!(
                    restored = body.restored,
                    failed = body.failed,
                    "bulk restore done"
                );
                if body.failed > 0 {
                    self.error = Some(summary);
                } else {
                    self.error = None;
                    self.notify(summary);
                }
            }
            Err(error) => {
                tracing::warn!(%error, "bulk restore failed");
                self.error = Some(clean(&format!("Bulk restore failed: {error}")));
            }
        }
        if let Some(Dialog::Bulk(dialog)) = &mut self.dialog {
            dialog.finish(result);
        }
        self.refresh_now().into_iter().collect()
    }

    fn notify(&mut self, text: String) {
        self.notice = Some(Notice {
            text,
            expires_at: self.after(NOTICE_TTL),
        });
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return self.quit();
        }
        if let Some(dialog) = &mut self.dialog {
            let server_now = self.clock.server_now(self.now);
            return match dialog.handle_key(key, server_now) {
                DialogAction::None => Vec::new(),
                DialogAction::Close => {
                    self.dialog = None;
                    Vec::new()
                }
                DialogAction::Submit(command) => self.submit(command),
            };
        }
        if self.show_help {
            if matches!(
                key.code,
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter
            ) {
                self.show_help = false;
            }
            return Vec::new();
        }
        self.on_screen_key(key)
    }

    /// Sends a confirmed request. Only a bulk dialog stays open, to show per-id results.
    fn submit(&mut self, command: Command) -> Vec<Command> {
        if !matches!(self.dialog, Some(Dialog::Bulk(_))) {
            self.dialog = None;
        }
        self.pending_requests += 1;
        self.quit_armed = false;
        self.error = None;
        let progress = match &command {
            Command::SoftDelete { name, .. } => format!("Deleting {}…", clean(name)),
            Command::ForceDelete { name, .. } => format!("Permanently deleting {}…", clean(name)),
            Command::Restore { name, .. } => format!("Restoring {}…", clean(name)),
            Command::BulkRestore { ids } => format!("Restoring {} webhooks…", ids.len()),
            Command::Poll(_) | Command::Quit => String::new(),
        };
        self.notify(progress);
        vec![command]
    }

    fn on_screen_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('q') => return self.quit(),
            KeyCode::Char('r') if control => return self.refresh_now().into_iter().collect(),
            KeyCode::Char('?') => self.show_help = true,
            KeyCode::Esc => {
                self.error = None;
                self.quit_armed = false;
            }
            KeyCode::Char(digit @ '1'..='4') => {
                let index = usize::from(digit as u8 - b'1');
                return self.switch_tab(Tab::ALL[index]);
            }
            KeyCode::Tab => return self.switch_tab(self.tab.next()),
            KeyCode::BackTab => return self.switch_tab(self.tab.previous()),
            KeyCode::Down | KeyCode::Char('j') => self.move_selection(1),
            KeyCode::Up | KeyCode::Char('k') => self.move_selection(-1),
            KeyCode::PageDown => self.move_selection(PAGE_ROWS as isize),
            KeyCode::PageUp => self.move_selection(-(PAGE_ROWS as isize)),
            KeyCode::Home | KeyCode::Char('g') => self.move_selection(isize::MIN),
            KeyCode::End | KeyCode::Char('G') => self.move_selection(isize::MAX),
            KeyCode::Char('d') if self.tab == Tab::Active => self.open_soft_delete(),
            KeyCode::Char('D') => self.open_force_delete(),
            KeyCode::Char('r') if self.tab == Tab::Deleted => self.open_restore(),
            KeyCode::Char(' ') if self.tab == Tab::Deleted => self.toggle_mark(),
            _ => {}
        }
        Vec::new()
    }

    fn quit(&mut self) -> Vec<Command> {
        if self.pending_requests > 0 && !self.quit_armed {
            self.quit_armed = true;
            self.error = Some(format!(
                "{} request(s) still running: their outcome will not be shown. Press q again \
                 to quit anyway.",
                self.pending_requests
            ));
            return Vec::new();
        }
        self.should_quit = true;
        vec![Command::Quit]
    }

    fn switch_tab(&mut self, tab: Tab) -> Vec<Command> {
        if self.tab == tab {
            return Vec::new();
        }
        self.tab = tab;
        let needs_data = match tab {
            Tab::Queue => self
                .capabilities
                .as_ref()
                .is_some_and(Capabilities::has_queue),
            Tab::Audit => self
                .capabilities
                .as_ref()
                .is_some_and(Capabilities::has_audit),
            Tab::Active | Tab::Deleted => false,
        };
        if needs_data {
            return self.refresh_now().into_iter().collect();
        }
        Vec::new()
    }

    fn move_selection(&mut self, delta: isize) {
        let len = match self.tab {
            Tab::Active => self.active_len(),
            Tab::Deleted => self.deleted_len(),
            Tab::Queue => self.queue_len(),
            Tab::Audit => self.audit_len(),
        };
        let selected = match self.tab {
            Tab::Active => &mut self.active.selected,
            Tab::Deleted => &mut self.deleted.selected,
            Tab::Queue => &mut self.queue.selected,
            Tab::Audit => &mut self.audit.selected,
        };
        *selected = step_index(*selected, delta, len);
    }

    fn toggle_mark(&mut self) {
        let Some(id) = self.selected_deleted().map(|row| row.id.clone()) else {
            return;
        };
        if !self.marks.remove(&id) {
            self.marks.insert(id);
        }
        self.move_selection(1);
    }

    fn open_soft_delete(&mut self) {
        let Some(row) = self.selected_active() else {
            return;
        };
        let grace = self
            .capabilities
            .as_ref()
            .and_then(|capabilities| capabilities.grace_period);
        self.dialog = Some(Dialog::SoftDelete(SoftDeleteDialog::new(row, grace)));
    }

    fn open_force_delete(&mut self) {
        let dialog = match self.tab {
            Tab::Active => self.selected_active().map(ForceDeleteDialog::for_active),
            Tab::Deleted => self.selected_deleted().map(ForceDeleteDialog::for_deleted),
            Tab::Queue | Tab::Audit => None,
        };
        if let Some(dialog) = dialog {
            self.dialog = Some(Dialog::ForceDelete(dialog));
        }
    }

    fn open_restore(&mut self) {
        if self.marks.is_empty() {
            if let Some(row) = self.selected_deleted() {
                self.dialog = Some(Dialog::Restore(RestoreDialog::new(row)));
            }
            return;
        }
        let rows: Vec<&DeletedWebhook> = self
            .deleted_rows()
            .iter()
            .filter(|row| self.marks.contains(&row.id))
            .collect();
        self.dialog = Some(Dialog::Bulk(BulkDialog::new(&rows)));
    }

    pub fn active_rows(&self) -> &[WebhookSummary] {
        self.active
            .data
            .as_ref()
            .map_or(&[], |list| list.webhooks.as_slice())
    }

    pub fn deleted_rows(&self) -> &[DeletedWebhook] {
        self.deleted
            .data
            .as_ref()
            .map_or(&[], |list| list.webhooks.as_slice())
    }

    pub fn selected_active(&self) -> Option<&WebhookSummary> {
        self.active_rows().get(self.active.selected)
    }

    pub fn selected_deleted(&self) -> Option<&DeletedWebhook> {
        self.deleted_rows().get(self.deleted.selected)
    }

    fn active_len(&self) -> usize {
        self.active_rows().len()
    }

    fn deleted_len(&self) -> usize {
        self.deleted_rows().len()
    }

    fn queue_len(&self) -> usize {
        self.queue.data.as_ref().map_or(0, |data| data.jobs.len())
    }

    fn audit_len(&self) -> usize {
        self.audit.data.as_ref().map_or(0, |page| page.events.len())
    }

    fn active_index_of(&self, id: Option<&str>) -> usize {
        let rows = self.active_rows();
        let found = id.and_then(|id| rows.iter().position(|row| row.id == id));
        found.unwrap_or_else(|| clamp_index(self.active.selected, rows.len()))
    }

    fn deleted_index_of(&self, id: Option<&str>) -> usize {
        let rows = self.deleted_rows();
        let found = id.and_then(|id| rows.iter().position(|row| row.id == id));
        found.unwrap_or_else(|| clamp_index(self.deleted.selected, rows.len()))
    }
}

fn clamp_index(index: usize, len: usize) -> usize {
    index.min(len.saturating_sub(1))
}

fn step_index(index: usize, delta: isize, len: usize) -> usize {
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
