-- Adds the 'job_retried' audit event type, written when an operator moves a dead-lettered job
-- back to pending, and an index that finds the events of one job.
--
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt. DROP TABLE removes
-- the append-only triggers before it empties the table, so they do not fire; the copy keeps
-- every id, and the AUTOINCREMENT counter follows the table through the rename.

CREATE TABLE audit_events_v2 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT NOT NULL,
    webhook_name TEXT NOT NULL,
    event_type TEXT NOT NULL CHECK (
        event_type IN ('created', 'soft_deleted', 'restored', 'force_deleted', 'purged',
            'job_cancelled', 'job_failed', 'job_dead_lettered', 'job_retried', 'enabled',
            'disabled')
    ),
    actor TEXT NOT NULL,
    reason TEXT,
    job_id TEXT,
    details TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
) STRICT;

INSERT INTO audit_events_v2
    (id, webhook_id, webhook_name, event_type, actor, reason, job_id, details, created_at)
SELECT id, webhook_id, webhook_name, event_type, actor, reason, job_id, details, created_at
FROM audit_events;

DROP TABLE audit_events;
ALTER TABLE audit_events_v2 RENAME TO audit_events;

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
