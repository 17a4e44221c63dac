//! Conditional GET and paging of `/webhook/deleted`, over real HTTP: an unchanged list costs
//! a 304 with the server's `Date`, any change gets a new tag, and pages count every row.
#![allow(clippy::unwrap_used)]

mod common;

use common::{hours, TestServer};
use reqwest::header::{DATE, ETAG, IF_NONE_MATCH};
use reqwest::{Method, StatusCode};

/// The list routes that send an `ETag`, with a query where the route needs one.
const LIST_PATHS: [&str; 5] = [
    "/webhook",
    "/webhook/deleted",
    "/queue",
    "/queue/jobs?state=pending",
    "/audit",
];

async fn tagged_get(server: &TestServer, path: &str, etag: Option<&str>) -> reqwest::Response {
    let mut request = server.client.get(server.url(path));
    if let Some(etag) = etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    request.send().await.unwrap()
}

fn etag_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(ETAG)
        .expect("the list response has an ETag")
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn unchanged_lists_answer_304() {
    let server = TestServer::start().await;
    server.create("ws_cal_solar_001", "Solar CA").await;
    server.create("ws_cal_solar_002", "Solar CA 2").await;
    server.soft_delete("ws_cal_solar_002").await;

    for path in LIST_PATHS {
        let first = tagged_get(&server, path, None).await;
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        let tag = etag_of(&first);

        // The clock moves, so `timestamp` and `seconds_until_deletion` change, but the
        // data does not.
        server.advance(common::millis(1500));
        let again = tagged_get(&server, path, Some(&tag)).await;

        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(etag_of(&again), tag, "{path}");
        assert!(
            again.headers().get(DATE).is_some(),
            "{path}: a 304 carries Date"
        );
        let date = hookgrace::client::date_header(again.headers()).expect("Date parses");
        assert_eq!(
            date.as_datetime().timestamp(),
            server.now().as_datetime().timestamp(),
            "{path}: Date follows the server's clock ({date:?})"
        );
        assert!(again.bytes().await.unwrap().is_empty(), "{path}");
    }

    server.shutdown().await;
}

#[tokio::test]
async fn head_gets_tag_and_304() {
    let server = TestServer::start().await;
    server.create("ws_cal_solar_001", "Solar CA").await;
    server.soft_delete("ws_cal_solar_001").await;

    for path in LIST_PATHS.into_iter().chain(["/changes"]) {
        let get = tagged_get(&server, path, None).await;
        let get_tag = etag_of(&get);
        let get_length = get.bytes().await.unwrap().len();

        let head = server.client.head(server.url(path)).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::OK, "{path}");
        assert_eq!(
            etag_of(&head),
            get_tag,
            "{path}: HEAD and GET share the tag"
        );
        let length = head
            .headers()
            .get(reqwest::header::CONTENT_LENGTH)
            .map(|value| value.to_str().unwrap().to_owned());
        assert_eq!(
            length,
            Some(get_length.to_string()),
            "{path}: HEAD gives the GET body's length"
        );
        assert!(head.bytes().await.unwrap().is_empty(), "{path}");

        let again = server
            .client
            .head(server.url(path))
            .header(IF_NONE_MATCH, &get_tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(etag_of(&again), get_tag, "{path}");
    }

    server.shutdown().await;
}

#[tokio::test]
async fn changed_list_gets_new_tag() {
    let server = TestServer::start().await;
    server.create("ws_cal_solar_001", "Solar CA").await;
    let first = tagged_get(&server, "/webhook", None).await;
    let tag = etag_of(&first);

    server.create("ws_cal_solar_002", "Solar CA 2").await;
    let changed = tagged_get(&server, "/webhook", Some(&tag)).await;

    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(etag_of(&changed), tag);

    let deleted = tagged_get(&server, "/webhook/deleted", None).await;
    let deleted_tag = etag_of(&deleted);
    server.soft_delete("ws_cal_solar_001").await;
    let after_delete = tagged_get(&server, "/webhook/deleted", Some(&deleted_tag)).await;
    assert_eq!(after_delete.status(), StatusCode::OK);

    server.shutdown().await;
}

#[tokio::test]
async fn deadline_passing_changes_the_tag() {
    let server = TestServer::start().await;
    server.create("ws_cal_solar_001", "Solar CA").await;
    server.soft_delete("ws_cal_solar_001").await;
    let first = tagged_get(&server, "/webhook/deleted", None).await;
    let tag = etag_of(&first);

    // `can_restore` flips once the grace period is over: that is a real change.
    server.advance(hours(25));
    let after = tagged_get(&server, "/webhook/deleted", Some(&tag)).await;

    assert_eq!(after.status(), StatusCode::OK);
}

#[tokio::test]
async fn errors_and_writes_carry_no_tag() {
    let server = TestServer::start().await;
    let bad = tagged_get(&server, "/queue/jobs?state=bogus", None).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.headers().get(ETAG).is_none());

    let created = server
        .raw(
            Method::POST,
            "/webhook",
            Some("alice"),
            Some(
                serde_json::json!({"name": "Solar", "type": "solar", "region": "cal",
                "category": "solar"}),
            ),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert!(created.headers().get(ETAG).is_none());
}

