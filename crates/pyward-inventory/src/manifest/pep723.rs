//! PEP 723 inline script metadata: the `# /// script` … `# ///` comment
//! block of a `.py` file, whose TOML `dependencies` are what `uv run` or
//! `pipx run` install for the script (group `main`), with uv's
//! `[tool.uv.sources]` applied.
//!
//! The block is found exactly as the PEP's reference regular expression
//! finds it: `(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$`.

use pyward_model::Dependency;

use super::toml_doc::{TomlDoc, string_array};
use super::{Manifest, pep508};
use crate::ParseError;
use crate::format::{Document, FormatSpec, NamePattern, Parsed};

/// The registry's entry for scripts with inline metadata: any `.py` file
/// found in a tree, read only when it has a `# /// script` line.
pub(crate) static FORMAT: FormatSpec = FormatSpec {
    id: "pep723",
    display_name: "a script with inline metadata (PEP 723)",
    found_as: &[NamePattern::Suffix(".py")],
    named_as: &[],
    parse: parse_document,
    follows_includes: false,
    lock: None,
};

/// The dependencies the script's metadata block states (none when it has
/// no block); `source` (the `.py` path) goes into each
/// [`Dependency::source`]. A bad requirement fails the whole text.
pub fn parse(text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    parse_with_notes(text, source).map(|manifest| manifest.dependencies)
}

/// [`parse`], plus a note with the script's `requires-python`.
pub fn parse_with_notes(text: &str, source: &str) -> Result<Manifest, ParseError> {
    read(text, source)?.into_strict()
}

/// Everything a script's metadata block states; a requirement that does
/// not parse is left out and reported.
pub fn parse_document(document: &Document<'_>) -> Result<Parsed, ParseError> {
    read(document.text, document.source).map(Manifest::into_parsed)
}

fn read(text: &str, source: &str) -> Result<Manifest, ParseError> {
    let mut manifest = Manifest::default();
    let Some(block) = script_block(text)? else {
        return Ok(manifest);
    };
    let shift = block.first_line - 1;
    let shifted = |mut error: ParseError| {
        error.line = error.line.map(|line| line + shift);
        error
    };
    let doc = TomlDoc::parse(&block.toml).map_err(shifted)?;
    if let Some(item) = doc.get(&["dependencies"]) {
        let entries = string_array(&doc, item, "dependencies").map_err(shifted)?;
        for string in entries {
            let line = string.line.map(|l| l + shift);
            match pep508::dependency(string.text, source, "main", line) {
                Ok(mut dependency) => {
                    if let Some(start) = string.start.and_then(|s| block.script_offset(s)) {
                        pep508::place(&mut dependency, string.text, start);
                    }
                    manifest.dependencies.push(dependency);
                }
                Err(message) => manifest.errors.push(ParseError::at(line, message)),
            }
        }
    }
    super::pyproject::apply_uv_sources(&doc, &mut manifest.dependencies);
    if let Some(python) = doc.get(&["requires-python"]).and_then(|i| i.as_str()) {
        manifest
            .notes
            .push(format!("{source}: script requires Python {python}"));
    }
    Ok(manifest)
}

/// The TOML of a `script` block and the script line its first line is on.
#[derive(Debug, PartialEq, Eq)]
struct Block {
    toml: String,
    first_line: u32,
    /// For each line of `toml`: where it starts there, and where its text
    /// (after the `# ` prefix) starts in the script.
    line_starts: Vec<(usize, usize)>,
}

impl Block {
    /// The script offset of a byte of `toml`, when it is on a line (not
    /// the newline the block adds).
    fn script_offset(&self, offset: usize) -> Option<usize> {
        let index = match self.line_starts.binary_search_by_key(&offset, |&(toml, _)| toml) {
            Ok(exact) => exact,
            Err(next) => next.checked_sub(1)?,
        };
        let (toml_start, script_start) = self.line_starts[index];
        Some(script_start + (offset - toml_start))
    }
}

/// A line of the script without its line ending, and whether one followed
/// (the PEP's `$\s` needs it after the header and every content line).
struct Line<'a> {
    text: &'a str,
    ends_with_newline: bool,
    /// Where it starts in the script.
    start: usize,
}

