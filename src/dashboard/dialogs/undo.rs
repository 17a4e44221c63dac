//! Undo under `--confirm-env`: the reversing request also needs the environment name typed.

use crossterm::event::KeyEvent;
use ratatui::style::Color;
use ratatui::text::Line;

use super::form::{FieldKey, Focus, Form};
use super::{closing_controls, disabled_note, form_action, key_hint, Content, DialogAction};
use crate::dashboard::app::{Command, Undo};
use crate::dashboard::widgets::text::visible;

pub(super) const DIALOG_WIDTH: u16 = 64;

#[derive(Debug)]
pub struct UndoDialog {
    pub undo: Undo,
    pub env: String,
    pub form: Form,
}

impl UndoDialog {
    pub fn new(undo: Undo, env: String) -> Self {
        let form = Form::new(vec![Form::text(FieldKey::Environment)]).focus_on(Focus::Field(0));
        Self { undo, env, form }
    }

    pub fn can_confirm(&self) -> bool {
        self.form.environment_matches(Some(&self.env))
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DialogAction {
        let event = self.form.handle_key(key);
        form_action(event, self.can_confirm(), || {
            DialogAction::Submit(self.undo.command.clone())
        })
    }

    /// Builds the dialog in `width` columns: what the undo does, the environment input and
    /// the buttons.
    pub fn content(&self, width: u16, compact: bool) -> Content {
        let action = match &self.undo.command {
            Command::Restore { .. } => "Restores it, cancelling its purge.",
            _ => "Soft deletes it again, with a new grace period.",
        };
        let controls = closing_controls(
            &self.form,
            Some(&self.env),
            width,
            compact,
            ("Undo", Color::Green),
            self.can_confirm(),
        );
        Content {
            title: "Undo".to_owned(),
            border: Color::Green,
            head: vec![Line::raw(format!(
                "Undo: {} was {} a moment ago.",
                visible(&self.undo.name),
                self.undo.done
            ))],
            body: vec![Line::raw(action), Line::raw("")],
            controls,
            note: (!self.can_confirm()).then(|| disabled_note("type the environment name first")),
            hint: Some(key_hint(width)),
        }
    }
}
