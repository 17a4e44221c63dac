//! Create webhook: the operator types a name, a type, a region, a category and optionally a
//! prefix and a description. Each field is checked as it is typed, and the dialog shows the
//! id the server will build. The server numbers the webhook and returns its lead signing
//! secret once, which the dialog shows until it closes; `y` copies it.

mod rules;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

pub use rules::{Draft, FIELD_ORDER};

use super::form::{FieldKey, Focus, Form};
use super::{
    closing_controls, disabled_note, field, form_action, key_hint, result_key, waiting_key,
    Content, DialogAction,
};
use crate::api::SIGNATURE_HEADER;
use crate::dashboard::app::{ClipboardText, Command, State, WebhookCreated};
use crate::dashboard::widgets::text::{clean, visible};

pub(super) const DIALOG_WIDTH: u16 = 76;

/// Width of the labels on compact rows, where each input follows its label.
const COMPACT_LABEL_WIDTH: usize = 9;

/// The stage of a create dialog.
#[derive(Debug)]
pub enum CreatePhase {
    /// The form takes input.
    Edit,
    /// The request is sent and the dialog waits for the response.
    Sending,
    /// The server created the webhook. The dialog contains its signing secret until it closes.
    Created(WebhookCreated),
}

#[derive(Debug)]
pub struct CreateDialog {
    pub form: Form,
    pub env: Option<String>,
    pub phase: CreatePhase,
    /// The server's message about the last request that failed, shown until the next one.
    pub rejection: Option<String>,
}

impl CreateDialog {
    /// Opens on the name field: creating takes nothing away, so it does not start on Cancel.
    pub fn new(env: Option<String>) -> Self {
        let fields = FIELD_ORDER.iter().map(|key| Form::text(*key)).collect();
        let fields = Form::with_environment(fields, env.as_ref());
        Self {
            form: Form::new(fields).focus_on(Focus::Field(0)),
            env,
            phase: CreatePhase::Edit,
            rejection: None,
        }
    }

    /// Builds the dialog that shows a webhook whose response arrived after its create dialog
    /// was closed.
    pub fn created(created: WebhookCreated) -> Self {
        let mut dialog = Self::new(None);
        dialog.finish(created);
        dialog
    }

