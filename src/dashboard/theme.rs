//! Colour modes. Views draw with the 16 named ANSI colours; [`apply`] then maps each cell to
//! the terminal's palette: richer RGB or 256-colour values where supported, or no colour at
//! all under `NO_COLOR`, where any highlighted background becomes reverse video instead.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorMode {
    /// 24-bit colour, used only when `COLORTERM` is `truecolor` or `24bit`.
    TrueColor,
    /// The xterm 256-colour palette, when `TERM` names a 256-colour terminal.
    Ansi256,
    /// The 16 named colours, which every colour terminal has.
    #[default]
    Ansi16,
    /// No colour: `NO_COLOR` is set to a non-empty value.
    NoColor,
}

impl ColorMode {
    /// Chooses the mode from the values of `NO_COLOR`, `COLORTERM` and `TERM`.
    pub fn detect(no_color: Option<&str>, colorterm: Option<&str>, term: Option<&str>) -> Self {
        if no_color.is_some_and(|value| !value.is_empty()) {
            return ColorMode::NoColor;
        }
        let colorterm = colorterm.unwrap_or("").to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return ColorMode::TrueColor;
        }
        if term.is_some_and(|term| term.contains("256color")) {
            return ColorMode::Ansi256;
        }
        ColorMode::Ansi16
    }

    /// Reads the mode from this process's environment.
    pub fn from_env() -> Self {
        let read = |name: &str| std::env::var(name).ok();
        Self::detect(
            read("NO_COLOR").as_deref(),
            read("COLORTERM").as_deref(),
            read("TERM").as_deref(),
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            ColorMode::TrueColor => "truecolor",
            ColorMode::Ansi256 => "256 colours",
            ColorMode::Ansi16 => "16 colours",
            ColorMode::NoColor => "no colour",
        }
    }
}

/// Maps the colours of every cell in `buf` to `mode`.
pub fn apply(mode: ColorMode, buf: &mut Buffer) {
    if mode == ColorMode::Ansi16 {
        return;
    }
    for cell in &mut buf.content {
        match mode {
            ColorMode::NoColor => {
                if cell.bg != Color::Reset {
                    cell.modifier.toggle(Modifier::REVERSED);
                }
                cell.fg = Color::Reset;
                cell.bg = Color::Reset;
            }
            ColorMode::TrueColor => {
                cell.fg = to_rgb(cell.fg);
                cell.bg = to_rgb(cell.bg);
            }
            ColorMode::Ansi256 => {
                cell.fg = to_indexed(cell.fg);
                cell.bg = to_indexed(cell.bg);
            }
            ColorMode::Ansi16 => {}
        }
    }
}

/// Maps the named colours to softer 24-bit versions. Each keeps its hue, so states that differ in
/// 16 colours differ here too.
fn to_rgb(color: Color) -> Color {
    match color {
        Color::Red => Color::Rgb(230, 72, 72),
        Color::LightRed => Color::Rgb(255, 140, 100),
        Color::Green => Color::Rgb(96, 200, 110),
        Color::Yellow => Color::Rgb(230, 190, 60),
        Color::Blue => Color::Rgb(90, 140, 230),
        Color::Magenta => Color::Rgb(190, 110, 230),
        Color::Cyan => Color::Rgb(80, 200, 210),
        Color::Gray => Color::Rgb(190, 190, 190),
        Color::DarkGray => Color::Rgb(120, 120, 130),
        Color::White => Color::Rgb(240, 240, 240),
        Color::Black => Color::Rgb(20, 20, 24),
        other => other,
    }
}

/// Maps the named colours to the xterm 256-colour cube.
fn to_indexed(color: Color) -> Color {
    match color {
        Color::Red => Color::Indexed(167),
        Color::LightRed => Color::Indexed(209),
        Color::Green => Color::Indexed(77),
        Color::Yellow => Color::Indexed(178),
        Color::Blue => Color::Indexed(68),
        Color::Magenta => Color::Indexed(134),
        Color::Cyan => Color::Indexed(44),
        Color::Gray => Color::Indexed(250),
        Color::DarkGray => Color::Indexed(243),
        Color::White => Color::Indexed(255),
        Color::Black => Color::Indexed(234),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn detect_follows_the_environment() {
        assert_eq!(ColorMode::detect(Some("1"), None, None), ColorMode::NoColor);
        assert_eq!(
            ColorMode::detect(Some(""), Some("truecolor"), None),
            ColorMode::TrueColor
        );
        assert_eq!(
            ColorMode::detect(None, Some("24bit"), Some("xterm")),
            ColorMode::TrueColor
        );
        assert_eq!(
            ColorMode::detect(None, None, Some("xterm-256color")),
            ColorMode::Ansi256
        );
        assert_eq!(
            ColorMode::detect(None, Some("yes"), Some("xterm")),
            ColorMode::Ansi16
        );
        assert_eq!(ColorMode::detect(None, None, None), ColorMode::Ansi16);
    }

    #[test]
    fn no_color_turns_backgrounds_into_reverse_video() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 1));
        buf.set_string(0, 0, "a", Style::new().fg(Color::Red));
        buf.set_string(1, 0, "b", Style::new().bg(Color::Cyan));
        buf.set_string(2, 0, "c", Style::new().add_modifier(Modifier::REVERSED));

        apply(ColorMode::NoColor, &mut buf);

        for cell in &buf.content {
            assert_eq!(cell.fg, Color::Reset);
            assert_eq!(cell.bg, Color::Reset);
        }
        assert!(!buf[(0, 0)].modifier.contains(Modifier::REVERSED));
        assert!(buf[(1, 0)].modifier.contains(Modifier::REVERSED));
        assert!(buf[(2, 0)].modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn job_state_colours_stay_distinct_in_every_palette() {
        let states = [
            Color::Yellow,
            Color::Magenta,
            Color::Green,
            Color::LightRed,
            Color::DarkGray,
            Color::Red,
        ];
        for map in [to_rgb as fn(Color) -> Color, to_indexed] {
            let mapped: std::collections::HashSet<String> = states
                .iter()
                .map(|color| format!("{:?}", map(*color)))
                .collect();
            assert_eq!(mapped.len(), states.len());
        }
    }
}
