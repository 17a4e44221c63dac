//! The `:` command line and the `/` filter prompt: parsing and Tab completion.

use tui_input::Input;

use super::lists::Filter;
use super::Tab;

/// A line being typed at the bottom of the screen.
#[derive(Debug, Clone)]
pub enum Prompt {
    /// `:` followed by a command such as `deleted`, `webhook <id>` or `new`.
    Command(Input),
    /// `/` followed by a filter, applied as it is typed. Esc restores `previous`.
    Filter { input: Input, previous: Filter },
}

/// Command names in the order completion offers them.
pub const COMMANDS: &[&str] = &[
    "active", "deleted", "queue", "audit", "webhook", "new", "help", "quit", "q",
];

/// Maximum completions listed under the command line.
pub const MAX_SUGGESTIONS: usize = 6;

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandLine {
    Tab(Tab),
    /// Opens the detail view of this webhook id.
    Webhook(String),
    /// Opens the create dialog on the Active tab.
    New,
    Help,
    Quit,
}

/// Parses a command line, accepting any unambiguous prefix of a command name.
///
/// # Errors
///
/// A message naming the unknown command or the missing id, fit for the status bar.
pub fn parse(text: &str) -> Result<CommandLine, String> {
    let mut words = text.split_whitespace();
    let Some(word) = words.next() else {
        return Err(
            "empty command: type :active, :deleted, :queue, :audit, :webhook <id>, :new \
             or :q"
                .to_owned(),
        );
    };
    let name = if COMMANDS.contains(&word) {
        word
    } else {
        let matches: Vec<&str> = COMMANDS
            .iter()
            .copied()
            .filter(|name| name.starts_with(word))
            .collect();
        match matches.as_slice() {
            [only] => *only,
            [] => {
                return Err(format!(
                    "unknown command ':{word}': press Tab to list commands"
                ))
            }
            _ => {
                return Err(format!(
                    "ambiguous command ':{word}': it could be {}",
                    matches.join(", ")
                ))
            }
        }
    };
    match name {
        "active" => Ok(CommandLine::Tab(Tab::Active)),
        "deleted" => Ok(CommandLine::Tab(Tab::Deleted)),
        "queue" => Ok(CommandLine::Tab(Tab::Queue)),
        "audit" => Ok(CommandLine::Tab(Tab::Audit)),
        "new" => Ok(CommandLine::New),
        "help" => Ok(CommandLine::Help),
        "quit" | "q" => Ok(CommandLine::Quit),
        _ => match words.next() {
            Some(id) => Ok(CommandLine::Webhook(id.to_owned())),
            None => Err("missing id: type :webhook <id> (Tab completes ids)".to_owned()),
        },
    }
}

/// Returns the completions of `text`: command names, or webhook ids after `webhook `.
pub fn suggestions<'a>(text: &str, ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    match text.split_once(' ') {
        Some((command, rest)) if "webhook".starts_with(command) && !command.is_empty() => {
            let prefix = rest.trim_start();
            let mut found: Vec<String> = ids
                .filter(|id| id.starts_with(prefix))
                .map(|id| format!("webhook {id}"))
                .collect();
            found.sort();
            found.dedup();
            found
        }
        Some(_) => Vec::new(),
        None => COMMANDS
            .iter()
            .filter(|name| name.starts_with(text))
            .map(|name| (*name).to_owned())
            .collect(),
    }
}

/// Completes `text` to the longest prefix that all suggestions share. A single suggestion
/// completes fully, with a space after `webhook` so an id can follow.
pub fn complete<'a>(text: &str, ids: impl Iterator<Item = &'a str>) -> String {
    let found = suggestions(text, ids);
    match found.as_slice() {
        [] => text.to_owned(),
        [only] if only == "webhook" => "webhook ".to_owned(),
        [only] => only.clone(),
        [first, rest @ ..] => {
            let mut common = first.clone();
            for other in rest {
                let shared = common
                    .char_indices()
                    .zip(other.chars())
                    .take_while(|((_, a), b)| a == b)
                    .last()
                    .map_or(0, |((index, c), _)| index + c.len_utf8());
                common.truncate(shared);
            }
            if common.len() > text.len() {
                common
            } else {
                text.to_owned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_prefixes() {
        assert_eq!(parse("del"), Ok(CommandLine::Tab(Tab::Deleted)));
        assert_eq!(parse("queue"), Ok(CommandLine::Tab(Tab::Queue)));
        assert_eq!(parse("q"), Ok(CommandLine::Quit));
        assert_eq!(parse("n"), Ok(CommandLine::New));
        assert_eq!(
            parse("webhook ws_cal_solar_001"),
            Ok(CommandLine::Webhook("ws_cal_solar_001".to_owned()))
        );
    }

    #[test]
    fn parse_rejects_unknown_and_incomplete() {
        assert!(parse("").is_err());
        let unknown = parse("purge").unwrap_err();
        assert!(unknown.contains("':purge'"), "{unknown}");
        let missing = parse("webhook").unwrap_err();
        assert!(missing.contains("missing id"), "{missing}");
        let ambiguous = parse("qu").unwrap_err();
        assert!(ambiguous.contains("queue"), "{ambiguous}");
    }

    #[test]
    fn complete_commands_and_ids() {
        let ids = ["ws_cal_solar_001", "ws_cal_solar_002", "ws_tx_roof_003"];
        assert_eq!(complete("de", ids.into_iter()), "deleted");
        assert_eq!(complete("w", ids.into_iter()), "webhook ");
        assert_eq!(complete("a", ids.into_iter()), "a");
        assert_eq!(
            complete("webhook ws_c", ids.into_iter()),
            "webhook ws_cal_solar_00"
        );
        assert_eq!(
            complete("webhook ws_t", ids.into_iter()),
            "webhook ws_tx_roof_003"
        );
        assert_eq!(suggestions("a", ids.into_iter()), vec!["active", "audit"]);
    }
}
