//! The create dialog through the update function: opening it, checking fields as they are
//! typed, the role and mode gates, and the server's errors. The signing secret shows once,
//! copies with `y`, stays out of the log and leaves the state when the dialog closes.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crossterm::event::KeyCode;

use super::*;
use crate::api::{ErrorBody, Role, WhoAmI};
use crate::dashboard::app::{ClipboardText, Command, Options, Tab};
use crate::dashboard::dialogs::{CreateDialog, CreatePhase, Dialog, FieldKey, Focus};

/// Values for the six fields in focus order: name, type, region, category, prefix and
/// description.
const VALID: [&str; 6] = [
    "Solar NV",
    "solar",
    "nv",
    "solar",
    "acme",
    "Nevada rooftops",
];

fn dialog(state: &State) -> &CreateDialog {
    match &state.dialog {
        Some(Dialog::Create(dialog)) => dialog,
        other => panic!("no create dialog is open: {other:?}"),
    }
}

/// Moves the focus to the Create button and presses it.
fn confirm(state: &mut State) -> Vec<Command> {
    if let Some(Dialog::Create(dialog)) = &mut state.dialog {
        dialog.form.focus = Focus::Confirm;
    }
    press(state, key(KeyCode::Enter))
}

fn identity(role: Role) -> WhoAmI {
    WhoAmI {
        name: "vera".to_owned(),
        role,
        token_id: Some("tok_1".to_owned()),
        acting_user: "vera".to_owned(),
        trusts_user_header: false,
        timestamp: at(SERVER_NOW),
    }
}

fn http_error(status: u16, title: &str, message: &str) -> ApiError {
    ApiError::Http {
        status,
        body: Some(ErrorBody {
            error: title.to_owned(),
            message: message.to_owned(),
            timestamp: None,
            context: serde_json::Map::new(),
        }),
        retry_after: None,
    }
}

/// Builds a state whose create request for [`VALID`] was sent and is still running.
fn sent_state() -> State {
    let mut state = loaded_state();
    press(&mut state, char_key('n'));
    fill(&mut state, &VALID);
    let sent = confirm(&mut state);
    assert_eq!(writes(&sent).len(), 1, "{sent:?}");
    state
}

/// Builds a state that shows the result of creating [`created_webhook`].
fn created_state() -> State {
    let mut state = sent_state();
    press(&mut state, created_msg(response(created_webhook())));
    state
}

#[test]
fn n_opens_on_the_name_field() {
    let mut state = loaded_state();

    let commands = press(&mut state, char_key('n'));

    assert!(writes(&commands).is_empty(), "{commands:?}");
    let dialog = dialog(&state);
    assert!(dialog.form.is_focused(FieldKey::WebhookName));
    assert!(!dialog.can_confirm());
}

#[test]
fn n_on_other_tabs_opens_nothing() {
    let mut state = loaded_state();
    for tab in ['2', '3', '4'] {
        press(&mut state, char_key(tab));
        press(&mut state, char_key('n'));
        assert!(state.dialog.is_none(), "n on tab {tab} opened a dialog");
    }
}

#[test]
fn new_command_opens_it_from_any_tab() {
    let mut state = loaded_on('2');
    press(&mut state, char_key(':'));
    type_text(&mut state, "new");

    press(&mut state, key(KeyCode::Enter));

    assert_eq!(state.tab, Tab::Active);
    assert!(dialog(&state).form.is_focused(FieldKey::WebhookName));
}

#[test]
fn tab_moves_through_fields_in_order() {
    let mut state = loaded_state();
    press(&mut state, char_key('n'));
    let order = [
        FieldKey::WebhookName,
        FieldKey::Kind,
        FieldKey::Region,
        FieldKey::Category,
        FieldKey::Prefix,
        FieldKey::Description,
    ];
    for expected in order {
        assert!(
            dialog(&state).form.is_focused(expected),
            "{expected:?} is not focused"
        );
        press(&mut state, key(KeyCode::Tab));
    }
    assert_eq!(dialog(&state).form.focus, Focus::Confirm);
}

