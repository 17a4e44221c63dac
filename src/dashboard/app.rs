//! Dashboard state and the one update function: every key press, paste, poll result, command
//! result and clock tick enters as a [`Msg`]; the state changes only inside
//! [`State::update`], which returns the [`Command`]s to execute. Nothing here does I/O, so the
//! whole flow runs in tests without a terminal or a server.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::api::{
    extension, AuditPage, DeletedList, DeletedWebhook, Role, Timestamp, WebhookList,
    WebhookSummary, WhoAmI,
};
use crate::client::{Capabilities, TokenFormat, TokenOrigin};
use crate::dashboard::dialogs::Dialog;
use crate::dashboard::theme::ColorMode;
use crate::dashboard::widgets::text::clean;

mod access;
mod actions;
mod audit;
mod detail;
mod fetch;
mod keys;
pub mod lists;
mod messages;
pub mod prompt;
mod view;

pub use audit::AuditHistory;
pub use detail::DetailView;
pub use messages::{
    ClipboardText, Command, DetailFetch, Fetched, FetchedData, Msg, MutationKind, MutationResponse,
    Resource, RetryOutcome, SigningSecret, WebhookCreated,
};
pub use prompt::Prompt;
pub use view::{
    IntegrityStatus, LoadState, Notice, PollSchedule, QueueData, Rows, ServerClock, Tab,
    TokenRejection, View,
};

/// Maximum wait between polls while the server keeps failing, unless `refresh` is longer.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long a success notice stays in the status bar.
pub const NOTICE_TTL: Duration = Duration::from_secs(6);
/// How long `u` can reverse the last soft delete or restore.
pub const UNDO_WINDOW: Duration = Duration::from_secs(10);
/// Rows moved by PageUp and PageDown when the screen height is not known yet.
pub const PAGE_ROWS: usize = 10;
/// Audit events fetched per request: the newest page at each poll, and each older page
/// that scrolling to the end loads.
pub const AUDIT_PAGE_SIZE: u32 = 200;
/// Jobs fetched per state on the Queue tab.
pub const QUEUE_JOBS_LIMIT: u32 = 100;
/// A marked webhook whose purge is closer than this is called out before a bulk restore.
/// Interval between integrity checks, which scan every webhook and job on the server, so they
/// run far less often than polls.
pub const INTEGRITY_INTERVAL: Duration = Duration::from_secs(60);
/// Time window in which a job purges soon enough to be flagged before a bulk restore.
pub const EXPIRING_SOON: Duration = Duration::from_secs(5 * 60);

/// Settings fixed for the whole session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// No write is offered at all: the keys that delete, restore or retry are not bound.
    pub read_only: bool,
    /// Environment name that the operator must type before every write, when set.
    pub confirm_env: Option<String>,
    pub color: ColorMode,
    /// The source of the API token, which the message about a rejected token names.
    pub token_origin: TokenOrigin,
    /// The form of the API token, checked against the server's extensions before the token
    /// is sent to a route that needs it.
    pub token_format: TokenFormat,
}

/// A soft delete or restore that `u` can still reverse.
#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    /// The request that reverses the action.
    pub command: Command,
    /// Past tense of the action being reversed, such as "deleted".
    pub done: &'static str,
    pub name: String,
    pub expires_at: Timestamp,
}

/// The result of a bulk action for one row, shown on that row until the next action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowResult {
    pub ok: bool,
    pub message: String,
}