    pub fn draft(&self) -> Draft<'_> {
        Draft {
            name: self.form.value(FieldKey::WebhookName),
            kind: self.form.value(FieldKey::Kind),
            region: self.form.value(FieldKey::Region),
            category: self.form.value(FieldKey::Category),
            prefix: self.form.value(FieldKey::Prefix),
            description: self.form.value(FieldKey::Description),
        }
    }

    pub fn can_confirm(&self) -> bool {
        self.draft().is_valid() && self.form.environment_matches(self.env.as_ref())
    }

    /// Returns the reason the Create button is disabled: the empty required fields, else
    /// the first invalid field, else the environment name.
    fn why_disabled(&self) -> String {
        let draft = self.draft();
        let missing: Vec<&str> = FIELD_ORDER
            .iter()
            .filter(|key| draft.problem(**key).as_deref() == Some("required"))
            .map(|key| noun(*key))
            .collect();
        if let Some((last, rest)) = missing.split_last() {
            return if rest.is_empty() {
                format!("fill in the {last} first")
            } else {
                format!("fill in the {} and {last} first", rest.join(", "))
            };
        }
        match draft.first_problem() {
            Some((key, problem)) => format!("{}: {problem}", noun(key)),
            None => "type the environment name first".to_owned(),
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DialogAction {
        match &self.phase {
            CreatePhase::Edit => {
                let event = self.form.handle_key(key);
                form_action(event, self.can_confirm(), || {
                    let request = self.draft().request();
                    self.phase = CreatePhase::Sending;
                    self.rejection = None;
                    DialogAction::Submit(Command::CreateWebhook(request))
                })
            }
            CreatePhase::Sending => waiting_key(key),
            CreatePhase::Created(created) => match key.code {
                KeyCode::Char('y') => match &created.signing_secret {
                    Some(secret) => {
                        DialogAction::Copy(ClipboardText::SigningSecret(secret.clone()))
                    }
                    None => DialogAction::None,
                },
                _ => result_key(key),
            },
        }
    }

    /// Shows the created webhook and its signing secret.
    pub fn finish(&mut self, created: WebhookCreated) {
        self.phase = CreatePhase::Created(created);
        self.rejection = None;
    }

    /// Returns to the form, with every typed value kept, to show the server's `message`. The
    /// focus moves to the field that the message names, when it names one.
    pub fn reject(&mut self, message: String) {
        self.phase = CreatePhase::Edit;
        if let Some(index) = named_field(&message)
            .and_then(|key| self.form.fields.iter().position(|field| field.key == key))
        {
            self.form.focus = Focus::Field(index);
        }
        self.rejection = Some(message);
    }

    /// Builds the dialog in `width` columns for its phase: the form, the wait, or the new
    /// webhook with its signing secret.
    pub fn content(&self, state: &State, width: u16, compact: bool) -> Content {
        match &self.phase {
            CreatePhase::Edit => self.form_content(width, compact),
            CreatePhase::Sending => Content {
                title: "Create webhook".to_owned(),
                border: Color::Cyan,
                head: vec![Line::raw(format!(
                    "Creating {}: waiting for the server…",
                    visible(self.draft().value(FieldKey::WebhookName))
                ))],
                hint: Some(Line::styled(
                    "Esc closes this window; the signing secret still shows when it arrives",
                    Style::new().fg(Color::DarkGray),
                )),
                ..Content::default()
            },
            CreatePhase::Created(created) => created_content(created, state, width),
        }
    }

    /// Builds the form: the id preview, a label row and an input row per field, or one row
    /// per field when `compact`, then the buttons.
    fn form_content(&self, width: u16, compact: bool) -> Content {
        let draft = self.draft();
        let preview = field("Id", draft.id_preview(), width);
        let mut head = Vec::new();
        let mut body = Vec::new();
        if compact {
            body.push(preview);
        } else {
            head.push(preview);
        }
        if let Some(rejection) = &self.rejection {
            head.push(Line::styled(
                format!("Not created: {rejection}"),
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ));
        }
        body.extend([
            Line::raw(""),
            Line::raw(
                "The server numbers it: NNN becomes the next number never used with this \
                 prefix, region and category. Its response carries the lead signing secret, \
                 shown once.",
            ),
            Line::raw(""),
        ]);

        let mut controls = Vec::new();
        for key in FIELD_ORDER {
            if compact {
                let label = format!("{:<COMPACT_LABEL_WIDTH$}", short_label(key));
                controls.push(self.form.labelled_input(key, &label, width));
            } else {
                controls.push(self.label_line(&draft, key));
                controls.push(self.form.input_line(key, width));
            }
        }
        let confirm = self.can_confirm();
        controls.extend(closing_controls(
            &self.form,
            self.env.as_ref(),
            width,
            compact,
            ("Create", Color::Green),
            confirm,
        ));
        Content {
            title: "Create webhook".to_owned(),
            border: Color::Cyan,
            head,
            body,
            controls,
            note: (!confirm).then(|| disabled_note(&self.why_disabled())),
            hint: Some(key_hint(width)),
        }
    }

    /// Builds the row above an input: the field's rule while it is empty, its problem once
    /// something is typed, or `ok`.
    fn label_line(&self, draft: &Draft<'_>, key: FieldKey) -> Line<'static> {
        let typed = !draft.value(key).is_empty();
        match draft.problem(key) {
            Some(problem) if typed => Line::from(vec![
                Span::raw(short_label(key)),
                Span::styled(format!("  {problem}"), Style::new().fg(Color::Yellow)),
            ]),
            None if typed => Line::from(vec![
                Span::raw(long_label(key)),
                Span::styled("  ok", Style::new().fg(Color::Green)),
            ]),
            _ => Line::raw(long_label(key)),
        }
    }
}

/// Builds the result: the id and the secret, which always show, then how senders use it.
fn created_content(created: &WebhookCreated, state: &State, width: u16) -> Content {
    let mut head = vec![
        field("Id", visible(&created.id), width),
        field("Name", visible(&created.name), width),
    ];
    let mut body = vec![Line::raw("")];
    match &created.signing_secret {
        Some(secret) => {
            head.push(Line::styled(
                "Signing secret, shown only this once (y copies it):",
                Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ));
            head.push(Line::styled(
                visible(secret.expose()),
                Style::new().add_modifier(Modifier::BOLD),
            ));
            body.push(Line::raw(
                "The server never shows this secret again; an admin can only replace it \
                 with a new one.",
            ));
            body.push(Line::raw(
                "Senders sign every lead with it, in this header of the lead's request:",
            ));
            body.push(Line::styled(
                format!("{SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of the raw body>"),
                Style::new().fg(Color::Cyan),
            ));
        }
        None => head.push(Line::styled(
            "The server returned no signing secret, so y has nothing to copy.",
            Style::new().fg(Color::Yellow),
        )),
    }
    body.push(Line::raw(format!(
        "Leads go to POST {}{}",
        clean(state.server_url.trim_end_matches('/')),
        clean(&created.receive_path)
    )));
    body.push(Line::raw(""));
    Content {
        title: "Webhook created".to_owned(),
        border: Color::Green,
        head,
        body,
        controls: Vec::new(),
        note: None,
        hint: Some(created_hint()),
    }
}

/// Builds the row that names the keys of the result.
pub(super) fn created_hint() -> Line<'static> {
    Line::styled(
        "y copies the secret · Enter or Esc closes",
        Style::new().fg(Color::DarkGray),
    )
}

/// Returns the field that a server error message names, such as `invalid region 'x'` or
/// `missing field 'name'`.
fn named_field(message: &str) -> Option<FieldKey> {
    const PATTERNS: [(&str, FieldKey); 10] = [
        ("field 'name'", FieldKey::WebhookName),
        ("field 'type'", FieldKey::Kind),
        ("invalid type", FieldKey::Kind),
        ("field 'region'", FieldKey::Region),
        ("invalid region", FieldKey::Region),
        ("field 'category'", FieldKey::Category),
        ("invalid category", FieldKey::Category),
        ("invalid prefix", FieldKey::Prefix),
        ("no free webhook number", FieldKey::Prefix),
        ("field 'description'", FieldKey::Description),
    ];
    PATTERNS
        .iter()
        .find(|(pattern, _)| message.contains(pattern))
        .map(|(_, key)| *key)
}

/// Returns the field's name in a sentence, such as "type".
fn noun(key: FieldKey) -> &'static str {
    match key {
        FieldKey::WebhookName => "name",
        FieldKey::Kind => "type",
        FieldKey::Region => "region",
        FieldKey::Category => "category",
        FieldKey::Prefix => "prefix",
        _ => "description",
    }
}

fn short_label(key: FieldKey) -> &'static str {
    match key {
        FieldKey::WebhookName => "Name",
        FieldKey::Kind => "Type",
        FieldKey::Region => "Region",
        FieldKey::Category => "Category",
        FieldKey::Prefix => "Prefix",
        _ => "About",
    }
}

/// Returns the label of a full row, with the rule the value must follow.
fn long_label(key: FieldKey) -> &'static str {
    match key {
        FieldKey::WebhookName => "Name (required)",
        FieldKey::Kind => "Type: lowercase letters, digits, - and _, such as solar or hvac",
        FieldKey::Region => "Region: 2 or 3 lowercase letters, such as cal",
        FieldKey::Category => "Category: lowercase letters, such as solar",
        FieldKey::Prefix => "Prefix (optional): lowercase letters, digits and dashes",
        _ => "Description (optional)",
    }
}
