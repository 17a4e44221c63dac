//! Server text laced with line separators, format characters and escape sequences: no screen
//! draws any of them raw, on any tab, in the detail view, the help, the error window or a
//! dialog.

use crossterm::event::KeyCode;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::screens::detail_fetch;
use super::*;
use crate::api::{Role, WhoAmI};

/// Text with a line and a paragraph separator, NEL, zero-width and bidirectional format
/// characters, an isolate, a byte order mark, a soft hyphen, a tag character, a joiner after
/// an ASCII letter and an escape sequence that clears the screen.
const HOSTILE: &str = "line\u{2028}sep\u{2029}para\u{85}nel\u{200b}zw\u{200e}lrm\u{202e}rlo\
                       \u{2066}iso\u{feff}bom\u{ad}shy\u{e0041}tag\u{200d}zwj\u{1b}[2Jend";

fn laced(text: &str) -> String {
    format!("{text} {HOSTILE}")
}

/// Builds a state whose every fetched string that the dashboard draws contains [`HOSTILE`].
fn hostile_state() -> State {
    let mut active = active_list();
    for webhook in &mut active.webhooks {
        webhook.name = laced(&webhook.name);
        webhook.kind = laced(&webhook.kind);
        webhook.region = laced(&webhook.region);
    }

    let mut deleted = deleted_list();
    for webhook in &mut deleted.webhooks {
        webhook.name = laced(&webhook.name);
        webhook.deletion.reason = Some(laced("reason"));
        webhook.deletion.deleted_by = Some(laced("user"));
        webhook.job_status.error_message = Some(laced("error"));
    }

    let mut queue = queue_data();
    for job in &mut queue.jobs {
        job.webhook_name = laced(&job.webhook_name);
        job.last_error = Some(laced("error"));
    }

    let mut audit = audit_page();
    for event in &mut audit.events {
        event.webhook_name = laced(&event.webhook_name);
        event.actor = laced(&event.actor);
        event.reason = Some(laced("reason"));
    }

    let identity = WhoAmI {
        name: laced("token"),
        role: Role::Viewer,
        token_id: Some("tok_1".to_owned()),
        acting_user: laced("user"),
        trusts_user_header: false,
        timestamp: at(SERVER_NOW),
    };

    let mut state = State::new(URL, &laced("alice"), Duration::from_secs(2), at(LOCAL_NOW));
    state.update(at(LOCAL_NOW), Msg::Tick);
    polled(
        &mut state,
        vec![
            FetchedData::Capabilities(response(full_capabilities())),
            FetchedData::Identity(response(identity)),
            FetchedData::Active(modified(active)),
            FetchedData::Deleted(modified(deleted)),
            FetchedData::Queue(response(queue)),
            FetchedData::Audit(response(audit)),
        ],
    );
    state
}

/// Builds the detail view of a webhook whose description, deletion and job carry
/// [`HOSTILE`].
fn hostile_detail() -> State {
    let mut state = hostile_state();
    press_all(&mut state, &[char_key('2'), key(KeyCode::Enter)]);
    let mut fetch = detail_fetch();
    if let Ok(webhook) = &mut fetch.webhook {
        let detail = &mut webhook.body;
        detail.config.name = laced(&detail.config.name);
        detail.config.description = Some(laced("description"));
        detail.note = Some(laced("note"));
        detail.deletion_status.deleted_by = Some(laced("user"));
        detail.deletion_status.deletion_reason = Some(laced("reason"));
        if let Some(job) = &mut detail.job {
            job.error_message = Some(laced("error"));
        }
    }
    if let Some(job) = &mut fetch.job {
        job.last_error = Some(laced("error"));
    }
    polled(&mut state, vec![FetchedData::Detail(Box::new(fetch))]);
    state
}

/// Returns the characters of `buffer` that must not reach a terminal: controls, format
/// characters and line and paragraph separators.
fn raw_characters(buffer: &Buffer) -> Vec<char> {
    buffer
        .content
        .iter()
        .flat_map(|cell| cell.symbol().chars())
        .filter(|&c| {
            c.is_control()
                || matches!(
                    c.general_category(),
                    GeneralCategory::Format
                        | GeneralCategory::LineSeparator
                        | GeneralCategory::ParagraphSeparator
                )
        })
        .collect()
}

#[test]
fn no_screen_draws_raw_separators() {
    let screens: Vec<(&str, State)> = vec![
        ("active", hostile_state()),
        ("deleted", pressed(hostile_state(), &[char_key('2')])),
        ("queue", pressed(hostile_state(), &[char_key('3')])),
        ("audit", pressed(hostile_state(), &[char_key('4')])),
        ("detail", hostile_detail()),
        ("help", pressed(hostile_state(), &[char_key('?')])),
        (
            "force delete",
            pressed(hostile_state(), &[char_key('2'), char_key('D')]),
        ),
    ];
    for (name, state) in &screens {
        for (width, height) in [(80, 24), (200, 50)] {
            let buffer = render_buffer(state, width, height);
            let raw = raw_characters(&buffer);
            assert!(
                raw.is_empty(),
                "{name} at {width}x{height} draws {raw:?}:\n{}",
                text_rows(&buffer).join("\n")
            );
        }
    }
}

/// Builds [`hostile_state`] after a poll that failed with an error carrying [`HOSTILE`].
fn failed_state() -> State {
    let mut state = hostile_state();
    let error = ApiError::Unreachable {
        url: format!("{URL}/webhook"),
        detail: laced("Connection refused"),
    };
    poll_at(
        &mut state,
        local_plus(1),
        vec![FetchedData::Active(Err(error))],
    );
    state
}

#[test]
fn errors_draw_no_raw_separators() {
    let status_bar = failed_state();
    let window = pressed(failed_state(), &[char_key('e')]);
    for state in [status_bar, window] {
        let buffer = render_buffer(&state, 80, 24);
        let screen = text_rows(&buffer).join("\n");
        assert!(screen.contains("Connection refused"), "{screen}");
        let raw = raw_characters(&buffer);
        assert!(raw.is_empty(), "draws {raw:?}:\n{screen}");
    }
}

fn pressed(mut state: State, msgs: &[Msg]) -> State {
    press_all(&mut state, msgs);
    state
}
