//! Background work: each [`Command`] runs in its own tokio task, which calls the client and
//! sends the result back as a [`Msg`], so the draw loop does not await network I/O.
//!
//! The Active and Deleted lists are fetched in pages of [`PAGE_SIZE`] rows, each sent with the
//! `ETag` of its last copy. When every page returns 304 the poll reports
//! [`Conditional::NotModified`] and the dashboard keeps what it has.
//!
//! A server with the `changes` extension also serves `GET /changes`, a revision that changes
//! whenever a list, the queue or the audit trail would. Each poll reads it first, with the
//! `ETag` seen before its resources were last fetched in full. A 304 means none of them
//! changed, so an idle poll costs one empty response however many pages the lists have. The
//! queue and the newest audit page are then served from their last copies.
//!
//! [`Fetcher::run`] is a plain async function, so a test can call it against a live server and
//! feed its results to [`crate::dashboard::app::State::update`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};

use futures::future::join_all;
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::api::{
    extension, paths, AuditPage, Changes, DeletedList, JobState, Timestamp, WebhookList,
};
use crate::client::{ops, ApiClient, ApiError, ApiResponse, AuditQuery, Conditional};
use crate::dashboard::app::lists::ListRow;
use crate::dashboard::app::{
    Command, DetailFetch, Fetched, FetchedData, Msg, MutationKind, MutationResponse, QueueData,
    Resource, RetryOutcome, Rows, WebhookCreated, AUDIT_PAGE_SIZE, QUEUE_JOBS_LIMIT,
};

/// Job states listed on the Queue tab, in display order: the ones needing an operator first.
pub const QUEUE_STATES: [JobState; 4] = [
    JobState::DeadLetter,
    JobState::Failed,
    JobState::Processing,
    JobState::Pending,
];

/// Rows per page of the Active and Deleted lists: the server's maximum `limit`.
pub const PAGE_SIZE: u64 = 500;

/// Pages requested at the same time after the first.
const PAGE_CONCURRENCY: usize = 4;

/// Audit events shown in the detail view's timeline.
const DETAIL_AUDIT_LIMIT: u32 = 100;

/// Jobs searched for the detail view's lease, per state.
const DETAIL_JOB_SEARCH_LIMIT: u32 = 500;

/// A list response that arrives in pages.
trait PagedList: Rows + Clone + serde::de::DeserializeOwned + Send + 'static {
    fn total(&self) -> u64;

    fn clear_rows(&mut self);

    fn row_count(&self) -> usize {
        self.rows().len()
    }

    /// Appends the rows of `page` whose ids are not in `seen`, and adds their ids to `seen`.
    fn extend_from(&mut self, page: &Self, seen: &mut HashSet<String>) {
        for row in page.rows() {
            if seen.insert(row.row_id().into_owned()) {
                self.rows_mut().push(row.clone());
            }
        }
    }
}

impl PagedList for WebhookList {
    fn total(&self) -> u64 {
        self.total_webhooks
    }

    fn clear_rows(&mut self) {
        self.webhooks.clear();
        self.next_offset = None;
    }
}

impl PagedList for DeletedList {
    fn total(&self) -> u64 {
        self.total_deleted
    }

    fn clear_rows(&mut self) {
        self.webhooks.clear();
        self.next_offset = None;
    }
}

/// The last copy of each page, by offset, with its `ETag`.
type PageCache<L> = Mutex<BTreeMap<u64, (Option<String>, L)>>;

/// A resource whose body the server's data revision covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Covered {
    Active,
    Deleted,
    Queue,
    Audit,
}

impl Covered {
    fn of(resource: &Resource) -> Option<Self> {
        match resource {
            Resource::Active => Some(Covered::Active),
            Resource::Deleted => Some(Covered::Deleted),
            Resource::Queue => Some(Covered::Queue),
            Resource::Audit => Some(Covered::Audit),
            _ => None,
        }
    }
}

