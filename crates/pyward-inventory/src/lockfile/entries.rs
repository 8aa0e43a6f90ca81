//! One linear pass over a TOML lockfile before it is parsed, which finds
//! what the TOML parsers do not keep: where each package entry
//! (`[[package]]`, pylock's `[[packages]]`) and its `version` value sit
//! (for `pyward fix`), and the artifact hashes of its distribution files
//! (for SBOMs). The same pass blanks the lines of those file lists (uv's
//! `sdist`/`wheels`, poetry's and pdm's `files`, poetry 1.x's
//! `[metadata.files]`, pylock's `[[packages.wheels]]`/`[packages.sdist]`)
//! in the text handed to the parser: they are most of a lockfile (nine
//! tenths of a `uv.lock`), their hashes are taken here, and nothing else in
//! them is needed. Line numbers stay as they were. A line of those lists
//! that does not look as the tools write it leaves the whole text to the
//! parser, which then reports whatever is malformed.

use std::borrow::Cow;

use pyward_model::{Dependency, FileHash, PackageName, Span};
use rustc_hash::FxHashMap;

/// One package entry of the lock, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// From the header line to the last non-blank byte before the next
    /// table that is not one of its own.
    pub span: Span,
    /// The text of the `name = "..."` value.
    pub name: Option<Span>,
    /// The text of the `version = "..."` value (inside the quotes).
    pub version: Option<Span>,
    pub hashes: Vec<FileHash>,
}

/// A lock's text, ready for the parser, and what the pass found.
pub(crate) struct Prepared<'a> {
    /// The lock as written.
    pub original: &'a str,
    /// The lock with its file lists blanked, for the parser.
    pub text: Cow<'a, str>,
    pub entries: Vec<Entry>,
    /// Poetry 1.x keeps hashes apart, in `[metadata.files]`, by name.
    pub hashes_by_name: FxHashMap<String, Vec<FileHash>>,
}

impl Prepared<'_> {
    /// Gives `dependency` the place and hashes of the entry at `index` in
    /// file order, if the pass found as many entries as the parser did
    /// (`count`) and that entry names the same package. Each entry is
    /// given once (its hashes move).
    pub fn place(&mut self, index: usize, count: usize, dependency: &mut Dependency) {
        if self.entries.len() != count {
            return;
        }
        let Some(entry) = self.entries.get_mut(index) else {
            return;
        };
        let same = entry.name.is_some_and(|span| {
            let written = &self.original[span.range()];
            written == dependency.name.as_str() || PackageName::new(written) == dependency.name
        });
        if !same {
            return;
        }
        dependency.span = Some(entry.span);
        dependency.version_span = entry.version;
        dependency.hashes = std::mem::take(&mut entry.hashes);
    }
}

#[derive(PartialEq)]
enum State {
    Normal,
    /// A multi-line `[...]` list of inline tables.
    InlineList,
    /// Poetry 1.x's `[metadata.files]` section.
    MetadataFiles,
    /// A pylock `[[packages.wheels]]` / `[packages.sdist]` table.
    FileTable,
}

