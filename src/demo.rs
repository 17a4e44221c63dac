//! Demo data for `hookgrace --demo`, loaded from `assets/demo.json` through the real API.
//!
//! Every webhook, lead, delete and restore goes through the HTTP routes, so the demo exercises
//! the same code as production. To place events in the past, the loader moves the server's
//! [`ShiftedClock`] back before each request and returns it to the present at the end. The
//! audit trail and countdowns then show the actions minutes or days ago.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Deserialize;

use crate::api::{CreateWebhookRequest, Role};
use crate::client::{ApiClient, ClientAuth};
use crate::clock::ShiftedClock;
use crate::queue::{ConsumerSettings, PurgeFault, RetryPolicy};
use crate::server::{generate_token, ServerOptions, SessionToken};

/// Grace period of the demo server: short enough to watch a countdown reach the purge.
pub const GRACE_PERIOD: Duration = Duration::from_secs(600);

/// Purge attempts before dead letter in the demo, so the failing job dead-letters quickly.
pub const MAX_ATTEMPTS: u32 = 3;

/// The demo data set, compiled into the binary so `--demo` works from any directory.
pub const DEMO_JSON: &str = include_str!("../assets/demo.json");

/// Leads stop this long before now, so the most recent traffic is the scripted actions.
const QUIET_MINUTES_BEFORE_NOW: f64 = 15.0;

#[derive(Debug, Clone, Deserialize)]
pub struct DemoData {
    pub webhooks: Vec<DemoWebhook>,
    /// Leads are spread over this many minutes before now.
    pub lead_window_minutes: f64,
    pub actions: Vec<DemoAction>,
    #[serde(default)]
    pub failing_purges: Vec<FailingPurge>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DemoWebhook {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
    /// Leads sent through the receive route before any scripted action.
    pub leads: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DemoAction {
    pub at_minutes_ago: f64,
    pub action: ActionKind,
    pub webhook: String,
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// Number of leads, for `lead`.
    #[serde(default)]
    pub count: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    SoftDelete,
    Restore,
    ForceDelete,
    Disable,
    Lead,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FailingPurge {
    pub webhook: String,
    pub error: String,
}

/// One request of the demo timeline, at a time before now.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Create {
        webhook: usize,
    },
    Lead {
        webhook: usize,
        payload: serde_json::Value,
    },
    Action {
        action: usize,
    },
}

impl DemoData {
    /// Parses and checks the bundled data set.
    pub fn bundled() -> anyhow::Result<Self> {
        Self::parse(DEMO_JSON)
    }

    pub fn parse(json: &str) -> anyhow::Result<Self> {
        let data: DemoData =
            serde_json::from_str(json).context("invalid demo data in assets/demo.json")?;
        data.validate()?;
        Ok(data)
    }

    fn validate(&self) -> anyhow::Result<()> {
        let mut ids = HashSet::new();
        for webhook in &self.webhooks {
            crate::api::parse_webhook_id(&webhook.id)?;
            if !ids.insert(webhook.id.as_str()) {
                bail!("demo data lists webhook '{}' twice", webhook.id);
            }
        }
        let references = self
            .actions
            .iter()
            .map(|action| &action.webhook)
            .chain(self.failing_purges.iter().map(|failing| &failing.webhook));
        for webhook in references {
            if !ids.contains(webhook.as_str()) {
                bail!("demo data refers to webhook '{webhook}', which it does not define");
            }
        }
        for action in &self.actions {
            let needs_reason = matches!(
                action.action,
                ActionKind::SoftDelete | ActionKind::ForceDelete
            );
            if needs_reason && action.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                bail!(
                    "demo action {:?} on '{}' needs a reason",
                    action.action,
                    action.webhook
                );
            }
            if !(action.at_minutes_ago >= 0.0 && action.at_minutes_ago <= self.lead_window_minutes)
            {
                bail!(
                    "demo action on '{}' at {} minutes ago is outside the lead window of {} minutes",
                    action.webhook,
                    action.at_minutes_ago,
                    self.lead_window_minutes
                );
            }
        }
        Ok(())
    }