/// The fetcher's record of the server's data revision.
#[derive(Debug, Default)]
struct RevisionState {
    /// The server lists the `changes` extension.
    supported: bool,
    /// The `ETag` of `GET /changes` read before the last complete fetch of each resource.
    seen: HashMap<Covered, String>,
    /// The last Queue and Audit bodies, reused while the revision stays the same.
    queue: Option<QueueData>,
    audit: Option<AuditPage>,
}

/// The data revision at the start of one poll: the `ETag` of `GET /changes` and the server
/// time of its response.
struct Revision {
    etag: String,
    server_time: Option<Timestamp>,
}

/// Runs commands against one server and remembers list pages between polls.
#[derive(Clone)]
pub struct Fetcher {
    client: ApiClient,
    active_pages: Arc<PageCache<WebhookList>>,
    deleted_pages: Arc<PageCache<DeletedList>>,
    revision: Arc<Mutex<RevisionState>>,
}

impl Fetcher {
    pub fn new(client: ApiClient) -> Self {
        Self {
            client,
            active_pages: Arc::default(),
            deleted_pages: Arc::default(),
            revision: Arc::default(),
        }
    }

    /// Executes one command and returns the message that reports its result.
    pub async fn run(&self, command: Command) -> Option<Msg> {
        let client = &self.client;
        match command {
            Command::Poll(resources) => Some(Msg::Polled(self.fetch(&resources).await)),
            Command::CreateWebhook(request) => {
                let result = client.create_webhook(&request).await;
                Some(Msg::Created {
                    name: request.name,
                    received_at: local_now(),
                    result: result.map(|response| ApiResponse {
                        body: WebhookCreated::from(response.body),
                        server_time: response.server_time,
                    }),
                })
            }
            Command::SoftDelete { id, name, reason } => {
                let result = client.soft_delete(&id, &reason).await;
                Some(mutated(
                    MutationKind::SoftDelete,
                    id,
                    name,
                    result,
                    MutationResponse::SoftDeleted,
                ))
            }
            Command::ForceDelete { id, name, reason } => {
                let result = client.force_delete(&id, &name, &reason).await;
                Some(mutated(
                    MutationKind::ForceDelete,
                    id,
                    name,
                    result,
                    MutationResponse::ForceDeleted,
                ))
            }
            Command::Restore { id, name, enabled } => {
                // Without the option, a plain restore brings back the enabled flag the webhook
                // had before its delete; the option forces it off.
                let result = if enabled {
                    client.restore(&id).await
                } else {
                    client.restore_with(&id, false).await
                };
                Some(mutated(
                    MutationKind::Restore,
                    id,
                    name,
                    result,
                    MutationResponse::Restored,
                ))
            }
            Command::BulkRestore { ids } => {
                let result = client.bulk_restore(&ids).await;
                Some(Msg::BulkRestored {
                    received_at: local_now(),
                    result,
                })
            }
            Command::RetryJobs { ids } => {
                let mut results = Vec::with_capacity(ids.len());
                for id in ids {
                    let result = client.retry_job(&id).await;
                    results.push((id, result));
                }
                Some(Msg::Retried {
                    received_at: local_now(),
                    outcome: RetryOutcome::Jobs(results),
                })
            }
            Command::RetryDeadLetters => {
                let result = client.retry_dead_letters().await;
                Some(Msg::Retried {
                    received_at: local_now(),
                    outcome: RetryOutcome::AllDeadLetters(result),
                })
            }
            Command::LoadOlderAudit { cursor } => {
                let query = AuditQuery {
                    cursor: Some(cursor),
                    limit: Some(AUDIT_PAGE_SIZE),
                    ..AuditQuery::default()
                };
                let result = client.audit(&query).await;
                Some(Msg::AuditOlder {
                    received_at: local_now(),
                    result,
                })
            }
            Command::Copy(_) | Command::Quit => None,
        }
    }

