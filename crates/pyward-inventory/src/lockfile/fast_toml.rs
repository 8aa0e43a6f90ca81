//! A fast reader for the part of TOML that lockfiles are written in:
//! table and array-of-tables headers, `key = value` lines, basic and
//! literal strings, integers, booleans, arrays and inline tables.
//!
//! The general TOML parser keeps spans and formatting for every value and
//! reads a large lock several times slower than this. Anything outside the
//! subset (multi-line strings, floats, dates, dotted keys in values) or
//! anything malformed makes [`parse`] give up with `None`, and the caller
//! hands the text to the `toml` crate, which reads everything and reports
//! errors with their line. So this reader never decides that a file is
//! valid or not; it only speeds up the common case.

use std::collections::HashSet;

use toml::{Table, Value};

/// The document as a table, or `None` when it uses something this reader
/// leaves to the `toml` crate.
pub(crate) fn parse(text: &str) -> Option<Table> {
    Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    }
    .document()
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

/// A step into the document: a key, or the last element of an array of
/// tables.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Last(usize),
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Spaces, then an optional comment, then the end of the line (or of
    /// the text).
    fn end_of_line(&mut self) -> Option<()> {
        self.skip_spaces();
        if self.peek() == Some(b'#') {
            self.comment()?;
        }
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.pos += 1;
                Some(())
            }
            Some(b'\r') if self.bytes.get(self.pos + 1) == Some(&b'\n') => {
                self.pos += 2;
                Some(())
            }
            _ => None,
        }
    }

    fn comment(&mut self) -> Option<()> {
        while let Some(b) = self.peek() {
            if b == b'\n' || (b == b'\r' && self.bytes.get(self.pos + 1) == Some(&b'\n')) {
                break;
            }
            // Control characters other than tab are not allowed in comments.
            if b < 0x20 && b != b'\t' || b == 0x7f {
                return None;
            }
            self.pos += 1;
        }
        Some(())
    }

    /// Whitespace, newlines and comments, as allowed inside arrays.
    fn skip_blank(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n') => self.pos += 1,
                Some(b'\r') if self.bytes.get(self.pos + 1) == Some(&b'\n') => self.pos += 2,
                Some(b'#') => self.comment()?,
                _ => return Some(()),
            }
        }
    }

    fn document(&mut self) -> Option<Table> {
        let mut root = Table::new();
        let mut current: Vec<Step> = Vec::new();
        let mut headers = Headers::default();
        loop {
            self.skip_blank()?;
            match self.peek() {
                None => return Some(root),
                Some(b'[') => {
                    let array = self.bytes.get(self.pos + 1) == Some(&b'[');
                    self.pos += if array { 2 } else { 1 };
                    self.skip_spaces();
                    let keys = self.key_path()?;
                    self.skip_spaces();
                    let close: &[u8] = if array { b"]]" } else { b"]" };
                    if !self.bytes[self.pos..].starts_with(close) {
                        return None;
                    }
                    self.pos += close.len();
                    self.end_of_line()?;
                    current = open_header(&mut root, &keys, array, &mut headers)?;
                }
                Some(_) => {
                    let keys = self.key_path()?;
                    self.skip_spaces();
                    if self.peek() != Some(b'=') {
                        return None;
                    }
                    self.pos += 1;
                    self.skip_spaces();
                    let value = self.value()?;
                    self.end_of_line()?;
                    let table = table_at(&mut root, &current)?;
                    insert_dotted(table, &keys, value)?;
                }
            }
        }
    }

    /// `a`, `"a b"`, `a.b.c`.
    fn key_path(&mut self) -> Option<Vec<String>> {
        let mut keys = vec![self.key()?];
        loop {
            let save = self.pos;
            self.skip_spaces();
            if self.peek() == Some(b'.') {
                self.pos += 1;
                self.skip_spaces();
                keys.push(self.key()?);
            } else {
                self.pos = save;
                return Some(keys);
            }
        }
    }

    fn key(&mut self) -> Option<String> {
        match self.peek()? {
            b'"' => self.basic_string(),
            b'\'' => self.literal_string(),
            _ => {
                let start = self.pos;
                while matches!(self.peek(), Some(b) if b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                {
                    self.pos += 1;
                }
                (self.pos > start).then(|| self.text[start..self.pos].to_string())
            }
        }
    }

    fn value(&mut self) -> Option<Value> {
        match self.peek()? {
            b'"' => {
                if self.bytes[self.pos..].starts_with(b"\"\"\"") {
                    return None;
                }
                self.basic_string().map(Value::String)
            }
            b'\'' => {
                if self.bytes[self.pos..].starts_with(b"'''") {
                    return None;
                }
                self.literal_string().map(Value::String)
            }
            b'[' => self.array(),
            b'{' => self.inline_table(),
            b't' if self.bytes[self.pos..].starts_with(b"true") => {
                self.pos += 4;
                self.after_bare().then_some(Value::Boolean(true))
            }
            b'f' if self.bytes[self.pos..].starts_with(b"false") => {
                self.pos += 5;
                self.after_bare().then_some(Value::Boolean(false))
            }
            b'0'..=b'9' | b'-' | b'+' => self.integer(),
            _ => None,
        }
    }

    /// A bare value must end where a separator or the line end begins.
    fn after_bare(&self) -> bool {
        matches!(
            self.peek(),
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}' | b'#')
        )
    }

    /// Decimal integers only (`0`, `42`, `-7`); anything else (floats,
    /// dates, `0x`, `1_000`) is left to the full parser.
    fn integer(&mut self) -> Option<Value> {
        let start = self.pos;
        if matches!(self.peek(), Some(b'-' | b'+')) {
            self.pos += 1;
        }
        let digits = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        let count = self.pos - digits;
        if count == 0 || (count > 1 && self.bytes[digits] == b'0') || !self.after_bare() {
            return None;
        }
        self.text[start..self.pos]
            .parse::<i64>()
            .ok()
            .map(Value::Integer)
    }

    fn basic_string(&mut self) -> Option<String> {
        self.pos += 1; // the opening quote
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            let b = self.peek()?;
            match b {
                b'"' => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    let escaped = self.peek()?;
                    self.pos += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'r' => out.push('\r'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'u' => out.push(self.unicode_escape(4)?),
                        b'U' => out.push(self.unicode_escape(8)?),
                        _ => return None,
                    }
                    run = self.pos;
                }
                b'\t' => self.pos += 1,
                0..=0x1f | 0x7f => return None,
                _ => self.pos += 1,
            }
        }
    }

    fn unicode_escape(&mut self, digits: usize) -> Option<char> {
        let hex = self.text.get(self.pos..self.pos + digits)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += digits;
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)
    }

    fn literal_string(&mut self) -> Option<String> {
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.peek()? {
                b'\'' => {
                    let out = self.text[start..self.pos].to_string();
                    self.pos += 1;
                    return Some(out);
                }
                b'\t' => self.pos += 1,
                0..=0x1f | 0x7f => return None,
                _ => self.pos += 1,
            }
        }
    }

    fn array(&mut self) -> Option<Value> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_blank()?;
            if self.peek()? == b']' {
                self.pos += 1;
                return Some(Value::Array(items));
            }
            items.push(self.value()?);
            self.skip_blank()?;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(Value::Array(items));
                }
                _ => return None,
            }
        }
    }

    fn inline_table(&mut self) -> Option<Value> {
        self.pos += 1;
        let mut table = Table::new();
        self.skip_spaces();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(Value::Table(table));
        }
        loop {
            self.skip_spaces();
            let keys = self.key_path()?;
            self.skip_spaces();
            if self.peek()? != b'=' {
                return None;
            }
            self.pos += 1;
            self.skip_spaces();
            let value = self.value()?;
            insert_dotted(&mut table, &keys, value)?;
            self.skip_spaces();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(Value::Table(table));
                }
                _ => return None,
            }
        }
    }
}

