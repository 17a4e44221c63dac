//! The SQLite implementation of [`Store`].
//!
//! One connection sits behind a mutex and every operation runs on tokio's blocking pool, so
//! writes serialise in this process and a request never gets a "database is locked" error from
//! another request. Writes use `BEGIN IMMEDIATE`, which takes the write lock at the start
//! instead of upgrading midway. Another process that writes to the same file is waited for up
//! to the busy timeout.

mod audit;
mod integrity;
mod jobs;
mod revision;
mod rows;
mod signing;
mod tokens;
mod webhooks;

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::api::{JobState, Timestamp};
use crate::store::{
    ActivePage, AuditQuery, AuditRows, ClaimedJob, CreateOutcome, CreateTokenOutcome, DataRevision,
    FailureOutcome, ForceDeleteOutcome, ForceDeleteRequest, IntegrityIssue, Job, LeadKey,
    LeadOutcome, NewLead, NewToken, NewWebhook, PageRequest, PermanentDeletion, PurgeOutcome,
    QueueStats, RestoreOutcome, RestoreRequest, RetryOutcome, RevokeTokenOutcome,
    SoftDeleteOutcome, SoftDeleteRequest, StatusOutcome, Store, StoreError, TokenRecord,
    WebhookRecord,
};

/// Migrations in order. Migration `n` (1-based) brings the schema to version `n`, which is
/// stored in `PRAGMA user_version`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_job_retried.sql"),
    include_str!("../migrations/0003_auth.sql"),
    include_str!("../migrations/0004_revision.sql"),
];

/// The schema version this binary creates and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a statement waits for another process's lock before failing, by default.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Options of [`SqliteStore::open_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOptions {
    /// How long a statement waits for another connection's lock before it fails with
    /// [`StoreError::Busy`].
    pub busy_timeout: Duration,
    /// Caps the database at this many pages (`PRAGMA max_page_count`), after which writes
    /// fail with [`StoreError::Full`] as on a full disk. `None` keeps SQLite's limit.
    pub max_page_count: Option<u64>,
    /// Opens without write access: no file is created, no migration runs, and every write
    /// fails with [`StoreError::ReadOnly`]. The schema version must match this binary's.
    pub read_only: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            max_page_count: None,
            read_only: false,
        }
    }
}

/// A SQLite database file opened by [`SqliteStore::open`].
#[derive(Clone)]
pub struct SqliteStore {
    connection: Arc<Mutex<Connection>>,
    read_only: bool,
}

impl SqliteStore {
    /// Opens the database at `path`, creating the file and its parent directory if missing,
    /// sets the pragmas and applies pending migrations.
    ///
    /// # Errors
    ///
    /// [`StoreError::SchemaTooNew`] if a newer hookgrace created the schema;
    /// [`StoreError::Open`] if the file cannot be created or opened.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, OpenOptions::default()).await
    }

    /// Opens the database at `path` as [`SqliteStore::open`] does, with `options`. An existing
    /// file whose permissions, or whose directory's permissions, allow no write at all is
    /// opened read-only even when `options.read_only` is false, and also for root, whom the
    /// operating system would let write.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::open`]; a read-only open also fails if the file is missing or its
    /// schema needs a migration.
    pub async fn open_with(path: &Path, options: OpenOptions) -> Result<Self, StoreError> {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || Self::open_blocking(&path, &options))
            .await
            .map_err(|error| StoreError::Task(error.to_string()))?
    }

    fn open_blocking(path: &Path, options: &OpenOptions) -> Result<Self, StoreError> {
        let open_error = |reason: String| StoreError::Open {
            path: path.display().to_string(),
            reason,
        };
        // SQLite's own error for a directory, such as "disk I/O error", does not name the cause.
        if path.is_dir() {
            return Err(open_error(format!(
                "the path is a directory, and a database file is needed; pass a file path such \
                 as {}",
                path.join("hookgrace.db").display()
            )));
        }

        let denies_writes = |path: &Path| {
            std::fs::metadata(path)
                .map(|metadata| metadata.permissions().readonly())
                .unwrap_or(false)
        };
        // SQLite writes its -wal and -shm files beside the database, so a read-only directory
        // also makes the database read-only.
        let directory = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty());
        let no_write_permission =
            path.exists() && (denies_writes(path) || directory.is_some_and(denies_writes));
        if options.read_only || no_write_permission {
            if no_write_permission && !options.read_only {
                tracing::warn!(
                    path = %path.display(),
                    "database file or its directory has no write permission; opening it \
                     read-only, so every write will fail"
                );
            }
            return Self::open_read_only(path, options);
        }

        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|error| {
                open_error(format!(
                    "failed to create directory {}: {error}",
                    parent.display()
                ))
            })?;
        }

        let mut connection =
            Connection::open(path).map_err(|error| open_error(error.to_string()))?;
        configure(&connection, options)?;
        migrate(&mut connection)?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            read_only: false,
        })
    }

    fn open_read_only(path: &Path, options: &OpenOptions) -> Result<Self, StoreError> {
        let open_error = |reason: String| StoreError::Open {
            path: path.display().to_string(),
            reason,
        };
        if !path.exists() {
            return Err(open_error("the file does not exist".to_owned()));
        }
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|error| open_error(error.to_string()))?;
        connection.busy_timeout(options.busy_timeout)?;
        let found: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found < SCHEMA_VERSION {
            return Err(open_error(format!(
                "schema version {found} needs migrating to version {SCHEMA_VERSION}, which a \
                 read-only open cannot do; run hookgrace serve on it once with write access"
            )));
        }
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            read_only: true,
        })
    }

    /// Returns whether the database was opened read-only, so that every write fails.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Runs `operation` on the connection on the blocking pool.
    async fn with_connection<T, F>(&self, operation: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            // A panic in an earlier operation rolled its transaction back when the
            // `Transaction` dropped, so the connection is still consistent.
            let mut connection = connection.lock().unwrap_or_else(PoisonError::into_inner);
            operation(&mut connection)
        })
        .await
        .map_err(|error| StoreError::Task(error.to_string()))?
    }

    /// Runs `operation` in a `BEGIN IMMEDIATE` transaction and commits it if it succeeds.
    async fn write<T, F>(&self, operation: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        self.in_transaction(TransactionBehavior::Immediate, operation)
            .await
    }

    /// Runs `operation` in a read transaction, so that all its reads come from one snapshot.
    async fn read<T, F>(&self, operation: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        self.in_transaction(TransactionBehavior::Deferred, operation)
            .await
    }

    async fn in_transaction<T, F>(
        &self,
        behavior: TransactionBehavior,
        operation: F,
    ) -> Result<T, StoreError>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        self.with_connection(move |connection| {
            let transaction = connection.transaction_with_behavior(behavior)?;
            let value = operation(&transaction)?;
            transaction.commit()?;
            Ok(value)
        })
        .await
    }
}