/// Finds the entries under `header` (`[[package]]`) and blanks the file
/// lists (see the module documentation).
pub(crate) fn prepare<'a>(text: &'a str, header: &str) -> Prepared<'a> {
    let text_in = text;
    let key = header.trim_matches(['[', ']']);
    let sub_table = format!("[{key}.");
    let sub_array = format!("[[{key}.");
    let mut out = String::with_capacity(text.len() / 4);
    let mut state = State::Normal;
    let mut blanked = 0usize;
    let mut well_formed = true;
    let mut entries: Vec<Entry> = Vec::new();
    // The entry being read, and whether the pass is in its own table (not
    // one of its sub-tables).
    let mut open: Option<Entry> = None;
    let mut at_top = false;
    let mut in_hashes_table = false;
    let mut hashes_by_name: FxHashMap<String, Vec<FileHash>> = FxHashMap::default();
    let mut metadata_key: Option<String> = None;
    let mut offset = 0usize;
    let mut last_content_end = 0usize;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim();
        if content.starts_with('[') {
            let own = content.starts_with(&sub_table) || content.starts_with(&sub_array);
            if (content == header || !own)
                && let Some(mut entry) = open.take()
            {
                entry.span.end = last_content_end.max(entry.span.start);
                entries.push(entry);
            }
            if content == header {
                open = Some(Entry {
                    span: Span::new(start, start),
                    name: None,
                    version: None,
                    hashes: Vec::new(),
                });
                at_top = true;
            } else {
                at_top = false;
            }
            in_hashes_table = content.ends_with(".hashes]");
        }
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            last_content_end = start + content.trim_end().len();
        }
        if let Some(entry) = open.as_mut()
            && at_top
            && content.starts_with(['v', 'n'])
        {
            if let Some(value) = string_value(content, "version") {
                entry.version = Some(Span::new(start + value.0, start + value.1));
            } else if let Some((from, to)) = string_value(content, "name") {
                entry.name = Some(Span::new(start + from, start + to));
            }
        }

        let keep = match state {
            State::Normal => {
                if !content.starts_with([' ', '\t']) && is_single_line_file_list(trimmed) {
                    false
                } else if matches!(content, "wheels = [" | "files = [") {
                    state = State::InlineList;
                    false
                } else if content == "[metadata.files]" {
                    state = State::MetadataFiles;
                    false
                } else if is_pylock_file_header(content) {
                    state = State::FileTable;
                    false
                } else {
                    true
                }
            }
            State::InlineList => {
                if content == "]" {
                    state = State::Normal;
                } else if !is_inline_table_item(trimmed) {
                    well_formed = false;
                }
                false
            }
            State::MetadataFiles => {
                if content.starts_with('[') {
                    state = State::Normal;
                    metadata_key = None;
                    true
                } else if trimmed.is_empty()
                    || trimmed == "]"
                    || trimmed.ends_with("= [")
                    || trimmed.ends_with("= []")
                    || is_inline_table_item(trimmed)
                {
                    if let Some(name) = trimmed
                        .strip_suffix("= [")
                        .or_else(|| trimmed.strip_suffix("= []"))
                    {
                        metadata_key = Some(name.trim().trim_matches('"').to_string());
                    } else if let Some(name) = &metadata_key
                        && trimmed.contains("hash")
                    {
                        line_hashes(
                            trimmed,
                            false,
                            hashes_by_name.entry(name.clone()).or_default(),
                        );
                    }
                    false
                } else {
                    well_formed = false;
                    false
                }
            }
            State::FileTable => {
                if content.starts_with('[') {
                    if is_pylock_file_header(content) {
                        false
                    } else {
                        state = State::Normal;
                        true
                    }
                } else if trimmed.is_empty() || is_simple_key_value(trimmed) {
                    false
                } else {
                    well_formed = false;
                    false
                }
            }
        };
        if keep {
            out.push_str(line);
        } else {
            // Hashes are only in the file lists, which are the lines left
            // out: looked for there alone.
            if state != State::MetadataFiles
                && let Some(entry) = open.as_mut()
                && (in_hashes_table || trimmed.contains("hash"))
            {
                line_hashes(trimmed, in_hashes_table, &mut entry.hashes);
            }
            blanked += 1;
            if line.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    if let Some(mut entry) = open.take() {
        entry.span.end = last_content_end.max(entry.span.start);
        entries.push(entry);
    }
    let text = if !well_formed || state == State::InlineList || blanked == 0 {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    };
    Prepared {
        original: text_in,
        text,
        entries,
        hashes_by_name,
    }
}

/// The byte range (in `line`) of the text of `key = "value"` written at
/// the start of the line, when the value is a one-line string without
/// escapes (so that its bytes are its text).
fn string_value(line: &str, key: &str) -> Option<(usize, usize)> {
    let rest = line.strip_prefix(key)?;
    let after_key = rest.trim_start();
    let after_eq = after_key.strip_prefix('=')?.trim_start();
    let quote = after_eq
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\''))?;
    let value_start = line.len() - after_eq.len() + 1;
    let close = line[value_start..].find(quote)? + value_start;
    let value = &line[value_start..close];
    if quote == '"' && value.contains('\\') {
        return None;
    }
    Some((value_start, close))
}

