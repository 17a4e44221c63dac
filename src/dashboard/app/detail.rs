//! State of the detail view of one webhook.

use super::View;
use crate::api::{AuditPage, JobRecord, WebhookDetail};

/// One webhook's configuration, deletion job and audit timeline.
#[derive(Debug, Clone)]
pub struct DetailView {
    pub id: String,
    pub webhook: View<WebhookDetail>,
    pub audit: View<AuditPage>,
    /// The queue's record of the live deletion job, which carries its lease.
    pub job: Option<JobRecord>,
    /// First timeline event drawn.
    pub scroll: usize,
}

impl DetailView {
    pub fn new(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            webhook: View::default(),
            audit: View::default(),
            job: None,
            scroll: 0,
        }
    }

    /// Number of timeline events.
    pub fn event_count(&self) -> usize {
        self.audit.data.as_ref().map_or(0, |page| page.events.len())
    }
}
