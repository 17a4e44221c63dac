//! Writes: opening their dialogs, sending the confirmed request, and storing the outcome,
//! including the undo of the last soft delete or restore and the signing secret of a new
//! webhook.

use std::collections::BTreeSet;

use super::{
    Command, MutationKind, MutationResponse, RetryOutcome, RowResult, State, Tab, Undo,
    WebhookCreated, EXPIRING_SOON, UNDO_WINDOW,
};
use crate::api::{
    extension, BulkRestoreResponse, DeletedWebhook, JobState, Role, Timestamp, WebhookSummary,
};
use crate::client::{ApiError, ApiResponse};
use crate::dashboard::dialogs::{
    BulkDialog, BulkItem, CreateDialog, Dialog, ForceDeleteDialog, RestoreDialog, RetryDialog,
    RetryItem, SoftDeleteDialog, UndoDialog,
};
use crate::dashboard::format;
use crate::dashboard::widgets::text::{clean, visible};
use crate::text::count_of;

impl State {
    /// Sends a confirmed request. Bulk and retry dialogs stay open, to show per-row results,
    /// and the create dialog stays open to show the signing secret or the server's error.
    pub(super) fn submit(&mut self, command: Command) -> Vec<Command> {
        if command.is_write() {
            if let Some(reason) = self.write_block_reason() {
                if let Some(Dialog::Create(dialog)) = &mut self.dialog {
                    dialog.reject(reason.clone());
                }
                self.set_write_block_error(format!("Not sent: {reason}"));
                return Vec::new();
            }
        }
        if let (
            Some(Dialog::Undo(_)),
            Command::Restore { id, .. } | Command::SoftDelete { id, .. },
        ) = (&self.dialog, &command)
        {
            self.undo_in_flight = Some(id.clone());
        }
        if !matches!(
            self.dialog,
            Some(Dialog::Bulk(_) | Dialog::Retry(_) | Dialog::Create(_))
        ) {
            self.close_dialog();
        }
        self.pending_requests += 1;
        self.error = None;
        let progress = match &command {
            Command::CreateWebhook(request) => format!("Creating {}…", visible(&request.name)),
            Command::SoftDelete { name, .. } => format!("Deleting {}…", visible(name)),
            Command::ForceDelete { name, .. } => format!("Permanently deleting {}…", visible(name)),
            Command::Restore {
                name,
                enabled: false,
                ..
            } => format!("Restoring {} disabled…", visible(name)),
            Command::Restore { name, .. } => format!("Restoring {}…", visible(name)),
            Command::BulkRestore { ids } => format!("Restoring {} webhooks…", ids.len()),
            Command::RetryJobs { ids } => format!("Retrying {} jobs…", ids.len()),
            Command::RetryDeadLetters => "Retrying every dead-lettered job…".to_owned(),
            Command::Poll(_)
            | Command::LoadOlderAudit { .. }
            | Command::Copy(_)
            | Command::Quit => String::new(),
        };
        self.notify_progress(progress);
        vec![command]
    }

    /// Shows that writes are blocked, in an error that clears itself once they are possible
    /// again. A read-only session is never unblocked, so its error stays until Esc.
    fn set_write_block_error(&mut self, text: String) {
        self.error = Some(text.clone());
        self.write_block_error = (!self.options.read_only).then_some(text);
    }

    /// Refuses a write with the reason, or returns `true` when writes may proceed. `needed`
    /// is the role the server requires for the action.
    fn may_write(&mut self, action: &str, needed: Role) -> bool {
        if let Some(reason) = self.write_block_reason() {
            self.set_write_block_error(format!("{action} unavailable: {reason}"));
            return false;
        }
        if let Some(reason) = self.role_block_reason(action, needed) {
            self.error = Some(format!("{action} unavailable: {reason}"));
            return false;
        }
        true
    }

    /// Returns the active webhook that a write acts on: the detail view's, else the selected
    /// row. A row kept after it vanished is reported and skipped.
    fn target_active(&mut self) -> Option<WebhookSummary> {
        let detail_id = self.detail.as_ref().map(|detail| detail.id.as_str());
        let row = self.active.write_target(detail_id).cloned()?;
        if self.active.list.is_gone(&row.id) {
            self.error = Some(format!(
                "{} is no longer listed as active: it was deleted elsewhere",
                visible(&row.name)
            ));
            return None;
        }
        Some(row)
    }

    /// Returns the soft-deleted webhook that a write acts on, as [`State::target_active`].
    fn target_deleted(&mut self) -> Option<DeletedWebhook> {
        let detail_id = self.detail.as_ref().map(|detail| detail.id.as_str());
        let row = self.deleted.write_target(detail_id).cloned()?;
        if self.deleted.list.is_gone(&row.id) {
            self.error = Some(format!(
                "{} is no longer soft-deleted: it was purged or restored elsewhere",
                visible(&row.name)
            ));
            return None;
        }
        Some(row)
    }