/// The hashes one line of a lock holds: `hash = "sha256:..."` (uv, pdm,
/// poetry), `hashes = { sha256 = "..." }` (pylock inline), or
/// `sha256 = "..."` inside a pylock `[...hashes]` table.
fn line_hashes(line: &str, in_hashes_table: bool, out: &mut Vec<FileHash>) {
    let mut push = |algorithm: &str, digest: &str| {
        let (algorithm, digest) = (algorithm.trim(), digest.trim());
        if algorithm.is_empty()
            || digest.is_empty()
            || !algorithm
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            || !digest.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return;
        }
        let lower = |text: &str| {
            if text.bytes().any(|b| b.is_ascii_uppercase()) {
                text.to_ascii_lowercase()
            } else {
                text.to_string()
            }
        };
        let known = out.iter().any(|h| {
            h.digest.eq_ignore_ascii_case(digest) && h.algorithm.eq_ignore_ascii_case(algorithm)
        });
        if !known {
            out.push(FileHash {
                algorithm: lower(algorithm),
                digest: lower(digest),
            });
        }
    };
    if in_hashes_table {
        if let Some((key, value)) = line.split_once('=') {
            push(key, value.trim().trim_matches(['"', '\'']));
        }
        return;
    }
    let bytes = line.as_bytes();
    let mut search = 0;
    while let Some(found) = memchr::memchr(b'h', &bytes[search..]) {
        let at = search + found;
        if !bytes[at..].starts_with(b"hash") {
            search = at + 1;
            continue;
        }
        search = at + 4;
        let word_start = at == 0
            || !matches!(bytes[at - 1], b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-');
        if !word_start {
            continue;
        }
        let rest = &line[at + 4..];
        if let Some(value) = rest
            .strip_prefix(" = \"")
            .or_else(|| rest.strip_prefix("=\""))
        {
            if let Some((algorithm, tail)) = value.split_once(':')
                && let Some(end) = tail.find('"')
            {
                push(algorithm, &tail[..end]);
            }
        } else if let Some(table) = rest.strip_prefix("es = {") {
            let table = table.split('}').next().unwrap_or_default();
            for pair in table.split(',') {
                if let Some((key, value)) = pair.split_once('=') {
                    push(key, value.trim().trim_matches(['"', '\'']));
                }
            }
        }
    }
}

/// `sdist = { ... }`, `wheels = [{ ... }]`, `files = [{ ... }]` on one line.
fn is_single_line_file_list(line: &str) -> bool {
    (line.starts_with("sdist = {") && line.ends_with('}'))
        || ((line.starts_with("wheels = [{") || line.starts_with("files = [{"))
            && line.ends_with("}]"))
}

/// `{ url = "...", hash = "..." },` as one line of a list.
fn is_inline_table_item(line: &str) -> bool {
    line.starts_with('{') && (line.ends_with('}') || line.ends_with("},"))
}

fn is_pylock_file_header(line: &str) -> bool {
    matches!(
        line,
        "[[packages.wheels]]"
            | "[packages.sdist]"
            | "[packages.wheels.hashes]"
            | "[packages.sdist.hashes]"
    )
}

