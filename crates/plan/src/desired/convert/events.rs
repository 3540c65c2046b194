//! The quickest reader: the YAML parser's events straight into one small
//! node tree per list item, without serde-saphyr's deserialiser on top
//! (which more than doubles the parse: every plain scalar is tried as a
//! boolean, an integer and a float, formatting an error for each miss).
//!
//! It builds the very nodes serde-saphyr would, for the YAML a desired-state
//! file is written in: block and flow collections, quoted and block
//! scalars, and plain scalars whose type is beyond doubt (`true`, a decimal
//! integer, text that no number can be). Anything else (anchors, aliases,
//! tags, merge keys, nulls, scalars that might be numbers, a second
//! document) is [`GiveUp::Unusual`], and the file is read by serde-saphyr
//! instead; a problem the readers find is [`GiveUp::Problem`], for the tree
//! path to report.

use super::Conv;
use crate::desired::diagnostics::Collector;
use crate::desired::fields::{item, KINDS, TOP_FIELDS};
use crate::desired::node::{Loc, Node, Value};
use crate::desired::MAX_DEPTH;
use crate::model::DesiredState;
use saphyr_parser::{Event, Parser, ScalarStyle, Span, StrInput};
use std::borrow::Cow;

/// Why the event reader stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GiveUp {
    /// YAML this reader does not type itself; serde-saphyr may.
    Unusual,
    /// Something is wrong with the file; the tree path reports it.
    Problem,
}

pub(crate) type Read<T> = Result<T, GiveUp>;

/// Reads one model item from its node (`Conv::line`, ...).
type ItemReader<'t, T> = fn(&mut Conv<'t>, &Node, &str) -> Option<T>;

struct Events<'i> {
    parser: Parser<'i, StrInput<'i>>,
}

impl<'i> Events<'i> {
    fn next(&mut self) -> Read<(Event<'i>, Span)> {
        match self.parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            _ => Err(GiveUp::Problem),
        }
    }

    fn expect(&mut self, want: fn(&Event<'i>) -> bool) -> Read<()> {
        let (ev, _) = self.next()?;
        if want(&ev) {
            Ok(())
        } else {
            Err(GiveUp::Unusual)
        }
    }

    /// The node that starts with `ev`, read to its end.
    fn node(&mut self, ev: Event<'i>, span: Span, depth: usize) -> Read<Node> {
        if depth > MAX_DEPTH {
            return Err(GiveUp::Unusual);
        }
        let value = match ev {
            Event::Scalar(v, style, 0, None) => scalar(v, style, span)?,
            // Sized for one object's fields and a short list; not trimmed
            // after, as the tree lives for one list item only.
            Event::SequenceStart(0, None) => {
                let mut items = Vec::with_capacity(4);
                loop {
                    match self.next()? {
                        (Event::SequenceEnd, _) => break,
                        (ev, span) => items.push(self.node(ev, span, depth + 1)?),
                    }
                }
                Value::Seq(items)
            }
            Event::MappingStart(0, None) => {
                let mut pairs = Vec::with_capacity(8);
                loop {
                    let key = match self.next()? {
                        (Event::MappingEnd, _) => break,
                        (ev, span) => self.node(ev, span, depth + 1)?,
                    };
                    if matches!(&key.value, Value::Str(k) if k == "<<") {
                        return Err(GiveUp::Unusual);
                    }
                    let (ev, span) = self.next()?;
                    pairs.push((key, self.node(ev, span, depth + 1)?));
                }
                Value::Map(pairs)
            }
            _ => return Err(GiveUp::Unusual),
        };
        let loc = loc(&span);
        Ok(Node {
            value,
            loc,
            def: loc,
        })
    }
}

/// Where serde-saphyr says a node is (its `location_from_span`), so that
/// reading a number's source text (`name: 2024`) finds the same text.
fn loc(span: &Span) -> Loc {
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    Loc {
        line: n(span.start.line()),
        col: n(span.start.col() + 1),
        offset: n(span.start.index()),
        len: n(span.len()),
    }
}

/// A scalar's value as serde-saphyr's `deserialize_any` gives it, when
/// that is beyond doubt.
fn scalar(v: Cow<'_, str>, style: ScalarStyle, span: Span) -> Read<Value> {
    match style {
        ScalarStyle::Plain => plain(v),
        // serde-saphyr refuses a folded scalar whose content is not indented.
        ScalarStyle::Folded if span.start.col() == 0 && !v.trim().is_empty() => {
            Err(GiveUp::Unusual)
        }
        _ => Ok(Value::Str(v.into_owned())),
    }
}

