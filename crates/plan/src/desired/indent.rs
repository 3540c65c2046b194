//! A key indented less than its object's other fields (`name:` at column 5
//! between fields at column 9) ends the object early, and the YAML parser
//! stumbles only on the next line. Finds that key, so the problem points at
//! the line that is wrong rather than at the one after it.

/// A line whose key starts left of both its neighbours.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Dedented<'t> {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column of the key.
    pub col: usize,
    /// Byte offset of the key in the text.
    pub offset: usize,
    pub key: &'t str,
    /// 1-based column the neighbouring keys start at.
    pub expected_col: usize,
}

/// One line's key, after its indentation and any `- ` list markers.
struct KeyLine<'t> {
    /// 0-based column of the key.
    col: usize,
    key: &'t str,
    /// Something follows the colon on this line, so it cannot open a block
    /// that the next, deeper line would continue.
    has_value: bool,
}

fn key_line(line: &str) -> Option<KeyLine<'_>> {
    let mut rest = line.trim_start_matches(' ');
    while let Some(after) = rest.strip_prefix("- ") {
        rest = after.trim_start_matches(' ');
    }
    let col = line.len() - rest.len();
    let (key, value) = rest.split_once(':')?;
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'));
    if !plain || !(value.is_empty() || value.starts_with(' ')) {
        return None;
    }
    let value = value.split(" #").next().unwrap_or("").trim();
    Some(KeyLine {
        col,
        key,
        has_value: !value.is_empty(),
    })
}

fn is_content(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#')
}

/// For a syntax error on `error_line` (1-based): the line before it when
/// that one is a `key: value` whose key starts left of the keys on the lines
/// either side, which themselves line up. A line indented too far (the
/// error line itself is the odd one) is not matched.
pub(crate) fn dedented_before(text: &str, error_line: usize) -> Option<Dedented<'_>> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let lines: Vec<&str> = text.lines().collect();
    let here = key_line(lines.get(error_line.checked_sub(1)?)?)?;
    let mut before = (0..error_line - 1)
        .rev()
        .filter(|&i| lines.get(i).is_some_and(|l| is_content(l)));
    let wrong = before.next()?;
    let above = before.next()?;
    let suspect = key_line(lines[wrong])?;
    let previous = key_line(lines[above])?;
    if !(suspect.has_value && suspect.col < here.col && previous.col == here.col) {
        return None;
    }
    Some(Dedented {
        line: wrong + 1,
        col: suspect.col + 1,
        offset: starts.get(wrong)? + suspect.col,
        key: suspect.key,
        expected_col: here.col + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const VPC: &str = "gateways:\n  - name: gw\n    vpcs:\n      - id: vpc-a\n";

    #[test]
    fn a_key_left_of_both_neighbours_is_found() {
        let text = format!("{VPC}    name: prod\n        bandwidth: 1000\n");
        let found = dedented_before(&text, 6).unwrap();
        assert_eq!(
            found,
            Dedented {
                line: 5,
                col: 5,
                offset: VPC.len() + 4,
                key: "name",
                expected_col: 9,
            }
        );
    }

    #[test]
    fn comments_and_blank_lines_between_are_skipped() {
        let text = format!("{VPC}\n    # why\n    name: prod\n\n        bandwidth: 1000\n");
        assert_eq!(dedented_before(&text, 9).map(|d| d.line), Some(7));
    }

    #[test]
    fn an_over_indented_line_is_not_blamed_on_the_one_before() {
        let text = format!("{VPC}        name: prod\n            bandwidth: 1000\n");
        assert_eq!(dedented_before(&text, 6), None);
    }

    #[test]
    fn a_key_that_opens_a_block_is_not_suspect() {
        let text = format!("{VPC}    subnets:\n        - 10.0.0.0/24\n");
        assert_eq!(dedented_before(&text, 6), None);
        assert_eq!(dedented_before("a: 1\n", 1), None);
        assert_eq!(dedented_before("", 3), None);
    }
}