    /// Builds the timeline: each step with its time in minutes before now, oldest first.
    /// Leads of a webhook stop before its first delete or disable, so none of them is rejected
    /// except the scripted `lead` actions. The seed makes the payloads the same on every run.
    pub fn timeline(&self, seed: u64) -> Vec<(f64, Step)> {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut steps = Vec::new();
        let window = self.lead_window_minutes;
        for (index, webhook) in self.webhooks.iter().enumerate() {
            steps.push((window + 1.0, Step::Create { webhook: index }));
            let cutoff = self
                .actions
                .iter()
                .filter(|action| action.webhook == webhook.id && action.action != ActionKind::Lead)
                .map(|action| action.at_minutes_ago)
                .fold(QUIET_MINUTES_BEFORE_NOW, f64::max);
            let span = window - cutoff;
            for lead in 0..webhook.leads {
                let slot =
                    (f64::from(lead) + rng.random_range(0.05..0.95)) / f64::from(webhook.leads);
                let minutes_ago = window - slot * span;
                let payload = lead_payload(&webhook.kind, &mut rng);
                steps.push((
                    minutes_ago,
                    Step::Lead {
                        webhook: index,
                        payload,
                    },
                ));
            }
        }
        for (index, action) in self.actions.iter().enumerate() {
            steps.push((action.at_minutes_ago, Step::Action { action: index }));
        }
        // Oldest first; creations come first at equal times.
        steps.sort_by(|(a, _), (b, _)| b.total_cmp(a));
        steps
    }

    fn webhook(&self, id: &str) -> Option<&DemoWebhook> {
        self.webhooks.iter().find(|webhook| webhook.id == id)
    }
}

const FIRST_NAMES: [&str; 16] = [
    "Ana", "Ben", "Carla", "Dev", "Elena", "Femi", "Grace", "Hiro", "Ines", "Jamal", "Kira",
    "Luis", "Mei", "Noah", "Olga", "Priya",
];
const LAST_NAMES: [&str; 12] = [
    "Alvarez", "Brooks", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jones",
    "Kowalski", "Lopez",
];