    /// Opens the create dialog, unless writes or the token's role forbid creating.
    pub(super) fn open_create(&mut self) {
        if !self.may_write("Create", Role::Operator) {
            return;
        }
        let env = self.options.confirm_env.clone();
        self.dialog = Some(Dialog::Create(CreateDialog::new(env)));
    }

    /// Opens the create dialog over the Active tab from any view, for `:new`.
    pub(super) fn open_create_anywhere(&mut self) -> Vec<Command> {
        if !self.may_write("Create", Role::Operator) {
            return Vec::new();
        }
        self.detail = None;
        let commands = self.switch_tab(Tab::Active);
        self.open_create();
        commands
    }

    pub(super) fn open_soft_delete(&mut self) {
        if !self.may_write("Delete", Role::Operator) {
            return;
        }
        let Some(row) = self.target_active() else {
            return;
        };
        let grace = self
            .capabilities
            .as_ref()
            .and_then(|capabilities| capabilities.grace_period);
        let env = self.options.confirm_env.clone();
        self.dialog = Some(Dialog::SoftDelete(SoftDeleteDialog::new(&row, grace, env)));
    }

    pub(super) fn open_force_delete(&mut self) {
        if !self.may_write("Force delete", Role::Admin) {
            return;
        }
        let env = self.options.confirm_env.clone();
        let on_deleted = match &self.detail {
            Some(detail) => self.deleted.rows().iter().any(|row| row.id == detail.id),
            None => self.tab == Tab::Deleted,
        };
        let dialog = match (on_deleted, self.tab, self.detail.is_some()) {
            (true, _, _) => self
                .target_deleted()
                .map(|row| ForceDeleteDialog::for_deleted(&row, env)),
            (false, Tab::Active, _) | (false, _, true) => self
                .target_active()
                .map(|row| ForceDeleteDialog::for_active(&row, env)),
            _ => None,
        };
        if let Some(dialog) = dialog {
            self.dialog = Some(Dialog::ForceDelete(dialog));
        }
    }

    pub(super) fn open_restore(&mut self) {
        if !self.may_write("Restore", Role::Operator) {
            return;
        }
        if self.detail.is_none() && !self.deleted.list.marks.is_empty() {
            self.open_bulk_restore();
            return;
        }
        let Some(row) = self.target_deleted() else {
            return;
        };
        let disabled_supported = self.has_extension(extension::RESTORE_DISABLED);
        let env = self.options.confirm_env.clone();
        self.dialog = Some(Dialog::Restore(RestoreDialog::new(
            &row,
            disabled_supported,
            env,
        )));
    }

    /// Opens the preflight of a bulk restore of the marked webhooks.
    fn open_bulk_restore(&mut self) {
        let server_now = self.server_now();
        let shown: BTreeSet<usize> = self.deleted.list.order.iter().copied().collect();
        let marks = &self.deleted.list.marks;
        let items: Vec<BulkItem> = self
            .deleted
            .rows()
            .iter()
            .enumerate()
            .filter(|(_, row)| marks.contains(&row.id))
            .map(|(index, row)| BulkItem {
                id: row.id.clone(),
                name: row.name.clone(),
                deleted_at: row.deletion.deleted_at,
                scheduled: row.deletion.scheduled_deletion_at,
                job: row.job_status.status,
                hidden: !shown.contains(&index),
                gone: self.deleted.list.is_gone(&row.id),
                can_restore: row.restoration.can_restore,
                past_deadline: server_now >= row.deletion.scheduled_deletion_at,
            })
            .collect();
        let env = self.options.confirm_env.clone();
        let expiring = chrono::Duration::from_std(EXPIRING_SOON).unwrap_or_default();
        self.dialog = Some(Dialog::Bulk(BulkDialog::new(
            items, server_now, expiring, env,
        )));
    }

    pub(super) fn open_retry_selected(&mut self) {
        if !self.may_write("Retry", Role::Operator) || !self.has_retry() {
            return;
        }
        let marks = &self.queue.list.marks;
        let rows: Vec<RetryItem> = if marks.is_empty() {
            self.queue
                .selected()
                .map(RetryItem::from)
                .into_iter()
                .collect()
        } else {
            self.queue
                .rows()
                .iter()
                .filter(|job| marks.contains(&job.id))
                .map(RetryItem::from)
                .collect()
        };
        if rows.is_empty() {
            return;
        }
        if rows.iter().all(|item| item.state != JobState::DeadLetter) {
            self.error = Some(
                "Only dead-lettered jobs can be retried; the selected jobs still run on their \
                 own schedule"
                    .to_owned(),
            );
            return;
        }
        let env = self.options.confirm_env.clone();
        self.dialog = Some(Dialog::Retry(RetryDialog::jobs(rows, env)));
    }

