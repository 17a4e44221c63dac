//! Retry of dead-lettered deletion jobs: the selected or marked ones, or every one at once
//! after typing their count. A retried job purges its webhook when it runs, so the dialog
//! opens on Cancel.

use crossterm::event::KeyEvent;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use super::form::{FieldKey, Form};
use super::{
    close_hint, closing_controls, disabled_note, form_action, key_hint, result_key, result_mark,
    result_style, waiting_key, Content, DialogAction,
};
use crate::api::{JobRecord, JobState};
use crate::dashboard::app::{Command, RetryOutcome};
use crate::dashboard::widgets::text::{clean, clean_or_dash, fit_width, visible};
use crate::text::count_of;

/// One job chosen for retry.
#[derive(Debug, Clone)]
pub struct RetryItem {
    pub id: String,
    pub webhook_name: String,
    pub state: JobState,
    pub last_error: Option<String>,
}

impl From<&JobRecord> for RetryItem {
    fn from(job: &JobRecord) -> Self {
        Self {
            id: job.id.clone(),
            webhook_name: job.webhook_name.clone(),
            state: job.state,
            last_error: job.last_error.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryPhase {
    Confirm,
    Running,
    /// One line per job, or the summary of a retry of every dead letter.
    Done(Vec<(bool, String)>),
}

/// Scope of a retry: the listed jobs or every dead letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryScope {
    /// The listed jobs; those not dead-lettered are skipped.
    Jobs,
    /// Every dead-lettered job; the count as listed when the dialog opened.
    AllDeadLetters(u64),
}

pub(super) const DIALOG_WIDTH: u16 = 76;

#[derive(Debug)]
pub struct RetryDialog {
    pub items: Vec<RetryItem>,
    pub scope: RetryScope,
    pub phase: RetryPhase,
    pub env: Option<String>,
    pub form: Form,
}

impl RetryDialog {
    pub fn jobs(items: Vec<RetryItem>, env: Option<String>) -> Self {
        let fields = Form::with_environment(Vec::new(), env.as_ref());
        Self {
            items,
            scope: RetryScope::Jobs,
            phase: RetryPhase::Confirm,
            form: Form::new(fields),
            env,
        }
    }

    pub fn all(count: u64, env: Option<String>) -> Self {
        let fields = Form::with_environment(vec![Form::text(FieldKey::Count)], env.as_ref());
        Self {
            items: Vec::new(),
            scope: RetryScope::AllDeadLetters(count),
            phase: RetryPhase::Confirm,
            form: Form::new(fields),
            env,
        }
    }

    /// Ids of the dead-lettered jobs among the items.
    pub fn ids(&self) -> Vec<String> {
        self.items
            .iter()
            .filter(|item| item.state == JobState::DeadLetter)
            .map(|item| item.id.clone())
            .collect()
    }

    pub fn can_confirm(&self) -> bool {
        let scope_ready = match self.scope {
            RetryScope::Jobs => !self.ids().is_empty(),
            RetryScope::AllDeadLetters(count) => {
                self.form.value(FieldKey::Count).trim() == count.to_string()
            }
        };
        scope_ready && self.form.environment_matches(self.env.as_ref())
    }

    fn why_disabled(&self) -> &'static str {
        match self.scope {
            RetryScope::AllDeadLetters(count)
                if self.form.value(FieldKey::Count).trim() != count.to_string() =>
            {
                "type the number of jobs first"
            }
            RetryScope::Jobs if self.ids().is_empty() => "none of these jobs is dead-lettered",
            _ => "type the environment name first",
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DialogAction {
        match self.phase {
            RetryPhase::Confirm => {
                let event = self.form.handle_key(key);
                form_action(event, self.can_confirm(), || {
                    self.phase = RetryPhase::Running;
                    let command = match self.scope {
                        RetryScope::Jobs => Command::RetryJobs { ids: self.ids() },
                        RetryScope::AllDeadLetters(_) => Command::RetryDeadLetters,
                    };
                    DialogAction::Submit(command)
                })
            }
            RetryPhase::Running => waiting_key(key),
            RetryPhase::Done(_) => result_key(key),
        }
    }

    /// Records the outcome of the retry.
    pub fn finish(&mut self, outcome: &RetryOutcome) {
        let lines = match outcome {
            RetryOutcome::Jobs(results) => results
                .iter()
                .map(|(id, result)| {
                    let name = self
                        .items
                        .iter()
                        .find(|item| &item.id == id)
                        .map_or(id.as_str(), |item| item.webhook_name.as_str());
                    match result {
                        Ok(response) => (
                            true,
                            format!("{}: {}", visible(name), clean(&response.body.message)),
                        ),
                        Err(error) => (
                            false,
                            format!("{}: {}", visible(name), clean(&error.to_string())),
                        ),
                    }
                })
                .collect(),
            RetryOutcome::AllDeadLetters(Ok(response)) => vec![(
                true,
                format!(
                    "{} jobs back in the queue: {}",
                    response.body.retried,
                    clean(&response.body.message)
                ),
            )],
            RetryOutcome::AllDeadLetters(Err(error)) => {
                vec![(false, clean(&error.to_string()))]
            }
        };
        self.phase = RetryPhase::Done(lines);
    }

    /// Builds the dialog in `width` columns for its phase: the jobs and the buttons, the
    /// wait, or the results.
    pub fn content(&self, width: u16, compact: bool) -> Content {
        let title = match self.scope {
            RetryScope::Jobs => format!(
                "Retry {}",
                count_of(self.ids().len() as u64, "dead-lettered job")
            ),
            RetryScope::AllDeadLetters(count) => {
                format!("Retry all {}", count_of(count, "dead-lettered job"))
            }
        };
        let mut content = Content {
            title,
            border: Color::Red,
            ..Content::default()
        };
        match &self.phase {
            RetryPhase::Confirm => {
                content.head.push(Line::styled(
                    "Each retried job moves back to pending, due now: the consumer then \
                     purges its webhook for good.",
                    Style::new().fg(Color::Yellow),
                ));
                match self.scope {
                    RetryScope::Jobs => {
                        content.body.push(Line::raw(""));
                        content.body.extend(self.items.iter().map(item_line));
                    }
                    RetryScope::AllDeadLetters(count) if compact => {
                        content.controls.push(self.form.labelled_input(
                            FieldKey::Count,
                            &format!("Type {count}"),
                            width,
                        ));
                    }
                    RetryScope::AllDeadLetters(count) => {
                        let prompt = if width >= 56 {
                            format!("Type {count}, the number of dead-lettered jobs, to confirm:")
                        } else {
                            format!("Type {count}, the job count, to confirm:")
                        };
                        content.controls.push(Line::raw(prompt));
                        content
                            .controls
                            .push(self.form.input_line(FieldKey::Count, width));
                    }
                }
                content.body.push(Line::raw(""));
                let confirm = self.can_confirm();
                content.controls.extend(closing_controls(
                    &self.form,
                    self.env.as_ref(),
                    width,
                    compact,
                    ("Retry", Color::Red),
                    confirm,
                ));
                content.note = (!confirm).then(|| disabled_note(self.why_disabled()));
                content.hint = Some(key_hint(width));
            }
            RetryPhase::Running => {
                content.head.push(Line::raw(
                    "Retrying… Esc closes this window; the result then appears in the status \
                     bar.",
                ));
            }
            RetryPhase::Done(results) => {
                for (ok, text) in results {
                    content.body.push(Line::from(vec![
                        result_mark(*ok),
                        Span::styled(text.clone(), result_style(*ok)),
                    ]));
                }
                content.hint = Some(close_hint());
            }
        }
        content
    }
}

fn item_line(item: &RetryItem) -> Line<'static> {
    let name = fit_width(&visible(&item.webhook_name), 24);
    if item.state != JobState::DeadLetter {
        return Line::from(vec![
            Span::raw(format!("{name} ")),
            Span::styled(
                format!("skip: {} is not dead-lettered", item.state),
                Style::new().fg(Color::Magenta),
            ),
        ]);
    }
    Line::from(vec![
        Span::raw(format!("{name} ")),
        Span::styled(
            clean_or_dash(item.last_error.as_deref()),
            Style::new().fg(Color::Red),
        ),
    ])
}