    /// Fetches every resource concurrently, stamping each result with its arrival time.
    ///
    /// When `GET /changes` reports that the server rejected the token (401), every other
    /// request that needs the token would fail the same way, and a hookgrace server counts
    /// each failure towards locking this address out. So the poll sends no more of them and
    /// reports that 401 for each such resource. A rate limit (429) ends the poll the same
    /// way, because the other requests would hit the same limit, and the state then waits
    /// for the `Retry-After` of the reported 429.
    pub async fn fetch(&self, resources: &[Resource]) -> Vec<Fetched> {
        let covered: Vec<Covered> = resources.iter().filter_map(Covered::of).collect();
        let revision = match self.read_revision(&covered).await {
            Ok(revision) => revision,
            Err(rejected) => {
                let fetches = resources.iter().map(|resource| async {
                    match resource {
                        Resource::Capabilities => self.fetch_one(resource, None).await,
                        _ => Fetched {
                            received_at: local_now(),
                            data: rejected_data(resource, &rejected),
                        },
                    }
                });
                return join_all(fetches).await;
            }
        };
        join_all(
            resources
                .iter()
                .map(|resource| self.fetch_one(resource, revision.as_ref())),
        )
        .await
    }

    /// Reads `GET /changes` before the resources of a poll are fetched. It sends the tag
    /// under which all of `covered` were last fetched, if they share one, so that an idle
    /// poll gets a 304. `Ok(None)` when the server lacks the route or the request failed,
    /// and the error itself when the server rejected the token (401) or rate limited the
    /// client (429).
    async fn read_revision(&self, covered: &[Covered]) -> Result<Option<Revision>, ApiError> {
        let sent = {
            let state = lock(&self.revision);
            if !state.supported || covered.is_empty() {
                return Ok(None);
            }
            let mut tags = covered.iter().map(|kind| state.seen.get(kind));
            let first = tags.next().flatten();
            tags.all(|tag| tag == first)
                .then(|| first.cloned())
                .flatten()
        };
        match ops::get_conditional::<Changes>(&self.client, paths::CHANGES, &[], sent.as_deref())
            .await
        {
            Ok(tagged) => Ok(tagged.etag.map(|etag| Revision {
                etag,
                server_time: tagged.response.server_time,
            })),
            Err(error) if matches!(error.status(), Some(401 | 429)) => Err(error),
            Err(error) => {
                tracing::debug!(%error, "data revision unavailable; fetching every resource");
                Ok(None)
            }
        }
    }

    /// Returns `reuse()` when `kind` was last fetched in full under the current revision,
    /// and otherwise runs `fetch` and records the revision if it succeeds. The revision was
    /// read before the fetch began, so a change during the fetch leaves the record behind
    /// the server and the next poll fetches again.
    async fn fetch_covered<T, F>(
        &self,
        kind: Covered,
        revision: Option<&Revision>,
        reuse: impl FnOnce(&mut RevisionState) -> Option<T>,
        fetch: F,
    ) -> Result<ApiResponse<T>, ApiError>
    where
        F: Future<Output = Result<ApiResponse<T>, ApiError>>,
    {
        if let Some(revision) = revision {
            let mut state = lock(&self.revision);
            if state.seen.get(&kind) == Some(&revision.etag) {
                if let Some(body) = reuse(&mut state) {
                    return Ok(ApiResponse {
                        body,
                        server_time: revision.server_time,
                    });
                }
            }
        }
        let result = fetch.await;
        let mut state = lock(&self.revision);
        match (&result, revision) {
            (Ok(_), Some(revision)) => state.seen.insert(kind, revision.etag.clone()),
            _ => state.seen.remove(&kind),
        };
        result
    }