/// The whole dashboard state. Views draw from `&State` only.
#[derive(Debug)]
pub struct State {
    pub server_url: String,
    pub user: String,
    pub options: Options,
    pub tab: Tab,
    /// Local time of the latest message.
    pub now: Timestamp,
    pub clock: ServerClock,
    /// `None` until `GET /health` was read.
    pub capabilities: Option<Capabilities>,
    /// The token's name and role; `None` until `GET /whoami` was read, and on a server
    /// without the `auth` extension.
    pub identity: Option<WhoAmI>,
    /// The latest integrity report; `None` until one was read, and on a server without the
    /// `integrity` extension.
    pub integrity: Option<IntegrityStatus>,
    pub active: View<WebhookList>,
    pub deleted: View<DeletedList>,
    pub queue: View<QueueData>,
    pub audit: View<AuditPage>,
    /// Older audit pages loaded by scrolling.
    pub audit_history: AuditHistory,
    /// The detail view of one webhook, drawn over the tabs while open.
    pub detail: Option<DetailView>,
    pub dialog: Option<Dialog>,
    /// The `:` command line or the `/` filter being typed.
    pub prompt: Option<Prompt>,
    pub show_help: bool,
    /// Rows the key reference is scrolled down by.
    pub help_scroll: usize,
    pub poll: PollSchedule,
    /// Failure of an operator's action, shown until Esc or the next action.
    pub error: Option<String>,
    /// Local time at which `error` was set.
    pub error_at: Option<Timestamp>,
    /// The window with the full text of the current errors, opened with `e`.
    pub show_messages: bool,
    pub notice: Option<Notice>,
    /// Changing requests sent and still without a response.
    pub pending_requests: usize,
    pub undo: Option<Undo>,
    /// Webhook id of an undo request still running. Its outcome offers no undo, so a second
    /// `u` cannot reverse the undo.
    pub undo_in_flight: Option<String>,
    /// The text of `error` when it reports writes blocked by the connection, such as an
    /// unreachable server. It is cleared with `error` once writes are possible again.
    pub write_block_error: Option<String>,
    /// Per-row outcome of the last bulk restore or retry, by webhook or job id.
    pub row_results: BTreeMap<String, RowResult>,
    pub should_quit: bool,
    /// Terminal size (width, height) from the latest resize; `None` before the first.
    pub size: Option<(u16, u16)>,
    /// Rows the open dialog's body is scrolled down by.
    pub dialog_scroll: usize,
}

impl State {
    pub fn new(server_url: &str, user: &str, refresh: Duration, now: Timestamp) -> Self {
        Self {
            server_url: server_url.to_owned(),
            user: user.to_owned(),
            options: Options::default(),
            tab: Tab::Active,
            now,
            clock: ServerClock::default(),
            capabilities: None,
            identity: None,
            integrity: None,
            active: View::default(),
            deleted: View::default(),
            queue: View::default(),
            audit: View::default(),
            audit_history: AuditHistory::default(),
            detail: None,
            dialog: None,
            prompt: None,
            show_help: false,
            help_scroll: 0,
            poll: PollSchedule {
                refresh,
                next_at: now,
                in_flight: false,
                queued: false,
                failures: 0,
                last_success: None,
                last_error: None,
                error_since: None,
                integrity_next_at: now,
                token_rejected: None,
                paused_until: None,
            },
            error: None,
            error_at: None,
            show_messages: false,
            notice: None,
            pending_requests: 0,
            undo: None,
            undo_in_flight: None,
            write_block_error: None,
            row_results: BTreeMap::new(),
            should_quit: false,
            size: None,
            dialog_scroll: 0,
        }
    }

    pub fn with_options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// Returns the name that the server records as the actor of this dashboard's writes: the
    /// one `GET /whoami` reported, else the `--user` value.
    pub fn acting_user(&self) -> &str {
        self.identity
            .as_ref()
            .map_or(self.user.as_str(), |identity| identity.acting_user.as_str())
    }

    /// Estimates the server's current time from local time and the measured offset.
    pub fn server_now(&self) -> Timestamp {
        self.clock.server_now(self.now)
    }

