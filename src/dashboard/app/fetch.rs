//! Storing poll results: new rows, the server clock, and the schedule of the next poll.

use super::{Fetched, FetchedData, IntegrityStatus, LoadState, ServerClock, State, Tab};
use crate::api::Timestamp;
use crate::client::{ApiError, TokenFormat};
use crate::dashboard::app::{Command, DetailFetch};
use crate::dashboard::format;
use crate::dashboard::widgets::text::{clean, visible};

impl State {
    pub(super) fn on_polled(&mut self, results: Vec<Fetched>) -> Vec<Command> {
        self.poll.in_flight = false;
        let mut failure: Option<String> = None;
        let mut server_down = false;
        let mut access_failure: Option<String> = None;
        let mut token_accepted = false;
        let knew_capabilities = self.capabilities.is_some();
        // The lists wait for the capabilities when the token's form needs checking first.
        let held_back_lists =
            !knew_capabilities && self.options.token_format != TokenFormat::Hookgrace;
        let polled =
            |wanted: fn(&FetchedData) -> bool| results.iter().any(|fetched| wanted(&fetched.data));
        let polled_active = polled(|data| matches!(data, FetchedData::Active(_)));
        let polled_queue = polled(|data| matches!(data, FetchedData::Queue(_)));
        let polled_audit = polled(|data| matches!(data, FetchedData::Audit(_)));
        for fetched in results {
            // `GET /health` needs no token, so only the other results show whether the server
            // accepted it.
            let needs_token = !matches!(fetched.data, FetchedData::Capabilities(_));
            match self.apply_fetched(fetched) {
                Some(error) => {
                    server_down |= error.is_transport() || error.status().is_some_and(|s| s >= 500);
                    if !matches!(error, ApiError::ExtensionMissing { .. }) {
                        failure.get_or_insert_with(|| clean(&error.to_string()));
                    }
                    // The first 401 decides over a 429 in the same poll.
                    if access_failure.is_none() {
                        access_failure = self.observe_access_error(&error);
                    }
                }
                None => token_accepted |= needs_token,
            }
        }
        if !knew_capabilities && self.capabilities.is_some() {
            self.check_token_format();
        }
        if let Some(message) = access_failure {
            failure = Some(message);
        } else if token_accepted {
            self.accept_token();
        }
        if let Some(rejection) = &self.poll.token_rejected {
            failure.get_or_insert_with(|| rejection.message.clone());
        }
        // When this poll only just learned the capabilities, the Active list (held back while
        // a token's form was unchecked) or the visible Queue or Audit tab was not part of it:
        // fetch it now rather than at the next interval. A tab that was fetched and failed
        // waits for the schedule like everything else.
        let missed_tab_data = self.capabilities.as_ref().is_some_and(|capabilities| {
            (held_back_lists && !polled_active)
                || (self.tab == Tab::Queue && capabilities.has_queue() && !polled_queue)
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
            self.poll.error_since = None;
        } else if self.poll.last_error.is_none() {
            self.poll.error_since = Some(self.now);
        }
        self.poll.last_error = failure;

        let again = self.poll.queued || (missed_tab_data && !server_down);
        self.poll.queued = false;
        if again && !self.polling_stopped() {
            return vec![self.start_poll()];
        }
        Vec::new()
    }

    /// Stores one fetch result and returns its error, if it failed.
    fn apply_fetched(&mut self, fetched: Fetched) -> Option<ApiError> {
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
            FetchedData::Identity(Ok(response)) => {
                observe(&mut self.clock, response.server_time);
                tracing::info!(name = %response.body.name, role = %response.body.role, "authenticated");
                self.identity = Some(response.body);
                None
            }
            FetchedData::Identity(Err(error)) => Some(error),
            FetchedData::Integrity(Ok(response)) => {
                observe(&mut self.clock, response.server_time);
                let issues = response.body.issues;
                if !issues.is_empty() {
                    tracing::warn!(issues = issues.len(), first = %issues[0].message, "server integrity check found issues");
                }
                self.integrity = Some(IntegrityStatus {
                    issues: issues.len(),
                    first: issues.first().map(|issue| clean(&issue.message)),
                    checked_at: self.now,
                });
                None
            }
            FetchedData::Integrity(Err(error)) => Some(error),
            FetchedData::Active(Ok(response)) => {
                observe(&mut self.clock, response.server_time);
                let keep = self.keeps_identity(false);
                let server_now = self.server_now();
                self.active
                    .store_conditional(response.body, keep, server_now);
                self.active.mark_loaded(self.now);
                None
            }
            FetchedData::Deleted(Ok(response)) => {
                observe(&mut self.clock, response.server_time);
                let keep = self.keeps_identity(!self.deleted.list.marks.is_empty());
                let server_now = self.server_now();
                self.deleted
                    .store_conditional(response.body, keep, server_now);
                self.deleted.mark_loaded(self.now);
                None
            }
            FetchedData::Queue(Ok(response)) => {
                observe(&mut self.clock, response.server_time);
                let keep = self.keeps_identity(!self.queue.list.marks.is_empty());
                let server_now = self.server_now();
                self.queue.store_rows(response.body, keep, server_now);
                self.queue.mark_loaded(self.now);
                None
            }
            FetchedData::Audit(Ok(response)) => {
                observe(&mut self.clock, response.server_time);
                let server_now = self.server_now();
                let mut page = response.body;
                self.merge_audit_history(&mut page);
                self.audit.store_rows(page, false, server_now);
                self.audit.mark_loaded(self.now);
                None
            }
            FetchedData::Detail(fetch) => self.apply_detail(*fetch, received_at),
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

    /// Stores the detail view's data if it is still open on the same webhook.
    fn apply_detail(&mut self, fetch: DetailFetch, received_at: Timestamp) -> Option<ApiError> {
        let now = self.now;
        // A detail view closed or switched since the request started ignores the result.
        let detail = self
            .detail
            .as_mut()
            .filter(|detail| detail.id == fetch.id)?;
        let mut failure = None;
        match fetch.webhook {
            Ok(response) => {
                self.clock.observe(response.server_time, received_at);
                detail.webhook.data = Some(response.body);
                detail.webhook.mark_loaded(now);
                detail.job = fetch.job;
            }
            // An id that never existed returns 404, and so does a purged or force-deleted
            // webhook, whose audit trail remains.
            Err(error) if error.status() == Some(404) => {
                detail.webhook.data = None;
                detail.webhook.load = LoadState::Failed(not_found_text(&error, &fetch.id));
                detail.job = None;
            }
            Err(error) => {
                detail.webhook.fail(&error);
                failure = Some(error);
            }
        }
        match fetch.audit {
            Ok(response) => {
                detail.audit.data = Some(response.body);
                detail.audit.mark_loaded(now);
            }
            Err(error) => {
                detail.audit.fail(&error);
                if !matches!(error, ApiError::ExtensionMissing { .. }) {
                    failure.get_or_insert(error);
                }
            }
        }
        failure
    }
}

/// Builds the detail view's text for a 404 on webhook `id`. A hookgrace server adds
/// `deleted_at` and `deletion_type` for an id whose webhook was purged or force deleted, and
/// sends a plain 404 for an id that never existed. A server with only the compatible core
/// sends a plain 404 in both cases.
fn not_found_text(error: &ApiError, id: &str) -> String {
    let body = match error {
        ApiError::Http {
            body: Some(body), ..
        } => Some(body),
        _ => None,
    };
    let deleted_at = body
        .and_then(|body| body.context_str("deleted_at"))
        .and_then(|text| Timestamp::parse(text).ok());
    let kind = body.and_then(|body| body.context_str("deletion_type"));
    if deleted_at.is_none() && kind.is_none() {
        return format!(
            "webhook {} not found: the server has no webhook with this id",
            visible(id)
        );
    }
    let cause = match kind {
        Some("purged") => "purged by its deletion job",
        Some("force_deleted") => "force deleted",
        _ => "permanently deleted",
    };
    let when = deleted_at.map_or_else(String::new, |at| format!(" at {}", format::utc_time(at)));
    let by = body
        .and_then(|body| body.context_str("deleted_by"))
        .map_or_else(String::new, |user| match kind {
            Some("purged") => format!(" after a soft delete by {}", visible(user)),
            _ => format!(" by {}", visible(user)),
        });
    format!("this webhook no longer exists: it was {cause}{when}{by}; its audit trail remains")
}
