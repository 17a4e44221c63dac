//! `GET /webhook`, `POST /webhook`, `GET /webhook/{id}` and `PATCH /webhook/{id}/status`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::extract::{Actor, JsonBody, QueryParams, WebhookId};
use super::{deleted, endpoints, validate, AppState};
use crate::api::{
    self, format_webhook_id, id::MAX_ID_LEN, parse_webhook_id, paths, CreateWebhookRequest,
    CreateWebhookResponse, CreatedWebhook, DeletionStatus, StatusUpdateRequest,
    StatusUpdateResponse, WebhookConfig, WebhookDetail, WebhookList, WebhookSummary,
};
use crate::store::{CreateOutcome, NewWebhook, PageRequest, StatusOutcome, Webhook, WebhookIdSpec};

/// Maximum length of a webhook name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Maximum length of a description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1000;
/// Maximum length of `type`, in characters.
pub const MAX_TYPE_CHARS: usize = 40;
/// Maximum length of `category`, in characters.
pub const MAX_CATEGORY_CHARS: usize = 50;
/// Maximum page size of `GET /webhook`.
pub const MAX_PAGE_SIZE: u32 = 500;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    limit: Option<String>,
    offset: Option<String>,
}

/// Lists active webhooks (disabled ones included). Without `limit` or `offset` it returns
/// every row, as the existing deployment does.
pub async fn list(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<WebhookList>, ApiError> {
    let page = match (&query.limit, &query.offset) {
        (None, None) => None,
        (limit, offset) => Some(PageRequest {
            offset: validate::offset(offset.as_deref())?,
            limit: match limit {
                Some(limit) => Some(u64::from(validate::limit(
                    Some(limit),
                    MAX_PAGE_SIZE,
                    MAX_PAGE_SIZE,
                )?)),
                None => None,
            },
        }),
    };
    let result = state.store.list_active(page).await?;
    let next_offset = page.and_then(|page| {
        let end = page.offset + result.webhooks.len() as u64;
        (end < result.total).then_some(end)
    });
    Ok(Json(WebhookList {
        service: api::SERVICE_NAME.to_owned(),
        total_webhooks: result.total,
        webhooks: result.webhooks.iter().map(summary).collect(),
        usage: usage(),
        timestamp: state.now(),
        next_offset,
    }))
}

fn summary(webhook: &Webhook) -> WebhookSummary {
    WebhookSummary {
        id: webhook.id.clone(),
        name: webhook.name.clone(),
        kind: webhook.kind.clone(),
        region: webhook.region.clone(),
        category: webhook.category.clone(),
        enabled: webhook.enabled,
        endpoints: endpoints(&webhook.id),
        total_leads: webhook.total_leads,
        conversion_rate: webhook.conversion_rate(),
        total_revenue: webhook.total_revenue,
        created_at: webhook.created_at,
        last_lead_at: webhook.last_lead_at,
        description: webhook.description.clone(),
    }
}

fn usage() -> serde_json::Value {
    json!({
        "create": "POST /webhook with {name, type, region, category}",
        "send_lead": "POST /webhook/{id} with a JSON object; an optional numeric revenue field counts as a conversion",
        "soft_delete": "DELETE /webhook/{id}?reason=<why>",
        "force_delete": "DELETE /webhook/{id}?force=true&confirm=<exact name>&reason=<why>",
        "restore": "POST /webhook/{id}/restore",
        "pagination": "GET /webhook?limit=<1-500>&offset=<n>; next_offset is set while more rows follow",
    })
}

/// Creates a webhook. Without `id`, the id is built from `prefix`, `region`, `category` and
/// the next number never used for them.
pub async fn create(
    State(state): State<AppState>,
    Actor(actor): Actor,
    JsonBody(request): JsonBody<CreateWebhookRequest>,
) -> Result<(StatusCode, Json<CreateWebhookResponse>), ApiError> {
    let mut new = validate_new_webhook(&request)?;
    let signing_secret = super::leads::new_signing_secret();
    new.signing_secret = Some(signing_secret.clone());
    let now = state.now();
    let webhook = match state.store.create_webhook(new, &actor, now).await? {
        CreateOutcome::Created(webhook) => webhook,
        CreateOutcome::IdTaken { id } => return Err(ApiError::IdTaken { id }),
        CreateOutcome::IdRetired {
            id,
            deletion,
            leads_preserved,
        } => {
            return Err(ApiError::IdRetired {
                id,
                deletion: deletion.map(Box::new),
                leads_preserved,
            })
        }
        CreateOutcome::NumbersExhausted { pattern } => {
            return Err(ApiError::NumbersExhausted { pattern })
        }
    };
    tracing::info!(webhook_id = %webhook.id, %actor, "webhook created");
    let response = CreateWebhookResponse {
        status: "success".to_owned(),
        message: format!("Webhook '{}' created with id {}", webhook.name, webhook.id),
        webhook: CreatedWebhook {
            id: webhook.id.clone(),
            name: webhook.name.clone(),
            kind: webhook.kind.clone(),
            region: webhook.region.clone(),
            category: webhook.category.clone(),
            endpoints: endpoints(&webhook.id),
        },
        timestamp: now,
        signing_secret: Some(signing_secret),
    };
    Ok((StatusCode::CREATED, Json(response)))
}

fn validate_new_webhook(request: &CreateWebhookRequest) -> Result<NewWebhook, ApiError> {
    let name = validate::required_text("name", &request.name, MAX_NAME_CHARS)?;
    let kind = validate::slug("type", &request.kind, MAX_TYPE_CHARS)?;
    let region = validate::required_text("region", &request.region, 3)?;
    if !(2..=3).contains(&region.len()) || !region.chars().all(|c| c.is_ascii_lowercase()) {
        return Err(ApiError::invalid(
            "Invalid field",
            format!(
                "invalid region '{}': use 2 or 3 lowercase letters such as cal",
                validate::shown(&region)
            ),
        ));
    }
    let category = validate::required_text("category", &request.category, MAX_CATEGORY_CHARS)?;
    if !category.chars().all(|c| c.is_ascii_lowercase()) {
        return Err(ApiError::invalid(
            "Invalid field",
            format!(
                "invalid category '{}': use lowercase letters such as solar",
                validate::shown(&category)
            ),
        ));
    }
    let description = match &request.description {
        Some(text) => Some(validate::optional_text(
            "description",
            text,
            MAX_DESCRIPTION_CHARS,
        )?)
        .filter(|text| !text.is_empty()),
        None => None,
    };
    let given_id = request
        .id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty());
    let prefix = request
        .prefix
        .as_deref()
        .map(str::trim)
        .filter(|prefix| !prefix.is_empty());
    let id = match given_id {
        Some(id) => {
            check_given_id(id, prefix, &region, &category)?;
            WebhookIdSpec::Given(id.to_owned())
        }
        None => {
            check_prefix(prefix, &region, &category)?;
            WebhookIdSpec::Next {
                prefix: prefix.map(str::to_owned),
            }
        }
    };
    Ok(NewWebhook {
        id,
        name,
        description,
        kind,
        region,
        category,
        signing_secret: None,
    })
}

