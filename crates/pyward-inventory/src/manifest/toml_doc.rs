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
}

impl<'a> TomlDoc<'a> {
    /// Parses `text`; a syntax error names its line.
    pub(crate) fn parse(text: &'a str) -> Result<Self, ParseError> {
        let lines = LineIndex::new(text);
        match ImDocument::parse(text) {
            Ok(doc) => Ok(Self { doc, lines }),
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
) -> Result<Vec<(&'i str, Option<u32>)>, ParseError> {
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
            Some(text) => Ok((text, doc.value_line(value))),
            None => Err(error(
                doc.value_line(value),
                format!("`{what}` must hold only strings"),
            )),
        })
        .collect()
}
