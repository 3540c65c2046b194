//! The client's pace: calls leave evenly spaced, reads at a rate that
//! adapts to the server, writes never faster than the configured rate.
//!
//! The read rate follows the AWS SDKs' "adaptive" retry mode, itself TCP
//! CUBIC's congestion window turned into a rate:
//! - it starts at the configured rate and, while calls succeed, grows along
//!   `C·(t − K)³ + max`, where `max` is the rate of the last throttling
//!   answer (at first, the configured rate) and `K` the time the curve
//!   takes to climb back to it: fast far below the last limit, flat near
//!   it, then probing above it ever faster;
//! - a throttling answer cuts it to `β·rate` (multiplicative decrease), once
//!   per round ([`ROUND`]): the answers that follow within it are the same
//!   overload (calls already sent, the rest of the server's counting
//!   second), so they do not cut it again;
//! - it never exceeds twice the rate calls are actually sent at (idle time
//!   does not build up a rate the server never saw), nor `max_rate`
//!   (`--rate-limit-max`), nor falls under [`MIN_RATE`].
//!
//! A write takes the slot of `1/min(write_rate, rate)`: writes keep the
//! configured rate and yield to a backed-off one, and as reads and writes
//! share one schedule, together they never exceed the read rate.
//!
//! Pure: every method takes the time, so tests drive it without sleeping.

use std::time::{Duration, Instant};

/// CUBIC's scaling constant, in calls/s per s³, and the multiplicative
/// decrease on throttling. The AWS SDKs use 0.4 and 0.7; against a server
/// counting calls per one-second window (the emulator's `--qps`, the test
/// below) those probe so often that 2 % of calls are throttled, where 0.1
/// and 0.8 throttle 1.2 % at the same throughput (28.8 calls/s of 30).
const C: f64 = 0.1;
const BETA: f64 = 0.8;
/// After a cut, throttling answers for this long are the same overload
/// (servers count calls per second; answers to calls sent before the cut
/// arrive after it), so they do not cut again: TCP's one cut per round.
const ROUND: f64 = 1.0;
/// The lowest rate a run of throttling answers brings reads down to.
pub const MIN_RATE: f64 = 0.5;
/// How often the measured send rate is updated, and how much a new
/// measure weighs (AWS SDKs: every 0.5 s, 0.8).
const MEASURE_EVERY: f64 = 0.5;
const MEASURE_WEIGHT: f64 = 0.8;

/// The pace of one client.
#[derive(Debug, Clone)]
pub struct RateController {
    origin: Instant,
    /// Reads per second now.
    rate: f64,
    /// Writes per second at most (the configured rate).
    write_rate: f64,
    max_rate: f64,
    /// The rate at the last throttling answer, and when it came (seconds
    /// since `origin`); the curve grows from there.
    last_max: f64,
    last_cut: f64,
    /// When the next call may leave.
    next_slot: Instant,
    /// Calls sent since the last measure, the measure and its time.
    sent_since: u32,
    measured: Option<f64>,
    measured_at: f64,
    /// What `-v` reports.
    peak: f64,
    throttled: u64,
    calls: u64,
}

/// What the controller did over a run, for `-v`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateReport {
    /// The configured rate reads started at.
    pub start: f64,
    /// The read rate now, and the highest it reached.
    pub now: f64,
    pub peak: f64,
    pub max: f64,
    /// Calls paced, and how many of them were answered with throttling.
    pub calls: u64,
    pub throttled: u64,
}

impl RateController {
    /// Starts reads at `start` calls/s (writes stay at it), never above
    /// `max_rate` (raised to `start` if lower).
    pub fn new(start: f64, max_rate: f64, now: Instant) -> Self {
        let start = start.max(MIN_RATE);
        let max_rate = max_rate.max(start);
        RateController {
            origin: now,
            rate: start,
            write_rate: start,
            max_rate,
            last_max: start,
            // As if the curve had just climbed back to `start`: from now on
            // it probes above it.
            last_cut: -time_to_recover(start),
            next_slot: now,
            sent_since: 0,
            measured: None,
            measured_at: 0.0,
            peak: start,
            throttled: 0,
            calls: 0,
        }
    }

    fn seconds(&self, at: Instant) -> f64 {
        at.saturating_duration_since(self.origin).as_secs_f64()
    }

