//! The screen: header, tabs, the current tab's view (or one webhook's detail), the status bar
//! and key hints or the prompt, with the open dialog or help on top. Everything draws from
//! `&State`; nothing here changes state or does I/O.
//!
//! Lists build table rows only for the window that fits on screen, so a list of 100,000
//! webhooks costs about as much to draw as a list of twenty.

pub mod active;
mod audit;
mod deleted;
mod detail;
pub mod help;
mod messages;
mod queue;

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Block, BorderType, Clear, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap,
};
use ratatui::Frame;

use crate::dashboard::app::lists::{visible_start, ListRow, ListState};
use crate::dashboard::app::{LoadState, Prompt, RowResult, Rows, State, Tab, View};
use crate::dashboard::theme;
use crate::dashboard::widgets::columns::{kept_widths, pick};
use crate::dashboard::widgets::status_bar::{self, STALE};
use crate::dashboard::widgets::text::{clean, fit_middle, visible};

/// Smallest screen that gets the full layout; anything smaller shows a short notice.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Rows above and below the body: header, tabs, two status lines and the hint line.
const CHROME_ROWS: u16 = 5;

thread_local! {
    static ROWS_BUILT: Cell<usize> = const { Cell::new(0) };
}

/// Returns how many table rows the views built since the last call, and resets the count.
/// The render benchmark reads it to show that only visible rows are built.
pub fn take_rows_built() -> usize {
    ROWS_BUILT.with(|count| count.replace(0))
}

fn count_row() {
    ROWS_BUILT.with(|count| count.set(count.get() + 1));
}

/// Draws the whole screen into the frame.
pub fn draw(frame: &mut Frame, state: &State) {
    let area = frame.area();
    render(state, area, frame.buffer_mut());
}

/// Draws the whole screen into `buf`, in the state's colour mode.
pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    render_screen(state, area, buf);
    theme::apply(state.options.color, buf);
}

fn render_screen(state: &State, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small_notice(state, area).render(area, buf);
        return;
    }
    let [header, tabs, body, status, hints] = screen_areas(area);

    header_line(state, usize::from(header.width)).render(header, buf);
    tab_line(state).render(tabs, buf);
    match (&state.detail, state.tab) {
        (Some(detail), _) => detail::render(state, detail, body, buf),
        (None, Tab::Active) => active::render(state, body, buf),
        (None, Tab::Deleted) => deleted::render(state, body, buf),
        (None, Tab::Queue) => queue::render(state, body, buf),
        (None, Tab::Audit) => audit::render(state, body, buf),
    }
    status_bar::render(state, status, buf);
    match (&state.prompt, &state.dialog) {
        (Some(prompt), _) => prompt_line(state, prompt).render(hints, buf),
        // The screen's keys do not apply under a dialog, which takes every key.
        (None, Some(dialog)) => dialog.screen_hint(hints.width).render(hints, buf),
        (None, None) => hint_line(state, hints.width).render(hints, buf),
    }

    if let Some(dialog) = &state.dialog {
        crate::dashboard::dialogs::layout::render(dialog, state, area, buf);
    } else if state.show_help {
        help::render(state, area, buf);
    } else if state.show_messages {
        messages::render(state, body, buf);
    }
}

/// Splits the screen into header, tabs, the view, the two status rows and the hint row.
fn screen_areas(area: Rect) -> [Rect; 5] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(2),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// Returns the area of the tab's view on a screen of `area`, where dialogs sit when they fit.
pub fn body_area(area: Rect) -> Rect {
    screen_areas(area)[2]
}

/// Builds the notice drawn in place of everything on a screen below the minimum size. It
/// names the keys that still work there.
fn too_small_notice(state: &State, area: Rect) -> Paragraph<'static> {
    let keys = if state.dialog.is_some() {
        "q quits, Esc closes the dialog."
    } else {
        "q quits."
    };
    Paragraph::new(format!(
        "Enlarge the terminal to at least {MIN_WIDTH}x{MIN_HEIGHT} (it is {}x{}). {keys}",
        area.width, area.height
    ))
    .wrap(Wrap { trim: true })
}

/// Returns how many rows of `tab`'s table fit on a screen of `size` (width, height).
pub fn list_capacity(tab: Tab, size: (u16, u16)) -> usize {
    let (width, height) = size;
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return 0;
    }
    let body = height.saturating_sub(CHROME_ROWS);
    match tab {
        Tab::Active => active::table_rows(body),
        Tab::Deleted => deleted::table_rows(body),
        Tab::Queue => queue::table_rows(body),
        Tab::Audit => audit::table_rows(body),
    }
}