/// What headers made so far, to hold to TOML's rules on defining tables.
#[derive(Default)]
struct Headers {
    /// Tables given a header of their own (`[a]`): not twice.
    defined: HashSet<Vec<Step>>,
    /// Tables a header made on the way to its own (`a` for `[a.b]`): a
    /// header may still define them, and headers may go through them.
    implicit: HashSet<Vec<Step>>,
    /// Arrays made by `[[a]]` headers: the only arrays such a header may
    /// extend.
    arrays: HashSet<Vec<Step>>,
}

/// Makes the table a header names exist and returns the steps to it.
fn open_header(
    root: &mut Table,
    keys: &[String],
    array: bool,
    headers: &mut Headers,
) -> Option<Vec<Step>> {
    let (last, parents) = keys.split_last()?;
    let mut steps = Vec::new();
    let mut table = root;
    for key in parents {
        steps.push(Step::Key(key.clone()));
        if !table.contains_key(key) {
            table.insert(key.clone(), Value::Table(Table::new()));
            headers.implicit.insert(steps.clone());
        }
        table = match table.get_mut(key)? {
            Value::Table(t) => {
                // Not a table made by dotted keys or written inline.
                if !headers.implicit.contains(&steps) && !headers.defined.contains(&steps) {
                    return None;
                }
                t
            }
            Value::Array(items) => {
                if !headers.arrays.contains(&steps) {
                    return None;
                }
                steps.push(Step::Last(items.len().checked_sub(1)?));
                match items.last_mut()? {
                    Value::Table(t) => t,
                    _ => return None,
                }
            }
            _ => return None,
        };
    }
    steps.push(Step::Key(last.clone()));
    if array {
        if !table.contains_key(last) {
            table.insert(last.clone(), Value::Array(Vec::new()));
            headers.arrays.insert(steps.clone());
        } else if !headers.arrays.contains(&steps) {
            return None;
        }
        let Some(Value::Array(items)) = table.get_mut(last) else {
            return None;
        };
        items.push(Value::Table(Table::new()));
        steps.push(Step::Last(items.len() - 1));
    } else {
        if table.contains_key(last) {
            // Only a table a header made on its way may be defined now.
            if !headers.implicit.contains(&steps) || headers.defined.contains(&steps) {
                return None;
            }
        } else {
            table.insert(last.clone(), Value::Table(Table::new()));
        }
        headers.defined.insert(steps.clone());
    }
    Some(steps)
}