/// Builds a plausible lead for a campaign of `kind`. About a quarter of them carry revenue.
fn lead_payload(kind: &str, rng: &mut StdRng) -> serde_json::Value {
    let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
    let last = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
    let mut lead = serde_json::json!({
        "first_name": first,
        "last_name": last,
        "email": format!("{}.{}@example.com", first.to_lowercase(), last.to_lowercase()),
        "phone": format!("555-01{:02}", rng.random_range(0..100)),
        "zip": format!("{:05}", rng.random_range(10_000..99_999)),
        "source": "demo",
    });
    let pick =
        |rng: &mut StdRng, options: &[&'static str]| options[rng.random_range(0..options.len())];
    let details = match kind {
        "solar" => serde_json::json!({
            "monthly_bill": rng.random_range(80..420),
            "roof_type": pick(rng, &["shingle", "tile", "metal"]),
            "homeowner": true,
        }),
        "hvac" => serde_json::json!({
            "service": pick(rng, &["ac_replacement", "heat_pump", "furnace_repair"]),
            "system_age_years": rng.random_range(2..25),
        }),
        _ => serde_json::json!({
            "coverage": pick(rng, &["home", "auto", "flood"]),
            "current_carrier": pick(rng, &["none", "other"]),
        }),
    };
    lead["details"] = details;
    if rng.random_bool(0.25) {
        lead["revenue"] = serde_json::json!(rng.random_range(20..180));
    }
    lead
}

/// Fails every purge of the listed webhooks with a fixed message, so the demo shows a job
/// retrying into dead letter. Each message states that the failure is simulated.
#[derive(Debug, Default)]
pub struct DemoPurgeFault {
    errors: HashMap<String, String>,
}

impl DemoPurgeFault {
    pub fn from_data(data: &DemoData) -> Self {
        let errors = data
            .failing_purges
            .iter()
            .map(|failing| (failing.webhook.clone(), failing.error.clone()))
            .collect();
        Self { errors }
    }
}

impl PurgeFault for DemoPurgeFault {
    fn before_purge(&self, webhook_id: &str, _attempt: u32) -> Option<String> {
        self.errors.get(webhook_id).cloned()
    }
}

/// Builds the demo's server options from the bundled data set's failing purges. Retries run
/// seconds apart, so the failing job reaches dead letter within a minute. A short poll lets the
/// queue notice at once when the loader returns the clock to the present.
pub fn server_options() -> ServerOptions {
    let fault = DemoData::bundled()
        .map(|data| DemoPurgeFault::from_data(&data))
        .unwrap_or_default();
    let queue = ConsumerSettings {
        retry: RetryPolicy {
            base: Duration::from_secs(3),
            max: Duration::from_secs(30),
            jitter: 0.2,
        },
        poll_interval: Duration::from_secs(2),
        ..ConsumerSettings::default()
    };
    ServerOptions {
        purge_fault: Some(Arc::new(fault)),
        queue,
        ..ServerOptions::default()
    }
}

/// Generates an admin session token for the loader and for each user named in the bundled
/// data set, so that the audit trail shows each scripted action under its user. The server
/// must be started with these tokens in [`ServerOptions::session_tokens`].
pub fn session_tokens() -> anyhow::Result<Vec<SessionToken>> {
    let data = DemoData::bundled()?;
    let mut users: Vec<&str> = data
        .actions
        .iter()
        .filter_map(|action| action.by.as_deref())
        .collect();
    users.push(DEMO_USER);
    users.sort_unstable();
    users.dedup();
    Ok(users
        .into_iter()
        .map(|user| SessionToken {
            token: generate_token(),
            name: user.to_owned(),
            role: Role::Admin,
        })
        .collect())
}

/// Loads the bundled data set into the server at `api_url`, then returns `clock` to now. Each
/// request uses the session token of its user from `tokens`.
pub async fn seed(
    api_url: &str,
    clock: &ShiftedClock,
    tokens: &[SessionToken],
) -> anyhow::Result<()> {
    let data = DemoData::bundled()?;
    let outcome = load(&data, api_url, clock, tokens).await;
    clock.set_offset(chrono::Duration::zero());
    outcome
}

async fn load(
    data: &DemoData,
    api_url: &str,
    clock: &ShiftedClock,
    tokens: &[SessionToken],
) -> anyhow::Result<()> {
    let mut clients: HashMap<String, ApiClient> = HashMap::new();
    let mut secrets: HashMap<String, String> = HashMap::new();
    let mut rejected_leads = 0;
    for (minutes_ago, step) in data.timeline(LEAD_SEED) {
        clock.set_offset(-chrono::Duration::milliseconds(
            (minutes_ago * 60_000.0) as i64,
        ));
        let user = match &step {
            Step::Action { action } => data.actions[*action].by.as_deref().unwrap_or(DEMO_USER),
            _ => DEMO_USER,
        };
        if !clients.contains_key(user) {
            let token = tokens
                .iter()
                .find(|token| token.name == user)
                .with_context(|| format!("no demo session token for user '{user}'"))?;
            let auth = ClientAuth {
                token: Some(token.token.clone()),
                ca_cert_pem: None,
            };
            clients.insert(user.to_owned(), ApiClient::with_auth(api_url, user, &auth)?);
        }
        let client = &clients[user];
        match step {
            Step::Create { webhook } => {
                let webhook = &data.webhooks[webhook];
                let secret = create(client, webhook).await?;
                secrets.insert(webhook.id.clone(), secret);
            }
            Step::Lead { webhook, payload } => {
                let id = &data.webhooks[webhook].id;
                client
                    .send_signed_lead(id, secret_of(&secrets, id), &payload)
                    .await
                    .with_context(|| format!("demo lead to '{id}' failed"))?;
            }
            Step::Action { action } => {
                let action = &data.actions[action];
                let secret = secret_of(&secrets, &action.webhook);
                rejected_leads += act(client, data, action, secret).await?;
            }
        }
    }
    tracing::info!(
        webhooks = data.webhooks.len(),
        actions = data.actions.len(),
        rejected_leads,
        "demo data loaded"
    );
    Ok(())
}

/// Name in the audit trail of the steps that no scripted operator performs.
const DEMO_USER: &str = "demo-loader";

/// Seed of the lead payloads, fixed so that every demo run shows the same leads.
const LEAD_SEED: u64 = 7;

/// Returns the signing secret of a webhook the loader created; an empty secret, which the
/// server rejects, for any other id.
fn secret_of<'a>(secrets: &'a HashMap<String, String>, id: &str) -> &'a str {
    secrets.get(id).map_or("", String::as_str)
}

