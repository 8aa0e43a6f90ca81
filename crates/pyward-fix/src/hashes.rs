//! A requirements-file requirement moved to a new version loses its
//! `--hash` options (they are the digests of the old version's files, and
//! pip would refuse the new ones). Everything else on its logical line is
//! kept: other options, the comment, the line continuations that still
//! join something, each physical line's indentation and line ending.

use std::ops::Range;

use pyward_model::Span;

/// The rewrite of one logical line: the bytes it replaces in the file and
/// what goes there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineRewrite {
    pub range: Range<usize>,
    pub text: String,
    /// How many `--hash` options went.
    pub removed: usize,
}

/// One physical line of the logical line.
struct Piece {
    /// Its content, without the line ending (and without the `\` when it
    /// continues).
    body: Range<usize>,
    /// It ends with `\`: the next physical line continues it.
    continued: bool,
    /// Where the next physical line starts.
    next: usize,
}

/// The logical line holding `requirement` (a requirement's span), with
/// `version` (its version's span, inside it) replaced by `new_version` and
/// its `--hash` options removed. `None` when the spans do not sit in one
/// logical line as expected, or a `--hash` overlaps the requirement.
pub(crate) fn rewrite_without_hashes(
    text: &str,
    requirement: Span,
    version: Span,
    new_version: &str,
) -> Option<LineRewrite> {
    if requirement.end > text.len()
        || version.start < requirement.start
        || version.end > requirement.end
    {
        return None;
    }
    let pieces = logical_line(text, requirement.start)?;
    let last = pieces.last()?;
    if requirement.end > last.body.end + usize::from(last.continued) {
        return None;
    }
    // The words before the comment, and whether each goes.
    let mut words: Vec<Range<usize>> = Vec::new();
    let mut comment_from: Option<usize> = None;
    'pieces: for piece in &pieces {
        let body = &text[piece.body.clone()];
        let mut previous_is_space = true;
        let mut word_start: Option<usize> = None;
        for (offset, c) in body.char_indices() {
            let at = piece.body.start + offset;
            if c == '#' && previous_is_space {
                if let Some(start) = word_start.take() {
                    words.push(start..at);
                }
                comment_from = Some(at);
                break 'pieces;
            }
            if c.is_whitespace() {
                if let Some(start) = word_start.take() {
                    words.push(start..at);
                }
            } else if word_start.is_none() {
                word_start = Some(at);
            }
            previous_is_space = c.is_whitespace();
        }
        if let Some(start) = word_start {
            words.push(start..piece.body.end);
        }
    }
    let mut removed_words: Vec<Range<usize>> = Vec::new();
    let mut removed = 0;
    let mut index = 0;
    while index < words.len() {
        let word = &text[words[index].clone()];
        if word == "--hash" {
            removed += 1;
            removed_words.push(words[index].clone());
            if let Some(value) = words.get(index + 1) {
                removed_words.push(value.clone());
            }
            index += 2;
            continue;
        }
        if word.starts_with("--hash=") {
            removed += 1;
            removed_words.push(words[index].clone());
        }
        index += 1;
    }
    if removed_words
        .iter()
        .any(|w| w.start < requirement.end && requirement.start < w.end)
    {
        return None;
    }
    let comment_from = comment_from.unwrap_or(usize::MAX);
    // Each piece's new body.
    let mut bodies: Vec<(String, bool)> = Vec::with_capacity(pieces.len());
    for piece in &pieces {
        let mut cuts: Vec<Range<usize>> = Vec::new();
        for word in removed_words
            .iter()
            .filter(|w| piece.body.start <= w.start && w.end <= piece.body.end)
        {
            let before = &text[piece.body.start..word.start];
            let gap = before.len() - before.trim_end().len();
            let cut = if before.trim().is_empty() {
                // The first word of the line: keep its indentation, take
                // the space after it.
                let after = &text[word.end..piece.body.end];
                let gap_after = after.len() - after.trim_start().len();
                word.start..word.end + gap_after
            } else {
                word.start - gap..word.end
            };
            cuts.push(cut);
        }
        if piece.body.start <= version.start && version.end <= piece.body.end {
            cuts.push(version.start..version.end);
        }
        cuts.sort_by_key(|c| c.start);
        let mut body = String::new();
        let mut at = piece.body.start;
        for cut in &cuts {
            if cut.start < at {
                return None;
            }
            body.push_str(&text[at..cut.start]);
            if cut.start == version.start && cut.end == version.end {
                body.push_str(new_version);
            }
            at = cut.end;
        }
        body.push_str(&text[at..piece.body.end]);
        let holds_comment = comment_from <= piece.body.end;
        let blank = body.trim().is_empty() && !holds_comment;
        bodies.push((body, blank));
    }
    // The version may sit across a continuation (`django==3.0.\` ...):
    // then it was not replaced above, and the line is left alone.
    let replaced = pieces
        .iter()
        .any(|p| p.body.start <= version.start && version.end <= p.body.end);
    if !replaced {
        return None;
    }
    let kept: Vec<usize> = (0..pieces.len())
        .filter(|&i| i == 0 || !bodies[i].1)
        .collect();
    let mut out = String::new();
    for (position, &i) in kept.iter().enumerate() {
        let piece = &pieces[i];
        let body = &bodies[i].0;
        match kept.get(position + 1) {
            Some(_) => {
                out.push_str(body);
                // The `\` and the line ending, as written.
                out.push_str(&text[piece.body.end..piece.next]);
            }
            None if i + 1 < pieces.len() => {
                // What followed was dropped: so goes the `\` (and the
                // space before it).
                out.push_str(body.trim_end());
            }
            None => out.push_str(body),
        }
    }
    let range = pieces[0].body.start..last.body.end + usize::from(last.continued);
    Some(LineRewrite {
        range,
        text: out,
        removed,
    })
}