    pub(super) fn open_retry_all(&mut self) {
        if !self.may_write("Retry", Role::Operator) || !self.has_retry() {
            return;
        }
        let count = self
            .queue
            .data
            .as_ref()
            .and_then(|data| data.summary.counts.get(&JobState::DeadLetter).copied())
            .unwrap_or(0);
        if count == 0 {
            self.notify("No dead-lettered jobs to retry".to_owned());
            return;
        }
        let env = self.options.confirm_env.clone();
        self.dialog = Some(Dialog::Retry(RetryDialog::all(count, env)));
    }

    fn has_retry(&mut self) -> bool {
        if self.has_extension(extension::JOB_RETRY) {
            return true;
        }
        self.error = Some(
            "Retry unavailable: this server does not provide the job_retry extension".to_owned(),
        );
        false
    }

    /// Reverses the last soft delete or restore while its undo window is open.
    pub(super) fn undo_last(&mut self) -> Vec<Command> {
        let Some(undo) = self.undo.clone() else {
            self.notify(format!(
                "Nothing to undo: u reverses a soft delete or restore for {} seconds",
                UNDO_WINDOW.as_secs()
            ));
            return Vec::new();
        };
        if !self.may_write("Undo", Role::Operator) {
            return Vec::new();
        }
        self.undo = None;
        if let Some(env) = self.options.confirm_env.clone() {
            self.dialog = Some(Dialog::Undo(UndoDialog::new(undo, env)));
            return Vec::new();
        }
        let commands = self.submit(undo.command);
        if let Some(Command::Restore { id, .. } | Command::SoftDelete { id, .. }) = commands.first()
        {
            self.undo_in_flight = Some(id.clone());
        }
        commands
    }

    pub(super) fn on_mutated(
        &mut self,
        kind: MutationKind,
        id: &str,
        name: &str,
        received_at: Timestamp,
        result: Result<ApiResponse<MutationResponse>, ApiError>,
    ) -> Vec<Command> {
        self.pending_requests = self.pending_requests.saturating_sub(1);
        let shown_name = visible(name);
        // The outcome of an undo offers no undo of its own, because a second u would
        // otherwise reverse the undo, such as by soft deleting again with a fresh grace period.
        let was_undo = self.undo_in_flight.as_deref() == Some(id);
        if was_undo {
            self.undo_in_flight = None;
        }
        match result {
            Ok(response) => {
                self.clock.observe(response.server_time, received_at);
                let undo_until = self.after(UNDO_WINDOW);
                let (text, undo) = match response.body {
                    MutationResponse::SoftDeleted(body) => (
                        format!(
                            "Deleted {shown_name}: purge at {} unless restored; {} leads kept",
                            format::utc_time(body.scheduled_deletion_at),
                            body.leads_preserved
                        ),
                        Some(Undo {
                            command: Command::Restore {
                                id: id.to_owned(),
                                name: name.to_owned(),
                                enabled: true,
                            },
                            done: "deleted",
                            name: name.to_owned(),
                            expires_at: undo_until,
                        }),
                    ),
                    MutationResponse::ForceDeleted(body) => (
                        format!(
                            "Permanently deleted {shown_name}; {} leads kept",
                            body.leads_preserved
                        ),
                        None,
                    ),
                    MutationResponse::Restored(_) => (
                        format!("Restored {shown_name}; its purge is cancelled"),
                        Some(Undo {
                            command: Command::SoftDelete {
                                id: id.to_owned(),
                                name: name.to_owned(),
                                reason: format!("undo of a restore by {}", self.acting_user()),
                            },
                            done: "restored",
                            name: name.to_owned(),
                            expires_at: undo_until,
                        }),
                    ),
                };
                tracing::info!(?kind, id, was_undo, "request succeeded");
                self.error = None;
                self.undo = if self.options.read_only || was_undo {
                    None
                } else {
                    undo
                };
                self.notify(text);
            }
            Err(error) => {
                tracing::warn!(?kind, id, %error, "request failed");
                self.clear_progress();
                self.observe_access_error(&error);
                let action = match kind {
                    MutationKind::SoftDelete => "Delete",
                    MutationKind::ForceDelete => "Force delete",
                    MutationKind::Restore => "Restore",
                };
                self.error = Some(format!(
                    "{action} of {shown_name} failed: {}",
                    clean(&error.to_string())
                ));
            }
        }
        self.refresh_now().into_iter().collect()
    }

