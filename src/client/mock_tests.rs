//! Client tests against small axum servers on loopback ports, most of them core-only.

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::*;

const STAMP: &str = "2026-03-01T10:00:00.000Z";

async fn spawn(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

/// A core-only server: the restore route responds based on the id, and nothing else exists.
fn core_only_router() -> Router {
    Router::new().route(
        "/webhook/{id}/restore",
        post(|Path(id): Path<String>, headers: HeaderMap| async move {
            let user = headers
                .get(USER_HEADER)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("")
                .to_owned();
            if id.ends_with("_404") {
                let body = json!({"error": "Webhook not found",
                    "message": format!("no webhook {id}"), "timestamp": STAMP});
                return (StatusCode::NOT_FOUND, Json(body));
            }
            let body = json!({"status": "success", "message": format!("restored {id}"),
                "webhook_id": id, "restored_by": user, "restored_at": STAMP, "timestamp": STAMP});
            (StatusCode::OK, Json(body))
        }),
    )
}

#[tokio::test]
async fn sends_user_header_and_reads_server_time() {
    let base = spawn(core_only_router()).await;
    let client = ApiClient::new(&base, "alice").unwrap();

    let response = client.restore("ws_cal_solar_001").await.unwrap();

    assert_eq!(response.body.restored_by, "alice");
    assert_eq!(response.server_time, Some(Timestamp::parse(STAMP).unwrap()));
}

#[tokio::test]
async fn core_only_server_reports_no_extensions() {
    let base = spawn(core_only_router()).await;
    let client = ApiClient::new(&base, "alice").unwrap();

    let capabilities = client.capabilities().await.unwrap();
    assert!(capabilities.body.is_core_only());

    let error = client.queue_summary().await.unwrap_err();
    assert_eq!(
        error,
        ApiError::ExtensionMissing {
            extension: extension::QUEUE
        }
    );
    let error = client.audit(&AuditQuery::default()).await.unwrap_err();
    assert!(
        matches!(error, ApiError::ExtensionMissing { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn bulk_restore_falls_back_to_single_restores() {
    let base = spawn(core_only_router()).await;
    let client = ApiClient::new(&base, "alice").unwrap();
    let ids = vec!["ws_cal_solar_001".to_owned(), "ws_cal_solar_404".to_owned()];

    let response = client.bulk_restore(&ids).await.unwrap();

    let results = &response.body.results;
    assert_eq!(results.len(), 2);
    assert!(results[0].restored);
    assert_eq!(results[0].message, "restored ws_cal_solar_001");
    assert!(!results[1].restored);
    assert_eq!(results[1].status, 404);
    assert_eq!(results[1].error.as_deref(), Some("Webhook not found"));
    assert_eq!(response.body.restored, 1);
    assert_eq!(response.body.failed, 1);
}

#[tokio::test]
async fn bulk_restore_uses_bulk_route_when_present() {
    let router = Router::new().route(
        "/webhooks/restore",
        post(|Json(request): Json<Value>| async move {
            let ids = request["ids"].as_array().cloned().unwrap_or_default();
            let results: Vec<Value> = ids
                .iter()
                .map(|id| {
                    json!({"webhook_id": id, "status": 200, "restored": true,
                    "message": "restored in bulk"})
                })
                .collect();
            Json(
                json!({"results": results, "restored": ids.len(), "failed": 0,
                "timestamp": STAMP}),
            )
        }),
    );
    let base = spawn(router).await;
    let client = ApiClient::new(&base, "alice").unwrap();

    let response = client
        .bulk_restore(&["ws_cal_solar_001".to_owned()])
        .await
        .unwrap();

    assert_eq!(response.body.results[0].message, "restored in bulk");
}

#[tokio::test]
async fn decode_error_names_the_url() {
    let router = Router::new().route("/webhook", get(|| async { "not json" }));
    let base = spawn(router).await;
    let client = ApiClient::new(&base, "alice").unwrap();

    let error = client.list_active().await.unwrap_err();

    assert!(matches!(error, ApiError::Decode { .. }), "{error:?}");
    assert!(error.to_string().contains("/webhook"), "{error}");
}

#[tokio::test]
async fn closed_port_is_unreachable() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = ApiClient::new(&format!("http://{addr}"), "alice").unwrap();

    let error = client.list_deleted().await.unwrap_err();

    assert!(error.is_transport(), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("cannot connect to http://127.0.0.1:"),
        "{error}"
    );
}

#[tokio::test]
async fn restore_each_stops_after_transport_failure() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = ApiClient::new(&format!("http://{addr}"), "alice").unwrap();
    let ids = vec!["ws_cal_solar_001".to_owned(), "ws_cal_solar_002".to_owned()];

    let response = client.restore_each(&ids).await;

    let results = &response.body.results;
    assert_eq!(results[0].error.as_deref(), Some("request failed"));
    assert_eq!(results[1].error.as_deref(), Some("not attempted"));
    assert_eq!(response.body.failed, 2);
    assert_eq!(response.server_time, None);
}

#[tokio::test]
async fn null_revenue_keeps_the_whole_list() {
    let body = json!({"service": "hookgrace", "total_webhooks": 2, "timestamp": STAMP,
    "webhooks": [
        {"id": "ws_cal_solar_001", "name": "Solar CA", "type": "solar", "region": "cal",
         "category": "solar", "enabled": true, "endpoints": {"health": "/h", "receive": "/r"},
         "total_leads": 2, "conversion_rate": null, "total_revenue": null,
         "created_at": STAMP},
        {"id": "ws_tx_roof_002", "name": "Roofing TX", "type": "roof", "region": "tx",
         "category": "roof", "enabled": true, "endpoints": {"health": "/h", "receive": "/r"},
         "total_leads": null, "created_at": STAMP}
    ]});
    let router = Router::new().route(
        "/webhook",
        get(move || {
            let body = body.clone();
            async move { Json(body) }
        }),
    );
    let base = spawn(router).await;
    let client = ApiClient::new(&base, "alice").unwrap();

    let plain = client.list_active().await.unwrap();
    let conditional =
        ops::get_conditional::<crate::api::WebhookList>(&client, paths::WEBHOOKS, &[], None)
            .await
            .unwrap();

    assert_eq!(plain.body.webhooks.len(), 2);
    assert_eq!(plain.body.webhooks[0].total_revenue, 0.0);
    assert_eq!(plain.body.webhooks[1].total_leads, 0);
    let Conditional::Modified(list) = conditional.response.body else {
        panic!("a first conditional GET returns the body");
    };
    assert_eq!(list.webhooks.len(), 2);
}