/// The part of a list drawn in a table of `rows` rows: the row indices and the cursor's
/// position among them.
pub(super) struct Window<'a, R> {
    pub rows: Vec<(usize, &'a R)>,
    pub cursor: Option<usize>,
}

/// Picks the rows of `view` that fit in `rows` table rows, scrolled to show the cursor.
fn window<T: Rows>(view: &View<T>, rows: usize) -> Window<'_, T::Row> {
    let list = &view.list;
    let all = view.rows();
    let start = visible_start(list.offset, list.cursor, rows.max(1), list.order.len());
    let picked: Vec<(usize, &T::Row)> = list
        .order
        .iter()
        .skip(start)
        .take(rows.max(1))
        .filter_map(|&index| all.get(index).map(|row| (index, row)))
        .collect();
    for _ in &picked {
        count_row();
    }
    let cursor = (!picked.is_empty()).then(|| list.cursor.saturating_sub(start));
    Window {
        rows: picked,
        cursor,
    }
}

/// Style of a changed cell: underlined and bold for one poll, so it reads without colour.
fn changed_style(list: &ListState, id: &str, column: u32) -> Style {
    let changed = list
        .changed
        .get(id)
        .is_some_and(|mask| mask & (1 << column) != 0);
    if changed {
        Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
    } else {
        Style::new()
    }
}

/// Builds the one-column row marker: `•` for a row that changed since the last poll, `×` for a
/// row the server no longer lists.
fn row_marker<R: ListRow>(list: &ListState, row: &R) -> Span<'static> {
    let id = row.row_id();
    if list.is_gone(&id) {
        Span::styled("×", Style::new().fg(Color::Magenta))
    } else if list.changed.contains_key(id.as_ref()) {
        Span::styled(
            "•",
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        )
    } else {
        Span::raw(" ")
    }
}

/// Builds the first cell of a row that can be marked: `✓` or `✗` for the result of the last
/// bulk action on the row, else the [`row_marker`], then `[x]` or `[ ]` for the mark.
fn mark_cell<R: ListRow>(list: &ListState, row: &R, result: Option<&RowResult>) -> Line<'static> {
    let marker = match result {
        Some(RowResult { ok: true, .. }) => Span::styled("✓", Style::new().fg(Color::Green)),
        Some(RowResult { ok: false, .. }) => Span::styled("✗", Style::new().fg(Color::Red)),
        None => row_marker(list, row),
    };
    let mark = if list.marks.contains(row.row_id().as_ref()) {
        "[x]"
    } else {
        "[ ]"
    };
    Line::from(vec![
        marker,
        Span::styled(mark, Style::new().fg(Color::Yellow)),
    ])
}

/// Style of the name of a row the server no longer lists: dimmed and crossed out.
fn gone_style() -> Style {
    Style::new()
        .fg(Color::DarkGray)
        .add_modifier(Modifier::CROSSED_OUT)
}

/// Builds a table header, with `▲` or `▼` after the sort column.
fn header_row(titles: &[&str], sort_titles: &[Option<usize>], list: &ListState) -> Vec<String> {
    titles
        .iter()
        .zip(sort_titles)
        .map(|(title, sort_index)| {
            let sorted = sort_index.is_some() && *sort_index == list.sort.column;
            if sorted {
                let arrow = if list.sort.descending { "▼" } else { "▲" };
                format!("{title}{arrow}")
            } else {
                (*title).to_owned()
            }
        })
        .collect()
}

/// Builds the header line, `width` columns wide. The caller's names are cut to fit, so the
/// role and the badges after them stay on screen.
fn header_line(state: &State, width: usize) -> Line<'static> {
    let mut spans = vec![
        Span::styled(" hookgrace ", badge_style(Color::Black, Color::Cyan)),
        Span::raw(" "),
        Span::styled(clean(&state.server_url), Style::new().fg(Color::Cyan)),
    ];
    let caller_at = spans.len();
    if state.options.read_only {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(
            " READ-ONLY ",
            badge_style(Color::Black, Color::Yellow),
        ));
    } else if let Some(env) = &state.options.confirm_env {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(
            format!(" ENV {} ", clean(env)),
            badge_style(Color::Black, Color::Magenta),
        ));
        spans.push(Span::styled(
            " writes need the name typed",
            Style::new().fg(Color::DarkGray),
        ));
    }
    if !state.options.read_only && state.connection_blocked() {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(
            " WRITES OFF ",
            badge_style(Color::White, Color::Red),
        ));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    let prefix = "  as ";
    let caller_width = width.saturating_sub(used + prefix.len());
    if let Some(caller) = caller_label(state, caller_width) {
        spans.insert(
            caller_at,
            Span::styled(
                format!("{prefix}{caller}"),
                Style::new().fg(Color::DarkGray),
            ),
        );
    }
    Line::from(spans)
}