/// Checks a client-chosen id against the pattern and against the body's `region`, `category`
/// and `prefix`, which it repeats.
fn check_given_id(
    id: &str,
    prefix: Option<&str>,
    region: &str,
    category: &str,
) -> Result<(), ApiError> {
    let parts = parse_webhook_id(id)?;
    let mismatch = |part: &str, in_id: &str, in_body: &str| {
        ApiError::invalid(
            "Invalid field",
            format!(
                "id '{id}' has {part} '{in_id}' but the body has {part} '{in_body}'; make them \
                 agree, or omit id to get the next free number"
            ),
        )
    };
    if parts.region != region {
        return Err(mismatch("region", parts.region, region));
    }
    if parts.category != category {
        return Err(mismatch("category", parts.category, category));
    }
    if let Some(prefix) = prefix {
        if parts.prefix != Some(prefix) {
            return Err(mismatch("prefix", parts.prefix.unwrap_or(""), prefix));
        }
    }
    Ok(())
}

/// Checks that `prefix`, `region` and `category` form a valid id once a number is added.
fn check_prefix(prefix: Option<&str>, region: &str, category: &str) -> Result<(), ApiError> {
    // The number is a placeholder: this only checks that the parts form a valid id.
    let sample = format_webhook_id(prefix, region, category, 1);
    if sample.len() > MAX_ID_LEN {
        return Err(ApiError::invalid(
            "Invalid field",
            format!(
                "prefix, region and category make an id of {} characters; the maximum is \
                 {MAX_ID_LEN}, so use a shorter prefix",
                sample.len()
            ),
        ));
    }
    parse_webhook_id(&sample).map_err(|_| {
        ApiError::invalid(
            "Invalid field",
            format!(
                "invalid prefix '{}': use lowercase letters, digits and dashes",
                validate::shown(prefix.unwrap_or_default())
            ),
        )
    })?;
    Ok(())
}

