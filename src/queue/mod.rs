//! The deletion queue consumer. Placeholder until implemented.

/// Injects purge failures, for tests and the demo's dead-letter job.
pub trait PurgeFault: Send + Sync + 'static {
    /// Returns an error message to make this purge attempt fail, or `None` to let it run.
    fn before_purge(&self, webhook_id: &str, attempt: u32) -> Option<String>;
}
