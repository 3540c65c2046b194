//! SIGINT and SIGTERM as commands see them. CI runners send SIGTERM on
//! cancel and people press Ctrl-C in a change window: both must stop cda
//! cleanly, not kill it between the two halves of a replace.
//!
//! Once [`Interrupts::listen`] has run, the process no longer dies on either
//! signal: the first asks the command to stop (an apply starts nothing new
//! and lets its calls in flight finish), the second to stop at once. The
//! level only goes up; commands watch it with [`Interrupts::stopped`] and
//! [`Interrupts::aborted`].

use crate::exit::Status;
use std::fmt;
use std::sync::Arc;
use tokio::sync::watch;

/// Which signal arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT (Ctrl-C): exit 130.
    Int,
    /// SIGTERM (a CI runner's cancel): exit 143.
    Term,
}

impl Signal {
    /// 128 + the signal's number, as shells report a process it ended.
    pub fn status(self) -> Status {
        Status::Interrupted(self)
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Signal::Int => "SIGINT",
            Signal::Term => "SIGTERM",
        })
    }
}

/// How far a run has been asked to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    #[default]
    Running,
    /// First signal: start nothing new, finish what is in flight.
    Stop(Signal),
    /// Second signal: stop at once. Carries the first signal (the exit
    /// status), then the second.
    Abort(Signal, Signal),
}

impl Level {
    /// The signal that decides the exit status: the first one.
    pub fn signal(self) -> Option<Signal> {
        match self {
            Level::Running => None,
            Level::Stop(s) | Level::Abort(s, _) => Some(s),
        }
    }

    fn escalate(self, signal: Signal) -> Level {
        match self {
            Level::Running => Level::Stop(signal),
            Level::Stop(first) => Level::Abort(first, signal),
            aborted @ Level::Abort(..) => aborted,
        }
    }
}

/// The interrupt level of this run, shared by every task that watches it.
#[derive(Clone)]
pub struct Interrupts {
    rx: watch::Receiver<Level>,
    /// Keeps the channel open for [`Interrupts::none`] and manual triggers,
    /// so waiting on it pends instead of failing.
    tx: Arc<watch::Sender<Level>>,
}

impl fmt::Debug for Interrupts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Interrupts({:?})", self.level())
    }
}

impl Default for Interrupts {
    fn default() -> Self {
        Interrupts::none()
    }
}

impl Interrupts {
    /// Never interrupted (until [`Interrupts::raise`] is called): for library
    /// callers and tests.
    pub fn none() -> Interrupts {
        let (tx, rx) = watch::channel(Level::Running);
        Interrupts {
            rx,
            tx: Arc::new(tx),
        }
    }

    /// Catch SIGINT and SIGTERM from now on. Must run inside the runtime.
    pub fn listen() -> std::io::Result<Interrupts> {
        use tokio::signal::unix::{signal, SignalKind};
        let mut int = signal(SignalKind::interrupt())?;
        let mut term = signal(SignalKind::terminate())?;
        let interrupts = Interrupts::none();
        let raiser = interrupts.clone();
        tokio::spawn(async move {
            loop {
                let signal = tokio::select! {
                    Some(()) = int.recv() => Signal::Int,
                    Some(()) = term.recv() => Signal::Term,
                    else => break,
                };
                raiser.raise(signal);
            }
        });
        Ok(interrupts)
    }

    /// As if `signal` had arrived.
    pub fn raise(&self, signal: Signal) {
        self.tx.send_modify(|level| *level = level.escalate(signal));
    }

    pub fn level(&self) -> Level {
        *self.rx.borrow()
    }

    /// A receiver that sees every later change of level.
    pub fn watch(&self) -> watch::Receiver<Level> {
        self.rx.clone()
    }

    /// Resolves with the first signal once one has arrived.
    pub async fn stopped(&self) -> Signal {
        self.wait_for(|l| l.signal()).await
    }

    /// Resolves with the second signal once it has arrived.
    pub async fn aborted(&self) -> Signal {
        self.wait_for(|l| match l {
            Level::Abort(_, second) => Some(second),
            _ => None,
        })
        .await
    }

    async fn wait_for(&self, pick: impl Fn(Level) -> Option<Signal>) -> Signal {
        let mut rx = self.rx.clone();
        loop {
            if let Some(signal) = pick(*rx.borrow_and_update()) {
                return signal;
            }
            if rx.changed().await.is_err() {
                // Cannot happen while `self` holds the sender; pend rather
                // than report a signal that never came.
                std::future::pending::<()>().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_only_goes_up_and_keeps_the_first_signal() {
        let i = Interrupts::none();
        assert_eq!(i.level(), Level::Running);
        i.raise(Signal::Term);
        assert_eq!(i.level(), Level::Stop(Signal::Term));
        i.raise(Signal::Int);
        assert_eq!(i.level(), Level::Abort(Signal::Term, Signal::Int));
        i.raise(Signal::Int);
        assert_eq!(i.level().signal(), Some(Signal::Term));
        assert_eq!(Signal::Int.status().code(), 130);
        assert_eq!(Signal::Term.status().code(), 143);
    }

    #[tokio::test]
    async fn waiters_see_signals_raised_before_and_after() {
        let i = Interrupts::none();
        let waiter = {
            let i = i.clone();
            tokio::spawn(async move { i.stopped().await })
        };
        tokio::task::yield_now().await;
        i.raise(Signal::Int);
        assert_eq!(waiter.await.ok(), Some(Signal::Int));
        // Already stopped: resolves at once.
        assert_eq!(i.stopped().await, Signal::Int);
        i.raise(Signal::Term);
        assert_eq!(i.aborted().await, Signal::Term);
    }
}
