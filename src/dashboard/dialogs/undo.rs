//! Undo under `--confirm-env`: the reversing request also needs the environment name typed.

use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::text::Line;

use super::form::{FieldKey, Focus, Form, FormEvent};
use super::{environment_lines, inner_width, key_hint, show, DialogAction};
use crate::dashboard::app::{Command, State, Undo};
use crate::dashboard::widgets::text::visible;

const DIALOG_WIDTH: u16 = 64;

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
        match self.form.handle_key(key) {
            FormEvent::None => DialogAction::None,
            FormEvent::Close => DialogAction::Close,
            FormEvent::Confirm if self.can_confirm() => {
                DialogAction::Submit(self.undo.command.clone())
            }
            FormEvent::Confirm => DialogAction::None,
        }
    }

    pub fn render(&self, _state: &State, area: Rect, buf: &mut Buffer) {
        let width = inner_width(area, DIALOG_WIDTH);
        let action = match &self.undo.command {
            Command::Restore { .. } => "Restores it, cancelling its purge.",
            _ => "Soft deletes it again, with a new grace period.",
        };
        let mut lines = vec![
            Line::raw(format!(
                "Undo: {} was {} a moment ago.",
                visible(&self.undo.name),
                self.undo.done
            )),
            Line::raw(action),
            Line::raw(""),
        ];
        lines.extend(environment_lines(&self.form, Some(&self.env), width));
        lines.push(Line::raw(""));
        lines.push(self.form.buttons(
            "Undo",
            Color::Green,
            self.can_confirm(),
            "type the environment name first",
        ));
        lines.push(key_hint());
        show(area, DIALOG_WIDTH, "Undo", Color::Green, lines, buf);
    }
}
