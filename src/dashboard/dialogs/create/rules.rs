//! The rules of `POST /webhook` for each field of a new webhook, checked in the create dialog
//! while the operator types. The server checks again, and the dialog shows its message when
//! it rejects a request.

use crate::api::id::MAX_ID_LEN;
use crate::api::CreateWebhookRequest;
use crate::dashboard::dialogs::form::FieldKey;
use crate::dashboard::widgets::text::visible;

// NOTE: these limits copy the private constants of src/server/webhooks.rs. If the two drift
// apart, the server's 400 message still shows in the dialog.
/// Maximum length of a name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Maximum length of the type and of the category, in characters.
pub const MAX_KIND_CHARS: usize = 50;
/// Maximum length of a description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1000;

/// The values typed into the create form. Each is trimmed before it is checked or sent, as
/// the server trims them.
#[derive(Debug, Clone, Copy)]
pub struct Draft<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub region: &'a str,
    pub category: &'a str,
    pub prefix: &'a str,
    pub description: &'a str,
}

impl Draft<'_> {
    /// Returns the trimmed value of field `key`, or "" for a key outside the form.
    pub fn value(&self, key: FieldKey) -> &str {
        let value = match key {
            FieldKey::WebhookName => self.name,
            FieldKey::Kind => self.kind,
            FieldKey::Region => self.region,
            FieldKey::Category => self.category,
            FieldKey::Prefix => self.prefix,
            FieldKey::Description => self.description,
            _ => "",
        };
        value.trim()
    }

    /// Returns what is wrong with field `key`, or `None` when its value is valid. An empty
    /// required field returns "required".
    pub fn problem(&self, key: FieldKey) -> Option<String> {
        let value = self.value(key);
        match key {
            FieldKey::WebhookName => text_problem(value, true, MAX_NAME_CHARS),
            FieldKey::Kind => text_problem(value, true, MAX_KIND_CHARS).or_else(|| {
                disallowed(
                    value,
                    is_kind_char,
                    "use lowercase letters, digits, - and _",
                )
            }),
            FieldKey::Region => region_problem(value),
            FieldKey::Category => text_problem(value, true, MAX_KIND_CHARS).or_else(|| {
                disallowed(
                    value,
                    |c| c.is_ascii_lowercase(),
                    "use lowercase letters, such as solar",
                )
            }),
            FieldKey::Prefix => disallowed(
                value,
                |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
                "use lowercase letters, digits and dashes",
            )
            .or_else(|| self.id_length_problem()),
            FieldKey::Description => text_problem(value, false, MAX_DESCRIPTION_CHARS),
            _ => None,
        }
    }

    /// Checks every field.
    pub fn is_valid(&self) -> bool {
        FIELD_ORDER.iter().all(|key| self.problem(*key).is_none())
    }

    /// Returns the first field, in form order, whose value has a problem, with the problem.
    pub fn first_problem(&self) -> Option<(FieldKey, String)> {
        FIELD_ORDER
            .iter()
            .find_map(|key| self.problem(*key).map(|problem| (*key, problem)))
    }

    /// Builds the id that the server will give the webhook: `NNN` stands for the number it
    /// picks, and `<region>` or `<category>` for a part not typed yet.
    pub fn id_preview(&self) -> String {
        let part = |key: FieldKey, placeholder: &'static str| {
            let value = self.value(key);
            if value.is_empty() {
                placeholder.to_owned()
            } else {
                visible(value)
            }
        };
        let region = part(FieldKey::Region, "<region>");
        let category = part(FieldKey::Category, "<category>");
        let prefix = self.value(FieldKey::Prefix);
        if prefix.is_empty() {
            format!("ws_{region}_{category}_NNN")
        } else {
            format!("{}_ws_{region}_{category}_NNN", visible(prefix))
        }
    }

    /// Builds the request body, with the trimmed values and without the empty optional ones.
    pub fn request(&self) -> CreateWebhookRequest {
        let optional = |key: FieldKey| {
            let value = self.value(key);
            (!value.is_empty()).then(|| value.to_owned())
        };
        CreateWebhookRequest {
            name: self.value(FieldKey::WebhookName).to_owned(),
            kind: self.value(FieldKey::Kind).to_owned(),
            region: self.value(FieldKey::Region).to_owned(),
            category: self.value(FieldKey::Category).to_owned(),
            description: optional(FieldKey::Description),
            id: None,
            prefix: optional(FieldKey::Prefix),
        }
    }

    /// Returns the problem of an id longer than the server accepts. Region and category are
    /// short enough by their own limits, so only a long prefix gets here.
    fn id_length_problem(&self) -> Option<String> {
        let prefix = self.value(FieldKey::Prefix);
        let separator = usize::from(!prefix.is_empty());
        // `ws_`, the region, `_`, the category and `_NNN`.
        let length = prefix.len()
            + separator
            + 3
            + self.value(FieldKey::Region).len()
            + 1
            + self.value(FieldKey::Category).len()
            + 4;
        (length > MAX_ID_LEN).then(|| {
            format!(
                "makes the id {length} characters long; the maximum is {MAX_ID_LEN}: shorten \
                 the prefix"
            )
        })
    }
}

/// The fields of the create form, in the order they are drawn and checked.
pub const FIELD_ORDER: [FieldKey; 6] = [
    FieldKey::WebhookName,
    FieldKey::Kind,
    FieldKey::Region,
    FieldKey::Category,
    FieldKey::Prefix,
    FieldKey::Description,
];

fn is_kind_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
}