/// `key = value` with a value that does not open a multi-line construct.
fn is_simple_key_value(line: &str) -> bool {
    let Some((key, value)) = line.split_once(" = ") else {
        return false;
    };
    let value = value.trim();
    let opens_multi_line = value.starts_with("\"\"\"")
        || value.starts_with("'''")
        || (value.starts_with('[') && !value.ends_with(']'))
        || (value.starts_with('{') && !value.ends_with('}'));
    !key.is_empty()
        && !key.contains(['[', '{', '"', '\''])
        && !value.is_empty()
        && !opens_multi_line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_lists_are_blanked_keeping_lines() {
        let text = "[[package]]\nname = \"a\"\nsdist = { url = \"x\" }\nwheels = [\n    { url = \"y\" },\n]\ndependencies = [\n    { name = \"b\" },\n]\n";
        let out = prepare(text, "[[package]]").text;
        assert_eq!(
            out,
            "[[package]]\nname = \"a\"\n\n\n\n\ndependencies = [\n    { name = \"b\" },\n]\n"
        );
        assert_eq!(out.lines().count(), text.lines().count());
        // A list item of an unexpected shape leaves the text to the parser.
        let odd = "wheels = [\n    { url = \"y\"\n]\n";
        assert!(matches!(prepare(odd, "[[package]]").text, Cow::Borrowed(_)));
        let unclosed = "wheels = [\n    { url = \"y\" },\n";
        assert!(matches!(
            prepare(unclosed, "[[package]]").text,
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn entries_spans_versions_and_hashes() {
        let text = "version = 1\n\n[[package]]\nname = \"a\"\nversion = \"1.0\"\nsdist = { url = \"x\", hash = \"sha256:AB12\" }\nwheels = [\n    { url = \"y\", hash = \"sha256:cd34\" },\n]\n\n[package.metadata]\nversion = \"9\"\n\n[[package]]\nname = \"b\"\nversion = '2.0'\n";
        let prepared = prepare(text, "[[package]]");
        assert_eq!(prepared.entries.len(), 2);
        let a = &prepared.entries[0];
        assert_eq!(&text[a.name.unwrap().range()], "a");
        assert_eq!(&text[a.version.unwrap().range()], "1.0");
        assert!(text[a.span.range()].starts_with("[[package]]\nname = \"a\""));
        assert!(text[a.span.range()].ends_with("version = \"9\""));
        let digests: Vec<&str> = a.hashes.iter().map(|h| h.digest.as_str()).collect();
        assert_eq!(digests, ["ab12", "cd34"]);
        let b = &prepared.entries[1];
        assert_eq!(&text[b.version.unwrap().range()], "2.0");
        assert!(b.hashes.is_empty());
        // `content_hash` is not an artifact hash.
        let mut found = Vec::new();
        line_hashes("content_hash = \"sha256:00\"", false, &mut found);
        assert!(found.is_empty());
    }

    #[test]
    fn pylock_and_poetry_1_hashes() {
        let text = "[[packages]]\nname = \"a\"\nversion = \"1\"\n\n[[packages.wheels]]\nurl = \"u\"\n\n[packages.wheels.hashes]\nsha256 = \"aa\"\n\n[[packages]]\nname = \"b\"\nversion = \"2\"\nwheels = [{ url = \"u\", hashes = { sha256 = \"bb\", md5 = \"cc\" } }]\n";
        let prepared = prepare(text, "[[packages]]");
        assert_eq!(prepared.entries.len(), 2);
        assert_eq!(prepared.entries[0].hashes[0].digest, "aa");
        assert_eq!(prepared.entries[1].hashes.len(), 2);
        let poetry = "[[package]]\nname = \"a\"\nversion = \"1\"\n\n[metadata]\nlock-version = \"1.1\"\n\n[metadata.files]\na = [\n    {file = \"a.whl\", hash = \"sha256:ee\"},\n]\n";
        let prepared = prepare(poetry, "[[package]]");
        assert_eq!(prepared.hashes_by_name["a"][0].digest, "ee");
        assert!(text_ends_entry_before_metadata(poetry, &prepared));
    }

    fn text_ends_entry_before_metadata(text: &str, prepared: &Prepared<'_>) -> bool {
        text[prepared.entries[0].span.range()].ends_with("version = \"1\"")
    }

    #[test]
    fn real_locks_lose_their_file_lists() {
        for (text, header) in [
            (
                include_str!("../../tests/fixtures/lockfile/uv/uv.lock"),
                "[[package]]",
            ),
            (
                include_str!("../../tests/fixtures/lockfile/poetry-2.x/poetry.lock"),
                "[[package]]",
            ),
            (
                include_str!("../../tests/fixtures/lockfile/poetry-1.1/poetry.lock"),
                "[[package]]",
            ),
            (
                include_str!("../../tests/fixtures/lockfile/pdm/pdm.lock"),
                "[[package]]",
            ),
            (
                include_str!("../../tests/fixtures/lockfile/pylock-uv/pylock.toml"),
                "[[packages]]",
            ),
            (
                include_str!("../../tests/fixtures/lockfile/pylock-pip/pylock.toml"),
                "[[packages]]",
            ),
        ] {
            let prepared = prepare(text, header);
            let out = &prepared.text;
            assert!(matches!(out, Cow::Owned(_)));
            assert!(
                out.len() * 3 < text.len(),
                "{} of {}",
                out.len(),
                text.len()
            );
            assert_eq!(out.lines().count(), text.lines().count());
            assert!(!prepared.entries.is_empty());
            let hashed = prepared
                .entries
                .iter()
                .filter(|e| !e.hashes.is_empty())
                .count()
                + prepared.hashes_by_name.len();
            assert!(hashed > 0, "{header}");
        }
    }
}