#[test]
fn confirm_stays_disabled_until_all_valid() {
    let mut state = loaded_state();
    press(&mut state, char_key('n'));
    for filled in 1..VALID.len() {
        if filled > 1 {
            press(&mut state, key(KeyCode::Tab));
        }
        type_text(&mut state, VALID[filled - 1]);
        let required_left = filled < 4;
        assert_eq!(
            dialog(&state).can_confirm(),
            !required_left,
            "after {filled} fields"
        );
    }
    let mut state = loaded_state();
    press(&mut state, char_key('n'));
    fill(&mut state, &VALID[..3]);
    let rejected = confirm(&mut state);
    assert!(writes(&rejected).is_empty(), "sent without a category");
    assert!(matches!(dialog(&state).phase, CreatePhase::Edit));
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("fill in the category first"), "{screen}");
}

#[test]
fn invalid_fields_name_their_problem() {
    let cases: [(usize, &str, &str); 5] = [
        (1, "Solar", "'S' is not allowed"),
        (2, "nev", ""),
        (2, "nevada", "6 letters long"),
        (3, "solar-roof", "'-' is not allowed"),
        (4, "acme_co", "'_' is not allowed"),
    ];
    for (field, value, expected) in cases {
        let mut values = VALID;
        values[field] = value;
        let mut state = loaded_state();
        press(&mut state, char_key('n'));
        fill(&mut state, &values);

        let screen = screen_text(&state, 80, 24);
        if expected.is_empty() {
            assert!(dialog(&state).can_confirm(), "{value} rejected:\n{screen}");
            continue;
        }
        assert!(!dialog(&state).can_confirm(), "{value} accepted");
        assert!(screen.contains(expected), "{value}: {expected}:\n{screen}");
        let rejected = confirm(&mut state);
        assert!(writes(&rejected).is_empty(), "{value} was sent");
    }
}

/// The dialog runs the server's character check, so a name that the server would reject with
/// 400 keeps Create disabled and shows the server's wording.
#[test]
fn invisible_name_keeps_create_disabled() {
    for (name, expected) in [
        (
            "Sola\u{200B}r",
            "invisible formatting character U+200B at character 5",
        ),
        (
            "Team \u{1F469}\u{200D}\u{1F4BB}",
            "invisible formatting character U+200D at character 7",
        ),
        (
            "a\u{202E}b",
            "invisible formatting character U+202E at character 2",
        ),
    ] {
        let mut values = VALID;
        values[0] = name;
        let mut state = loaded_state();
        press(&mut state, char_key('n'));
        fill(&mut state, &values);

        assert!(!dialog(&state).can_confirm(), "{name:?} accepted");
        let screen = screen_text(&state, 200, 40);
        assert!(
            !screen.contains("Name (required)  ok"),
            "{name:?}:\n{screen}"
        );
        assert!(screen.contains(expected), "{name:?}: {expected}:\n{screen}");
        let rejected = confirm(&mut state);
        assert!(writes(&rejected).is_empty(), "{name:?} was sent");
    }
}

#[test]
fn id_preview_follows_the_typed_parts() {
    let mut state = loaded_state();
    press(&mut state, char_key('n'));
    let empty = screen_text(&state, 80, 24);
    assert!(empty.contains("ws_<region>_<category>_NNN"), "{empty}");

    fill(&mut state, &VALID);

    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("acme_ws_nv_solar_NNN"), "{screen}");
}

#[test]
fn confirmed_form_sends_trimmed_request() {
    let mut state = loaded_state();
    press(&mut state, char_key('n'));
    fill(
        &mut state,
        &[" Solar NV ", "solar", "nv ", "solar", "", "  "],
    );

    let sent = confirm(&mut state);

    let [Command::CreateWebhook(request)] = writes(&sent)[..] else {
        panic!("expected one create request: {sent:?}");
    };
    assert_eq!(request.name, "Solar NV");
    assert_eq!(request.region, "nv");
    assert_eq!(request.prefix, None);
    assert_eq!(request.description, None);
    assert_eq!(request.id, None);
    assert!(matches!(dialog(&state).phase, CreatePhase::Sending));
    assert_eq!(state.pending_requests, 1);
}

