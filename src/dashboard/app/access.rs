//! Whether the dashboard may send requests. A token that the server rejected stops automatic
//! polling, and a 429 pauses it for the server's `Retry-After`. A token whose form cannot
//! work on the server is never sent to a route that needs it.
//!
//! A hookgrace server counts each presented token that it rejects towards a lockout of the
//! client's address, and the lockout also rejects every other client on that address. So
//! after a 401 the dashboard sends nothing more until the operator presses ctrl-r.

use std::time::Duration;

use super::{Command, State, TokenRejection, MAX_BACKOFF};
use crate::api::extension;
use crate::client::{ApiError, TokenFormat, TokenOrigin, TOKEN_ENV};
use crate::dashboard::widgets::text::clean;

/// Wait after a 429 response that names no `Retry-After`.
const DEFAULT_RATE_LIMIT_WAIT: Duration = MAX_BACKOFF;

/// Status of a response to a request without valid credentials.
const UNAUTHORIZED: u16 = 401;

/// Status of a response that requests the client to slow down.
const TOO_MANY_REQUESTS: u16 = 429;

impl State {
    /// Returns whether automatic polls wait: the token was rejected, or the server asked for
    /// a pause that has not passed yet.
    pub fn polling_stopped(&self) -> bool {
        self.poll.token_rejected.is_some() || self.rate_limited()
    }

    /// Returns whether the server's `Retry-After` pause is still running.
    pub fn rate_limited(&self) -> bool {
        self.poll.paused_until.is_some_and(|until| self.now < until)
    }

    /// Returns whether the connection blocks writes for a reason the header shows as
    /// WRITES OFF: an unreachable server, a rejected token or a rate limit.
    pub fn connection_blocked(&self) -> bool {
        self.poll.failures > 0 || self.polling_stopped()
    }

    /// Returns why the token or a rate limit blocks requests, or `None`.
    pub(super) fn access_block_reason(&self) -> Option<String> {
        if let Some(rejection) = &self.poll.token_rejected {
            let cause = if rejection.sent {
                "the server rejected the API token"
            } else {
                "the API token cannot work on this server"
            };
            return Some(format!(
                "{cause}; replace it and restart the dashboard (e shows how)"
            ));
        }
        if self.rate_limited() {
            return Some(format!(
                "the server asked for no requests for another {}s (HTTP 429)",
                self.pause_left_seconds()
            ));
        }
        None
    }

    /// Whole seconds until the server's pause ends, never negative.
    pub fn pause_left_seconds(&self) -> i64 {
        self.poll
            .paused_until
            .map_or(0, |until| {
                (self.now.until(until).num_milliseconds() + 999) / 1000
            })
            .max(0)
    }

    /// Polls at once for ctrl-r. Unlike automatic polls this also sends a token that the
    /// server rejected, once per key press, but it waits out a `Retry-After` pause and
    /// never sends a token whose form this server cannot accept.
    pub(super) fn poll_by_hand(&mut self) -> Option<Command> {
        if let Some(rejection) = &self.poll.token_rejected {
            if !rejection.sent {
                self.error = Some(format!("Nothing sent: {}", rejection.message));
                return None;
            }
        }
        if self.rate_limited() {
            self.notify(format!(
                "Not polled: the server asked for no requests for another {}s (HTTP 429 \
                 Retry-After)",
                self.pause_left_seconds()
            ));
            return None;
        }
        if self.poll.in_flight {
            self.poll.queued = true;
            return None;
        }
        Some(self.start_poll())
    }

    /// Reacts to a failed request of any kind: a 401 stops polling and a 429 pauses it.
    /// Returns the message that replaces the error's own text in the status bar, if any.
    pub(super) fn observe_access_error(&mut self, error: &ApiError) -> Option<String> {
        match error.status() {
            Some(UNAUTHORIZED) => Some(self.reject_token(error)),
            Some(TOO_MANY_REQUESTS) => Some(self.pause_polling(error)),
            _ => None,
        }
    }

    /// Stops automatic polling after the server rejected the token, marks every view stale
    /// and returns the message that explains how to replace the token.
    fn reject_token(&mut self, error: &ApiError) -> String {
        let message = format!(
            "API token rejected (invalid or revoked): {}. Automatic polling stopped so that \
             repeated failures do not lock this address out; ctrl-r tries once more. The \
             server responded: {}.",
            self.token_fix(),
            clean(&error.to_string())
        );
        if self.poll.token_rejected.is_none() {
            tracing::warn!(%error, "the server rejected the API token; automatic polling stopped");
        }
        self.stop_sending_token(message.clone(), true);
        self.show_poll_error(&message);
        message
    }

    /// Shows `message` as the poll error, as the status bar's last line.
    fn show_poll_error(&mut self, message: &str) {
        if self.poll.last_error.is_none() {
            self.poll.error_since = Some(self.now);
        }
        self.poll.last_error = Some(message.to_owned());
    }

