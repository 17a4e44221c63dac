//! Messages into the update function and commands out of it.

use std::fmt;

use crossterm::event::KeyEvent;
use sha2::{Digest, Sha256};

use super::QueueData;
use crate::api::{
    AuditPage, BulkRestoreResponse, CreateWebhookRequest, CreateWebhookResponse,
    DeadLetterRetryResponse, DeletedList, ForceDeleteResponse, IntegrityReport, JobRecord,
    JobRetryResponse, RestoreResponse, SoftDeleteResponse, Timestamp, WebhookDetail, WebhookList,
    WhoAmI,
};
use crate::client::{ApiError, ApiResponse, Capabilities, Conditional};

/// The data a poll fetches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    Capabilities,
    /// The token's name and role, from `GET /whoami`.
    Identity,
    Active,
    Deleted,
    Queue,
    Audit,
    /// The detail view of one webhook: its config, job and audit timeline.
    Detail(String),
    /// The server's consistency check of webhooks, jobs and the audit trail.
    Integrity,
}

/// Everything the detail view of one webhook fetches.
#[derive(Debug, Clone)]
pub struct DetailFetch {
    pub id: String,
    pub webhook: Result<ApiResponse<WebhookDetail>, ApiError>,
    pub audit: Result<ApiResponse<AuditPage>, ApiError>,
    /// The queue's record of the live deletion job, with its lease, when the server has the
    /// queue extension and lists the job.
    pub job: Option<JobRecord>,
}

/// The result of fetching one [`Resource`].
#[derive(Debug, Clone)]
pub enum FetchedData {
    Capabilities(Result<ApiResponse<Capabilities>, ApiError>),
    Identity(Result<ApiResponse<WhoAmI>, ApiError>),
    Active(Result<ApiResponse<Conditional<WebhookList>>, ApiError>),
    Deleted(Result<ApiResponse<Conditional<DeletedList>>, ApiError>),
    Queue(Result<ApiResponse<QueueData>, ApiError>),
    Audit(Result<ApiResponse<AuditPage>, ApiError>),
    Detail(Box<DetailFetch>),
    Integrity(Result<ApiResponse<IntegrityReport>, ApiError>),
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

/// The outcome of retrying dead-lettered jobs.
#[derive(Debug, Clone)]
pub enum RetryOutcome {
    /// One result per job id, in the order sent.
    Jobs(Vec<(String, Result<ApiResponse<JobRetryResponse>, ApiError>)>),
    /// Every dead-lettered job at once.
    AllDeadLetters(Result<ApiResponse<DeadLetterRetryResponse>, ApiError>),
}

/// A webhook's lead signing secret. `Debug` prints a short SHA-256 fingerprint in place of
/// the text, so a state or message written with `{:?}` never contains the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningSecret(String);

impl SigningSecret {
    pub fn new(text: String) -> Self {
        Self(text)
    }

    /// Returns the secret's text, for the screen and the clipboard only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digest = hex::encode(Sha256::digest(self.0.as_bytes()));
        write!(f, "SigningSecret(sha256 {})", &digest[..16])
    }
}

/// The part of a `POST /webhook` response that the dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookCreated {
    pub id: String,
    pub name: String,
    /// Path that receives the webhook's leads, such as `/webhook/<id>`.
    pub receive_path: String,
    /// `None` when the server sent no secret, as a server without signed leads does.
    pub signing_secret: Option<SigningSecret>,
}

impl From<CreateWebhookResponse> for WebhookCreated {
    fn from(response: CreateWebhookResponse) -> Self {
        Self {
            id: response.webhook.id,
            name: response.webhook.name,
            receive_path: response.webhook.endpoints.receive,
            signing_secret: response.signing_secret.map(SigningSecret::new),
        }
    }
}

/// Text for the clipboard. The notice after copying names it by [`ClipboardText::label`],
/// so a copied secret never reaches the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClipboardText {
    WebhookId(String),
    SigningSecret(SigningSecret),
}

impl ClipboardText {
    pub fn text(&self) -> &str {
        match self {
            ClipboardText::WebhookId(id) => id,
            ClipboardText::SigningSecret(secret) => secret.expose(),
        }
    }

    /// Returns how the notice names the copied text: the id itself, or "the signing secret".
    pub fn label(&self) -> String {
        match self {
            ClipboardText::WebhookId(id) => id.clone(),
            ClipboardText::SigningSecret(_) => "the signing secret".to_owned(),
        }
    }
}

/// Everything the update function reacts to.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste). It only ever edits the focused input.
    Paste(String),
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
    Retried {
        received_at: Timestamp,
        outcome: RetryOutcome,
    },
    /// The response to a create request for the webhook named `name`.
    Created {
        name: String,
        received_at: Timestamp,
        result: Result<ApiResponse<WebhookCreated>, ApiError>,
    },
    /// An older page of the audit trail, requested by scrolling to the last event.
    AuditOlder {
        received_at: Timestamp,
        result: Result<ApiResponse<AuditPage>, ApiError>,
    },
    /// A signal that quits, such as SIGTERM, by name.
    Signal(&'static str),
    /// The clipboard escape sequence was written, or failed to be. `label` names the text,
    /// as [`ClipboardText::label`] returns it.
    Copied {
        label: String,
        result: Result<(), String>,
    },
}

/// Work for the event loop: network requests, the clipboard, or leaving the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Poll(Vec<Resource>),
    /// `POST /webhook`, whose response carries the new webhook's signing secret.
    CreateWebhook(CreateWebhookRequest),
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
    /// `enabled: false` brings the webhook back disabled (`?enabled=false`).
    Restore {
        id: String,
        name: String,
        enabled: bool,
    },
    BulkRestore {
        ids: Vec<String>,
    },
    /// Retries each dead-lettered job, one request per id.
    RetryJobs {
        ids: Vec<String>,
    },
    /// Retries every dead-lettered job with one request.
    RetryDeadLetters,
    /// Fetches the audit page after `cursor`, the `next_cursor` of the oldest page loaded.
    LoadOlderAudit {
        cursor: String,
    },
    /// Copies text to the terminal's clipboard with OSC 52.
    Copy(ClipboardText),
    Quit,
}

impl Command {
    /// Returns whether the command changes data on the server.
    pub fn is_write(&self) -> bool {
        !matches!(
            self,
            Command::Poll(_) | Command::LoadOlderAudit { .. } | Command::Copy(_) | Command::Quit
        )
    }
}