fn header_type(line: &str) -> Option<&str> {
    let kind = line.strip_prefix("# /// ")?;
    (!kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then_some(kind)
}

fn is_content(line: &Line<'_>) -> bool {
    line.ends_with_newline && (line.text == "#" || line.text.starts_with("# "))
}

/// The one `script` block of `text`; two are an error, as the PEP says.
fn script_block(text: &str) -> Result<Option<Block>, ParseError> {
    let mut lines: Vec<Line<'_>> = Vec::new();
    let mut rest = text;
    let mut start = 0;
    while !rest.is_empty() {
        let (line, ends_with_newline, next) = match rest.find('\n') {
            Some(end) => (&rest[..end], true, &rest[end + 1..]),
            None => (rest, false, ""),
        };
        lines.push(Line {
            text: line.strip_suffix('\r').unwrap_or(line),
            ends_with_newline,
            start,
        });
        start += rest.len() - next.len();
        rest = next;
    }

    let mut found: Option<(usize, Block)> = None;
    let mut index = 0;
    while index < lines.len() {
        let header = &lines[index];
        let Some(kind) = header_type(header.text).filter(|_| header.ends_with_newline) else {
            index += 1;
            continue;
        };
        let content_start = index + 1;
        let mut run_end = content_start;
        while run_end < lines.len() && is_content(&lines[run_end]) {
            run_end += 1;
        }
        // The regex is greedy: the block closes at the last `# ///` that
        // leaves at least one content line before it.
        let last_candidate = run_end.min(lines.len().saturating_sub(1));
        let close = (content_start + 1..=last_candidate)
            .rev()
            .find(|&c| lines.get(c).is_some_and(|l| l.text == "# ///"));
        let Some(close) = close else {
            // A header inside this run would see the same run and fewer
            // closing lines: none of them can start a block either.
            index = run_end.max(index + 1);
            continue;
        };
        if kind == "script" {
            let line_of = |i: usize| u32::try_from(i + 1).unwrap_or(u32::MAX);
            if let Some((first, _)) = &found {
                return Err(ParseError::at_line(
                    line_of(index),
                    format!(
                        "a second `# /// script` block (the first is at line {}); PEP 723 allows one",
                        line_of(*first)
                    ),
                ));
            }
            let mut toml = String::new();
            let mut line_starts = Vec::with_capacity(close - content_start);
            for line in &lines[content_start..close] {
                let stripped = line
                    .text
                    .strip_prefix("# ")
                    .or_else(|| line.text.strip_prefix('#'))
                    .unwrap_or(line.text);
                line_starts.push((toml.len(), line.start + (line.text.len() - stripped.len())));
                toml.push_str(stripped);
                toml.push('\n');
            }
            found = Some((
                index,
                Block {
                    toml,
                    first_line: line_of(content_start),
                    line_starts,
                },
            ));
        }
        index = close + 1;
    }
    Ok(found.map(|(_, block)| block))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::test_support::{fixtures, render_manifest, snapshot};

    #[test]
    fn fixtures_match_snapshots() {
        let mut seen = 0;
        for (name, text) in fixtures("pep723") {
            if name.starts_with("error_") {
                continue;
            }
            let manifest = parse_with_notes(&text, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
            snapshot(&format!("pep723__{name}"), &render_manifest(&manifest));
            seen += 1;
        }
        assert!(seen >= 3, "only {seen} fixtures");
    }

    #[test]
    fn errors_name_the_script_line() {
        let cases = [
            ("error_two_blocks.py", 8),
            ("error_toml.py", 5),
            ("error_requirement.py", 5),
        ];
        for (name, line) in cases {
            let (_, text) = fixtures("pep723")
                .into_iter()
                .find(|(n, _)| n == name)
                .unwrap_or_else(|| panic!("no fixture {name}"));
            let error = parse(&text, name).expect_err(name);
            assert_eq!(error.line, Some(line), "{name}: {error}");
        }
    }

    #[test]
    fn block_as_the_pep_reads_it() {
        let script = "# /// script\n# requires-python = \">=3.11\"\n# dependencies = [\n#   \"requests<3\",\n#   \"rich\",\n# ]\n# ///\n\nimport requests\n";
        let manifest = parse_with_notes(script, "s.py").unwrap();
        let names: Vec<_> = manifest
            .dependencies
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(names, ["requests", "rich"]);
        assert_eq!(manifest.dependencies[0].line, Some(4));
        assert_eq!(manifest.dependencies[0].source, "s.py");
        assert_eq!(manifest.notes, ["s.py: script requires Python >=3.11"]);
    }

    #[test]
    fn closes_at_the_last_marker_line() {
        // `# ///` inside the content does not end the block early.
        let script = "# /// script\n# dependencies = [\"a\"]\n# ///\n# x = 1\n# ///\n";
        let block = script_block(script).unwrap().unwrap();
        assert_eq!(block.toml, "dependencies = [\"a\"]\n///\nx = 1\n");
        // The closing line may end the file without a newline.
        let block = script_block("# /// script\n# dependencies = []\n# ///").unwrap();
        assert!(block.is_some());
    }

    #[test]
    fn not_blocks() {
        for script in [
            "",
            "print('hi')\n",
            "# /// script\n# dependencies = [\"a\"]\n",
            "# /// script\n#dependencies = [\"a\"]\n# ///\n",
            "#/// script\n# dependencies = [\"a\"]\n# ///\n",
            "# /// script\n# ///\n",
            "    # /// script\n    # dependencies = [\"a\"]\n    # ///\n",
        ] {
            assert_eq!(script_block(script).unwrap(), None, "{script:?}");
        }
        // Other block types are not the script's.
        let other = "# /// pyproject\n# dependencies = [\"a\"]\n# ///\n";
        assert!(parse(other, "s.py").unwrap().is_empty());
    }

    #[test]
    fn many_unclosed_headers_are_linear() {
        let script = "# /// script\n".repeat(50_000);
        let start = std::time::Instant::now();
        assert!(parse(&script, "s.py").unwrap().is_empty());
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn uv_sources_in_scripts() {
        let script = "# /// script\n# dependencies = [\"mylib\", \"rich\"]\n#\n\
                      # [tool.uv.sources]\n# mylib = { path = \"../mylib\", editable = true }\n# ///\n";
        let deps = parse(script, "s.py").unwrap();
        assert_eq!(deps[0].kind, pyward_model::DependencyKind::Path);
        assert_eq!(deps[1].kind, pyward_model::DependencyKind::Registry);
    }

    #[test]
    fn windows_line_endings() {
        let script = "# /// script\r\n# dependencies = [\"rich==13.7.1\"]\r\n# ///\r\n";
        let deps = parse(script, "s.py").unwrap();
        assert_eq!(deps[0].version.as_deref(), Some("13.7.1"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC*") {
            let _ = parse(&text, "s.py");
        }

        #[test]
        fn never_panics_on_blocklike_text(
            text in "((# /// script|# ///|#|# dependencies = \\[\"[a-z=<>0-9. ;']{0,10}\"\\]|# [a-z\"=\\[\\] ]{0,10}|[a-z ()]{0,8})\r?\n?){0,10}"
        ) {
            let _ = parse(&text, "s.py");
        }
    }
}
