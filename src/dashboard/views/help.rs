//! The key reference, opened with `?`: the keys of the current view, then the global ones.
//! Write keys are left out in read-only mode, because they are not bound there.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::render_popup;
use crate::api::Role;
use crate::dashboard::app::{State, Tab};
use crate::dashboard::widgets::text::clean;

/// Keys of every view.
const GLOBAL_KEYS: &[(&str, &str)] = &[
    ("1-4 Tab", "Active, Deleted, Queue, Audit tab (S-Tab back)"),
    (
        ":",
        "command: active deleted queue audit webhook <id> new q",
    ),
    ("/", "filter id, name, type, reason, user; /!x inverts"),
    ("j k ↓ ↑", "move; PgUp PgDn page; g G top and bottom"),
    ("s S", "sort by the next column; reverse the order"),
    ("Enter", "detail of the selected webhook"),
    ("y", "copy the webhook id to the clipboard (OSC 52)"),
    ("Ctrl-r", "refresh now"),
    ("e", "full text of the current errors and notice"),
    ("Esc", "back: detail, error, then filter"),
    (
        "Tab S-Tab ↓ ↑",
        "in a dialog: next or previous field; PgUp PgDn scroll",
    ),
    ("q Ctrl-c", "quit at once"),
];

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
                keys.push(("Ctrl-a", "mark every row the filter shows"));
                keys.push(("Ctrl-\\", "clear the marks"));
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

/// Draws the key reference over the tab's view `body`, or over the whole `screen` when the
/// view is too short for it.
pub fn render(state: &State, body: Rect, screen: Rect, buf: &mut Buffer) {
    let view_keys = view_keys(state);
    let rows = view_keys.len() + GLOBAL_KEYS.len() + 5 + usize::from(state.identity.is_some());
    let rows = u16::try_from(rows).unwrap_or(u16::MAX);
    let area = if rows <= body.height { body } else { screen };
    let size = (72.min(area.width), rows.min(area.height));
    let title = match (&state.detail, state.tab) {
        (Some(_), _) => "Webhook detail".to_owned(),
        (None, tab) => format!("{} tab", tab.title()),
    };
    let mut lines = vec![Line::styled(
        title,
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    )];
    lines.extend(view_keys.iter().map(key_line));
    lines.push(Line::styled(
        "Everywhere",
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    ));
    lines.extend(GLOBAL_KEYS.iter().map(key_line));
    let note = if state.options.read_only {
        "Read-only: no key writes. Times are UTC, on the server's clock."
    } else {
        "Times are UTC and count down on the server's clock."
    };
    lines.push(Line::styled(note, Style::new().fg(Color::DarkGray)));
    if let Some(line) = role_note(state) {
        lines.push(Line::styled(line, Style::new().fg(Color::DarkGray)));
    }
    render_popup(lines, " Keys (Esc closes) ", size, area, buf);
}

/// Names the token's role and the writes it may not perform, which the dashboard refuses.
fn role_note(state: &State) -> Option<String> {
    let identity = state.identity.as_ref()?;
    let name = clean(&identity.name);
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

fn key_line(entry: &(&'static str, &'static str)) -> Line<'static> {
    let (keys, action) = entry;
    Line::from(vec![
        Span::styled(
            format!("{keys:>14}  "),
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ),
        Span::raw(*action),
    ])
}