    /// Applies one message at local time `now` and returns the commands to execute.
    pub fn update(&mut self, now: Timestamp, msg: Msg) -> Vec<Command> {
        self.now = now;
        let error_before = self.error.clone();
        let mut commands = match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Paste(text) => {
                self.on_paste(&text);
                Vec::new()
            }
            Msg::Tick => {
                self.on_tick();
                Vec::new()
            }
            Msg::Resize { width, height } => {
                self.size = Some((width, height));
                self.scroll_all_into_view();
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
            Msg::Retried {
                received_at,
                outcome,
            } => self.on_retried(received_at, outcome),
            Msg::Created {
                name,
                received_at,
                result,
            } => self.on_created(&name, received_at, result),
            Msg::AuditOlder {
                received_at,
                result,
            } => {
                self.on_audit_older(received_at, result);
                Vec::new()
            }
            Msg::Signal(name) => {
                tracing::info!(signal = name, "quitting on a signal");
                self.quit()
            }
            Msg::Copied { label, result } => {
                self.on_copied(&label, result);
                Vec::new()
            }
        };
        self.clear_resolved_write_block();
        if self.error.is_none() {
            self.error_at = None;
        } else if self.error != error_before {
            self.error_at = Some(now);
        }
        if self
            .notice
            .as_ref()
            .is_some_and(|notice| notice.expires_at <= now)
        {
            self.notice = None;
        }
        if self
            .undo
            .as_ref()
            .is_some_and(|undo| undo.expires_at <= now)
        {
            self.undo = None;
        }
        if let Some(poll) = self.poll_if_due() {
            commands.push(poll);
        }
        commands
    }

    /// Re-applies filters that depend on the clock, such as `<10m`.
    fn on_tick(&mut self) {
        let server_now = self.server_now();
        if self.deleted.list.filter.uses_time() {
            self.deleted.reorder(server_now);
        }
        if self.queue.list.filter.uses_time() {
            self.queue.reorder(server_now);
        }
    }

    /// Starts a poll when its time has come, none is running and polling is not stopped.
    fn poll_if_due(&mut self) -> Option<Command> {
        if self.poll.in_flight
            || self.now < self.poll.next_at
            || self.should_quit
            || self.polling_stopped()
        {
            return None;
        }
        Some(self.start_poll())
    }

    fn start_poll(&mut self) -> Command {
        self.poll.in_flight = true;
        self.poll.next_at = self.after(self.poll.refresh);
        let resources = self.resources_to_poll();
        if resources.contains(&Resource::Integrity) {
            self.poll.integrity_next_at = self.after(INTEGRITY_INTERVAL);
        }
        Command::Poll(resources)
    }

    /// Polls now, or right after the running poll ends. Nothing is polled while polling is
    /// stopped: only ctrl-r polls then.
    fn refresh_now(&mut self) -> Option<Command> {
        if self.polling_stopped() {
            return None;
        }
        if self.poll.in_flight {
            self.poll.queued = true;
            return None;
        }
        Some(self.start_poll())
    }

    /// Active and Deleted are always polled, because the tab titles show their counts;
    /// Queue and Audit only while visible, to keep the poll cheap. An open detail view is
    /// polled too. A token without the hookgrace form waits until `GET /health`, which
    /// needs no token, shows whether the server accepts other forms.
    pub fn resources_to_poll(&self) -> Vec<Resource> {
        let mut resources = Vec::new();
        if self.capabilities.is_none() {
            resources.push(Resource::Capabilities);
            if self.options.token_format != TokenFormat::Hookgrace {
                return resources;
            }
        }
        resources.push(Resource::Active);
        resources.push(Resource::Deleted);
        if let Some(capabilities) = &self.capabilities {
            if self.identity.is_none() && capabilities.has(extension::AUTH) {
                resources.push(Resource::Identity);
            }
            if self.tab == Tab::Queue && capabilities.has_queue() {
                resources.push(Resource::Queue);
            }
            if self.tab == Tab::Audit && capabilities.has_audit() {
                resources.push(Resource::Audit);
            }
        }
        if let Some(detail) = &self.detail {
            resources.push(Resource::Detail(detail.id.clone()));
        }
        let integrity_due = self.now >= self.poll.integrity_next_at;
        if integrity_due
            && self
                .capabilities
                .as_ref()
                .is_some_and(|c| c.has(extension::INTEGRITY))
        {
            resources.push(Resource::Integrity);
        }
        resources
    }

