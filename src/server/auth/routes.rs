//! `GET /whoami` and token management over HTTP: `GET /tokens`, `POST /tokens` and
//! `DELETE /tokens/{id}`, which need the admin role.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::json;

use super::{error_response, generate_token, hash_token, Caller};
use crate::api::{
    CreateTokenRequest, CreateTokenResponse, RevokeTokenResponse, TokenInfo, TokenList, WhoAmI,
};
use crate::server::error::ApiError;
use crate::server::extract::{Actor, JsonBody, PathId, MAX_ACTOR_CHARS};
use crate::server::validate;
use crate::server::AppState;
use crate::store::{CreateTokenOutcome, NewToken, RevokeTokenOutcome, TokenRecord};

/// Maximum length of a token name, in characters. A token's name is recorded as the acting
/// user of its requests, so it has the limit of `X-User-ID`.
pub const MAX_TOKEN_NAME_CHARS: usize = MAX_ACTOR_CHARS;

pub(crate) fn token_info(record: TokenRecord) -> TokenInfo {
    TokenInfo {
        id: record.id,
        name: record.name,
        role: record.role,
        created_at: record.created_at,
        created_by: record.created_by,
        last_used_at: record.last_used_at,
        revoked_at: record.revoked_at,
    }
}

/// Checks a token name with the rules of [`validate::actor_name`], because the audit trail
/// records the name as the acting user of the token's requests. Returns the trimmed name.
///
/// # Errors
///
/// A message that shows the name and states the rule it breaks.
pub fn validate_token_name(name: &str) -> Result<String, String> {
    validate::actor_name(name)
        .map_err(|problem| format!("invalid token name '{}': {problem}", validate::shown(name)))
}

/// Returns the caller's token name, role and the user its audit events record.
pub async fn whoami(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Actor(actor): Actor,
) -> Json<WhoAmI> {
    Json(WhoAmI {
        name: caller.name,
        role: caller.role,
        token_id: caller.token_id,
        acting_user: actor,
        trusts_user_header: caller.trust_user_header,
        timestamp: state.now(),
    })
}

/// Lists every stored token, revoked ones included. Session tokens are not stored, so they
/// are not listed.
pub async fn list_tokens(State(state): State<AppState>) -> Result<Json<TokenList>, ApiError> {
    let tokens = state.store.list_tokens().await?;
    Ok(Json(TokenList {
        tokens: tokens.into_iter().map(token_info).collect(),
        timestamp: state.now(),
    }))
}

/// Returns whether `key` names the token `token_id` as [`revoke_token`] resolves it: by id
/// first, else by the name of an unrevoked token, which is unique.
async fn resolves_to(state: &AppState, key: &str, token_id: &str) -> Result<bool, ApiError> {
    let tokens = state.store.list_tokens().await?;
    let by_id = tokens.iter().find(|token| token.id == key);
    let target = by_id.or_else(|| {
        tokens
            .iter()
            .find(|token| token.name == key && token.revoked_at.is_none())
    });
    Ok(target.is_some_and(|token| token.id == token_id))
}

/// Creates a token and returns its text, the only time the server shows it.
pub async fn create_token(
    State(state): State<AppState>,
    Actor(actor): Actor,
    JsonBody(request): JsonBody<CreateTokenRequest>,
) -> Result<Response, ApiError> {
    let name = validate_token_name(&request.name)
        .map_err(|message| ApiError::invalid("Invalid field", message))?;
    let token = generate_token();
    let new = NewToken {
        name,
        role: request.role,
        token_sha256: hash_token(&token),
    };
    let now = state.now();
    match state.store.create_token(new, &actor, now).await? {
        CreateTokenOutcome::Created(record) => {
            tracing::info!(token_id = %record.id, name = %record.name, role = %record.role, %actor, "token created");
            let response = CreateTokenResponse {
                status: "success".to_owned(),
                message: format!(
                    "Token '{}' created with the {} role; store it now, because it is not shown again",
                    record.name, record.role
                ),
                token,
                info: token_info(record),
                timestamp: now,
            };
            Ok((StatusCode::CREATED, Json(response)).into_response())
        }
        CreateTokenOutcome::NameTaken { name } => Ok(error_response(
            StatusCode::CONFLICT,
            "Token name taken",
            format!(
                "an unrevoked token is already named '{name}'; revoke it first or choose \
                 another name"
            ),
            json!({ "name": name }),
            now,
        )),
    }
}

/// Revokes a token by id or by the name of an unrevoked token. Requests with it fail from
/// the next request on. A token cannot revoke itself, because that would lock its holder out
/// at once and, for the last stored admin token, leave nobody able to manage tokens over HTTP.
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Actor(actor): Actor,
    PathId(key): PathId,
) -> Result<Response, ApiError> {
    let now = state.now();
    if let Some(own_id) = caller.token_id.as_deref() {
        if resolves_to(&state, &key, own_id).await? {
            tracing::info!(
                token_id = own_id,
                %actor,
                "rejected a request to revoke the token that sent it"
            );
            return Ok(error_response(
                StatusCode::CONFLICT,
                "Token in use",
                format!(
                    "token '{}' ({own_id}) sent this request and cannot revoke itself; revoke \
                     it with another admin token, or with hookgrace token revoke {own_id} \
                     --db PATH",
                    caller.name
                ),
                json!({ "token_id": own_id }),
                now,
            ));
        }
    }
    match state.store.revoke_token(&key, &actor, now).await? {
        RevokeTokenOutcome::Revoked(record) => {
            tracing::info!(token_id = %record.id, name = %record.name, %actor, "token revoked");
            let response = RevokeTokenResponse {
                status: "success".to_owned(),
                message: format!("Token '{}' ({}) revoked", record.name, record.id),
                info: token_info(record),
                timestamp: now,
            };
            Ok(Json(response).into_response())
        }
        RevokeTokenOutcome::AlreadyRevoked(record) => Ok(error_response(
            StatusCode::CONFLICT,
            "Token already revoked",
            format!(
                "token '{}' ({}) was already revoked at {}",
                record.name,
                record.id,
                record
                    .revoked_at
                    .map(|at| at.to_string())
                    .unwrap_or_default()
            ),
            json!({ "token_id": record.id }),
            now,
        )),
        RevokeTokenOutcome::NotFound => {
            let truncated_key: String = key.chars().take(100).collect();
            Ok(error_response(
                StatusCode::NOT_FOUND,
                "Token not found",
                format!(
                    "no token has the id '{truncated_key}' and no unrevoked token has that name; GET \
                     /tokens lists them"
                ),
                json!({}),
                now,
            ))
        }
    }
}
