//! Key presses and pastes: the dialog, the prompt or the help window gets them first when
//! open, and the screen's keys apply otherwise.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

use super::lists::{Filter, ListRow};
use super::prompt::{self, CommandLine, Prompt};
use super::{ClipboardText, Command, DetailView, State, Tab, PAGE_ROWS};
use crate::dashboard::dialogs::{layout, DialogAction, Placement};
use crate::dashboard::views::help;
use crate::dashboard::widgets::text::clean;

/// Runs `$body` with `$view` bound to the current tab's [`super::View`].
macro_rules! on_current_view {
    ($state:expr, $view:ident => $body:expr) => {
        match $state.tab {
            Tab::Active => {
                let $view = &mut $state.active;
                $body
            }
            Tab::Deleted => {
                let $view = &mut $state.deleted;
                $body
            }
            Tab::Queue => {
                let $view = &mut $state.queue;
                $body
            }
            Tab::Audit => {
                let $view = &mut $state.audit;
                $body
            }
        }
    };
}

/// Rows that PgUp and PgDn scroll a dialog's body by.
const DIALOG_PAGE_ROWS: isize = 5;

/// Keys that may act again while held down: moving and editing, never an action.
fn may_repeat(key: KeyEvent) -> bool {
    matches!(
        key.code,
        KeyCode::Up
            | KeyCode::Down
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::PageUp
            | KeyCode::PageDown
            | KeyCode::Backspace
            | KeyCode::Delete
            | KeyCode::Char('j' | 'k')
    )
}

/// Checks for ctrl-\, which the legacy encoding reports as `Char('4')` (byte 0x1C).
fn is_clear_marks(key: KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('\\' | '4'))
}

/// Prepares pasted text for an input: one line, without control characters or escape
/// sequences, and without the line break that copying a line often adds.
pub fn paste_text(text: &str) -> String {
    clean(text.trim_end_matches(['\n', '\r']))
}