/// Names whom the server records as the actor of this dashboard's writes.
///
/// A server with the `auth` extension records the token's name. Only when it was started
/// with `--trust-user-header` does it record `--user`, which is sent as `X-User-ID`. So the
/// label is the token's name and role, with the acting user first when the two differ. A
/// server without the extension gets only `--user`. The label is `None` until `GET /whoami`
/// has returned, because `--user` alone would name the wrong user on most hookgrace servers.
///
/// The names are cut in the middle so that the label fits in `max_width` columns, but each
/// keeps at least [`MIN_CALLER_NAME_WIDTH`] columns. The role is never cut.
fn caller_label(state: &State, max_width: usize) -> Option<String> {
    if let Some(identity) = &state.identity {
        let name = visible(&identity.name);
        let acting = visible(&identity.acting_user);
        let role = identity.role.to_string();
        return Some(if identity.trusts_user_header && acting != name {
            let fixed = " (token , )".len() + role.len();
            let budget = max_width.saturating_sub(fixed) / 2;
            let acting = fit_middle(&acting, budget.max(MIN_CALLER_NAME_WIDTH));
            let name = fit_middle(&name, budget.max(MIN_CALLER_NAME_WIDTH));
            format!("{acting} (token {name}, {role})")
        } else {
            let budget = max_width.saturating_sub(" ()".len() + role.len());
            let name = fit_middle(&name, budget.max(MIN_CALLER_NAME_WIDTH));
            format!("{name} ({role})")
        });
    }
    let capabilities = state.capabilities.as_ref()?;
    if capabilities.has(crate::api::extension::AUTH) {
        return None;
    }
    Some(fit_middle(
        &visible(&state.user),
        max_width.max(MIN_CALLER_NAME_WIDTH),
    ))
}

/// Minimum number of columns of a name in the header, so a cut name still shows its ends.
const MIN_CALLER_NAME_WIDTH: usize = 8;