    /// The read rate now.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Takes the next slot for a call at `now`; the call leaves at the
    /// returned instant (`now` or later).
    pub fn reserve(&mut self, now: Instant, write: bool) -> Instant {
        self.measure(now);
        let rate = if write {
            self.write_rate.min(self.rate)
        } else {
            self.rate
        };
        let slot = self.next_slot.max(now);
        self.next_slot = slot + Duration::from_secs_f64(1.0 / rate);
        self.sent_since += 1;
        self.calls += 1;
        slot
    }

    /// A call answered without throttling at `now`: the rate grows along
    /// the curve.
    pub fn on_success(&mut self, now: Instant) {
        let t = self.seconds(now);
        let k = time_to_recover(self.last_max);
        let dt = t - self.last_cut - k;
        let mut rate = C * dt * dt * dt + self.last_max;
        if let Some(measured) = self.measured {
            rate = rate.min(2.0 * measured.max(self.write_rate));
        }
        // Never below the current rate on success: right after a cut the
        // curve starts under it (its floor is `β·last_max`, the cut rate).
        self.set_rate(rate.max(self.rate.min(self.last_max)));
    }

    /// A call sent at `sent` was answered with throttling at `now`: cut
    /// the rate, unless it was already cut after that call left or within
    /// the last round.
    pub fn on_throttle(&mut self, sent: Instant, now: Instant) {
        self.throttled += 1;
        let since_cut = self.seconds(now) - self.last_cut;
        if self.seconds(sent) < self.last_cut || since_cut < ROUND {
            return;
        }
        self.last_max = self.rate;
        self.last_cut = self.seconds(now);
        self.set_rate(self.rate * BETA);
        // The calls already scheduled keep their slots; the next one waits
        // a whole new interval after them.
    }

    fn set_rate(&mut self, rate: f64) {
        self.rate = rate.clamp(MIN_RATE, self.max_rate);
        self.peak = self.peak.max(self.rate);
    }

    fn measure(&mut self, now: Instant) {
        let t = self.seconds(now);
        let bucket = (t / MEASURE_EVERY).floor() * MEASURE_EVERY;
        if bucket <= self.measured_at {
            return;
        }
        let current = f64::from(self.sent_since) / (bucket - self.measured_at);
        self.measured = Some(match self.measured {
            Some(m) => current * MEASURE_WEIGHT + m * (1.0 - MEASURE_WEIGHT),
            None => current,
        });
        self.measured_at = bucket;
        self.sent_since = 0;
    }

    pub fn report(&self) -> RateReport {
        RateReport {
            start: self.write_rate,
            now: self.rate,
            peak: self.peak,
            max: self.max_rate,
            calls: self.calls,
            throttled: self.throttled,
        }
    }
}