impl State {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return self.quit();
        }
        let typing = self.dialog.is_some() || self.prompt.is_some();
        if key.kind == KeyEventKind::Repeat && !may_repeat(key) {
            let held_character = typing
                && matches!(key.code, KeyCode::Char(_))
                && !key.modifiers.contains(KeyModifiers::CONTROL);
            if !held_character {
                return Vec::new();
            }
        }
        if self.screen_too_small() || self.dialog_placement().is_some_and(|p| !p.is_shown()) {
            return self.on_key_unseen(key);
        }
        if self.dialog.is_some() {
            return self.on_dialog_key(key);
        }
        if self.prompt.is_some() {
            return self.on_prompt_key(key);
        }
        // q quits from the help and messages windows too, as on the screen behind them.
        let quit_key =
            key.code == KeyCode::Char('q') && !key.modifiers.contains(KeyModifiers::CONTROL);
        if (self.show_help || self.show_messages) && quit_key {
            return self.quit();
        }
        if self.show_help {
            self.on_help_key(key);
            return Vec::new();
        }
        if self.show_messages {
            if matches!(key.code, KeyCode::Esc | KeyCode::Char('e') | KeyCode::Enter) {
                self.show_messages = false;
            }
            return Vec::new();
        }
        self.on_screen_key(key)
    }

    pub(super) fn on_paste(&mut self, text: &str) {
        if self.screen_too_small() || self.dialog_placement().is_some_and(|p| !p.is_shown()) {
            // Nothing may be typed into an input that is not on screen.
            return;
        }
        if let Some(dialog) = &mut self.dialog {
            // The dialog's field decides how to clean the text.
            if !dialog.paste(text.trim_end_matches(['\n', '\r'])) {
                self.notify("Paste ignored: move to a text field with Tab first".to_owned());
            }
            return;
        }
        let text = paste_text(text);
        let filter_text = match &mut self.prompt {
            Some(Prompt::Command(input)) => {
                insert_text(input, &text);
                None
            }
            Some(Prompt::Filter { input, .. }) => {
                insert_text(input, &text);
                Some(input.value().to_owned())
            }
            None => None,
        };
        if let Some(filter_text) = filter_text {
            self.set_filter(Filter::new(&filter_text));
        }
    }

    /// Returns whether the terminal is known to be below the smallest size the dashboard
    /// draws, in which case only a notice shows.
    pub fn screen_too_small(&self) -> bool {
        self.size.is_some_and(|(width, height)| {
            width < crate::dashboard::views::MIN_WIDTH
                || height < crate::dashboard::views::MIN_HEIGHT
        })
    }

    /// Places the open dialog on the current screen, or returns `None` without a dialog or
    /// before the terminal size is known.
    pub fn dialog_placement(&self) -> Option<Placement> {
        let dialog = self.dialog.as_ref()?;
        let (width, height) = self.size?;
        let screen = Rect::new(0, 0, width, height);
        Some(layout::place(dialog, self, screen, self.dialog_scroll))
    }

    /// Handles a key while the screen shows a notice in place of the dialog or the view:
    /// q quits and Esc closes what is open. Every other key is ignored, so nothing is typed
    /// or confirmed that the operator cannot see.
    fn on_key_unseen(&mut self, key: KeyEvent) -> Vec<Command> {
        match key.code {
            KeyCode::Char('q') => self.quit(),
            KeyCode::Esc => {
                if self.dialog.is_some() {
                    self.close_dialog();
                } else if self.prompt.is_some() {
                    return self.on_prompt_key(key);
                } else {
                    self.show_help = false;
                    self.show_messages = false;
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn on_dialog_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let page = match key.code {
            KeyCode::PageDown => Some(DIALOG_PAGE_ROWS),
            KeyCode::PageUp => Some(-DIALOG_PAGE_ROWS),
            _ => None,
        };
        if let Some(delta) = page {
            self.scroll_dialog(delta);
            return Vec::new();
        }
        let server_now = self.clock.server_now(self.now);
        let Some(dialog) = &mut self.dialog else {
            return Vec::new();
        };
        match dialog.handle_key(key, server_now) {
            DialogAction::None => Vec::new(),
            DialogAction::Close => {
                self.close_dialog();
                Vec::new()
            }
            DialogAction::Scroll(delta) => {
                self.scroll_dialog(delta);
                Vec::new()
            }
            DialogAction::Submit(command) => self.submit(command),
            DialogAction::Copy(clip) => vec![Command::Copy(clip)],
        }
    }

    /// Scrolls the dialog's body by `delta` rows, within what the screen leaves hidden.
    fn scroll_dialog(&mut self, delta: isize) {
        let scrolled = if delta >= 0 {
            self.dialog_scroll.saturating_add(delta.unsigned_abs())
        } else {
            self.dialog_scroll.saturating_sub(delta.unsigned_abs())
        };
        self.dialog_scroll = match self.dialog_placement() {
            Some(placement) => scrolled.min(placement.max_scroll()),
            None => scrolled,
        };
    }

    fn open_help(&mut self) {
        self.show_help = true;
        self.help_scroll = 0;
    }

    /// Handles a key while the key reference is open: Esc, Enter or ? closes it, and
    /// j, k, the arrows, PgUp, PgDn, g and G scroll it.
    fn on_help_key(&mut self, key: KeyEvent) {
        let layout = self
            .size
            .map(|(width, height)| help::layout(self, Rect::new(0, 0, width, height)));
        let page = layout
            .as_ref()
            .map_or(1, |layout| layout.visible.max(2) - 1);
        // Before the terminal size is known, nothing is drawn, so there is nothing to scroll.
        let max_scroll = layout.map_or(0, |layout| layout.max_scroll);
        let scroll = self.help_scroll.min(max_scroll);
        self.help_scroll = match key.code {
            KeyCode::Esc | KeyCode::Char('?') | KeyCode::Enter => {
                self.show_help = false;
                0
            }
            KeyCode::Down | KeyCode::Char('j') => scroll.saturating_add(1),
            KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
            KeyCode::PageDown => scroll.saturating_add(page),
            KeyCode::PageUp => scroll.saturating_sub(page),
            KeyCode::Home | KeyCode::Char('g') => 0,
            KeyCode::End | KeyCode::Char('G') => max_scroll,
            _ => scroll,
        }
        .min(max_scroll);
    }

    fn on_prompt_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let Some(prompt) = &mut self.prompt else {
            return Vec::new();
        };
        match (prompt, key.code) {
            (Prompt::Filter { previous, .. }, KeyCode::Esc) => {
                let previous = previous.clone();
                self.prompt = None;
                self.set_filter(previous);
            }
            (Prompt::Command(_), KeyCode::Esc) => self.prompt = None,
            (Prompt::Filter { .. }, KeyCode::Enter) => {
                self.prompt = None;
                let problem = on_current_view!(self, view => view.list.filter.problem());
                if let Some(problem) = problem {
                    self.error = Some(format!("Filter: {problem}"));
                }
            }
            (Prompt::Command(input), KeyCode::Enter) => {
                let line = input.value().to_owned();
                self.prompt = None;
                return self.run_command_line(&line);
            }
            (Prompt::Command(input), KeyCode::Tab) => {
                let ids = self
                    .active
                    .rows()
                    .iter()
                    .map(|row| row.id.as_str())
                    .chain(self.deleted.rows().iter().map(|row| row.id.as_str()));
                let completed = prompt::complete(input.value(), ids);
                *input = Input::new(completed);
            }
            (Prompt::Command(input), _) => {
                if key.code == KeyCode::Backspace && input.value().is_empty() {
                    self.prompt = None;
                } else {
                    input.handle_event(&Event::Key(key));
                }
            }
            (Prompt::Filter { input, .. }, _) => {
                if key.code == KeyCode::Backspace && input.value().is_empty() {
                    self.prompt = None;
                    return Vec::new();
                }
                input.handle_event(&Event::Key(key));
                let text = input.value().to_owned();
                self.set_filter(Filter::new(&text));
            }
        }
        Vec::new()
    }

    fn run_command_line(&mut self, line: &str) -> Vec<Command> {
        match prompt::parse(line) {
            Ok(CommandLine::Tab(tab)) => {
                self.detail = None;
                self.switch_tab(tab)
            }
            Ok(CommandLine::Webhook(id)) => self.open_detail(&id),
            Ok(CommandLine::New) => self.open_create_anywhere(),
            Ok(CommandLine::Help) => {
                self.open_help();
                Vec::new()
            }
            Ok(CommandLine::Quit) => self.quit(),
            Err(message) => {
                self.error = Some(clean(&message));
                Vec::new()
            }
        }
    }

    fn on_screen_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        if is_clear_marks(key) {
            self.clear_marks();
            return Vec::new();
        }
        match key.code {
            KeyCode::Char('q') if !control => return self.quit(),
            KeyCode::Char('r') if control => return self.poll_by_hand().into_iter().collect(),
            KeyCode::Char('a') if control => self.mark_all_shown(),
            KeyCode::Char(' ') if control => self.mark_range(),
            KeyCode::Char(_) if control => {}
            KeyCode::Char('?') => self.open_help(),
            KeyCode::Char('e') => self.show_messages = true,
            KeyCode::Char(':') => self.prompt = Some(Prompt::Command(Input::default())),
            KeyCode::Char('/') if self.detail.is_none() => self.open_filter(),
            KeyCode::Esc => self.escape(),
            KeyCode::Char(digit @ '1'..='4') => {
                let index = usize::from(digit as u8 - b'1');
                self.detail = None;
                return self.switch_tab(Tab::ALL[index]);
            }
            KeyCode::Tab => {
                self.detail = None;
                return self.switch_tab(self.tab.next());
            }
            KeyCode::BackTab => {
                self.detail = None;
                return self.switch_tab(self.tab.previous());
            }
            KeyCode::Down | KeyCode::Char('j') => return self.move_down(1),
            KeyCode::Up | KeyCode::Char('k') => self.move_cursor(-1),
            KeyCode::PageDown => return self.move_down(self.page_delta()),
            KeyCode::PageUp => self.move_cursor(-self.page_delta()),
            KeyCode::Home | KeyCode::Char('g') => self.move_cursor(isize::MIN),
            KeyCode::End | KeyCode::Char('G') => return self.move_down(isize::MAX),
            KeyCode::Char('s') if self.detail.is_none() => self.cycle_sort(),
            KeyCode::Char('S') if self.detail.is_none() => self.reverse_sort(),
            KeyCode::Enter if self.detail.is_none() => {
                if let Some(id) = self.selected_webhook_id() {
                    return self.open_detail(&id);
                }
                if self.tab == Tab::Audit && self.audit.selected().is_some() {
                    self.notify("This event belongs to no webhook, so it has no detail".to_owned());
                }
            }
            KeyCode::Char('y') => return self.copy_selected_id(),
            KeyCode::Char(' ') if self.detail.is_none() => self.toggle_mark(),
            _ if !self.options.read_only => return self.on_write_key(key),
            _ => {}
        }
        Vec::new()
    }

    /// Keys that open write dialogs. They are not bound at all in read-only mode.
    fn on_write_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let detail_open = self.detail.is_some();
        match key.code {
            KeyCode::Char('d') if self.tab == Tab::Active || detail_open => self.open_soft_delete(),
            KeyCode::Char('D') => self.open_force_delete(),
            KeyCode::Char('r') if self.tab == Tab::Deleted || detail_open => self.open_restore(),
            KeyCode::Char('R') if self.tab == Tab::Queue && !detail_open => {
                self.open_retry_selected()
            }
            KeyCode::Char('A') if self.tab == Tab::Queue && !detail_open => self.open_retry_all(),
            KeyCode::Char('n') if self.tab == Tab::Active && !detail_open => self.open_create(),
            KeyCode::Char('u') => return self.undo_last(),
            _ => {}
        }
        Vec::new()
    }

    /// Quits at once. Requests still running are aborted by the event loop; the server may
    /// still apply them, and the next start shows their outcome.
    pub(super) fn quit(&mut self) -> Vec<Command> {
        if self.pending_requests > 0 {
            tracing::warn!(
                pending = self.pending_requests,
                "quitting with requests still running; their responses will not be read"
            );
        }
        self.should_quit = true;
        vec![Command::Quit]
    }

    /// Esc steps back one level: the detail view, then the error, then the filter.
    fn escape(&mut self) {
        if self.detail.take().is_some() {
            return;
        }
        if self.error.take().is_some() {
            return;
        }
        let has_filter = on_current_view!(self, view => !view.list.filter.is_empty());
        if has_filter {
            self.set_filter(Filter::default());
        }
    }

    fn open_filter(&mut self) {
        let previous = on_current_view!(self, view => view.list.filter.clone());
        let input = Input::new(previous.text.clone());
        self.prompt = Some(Prompt::Filter { input, previous });
    }

    /// Applies `filter` to the current tab, keeping the cursor on the same row if it passes,
    /// and scrolls so that the rows that pass fill the screen.
    pub(super) fn set_filter(&mut self, filter: Filter) {
        let server_now = self.server_now();
        let rows = self.page_rows();
        on_current_view!(self, view => {
            view.list.filter = filter;
            view.reorder(server_now);
            if let Some(rows) = rows {
                view.list.scroll_into_view(rows);
            }
        });
    }

    fn cycle_sort(&mut self) {
        let server_now = self.server_now();
        let label = on_current_view!(self, view => {
            let columns = sort_columns(view);
            let sort = &mut view.list.sort;
            sort.column = match sort.column {
                None => Some(0),
                Some(column) if column + 1 < columns.len() => Some(column + 1),
                Some(_) => None,
            };
            view.reorder(server_now);
            view.list.sort.column.map(|column| columns[column])
        });
        match label {
            Some(column) => self.notify(format!("Sorted by {column} (S reverses)")),
            None => self.notify("Sorted as the server lists them".to_owned()),
        }
    }

    fn reverse_sort(&mut self) {
        let server_now = self.server_now();
        on_current_view!(self, view => {
            let sort = &mut view.list.sort;
            sort.column = sort.column.or(Some(0));
            sort.descending = !sort.descending;
            view.reorder(server_now);
        });
    }

    fn page_delta(&self) -> isize {
        let rows = self.page_rows().unwrap_or(PAGE_ROWS).max(1);
        isize::try_from(rows).unwrap_or(isize::MAX)
    }

    fn move_cursor(&mut self, delta: isize) {
        if let Some(detail) = &mut self.detail {
            let last = detail.event_count().saturating_sub(1);
            detail.scroll = super::lists::step_index(detail.scroll, delta, last + 1);
            return;
        }
        let rows = self.page_rows();
        on_current_view!(self, view => {
            view.list.move_cursor(delta);
            if let Some(rows) = rows {
                view.list.scroll_into_view(rows);
            }
        });
    }

    /// Moves the cursor down, and on the Audit tab loads the next older page once the
    /// cursor reaches the last loaded event.
    fn move_down(&mut self, delta: isize) -> Vec<Command> {
        self.move_cursor(delta);
        self.older_audit_if_at_end().into_iter().collect()
    }

    fn toggle_mark(&mut self) {
        match self.tab {
            Tab::Deleted => self.deleted.toggle_mark(),
            Tab::Queue => self.queue.toggle_mark(),
            Tab::Active | Tab::Audit => return,
        }
        self.move_cursor(1);
    }

    fn mark_range(&mut self) {
        match self.tab {
            Tab::Deleted => self.deleted.mark_range(),
            Tab::Queue => self.queue.mark_range(),
            Tab::Active | Tab::Audit => {}
        }
    }

    fn mark_all_shown(&mut self) {
        match self.tab {
            Tab::Deleted => self.deleted.mark_all_shown(),
            Tab::Queue => self.queue.mark_all_shown(),
            Tab::Active | Tab::Audit => {}
        }
    }

    fn clear_marks(&mut self) {
        let server_now = self.server_now();
        let keep_ghosts = self.dialog.is_some();
        for view_marks in [&mut self.deleted.list, &mut self.queue.list] {
            view_marks.clear_marks();
        }
        if !keep_ghosts {
            self.deleted.forget_gone(server_now);
            self.queue.forget_gone(server_now);
        }
        self.row_results.clear();
    }

    /// Closes the dialog and drops rows that were kept only while it was open.
    pub(super) fn close_dialog(&mut self) {
        self.dialog = None;
        self.dialog_scroll = 0;
        let server_now = self.server_now();
        self.active.forget_gone(server_now);
        if self.deleted.list.marks.is_empty() {
            self.deleted.forget_gone(server_now);
        }
        if self.queue.list.marks.is_empty() {
            self.queue.forget_gone(server_now);
        }
    }

    pub(super) fn switch_tab(&mut self, tab: Tab) -> Vec<Command> {
        if self.tab == tab {
            return Vec::new();
        }
        self.tab = tab;
        let needs_data = match tab {
            Tab::Queue => self
                .capabilities
                .as_ref()
                .is_some_and(crate::client::Capabilities::has_queue),
            Tab::Audit => self
                .capabilities
                .as_ref()
                .is_some_and(crate::client::Capabilities::has_audit),
            Tab::Active | Tab::Deleted => false,
        };
        if needs_data {
            return self.refresh_now().into_iter().collect();
        }
        Vec::new()
    }

    /// Opens the detail view of webhook `id` and fetches it at once.
    pub(super) fn open_detail(&mut self, id: &str) -> Vec<Command> {
        let mut detail = DetailView::new(id);
        if let Some(reason) = self.access_block_reason() {
            detail.webhook.fail_with(&reason);
            detail.audit.fail_with(&reason);
        }
        self.detail = Some(detail);
        self.refresh_now().into_iter().collect()
    }

    /// Returns the webhook id of the selected row on any tab, or of the detail view. An audit
    /// event that belongs to no webhook, such as `token_created`, has none.
    pub fn selected_webhook_id(&self) -> Option<String> {
        if let Some(detail) = &self.detail {
            return Some(detail.id.clone());
        }
        let id = match self.tab {
            Tab::Active => self.active.selected().map(|row| row.id.clone()),
            Tab::Deleted => self.deleted.selected().map(|row| row.id.clone()),
            Tab::Queue => self.queue.selected().map(|job| job.webhook_id.clone()),
            Tab::Audit => self.audit.selected().map(|event| event.webhook_id.clone()),
        };
        id.filter(|id| !id.is_empty())
    }

    fn copy_selected_id(&mut self) -> Vec<Command> {
        match self.selected_webhook_id() {
            Some(id) => vec![Command::Copy(ClipboardText::WebhookId(id))],
            None => Vec::new(),
        }
    }

    /// Reports a finished copy. `label` names the copied text, as [`ClipboardText::label`]
    /// returns it.
    pub(super) fn on_copied(&mut self, label: &str, result: Result<(), String>) {
        match result {
            Ok(()) => self.notify(format!(
                "Copied {} to the clipboard (OSC 52; the terminal must allow it)",
                clean(label)
            )),
            Err(error) => self.error = Some(clean(&format!("Copy failed: {error}"))),
        }
    }
}

fn sort_columns<T: super::Rows>(_view: &super::View<T>) -> &'static [&'static str] {
    <T::Row as ListRow>::SORT_COLUMNS
}

fn insert_text(input: &mut Input, text: &str) {
    for c in text.chars() {
        input.handle(InputRequest::InsertChar(c));
    }
}