#[test]
fn enter_walks_fields_then_confirms() {
    let mut state = loaded_state();
    press(&mut state, char_key('n'));
    fill(&mut state, &VALID);

    let moved = press(&mut state, key(KeyCode::Enter));
    assert!(writes(&moved).is_empty(), "Enter in a field sent {moved:?}");
    let sent = press(&mut state, key(KeyCode::Enter));

    assert_eq!(writes(&sent).len(), 1, "{sent:?}");
}

#[test]
fn read_only_leaves_n_unbound() {
    let mut state = with_options(Options {
        read_only: true,
        ..Options::default()
    });

    let commands = press(&mut state, char_key('n'));

    assert!(commands.is_empty(), "{commands:?}");
    assert!(state.dialog.is_none());
    assert!(state.error.is_none(), "{:?}", state.error);
    let hints = screen_text(&state, 80, 24);
    assert!(!hints.contains("n new"), "{hints}");
    press(&mut state, char_key('?'));
    let help = screen_text(&state, 80, 24);
    assert!(!help.contains("create a webhook"), "{help}");
}

#[test]
fn read_only_refuses_new_command() {
    let mut state = with_options(Options {
        read_only: true,
        ..Options::default()
    });
    press(&mut state, char_key(':'));
    type_text(&mut state, "new");

    press(&mut state, key(KeyCode::Enter));

    assert!(state.dialog.is_none());
    let error = state.error.clone().unwrap_or_default();
    assert!(
        error.contains("Create unavailable: read-only mode"),
        "{error}"
    );
}

#[test]
fn viewer_role_is_rejected() {
    let mut state = loaded_state();
    state.identity = Some(identity(Role::Viewer));

    press(&mut state, char_key('n'));

    assert!(state.dialog.is_none());
    let error = state.error.clone().unwrap_or_default();
    assert_eq!(
        error,
        "Create unavailable: create needs the operator role, but token 'vera' has the viewer \
         role"
    );
    press(&mut state, char_key('?'));
    let help = screen_text(&state, 80, 24);
    assert!(help.contains("creates, deletes"), "{help}");
}

#[test]
fn operator_role_may_create() {
    let mut state = loaded_state();
    state.identity = Some(identity(Role::Operator));

    press(&mut state, char_key('n'));

    assert!(state.error.is_none(), "{:?}", state.error);
    assert!(state.dialog.is_some());
}

#[test]
fn confirm_env_adds_environment_field() {
    let mut state = with_options(confirm_env_options());
    press(&mut state, char_key('n'));
    fill(&mut state, &VALID);
    assert!(!dialog(&state).can_confirm());
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("type the environment name first"),
        "{screen}"
    );
    let rejected = confirm(&mut state);
    assert!(writes(&rejected).is_empty(), "{rejected:?}");

    if let Some(Dialog::Create(dialog)) = &mut state.dialog {
        let index = dialog.form.fields.len() - 1;
        dialog.form.focus = Focus::Field(index);
    }
    type_text(&mut state, "prod");
    assert!(dialog(&state).form.is_focused(FieldKey::Environment));
    assert!(dialog(&state).can_confirm());
    let sent = confirm(&mut state);

    assert_eq!(writes(&sent).len(), 1, "{sent:?}");
}

