//! Messages into the update function and commands out of it.

use crossterm::event::KeyEvent;

use super::QueueData;
use crate::api::{
    AuditPage, BulkRestoreResponse, DeletedList, ForceDeleteResponse, RestoreResponse,
    SoftDeleteResponse, Timestamp, WebhookList,
};
use crate::client::{ApiError, ApiResponse, Capabilities};

/// The data a poll fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Capabilities,
    Active,
    Deleted,
    Queue,
    Audit,
}

/// The result of fetching one [`Resource`].
#[derive(Debug, Clone)]
pub enum FetchedData {
    Capabilities(Result<ApiResponse<Capabilities>, ApiError>),
    Active(Result<ApiResponse<WebhookList>, ApiError>),
    Deleted(Result<ApiResponse<DeletedList>, ApiError>),
    Queue(Result<ApiResponse<QueueData>, ApiError>),
    Audit(Result<ApiResponse<AuditPage>, ApiError>),
}

/// One fetch result and the local time it arrived, for the server clock offset.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub received_at: Timestamp,
    pub data: FetchedData,
}

/// A changing request, for messages and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MutationKind {
    SoftDelete,
    ForceDelete,
    Restore,
}

/// The decoded response of a changing request.
#[derive(Debug, Clone)]
pub enum MutationResponse {
    SoftDeleted(SoftDeleteResponse),
    ForceDeleted(ForceDeleteResponse),
    Restored(RestoreResponse),
}

/// Everything the update function reacts to.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// Sent once a second so countdowns and notices move between polls.
    Tick,
    Resize {
        width: u16,
        height: u16,
    },
    Polled(Vec<Fetched>),
    Mutated {
        kind: MutationKind,
        id: String,
        name: String,
        received_at: Timestamp,
        result: Result<ApiResponse<MutationResponse>, ApiError>,
    },
    BulkRestored {
        received_at: Timestamp,
        result: Result<ApiResponse<BulkRestoreResponse>, ApiError>,
    },
}

/// Work for the poller: network requests, or leaving the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Poll(Vec<Resource>),
    SoftDelete {
        id: String,
        name: String,
        reason: String,
    },
    /// `name` is the webhook's real name, sent as the `confirm` parameter.
    ForceDelete {
        id: String,
        name: String,
        reason: String,
    },
    Restore {
        id: String,
        name: String,
    },
    BulkRestore {
        ids: Vec<String>,
    },
    Quit,
}
