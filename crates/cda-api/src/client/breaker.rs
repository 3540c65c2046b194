//! Giving up on a server that does not answer. Retrying each read on its
//! own makes a dead endpoint cost every call's full attempts (six 30-second
//! attempts of the first call took 189 s before this existed). Instead one
//! breaker per client counts calls on the wire that got no answer at all
//! (timed out, or could not connect) in a row, across every read; any
//! answer, even an error, resets the count. At
//! [`ClientConfig::unanswered_limit`] the breaker opens: the read that
//! tripped it and every later read fail at once with
//! [`Error::NotAnswering`], without another attempt. It stays open for the
//! client's life (one command).
//!
//! A dropped connection (the server accepted, then closed) is an answer of
//! sorts: the server is there. Only timeouts and connect failures count, so
//! injected 5xx, throttling and drops never open it.

use super::ClientConfig;
use crate::error::Error;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
struct Opened {
    calls: u32,
    elapsed: Duration,
    connect_only: bool,
    connect_error: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    /// Unanswered calls in a row, and how many of them could not connect.
    streak: u32,
    connect_failures: u32,
    /// When the first of the streak was sent.
    since: Option<Instant>,
    /// The last connect failure's text.
    connect_error: Option<String>,
    /// Set once the breaker opens: what the error reports.
    open: Option<Opened>,
}

#[derive(Debug)]
pub(super) struct Breaker {
    url: String,
    limit: u32,
    state: Mutex<State>,
}

impl Breaker {
    pub(super) fn new(url: &str, config: &ClientConfig) -> Breaker {
        Breaker {
            url: url.to_owned(),
            limit: config.unanswered_limit.max(1),
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding it leaves plain counters: usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn error(&self, open: &Opened) -> Error {
        Error::NotAnswering {
            url: self.url.clone(),
            calls: open.calls,
            elapsed: open.elapsed,
            connect_only: open.connect_only,
            connect_error: open.connect_error.clone(),
        }
    }

    /// The error to fail with without calling, once the breaker is open.
    pub(super) fn check(&self) -> Result<(), Error> {
        match &self.lock().open {
            Some(open) => Err(self.error(open)),
            None => Ok(()),
        }
    }

    /// Records the outcome of one call on the wire sent at `sent`. Returns
    /// the error to give up with when this outcome opens the breaker (or
    /// found it open), else the outcome as it was.
    pub(super) fn record<T>(&self, sent: Instant, outcome: Result<T, Error>) -> Result<T, Error> {
        let mut state = self.lock();
        if let Some(open) = &state.open {
            return match outcome {
                Ok(v) => Ok(v),
                Err(_) => Err(self.error(open)),
            };
        }
        match &outcome {
            Err(e) if e.is_unanswered() => {
                state.streak += 1;
                if let Error::Transport {
                    connect: true,
                    message,
                    ..
                } = e
                {
                    state.connect_failures += 1;
                    state.connect_error = Some(message.clone());
                }
                let since = *state.since.get_or_insert(sent);
                if state.streak >= self.limit {
                    let open = Opened {
                        calls: state.streak,
                        elapsed: since.elapsed(),
                        connect_only: state.connect_failures == state.streak,
                        connect_error: state.connect_error.clone(),
                    };
                    let e = self.error(&open);
                    state.open = Some(open);
                    return Err(e);
                }
            }
            _ => {
                state.streak = 0;
                state.connect_failures = 0;
                state.connect_error = None;
                state.since = None;
            }
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credentials;

    fn breaker(limit: u32) -> Breaker {
        let mut config = ClientConfig::new(Credentials::new("ak", "sk"));
        config.unanswered_limit = limit;
        Breaker::new("https://h", &config)
    }

    fn timeout() -> Result<(), Error> {
        Err(Error::Timeout {
            endpoint: "gateway_list",
            request_id: "r".into(),
        })
    }

    fn answered() -> Result<(), Error> {
        Err(Error::HttpStatus {
            status: 503,
            code: None,
            message: None,
            endpoint: "gateway_list",
            request_id: "r".into(),
        })
    }

    #[test]
    fn opens_after_the_limit_in_a_row_and_stays_open() {
        let b = breaker(3);
        let now = Instant::now();
        assert!(b.record(now, timeout()).is_err_and(|e| e.is_unanswered()));
        assert!(b.record(now, timeout()).is_err_and(|e| e.is_unanswered()));
        let e = b.record(now, timeout()).unwrap_err();
        assert!(
            matches!(
                e,
                Error::NotAnswering {
                    calls: 3,
                    connect_only: false,
                    ..
                }
            ),
            "{e}"
        );
        assert!(
            e.to_string()
                .starts_with("the CDA API at https://h is not answering (3 calls timed out in "),
            "{e}"
        );
        assert!(b.check().is_err());
        assert!(b.record(now, answered()).is_err_and(|e| !e.is_transient()));
    }

    #[test]
    fn any_answer_resets_the_streak() {
        let b = breaker(3);
        let now = Instant::now();
        for _ in 0..5 {
            let _ = b.record(now, timeout());
            let _ = b.record(now, timeout());
            assert!(b.record(now, answered()).is_err_and(|e| e.is_transient()));
        }
        assert!(b.check().is_ok());
    }

    #[test]
    fn connect_failures_say_why() {
        let b = breaker(2);
        let refused = || -> Result<(), Error> {
            Err(Error::Transport {
                endpoint: "gateway_list",
                request_id: "r".into(),
                connect: true,
                message: "invalid peer certificate: UnknownIssuer".into(),
            })
        };
        let _ = b.record(Instant::now(), refused());
        let e = b.record(Instant::now(), refused()).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("2 calls could not connect in "), "{text}");
        assert!(
            text.ends_with("(last connection error: invalid peer certificate: UnknownIssuer)"),
            "{text}"
        );
    }
}