fn tab_line(state: &State) -> Line<'static> {
    let mut spans = Vec::new();
    for (index, tab) in Tab::ALL.into_iter().enumerate() {
        let count = match tab {
            Tab::Active => count_label(&state.active),
            Tab::Deleted => count_label(&state.deleted),
            Tab::Queue | Tab::Audit => None,
        };
        let label = match count {
            Some(count) => format!(" {} {} ({count}) ", index + 1, tab.title()),
            None => format!(" {} {} ", index + 1, tab.title()),
        };
        let style = if tab == state.tab && state.detail.is_none() {
            badge_style(Color::Black, Color::White)
        } else {
            Style::new().fg(Color::Gray)
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    if let Some(detail) = &state.detail {
        spans.push(Span::styled(
            format!(" webhook {} ", visible(&detail.id)),
            badge_style(Color::Black, Color::White),
        ));
    }
    Line::from(spans)
}

/// `12`, or `3/12` while a filter hides rows.
fn count_label<T: Rows>(view: &View<T>) -> Option<String> {
    view.data.as_ref()?;
    let listed = view.listed_count();
    if view.list.filter.is_empty() {
        Some(listed.to_string())
    } else {
        Some(format!("{}/{listed}", view.list.order.len()))
    }
}

/// Hints that give way first, in this order, when the hint row is too narrow for all.
const DROPPABLE_HINTS: [&str; 4] = ["s", "/", "Enter", "space"];

/// Builds the hint row of `width` columns: the keys of this screen, then `?` and `q`. When
/// the row is too narrow, the hints in [`DROPPABLE_HINTS`] are left out first.
fn hint_line(state: &State, width: u16) -> Line<'static> {
    let writes = !state.options.read_only;
    let mut hints: Vec<(&str, &str)> = Vec::new();
    if state.detail.is_some() {
        hints.push(("Esc", "back"));
        hints.push(("j/k", "scroll"));
        if writes {
            hints.push(("d/r/D", "delete/restore"));
        }
    } else {
        hints.push(("Enter", "detail"));
        hints.push(("/", "filter"));
        hints.push(("s", "sort"));
        match state.tab {
            Tab::Active if writes => {
                hints.push(("n", "new"));
                hints.push(("d", "delete"));
            }
            Tab::Deleted if writes && !state.deleted.list.marks.is_empty() => {
                hints.push(("r", "restore marked"));
            }
            Tab::Deleted if writes => hints.push(("r", "restore")),
            Tab::Queue if writes => hints.push(("R", "retry")),
            _ => {}
        }
        if matches!(state.tab, Tab::Deleted | Tab::Queue) {
            hints.push(("space", "mark"));
        }
    }
    if writes && state.undo.is_some() {
        hints.push(("u", "undo"));
    }
    if state.error.is_some() || state.poll.last_error.is_some() {
        hints.push(("e", "errors"));
    }
    hints.push(("?", "keys"));
    hints.push(("q", "quit"));
    let marks = match state.tab {
        Tab::Deleted => state.deleted.list.marks.len(),
        Tab::Queue => state.queue.list.marks.len(),
        Tab::Active | Tab::Audit => 0,
    };
    let show_marks = marks > 0 && state.detail.is_none();
    let marks_width = if show_marks {
        format!(" {marks} marked ").len()
    } else {
        0
    };
    let hints_width = |hints: &[(&str, &str)]| -> usize {
        hints
            .iter()
            .map(|(key, action)| key.chars().count() + action.chars().count() + 3)
            .sum()
    };
    for droppable in DROPPABLE_HINTS {
        if marks_width + hints_width(&hints) <= usize::from(width) {
            break;
        }
        hints.retain(|(key, _)| *key != droppable);
    }

    let mut spans = Vec::new();
    if show_marks {
        spans.push(Span::styled(
            format!(" {marks} marked "),
            badge_style(Color::Black, Color::Yellow),
        ));
    }
    for (key, action) in hints {
        spans.push(Span::styled(
            format!(" {key}"),
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(
            format!(" {action} "),
            Style::new().fg(Color::DarkGray),
        ));
    }
    Line::from(spans)
}

/// Draws the `:` or `/` prompt with the cursor, and what it would do.
fn prompt_line(state: &State, prompt: &Prompt) -> Line<'static> {
    let mut note_style = Style::new().fg(Color::DarkGray);
    let (sigil, input, note) = match prompt {
        Prompt::Command(input) => {
            let ids = state
                .active
                .rows()
                .iter()
                .map(|row| row.id.as_str())
                .chain(state.deleted.rows().iter().map(|row| row.id.as_str()));
            let found = crate::dashboard::app::prompt::suggestions(input.value(), ids);
            let shown: Vec<String> = found
                .iter()
                .take(crate::dashboard::app::prompt::MAX_SUGGESTIONS)
                .map(|text| clean(text))
                .collect();
            let mut note = shown.join("  ");
            if found.len() > shown.len() {
                note.push_str(&format!("  … {} more", found.len() - shown.len()));
            }
            (":", input, format!("   Tab completes · {note}"))
        }
        Prompt::Filter { input, .. } => {
            let (shown, total) = match state.tab {
                Tab::Active => (state.active.list.order.len(), state.active.rows().len()),
                Tab::Deleted => (state.deleted.list.order.len(), state.deleted.rows().len()),
                Tab::Queue => (state.queue.list.order.len(), state.queue.rows().len()),
                Tab::Audit => (state.audit.list.order.len(), state.audit.rows().len()),
            };
            let filter = crate::dashboard::app::lists::Filter::new(input.value());
            let note = match filter.problem() {
                Some(problem) => {
                    note_style = Style::new().fg(Color::Yellow);
                    format!("   {shown} of {total} shown · {problem}")
                }
                None => format!("   {shown} of {total} shown · !x inverts · <10m time left"),
            };
            ("/", input, note)
        }
    };
    let screen_width = state
        .size
        .map_or(MIN_WIDTH, |(width, _)| width.max(MIN_WIDTH));
    let width = usize::from(screen_width).saturating_sub(note.len() + 2);
    let mut line = crate::dashboard::dialogs::form::input_line(
        input,
        u16::try_from(width.clamp(10, 60)).unwrap_or(60),
        true,
    );
    line.spans[0] = Span::styled(
        sigil.to_owned(),
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
    );
    line.spans.push(Span::styled(note, note_style));
    line
}