    /// Pauses polling for the server's `Retry-After`, or [`DEFAULT_RATE_LIMIT_WAIT`] without
    /// one, and returns the message for the status bar.
    fn pause_polling(&mut self, error: &ApiError) -> String {
        let wait = error.retry_after().unwrap_or(DEFAULT_RATE_LIMIT_WAIT);
        let until = self.after(wait);
        self.poll.paused_until = Some(until);
        self.poll.next_at = self.poll.next_at.max(until);
        tracing::warn!(%error, wait_seconds = wait.as_secs(), "the server asked for a pause; polling paused");
        let message = format!(
            "Rate limited (HTTP 429): polling paused for {}s, as the server asked. The server \
             responded: {}.",
            wait.as_secs(),
            clean(&error.to_string())
        );
        self.show_poll_error(&message);
        message
    }

    /// Checks the token's form once `GET /health` shows whether this is a hookgrace server.
    ///
    /// A server that lists the `auth` extension is hookgrace, which rejects every token that
    /// is not `hg_` and 64 hex digits, and counts each rejection towards locking the address
    /// out. Such a token is therefore never sent there. Any other server, such as one that
    /// implements only the compatible core, may use its own token form, so the token is only
    /// reported there and then sent.
    pub(super) fn check_token_format(&mut self) {
        let format = self.options.token_format;
        if format == TokenFormat::Hookgrace {
            return;
        }
        if !self.has_extension(extension::AUTH) {
            if format == TokenFormat::Other {
                tracing::warn!(
                    "the API token does not have the hookgrace form; this server does not \
                     list the auth extension, so it is sent as it is"
                );
                self.notify(
                    "The API token does not have the hookgrace form (hg_ and 64 hex digits); \
                     sending it anyway, because this server does not list the auth extension"
                        .to_owned(),
                );
            }
            return;
        }
        let problem = match format {
            TokenFormat::Missing => {
                "No API token is set, but this hookgrace server needs one, so no request that \
                 needs a token was sent."
            }
            _ => {
                "API token invalid: this hookgrace server accepts only tokens of the form hg_ \
                 and 64 hex digits, so the token was not sent, and no request that needs it."
            }
        };
        let message = format!("{problem} To fix it, {}.", self.token_fix());
        tracing::warn!(
            ?format,
            "the API token cannot work on this hookgrace server; not sending it"
        );
        self.stop_sending_token(message.clone(), false);
        self.show_poll_error(&message);
    }

    /// Stops automatic polling with `message`, and marks every view as not updated.
    fn stop_sending_token(&mut self, message: String, sent: bool) {
        self.poll.token_rejected = Some(TokenRejection { message, sent });
        self.poll.queued = false;
        let reason = if sent {
            "the server rejected the API token"
        } else {
            "the API token cannot work on this server"
        };
        self.active.fail_with(reason);
        self.deleted.fail_with(reason);
        self.queue.fail_with(reason);
        self.audit.fail_with(reason);
        if let Some(detail) = &mut self.detail {
            detail.webhook.fail_with(reason);
            detail.audit.fail_with(reason);
        }
    }

    /// Resumes polling after a request with the token succeeded.
    pub(super) fn accept_token(&mut self) {
        if self.poll.token_rejected.take().is_some() {
            tracing::info!("the server accepted the API token again; polling resumed");
            self.notify("The server accepted the API token again; polling resumed".to_owned());
        }
    }

    /// Returns how to replace the token, naming where it came from.
    fn token_fix(&self) -> String {
        let create = "an admin makes one with hookgrace token create";
        match &self.options.token_origin {
            TokenOrigin::Environment => {
                format!("set {TOKEN_ENV} to a valid token ({create}), then restart the dashboard")
            }
            TokenOrigin::File(path) => format!(
                "write a valid token to {} ({create}) or set {TOKEN_ENV}, then restart the \
                 dashboard",
                clean(&path.display().to_string())
            ),
            TokenOrigin::Missing { file: Some(path) } => format!(
                "set {TOKEN_ENV}, or write a token to {} with mode 600 ({create}), then \
                 restart the dashboard",
                clean(&path.display().to_string())
            ),
            TokenOrigin::Missing { file: None } => {
                format!("set {TOKEN_ENV} ({create}), then restart the dashboard")
            }
            TokenOrigin::Session => {
                "restart the dashboard, which makes a new token for its in-process server"
                    .to_owned()
            }
            TokenOrigin::Unknown => format!(
                "set {TOKEN_ENV}, or write the token to the file token in the hookgrace config \
                 directory ({create}), then restart the dashboard"
            ),
        }
    }

    /// Clears an error about writes blocked by the connection once writes are possible
    /// again, so that it does not outlive its cause.
    pub(super) fn clear_resolved_write_block(&mut self) {
        if self.write_block_error.is_none() {
            return;
        }
        if self.error != self.write_block_error {
            self.write_block_error = None;
            return;
        }
        if self.write_block_reason().is_none() {
            self.error = None;
            self.write_block_error = None;
        }
    }
}