#[test]
fn bad_request_returns_to_the_field() {
    let mut state = sent_state();
    let error = http_error(
        400,
        "Invalid field",
        "invalid region 'nv': use 2 or 3 lowercase letters such as cal",
    );

    press(&mut state, created_msg(Err(error)));

    let dialog = dialog(&state);
    assert!(matches!(dialog.phase, CreatePhase::Edit));
    assert!(dialog.form.is_focused(FieldKey::Region));
    assert_eq!(dialog.form.value(FieldKey::WebhookName), "Solar NV");
    assert_eq!(dialog.form.value(FieldKey::Description), "Nevada rooftops");
    assert_eq!(state.pending_requests, 0);
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("Not created: invalid region 'nv'"),
        "{screen}"
    );

    // Fix the region and send again without retyping the rest.
    press(&mut state, key(KeyCode::Backspace));
    press(&mut state, key(KeyCode::Backspace));
    type_text(&mut state, "cal");
    let sent = confirm(&mut state);
    let [Command::CreateWebhook(request)] = writes(&sent)[..] else {
        panic!("expected one create request: {sent:?}");
    };
    assert_eq!(request.region, "cal");
    assert_eq!(request.name, "Solar NV");
}

#[test]
fn conflict_shows_server_message() {
    let mut state = sent_state();
    let error = http_error(
        409,
        "No free webhook number",
        "no free webhook number is left for 'acme_ws_nv_solar'; use another prefix or category",
    );

    press(&mut state, created_msg(Err(error)));

    assert!(dialog(&state).form.is_focused(FieldKey::Prefix));
    assert!(
        dialog(&state).can_confirm(),
        "the same values may be sent again"
    );
    let screen = screen_text(&state, 200, 50);
    assert!(
        screen.contains("no free webhook number is left"),
        "{screen}"
    );
    assert!(screen.contains("(HTTP 409)"), "{screen}");
}

#[test]
fn result_shows_id_and_secret() {
    let state = created_state();

    let dialog = dialog(&state);
    assert!(matches!(dialog.phase, CreatePhase::Created(_)));
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("acme_ws_nv_solar_001"), "{screen}");
    assert!(screen.contains(SECRET), "{screen}");
    assert!(screen.contains("shown only this once"), "{screen}");
    assert!(
        screen.contains("X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw body>"),
        "{screen}"
    );
    let notice = state
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(notice.contains("acme_ws_nv_solar_001"), "{notice}");
    assert!(!notice.contains(SECRET), "{notice}");
}

#[test]
fn y_copies_secret_without_showing_it() {
    let mut state = created_state();

    let commands = press(&mut state, char_key('y'));

    let copies: Vec<&Command> = commands
        .iter()
        .filter(|c| matches!(c, Command::Copy(_)))
        .collect();
    let [Command::Copy(clip)] = copies[..] else {
        panic!("expected one copy: {commands:?}");
    };
    assert!(matches!(clip, ClipboardText::SigningSecret(_)));
    assert_eq!(clip.text(), SECRET);
    assert!(state.dialog.is_some(), "y closed the dialog");
    press(
        &mut state,
        Msg::Copied {
            label: clip.label(),
            result: Ok(()),
        },
    );
    let notice = state
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(notice.contains("Copied the signing secret"), "{notice}");
    assert!(!notice.contains(SECRET), "{notice}");
}

#[test]
fn secret_leaves_state_on_close() {
    let mut state = created_state();
    let secret = SigningSecret::new(SECRET.to_owned());
    let fingerprint = format!("{secret:?}");
    assert!(!fingerprint.contains(SECRET), "{fingerprint}");
    assert!(
        format!("{state:?}").contains(&fingerprint),
        "the search below can find the secret while it is shown"
    );
    press(&mut state, char_key('y'));

    press(&mut state, key(KeyCode::Esc));

    assert!(state.dialog.is_none());
    let dump = format!("{state:?}");
    assert!(!dump.contains(&fingerprint), "{dump}");
    assert!(!dump.contains(SECRET), "{dump}");
    assert!(!screen_text(&state, 200, 50).contains(SECRET));
}