/// A plain scalar: `true`/`false`, a decimal integer, or text that cannot
/// be a null, a boolean or a number (serde-saphyr tries those in turn).
fn plain(v: Cow<'_, str>) -> Read<Value> {
    let s: &str = &v;
    let b = s.as_bytes();
    match s {
        "true" => return Ok(Value::Bool(true)),
        "false" => return Ok(Value::Bool(false)),
        _ => {}
    }
    let first = b.first().copied().unwrap_or(b' ');
    if first.is_ascii_alphabetic() {
        let special = ["true", "false", "null", "inf", "infinity", "nan"];
        return if special.iter().any(|w| w.eq_ignore_ascii_case(s)) {
            Err(GiveUp::Unusual)
        } else {
            Ok(Value::Str(v.into_owned()))
        };
    }
    if !first.is_ascii_digit() {
        return Err(GiveUp::Unusual);
    }
    // A decimal integer without a leading zero, well inside u64.
    if b.len() <= 18 && b.iter().all(u8::is_ascii_digit) && (first != b'0' || b.len() == 1) {
        return s
            .parse::<i128>()
            .map(Value::Int)
            .map_err(|_| GiveUp::Unusual);
    }
    // Integers are digits, `_`, a radix prefix and hex digits; floats are
    // digits, one `.`, an exponent and signs. Any other byte, or a second
    // `.`, makes text (`10.0.0.1/30`, `192.168.0.1`, `10G`).
    let number_byte = |c: &u8| c.is_ascii_hexdigit() || b"._+-xXoO".contains(c);
    let dots = b.iter().filter(|c| **c == b'.').count();
    if dots >= 2 || !b.iter().all(number_byte) {
        Ok(Value::Str(v.into_owned()))
    } else {
        Err(GiveUp::Unusual)
    }
}

impl<'t> Conv<'t> {
    /// The desired state of `text` read from the parser's events; see the
    /// module's documentation for when it gives up.
    pub(crate) fn from_events(file: &'t str, text: &'t str) -> Read<(Self, DesiredState)> {
        let mut cv = Conv::streaming(Collector::new(file, text));
        let mut ev = Events {
            parser: Parser::new_from_str(text),
        };
        ev.expect(|e| matches!(e, Event::StreamStart))?;
        ev.expect(|e| matches!(e, Event::DocumentStart(_)))?;
        ev.expect(|e| matches!(e, Event::MappingStart(0, None)))?;
        let state = cv.top_level(&mut ev)?;
        ev.expect(|e| matches!(e, Event::DocumentEnd))?;
        ev.expect(|e| matches!(e, Event::StreamEnd))?;
        if cv.c.has_errors() {
            return Err(GiveUp::Problem);
        }
        Ok((cv, state))
    }

    fn top_level(&mut self, ev: &mut Events<'_>) -> Read<DesiredState> {
        let mut seen = [false; TOP_FIELDS.len()];
        let (mut region, mut account, mut prune) = (None, None, None);
        let (mut physical_lines, mut gateways) = (Vec::new(), Vec::new());
        loop {
            let key = match ev.next()? {
                (Event::MappingEnd, _) => break,
                (Event::Scalar(key, ScalarStyle::Plain, 0, None), _) => key,
                _ => return Err(GiveUp::Unusual),
            };
            let Some(i) = TOP_FIELDS.iter().position(|f| *f == key) else {
                return Err(GiveUp::Unusual);
            };
            if std::mem::replace(&mut seen[i], true) {
                return Err(GiveUp::Problem);
            }
            match TOP_FIELDS[i] {
                "physical_lines" => {
                    physical_lines = self.items(ev, "physical_lines", Conv::line)?
                }
                "gateways" => gateways = self.items(ev, "gateways", Conv::gateway)?,
                field => {
                    let (e, span) = ev.next()?;
                    let node = ev.node(e, span, 2)?;
                    match field {
                        "region" => region = Some(node),
                        "account" => account = Some(node),
                        _ => prune = Some(node),
                    }
                }
            }
        }
        let region = region.ok_or(GiveUp::Problem)?;
        let region = self.nonempty_string(&region, "region");
        let account = account.and_then(|n| self.nonempty_string(&n, "account"));
        let prune = self.list(prune.as_ref(), "prune", |cv, n, p| cv.choice(n, p, KINDS));
        match region {
            Some(region) if !self.c.has_errors() => Ok(DesiredState {
                region,
                account,
                prune,
                physical_lines,
                gateways,
            }),
            _ => Err(GiveUp::Problem),
        }
    }

    /// A list of lines or gateways, each item converted and dropped before
    /// the next is parsed.
    fn items<T>(
        &mut self,
        ev: &mut Events<'_>,
        list: &str,
        read: ItemReader<'t, T>,
    ) -> Read<Vec<T>> {
        if !matches!(ev.next()?, (Event::SequenceStart(0, None), _)) {
            return Err(GiveUp::Unusual);
        }
        let mut out = Vec::new();
        loop {
            let node = match ev.next()? {
                (Event::SequenceEnd, _) => break,
                (e, span) => ev.node(e, span, 3)?,
            };
            match read(self, &node, &item(list, out.len())) {
                Some(v) if !self.c.has_errors() => out.push(v),
                _ => return Err(GiveUp::Problem),
            }
        }
        out.shrink_to_fit();
        Ok(out)
    }
}
