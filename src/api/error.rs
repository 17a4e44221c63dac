use serde::{Deserialize, Serialize};

use super::Timestamp;

/// JSON body of every error response: a short title, a sentence naming the value and the fix,
/// the server time, and context fields such as `webhook_id` or `scheduled_deletion_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub timestamp: Option<Timestamp>,
    #[serde(flatten)]
    pub context: serde_json::Map<String, serde_json::Value>,
}

impl ErrorBody {
    /// Reads a context field as text, for fields such as `job_status`.
    pub fn context_str(&self, key: &str) -> Option<&str> {
        self.context.get(key).and_then(|value| value.as_str())
    }
}