/// Checks a free-text value: present when `required`, at most `max_chars` characters, and
/// without the control and invisible formatting characters that
/// [`crate::text::forbidden_character`] finds.
fn text_problem(value: &str, required: bool, max_chars: usize) -> Option<String> {
    if value.is_empty() {
        return required.then(|| "required".to_owned());
    }
    let length = value.chars().count();
    if length > max_chars {
        return Some(format!(
            "{length} characters long; the maximum is {max_chars}"
        ));
    }
    // The server runs the same check, so a name it would reject never enables Create.
    crate::text::forbidden_character(value).map(|found| {
        format!(
            "contains {found}; use plain text without control characters or invisible \
             formatting characters"
        )
    })
}

/// Names the first character of `value` that `allowed` rejects, followed by `rule`.
fn disallowed(value: &str, allowed: impl Fn(char) -> bool, rule: &str) -> Option<String> {
    let c = value.chars().find(|c| !allowed(*c))?;
    Some(format!(
        "'{}' is not allowed: {rule}",
        visible(&c.to_string())
    ))
}

fn region_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return Some("required".to_owned());
    }
    let rule = "use 2 or 3 lowercase letters, such as cal";
    if let Some(problem) = disallowed(value, |c| c.is_ascii_lowercase(), rule) {
        return Some(problem);
    }
    let length = value.len();
    (!(2..=3).contains(&length)).then(|| format!("{length} letters long: {rule}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft<'a>(kind: &'a str, region: &'a str, category: &'a str, prefix: &'a str) -> Draft<'a> {
        Draft {
            name: "Solar CA",
            kind,
            region,
            category,
            prefix,
            description: "",
        }
    }

    #[test]
    fn valid_draft_builds_trimmed_request() {
        let typed = Draft {
            name: "  Solar CA ",
            kind: "solar",
            region: " cal",
            category: "solar ",
            prefix: "",
            description: "  ",
        };
        assert!(typed.is_valid(), "{:?}", typed.first_problem());
        let request = typed.request();
        assert_eq!(request.name, "Solar CA");
        assert_eq!(request.region, "cal");
        assert_eq!(request.category, "solar");
        assert_eq!(request.prefix, None);
        assert_eq!(request.description, None);
        assert_eq!(request.id, None);
    }

    #[test]
    fn type_allows_digits_dash_and_underscore() {
        assert_eq!(
            draft("solar-2_b", "cal", "solar", "").problem(FieldKey::Kind),
            None
        );
        let problem = draft("Solar", "cal", "solar", "")
            .problem(FieldKey::Kind)
            .unwrap_or_default();
        assert!(problem.contains("'S' is not allowed"), "{problem}");
    }

    #[test]
    fn region_needs_two_or_three_letters() {
        for good in ["ca", "cal"] {
            assert_eq!(
                draft("solar", good, "solar", "").problem(FieldKey::Region),
                None
            );
        }
        for (bad, expected) in [
            ("c", "1 letters long"),
            ("cali", "4 letters long"),
            ("CA", "'C' is not allowed"),
            ("c1", "'1' is not allowed"),
            ("", "required"),
        ] {
            let problem = draft("solar", bad, "solar", "")
                .problem(FieldKey::Region)
                .unwrap_or_default();
            assert!(problem.contains(expected), "{bad:?}: {problem}");
        }
    }

    #[test]
    fn category_is_lowercase_letters_only() {
        let problem = draft("solar", "cal", "solar-roof", "")
            .problem(FieldKey::Category)
            .unwrap_or_default();
        assert!(problem.contains("'-' is not allowed"), "{problem}");
        let long = "a".repeat(MAX_KIND_CHARS + 1);
        let problem = draft("solar", "cal", &long, "")
            .problem(FieldKey::Category)
            .unwrap_or_default();
        assert!(problem.contains("the maximum is 50"), "{problem}");
    }

    #[test]
    fn prefix_is_optional_and_checked() {
        assert_eq!(
            draft("solar", "cal", "solar", "").problem(FieldKey::Prefix),
            None
        );
        assert_eq!(
            draft("solar", "cal", "solar", "acme-2").problem(FieldKey::Prefix),
            None
        );
        let problem = draft("solar", "cal", "solar", "acme_2")
            .problem(FieldKey::Prefix)
            .unwrap_or_default();
        assert!(problem.contains("'_' is not allowed"), "{problem}");
    }

    #[test]
    fn long_prefix_overflows_the_id() {
        // `_ws_cal_solar_NNN` is 17 characters, so 111 prefix characters make 128.
        let fits = "a".repeat(111);
        assert_eq!(
            draft("solar", "cal", "solar", &fits).problem(FieldKey::Prefix),
            None
        );
        let over = "a".repeat(112);
        let problem = draft("solar", "cal", "solar", &over)
            .problem(FieldKey::Prefix)
            .unwrap_or_default();
        assert!(problem.contains("129 characters long"), "{problem}");
    }

    #[test]
    fn id_preview_fills_typed_parts() {
        assert_eq!(
            draft("solar", "", "", "").id_preview(),
            "ws_<region>_<category>_NNN"
        );
        assert_eq!(
            draft("solar", "cal", "solar", "acme").id_preview(),
            "acme_ws_cal_solar_NNN"
        );
    }

    #[test]
    fn name_length_counts_characters() {
        let name = "é".repeat(MAX_NAME_CHARS);
        let mut typed = draft("solar", "cal", "solar", "");
        typed.name = &name;
        assert_eq!(typed.problem(FieldKey::WebhookName), None);
        let longer = format!("{name}é");
        typed.name = &longer;
        assert!(typed.problem(FieldKey::WebhookName).is_some());
    }
}
