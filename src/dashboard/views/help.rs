//! The key reference, opened with `?`: the keys of the current view, then the global ones.
//! Write keys are left out in read-only mode, because they are not bound there. On a screen
//! too short for it, the reference scrolls with j, k, the arrows, PgUp and PgDn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget};

use super::scroll_note;
use crate::api::Role;
use crate::dashboard::app::{State, Tab};
use crate::dashboard::widgets::text::visible;
use crate::dashboard::widgets::wrap::{wrap_line, wrap_lines};

/// Keys of every view.
const GLOBAL_KEYS: &[(&str, &str)] = &[
    ("1-4 Tab", "Active, Deleted, Queue, Audit tab (S-Tab back)"),
    (
        ":",
        "command line: :queue, :webhook <id>, :q; Tab completes",
    ),
    ("/", "filter id, name, type, reason, user; /!x inverts"),
    ("j k ↓ ↑", "move; PgUp PgDn page; g G top and bottom"),
    ("s S", "sort by the next column; reverse the order"),
    ("Enter y", "open the detail; copy the webhook id (OSC 52)"),
    (
        "Ctrl-r e",
        "refresh now; full text of the errors and notice",
    ),
    ("Esc", "back: detail, error, then filter"),
    (
        "Tab S-Tab ↓ ↑",
        "in a dialog: next or previous field; PgUp PgDn scroll",
    ),
    ("q Ctrl-c", "quit at once"),
];

/// Widest frame of the key reference, borders included.
const MAX_WIDTH: u16 = 72;

/// Columns of the key names, with the two spaces after them.
const KEY_COLUMNS: usize = 16;

/// Returns the keys of the current view, in the order the help lists them.
pub fn view_keys(state: &State) -> Vec<(&'static str, &'static str)> {
    let writes = !state.options.read_only;
    let mut keys = Vec::new();
    if state.detail.is_some() {
        keys.push(("Esc", "back to the list"));
        keys.push(("j k", "scroll the audit timeline"));
        if writes {
            keys.push(("d D r", "delete, force delete or restore this webhook"));
        }
    } else {
        match state.tab {
            Tab::Active if writes => {
                keys.push(("n", "create a webhook; shows its signing secret once"));
                keys.push(("d", "soft delete the selected webhook"));
                keys.push(("D", "force delete after typing its name"));
            }
            Tab::Deleted => {
                if writes {
                    keys.push(("r", "restore the selected or marked webhooks"));
                    keys.push(("D", "force delete after typing its name"));
                }
                keys.push(("space", "mark or unmark; Ctrl-space marks a range"));
                keys.push(("Ctrl-a Ctrl-\\", "mark all shown; clear the marks"));
                keys.push(("/<10m", "filter by time left: <10m, >1h, overdue"));
            }
            Tab::Queue => {
                if writes {
                    keys.push(("R", "retry the selected or marked dead letters"));
                    keys.push(("A", "retry every dead letter, after typing the count"));
                }
                keys.push(("space", "mark or unmark; Ctrl-space marks a range"));
                keys.push(("Ctrl-a Ctrl-\\", "mark all shown; clear the marks"));
            }
            Tab::Active | Tab::Audit => {}
        }
    }
    if writes {
        keys.push(("u", "undo the last delete or restore, for 10 s"));
    }
    keys
}

/// The key reference placed on a screen.
#[derive(Debug, Clone)]
pub struct HelpLayout {
    /// The frame, borders included.
    pub area: Rect,
    /// Every row of the reference, wrapped to the frame's inner width.
    pub rows: Vec<Line<'static>>,
    /// Rows that show inside the frame at once.
    pub visible: usize,
    /// Largest scroll offset: the rows that do not fit.
    pub max_scroll: usize,
}