    fn after(&self, wait: Duration) -> Timestamp {
        let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX);
        self.now.checked_add(wait).unwrap_or(self.now)
    }

    fn notify(&mut self, text: String) {
        self.notice = Some(Notice {
            text,
            expires_at: self.after(NOTICE_TTL),
            progress: false,
        });
    }

    /// Shows that a request is running, until its outcome or [`NOTICE_TTL`].
    fn notify_progress(&mut self, text: String) {
        self.notify(text);
        if let Some(notice) = &mut self.notice {
            notice.progress = true;
        }
    }

    /// Removes the notice of a running request, once its outcome is known.
    fn clear_progress(&mut self) {
        if self.notice.as_ref().is_some_and(|notice| notice.progress) {
            self.notice = None;
        }
    }

    /// Whether rows must keep their identity across polls: while marks exist or a dialog is
    /// open, a vanished row stays on screen marked as gone.
    fn keeps_identity(&self, marks_exist: bool) -> bool {
        marks_exist || self.dialog.is_some()
    }

    /// Returns why writes are unavailable now, or `None` when they are allowed.
    pub fn write_block_reason(&self) -> Option<String> {
        if self.options.read_only {
            return Some("read-only mode".to_owned());
        }
        if self.poll.failures > 0 {
            let since = self
                .poll
                .last_success
                .map(|at| crate::dashboard::format::ago(at.until(self.now)))
                .unwrap_or_else(|| "never reached".to_owned());
            return Some(format!(
                "the server is unreachable (last update {since}); writes resume once it \
                 responds"
            ));
        }
        if let Some(reason) = self.access_block_reason() {
            return Some(reason);
        }
        if self.capabilities.is_none() {
            return Some("still connecting to the server".to_owned());
        }
        None
    }

    /// Returns why the token's role may not perform `action`, which needs `needed`, or `None`
    /// when it may or the role is unknown.
    pub fn role_block_reason(&self, action: &str, needed: Role) -> Option<String> {
        let identity = self.identity.as_ref()?;
        if identity.role.allows(needed) {
            return None;
        }
        Some(format!(
            "{} needs the {needed} role, but token '{}' has the {} role",
            action.to_lowercase(),
            clean(&identity.name),
            identity.role
        ))
    }

    pub fn has_extension(&self, name: &str) -> bool {
        self.capabilities
            .as_ref()
            .is_some_and(|capabilities| capabilities.has(name))
    }

    pub fn active_rows(&self) -> &[WebhookSummary] {
        self.active.rows()
    }

    pub fn deleted_rows(&self) -> &[DeletedWebhook] {
        self.deleted.rows()
    }

    pub fn selected_active(&self) -> Option<&WebhookSummary> {
        self.active.selected()
    }

    pub fn selected_deleted(&self) -> Option<&DeletedWebhook> {
        self.deleted.selected()
    }

    /// Ids marked on the Deleted tab, for bulk restore.
    pub fn marked_deleted(&self) -> &std::collections::BTreeSet<String> {
        &self.deleted.list.marks
    }

    /// Rows of the current tab's list that fit on screen, or `None` before the first resize.
    fn page_rows(&self) -> Option<usize> {
        let rows = crate::dashboard::views::list_capacity(self.tab, self.size.unwrap_or_default());
        (rows > 0).then_some(rows)
    }

    fn scroll_all_into_view(&mut self) {
        for tab in Tab::ALL {
            let rows = crate::dashboard::views::list_capacity(tab, self.size.unwrap_or_default());
            if rows == 0 {
                continue;
            }
            let list = match tab {
                Tab::Active => &mut self.active.list,
                Tab::Deleted => &mut self.deleted.list,
                Tab::Queue => &mut self.queue.list,
                Tab::Audit => &mut self.audit.list,
            };
            list.scroll_into_view(rows);
        }
    }
}
