//! Background work: each [`Command`] runs in its own tokio task, which calls the client and
//! sends the result back as a [`Msg`], so the draw loop does not await network I/O.
//!
//! [`fetch`] and [`run_command`] are plain async functions, so a test can call them against a
//! live server and feed their results to [`crate::dashboard::app::State::update`].

use futures::future::join_all;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::api::{JobState, Timestamp};
use crate::client::{ApiClient, ApiError, ApiResponse, AuditQuery};
use crate::dashboard::app::{
    Command, Fetched, FetchedData, Msg, MutationKind, MutationResponse, QueueData, Resource,
    AUDIT_PAGE_SIZE, QUEUE_JOBS_LIMIT,
};

/// Job states listed on the Queue tab, in display order: the ones needing an operator first.
pub const QUEUE_STATES: [JobState; 4] = [
    JobState::DeadLetter,
    JobState::Failed,
    JobState::Processing,
    JobState::Pending,
];

/// Runs commands in background tasks and sends their results to the draw loop.
pub struct Executor {
    client: ApiClient,
    sender: mpsc::Sender<Msg>,
    tasks: JoinSet<()>,
}

impl Executor {
    pub fn new(client: ApiClient, sender: mpsc::Sender<Msg>) -> Self {
        Self {
            client,
            sender,
            tasks: JoinSet::new(),
        }
    }

    /// Starts `command` in a new task. [`Command::Quit`] is ignored here: the caller handles it.
    pub fn execute(&mut self, command: Command) {
        while self.tasks.try_join_next().is_some() {}
        if command == Command::Quit {
            return;
        }
        let client = self.client.clone();
        let sender = self.sender.clone();
        self.tasks.spawn(async move {
            let msg = run_command(&client, command).await;
            if let Some(msg) = msg {
                // The receiver is gone only when the dashboard is closing.
                let _ = sender.send(msg).await;
            }
        });
    }

    /// Cancels every running task, such as when the dashboard exits.
    pub fn shutdown(&mut self) {
        self.tasks.abort_all();
    }
}

/// Reads the local wall-clock time.
pub fn local_now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

/// Executes one command and returns the message that reports its result.
pub async fn run_command(client: &ApiClient, command: Command) -> Option<Msg> {
    match command {
        Command::Poll(resources) => Some(Msg::Polled(fetch(client, &resources).await)),
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
        Command::Restore { id, name } => {
            let result = client.restore(&id).await;
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
        Command::Quit => None,
    }
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

/// Fetches every resource concurrently, stamping each result with its arrival time.
pub async fn fetch(client: &ApiClient, resources: &[Resource]) -> Vec<Fetched> {
    join_all(
        resources
            .iter()
            .map(|resource| fetch_one(client, *resource)),
    )
    .await
}

async fn fetch_one(client: &ApiClient, resource: Resource) -> Fetched {
    let data = match resource {
        Resource::Capabilities => FetchedData::Capabilities(client.capabilities().await),
        Resource::Active => FetchedData::Active(client.list_active().await),
        Resource::Deleted => FetchedData::Deleted(client.list_deleted().await),
        Resource::Queue => FetchedData::Queue(fetch_queue(client).await),
        Resource::Audit => {
            let query = AuditQuery {
                limit: Some(AUDIT_PAGE_SIZE),
                ..AuditQuery::default()
            };
            FetchedData::Audit(client.audit(&query).await)
        }
    };
    Fetched {
        received_at: local_now(),
        data,
    }
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
