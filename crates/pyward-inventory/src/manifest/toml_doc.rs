//! Reading TOML manifests with their source positions: `toml_edit` keeps
//! the byte span of every key and value, which gives each dependency its
//! line and each error the line to fix.

use toml_edit::{ImDocument, Item, TableLike, Value};

use super::LineIndex;
use crate::ParseError;

/// A parsed TOML file and the line index of its text.
pub(crate) struct TomlDoc<'a> {
    pub(crate) doc: ImDocument<&'a str>,
    pub(crate) lines: LineIndex,
    text: &'a str,
}

/// One string of a TOML array, with where it is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TomlString<'i> {
    pub text: &'i str,
    pub line: Option<u32>,
    /// The byte where its text starts in the file, when the file's bytes
    /// there are its text (no escapes).
    pub start: Option<usize>,
}

impl<'a> TomlDoc<'a> {
    /// Parses `text`; a syntax error names its line, and a text nested too
    /// deep for the parser is refused before it.
    pub(crate) fn parse(text: &'a str) -> Result<Self, ParseError> {
        crate::nesting::check_brackets(text, crate::nesting::Syntax::Toml)?;
        let lines = LineIndex::new(text);
        match ImDocument::parse(text) {
            Ok(doc) => Ok(Self { doc, lines, text }),
            Err(error) => {
                let detail = error.message().trim().replace('\n', ", ");
                let message = format!("TOML syntax error: {detail}");
                Err(match error.span() {
                    Some(span) => ParseError::at_line(lines.line(span.start), message),
                    None => ParseError::new(message),
                })
            }
        }
    }

    /// The item at a dotted path of keys (`["tool", "poetry",
    /// "dependencies"]`), whether its tables are standard, inline or
    /// dotted.
    pub(crate) fn get(&self, path: &[&str]) -> Option<&Item> {
        let mut item = self.doc.as_item();
        for key in path {
            item = item.as_table_like()?.get(key)?;
        }
        Some(item)
    }

    pub(crate) fn item_line(&self, item: &Item) -> Option<u32> {
        item.span().map(|span| self.lines.line(span.start))
    }

    pub(crate) fn value_line(&self, value: &Value) -> Option<u32> {
        value.span().map(|span| self.lines.line(span.start))
    }

    /// The byte where a string value's text starts in the file, when the
    /// bytes there are exactly its text (a basic or literal string without
    /// escapes), so that `fix` may rewrite them.
    pub(crate) fn string_start(&self, value: &Value) -> Option<usize> {
        let text = value.as_str()?;
        let span = value.span()?;
        let raw = self.text.get(span.clone())?;
        let quote_len = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
            3
        } else {
            1
        };
        let start = span.start + quote_len;
        (self.text.get(start..start + text.len()) == Some(text)).then_some(start)
    }

    /// The span from a key to the end of its value, in a table.
    pub(crate) fn entry_span(
        &self,
        table: &dyn TableLike,
        key: &str,
    ) -> Option<pyward_model::Span> {
        let (key, item) = table.get_key_value(key)?;
        let start = key.span()?.start;
        let end = item
            .span()
            .or_else(|| item.as_value().and_then(Value::span))?
            .end;
        (start <= end).then(|| pyward_model::Span::new(start, end))
    }

    /// The line of `key` in `table`, else of its value.
    pub(crate) fn key_line(&self, table: &dyn TableLike, key: &str) -> Option<u32> {
        let (key, item) = table.get_key_value(key)?;
        key.span()
            .map(|span| self.lines.line(span.start))
            .or_else(|| self.item_line(item))
    }
}

/// The array of strings an item holds, each with its value for positions;
/// an error names what is wrong for `what` (`project.dependencies`).
pub(crate) fn string_array<'i>(
    doc: &TomlDoc<'_>,
    item: &'i Item,
    what: &str,
) -> Result<Vec<TomlString<'i>>, ParseError> {
    let error = |line: Option<u32>, message: String| match line {
        Some(line) => ParseError::at_line(line, message),
        None => ParseError::new(message),
    };
    let Some(array) = item.as_array() else {
        return Err(error(
            doc.item_line(item),
            format!("`{what}` must be an array of strings"),
        ));
    };
    array
        .iter()
        .map(|value| match value.as_str() {
            Some(text) => Ok(TomlString {
                text,
                line: doc.value_line(value),
                start: doc.string_start(value),
            }),
            None => Err(error(
                doc.value_line(value),
                format!("`{what}` must hold only strings"),
            )),
        })
        .collect()
}
