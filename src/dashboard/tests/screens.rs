//! Snapshots of every view and dialog at 80x24 and 200x50, and at 80x24 without colour,
//! where the snapshot also records each cell's attributes (reverse, bold, underline, crossed
//! out), which then alone distinguish a selection or a disabled button.

use crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};

use super::*;
use crate::api::{BulkRestoreItem, BulkRestoreResponse, JobRetryResponse};
use crate::dashboard::app::{DetailFetch, Options, RetryOutcome};
use crate::dashboard::theme::ColorMode;

fn attribute(modifier: Modifier) -> char {
    if modifier.contains(Modifier::REVERSED) {
        'R'
    } else if modifier.contains(Modifier::CROSSED_OUT) {
        'X'
    } else if modifier.contains(Modifier::UNDERLINED) {
        'U'
    } else if modifier.contains(Modifier::BOLD) {
        'B'
    } else {
        '.'
    }
}

/// Renders without colour and lists each row's attributes under the text.
fn no_color_screen(state: &mut State) -> String {
    state.options.color = ColorMode::NoColor;
    let buffer = render_buffer(state, 80, 24);
    for cell in &buffer.content {
        assert_eq!(cell.fg, Color::Reset, "colour drawn under NO_COLOR");
        assert_eq!(cell.bg, Color::Reset, "colour drawn under NO_COLOR");
    }
    let width = usize::from(buffer.area.width);
    let attributes: Vec<String> = buffer
        .content
        .chunks(width)
        .map(|row| row.iter().map(|cell| attribute(cell.modifier)).collect())
        .collect();
    format!(
        "{}\n--- attributes: R reverse, X crossed out, U underline, B bold ---\n{}",
        text_rows(&buffer).join("\n"),
        attributes.join("\n")
    )
}

/// Generates the three snapshots of one screen.
macro_rules! screen_tests {
    ($($name:ident => $build:expr;)*) => {
        mod small {
            use super::*;
            $(#[test]
            fn $name() {
                let state: State = $build;
                insta::assert_snapshot!(screen_text(&state, 80, 24));
            })*
        }
        mod large {
            use super::*;
            $(#[test]
            fn $name() {
                let state: State = $build;
                insta::assert_snapshot!(screen_text(&state, 200, 50));
            })*
        }
        mod no_color {
            use super::*;
            $(#[test]
            fn $name() {
                let mut state: State = $build;
                insta::assert_snapshot!(no_color_screen(&mut state));
            })*
        }
    };
}

fn pressed(mut state: State, keys: &[Msg]) -> State {
    press_all(&mut state, keys);
    state
}

pub(super) fn detail_fetch() -> DetailFetch {
    let webhook = serde_json::from_value(json!({
        "status": "soft_deleted", "webhook_id": "sunrise_ws_cal_solar_004",
        "config": {"name": "Sunrise Solar", "description": "Residential solar leads, CA",
            "type": "solar", "region": "cal", "category": "solar", "total_leads": 310,
            "created_at": "2026-01-10T08:00:00.000Z", "enabled": false},
        "deletion_status": {"is_deleted": true, "deleted_at": "2026-03-01T04:00:00.000Z",
            "scheduled_deletion_at": "2026-03-02T04:00:00.000Z", "deleted_by": "alice",
            "deletion_reason": "duplicate of ws_cal_solar_001", "can_restore": true,
            "seconds_until_deletion": 64800, "job_id": "job_sunrise_ws_cal_solar_004"},
        "endpoints": {"health": "/h", "receive": "/r"},
        "timestamp": SERVER_NOW, "rejected_leads_since_deletion": 3,
        "job": {"status": "failed", "attempts": 2, "max_attempts": 5,
            "execute_at": "2026-03-02T04:00:00.000Z", "error_message": "database is locked",
            "next_attempt_at": "2026-03-01T10:05:00.000Z"}
    }))
    .expect("detail fixture matches the wire type");
    let job = serde_json::from_value(json!({
        "id": "job_sunrise_ws_cal_solar_004", "webhook_id": "sunrise_ws_cal_solar_004",
        "webhook_name": "Sunrise Solar", "state": "failed", "attempts": 2, "max_attempts": 5,
        "execute_at": "2026-03-02T04:00:00.000Z", "next_attempt_at": "2026-03-01T10:05:00.000Z",
        "lease_expires_at": "2026-03-01T10:04:00.000Z", "last_error": "database is locked",
        "created_at": "2026-03-01T04:00:00.000Z", "updated_at": "2026-03-01T09:59:30.000Z"
    }))
    .expect("job fixture matches the wire type");
    let mut audit = audit_page();
    audit
        .events
        .retain(|event| event.webhook_id == "sunrise_ws_cal_solar_004");
    DetailFetch {
        id: "sunrise_ws_cal_solar_004".to_owned(),
        webhook: response(webhook),
        audit: response(audit),
        job: Some(job),
    }
}

