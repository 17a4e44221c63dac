//! API tokens: create, list, look up by hash, record use, revoke. Only the SHA-256 of a
//! token's text is stored.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, ToSql};
use serde_json::json;

use super::audit::{self, NewAuditEvent};
use super::rows::random_id;
use crate::api::{Role, Timestamp};
use crate::store::{
    AuditEventType, CreateTokenOutcome, NewToken, RevokeTokenOutcome, StoreError, TokenRecord,
};

impl ToSql for Role {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Text(
            self.as_str().as_bytes(),
        )))
    }
}

impl FromSql for Role {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Role::parse(text)
            .ok_or_else(|| FromSqlError::Other(format!("unknown role '{text}'").into()))
    }
}

const COLUMNS: &str =
    "id, name, role, created_at, created_by, last_used_at, revoked_at FROM api_tokens";

fn token_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<TokenRecord> {
    Ok(TokenRecord {
        id: row.get(0)?,
        name: row.get(1)?,
        role: row.get(2)?,
        created_at: row.get(3)?,
        created_by: row.get(4)?,
        last_used_at: row.get(5)?,
        revoked_at: row.get(6)?,
    })
}

/// Inserts a token and its `token_created` event, unless an unrevoked token has its name.
pub(super) fn create(
    conn: &Connection,
    new: &NewToken,
    actor: &str,
    now: Timestamp,
) -> Result<CreateTokenOutcome, StoreError> {
    let taken: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM api_tokens WHERE name = ?1 AND revoked_at IS NULL)",
        )?
        .query_row([&new.name], |row| row.get(0))?;
    if taken {
        return Ok(CreateTokenOutcome::NameTaken {
            name: new.name.clone(),
        });
    }
    let record = TokenRecord {
        id: random_id("tok_"),
        name: new.name.clone(),
        role: new.role,
        created_at: now,
        created_by: actor.to_owned(),
        last_used_at: None,
        revoked_at: None,
    };
    conn.prepare_cached(
        "INSERT INTO api_tokens (id, name, role, token_sha256, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        record.id,
        record.name,
        record.role,
        new.token_sha256,
        now,
        actor
    ])?;
    append_event(conn, AuditEventType::TokenCreated, &record, actor, now)?;
    Ok(CreateTokenOutcome::Created(record))
}

/// Lists every token, revoked ones included, oldest first.
pub(super) fn list(conn: &Connection) -> Result<Vec<TokenRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} ORDER BY created_at, id");
    let tokens = conn
        .prepare_cached(&sql)?
        .query_map([], token_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(tokens)
}

/// Finds the token whose text hashes to `token_sha256`, revoked or not.
pub(super) fn find(
    conn: &Connection,
    token_sha256: &str,
) -> Result<Option<TokenRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} WHERE token_sha256 = ?1");
    let token = conn
        .prepare_cached(&sql)?
        .query_row([token_sha256], token_from_row)
        .optional()?;
    Ok(token)
}

/// Sets `last_used_at` to `now` unless it is already later than `stale_before`, so that a
/// token polled every second costs one write a minute rather than one per request.
pub(super) fn touch(
    conn: &Connection,
    id: &str,
    now: Timestamp,
    stale_before: Timestamp,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE api_tokens SET last_used_at = ?2
         WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?3)",
    )?
    .execute(params![id, now, stale_before])?;
    Ok(())
}

/// Revokes the token with id `key`, or else the unrevoked token named `key`, and writes
/// `token_revoked`.
pub(super) fn revoke(
    conn: &Connection,
    key: &str,
    actor: &str,
    now: Timestamp,
) -> Result<RevokeTokenOutcome, StoreError> {
    let by_id = format!("SELECT {COLUMNS} WHERE id = ?1");
    let by_name = format!("SELECT {COLUMNS} WHERE name = ?1 AND revoked_at IS NULL");
    let mut token = conn
        .prepare_cached(&by_id)?
        .query_row([key], token_from_row)
        .optional()?;
    if token.is_none() {
        token = conn
            .prepare_cached(&by_name)?
            .query_row([key], token_from_row)
            .optional()?;
    }
    let Some(mut token) = token else {
        return Ok(RevokeTokenOutcome::NotFound);
    };
    if token.revoked_at.is_some() {
        return Ok(RevokeTokenOutcome::AlreadyRevoked(token));
    }
    conn.prepare_cached("UPDATE api_tokens SET revoked_at = ?2, revoked_by = ?3 WHERE id = ?1")?
        .execute(params![token.id, now, actor])?;
    token.revoked_at = Some(now);
    append_event(conn, AuditEventType::TokenRevoked, &token, actor, now)?;
    Ok(RevokeTokenOutcome::Revoked(token))
}

/// Counts the tokens ever created, revoked ones included.
pub(super) fn count(conn: &Connection) -> Result<u64, StoreError> {
    let count = conn
        .prepare_cached("SELECT COUNT(*) FROM api_tokens")?
        .query_row([], |row| row.get(0))?;
    Ok(count)
}

/// Appends a token event. Token events belong to no webhook, so their webhook id and name
/// are empty.
fn append_event(
    conn: &Connection,
    event_type: AuditEventType,
    token: &TokenRecord,
    actor: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    audit::append(
        conn,
        &NewAuditEvent {
            webhook_id: "",
            webhook_name: "",
            event_type,
            actor,
            reason: None,
            job_id: None,
            details: json!({
                "token_id": token.id,
                "token_name": token.name,
                "role": token.role,
            }),
        },
        now,
    )?;
    Ok(())
}