/// Creates a webhook and returns its signing secret.
async fn create(client: &ApiClient, webhook: &DemoWebhook) -> anyhow::Result<String> {
    let parts = crate::api::parse_webhook_id(&webhook.id)?;
    let request = CreateWebhookRequest {
        name: webhook.name.clone(),
        kind: webhook.kind.clone(),
        region: parts.region.to_owned(),
        category: parts.category.to_owned(),
        description: Some(webhook.description.clone()),
        id: Some(webhook.id.clone()),
        prefix: parts.prefix.map(str::to_owned),
    };
    let created = client
        .create_webhook(&request)
        .await
        .with_context(|| format!("demo webhook '{}' could not be created", webhook.id))?;
    created.body.signing_secret.with_context(|| {
        format!(
            "the server returned no signing secret for demo webhook '{}'",
            webhook.id
        )
    })
}

/// Performs one scripted action; returns the number of leads the server rejected.
async fn act(
    client: &ApiClient,
    data: &DemoData,
    action: &DemoAction,
    secret: &str,
) -> anyhow::Result<u32> {
    let id = action.webhook.as_str();
    let reason = action.reason.as_deref().unwrap_or_default();
    let failed = || format!("demo action {:?} on '{id}' failed", action.action);
    match action.action {
        ActionKind::SoftDelete => {
            client.soft_delete(id, reason).await.with_context(failed)?;
        }
        ActionKind::Restore => {
            client.restore(id).await.with_context(failed)?;
        }
        ActionKind::ForceDelete => {
            let name = data
                .webhook(id)
                .map(|webhook| webhook.name.as_str())
                .unwrap_or_default();
            client
                .force_delete(id, name, reason)
                .await
                .with_context(failed)?;
        }
        ActionKind::Disable => {
            client.set_enabled(id, false).await.with_context(failed)?;
        }
        ActionKind::Lead => {
            // Traffic that still reaches a deleted webhook: the server rejects and counts it.
            let mut rejected = 0;
            let mut rng = StdRng::seed_from_u64(LEAD_SEED);
            let kind = data
                .webhook(id)
                .map(|webhook| webhook.kind.as_str())
                .unwrap_or_default();
            for _ in 0..action.count.unwrap_or(1) {
                if client
                    .send_signed_lead(id, secret, &lead_payload(kind, &mut rng))
                    .await
                    .is_err()
                {
                    rejected += 1;
                }
            }
            return Ok(rejected);
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_data_is_valid() {
        let data = DemoData::bundled().unwrap();
        let leads: u32 = data.webhooks.iter().map(|webhook| webhook.leads).sum();
        assert!(leads >= 200, "only {leads} leads");
        assert!(data.webhooks.iter().any(|w| w.kind == "solar"));
        assert!(data.webhooks.iter().any(|w| w.kind == "hvac"));
        assert!(data.webhooks.iter().any(|w| w.kind == "insurance"));
        assert!(!data.failing_purges.is_empty());
    }

    #[test]
    fn unknown_webhook_reference_is_rejected() {
        let json = r#"{"webhooks": [], "lead_window_minutes": 10,
            "actions": [{"at_minutes_ago": 1, "action": "restore", "webhook": "ws_tx_hvac_001"}]}"#;
        let message = DemoData::parse(json).unwrap_err().to_string();
        assert!(message.contains("'ws_tx_hvac_001'"), "{message}");
    }

    #[test]
    fn timeline_is_ordered_and_leads_precede_deletes() {
        let data = DemoData::bundled().unwrap();
        let timeline = data.timeline(7);
        let times: Vec<f64> = timeline.iter().map(|(minutes, _)| *minutes).collect();
        assert!(times.windows(2).all(|pair| pair[0] >= pair[1]));
        for action in data.actions.iter().filter(|a| a.action != ActionKind::Lead) {
            let index = data
                .webhooks
                .iter()
                .position(|w| w.id == action.webhook)
                .unwrap();
            let late_lead = timeline.iter().any(|(minutes, step)| {
                matches!(step, Step::Lead { webhook, .. } if *webhook == index)
                    && *minutes <= action.at_minutes_ago
            });
            assert!(
                !late_lead,
                "a lead of {} follows an action on it",
                action.webhook
            );
        }
    }

    #[test]
    fn timeline_is_deterministic() {
        let data = DemoData::bundled().unwrap();
        assert_eq!(data.timeline(7), data.timeline(7));
    }
}