/// Places the key reference on a screen of `screen`: over the tab's view when it fits there
/// whole, else over the whole screen, where it scrolls when it still does not fit.
pub fn layout(state: &State, screen: Rect) -> HelpLayout {
    let width = MAX_WIDTH.min(screen.width);
    let rows = help_rows(state, width.saturating_sub(2));
    let height = u16::try_from(rows.len() + 2).unwrap_or(u16::MAX);
    let body = super::body_area(screen);
    let region = if height <= body.height { body } else { screen };
    let height = height.min(region.height);
    let area = Rect {
        x: region.x + (region.width - width) / 2,
        y: region.y + (region.height - height) / 2,
        width,
        height,
    };
    let visible = usize::from(height.saturating_sub(2));
    let max_scroll = rows.len().saturating_sub(visible);
    HelpLayout {
        area,
        rows,
        visible,
        max_scroll,
    }
}

/// Draws the key reference over `screen`, scrolled down by the state's help scroll, with
/// the keys that scroll it in the bottom border while rows are hidden.
pub fn render(state: &State, screen: Rect, buf: &mut Buffer) {
    let layout = layout(state, screen);
    let scroll = state.help_scroll.min(layout.max_scroll);
    let mut block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" Keys (Esc closes) ");
    if let Some(note) = scroll_note(scroll, layout.max_scroll - scroll) {
        block = block.title_bottom(note);
    }
    let shown: Vec<Line<'static>> = layout
        .rows
        .into_iter()
        .skip(scroll)
        .take(layout.visible)
        .collect();
    Clear.render(layout.area, buf);
    Paragraph::new(shown).block(block).render(layout.area, buf);
}

/// Builds the rows of the key reference in `width` columns: the keys of the current view,
/// the keys of every view, then notes on times and on the token's role.
fn help_rows(state: &State, width: u16) -> Vec<Line<'static>> {
    let title = match (&state.detail, state.tab) {
        (Some(_), _) => "Webhook detail".to_owned(),
        (None, tab) => format!("{} tab", tab.title()),
    };
    let heading = Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    let mut rows = vec![Line::styled(title, heading)];
    for entry in view_keys(state) {
        rows.extend(key_rows(entry, width));
    }
    rows.push(Line::styled("Everywhere", heading));
    for entry in GLOBAL_KEYS {
        rows.extend(key_rows(*entry, width));
    }
    let note = if state.options.read_only {
        "Read-only: no key writes. Times are UTC, on the server's clock."
    } else {
        "Times are UTC and count down on the server's clock."
    };
    let dim = Style::new().fg(Color::DarkGray);
    let mut notes = vec![Line::styled(note, dim)];
    if let Some(line) = role_note(state) {
        notes.push(Line::styled(line, dim));
    }
    rows.extend(wrap_lines(&notes, width));
    rows
}

/// Names the token's role and the writes it may not perform, which the dashboard refuses.
fn role_note(state: &State) -> Option<String> {
    let identity = state.identity.as_ref()?;
    let name = visible(&identity.name);
    let role = identity.role;
    Some(match role {
        Role::Admin => format!("Token '{name}' has the admin role: every key works."),
        Role::Operator => {
            format!("Token '{name}' has the operator role: force delete needs the admin role.")
        }
        Role::Viewer => format!(
            "Token '{name}' has the viewer role: creates, deletes, restores and retries \
             need the operator role, force delete the admin role."
        ),
    })
}

/// Builds the rows of one key and its action in `width` columns: the keys right-aligned in
/// [`KEY_COLUMNS`], and the action wrapped beside them. Below 40 columns the keys take a row
/// of their own, and the action is wrapped under them, indented by two columns.
fn key_rows(entry: (&'static str, &'static str), width: u16) -> Vec<Line<'static>> {
    let (keys, action) = entry;
    let key_style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
    let (mut rows, indent) = if width < 40 {
        (vec![Line::styled(keys, key_style)], 2)
    } else {
        (Vec::new(), KEY_COLUMNS)
    };
    let action_width = width.saturating_sub(u16::try_from(indent).unwrap_or(u16::MAX));
    for row in wrap_line(&Line::raw(action), action_width) {
        let lead = if rows.is_empty() {
            Span::styled(format!("{keys:>14}  "), key_style)
        } else {
            Span::raw(" ".repeat(indent))
        };
        let mut spans = vec![lead];
        spans.extend(row.spans);
        rows.push(Line::from(spans));
    }
    rows
}