#[test]
fn esc_while_sending_still_shows_secret() {
    let mut state = sent_state();
    press(&mut state, key(KeyCode::Esc));
    assert!(state.dialog.is_none());

    press(&mut state, created_msg(response(created_webhook())));

    assert!(matches!(dialog(&state).phase, CreatePhase::Created(_)));
    assert!(screen_text(&state, 80, 24).contains(SECRET));
}

#[test]
fn failure_after_close_goes_to_status_bar() {
    let mut state = sent_state();
    press(&mut state, key(KeyCode::Esc));

    press(
        &mut state,
        created_msg(Err(http_error(
            400,
            "Invalid field",
            "invalid category 'x1'",
        ))),
    );

    assert!(state.dialog.is_none());
    let error = state.error.clone().unwrap_or_default();
    assert!(error.contains("Create of Solar NV failed"), "{error}");
    assert!(error.contains("invalid category 'x1'"), "{error}");
}

#[test]
fn result_without_secret_says_so() {
    let mut state = sent_state();
    let mut created = created_webhook();
    created.signing_secret = None;

    press(&mut state, created_msg(response(created)));
    let commands = press(&mut state, char_key('y'));

    assert!(commands.iter().all(|c| !matches!(c, Command::Copy(_))));
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("returned no signing secret"), "{screen}");
}

/// A writer into a buffer that the test reads after the code under test logged into it.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn secret_never_reaches_the_log() {
    // tracing caches per callsite whether any subscriber wants its events. A test thread that
    // registers a callsite at the same moment as this one installs its subscriber can leave
    // that cache stale, and this thread then records nothing. A new subscriber rebuilds the
    // cache, so the flow runs again, up to three times, until its log is not empty.
    let mut logs = Vec::new();
    for _ in 0..3 {
        let log = log_create_flow();
        assert!(!log.contains(SECRET), "{log}");
        let recorded = log.contains("webhook created");
        logs.push(log);
        if recorded {
            return;
        }
    }
    panic!("nothing was logged in three runs: {logs:?}");
}

/// Runs create, copy and close under a subscriber that records every level, and returns
/// what it recorded.
fn log_create_flow() -> String {
    let buffer = LogBuffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();

    tracing::subscriber::with_default(subscriber, || {
        let mut state = created_state();
        press(&mut state, char_key('y'));
        press(
            &mut state,
            Msg::Copied {
                label: "the signing secret".to_owned(),
                result: Err("stdout closed".to_owned()),
            },
        );
        press(&mut state, key(KeyCode::Esc));
    });

    let bytes = buffer
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn result_keeps_secret_on_small_screens() {
    for (width, height) in [(60, 15), (80, 18), (40, 10)] {
        let mut state = created_state();
        press(&mut state, Msg::Resize { width, height });
        let placement = state.dialog_placement().expect("the size is known");
        assert!(placement.is_shown(), "{width}x{height}: not shown");

        // A secret wider than the dialog wraps onto the next rows, so the rows are joined
        // without their frame to find it.
        let screen = screen_text(&state, width, height);
        let joined: String = screen
            .lines()
            .map(|row| row.trim_matches(|c: char| c == '│' || c == ' '))
            .collect();
        assert!(joined.contains(SECRET), "{width}x{height}:\n{screen}");
        assert!(screen.contains("shown only"), "{width}x{height}:\n{screen}");
    }
}

#[test]
fn unreachable_server_keeps_form_open() {
    let mut state = loaded_state();
    press(&mut state, char_key('n'));
    fill(&mut state, &VALID);
    let later = local_plus(3);
    tick_and_poll(
        &mut state,
        later,
        vec![FetchedData::Active(Err(unreachable()))],
    );

    let sent = confirm(&mut state);

    assert!(writes(&sent).is_empty(), "{sent:?}");
    let dialog = dialog(&state);
    assert!(matches!(dialog.phase, CreatePhase::Edit));
    assert_eq!(dialog.form.value(FieldKey::WebhookName), "Solar NV");
    let rejection = dialog.rejection.clone().unwrap_or_default();
    assert!(rejection.contains("unreachable"), "{rejection}");
}