/// Shows one webhook, active or soft-deleted, with its deletion status.
pub async fn detail(
    State(state): State<AppState>,
    WebhookId(id): WebhookId,
) -> Result<Json<WebhookDetail>, ApiError> {
    let Some(record) = state.store.get_webhook(&id).await? else {
        return Err(deleted::not_found(&state, id, false).await);
    };
    let now = state.now();
    let webhook = &record.webhook;
    let deletion = webhook.deletion.as_ref();
    let job = record.job.as_ref();
    let seconds_until_deletion =
        deletion.map(|deletion| deleted::seconds_until(now, deletion.scheduled_deletion_at));
    let note = match deletion {
        Some(deletion) if deleted::can_restore(deletion, job, now) => Some(format!(
            "Soft-deleted: leads are rejected, and it will be purged at {}. Restore it before \
             then with POST {}.",
            deletion.scheduled_deletion_at,
            paths::restore(&id)
        )),
        Some(deletion) => Some(format!(
            "Soft-deleted: its grace period ended at {} and it can no longer be restored.",
            deletion.scheduled_deletion_at
        )),
        None if !webhook.enabled => {
            Some("Disabled: leads are rejected until it is enabled again.".to_owned())
        }
        None => None,
    };
    Ok(Json(WebhookDetail {
        status: if deletion.is_some() {
            "soft_deleted"
        } else {
            "healthy"
        }
        .to_owned(),
        webhook_id: id.clone(),
        config: WebhookConfig {
            name: webhook.name.clone(),
            description: webhook.description.clone(),
            kind: webhook.kind.clone(),
            region: webhook.region.clone(),
            category: webhook.category.clone(),
            total_leads: webhook.total_leads,
            created_at: webhook.created_at,
            enabled: Some(webhook.enabled),
        },
        deletion_status: DeletionStatus {
            is_deleted: deletion.is_some(),
            deleted_at: deletion.map(|deletion| deletion.deleted_at),
            scheduled_deletion_at: deletion.map(|deletion| deletion.scheduled_deletion_at),
            deleted_by: deletion.map(|deletion| deletion.deleted_by.clone()),
            deletion_reason: deletion.map(|deletion| deletion.reason.clone()),
            can_restore: deletion.is_some_and(|deletion| deleted::can_restore(deletion, job, now)),
            seconds_until_deletion,
            job_id: deletion.map(|deletion| deletion.job_id.clone()),
        },
        endpoints: endpoints(&id),
        note,
        timestamp: now,
        rejected_leads_since_deletion: deletion.map(|deletion| deletion.rejected_leads),
        job: job.map(deleted::job_status),
        rejected_signatures: Some(webhook.rejected_signatures),
    }))
}

/// Enables or disables an active webhook.
pub async fn set_status(
    State(state): State<AppState>,
    Actor(actor): Actor,
    WebhookId(id): WebhookId,
    JsonBody(request): JsonBody<StatusUpdateRequest>,
) -> Result<Json<StatusUpdateResponse>, ApiError> {
    let now = state.now();
    let changed = match state
        .store
        .set_enabled(&id, request.enabled, &actor, now)
        .await?
    {
        StatusOutcome::Updated { changed } => changed,
        StatusOutcome::NotFound => return Err(deleted::not_found(&state, id, false).await),
        StatusOutcome::SoftDeleted => return Err(ApiError::SoftDeletedWebhook { id }),
    };
    let word = if request.enabled {
        "enabled"
    } else {
        "disabled"
    };
    let message = if changed {
        tracing::info!(webhook_id = %id, %actor, enabled = request.enabled, "webhook status changed");
        format!("Webhook '{id}' {word}")
    } else {
        format!("Webhook '{id}' was already {word}")
    };
    Ok(Json(StatusUpdateResponse {
        status: "success".to_owned(),
        message,
        webhook_id: id,
        enabled: request.enabled,
        timestamp: now,
    }))
}
