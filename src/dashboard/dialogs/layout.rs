//! Placement of a dialog on the screen. The lines naming the webhook, the inputs and the
//! buttons always show, or the dialog is replaced by a notice and takes no key but Esc and q
//! (see [`Placement::TooSmall`]). The explanation gives way first: it loses its blank lines,
//! then shrinks to the rows left and scrolls with PgUp and PgDn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget, Wrap};

use super::Dialog;
use crate::dashboard::app::State;
use crate::dashboard::views;
use crate::dashboard::widgets::wrap::wrap_lines;

/// Narrowest input field worth drawing, in columns.
const MIN_INPUT_WIDTH: u16 = 12;

/// The text of a dialog, grouped by how each part may give way on a small screen.
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub title: String,
    pub border: Color,
    /// The lines naming what the dialog acts on, such as the webhook's name and id. Wrapped,
    /// never dropped.
    pub head: Vec<Line<'static>>,
    /// The explanation and lists. Wrapped; on a short screen it loses its blank lines, then
    /// shrinks and scrolls.
    pub body: Vec<Line<'static>>,
    /// Input rows, then the button row last. One row each, never dropped.
    pub controls: Vec<Line<'static>>,
    /// The reason the confirm button is disabled. Drawn after the buttons when it fits there,
    /// else in the hint's row.
    pub note: Option<Line<'static>>,
    /// The keys that work here. Dropped first when rows run short.
    pub hint: Option<Line<'static>>,
}

impl Content {
    /// Rows that must show: the wrapped head and the controls.
    fn required_rows(&self, width: u16) -> usize {
        wrap_lines(&self.head, width).len() + self.controls.len()
    }

    /// Narrowest frame that shows the button row whole and an input of a usable width.
    fn min_outer_width(&self) -> u16 {
        let buttons = self
            .controls
            .last()
            .map_or(0, |line| u16::try_from(line.width()).unwrap_or(u16::MAX));
        buttons.max(MIN_INPUT_WIDTH + 10).saturating_add(2)
    }
}

/// The position of a dialog: shown in a frame, or replaced by a notice.
#[derive(Debug, Clone)]
pub enum Placement {
    Shown(Plan),
    /// Even without the explanation the inputs and buttons do not fit. The dialog draws a
    /// notice naming the size it needs, as `(width, height)`, and ignores keys but Esc and q,
    /// so nothing is typed or confirmed blind.
    TooSmall {
        needed: (u16, u16),
    },
}

impl Placement {
    pub fn is_shown(&self) -> bool {
        matches!(self, Placement::Shown(_))
    }

    /// Largest body scroll offset, or 0 when the dialog is not shown.
    pub fn max_scroll(&self) -> usize {
        match self {
            Placement::Shown(plan) => plan.max_scroll,
            Placement::TooSmall { .. } => 0,
        }
    }
}

/// The frame of a shown dialog and the rows inside it.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The frame, borders included.
    pub area: Rect,
    pub title: String,
    pub border: Color,
    /// Rows inside the frame, top to bottom.
    pub rows: Vec<Line<'static>>,
    /// Body rows scrolled off above and below.
    pub hidden_above: usize,
    pub hidden_below: usize,
    pub max_scroll: usize,
}

/// Places `dialog` on a screen of `screen`, with its body scrolled down by `scroll` rows. It
/// sits over the tab's view when it fits there whole, else over the whole screen.
pub fn place(dialog: &Dialog, state: &State, screen: Rect, scroll: usize) -> Placement {
    let outer_width = dialog.max_width().min(screen.width);
    let width = outer_width.saturating_sub(2);

    let full = dialog.content(state, width, false);
    let view = views::body_area(screen);
    if outer_width >= full.min_outer_width() {
        let in_view = arrange(&full, width, usize::from(view.height.saturating_sub(2)), 0);
        if let Some(arranged) = in_view.filter(|arranged| arranged.complete) {
            return Placement::Shown(arranged.into_plan(&full, view, outer_width));
        }
    }

    // Labels get rows of their own while that leaves two rows of explanation, or all of it.
    let available = usize::from(screen.height.saturating_sub(2));
    let body_rows = wrap_lines(&full.body, width)
        .iter()
        .filter(|line| line.width() > 0)
        .count();
    let content = if full.required_rows(width) + body_rows.min(2) <= available {
        full
    } else {
        dialog.content(state, width, true)
    };
    let min_width = content.min_outer_width();
    let arranged = arrange(&content, width, available, scroll).filter(|_| outer_width >= min_width);
    match arranged {
        Some(arranged) => Placement::Shown(arranged.into_plan(&content, screen, outer_width)),
        None => {
            let height = content.required_rows(width).saturating_add(2);
            let height = u16::try_from(height).unwrap_or(u16::MAX);
            Placement::TooSmall {
                needed: (
                    min_width.max(views::MIN_WIDTH),
                    height.max(views::MIN_HEIGHT),
                ),
            }
        }
    }
}

