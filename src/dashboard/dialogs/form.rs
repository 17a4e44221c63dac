//! The controls of a dialog: text inputs and checkboxes, then a confirm and a cancel button.
//! Tab, Shift-Tab and the arrow keys move the focus; Enter activates the focused button or
//! moves on from a field. Destructive dialogs open with the focus on Cancel.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::dashboard::widgets::text::{clean, visible};

/// Key of a field: its meaning, by which the dialog reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKey {
    /// The webhook name typed to confirm a force delete.
    Name,
    Reason,
    /// The environment name typed under `--confirm-env`.
    Environment,
    /// The number of jobs typed to confirm retrying every dead letter.
    Count,
    /// Restore the webhook disabled.
    RestoreDisabled,
    /// The name of a webhook being created.
    WebhookName,
    /// The `type` of a webhook being created, such as `solar`.
    Kind,
    Region,
    Category,
    /// The optional first part of a new webhook's id.
    Prefix,
    Description,
}

#[derive(Debug, Clone)]
pub enum FieldValue {
    Text(Input),
    Check(bool),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub key: FieldKey,
    pub value: FieldValue,
}

/// The focused control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Field(usize),
    Confirm,
    Cancel,
}

/// Outcome of a key press in a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEvent {
    None,
    Close,
    /// Enter on the confirm button. The dialog decides whether its input is valid.
    Confirm,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub fields: Vec<Field>,
    pub focus: Focus,
}

impl Form {
    /// Builds a form whose focus starts on Cancel.
    pub fn new(fields: Vec<Field>) -> Self {
        Self {
            fields,
            focus: Focus::Cancel,
        }
    }

    pub fn text(key: FieldKey) -> Field {
        Field {
            key,
            value: FieldValue::Text(Input::default()),
        }
    }

    pub fn check(key: FieldKey) -> Field {
        Field {
            key,
            value: FieldValue::Check(false),
        }
    }

    /// Adds the environment input when `--confirm-env` is set.
    pub fn with_environment(mut fields: Vec<Field>, env: Option<&String>) -> Vec<Field> {
        if env.is_some() {
            fields.push(Self::text(FieldKey::Environment));
        }
        fields
    }

    pub fn focus_on(mut self, focus: Focus) -> Self {
        self.focus = focus;
        self
    }

    /// Returns the text of a text field, or "" when the form lacks it.
    pub fn value(&self, key: FieldKey) -> &str {
        self.fields
            .iter()
            .find(|field| field.key == key)
            .and_then(|field| match &field.value {
                FieldValue::Text(input) => Some(input.value()),
                FieldValue::Check(_) => None,
            })
            .unwrap_or("")
    }

    pub fn checked(&self, key: FieldKey) -> bool {
        self.fields
            .iter()
            .any(|field| field.key == key && matches!(field.value, FieldValue::Check(true)))
    }

    pub fn has(&self, key: FieldKey) -> bool {
        self.fields.iter().any(|field| field.key == key)
    }

    /// Checks the typed environment name, which must equal `expected` exactly. Without
    /// `--confirm-env` there is nothing to check.
    pub fn environment_matches(&self, expected: Option<&String>) -> bool {
        match expected {
            Some(expected) => self.value(FieldKey::Environment) == expected,
            None => true,
        }
    }

    pub fn is_focused(&self, key: FieldKey) -> bool {
        match self.focus {
            Focus::Field(index) => self.fields.get(index).is_some_and(|field| field.key == key),
            Focus::Confirm | Focus::Cancel => false,
        }
    }

    fn ring(&self) -> Vec<Focus> {
        let mut ring: Vec<Focus> = (0..self.fields.len()).map(Focus::Field).collect();
        ring.push(Focus::Confirm);
        ring.push(Focus::Cancel);
        ring
    }