/// CUBIC's `K`: seconds the curve takes from `β·max` back to `max`.
fn time_to_recover(max: f64) -> f64 {
    (max * (1.0 - BETA) / C).cbrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(origin: Instant, secs: f64) -> Instant {
        origin + Duration::from_secs_f64(secs)
    }

    /// Drives `ctl` with reads as fast as it lets them leave, against a
    /// server admitting `limit` calls per one-second window, for `secs`;
    /// returns (calls, throttled).
    fn drive(ctl: &mut RateController, origin: Instant, limit: u32, secs: f64) -> (u64, u64) {
        let (mut calls, mut throttled) = (0, 0);
        let (mut window, mut in_window) = (0u64, 0u32);
        let mut now = origin;
        while ctl.seconds(now) < secs {
            let slot = ctl.reserve(now, false);
            now = slot;
            let second = ctl.seconds(slot).floor() as u64;
            if second != window {
                window = second;
                in_window = 0;
            }
            in_window += 1;
            calls += 1;
            // 20 ms later the answer arrives.
            let answered = slot + Duration::from_millis(20);
            if in_window > limit {
                throttled += 1;
                ctl.on_throttle(slot, answered);
            } else {
                ctl.on_success(answered);
            }
        }
        (calls, throttled)
    }

    #[test]
    fn reads_start_at_the_configured_rate_evenly_spaced() {
        let origin = Instant::now();
        let mut ctl = RateController::new(10.0, 50.0, origin);
        let first = ctl.reserve(origin, false);
        let second = ctl.reserve(origin, false);
        assert_eq!(first, origin);
        assert_eq!(second - first, Duration::from_millis(100));
    }

    #[test]
    fn the_rate_grows_while_calls_succeed_up_to_the_maximum() {
        let origin = Instant::now();
        let mut ctl = RateController::new(10.0, 40.0, origin);
        let (calls, throttled) = drive(&mut ctl, origin, 1000, 30.0);
        assert_eq!(throttled, 0);
        assert_eq!(ctl.rate(), 40.0, "never above --rate-limit-max");
        // Faster than the fixed rate's 300 calls in 30 s.
        assert!(calls > 600, "{calls}");
        let r = ctl.report();
        assert_eq!((r.start, r.peak, r.max), (10.0, 40.0, 40.0));
    }

    #[test]
    fn throttling_cuts_the_rate_once_per_round() {
        let origin = Instant::now();
        let mut ctl = RateController::new(20.0, 100.0, origin);
        let sent: Vec<Instant> = (0..5).map(|_| ctl.reserve(origin, false)).collect();
        ctl.on_throttle(sent[0], at(origin, 0.3));
        assert!((ctl.rate() - 16.0).abs() < 1e-9, "{}", ctl.rate());
        // Calls sent before the cut: no second cut.
        for s in &sent[1..] {
            ctl.on_throttle(*s, at(origin, 0.35));
        }
        assert!((ctl.rate() - 16.0).abs() < 1e-9);
        // Nor a call sent after it, within the round.
        let later = ctl.reserve(at(origin, 0.4), false);
        ctl.on_throttle(later, at(origin, 0.5));
        assert!((ctl.rate() - 16.0).abs() < 1e-9);
        // A call sent after it, a round later: cut again.
        let later = ctl.reserve(at(origin, 1.4), false);
        ctl.on_throttle(later, at(origin, 1.5));
        assert!((ctl.rate() - 12.8).abs() < 1e-9);
        assert_eq!(ctl.report().throttled, 7);
    }

    #[test]
    fn after_a_cut_the_rate_climbs_back_to_the_last_limit_then_probes() {
        let origin = Instant::now();
        let mut ctl = RateController::new(30.0, 100.0, origin);
        let sent = ctl.reserve(origin, false);
        ctl.on_throttle(sent, origin);
        assert!((ctl.rate() - 24.0).abs() < 1e-9);
        let k = time_to_recover(30.0);
        ctl.on_success(at(origin, k / 2.0));
        let halfway = ctl.rate();
        assert!(halfway > 24.0 && halfway < 30.0, "{halfway}");
        ctl.on_success(at(origin, k));
        assert!((ctl.rate() - 30.0).abs() < 1e-6, "{}", ctl.rate());
        ctl.on_success(at(origin, k + 4.0));
        assert!(ctl.rate() > 35.0, "{}", ctl.rate());
    }

    #[test]
    fn against_a_limit_the_rate_settles_near_it_with_few_throttled() {
        let origin = Instant::now();
        let mut ctl = RateController::new(10.0, 100.0, origin);
        let (calls, throttled) = drive(&mut ctl, origin, 30, 200.0);
        // The limit allows 6,000 calls in 200 s: within 1.1× of it.
        assert!(calls as f64 > 6_000.0 / 1.1, "{calls}");
        assert!(
            (throttled as f64) < 0.02 * calls as f64,
            "{throttled} of {calls}"
        );
    }

    #[test]
    fn writes_keep_the_configured_rate_and_yield_to_a_cut() {
        let origin = Instant::now();
        let mut ctl = RateController::new(10.0, 100.0, origin);
        drive(&mut ctl, origin, 1000, 10.0);
        assert!(ctl.rate() > 20.0);
        let now = at(origin, 20.0);
        let a = ctl.reserve(now, true);
        let b = ctl.reserve(now, true);
        assert_eq!(b - a, Duration::from_millis(100));
        // Cut far below the configured rate: writes slow down too.
        for i in 0..25 {
            let s = ctl.reserve(at(origin, 21.0 + 1.5 * f64::from(i)), false);
            ctl.on_throttle(s, s);
        }
        assert!(ctl.rate() < 2.0, "{}", ctl.rate());
        let now = at(origin, 80.0);
        let a = ctl.reserve(now, true);
        let b = ctl.reserve(now, true);
        assert!(b - a > Duration::from_millis(500));
    }

    #[test]
    fn idle_time_does_not_build_up_a_rate() {
        let origin = Instant::now();
        let mut ctl = RateController::new(10.0, 100.0, origin);
        // Two calls a second for a minute: the curve would reach the
        // maximum, but the server never saw more than 2/s.
        for i in 0..120 {
            let s = ctl.reserve(at(origin, f64::from(i) * 0.5), false);
            ctl.on_success(s + Duration::from_millis(20));
        }
        assert!(ctl.rate() <= 20.0 + 1e-9, "{}", ctl.rate());
    }
}
