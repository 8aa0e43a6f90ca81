//! Where each key of a configuration file is: so that an error names the
//! line, an unknown key comes with the nearest valid one, and `pyward
//! config --show` says where a value came from.

use toml_edit::{ImDocument, Item};

/// The parsed file, kept with its spans.
pub struct Located {
    document: ImDocument<String>,
    /// Byte offsets where lines start.
    line_starts: Vec<usize>,
    /// The table the configuration lives in: `[]` for `pyward.toml`,
    /// `["tool", "pyward"]` for `pyproject.toml`.
    prefix: Vec<&'static str>,
}

impl Located {
    /// `None` when the text is not TOML (the caller has already reported
    /// that with its own message).
    pub fn parse(text: &str, in_pyproject: bool) -> Option<Self> {
        let document = ImDocument::parse(text.to_string()).ok()?;
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        Some(Self {
            document,
            line_starts,
            prefix: if in_pyproject {
                vec!["tool", "pyward"]
            } else {
                Vec::new()
            },
        })
    }

    /// The 1-based line of the key at `path` (relative to the
    /// configuration's table: `["code", "select"]`), or of the table when
    /// `path` names one.
    pub fn line_of(&self, path: &[&str]) -> Option<u32> {
        let mut table = self.document.as_table();
        let full: Vec<&str> = self
            .prefix
            .iter()
            .copied()
            .chain(path.iter().copied())
            .collect();
        let (last, parents) = full.split_last()?;
        for part in parents {
            table = table.get(part)?.as_table()?;
        }
        let (key, item) = table.get_key_value(last)?;
        let span = key.span().or_else(|| item_span(item))?;
        Some(self.line_at(span.start))
    }

    /// The line where entry `index` of the array of tables `key` starts
    /// (`[[ignore]]` number `index`).
    pub fn entry_line(&self, key: &str, index: usize) -> Option<u32> {
        let mut table = self.document.as_table();
        for part in &self.prefix {
            table = table.get(part)?.as_table()?;
        }
        let entry = table.get(key)?.as_array_of_tables()?.get(index)?;
        let span = entry
            .span()
            .or_else(|| entry.iter().find_map(|(k, _)| entry.key(k)?.span()))?;
        Some(self.line_at(span.start))
    }

    /// The line of the first key named `name` anywhere under the
    /// configuration's table (for serde's "unknown field" errors, which
    /// say the name but not the place).
    pub fn find_key(&self, name: &str) -> Option<(u32, Vec<String>)> {
        let mut table = self.document.as_table();
        for part in &self.prefix {
            table = table.get(part)?.as_table()?;
        }
        let mut found = None;
        search(table, name, &mut Vec::new(), &mut found);
        let (offset, path) = found?;
        Some((self.line_at(offset), path))
    }

    fn line_at(&self, offset: usize) -> u32 {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        };
        u32::try_from(line + 1).unwrap_or(u32::MAX)
    }
}

fn item_span(item: &Item) -> Option<std::ops::Range<usize>> {
    match item {
        Item::Value(value) => value.span(),
        Item::Table(table) => table.span(),
        Item::ArrayOfTables(array) => array.span(),
        Item::None => None,
    }
}

/// Depth-first search for a key, keeping its table path.
fn search(
    table: &toml_edit::Table,
    name: &str,
    path: &mut Vec<String>,
    found: &mut Option<(usize, Vec<String>)>,
) {
    for (key, item) in table.iter() {
        if found.is_some() {
            return;
        }
        if key == name
            && let Some(span) = table
                .get_key_value(key)
                .and_then(|(k, i)| k.span().or_else(|| item_span(i)))
        {
            *found = Some((span.start, path.clone()));
            return;
        }
        match item {
            Item::Table(inner) => {
                path.push(key.to_string());
                search(inner, name, path, found);
                path.pop();
            }
            Item::ArrayOfTables(array) => {
                path.push(key.to_string());
                for inner in array.iter() {
                    search(inner, name, path, found);
                }
                path.pop();
            }
            _ => {}
        }
    }
}

/// The candidate closest to `given` by edit distance, when it is close
/// enough to be a likely typo.
pub fn nearest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (given.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(given, candidate), candidate))
        .filter(|&(distance, _)| distance <= limit)
        .min_by_key(|&(distance, candidate)| (distance, candidate))
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// The field names a serde "unknown field" error lists as expected.
pub fn expected_fields(message: &str) -> Vec<&str> {
    let Some((_, list)) = message.split_once("expected one of") else {
        return message
            .split_once("expected `")
            .and_then(|(_, rest)| rest.split('`').next())
            .into_iter()
            .collect();
    };
    list.split('`').skip(1).step_by(2).collect()
}

/// The unknown field a serde error names.
pub fn unknown_field(message: &str) -> Option<&str> {
    message.split_once("unknown field `")?.1.split('`').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_keys_in_both_layouts() {
        let text = "fail-on = \"high\"\n\n[code]\nselect = [\"B\"]\n";
        let located = Located::parse(text, false).unwrap();
        assert_eq!(located.line_of(&["fail-on"]), Some(1));
        assert_eq!(located.line_of(&["code", "select"]), Some(4));
        assert_eq!(located.line_of(&["code"]), Some(3));
        assert_eq!(located.line_of(&["secrets"]), None);

        let pyproject = "[project]\nname = \"x\"\n\n[tool.pyward]\nfail-on = \"low\"\n";
        let located = Located::parse(pyproject, true).unwrap();
        assert_eq!(located.line_of(&["fail-on"]), Some(5));
        assert_eq!(located.find_key("fail-on").map(|f| f.0), Some(5));
    }

    #[test]
    fn typos_find_their_key() {
        assert_eq!(
            nearest("fail-onn", ["fail-on", "min-severity"]),
            Some("fail-on")
        );
        assert_eq!(
            nearest("min_severity", ["fail-on", "min-severity"]),
            Some("min-severity")
        );
        assert_eq!(nearest("zzzzzz", ["fail-on"]), None);
    }

    #[test]
    fn serde_messages_are_read() {
        let message = "unknown field `fail-onn`, expected one of `fail-on`, `min-severity`";
        assert_eq!(unknown_field(message), Some("fail-onn"));
        assert_eq!(expected_fields(message), ["fail-on", "min-severity"]);
        assert_eq!(
            expected_fields("unknown field `x`, expected `baseline`"),
            ["baseline"]
        );
    }
}