    fn step(&mut self, forward: bool) {
        let ring = self.ring();
        let position = ring
            .iter()
            .position(|focus| *focus == self.focus)
            .unwrap_or(0);
        let next = if forward {
            (position + 1) % ring.len()
        } else {
            (position + ring.len() - 1) % ring.len()
        };
        self.focus = ring[next];
    }

    fn first_text_field(&self) -> Option<usize> {
        self.fields
            .iter()
            .position(|field| matches!(field.value, FieldValue::Text(_)))
    }

    /// Applies a key: focus moves, button presses, and edits of the focused field.
    pub fn handle_key(&mut self, key: KeyEvent) -> FormEvent {
        match key.code {
            KeyCode::Esc => return FormEvent::Close,
            KeyCode::Tab | KeyCode::Down => self.step(true),
            KeyCode::BackTab | KeyCode::Up => self.step(false),
            KeyCode::Left | KeyCode::Right if !matches!(self.focus, Focus::Field(_)) => {
                self.focus = match self.focus {
                    Focus::Confirm => Focus::Cancel,
                    _ => Focus::Confirm,
                };
            }
            KeyCode::Enter => match self.focus {
                Focus::Field(_) => self.step(true),
                Focus::Confirm => return FormEvent::Confirm,
                Focus::Cancel => return FormEvent::Close,
            },
            _ => self.edit(key),
        }
        FormEvent::None
    }

    fn edit(&mut self, key: KeyEvent) {
        let printable = matches!(key.code, KeyCode::Char(_))
            && !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if !matches!(self.focus, Focus::Field(_)) && printable {
            // Typing while a button has focus goes to the first text field, so Enter right
            // after opening the dialog still lands on Cancel.
            if let Some(index) = self.first_text_field() {
                self.focus = Focus::Field(index);
            }
        }
        let Focus::Field(index) = self.focus else {
            return;
        };
        let Some(field) = self.fields.get_mut(index) else {
            return;
        };
        match &mut field.value {
            FieldValue::Text(input) => {
                input.handle_event(&Event::Key(key));
            }
            FieldValue::Check(checked) => {
                if key.code == KeyCode::Char(' ') {
                    *checked = !*checked;
                }
            }
        }
    }

    /// Inserts pasted text into the focused text field. Returns `false` when no text field
    /// has focus, in which case the text is dropped. The name field takes the text in its
    /// [`visible`] form, which draws every character and decodes back to the pasted text, so
    /// pasting a webhook's stored name confirms it. Other fields take the text cleaned of
    /// control characters.
    pub fn paste(&mut self, text: &str) -> bool {
        let Focus::Field(index) = self.focus else {
            return false;
        };
        let Some(Field {
            key,
            value: FieldValue::Text(input),
        }) = self.fields.get_mut(index)
        else {
            return false;
        };
        let text = match key {
            FieldKey::Name => visible(text),
            _ => clean(text),
        };
        for c in text.chars() {
            input.handle(InputRequest::InsertChar(c));
        }
        true
    }

