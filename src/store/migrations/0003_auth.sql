-- API tokens, lead signing secrets, and the audit event types that record them.
--
-- A token is stored only as the SHA-256 of its text, so a copy of the database does not hand
-- out working tokens. At most one unrevoked token has a given name, so that a name identifies
-- the token to revoke. Revoked tokens stay, so that the audit trail can name them.

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT,
    revoked_by TEXT,
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
) STRICT;

CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;

-- The HMAC-SHA256 key of X-Webhook-Signature. NULL for webhooks created before this
-- migration: they reject every lead until an admin sets a secret.
ALTER TABLE webhooks ADD COLUMN signing_secret TEXT;
-- Leads rejected for a missing or invalid signature, over the webhook's whole life.
ALTER TABLE webhooks ADD COLUMN rejected_signatures INTEGER NOT NULL DEFAULT 0;

-- SQLite cannot change a CHECK constraint in place, so audit_events is rebuilt as in 0002,
-- keeping every row, id and trigger. Token events have an empty webhook_id and webhook_name.
CREATE TABLE audit_events_v3 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT NOT NULL,
    webhook_name TEXT NOT NULL,
    event_type TEXT NOT NULL CHECK (
        event_type IN ('created', 'soft_deleted', 'restored', 'force_deleted', 'purged',
            'job_cancelled', 'job_failed', 'job_dead_lettered', 'job_retried', 'enabled',
            'disabled', 'token_created', 'token_revoked', 'signing_secret_rotated')
    ),
    actor TEXT NOT NULL,
    reason TEXT,
    job_id TEXT,
    details TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
) STRICT;

INSERT INTO audit_events_v3
    (id, webhook_id, webhook_name, event_type, actor, reason, job_id, details, created_at)
SELECT id, webhook_id, webhook_name, event_type, actor, reason, job_id, details, created_at
FROM audit_events;

DROP TABLE audit_events;
ALTER TABLE audit_events_v3 RENAME TO audit_events;

CREATE INDEX audit_events_by_webhook ON audit_events (webhook_id, id);
CREATE INDEX audit_events_by_type ON audit_events (event_type, id);
CREATE INDEX audit_events_by_actor ON audit_events (actor, id);
CREATE INDEX audit_events_by_job ON audit_events (job_id, event_type) WHERE job_id IS NOT NULL;

CREATE TRIGGER audit_events_reject_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_reject_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