/// Builds the frame of a tab's view. While the data shown predates a failed fetch, the frame
/// turns red and its title carries the stale marker with the data's age.
fn view_block<T>(title: String, view: &View<T>, state: &State) -> Block<'static> {
    let mut block = Block::bordered()
        .border_type(BorderType::Plain)
        .border_style(Style::new().fg(Color::DarkGray))
        .title(Span::styled(
            format!(" {title} "),
            Style::new().add_modifier(Modifier::BOLD),
        ));
    if view.is_stale() {
        let age = view
            .updated_at
            .map(|at| crate::dashboard::format::ago(at.until(state.now)))
            .unwrap_or_else(|| "unknown".to_owned());
        block = block
            .border_style(Style::new().fg(Color::Red))
            .title(Span::styled(
                format!(" {STALE}: showing data from {age} "),
                badge_style(Color::White, Color::Red),
            ));
    }
    block
}

/// Draws the text for a view without data: loading, failed or not provided. A tab that
/// needs a server extension passes its `not_provided` text, and shows
/// [`capabilities_pending`] while neither the extensions nor its data are known. Returns
/// `false` when the view has data to draw instead.
fn render_placeholder<T>(
    state: &State,
    view: &View<T>,
    not_provided: Option<&str>,
    block: Block<'_>,
    area: Rect,
    buf: &mut Buffer,
) -> bool {
    if not_provided.is_some() && state.capabilities.is_none() && view.data.is_none() {
        render_placeholder_text(&capabilities_pending(state), block, area, buf);
        return true;
    }
    let (text, style) = match (&view.data, &view.load) {
        (_, LoadState::NotProvided) => (
            not_provided.unwrap_or_default().to_owned(),
            Style::new().fg(Color::Yellow),
        ),
        (Some(_), _) => return false,
        (None, LoadState::Loading | LoadState::Loaded) => {
            ("Loading…".to_owned(), Style::new().fg(Color::DarkGray))
        }
        (None, LoadState::Failed(error)) => (
            format!("Could not load: {}", clean(error)),
            Style::new().fg(Color::Red),
        ),
    };
    Paragraph::new(Line::styled(text, style))
        .wrap(Wrap { trim: true })
        .block(block)
        .render(area, buf);
    true
}

/// Style of a badge such as ` READ-ONLY `: bold `fg` text on a `bg` background.
fn badge_style(fg: Color, bg: Color) -> Style {
    Style::new().fg(fg).bg(bg).add_modifier(Modifier::BOLD)
}

/// Style of the selected table row: reverse video, which stays visible without colour.
fn highlight() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

fn header_style() -> Style {
    Style::new()
        .fg(Color::DarkGray)
        .add_modifier(Modifier::BOLD)
}

/// Draws one line of text inside a view's frame, for empty lists.
fn render_placeholder_text(text: &str, block: Block<'_>, area: Rect, buf: &mut Buffer) {
    Paragraph::new(Line::styled(
        text.to_owned(),
        Style::new().fg(Color::DarkGray),
    ))
    .wrap(Wrap { trim: true })
    .block(block)
    .render(area, buf);
}

/// Draws the text of a list without a row to draw: `empty` when the list has no rows, or
/// the filter's note when the filter hides every row. Returns `false` when rows pass the
/// filter, which the view then draws.
fn render_no_rows<T: Rows>(
    state: &State,
    view: &View<T>,
    empty: &str,
    block: Block<'_>,
    area: Rect,
    buf: &mut Buffer,
) -> bool {
    let total = view.rows().len();
    if total == 0 {
        render_placeholder_text(empty, block, area, buf);
        return true;
    }
    if view.list.order.is_empty() {
        let text = filtered_out(state, &view.list, total, T::Row::HAS_DUE_TIMES);
        render_placeholder_text(&text, block, area, buf);
        return true;
    }
    false
}

/// Returns the rows of the detail panel under a table: `rows` once the view's inner area is
/// `min_inner` rows high, else none.
fn detail_height(inner_height: u16, min_inner: u16, rows: u16) -> u16 {
    if inner_height >= min_inner {
        rows
    } else {
        0
    }
}

