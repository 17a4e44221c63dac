-- A revision number that every change to the data behind the list routes increases, so that a
-- poller can learn with one small query that nothing it shows has changed.
--
-- Triggers keep it, so every writer counts, other processes on the same file included. They
-- fire once per changed row; only whether the number moved matters, not by how much.

CREATE TABLE data_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
) STRICT;

INSERT INTO data_revision (id, revision) VALUES (1, 0);

CREATE TRIGGER webhooks_revision_insert AFTER INSERT ON webhooks
BEGIN
    UPDATE data_revision SET revision = revision + 1 WHERE id = 1;
END;

CREATE TRIGGER webhooks_revision_update AFTER UPDATE ON webhooks
BEGIN
    UPDATE data_revision SET revision = revision + 1 WHERE id = 1;
END;

CREATE TRIGGER webhooks_revision_delete AFTER DELETE ON webhooks
BEGIN
    UPDATE data_revision SET revision = revision + 1 WHERE id = 1;
END;

CREATE TRIGGER deletion_jobs_revision_insert AFTER INSERT ON deletion_jobs
BEGIN
    UPDATE data_revision SET revision = revision + 1 WHERE id = 1;
END;

CREATE TRIGGER deletion_jobs_revision_update AFTER UPDATE ON deletion_jobs
BEGIN
    UPDATE data_revision SET revision = revision + 1 WHERE id = 1;
END;

CREATE TRIGGER deletion_jobs_revision_delete AFTER DELETE ON deletion_jobs
BEGIN
    UPDATE data_revision SET revision = revision + 1 WHERE id = 1;
END;

CREATE TRIGGER leads_revision_insert AFTER INSERT ON leads
BEGIN
    UPDATE data_revision SET revision = revision + 1 WHERE id = 1;
END;

CREATE TRIGGER audit_events_revision_insert AFTER INSERT ON audit_events
BEGIN
    UPDATE data_revision SET revision = revision + 1 WHERE id = 1;
END;