fn configure(connection: &Connection, options: &OpenOptions) -> Result<(), StoreError> {
    connection.busy_timeout(options.busy_timeout)?;
    // journal_mode returns the mode in effect, which stays "memory" for an in-memory database.
    let _mode: String =
        connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    if let Some(pages) = options.max_page_count {
        connection.pragma_update(None, "max_page_count", pages)?;
    }
    Ok(())
}

fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        let version = index as i64 + 1;
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute_batch(sql)?;
        // user_version lives in the database header, which the transaction covers.
        transaction.pragma_update(None, "user_version", version)?;
        transaction.commit()?;
        tracing::info!(version, "applied database migration");
    }
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_webhook(
        &self,
        new: NewWebhook,
        actor: &str,
        now: Timestamp,
    ) -> Result<CreateOutcome, StoreError> {
        let actor = actor.to_owned();
        self.write(move |tx| webhooks::create(tx, &new, &actor, now))
            .await
    }

    async fn list_active(&self, page: Option<PageRequest>) -> Result<ActivePage, StoreError> {
        self.read(move |tx| webhooks::list_active(tx, page)).await
    }

    async fn list_deleted(&self) -> Result<Vec<WebhookRecord>, StoreError> {
        self.read(|tx| webhooks::list_deleted(tx)).await
    }

    async fn get_webhook(&self, id: &str) -> Result<Option<WebhookRecord>, StoreError> {
        let id = id.to_owned();
        self.read(move |tx| webhooks::get(tx, &id)).await
    }

    async fn permanent_deletion(&self, id: &str) -> Result<Option<PermanentDeletion>, StoreError> {
        let id = id.to_owned();
        self.read(move |tx| webhooks::permanent_deletion(tx, &id))
            .await
    }

    async fn record_lead(&self, lead: NewLead, now: Timestamp) -> Result<LeadOutcome, StoreError> {
        self.write(move |tx| webhooks::record_lead(tx, &lead, now))
            .await
    }

    async fn soft_delete(
        &self,
        request: SoftDeleteRequest,
        now: Timestamp,
    ) -> Result<SoftDeleteOutcome, StoreError> {
        self.write(move |tx| webhooks::soft_delete(tx, &request, now))
            .await
    }

    async fn force_delete(
        &self,
        request: ForceDeleteRequest,
        now: Timestamp,
    ) -> Result<ForceDeleteOutcome, StoreError> {
        self.write(move |tx| webhooks::force_delete(tx, &request, now))
            .await
    }

    async fn restore(
        &self,
        request: RestoreRequest,
        now: Timestamp,
    ) -> Result<RestoreOutcome, StoreError> {
        self.write(move |tx| webhooks::restore(tx, &request, now))
            .await
    }

    async fn set_enabled(
        &self,
        id: &str,
        enabled: bool,
        actor: &str,
        now: Timestamp,
    ) -> Result<StatusOutcome, StoreError> {
        let (id, actor) = (id.to_owned(), actor.to_owned());
        self.write(move |tx| webhooks::set_enabled(tx, &id, enabled, &actor, now))
            .await
    }

    async fn audit_events(&self, query: AuditQuery) -> Result<AuditRows, StoreError> {
        self.read(move |tx| audit::page(tx, &query)).await
    }

    async fn queue_stats(&self, now: Timestamp) -> Result<QueueStats, StoreError> {
        self.read(move |tx| jobs::stats(tx, now)).await
    }

    async fn data_revision(&self, now: Timestamp) -> Result<DataRevision, StoreError> {
        self.read(move |tx| revision::read(tx, now)).await
    }

    async fn list_jobs(&self, state: JobState, limit: u32) -> Result<Vec<Job>, StoreError> {
        self.read(move |tx| jobs::list(tx, state, limit)).await
    }

    async fn next_wake_at(&self) -> Result<Option<Timestamp>, StoreError> {
        self.read(|tx| jobs::next_wake_at(tx)).await
    }

    async fn claim_due_jobs(
        &self,
        now: Timestamp,
        lease_expires_at: Timestamp,
        limit: u32,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        self.write(move |tx| jobs::claim_due(tx, now, lease_expires_at, limit))
            .await
    }

    async fn complete_job(
        &self,
        claim: &ClaimedJob,
        now: Timestamp,
    ) -> Result<PurgeOutcome, StoreError> {
        let claim = claim.clone();
        self.write(move |tx| jobs::complete(tx, &claim, now)).await
    }

    async fn retry_job(
        &self,
        job_id: &str,
        actor: &str,
        now: Timestamp,
    ) -> Result<RetryOutcome, StoreError> {
        let (job_id, actor) = (job_id.to_owned(), actor.to_owned());
        self.write(move |tx| jobs::retry(tx, &job_id, &actor, now))
            .await
    }

    async fn retry_dead_letters(
        &self,
        actor: &str,
        now: Timestamp,
    ) -> Result<Vec<Job>, StoreError> {
        let actor = actor.to_owned();
        self.write(move |tx| jobs::retry_all(tx, &actor, now)).await
    }

    async fn check_integrity(&self) -> Result<Vec<IntegrityIssue>, StoreError> {
        self.read(|tx| integrity::check(tx)).await
    }

    async fn fail_job(
        &self,
        claim: &ClaimedJob,
        error: &str,
        retry_at: Timestamp,
        now: Timestamp,
    ) -> Result<FailureOutcome, StoreError> {
        let (claim, error) = (claim.clone(), error.to_owned());
        self.write(move |tx| jobs::fail(tx, &claim, &error, retry_at, now))
            .await
    }

    async fn create_token(
        &self,
        new: NewToken,
        actor: &str,
        now: Timestamp,
    ) -> Result<CreateTokenOutcome, StoreError> {
        let actor = actor.to_owned();
        self.write(move |tx| tokens::create(tx, &new, &actor, now))
            .await
    }

    async fn list_tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        self.read(|tx| tokens::list(tx)).await
    }

    async fn find_token(&self, token_sha256: &str) -> Result<Option<TokenRecord>, StoreError> {
        let token_sha256 = token_sha256.to_owned();
        self.read(move |tx| tokens::find(tx, &token_sha256)).await
    }

    async fn touch_token(
        &self,
        id: &str,
        now: Timestamp,
        stale_before: Timestamp,
    ) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.write(move |tx| tokens::touch(tx, &id, now, stale_before))
            .await
    }

    async fn revoke_token(
        &self,
        key: &str,
        actor: &str,
        now: Timestamp,
    ) -> Result<RevokeTokenOutcome, StoreError> {
        let (key, actor) = (key.to_owned(), actor.to_owned());
        self.write(move |tx| tokens::revoke(tx, &key, &actor, now))
            .await
    }

    async fn count_tokens(&self) -> Result<u64, StoreError> {
        self.read(|tx| tokens::count(tx)).await
    }

    async fn lead_key(&self, webhook_id: &str) -> Result<LeadKey, StoreError> {
        let webhook_id = webhook_id.to_owned();
        self.read(move |tx| signing::lead_key(tx, &webhook_id))
            .await
    }

    async fn set_signing_secret(
        &self,
        webhook_id: &str,
        secret: &str,
        actor: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let (webhook_id, secret, actor) =
            (webhook_id.to_owned(), secret.to_owned(), actor.to_owned());
        self.write(move |tx| signing::set_secret(tx, &webhook_id, &secret, &actor, now))
            .await
    }

    async fn count_signature_rejection(&self, webhook_id: &str) -> Result<(), StoreError> {
        let webhook_id = webhook_id.to_owned();
        self.write(move |tx| signing::count_rejection(tx, &webhook_id))
            .await
    }
}

#[cfg(test)]
mod tests;