    async fn fetch_one(&self, resource: &Resource, revision: Option<&Revision>) -> Fetched {
        let client = &self.client;
        let data = match resource {
            Resource::Capabilities => {
                let result = client.capabilities().await;
                if let Ok(response) = &result {
                    lock(&self.revision).supported = response.body.has(extension::CHANGES);
                }
                FetchedData::Capabilities(result)
            }
            Resource::Identity => FetchedData::Identity(client.whoami().await),
            Resource::Active => FetchedData::Active(
                self.fetch_covered(
                    Covered::Active,
                    revision,
                    |_| Some(Conditional::NotModified),
                    fetch_paged(client, paths::WEBHOOKS, &self.active_pages),
                )
                .await,
            ),
            Resource::Deleted => FetchedData::Deleted(
                self.fetch_covered(
                    Covered::Deleted,
                    revision,
                    |_| Some(Conditional::NotModified),
                    fetch_paged(client, paths::DELETED, &self.deleted_pages),
                )
                .await,
            ),
            Resource::Queue => {
                let fetch = async {
                    let result = fetch_queue(client).await;
                    if let Ok(response) = &result {
                        lock(&self.revision).queue = Some(response.body.clone());
                    }
                    result
                };
                FetchedData::Queue(
                    self.fetch_covered(
                        Covered::Queue,
                        revision,
                        |state| state.queue.clone(),
                        fetch,
                    )
                    .await,
                )
            }
            Resource::Audit => {
                let query = AuditQuery {
                    limit: Some(AUDIT_PAGE_SIZE),
                    ..AuditQuery::default()
                };
                let fetch = async {
                    let result = client.audit(&query).await;
                    if let Ok(response) = &result {
                        lock(&self.revision).audit = Some(response.body.clone());
                    }
                    result
                };
                FetchedData::Audit(
                    self.fetch_covered(
                        Covered::Audit,
                        revision,
                        |state| state.audit.clone(),
                        fetch,
                    )
                    .await,
                )
            }
            Resource::Detail(id) => FetchedData::Detail(Box::new(fetch_detail(client, id).await)),
            Resource::Integrity => FetchedData::Integrity(client.integrity().await),
        };
        Fetched {
            received_at: local_now(),
            data,
        }
    }
}

/// Builds the result of `resource` failing with `error`, for a resource that was not
/// requested because the server already rejected the token.
fn rejected_data(resource: &Resource, error: &ApiError) -> FetchedData {
    match resource {
        Resource::Capabilities => FetchedData::Capabilities(Err(error.clone())),
        Resource::Identity => FetchedData::Identity(Err(error.clone())),
        Resource::Active => FetchedData::Active(Err(error.clone())),
        Resource::Deleted => FetchedData::Deleted(Err(error.clone())),
        Resource::Queue => FetchedData::Queue(Err(error.clone())),
        Resource::Audit => FetchedData::Audit(Err(error.clone())),
        Resource::Integrity => FetchedData::Integrity(Err(error.clone())),
        Resource::Detail(id) => FetchedData::Detail(Box::new(DetailFetch {
            id: id.clone(),
            webhook: Err(error.clone()),
            audit: Err(error.clone()),
            job: None,
        })),
    }
}

/// Runs commands in background tasks and sends their results to the draw loop.
pub struct Executor {
    fetcher: Fetcher,
    sender: mpsc::Sender<Msg>,
    tasks: JoinSet<()>,
}

impl Executor {
    pub fn new(client: ApiClient, sender: mpsc::Sender<Msg>) -> Self {
        Self {
            fetcher: Fetcher::new(client),
            sender,
            tasks: JoinSet::new(),
        }
    }

    /// Starts `command` in a new task. [`Command::Quit`] and [`Command::Copy`] are ignored
    /// here: the event loop handles them.
    pub fn execute(&mut self, command: Command) {
        while self.tasks.try_join_next().is_some() {}
        if matches!(command, Command::Quit | Command::Copy(_)) {
            return;
        }
        let fetcher = self.fetcher.clone();
        let sender = self.sender.clone();
        self.tasks.spawn(async move {
            let msg = fetcher.run(command).await;
            if let Some(msg) = msg {
                // The receiver is gone only when the dashboard is closing.
                let _ = sender.send(msg).await;
            }
        });
    }

    /// Cancels every running task, such as when the dashboard exits.
    pub fn shutdown(&mut self) {
        let running = self.tasks.len();
        if running > 0 {
            tracing::info!(running, "aborting background requests");
        }
        self.tasks.abort_all();
    }
}

/// Reads the local wall-clock time.
pub fn local_now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

