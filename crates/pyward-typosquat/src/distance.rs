//! Edit distance between two short names, bounded so that far-apart pairs
//! cost a couple of rows, and the shape of a single edit.

/// The optimal-string-alignment distance (Levenshtein plus adjacent
/// transpositions) between `a` and `b`, or `None` when it exceeds `max`.
pub(crate) fn osa_within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    if a == b {
        return Some(0);
    }
    let width = b.len() + 1;
    // Three rows: the one before the previous is needed for transpositions.
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(before[j - 2] + 1);
            }
            current[j] = value;
            row_min = row_min.min(value);
        }
        // Every later cell is at least the smallest value of this row.
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= max).then_some(distance)
}

/// What one edit turned the popular name into the look-alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SingleEdit {
    /// The look-alike has `ch` at `at` that the popular name lacks.
    Insert { at: usize, ch: char },
    /// The look-alike lacks the popular name's `ch` at `at`.
    Delete { at: usize, ch: char },
    /// The look-alike has `to` where the popular name has `from`.
    Substitute { at: usize, from: char, to: char },
    /// The characters at `at` and `at + 1` are swapped.
    Transpose { at: usize },
}

/// The single edit from `popular` to `candidate`, if they are one edit apart.
pub(crate) fn single_edit(candidate: &[char], popular: &[char]) -> Option<SingleEdit> {
    let common = candidate
        .iter()
        .zip(popular)
        .take_while(|(a, b)| a == b)
        .count();
    let at = common;
    match candidate.len() as isize - popular.len() as isize {
        0 => {
            if at == candidate.len() {
                return None;
            }
            if candidate[at + 1..] == popular[at + 1..] {
                return Some(SingleEdit::Substitute {
                    at,
                    from: popular[at],
                    to: candidate[at],
                });
            }
            let swapped = at + 1 < candidate.len()
                && candidate[at] == popular[at + 1]
                && candidate[at + 1] == popular[at]
                && candidate[at + 2..] == popular[at + 2..];
            swapped.then_some(SingleEdit::Transpose { at })
        }
        1 => (candidate[at + 1..] == popular[at..]).then(|| SingleEdit::Insert {
            at,
            ch: candidate[at],
        }),
        -1 => (candidate[at..] == popular[at + 1..]).then(|| SingleEdit::Delete {
            at,
            ch: popular[at],
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn osa(a: &str, b: &str, max: usize) -> Option<usize> {
        osa_within(&chars(a), &chars(b), max)
    }

    #[test]
    fn distances() {
        assert_eq!(osa("requests", "requests", 2), Some(0));
        assert_eq!(osa("reqeusts", "requests", 2), Some(1));
        assert_eq!(osa("reqests", "requests", 2), Some(1));
        assert_eq!(osa("reqest", "requests", 2), Some(2));
        assert_eq!(osa("reqest", "requests", 1), None);
        assert_eq!(osa("flask", "django", 2), None);
        assert_eq!(osa("", "ab", 2), Some(2));
        assert_eq!(osa("abc", "", 2), None);
    }

    #[test]
    fn single_edits() {
        let edit = |c: &str, p: &str| single_edit(&chars(c), &chars(p));
        assert_eq!(
            edit("fflask", "flask"),
            Some(SingleEdit::Insert { at: 1, ch: 'f' })
        );
        assert_eq!(
            edit("pckaging", "packaging"),
            Some(SingleEdit::Delete { at: 1, ch: 'a' })
        );
        assert_eq!(
            edit("numoy", "numpy"),
            Some(SingleEdit::Substitute {
                at: 3,
                from: 'p',
                to: 'o'
            })
        );
        assert_eq!(
            edit("reqeusts", "requests"),
            Some(SingleEdit::Transpose { at: 3 })
        );
        assert_eq!(
            edit("requestss", "requests"),
            Some(SingleEdit::Insert { at: 8, ch: 's' })
        );
        assert_eq!(edit("reqest", "requests"), None);
        assert_eq!(edit("same", "same"), None);
    }
}