fn table_at<'t>(root: &'t mut Table, steps: &[Step]) -> Option<&'t mut Table> {
    let mut table = root;
    let mut index = 0;
    while index < steps.len() {
        let Step::Key(key) = &steps[index] else {
            return None;
        };
        index += 1;
        table = match table.get_mut(key)? {
            Value::Table(t) => t,
            Value::Array(items) => {
                let Some(Step::Last(last)) = steps.get(index) else {
                    return None;
                };
                index += 1;
                match items.get_mut(*last)? {
                    Value::Table(t) => t,
                    _ => return None,
                }
            }
            _ => return None,
        };
    }
    Some(table)
}

/// `a.b.c = value` into `table`; a key given twice is refused.
fn insert_dotted(table: &mut Table, keys: &[String], value: Value) -> Option<()> {
    let (last, parents) = keys.split_last()?;
    let mut table = table;
    for key in parents {
        // Extending an existing table through dotted keys is allowed only
        // in some cases (not inline tables, not header tables): all are
        // left to the full parser.
        if table.contains_key(key) {
            return None;
        }
        table = match table
            .entry(key.clone())
            .or_insert_with(|| Value::Table(Table::new()))
        {
            Value::Table(t) => t,
            _ => return None,
        };
    }
    if table.contains_key(last) {
        return None;
    }
    table.insert(last.clone(), value);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_toml(text: &str) {
        let fast = parse(text).expect("the fast reader reads it");
        let full: Table = toml::from_str(text).expect("valid TOML");
        assert_eq!(fast, full, "{text}");
    }

    #[test]
    fn reads_what_locks_contain() {
        same_as_toml(
            "version = 1\nrevision = 2 # comment\n\n[[package]]\nname = \"a\"\nsource = { registry = \"https://x\" }\ndependencies = [\n    { name = \"b\", marker = \"python_version < '3.10'\" },\n    { name = 'c', extra = [\"x\", \"y\"] }, # trailing\n]\n\n[package.optional-dependencies]\nweb = [{ name = \"d\" }]\n\n[[package]]\nname = \"b\"\nescaped = \"tab\\there \\u00e9 \\\"q\\\"\"\nempty = []\nflag = true\nneg = -3\n\n[metadata]\n\"lock-version\" = \"2.1\"\n[metadata.files]\na = []\n",
        );
    }

    #[test]
    fn leaves_the_rest_to_toml() {
        for text in [
            "a = 1.5\n",
            "a = 1979-05-27T07:32:00Z\n",
            "a = \"\"\"multi\nline\"\"\"\n",
            "a = 1_000\n",
            "a = 1\na = 2\n",
            "[a]\n[a]\n",
            "a = [1\n",
            "a = { b = 1\n",
            "a = \"unterminated\n",
            "a = 1 b = 2\n",
            "a = 012\n",
            "x = [1]\n[[x]]\n",
            "x = []\n[[x]]\n",
            "c.a = 1\n[c]\n",
            "c.a = 1\n[c.b]\n",
            "[a]\nb.c = 1\n[a.b]\n",
            "a = { b = 1 }\n[a.c]\n",
            "a = { b = 1 }\na.c = 2\n",
        ] {
            assert!(parse(text).is_none(), "{text}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Whatever the fast reader accepts, the `toml` crate accepts and
        /// reads the same.
        #[test]
        fn agrees_with_toml(
            text in "((\\[\\[?[a-c]{1,2}(\\.[a-c]{1,2})?\\]\\]?|[a-c\"]{1,3}(\\.[a-c])? ?= ?(\"[a-z\\\\\"' é]{0,5}\"|'[a-z \"]{0,4}'|[-+]?[0-9]{1,3}|true|false|\\[ ?[0-9, \n]{0,6}\\]|\\{ ?[a-c]{1,2} = [0-9]{1,2} ?(, ?[a-c] = \"x\")?\\}))( #[a-z]*)?\r?\n){0,10}"
        ) {
            if let Some(fast) = parse(&text) {
                let full: Table = toml::from_str(&text)
                    .map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}")))?;
                proptest::prop_assert_eq!(fast, full);
            }
        }
    }

    #[test]
    fn real_locks_read_the_same() {
        for (text, header) in [
            (
                include_str!("../../tests/fixtures/lockfile/uv/uv.lock"),
                "[[package]]",
            ),
            (
                include_str!("../../tests/fixtures/lockfile/uv-workspace/uv.lock"),
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
                include_str!("../../tests/fixtures/lockfile/pylock-pip/pylock.toml"),
                "[[packages]]",
            ),
        ] {
            let prepared = super::super::entries::prepare(text, header);
            same_as_toml(&prepared.text);
        }
    }
}
