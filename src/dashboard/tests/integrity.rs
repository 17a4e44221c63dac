//! The integrity count: which polls run the check, and what the status bar shows.

use super::*;
use crate::api::{IntegrityIssue, IntegrityReport};
use crate::dashboard::app::{Command, Resource, INTEGRITY_INTERVAL};

fn capabilities_with_integrity() -> Capabilities {
    let mut capabilities = full_capabilities();
    capabilities.extensions.insert("integrity".to_owned());
    capabilities
}

fn report(messages: &[&str]) -> IntegrityReport {
    IntegrityReport {
        issues: messages
            .iter()
            .map(|message| IntegrityIssue {
                kind: "state_mismatch".to_owned(),
                webhook_id: Some("ws_cal_solar_001".to_owned()),
                job_id: None,
                message: (*message).to_owned(),
            })
            .collect(),
        timestamp: at(SERVER_NOW),
    }
}

fn polled_resources(commands: &[Command]) -> Vec<Resource> {
    commands
        .iter()
        .find_map(|command| match command {
            Command::Poll(resources) => Some(resources.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Returns a state whose first poll learned that the server has the integrity extension.
fn state_with_integrity() -> State {
    let mut state = State::new(URL, "alice", Duration::from_secs(2), at(LOCAL_NOW));
    state.update(at(LOCAL_NOW), Msg::Tick);
    poll_at(
        &mut state,
        at(LOCAL_NOW),
        vec![FetchedData::Capabilities(response(
            capabilities_with_integrity(),
        ))],
    );
    state
}

#[test]
fn check_runs_once_per_interval() {
    let mut state = state_with_integrity();

    let first = state.update(local_plus(2), Msg::Tick);
    assert!(polled_resources(&first).contains(&Resource::Integrity));
    poll_at(
        &mut state,
        local_plus(2),
        vec![FetchedData::Integrity(response(report(&[])))],
    );

    let next = state.update(local_plus(4), Msg::Tick);
    assert!(!polled_resources(&next).is_empty(), "{next:?}");
    assert!(!polled_resources(&next).contains(&Resource::Integrity));
    poll_at(&mut state, local_plus(4), Vec::new());

    let later = 2 + INTEGRITY_INTERVAL.as_secs() as i64;
    let due = state.update(local_plus(later), Msg::Tick);
    assert!(polled_resources(&due).contains(&Resource::Integrity));
}

#[test]
fn server_without_integrity_is_not_asked() {
    let mut state = loaded_state();
    let commands = state.update(local_plus(3), Msg::Tick);
    let resources = polled_resources(&commands);
    assert!(!resources.is_empty());
    assert!(!resources.contains(&Resource::Integrity));
}

#[test]
fn status_bar_shows_issue_count() {
    let mut state = state_with_integrity();
    poll_at(
        &mut state,
        local_plus(1),
        vec![FetchedData::Integrity(response(report(&[
            "webhook ws_cal_solar_001 is soft-deleted but has no unfinished job",
            "job job_1 has no purged event",
        ])))],
    );
    let screen = screen_text(&state, 120, 24);
    assert!(screen.contains("2 integrity issues"), "{screen}");

    poll_at(
        &mut state,
        local_plus(70),
        vec![FetchedData::Integrity(response(report(&[])))],
    );
    let screen = screen_text(&state, 120, 24);
    assert!(screen.contains("integrity ok"), "{screen}");
    assert!(!screen.contains("integrity issues"), "{screen}");
}