#[tokio::test]
async fn deleted_list_pages_count_every_row() {
    let server = TestServer::start().await;
    for n in 1..=5 {
        let id = format!("ws_cal_solar_{n:03}");
        server.create(&id, &format!("Solar {n}")).await;
        server.soft_delete(&id).await;
    }

    let (status, page) = server.get("/webhook/deleted?limit=2&offset=2").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total_deleted"], 5);
    assert_eq!(page["restorable"], 5);
    assert_eq!(page["webhooks"].as_array().unwrap().len(), 2);
    let (_, all) = server.get("/webhook/deleted").await;
    assert_eq!(page["webhooks"][0]["id"], all["webhooks"][2]["id"]);

    let (_, tail) = server.get("/webhook/deleted?limit=2&offset=4").await;
    assert_eq!(tail["webhooks"].as_array().unwrap().len(), 1);
    let (status, bad) = server.get("/webhook/deleted?limit=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    let (status, bad) = server.get("/webhook/deleted?offset=-1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");

    server.shutdown().await;
}

#[tokio::test]
async fn health_lists_etag_extension() {
    let server = TestServer::start().await;
    let (_, health) = server.get("/health").await;
    let extensions: Vec<&str> = health["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|value| value.as_str())
        .collect();
    assert!(extensions.contains(&"etag"), "{extensions:?}");
}

/// Reads `GET /changes` with `etag` and returns the status and the new tag.
async fn changes(server: &TestServer, etag: Option<&str>) -> (StatusCode, String) {
    let response = tagged_get(server, "/changes", etag).await;
    (response.status(), etag_of(&response))
}

/// Asserts that `GET /changes` no longer matches `tag` after `step`, and keeps the new tag.
async fn assert_moved(server: &TestServer, tag: &mut String, step: &str) {
    let (status, next) = changes(server, Some(tag)).await;
    assert_eq!(status, StatusCode::OK, "after {step}");
    assert_ne!(&next, tag, "after {step}");
    *tag = next;
}

#[tokio::test]
async fn changes_304_until_data_changes() {
    let server = TestServer::start().await;
    server.create("ws_cal_solar_001", "Solar CA").await;
    let (status, mut tag) = changes(&server, None).await;
    assert_eq!(status, StatusCode::OK);

    server.advance(common::millis(1500));
    let _ = server.get("/webhook").await;
    let _ = server.get("/audit").await;
    assert_eq!(
        changes(&server, Some(&tag)).await,
        (StatusCode::NOT_MODIFIED, tag.clone()),
        "reads and the clock alone change nothing"
    );

    server.create("ws_cal_solar_002", "Solar CA 2").await;
    assert_moved(&server, &mut tag, "a create").await;

    let (status, body) = server
        .lead("ws_cal_solar_002", serde_json::json!({"first_name": "Ann"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_moved(&server, &mut tag, "a lead").await;

    server.soft_delete("ws_cal_solar_002").await;
    assert_moved(&server, &mut tag, "a soft delete").await;

    let (status, body) = server
        .lead("ws_cal_solar_002", serde_json::json!({"first_name": "Bo"}))
        .await;
    assert_eq!(status, StatusCode::GONE, "{body}");
    assert_moved(&server, &mut tag, "a rejected lead").await;

    let (status, body) = server.restore("ws_cal_solar_002").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_moved(&server, &mut tag, "a restore").await;

    server.shutdown().await;
}

#[tokio::test]
async fn changes_tag_moves_at_clock_boundaries() {
    let server = TestServer::start().await;
    server.create("ws_cal_solar_001", "Solar CA").await;
    let deleted = server.soft_delete("ws_cal_solar_001").await;
    let deadline = common::timestamp(&deleted["scheduled_deletion_at"]);
    server.advance(server.now().until(deadline) - common::millis(1));

    // One millisecond before the deadline, at it, and one after: `can_restore` ends at the
    // deadline, and the job counts as overdue once its due time is in the past.
    let (_, before) = changes(&server, None).await;
    let (_, list_before) = server.get("/webhook/deleted").await;
    assert_eq!(list_before["restorable"], 1);

    server.advance(common::millis(1));
    let (status, at) = changes(&server, Some(&before)).await;
    assert_eq!(status, StatusCode::OK, "at the deadline");
    let (_, list_at) = server.get("/webhook/deleted").await;
    assert_eq!(list_at["restorable"], 0);
    let (_, queue_at) = server.get("/queue").await;
    assert_eq!(queue_at["overdue"], 0);

    server.advance(common::millis(1));
    let (status, after) = changes(&server, Some(&at)).await;
    assert_eq!(status, StatusCode::OK, "one millisecond after the deadline");
    let (_, queue_after) = server.get("/queue").await;
    assert_eq!(queue_after["overdue"], 1);

    server.advance(hours(1));
    assert_eq!(
        changes(&server, Some(&after)).await,
        (StatusCode::NOT_MODIFIED, after.clone()),
        "no boundary lies between"
    );

    server.shutdown().await;
}
