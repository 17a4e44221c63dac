//! Confirmation dialogs for every write. A key press only opens a dialog, and a request is
//! sent only when the operator confirms it. Confirmation stays disabled until the required
//! input is valid, and under `--confirm-env` until the environment name is typed too.

mod bulk;
pub mod create;
mod force_delete;
pub mod form;
pub mod layout;
mod restore;
mod retry;
mod soft_delete;
mod undo;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

pub use bulk::{BulkDialog, BulkItem, BulkPhase};
pub use create::{CreateDialog, CreatePhase};
pub use force_delete::ForceDeleteDialog;
pub use form::{FieldKey, Focus, Form};
pub use layout::{Content, Placement};
pub use restore::RestoreDialog;
pub use retry::{RetryDialog, RetryItem, RetryPhase};
pub use soft_delete::SoftDeleteDialog;
pub use undo::UndoDialog;

use self::form::FormEvent;
use crate::api::{Timestamp, MAX_REASON_CHARS};
use crate::dashboard::app::{ClipboardText, Command, State};
use crate::dashboard::widgets::text::visible;

/// The open dialog.
#[derive(Debug)]
pub enum Dialog {
    Create(CreateDialog),
    SoftDelete(SoftDeleteDialog),
    ForceDelete(ForceDeleteDialog),
    Restore(RestoreDialog),
    Bulk(BulkDialog),
    Retry(RetryDialog),
    Undo(UndoDialog),
}

/// Effect of a key press in a dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum DialogAction {
    None,
    Close,
    Submit(Command),
    /// Copy text to the clipboard, leaving the dialog open.
    Copy(ClipboardText),
    /// Scroll the dialog's body by this many rows (negative is up).
    Scroll(isize),
}

impl Dialog {
    /// Applies a key press. `server_now` is the server's estimated time.
    pub fn handle_key(&mut self, key: KeyEvent, server_now: Timestamp) -> DialogAction {
        match self {
            Dialog::Create(dialog) => dialog.handle_key(key),
            Dialog::SoftDelete(dialog) => dialog.handle_key(key),
            Dialog::ForceDelete(dialog) => dialog.handle_key(key),
            Dialog::Restore(dialog) => dialog.handle_key(key, server_now),
            Dialog::Bulk(dialog) => dialog.handle_key(key),
            Dialog::Retry(dialog) => dialog.handle_key(key),
            Dialog::Undo(dialog) => dialog.handle_key(key),
        }
    }

    /// Inserts pasted text into the focused input, cleaned as [`Form::paste`] describes.
    /// Returns `false` when no input has focus.
    pub fn paste(&mut self, text: &str) -> bool {
        match self.form_mut() {
            Some(form) => form.paste(text),
            None => false,
        }
    }

    /// Returns the form of the dialog, while it still takes input.
    pub fn form(&self) -> Option<&Form> {
        match self {
            Dialog::Create(dialog) => {
                matches!(dialog.phase, CreatePhase::Edit).then_some(&dialog.form)
            }
            Dialog::SoftDelete(dialog) => Some(&dialog.form),
            Dialog::ForceDelete(dialog) => Some(&dialog.form),
            Dialog::Restore(dialog) => Some(&dialog.form),
            Dialog::Bulk(dialog) => {
                matches!(dialog.phase, BulkPhase::Confirm).then_some(&dialog.form)
            }
            Dialog::Retry(dialog) => {
                matches!(dialog.phase, RetryPhase::Confirm).then_some(&dialog.form)
            }
            Dialog::Undo(dialog) => Some(&dialog.form),
        }
    }

    fn form_mut(&mut self) -> Option<&mut Form> {
        match self {
            Dialog::Create(dialog) => {
                matches!(dialog.phase, CreatePhase::Edit).then_some(&mut dialog.form)
            }
            Dialog::SoftDelete(dialog) => Some(&mut dialog.form),
            Dialog::ForceDelete(dialog) => Some(&mut dialog.form),
            Dialog::Restore(dialog) => Some(&mut dialog.form),
            Dialog::Bulk(dialog) => {
                matches!(dialog.phase, BulkPhase::Confirm).then_some(&mut dialog.form)
            }
            Dialog::Retry(dialog) => {
                matches!(dialog.phase, RetryPhase::Confirm).then_some(&mut dialog.form)
            }
            Dialog::Undo(dialog) => Some(&mut dialog.form),
        }
    }