/// The rows of a dialog that fit in the rows available, before they are placed.
struct Arranged {
    rows: Vec<Line<'static>>,
    /// Nothing was dropped: the whole body with its blank lines, and the hint or note.
    complete: bool,
    hidden_above: usize,
    hidden_below: usize,
    max_scroll: usize,
}

impl Arranged {
    /// Centres the rows in a frame at most `width` columns wide inside `region`.
    fn into_plan(self, content: &Content, region: Rect, width: u16) -> Plan {
        let height = u16::try_from(self.rows.len() + 2)
            .unwrap_or(u16::MAX)
            .min(region.height);
        let width = width.min(region.width);
        Plan {
            area: Rect {
                x: region.x + (region.width - width) / 2,
                y: region.y + (region.height - height) / 2,
                width,
                height,
            },
            title: content.title.clone(),
            border: content.border,
            rows: self.rows,
            hidden_above: self.hidden_above,
            hidden_below: self.hidden_below,
            max_scroll: self.max_scroll,
        }
    }
}

/// Fits `content` into `available` rows of `width` columns, or returns `None` when the head
/// and the controls alone do not fit.
fn arrange(content: &Content, width: u16, available: usize, scroll: usize) -> Option<Arranged> {
    let head = wrap_lines(&content.head, width);
    let required = head.len() + content.controls.len();
    if required > available {
        return None;
    }
    let rows_left = available - required;

    // The note follows the buttons on their row when it fits, else it replaces the hint.
    let mut controls = content.controls.clone();
    let mut footer = content.hint.clone();
    let mut footer_is_note = false;
    if let (Some(note), Some(buttons)) = (&content.note, controls.last_mut()) {
        if buttons.width() + 2 + note.width() <= usize::from(width) {
            buttons.spans.push(Span::raw("  "));
            buttons.spans.extend(note.spans.iter().cloned());
        } else {
            footer = Some(note.clone());
            footer_is_note = true;
        }
    }

    let mut body = wrap_lines(&content.body, width);
    let mut complete = true;
    if body.len() + usize::from(footer.is_some()) > rows_left {
        complete = false;
        body.retain(|line| line.width() > 0);
        // The hint gives way to the body; the note stays while a body row still shows too.
        if !(footer_is_note && rows_left >= 2) {
            footer = None;
        }
    }
    let visible = body
        .len()
        .min(rows_left.saturating_sub(usize::from(footer.is_some())));
    let max_scroll = body.len() - visible;
    let scroll = scroll.min(max_scroll);

    let mut rows = head;
    rows.extend(body.iter().skip(scroll).take(visible).cloned());
    rows.extend(controls);
    rows.extend(footer);
    Some(Arranged {
        rows,
        complete,
        hidden_above: scroll,
        hidden_below: max_scroll - scroll,
        max_scroll,
    })
}

/// Draws the dialog over `screen`: the plan's rows in a frame, or the notice that the
/// terminal is too small for it.
pub fn render(dialog: &Dialog, state: &State, screen: Rect, buf: &mut Buffer) {
    if screen.is_empty() {
        return;
    }
    match place(dialog, state, screen, state.dialog_scroll) {
        Placement::Shown(plan) => render_plan(&plan, buf),
        Placement::TooSmall { needed } => {
            render_too_small(&dialog.title(state), needed, screen, buf);
        }
    }
}

fn render_plan(plan: &Plan, buf: &mut Buffer) {
    Clear.render(plan.area, buf);
    let style = Style::new().fg(plan.border);
    let mut block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(style)
        .title(Span::styled(
            format!(" {} ", plan.title),
            style.add_modifier(Modifier::BOLD),
        ));
    if let Some(note) = views::scroll_note(plan.hidden_above, plan.hidden_below) {
        block = block.title_bottom(Span::styled(note, style));
    }
    let inner = block.inner(plan.area);
    block.render(plan.area, buf);
    Paragraph::new(plan.rows.clone()).render(inner, buf);
}

fn render_too_small(title: &str, needed: (u16, u16), screen: Rect, buf: &mut Buffer) {
    Clear.render(screen, buf);
    let (width, height) = needed;
    let text = format!(
        "{title}: enlarge the terminal to at least {width}x{height} to see its inputs and \
         buttons (it is {}x{}). Esc closes the dialog and q quits. Other keys are ignored.",
        screen.width, screen.height
    );
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(Color::Yellow));
    let area = if screen.width >= 4 && screen.height >= 3 {
        let inner = block.inner(screen);
        block.render(screen, buf);
        inner
    } else {
        screen
    };
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}
