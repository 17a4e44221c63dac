//! Older pages of the audit trail. A poll fetches the newest page. Scrolling to the last
//! loaded event fetches the page after it by its cursor, and later polls keep those older
//! events below the new newest page.

use super::{Command, State, Tab, AUDIT_PAGE_SIZE};
use crate::api::{AuditPage, Timestamp};
use crate::client::{ApiError, ApiResponse};
use crate::dashboard::widgets::text::clean;

/// The state of the audit pages loaded beyond the newest one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditHistory {
    /// Older pages were loaded, so polls merge their events under the newest page.
    pub extended: bool,
    /// Cursor of the next older page, once older pages were loaded.
    pub next_cursor: Option<String>,
    /// A request for an older page is running.
    pub loading: bool,
}

impl State {
    /// Keeps the older events already loaded under a newly polled newest `page`, when the two
    /// overlap. Without an overlap more events arrived than a page holds, and the older
    /// events are dropped rather than shown after a gap.
    pub(super) fn merge_audit_history(&mut self, page: &mut AuditPage) {
        if !self.audit_history.extended {
            return;
        }
        let loaded = self.audit.rows();
        let oldest_new = page.events.last().map(|event| event.id);
        let overlaps = oldest_new.is_some_and(|oldest| loaded.iter().any(|e| e.id == oldest));
        if !overlaps {
            tracing::info!("audit trail moved past the loaded pages; showing the newest page");
            self.audit_history = AuditHistory::default();
            return;
        }
        let oldest = oldest_new.unwrap_or(i64::MAX);
        let older = loaded.iter().filter(|event| event.id < oldest).cloned();
        page.events.extend(older.collect::<Vec<_>>());
        page.next_cursor.clone_from(&self.audit_history.next_cursor);
    }

    /// Returns the request for the next older page when the cursor is on the last loaded
    /// event of the Audit tab and the server has more.
    pub(super) fn older_audit_if_at_end(&mut self) -> Option<Command> {
        if self.tab != Tab::Audit
            || self.detail.is_some()
            || self.audit_history.loading
            || self.polling_stopped()
        {
            return None;
        }
        let list = &self.audit.list;
        if list.order.is_empty() || list.cursor + 1 < list.order.len() {
            return None;
        }
        let cursor = self.audit.data.as_ref()?.next_cursor.clone()?;
        self.audit_history.loading = true;
        Some(Command::LoadOlderAudit { cursor })
    }

    /// Appends an older page below the loaded events.
    pub(super) fn on_audit_older(
        &mut self,
        received_at: Timestamp,
        result: Result<ApiResponse<AuditPage>, ApiError>,
    ) {
        self.audit_history.loading = false;
        let page = match result {
            Ok(response) => {
                self.clock.observe(response.server_time, received_at);
                response.body
            }
            Err(error) => {
                tracing::warn!(%error, "loading older audit events failed");
                self.observe_access_error(&error);
                self.error = Some(clean(&format!(
                    "Loading older audit events failed: {error}. Move down again to retry."
                )));
                return;
            }
        };
        let server_now = self.server_now();
        let Some(mut data) = self.audit.data.clone() else {
            return;
        };
        let oldest = data.events.last().map_or(i64::MAX, |event| event.id);
        let count = page.events.len();
        data.events
            .extend(page.events.into_iter().filter(|event| event.id < oldest));
        data.next_cursor.clone_from(&page.next_cursor);
        self.audit_history.extended = true;
        self.audit_history.next_cursor = page.next_cursor;
        tracing::debug!(count, limit = AUDIT_PAGE_SIZE, "older audit events loaded");
        // The rows keep their ids, so the cursor stays on the event it was on.
        self.audit.store_rows(data, false, server_now);
    }
}
