-- Initial schema. Applied migrations are never edited; later changes go in new files.
--
-- Every timestamp is TEXT in one fixed-width form, 2026-03-01T10:00:00.000Z, written by the
-- application from its clock, so text order is time order. No table references another with a
-- foreign key: leads, jobs and audit events must outlive the webhook they belong to.

CREATE TABLE webhooks (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    type TEXT NOT NULL,
    region TEXT NOT NULL,
    category TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_lead_at TEXT,
    total_leads INTEGER NOT NULL DEFAULT 0,
    converted_leads INTEGER NOT NULL DEFAULT 0,
    total_revenue REAL NOT NULL DEFAULT 0,
    -- Soft delete: all of these are set together, or none.
    deleted_at TEXT,
    deleted_by TEXT,
    deletion_reason TEXT,
    scheduled_deletion_at TEXT,
    deletion_job_id TEXT,
    enabled_before_deletion INTEGER CHECK (enabled_before_deletion IN (0, 1)),
    rejected_leads_since_deletion INTEGER NOT NULL DEFAULT 0,
    CHECK (
        (deleted_at IS NULL AND deleted_by IS NULL AND deletion_reason IS NULL
            AND scheduled_deletion_at IS NULL AND deletion_job_id IS NULL
            AND enabled_before_deletion IS NULL)
        OR (deleted_at IS NOT NULL AND deleted_by IS NOT NULL AND deletion_reason IS NOT NULL
            AND scheduled_deletion_at IS NOT NULL AND deletion_job_id IS NOT NULL
            AND enabled_before_deletion IS NOT NULL)
    )
) STRICT;

CREATE INDEX webhooks_active ON webhooks (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_soft_deleted ON webhooks (scheduled_deletion_at, id)
    WHERE deleted_at IS NOT NULL;

-- Leads are never deleted. webhook_id is a plain value so a purge leaves them in place.
CREATE TABLE leads (
    id INTEGER PRIMARY KEY,
    webhook_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    revenue REAL,
    received_at TEXT NOT NULL
) STRICT;

CREATE INDEX leads_by_webhook ON leads (webhook_id);

CREATE TABLE deletion_jobs (
    id TEXT PRIMARY KEY NOT NULL,
    webhook_id TEXT NOT NULL,
    webhook_name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (
        state IN ('pending', 'processing', 'completed', 'failed', 'cancelled', 'dead_letter')
    ),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
    execute_at TEXT NOT NULL,
    next_attempt_at TEXT,
    lease_token TEXT,
    lease_expires_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    completed_at TEXT,
    CHECK ((state = 'processing') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL)),
    CHECK (state <> 'failed' OR next_attempt_at IS NOT NULL)
) STRICT;

-- The consumer's due-job scan: one partial index per claimable state.
CREATE INDEX deletion_jobs_pending_due ON deletion_jobs (execute_at) WHERE state = 'pending';
CREATE INDEX deletion_jobs_failed_due ON deletion_jobs (next_attempt_at) WHERE state = 'failed';
CREATE INDEX deletion_jobs_leases ON deletion_jobs (lease_expires_at) WHERE state = 'processing';
CREATE INDEX deletion_jobs_by_state ON deletion_jobs (state, updated_at);
CREATE INDEX deletion_jobs_by_webhook ON deletion_jobs (webhook_id);

-- Append-only: the triggers below reject every UPDATE and DELETE.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT NOT NULL,
    webhook_name TEXT NOT NULL,
    event_type TEXT NOT NULL CHECK (
        event_type IN ('created', 'soft_deleted', 'restored', 'force_deleted', 'purged',
            'job_cancelled', 'job_failed', 'job_dead_lettered', 'enabled', 'disabled')
    ),
    actor TEXT NOT NULL,
    reason TEXT,
    job_id TEXT,
    details TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
) STRICT;

-- Global newest-first reads walk the primary key; these serve the filters.
CREATE INDEX audit_events_by_webhook ON audit_events (webhook_id, id);
CREATE INDEX audit_events_by_type ON audit_events (event_type, id);
CREATE INDEX audit_events_by_actor ON audit_events (actor, id);

CREATE TRIGGER audit_events_reject_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_reject_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