    /// Draws the text field `key` as `> value` in `width` columns.
    pub fn input_line(&self, key: FieldKey, width: u16) -> Line<'static> {
        let focused = self.is_focused(key);
        let input = self.fields.iter().find_map(|field| match &field.value {
            FieldValue::Text(input) if field.key == key => Some(input),
            _ => None,
        });
        match input {
            Some(input) => input_line(input, width, focused),
            None => Line::raw(""),
        }
    }

    /// Draws the text field `key` on one row after a short label, as `Reason> value`, in
    /// `width` columns.
    pub fn labelled_input(&self, key: FieldKey, label: &str, width: u16) -> Line<'static> {
        let label_width = u16::try_from(label.width()).unwrap_or(u16::MAX);
        let mut line = self.input_line(key, width.saturating_sub(label_width));
        let style = if self.is_focused(key) {
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new().fg(Color::DarkGray)
        };
        line.spans.insert(0, Span::styled(label.to_owned(), style));
        line
    }

    /// Draws the checkbox `key` with its label.
    pub fn check_line(&self, key: FieldKey, label: &str) -> Line<'static> {
        let focused = self.is_focused(key);
        let mark = if self.checked(key) { "[x]" } else { "[ ]" };
        let style = if focused {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new()
        };
        Line::from(vec![
            Span::styled(
                if focused { "> " } else { "  " },
                Style::new().fg(Color::Cyan),
            ),
            Span::styled(format!("{mark} {label}"), style),
            Span::styled(
                if focused { "  (space toggles)" } else { "" },
                Style::new().fg(Color::DarkGray),
            ),
        ])
    }

    /// Draws the confirm and cancel buttons. The focused button is in reverse video with a
    /// `▸`. A disabled confirm button is crossed out, and the dialog's note gives the reason.
    pub fn buttons(&self, confirm: &str, color: Color, enabled: bool) -> Line<'static> {
        let focus_style = |focused: bool, base: Style| {
            if focused {
                base.add_modifier(Modifier::REVERSED | Modifier::BOLD)
            } else {
                base
            }
        };
        let confirm_style = if enabled {
            Style::new().fg(color).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
                .fg(Color::DarkGray)
                .add_modifier(Modifier::CROSSED_OUT)
        };
        let marker = |focused: bool| if focused { "▸" } else { " " };
        let confirm_focused = self.focus == Focus::Confirm;
        let cancel_focused = self.focus == Focus::Cancel;
        Line::from(vec![
            Span::raw(marker(confirm_focused)),
            Span::styled(
                format!("[ {confirm} ]"),
                focus_style(confirm_focused, confirm_style),
            ),
            Span::raw(" "),
            Span::raw(marker(cancel_focused)),
            Span::styled("[ Cancel ]", focus_style(cancel_focused, Style::new())),
        ])
    }
}

/// Draws a text input as `> value` with a block cursor, scrolled by display width so that
/// the cursor stays visible in `width` columns. Wide characters count two columns, and a
/// grapheme (a base with its combining marks, or an emoji sequence) is never split.
pub fn input_line(input: &Input, width: u16, focused: bool) -> Line<'static> {
    let prompt = if focused { "> " } else { "  " };
    let available = usize::from(width).saturating_sub(prompt.len()).max(1);
    let value = input.value();
    let cursor_byte = value
        .char_indices()
        .nth(input.cursor())
        .map_or(value.len(), |(byte, _)| byte);
    let (before, rest) = value.split_at(cursor_byte);
    let mut rest_graphemes = rest.graphemes(true);
    let at_cursor = rest_graphemes.next().unwrap_or(" ").to_owned();
    let cursor_width = at_cursor.width().max(1);

    // Drop graphemes from the start until the text before the cursor and the cursor fit.
    let mut shown_before: Vec<&str> = before.graphemes(true).collect();
    let mut before_width: usize = shown_before.iter().map(|g| g.width()).sum();
    let mut skip = 0;
    while before_width + cursor_width > available && skip < shown_before.len() {
        before_width -= shown_before[skip].width();
        skip += 1;
    }
    shown_before.drain(..skip);
    let mut used = before_width + cursor_width;
    let mut after = String::new();
    for grapheme in rest_graphemes {
        let grapheme_width = grapheme.width();
        if used + grapheme_width > available {
            break;
        }
        used += grapheme_width;
        after.push_str(grapheme);
    }

    let text_style = Style::new().fg(Color::White).bg(Color::DarkGray);
    let cursor_style = if focused {
        text_style.add_modifier(Modifier::REVERSED)
    } else {
        text_style
    };
    Line::from(vec![
        Span::styled(prompt, Style::new().fg(Color::Cyan)),
        Span::styled(shown_before.concat(), text_style),
        Span::styled(at_cursor, cursor_style),
        Span::styled(after, text_style),
        Span::styled(" ".repeat(available.saturating_sub(used)), text_style),
    ])
}