/// Splits a view's `inner` area into the table and the detail panel under it, which is
/// [`detail_height`] rows high.
fn table_and_detail(inner: Rect, min_inner: u16, rows: u16) -> [Rect; 2] {
    let detail_rows = detail_height(inner.height, min_inner, rows);
    Layout::vertical([Constraint::Fill(1), Constraint::Length(detail_rows)]).areas(inner)
}

/// Builds the header row of a table and the widths of its columns, leaving out the columns
/// that [`crate::dashboard::widgets::columns::allocate`] dropped.
fn header_and_widths(
    titles: Vec<String>,
    widths: &[Option<u16>],
) -> (Row<'static>, Vec<Constraint>) {
    let header = Row::new(pick(titles, widths)).style(header_style());
    let constraints = kept_widths(widths)
        .into_iter()
        .map(Constraint::Length)
        .collect();
    (header, constraints)
}

/// Draws a list's table into `area`: the header of `titles`, then `rows`, in the allocated
/// column `widths`, with the row at `cursor` selected.
fn render_table<'a>(
    rows: impl IntoIterator<Item = Row<'a>>,
    titles: Vec<String>,
    widths: &[Option<u16>],
    cursor: Option<usize>,
    area: Rect,
    buf: &mut Buffer,
) {
    let (header, constraints) = header_and_widths(titles, widths);
    render_selectable(
        Table::new(rows, constraints).header(header),
        cursor,
        area,
        buf,
    );
}

/// Draws `table` with the row at `cursor` selected: in reverse video, after a `>` in the
/// column left of the table.
fn render_selectable(table: Table<'_>, cursor: Option<usize>, area: Rect, buf: &mut Buffer) {
    let table = table.row_highlight_style(highlight()).highlight_symbol(">");
    let mut table_state = TableState::default().with_selected(cursor);
    StatefulWidget::render(table, area, buf, &mut table_state);
}

/// Draws `text` in a rounded frame titled `title`, over what is drawn in a `size` (width,
/// height) area at the centre of `area`. The size must fit in `area`.
fn render_popup<'a>(
    text: impl Into<Text<'a>>,
    title: &'a str,
    size: (u16, u16),
    area: Rect,
    buf: &mut Buffer,
) {
    let (width, height) = size;
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    Clear.render(popup, buf);
    Paragraph::new(text)
        .block(
            Block::bordered()
                .border_type(BorderType::Rounded)
                .title(title),
        )
        .render(popup, buf);
}

/// Builds the bottom-border note of a scrolled popup, naming the keys that scroll it and
/// the rows hidden `above` and `below`, or `None` when nothing is hidden.
pub fn scroll_note(above: usize, below: usize) -> Option<String> {
    let mut parts = Vec::new();
    if above > 0 {
        parts.push(format!("PgUp ↑{above}"));
    }
    if below > 0 {
        parts.push(format!("PgDn ↓{below} more"));
    }
    (!parts.is_empty()).then(|| format!(" {} ", parts.join(" · ")))
}

/// Builds the text of a tab that needs to know the server's extensions before the first
/// successful `GET /health`: still checking, or the server is unreachable and when the next
/// try is.
fn capabilities_pending(state: &State) -> String {
    if state.poll.failures == 0 {
        return "Checking what this server provides…".to_owned();
    }
    let wait = state.now.until(state.poll.next_at).num_seconds().max(0);
    let next = if wait == 0 {
        "trying again now".to_owned()
    } else {
        format!("next try in {wait}s")
    };
    format!(
        "The server is unreachable, so this tab cannot show its data yet: {next}. The \
         status bar shows the error."
    )
}

/// Builds the text drawn when a filter hides every row, with the hint for a time-left
/// filter that could not be read, or that cannot match because rows of this list have no
/// due time (`has_due_times` is false).
fn filtered_out(state: &State, list: &ListState, total: usize, has_due_times: bool) -> String {
    // Esc dismisses an error shown in the status bar before it clears the filter.
    let escape = if state.error.is_some() {
        "Esc dismisses the error, then a second Esc clears the filter."
    } else {
        "Esc clears it."
    };
    let mut text = format!(
        "No row matches the filter '{}' ({total} hidden). {escape}",
        clean(&list.filter.text)
    );
    if let Some(problem) = list.filter.problem() {
        text.push_str(&format!(" {problem}."));
    }
    if list.filter.uses_time() && !has_due_times {
        text.push_str(
            " Time-left filters such as <10m and overdue match rows of the Deleted and \
             Queue tabs only.",
        );
    }
    text
}