    /// Builds what the dialog draws in `width` columns inside its frame. `compact` puts each
    /// input's label on the input's own row, for short screens.
    pub fn content(&self, state: &State, width: u16, compact: bool) -> Content {
        match self {
            Dialog::Create(dialog) => dialog.content(state, width, compact),
            Dialog::SoftDelete(dialog) => dialog.content(state, width, compact),
            Dialog::ForceDelete(dialog) => dialog.content(state, width, compact),
            Dialog::Restore(dialog) => dialog.content(state, width, compact),
            Dialog::Bulk(dialog) => dialog.content(state, width, compact),
            Dialog::Retry(dialog) => dialog.content(width, compact),
            Dialog::Undo(dialog) => dialog.content(width, compact),
        }
    }

    /// Builds the hint row under the screen while the dialog is open: the form keys while it
    /// takes input, else the keys that close it.
    pub fn screen_hint(&self, width: u16) -> Line<'static> {
        let running = matches!(
            self,
            Dialog::Bulk(BulkDialog {
                phase: BulkPhase::Running,
                ..
            }) | Dialog::Retry(RetryDialog {
                phase: RetryPhase::Running,
                ..
            }) | Dialog::Create(CreateDialog {
                phase: CreatePhase::Sending,
                ..
            })
        );
        let created = matches!(
            self,
            Dialog::Create(CreateDialog {
                phase: CreatePhase::Created(_),
                ..
            })
        );
        if self.form().is_some() {
            key_hint(width)
        } else if created {
            create::created_hint()
        } else if running {
            Line::styled("Esc closes this window", Style::new().fg(Color::DarkGray))
        } else {
            close_hint()
        }
    }

    /// Returns the title drawn in the frame.
    pub fn title(&self, state: &State) -> String {
        self.content(state, 0, true).title
    }

    /// Widest the dialog's frame gets, borders included.
    pub fn max_width(&self) -> u16 {
        match self {
            Dialog::Create(_) => create::DIALOG_WIDTH,
            Dialog::SoftDelete(_) => soft_delete::DIALOG_WIDTH,
            Dialog::ForceDelete(_) => force_delete::DIALOG_WIDTH,
            Dialog::Restore(_) => restore::DIALOG_WIDTH,
            Dialog::Bulk(_) => bulk::DIALOG_WIDTH,
            Dialog::Retry(_) => retry::DIALOG_WIDTH,
            Dialog::Undo(_) => undo::DIALOG_WIDTH,
        }
    }
}

/// Checks that a reason is not blank and within the server's length limit.
pub fn reason_is_valid(reason: &str) -> bool {
    let trimmed = reason.trim();
    !trimmed.is_empty() && trimmed.chars().count() <= MAX_REASON_CHARS
}

/// Returns why a form that needs a reason, and under `--confirm-env` the environment name,
/// cannot be confirmed yet: the reason first, then the environment name.
fn reason_or_environment_note(form: &Form) -> &'static str {
    if !reason_is_valid(form.value(FieldKey::Reason)) {
        "type a reason first"
    } else {
        "type the environment name first"
    }
}

/// Returns the typed reason without its surrounding white space, as the request sends it.
fn typed_reason(form: &Form) -> String {
    form.value(FieldKey::Reason).trim().to_owned()
}

/// Builds a label and value on one line, with the label dimmed. The value starts in column
/// 10, or right after the label when that would push it past `width` columns.
fn field(label: &str, value: String, width: u16) -> Line<'static> {
    let padded = 9 + value.width() <= usize::from(width);
    let label = if padded {
        format!("{label:<9}")
    } else {
        format!("{label} ")
    };
    Line::from(vec![
        Span::styled(label, Style::new().fg(Color::DarkGray)),
        Span::raw(value),
    ])
}

/// Builds the environment prompt and input rows, when `--confirm-env` is set: a prompt row
/// and an input row, or one row with a short label when `compact`.
fn environment_lines(
    form: &Form,
    env: Option<&String>,
    width: u16,
    compact: bool,
) -> Vec<Line<'static>> {
    let Some(env) = env else {
        return Vec::new();
    };
    if compact {
        let label = format!("Type {}", visible(env));
        return vec![form.labelled_input(FieldKey::Environment, &label, width)];
    }
    let hint = match_hint(
        form.value(FieldKey::Environment),
        form.environment_matches(Some(env)),
    );
    let prompt = if width >= 56 {
        "Type the environment name "
    } else {
        "Type "
    };
    vec![
        Line::from(vec![
            Span::raw(prompt),
            Span::styled(visible(env), Style::new().add_modifier(Modifier::BOLD)),
            Span::raw(" to confirm:"),
            hint,
        ]),
        form.input_line(FieldKey::Environment, width),
    ]
}