/// The physical lines of the logical line holding byte `at`, as pip joins
/// them: a line ending in `\` continues on the next, unless it is a
/// comment line.
fn logical_line(text: &str, at: usize) -> Option<Vec<Piece>> {
    let line_start = |position: usize| text[..position].rfind('\n').map_or(0, |i| i + 1);
    let physical = |start: usize| -> (Range<usize>, usize) {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let next = if end < text.len() { end + 1 } else { end };
        let content_end = if text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        (start..content_end, next)
    };
    let continues =
        |content: &str| content.ends_with('\\') && !content.trim_start().starts_with('#');
    // Back to the first physical line of the logical line.
    let mut start = line_start(at);
    while start > 0 {
        let previous = line_start(start - 1);
        let (content, _) = physical(previous);
        if continues(&text[content]) {
            start = previous;
        } else {
            break;
        }
    }
    let mut pieces = Vec::new();
    let mut position = start;
    loop {
        let (content, next) = physical(position);
        let continued = continues(&text[content.clone()]);
        let body = if continued {
            content.start..content.end - 1
        } else {
            content
        };
        pieces.push(Piece {
            body,
            continued,
            next,
        });
        if !continued || next >= text.len() || next == position {
            break;
        }
        position = next;
    }
    Some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rewrites the first requirement of `text` (its name up to the end of
    /// its version, found by hand) to `3.2.25`.
    fn rewrite(text: &str, requirement: &str, version: &str) -> (String, usize) {
        let start = text.find(requirement).unwrap();
        let span = Span::new(start, start + requirement.len());
        let v = start + requirement.rfind(version).unwrap();
        let version_span = Span::new(v, v + version.len());
        let r = rewrite_without_hashes(text, span, version_span, "3.2.25").expect("rewritable");
        let mut out = text.to_string();
        out.replace_range(r.range, &r.text);
        (out, r.removed)
    }

    #[test]
    fn pip_compile_hash_lines_go_and_the_via_comment_stays() {
        let text = "asgiref==3.8.1 \\\n    --hash=sha256:aa\n    # via django\n\
                    django==3.0.1 \\\n    --hash=sha256:bb \\\n    --hash=sha256:cc\n    # via -r requirements.in\n\
                    sqlparse==0.5.0 \\\n    --hash=sha256:dd\n";
        let (out, removed) = rewrite(text, "django==3.0.1", "3.0.1");
        assert_eq!(removed, 2);
        assert_eq!(
            out,
            "asgiref==3.8.1 \\\n    --hash=sha256:aa\n    # via django\n\
             django==3.2.25\n    # via -r requirements.in\n\
             sqlparse==0.5.0 \\\n    --hash=sha256:dd\n"
        );
    }

    #[test]
    fn hashes_on_the_requirement_line_go_with_their_spaces_and_the_comment_stays() {
        let (out, removed) = rewrite(
            "django==3.0.1 --hash=sha256:aa --hash sha256:bb  # pinned for the admin\n",
            "django==3.0.1",
            "3.0.1",
        );
        assert_eq!(removed, 2);
        assert_eq!(out, "django==3.2.25  # pinned for the admin\n");
    }

    #[test]
    fn crlf_endings_and_other_options_are_kept() {
        let (out, _) = rewrite(
            "django==3.0.1 \\\r\n    --hash=sha256:aa \\\r\n    --config-settings x=y\r\nflask==2.0\r\n",
            "django==3.0.1",
            "3.0.1",
        );
        assert_eq!(
            out,
            "django==3.2.25 \\\r\n    --config-settings x=y\r\nflask==2.0\r\n"
        );
        let (out, _) = rewrite(
            "django==3.0.1 \\\r\n    --hash=sha256:aa\r\n",
            "django==3.0.1",
            "3.0.1",
        );
        assert_eq!(out, "django==3.2.25\r\n");
    }

    #[test]
    fn a_requirement_split_over_lines_keeps_its_continuation() {
        let text = "django\\\n==3.0.1 --hash=sha256:aa\n";
        let span = Span::new(0, "django\\\n==3.0.1".len());
        let v = text.find("3.0.1").unwrap();
        let r = rewrite_without_hashes(text, span, Span::new(v, v + 5), "3.2.25").unwrap();
        let mut out = text.to_string();
        out.replace_range(r.range, &r.text);
        assert_eq!(out, "django\\\n==3.2.25\n");
    }

    #[test]
    fn a_hash_line_holding_a_comment_keeps_the_comment() {
        let (out, _) = rewrite(
            "django==3.0.1 \\\n    --hash=sha256:aa  # the admin needs it\nflask==2.0\n",
            "django==3.0.1",
            "3.0.1",
        );
        assert_eq!(
            out,
            "django==3.0.1 \\\n    # the admin needs it\nflask==2.0\n".replace("3.0.1", "3.2.25")
        );
    }

    #[test]
    fn last_line_of_the_file_without_a_newline() {
        let (out, _) = rewrite(
            "django==3.0.1 \\\n    --hash=sha256:aa",
            "django==3.0.1",
            "3.0.1",
        );
        assert_eq!(out, "django==3.2.25");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Lines a requirements file is made of, hash options and
    /// continuations among them, and some junk.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("django==3.0.1 \\".to_string()),
            Just("    --hash=sha256:aa \\".to_string()),
            Just("    --hash sha256:bb".to_string()),
            Just("    # via -r requirements.in".to_string()),
            Just("flask==2.0 --hash=sha256:cc  # pinned".to_string()),
            Just("\\".to_string()),
            Just("".to_string()),
            "[ -~\\\\#\r]{0,30}",
        ]
    }

    proptest! {
        /// Whatever the text and spans: no panic, and when a rewrite comes
        /// back, every byte outside its range is the text's own and its
        /// range lies on char boundaries inside the text.
        #[test]
        fn never_panics_and_leaves_other_lines_alone(
            lines in proptest::collection::vec(line(), 1..8),
            ending in prop_oneof![Just("\n"), Just("\r\n")],
            start in 0usize..200,
            length in 0usize..40,
            version_at in 0usize..40,
            version_length in 0usize..10,
        ) {
            let text = lines.join(ending);
            let requirement = Span::new(start, start + length);
            let version = Span::new(start + version_at, start + version_at + version_length);
            if let Some(rewrite) = rewrite_without_hashes(&text, requirement, version, "9.9.9") {
                prop_assert!(rewrite.range.end <= text.len());
                prop_assert!(text.is_char_boundary(rewrite.range.start));
                prop_assert!(text.is_char_boundary(rewrite.range.end));
                let mut out = text.clone();
                out.replace_range(rewrite.range.clone(), &rewrite.text);
                prop_assert!(out.starts_with(&text[..rewrite.range.start]));
                prop_assert!(out.ends_with(&text[rewrite.range.end..]));
                // The rewrite stays within its logical line: it starts a
                // physical line.
                prop_assert!(rewrite.range.start == 0 || text.as_bytes()[rewrite.range.start - 1] == b'\n');
            }
        }

        /// On a real pin with hashes, lines before and after the logical
        /// line are byte-identical and the hashes are gone.
        #[test]
        fn untouched_lines_are_byte_identical(
            // A comment ending in `\` would continue into the pin (as
            // pip reads it), so comments here do not.
            before in proptest::collection::vec("[a-z]{1,8}==[0-9]\\.[0-9]( +# [ -\\[\\]-~]{0,10})?", 0..5),
            after in proptest::collection::vec("[a-z]{1,8}==[0-9]\\.[0-9]", 0..5),
            hashes in 1usize..4,
        ) {
            let head = if before.is_empty() { String::new() } else { before.join("\n") + "\n" };
            let mut pin = "django==3.0.1".to_string();
            for i in 0..hashes {
                pin.push_str(&format!(" \\\n    --hash=sha256:{i:02}"));
            }
            let tail = if after.is_empty() { String::new() } else { format!("\n{}", after.join("\n")) };
            let text = format!("{head}{pin}{tail}\n");
            let start = head.len();
            let rewrite = rewrite_without_hashes(
                &text,
                Span::new(start, start + "django==3.0.1".len()),
                Span::new(start + "django==".len(), start + "django==3.0.1".len()),
                "3.2.25",
            ).expect("rewritable");
            prop_assert_eq!(rewrite.removed, hashes);
            let mut out = text.clone();
            out.replace_range(rewrite.range, &rewrite.text);
            prop_assert_eq!(out, format!("{head}django==3.2.25{tail}\n"));
        }
    }
}