    /// Shows a created webhook's id and signing secret, or the server's error in the create
    /// dialog so that the operator can correct a field and send again. When the dialog was
    /// closed while the request ran, a success opens the result in a new dialog, because
    /// the server never returns the secret again, and a failure goes to the status bar.
    pub(super) fn on_created(
        &mut self,
        name: &str,
        received_at: Timestamp,
        result: Result<ApiResponse<WebhookCreated>, ApiError>,
    ) -> Vec<Command> {
        self.pending_requests = self.pending_requests.saturating_sub(1);
        match result {
            Ok(response) => {
                self.clock.observe(response.server_time, received_at);
                let created = response.body;
                // The secret stays out of the log: only the id and whether one came back.
                tracing::info!(
                    webhook_id = %created.id,
                    signing_secret_returned = created.signing_secret.is_some(),
                    "webhook created"
                );
                self.error = None;
                self.notify(format!(
                    "Created {} as {}",
                    visible(&created.name),
                    visible(&created.id)
                ));
                match &mut self.dialog {
                    Some(Dialog::Create(dialog)) => dialog.finish(created),
                    _ => self.dialog = Some(Dialog::Create(CreateDialog::created(created))),
                }
                self.dialog_scroll = 0;
            }
            Err(error) => {
                tracing::warn!(name, %error, "webhook create failed");
                self.clear_progress();
                self.observe_access_error(&error);
                let message = clean(&error.to_string());
                match &mut self.dialog {
                    Some(Dialog::Create(dialog)) => dialog.reject(message),
                    _ => {
                        self.error = Some(format!("Create of {} failed: {message}", visible(name)));
                    }
                }
            }
        }
        self.refresh_now().into_iter().collect()
    }

    pub(super) fn on_bulk_restored(
        &mut self,
        received_at: Timestamp,
        result: Result<ApiResponse<BulkRestoreResponse>, ApiError>,
    ) -> Vec<Command> {
        self.pending_requests = self.pending_requests.saturating_sub(1);
        match &result {
            Ok(response) => {
                self.clock.observe(response.server_time, received_at);
                self.row_results.clear();
                for item in &response.body.results {
                    if item.restored {
                        self.deleted.list.marks.remove(&item.webhook_id);
                    }
                    self.row_results.insert(
                        item.webhook_id.clone(),
                        RowResult {
                            ok: item.restored,
                            message: clean(&item.message),
                        },
                    );
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
                    self.clear_progress();
                    self.error = Some(summary);
                } else {
                    self.error = None;
                    self.notify(summary);
                }
            }
            Err(error) => {
                tracing::warn!(%error, "bulk restore failed");
                self.clear_progress();
                self.observe_access_error(error);
                self.error = Some(clean(&format!("Bulk restore failed: {error}")));
            }
        }
        if let Some(Dialog::Bulk(dialog)) = &mut self.dialog {
            dialog.finish(result);
            self.dialog_scroll = 0;
        }
        self.refresh_now().into_iter().collect()
    }

    pub(super) fn on_retried(
        &mut self,
        received_at: Timestamp,
        outcome: RetryOutcome,
    ) -> Vec<Command> {
        self.pending_requests = self.pending_requests.saturating_sub(1);
        match &outcome {
            RetryOutcome::Jobs(results) => {
                self.row_results.clear();
                let mut failed = 0;
                for (id, result) in results {
                    let row = match result {
                        Ok(response) => {
                            self.clock.observe(response.server_time, received_at);
                            self.queue.list.marks.remove(id);
                            RowResult {
                                ok: true,
                                message: clean(&response.body.message),
                            }
                        }
                        Err(error) => {
                            failed += 1;
                            self.observe_access_error(error);
                            RowResult {
                                ok: false,
                                message: clean(&error.to_string()),
                            }
                        }
                    };
                    self.row_results.insert(id.clone(), row);
                }
                let summary = format!(
                    "Retry: {} back in the queue, {failed} failed",
                    count_of((results.len() - failed) as u64, "job")
                );
                tracing::info!(sent = results.len(), failed, "job retry done");
                if failed > 0 {
                    self.clear_progress();
                    self.error = Some(summary);
                } else {
                    self.notify(summary);
                }
            }
            RetryOutcome::AllDeadLetters(Ok(response)) => {
                self.clock.observe(response.server_time, received_at);
                tracing::info!(retried = response.body.retried, "dead letters retried");
                self.notify(format!(
                    "Retried {}",
                    count_of(response.body.retried, "dead-lettered job")
                ));
            }
            RetryOutcome::AllDeadLetters(Err(error)) => {
                tracing::warn!(%error, "retry of dead letters failed");
                self.clear_progress();
                self.observe_access_error(error);
                self.error = Some(clean(&format!("Retry of dead letters failed: {error}")));
            }
        }
        if let Some(Dialog::Retry(dialog)) = &mut self.dialog {
            dialog.finish(&outcome);
            self.dialog_scroll = 0;
        }
        self.refresh_now().into_iter().collect()
    }
}