/// Executes one command without remembering pages, so every list is fetched in full.
pub async fn run_command(client: &ApiClient, command: Command) -> Option<Msg> {
    Fetcher::new(client.clone()).run(command).await
}

fn mutated<T>(
    kind: MutationKind,
    id: String,
    name: String,
    result: Result<ApiResponse<T>, ApiError>,
    wrap: fn(T) -> MutationResponse,
) -> Msg {
    Msg::Mutated {
        kind,
        id,
        name,
        received_at: local_now(),
        result: result.map(|response| ApiResponse {
            body: wrap(response.body),
            server_time: response.server_time,
        }),
    }
}

/// One page of a list, fresh or from the cache.
struct Page<L> {
    list: L,
    server_time: Option<Timestamp>,
    /// The server sent a new body rather than 304.
    changed: bool,
}

/// Fetches one page, sending the cached `ETag`.
async fn fetch_page<L: PagedList>(
    client: &ApiClient,
    path: &str,
    offset: u64,
    cache: &PageCache<L>,
) -> Result<Page<L>, ApiError> {
    let cached_etag = lock(cache).get(&offset).and_then(|(etag, _)| etag.clone());
    let pairs = [
        ("limit", PAGE_SIZE.to_string()),
        ("offset", offset.to_string()),
    ];
    let tagged = ops::get_conditional::<L>(client, path, &pairs, cached_etag.as_deref()).await?;
    let server_time = tagged.response.server_time;
    match tagged.response.body {
        Conditional::Modified(list) => {
            lock(cache).insert(offset, (tagged.etag, list.clone()));
            Ok(Page {
                list,
                server_time,
                changed: true,
            })
        }
        Conditional::NotModified => match lock(cache).get(&offset) {
            Some((_, list)) => Ok(Page {
                list: list.clone(),
                server_time,
                changed: false,
            }),
            None => Err(ApiError::Decode {
                url: format!("{}{path}", client.base_url()),
                detail: "304 Not Modified for a page that was never fetched".to_owned(),
            }),
        },
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while the lock was held leaves a cache that is still a valid map.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Fetches every page of a list. Reports [`Conditional::NotModified`] only when every page
/// was unchanged and the page count is the same as last time.
///
/// A server without pagination ignores `limit` and `offset` and returns the whole list in
/// the first response, which then ends the loop.
// NOTE: pages are separate requests, so a webhook that moves between pages during one poll
// can be missed until the next poll. Duplicates are dropped by id.
async fn fetch_paged<L: PagedList>(
    client: &ApiClient,
    path: &str,
    cache: &PageCache<L>,
) -> Result<ApiResponse<Conditional<L>>, ApiError> {
    let first = fetch_page(client, path, 0, cache).await?;
    let server_time = first.server_time;
    let total = first.list.total();
    let first_rows = first.list.row_count() as u64;

    let mut offsets = Vec::new();
    if first_rows == PAGE_SIZE && first_rows < total {
        let mut offset = first_rows;
        while offset < total {
            offsets.push(offset);
            offset += PAGE_SIZE;
        }
    }

    let rest: Vec<Result<Page<L>, ApiError>> = futures::stream::iter(offsets.iter().copied())
        .map(|offset| fetch_page(client, path, offset, cache))
        .buffered(PAGE_CONCURRENCY)
        .collect()
        .await;
    let mut changed = first.changed;
    let mut pages = vec![first.list];
    for result in rest {
        let page = result?;
        changed |= page.changed;
        let empty = page.list.row_count() == 0;
        pages.push(page.list);
        if empty {
            break;
        }
    }

    {
        let mut cache = lock(cache);
        let before = cache.len();
        let last_offset = offsets.last().copied().unwrap_or(0);
        cache.retain(|offset, _| *offset <= last_offset);
        changed |= cache.len() != before;
    }
    if !changed {
        return Ok(ApiResponse {
            body: Conditional::NotModified,
            server_time,
        });
    }
    let mut list = pages[0].clone();
    list.clear_rows();
    let mut seen = HashSet::new();
    for page in &pages {
        list.extend_from(page, &mut seen);
    }
    Ok(ApiResponse {
        body: Conditional::Modified(list),
        server_time,
    })
}

/// Fetches the queue summary and the jobs in [`QUEUE_STATES`]. Any failed request fails the
/// whole result, so the view keeps its previous data.
async fn fetch_queue(client: &ApiClient) -> Result<ApiResponse<QueueData>, ApiError> {
    let (summary, lists) = futures::join!(
        client.queue_summary(),
        join_all(
            QUEUE_STATES
                .iter()
                .map(|state| client.jobs(*state, Some(QUEUE_JOBS_LIMIT)))
        )
    );
    let summary = summary?;
    let mut jobs = Vec::new();
    for list in lists {
        jobs.extend(list?.body.jobs);
    }
    Ok(ApiResponse {
        body: QueueData {
            summary: summary.body,
            jobs,
        },
        server_time: summary.server_time,
    })
}

/// Fetches one webhook, its audit timeline and, for a live deletion job, the queue's record
/// of that job with its lease.
async fn fetch_detail(client: &ApiClient, id: &str) -> DetailFetch {
    let query = AuditQuery {
        limit: Some(DETAIL_AUDIT_LIMIT),
        ..AuditQuery::default()
    };
    let (webhook, audit) = futures::join!(client.get_webhook(id), client.webhook_audit(id, &query));
    let job_state = webhook
        .as_ref()
        .ok()
        .and_then(|response| response.body.job.as_ref())
        .map(|job| job.status);
    // NOTE: the job is looked up among the first DETAIL_JOB_SEARCH_LIMIT jobs of its state;
    // past that the lease is shown as unknown.
    let job = match job_state {
        Some(state) if state.is_live() || state == JobState::DeadLetter => client
            .jobs(state, Some(DETAIL_JOB_SEARCH_LIMIT))
            .await
            .ok()
            .and_then(|list| list.body.jobs.into_iter().find(|job| job.webhook_id == id)),
        _ => None,
    };
    DetailFetch {
        id: id.to_owned(),
        webhook,
        audit,
        job,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// Starts a server on 127.0.0.1 that responds to every request with 429 and
    /// `Retry-After: 30`, and records each request line as "GET /path".
    async fn rate_limiting_server() -> (String, Arc<Mutex<Vec<String>>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let lines = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&lines);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut chunk = [0_u8; 4096];
                    while !request.windows(4).any(|end| end == b"\r\n\r\n") {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(read) => request.extend_from_slice(&chunk[..read]),
                        }
                    }
                    let text = String::from_utf8_lossy(&request);
                    let mut words = text.split(' ');
                    let method = words.next().unwrap_or_default();
                    let path = words.next().unwrap_or_default().split('?').next();
                    log.lock()
                        .unwrap()
                        .push(format!("{method} {}", path.unwrap_or_default()));
                    let body = r#"{"status":"error","message":"rate limit exceeded"}"#;
                    let response = format!(
                        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30\r\n\
                         Content-Type: application/json\r\nContent-Length: {}\r\n\
                         Connection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                });
            }
        });
        (url, lines)
    }

    #[tokio::test]
    async fn rate_limited_changes_ends_poll() {
        let (url, lines) = rate_limiting_server().await;
        let fetcher = Fetcher::new(ApiClient::new(&url, "alice").unwrap());
        lock(&fetcher.revision).supported = true;

        let fetched = fetcher
            .fetch(&[Resource::Active, Resource::Deleted, Resource::Queue])
            .await;

        assert_eq!(*lines.lock().unwrap(), ["GET /changes"]);
        assert_eq!(fetched.len(), 3);
        for result in &fetched {
            let error = match &result.data {
                FetchedData::Active(Err(error))
                | FetchedData::Deleted(Err(error))
                | FetchedData::Queue(Err(error)) => error,
                other => panic!("expected a failed fetch, found {other:?}"),
            };
            assert_eq!(error.status(), Some(429), "{error}");
            assert_eq!(
                error.retry_after(),
                Some(Duration::from_secs(30)),
                "{error}"
            );
        }
    }
}