/// Builds the rows that end a form: the environment input under `--confirm-env`, then the
/// buttons, with the confirm button labelled and coloured by `confirm` and disabled unless
/// `enabled`.
fn closing_controls(
    form: &Form,
    env: Option<&String>,
    width: u16,
    compact: bool,
    confirm: (&str, Color),
    enabled: bool,
) -> Vec<Line<'static>> {
    let (label, color) = confirm;
    let mut lines = environment_lines(form, env, width, compact);
    lines.push(form.buttons(label, color, enabled));
    lines
}

/// Builds the reason input: a label row and an input row, or one row with a short label
/// when `compact`.
fn reason_lines(form: &Form, width: u16, compact: bool) -> Vec<Line<'static>> {
    if compact {
        vec![form.labelled_input(FieldKey::Reason, "Reason", width)]
    } else {
        vec![
            Line::raw("Reason (required):"),
            form.input_line(FieldKey::Reason, width),
        ]
    }
}

/// Builds the note after a typed name that must equal another: nothing while `typed` is
/// empty, else whether it `matches`.
fn match_hint(typed: &str, matches: bool) -> Span<'static> {
    if typed.is_empty() {
        Span::raw("")
    } else if matches {
        Span::styled("  matches", Style::new().fg(Color::Green))
    } else {
        Span::styled("  does not match", Style::new().fg(Color::Yellow))
    }
}

/// Builds the rows that name the webhook a dialog acts on: its name and its id.
fn webhook_fields(name: &str, id: &str, width: u16) -> Vec<Line<'static>> {
    vec![
        field("Webhook", visible(name), width),
        field("Id", visible(id), width),
    ]
}

/// Returns the action of a form event: `submit` builds the action of a confirm, which acts
/// only when `can_confirm`.
fn form_action(
    event: FormEvent,
    can_confirm: bool,
    submit: impl FnOnce() -> DialogAction,
) -> DialogAction {
    match event {
        FormEvent::None => DialogAction::None,
        FormEvent::Close => DialogAction::Close,
        FormEvent::Confirm if can_confirm => submit(),
        FormEvent::Confirm => DialogAction::None,
    }
}

/// Returns the action of a key while a dialog waits for its request: Esc closes the
/// dialog, and no other key acts.
fn waiting_key(key: KeyEvent) -> DialogAction {
    match key.code {
        KeyCode::Esc => DialogAction::Close,
        _ => DialogAction::None,
    }
}

/// Returns the action of a key in a dialog that shows a result: Esc, Enter or q closes it,
/// and j, k or the arrows scroll it.
fn result_key(key: KeyEvent) -> DialogAction {
    match key.code {
        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => DialogAction::Close,
        KeyCode::Down | KeyCode::Char('j') => DialogAction::Scroll(1),
        KeyCode::Up | KeyCode::Char('k') => DialogAction::Scroll(-1),
        _ => DialogAction::None,
    }
}

/// Style of the result of one request: green when it succeeded, else red.
fn result_style(ok: bool) -> Style {
    Style::new().fg(if ok { Color::Green } else { Color::Red })
}

/// Builds the bold `✓ ` or `✗ ` that starts the result line of one request.
fn result_mark(ok: bool) -> Span<'static> {
    let mark = if ok { "✓ " } else { "✗ " };
    Span::styled(mark, result_style(ok).add_modifier(Modifier::BOLD))
}

/// Builds the row under the buttons that names the keys of a form, in as many words as
/// `width` columns allow.
fn key_hint(width: u16) -> Line<'static> {
    const HINTS: [&str; 4] = [
        "Tab/↓ next field · Shift-Tab/↑ previous · Enter activates · Esc cancels",
        "Tab/↓ next · Shift-Tab/↑ back · Enter · Esc cancels",
        "Tab/↓ next · S-Tab/↑ back · Esc cancels",
        "Tab/S-Tab move · Esc cancels",
    ];
    let text = HINTS
        .iter()
        .find(|hint| hint.width() <= usize::from(width))
        .unwrap_or(&HINTS[3]);
    Line::styled(*text, Style::new().fg(Color::DarkGray))
}

/// Builds the note that gives the reason the confirm button is disabled.
fn disabled_note(why: &str) -> Line<'static> {
    Line::styled(why.to_owned(), Style::new().fg(Color::Yellow))
}

/// Builds the row that names the keys that close a dialog showing a result.
fn close_hint() -> Line<'static> {
    Line::styled("Enter or Esc closes", Style::new().fg(Color::DarkGray))
}
