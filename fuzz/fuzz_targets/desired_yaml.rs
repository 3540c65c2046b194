//! Arbitrary bytes → the desired-state loader (`plan::desired::parse`).
//!
//! Invariants beyond "does not panic, does not hang, does not exhaust
//! memory": a refused file always has at least one diagnostic, and every
//! diagnostic names a 1-based line and column inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `load` refuses non-UTF-8 before parsing; the parser sees only text.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(diagnostics) = plan::desired::parse("fuzz.yaml", text) {
        // An upper bound on lines, whatever a parser counts as a break.
        let lines = text
            .split(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
            .count();
        let mut n = 0;
        for p in diagnostics.problems() {
            n += 1;
            assert!(p.line >= 1 && p.column >= 1, "{p:?}");
            // A diagnostic may point just past the last line (EOF).
            assert!(p.line <= lines + 1, "line {} of {lines}: {p:?}", p.line);
        }
        assert!(n > 0, "refused without a diagnostic");
    }
});