fn detail_state() -> State {
    let mut state = pressed(loaded_on('2'), &[key(KeyCode::Enter)]);
    polled(
        &mut state,
        vec![FetchedData::Detail(Box::new(detail_fetch()))],
    );
    state
}

fn bulk_results_state() -> State {
    let mut state = pressed(
        loaded_on('2'),
        &[
            key(KeyCode::Char(' ')),
            key(KeyCode::Char(' ')),
            char_key('r'),
            key(KeyCode::Enter),
        ],
    );
    let item = |id: &str, restored: bool, status: u16, message: &str| BulkRestoreItem {
        webhook_id: id.to_owned(),
        status,
        restored,
        error: None,
        message: message.to_owned(),
    };
    state.update(
        at(LOCAL_NOW),
        Msg::BulkRestored {
            received_at: at(LOCAL_NOW),
            result: response(BulkRestoreResponse {
                results: vec![
                    item("sunrise_ws_cal_solar_004", true, 200, "Webhook restored"),
                    item(
                        "ws_tx_roof_005",
                        false,
                        409,
                        "the purge job is processing (HTTP 409)",
                    ),
                ],
                restored: 1,
                failed: 1,
                timestamp: at(SERVER_NOW),
            }),
        },
    );
    state
}

fn retry_capabilities(mut state: State) -> State {
    add_extension(&mut state, "job_retry");
    state
}

fn retry_results_state() -> State {
    let mut state = pressed(
        retry_capabilities(loaded_on('3')),
        &[char_key('R'), key(KeyCode::Left), key(KeyCode::Enter)],
    );
    let job = queue_data().jobs[0].clone();
    let retried = JobRetryResponse {
        status: "success".to_owned(),
        message: "job back in pending, due now".to_owned(),
        job,
        timestamp: at(SERVER_NOW),
    };
    state.update(
        at(LOCAL_NOW),
        Msg::Retried {
            received_at: at(LOCAL_NOW),
            outcome: RetryOutcome::Jobs(vec![("job_ws_az_hvac_006".to_owned(), response(retried))]),
        },
    );
    state
}

/// Opens the create dialog and types a name, a type and a region that is one letter too long.
fn create_typed_state() -> State {
    let mut state = pressed(loaded_state(), &[char_key('n')]);
    fill(&mut state, &["Solar NV", "solar", "nevx"]);
    state
}

/// Sends a valid create form and delivers the server's response with the signing secret.
fn create_result_state() -> State {
    let mut state = pressed(loaded_state(), &[char_key('n')]);
    fill(&mut state, &["Solar NV", "solar", "nv", "solar", "acme"]);
    let mut state = pressed(
        state,
        &[key(KeyCode::Tab), key(KeyCode::Tab), key(KeyCode::Enter)],
    );
    assert!(
        matches!(
            &state.dialog,
            Some(crate::dashboard::dialogs::Dialog::Create(dialog))
                if matches!(dialog.phase, crate::dashboard::dialogs::CreatePhase::Sending)
        ),
        "the create request was not sent"
    );
    state.update(at(LOCAL_NOW), created_msg(response(created_webhook())));
    state
}

screen_tests! {
    active_tab => loaded_state();
    deleted_tab => loaded_on('2');
    queue_tab => loaded_on('3');
    audit_tab => loaded_on('4');
    help_on_active => pressed(loaded_state(), &[char_key('?')]);
    help_on_deleted => pressed(loaded_on('2'), &[char_key('?')]);
    detail_view => detail_state();
    soft_delete_dialog => pressed(loaded_state(), &[char_key('d')]);
    soft_delete_typed => {
        let mut state = pressed(loaded_state(), &[char_key('d')]);
        type_text(&mut state, "duplicate");
        pressed(state, &[key(KeyCode::Enter)])
    };
    force_delete_dialog => {
        let mut state = pressed(loaded_on('2'), &[char_key('D')]);
        type_text(&mut state, "Sunrise");
        state
    };
    restore_dialog => pressed(loaded_on('2'), &[char_key('r')]);
    bulk_preflight => pressed(
        loaded_on('2'),
        &[key(KeyCode::Char(' ')), key(KeyCode::Char(' ')), char_key('r')],
    );
    bulk_results => bulk_results_state();
    retry_dialog => pressed(retry_capabilities(loaded_on('3')), &[char_key('R')]);
    retry_all_dialog => pressed(retry_capabilities(loaded_on('3')), &[char_key('A')]);
    retry_results => retry_results_state();
    command_prompt => {
        let mut state = pressed(loaded_state(), &[char_key(':')]);
        type_text(&mut state, "webhook ws_");
        state
    };
    filter_prompt => {
        let mut state = pressed(loaded_on('2'), &[char_key('/')]);
        type_text(&mut state, "roof");
        state
    };
    stale_data => stale_state();
    core_only_queue => core_only_state();
    read_only_header => with_options(Options {
        read_only: true,
        ..Options::default()
    });
    confirm_env_delete => pressed(with_options(confirm_env_options()), &[char_key('d')]);
    create_dialog => create_typed_state();
    create_result => create_result_state();
}
