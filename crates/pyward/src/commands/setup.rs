//! `pyward setup pip|uv|poetry [--undo]`: points a tool at the gateway by
//! writing its own configuration (as Safety's `safety init` does for its
//! firewall), and takes it back out.
//!
//! - pip: `index-url` in `[global]` of the user's `pip.conf` (or
//!   `$PIP_CONFIG_FILE`), the previous value kept in a comment for
//!   `--undo`;
//! - uv: a default `[[index]]` named `pyward` in the user's `uv.toml`
//!   (`UV_INDEX_URL` does the same for one shell);
//! - poetry: a primary `[[tool.poetry.source]]` named `pyward` in the
//!   project's `pyproject.toml`.
//!
//! Everything else in those files is kept as it was.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};

use crate::exit::ExitStatus;
use crate::output;

/// Where `pyward gateway` listens by default.
const DEFAULT_URL: &str = "http://127.0.0.1:8080/simple/";
/// The name of the index entries this command writes.
const SOURCE_NAME: &str = "pyward";
/// Marks the lines this command wrote in `pip.conf`.
const PIP_MARK: &str = "# pyward setup:";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Tool {
    Pip,
    Uv,
    Poetry,
}

#[derive(Debug, Clone, Args)]
pub struct SetupArgs {
    /// The tool to point at the gateway
    #[arg(value_enum)]
    pub tool: Tool,

    /// Remove what `pyward setup` wrote
    #[arg(long)]
    pub undo: bool,

    /// The gateway's simple API
    #[arg(long, value_name = "URL", default_value = DEFAULT_URL)]
    pub url: String,

    /// The file to change [default: pip's and uv's user configuration,
    /// poetry's `pyproject.toml` in the current folder]
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
}

pub fn run(args: &SetupArgs) -> anyhow::Result<ExitStatus> {
    let is_http = args.url.starts_with("http://") || args.url.starts_with("https://");
    if !args.undo && !is_http {
        anyhow::bail!("`--url {}` is not an http(s) URL", args.url);
    }
    let path = match &args.file {
        Some(path) => path.clone(),
        None => default_file(args.tool)?,
    };
    let before = match fs_err::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    if args.tool == Tool::Poetry && before.is_none() {
        anyhow::bail!(
            "`{}` does not exist; run `pyward setup poetry` in the project's folder",
            path.display()
        );
    }
    let text = before.clone().unwrap_or_default();
    let after = match (args.tool, args.undo) {
        (Tool::Pip, false) => pip_set(&text, &args.url),
        (Tool::Pip, true) => pip_undo(&text),
        (Tool::Uv, false) => {
            uv_set(&text, &args.url).with_context(|| path.display().to_string())?
        }
        (Tool::Uv, true) => uv_undo(&text).with_context(|| path.display().to_string())?,
        (Tool::Poetry, false) => {
            poetry_set(&text, &args.url).with_context(|| path.display().to_string())?
        }
        (Tool::Poetry, true) => poetry_undo(&text).with_context(|| path.display().to_string())?,
    };
    let tool = match args.tool {
        Tool::Pip => "pip",
        Tool::Uv => "uv",
        Tool::Poetry => "poetry",
    };
    if before.as_deref() == Some(after.as_str()) || (before.is_none() && after.is_empty()) {
        output::message(
            pyward_engine::Level::Note,
            &format!("`{}` already says so; nothing to change", path.display()),
        );
        return Ok(ExitStatus::Success);
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs_err::create_dir_all(parent)?;
    }
    write_atomically(&path, &after)?;
    let what = if args.undo {
        format!(
            "{tool} no longer installs through the gateway (`{}`)",
            path.display()
        )
    } else {
        format!(
            "{tool} now installs through `{}` (`{}`)",
            args.url,
            path.display()
        )
    };
    output::message(pyward_engine::Level::Note, &what);
    if args.tool == Tool::Poetry {
        output::message(
            pyward_engine::Level::Hint,
            "run `poetry lock` so the lock file records the new source",
        );
    }
    if args.tool == Tool::Uv && !args.undo {
        output::message(
            pyward_engine::Level::Hint,
            &format!("for one shell only: `export UV_INDEX_URL={}`", args.url),
        );
    }
    Ok(ExitStatus::Success)
}

fn default_file(tool: Tool) -> anyhow::Result<PathBuf> {
    use etcetera::BaseStrategy;
    if tool == Tool::Poetry {
        return Ok(PathBuf::from("pyproject.toml"));
    }
    if tool == Tool::Pip
        && let Some(file) = std::env::var_os("PIP_CONFIG_FILE").filter(|f| !f.is_empty())
    {
        return Ok(PathBuf::from(file));
    }
    let base = etcetera::choose_base_strategy()
        .context("no user configuration folder (set XDG_CONFIG_HOME or HOME), and no --file")?;
    Ok(match tool {
        Tool::Pip if cfg!(windows) => base.config_dir().join("pip").join("pip.ini"),
        Tool::Pip => base.config_dir().join("pip").join("pip.conf"),
        _ => base.config_dir().join("uv").join("uv.toml"),
    })
}

fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".pyward-")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    if let Ok(meta) = fs_err::metadata(path) {
        let _ = fs_err::set_permissions(temp.path(), meta.permissions());
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// `index-url = url` in `[global]`, the old value kept in a marked
/// comment.
fn pip_set(text: &str, url: &str) -> String {
    let cleaned = pip_undo(text);
    let mut lines: Vec<String> = cleaned.lines().map(str::to_string).collect();
    let global = lines
        .iter()
        .position(|l| l.trim().eq_ignore_ascii_case("[global]"));
    let section_end = |start: usize, lines: &[String]| {
        lines[start + 1..]
            .iter()
            .position(|l| l.trim_start().starts_with('['))
            .map_or(lines.len(), |i| start + 1 + i)
    };
    // configparser (pip's reader) keeps inline comments in the value, so
    // the mark goes on a line of its own.
    let ours = vec![
        format!("{PIP_MARK} added the next line"),
        format!("index-url = {url}"),
    ];
    match global {
        Some(start) => {
            let end = section_end(start, &lines);
            let existing = (start + 1..end).find(|&i| pip_key(&lines[i]) == Some("index-url"));
            match existing {
                Some(i) => {
                    let old = lines[i].clone();
                    lines[i] = format!("{PIP_MARK} was {old}");
                    lines.splice(i + 1..i + 1, ours);
                }
                None => {
                    lines.splice(start + 1..start + 1, ours);
                }
            }
        }
        None => {
            if lines.last().is_some_and(|l| !l.trim().is_empty()) {
                lines.push(String::new());
            }
            lines.push("[global]".to_string());
            lines.extend(ours);
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn pip_key(line: &str) -> Option<&str> {
    let (key, _) = line.split_once(['=', ':'])?;
    Some(key.trim()).filter(|k| !k.starts_with(['#', ';']))
}

/// Takes out what [`pip_set`] wrote and puts back what it replaced; a
/// `[global]` left empty goes too.
fn pip_undo(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut input = text.lines();
    while let Some(line) = input.next() {
        if let Some(old) = line.strip_prefix(&format!("{PIP_MARK} was ")) {
            lines.push(old.to_string());
        } else if line.starts_with(&format!("{PIP_MARK} added")) {
            input.next();
        } else {
            lines.push(line.to_string());
        }
    }
    // An empty `[global]` that only held our line.
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let is_global = lines[i].trim().eq_ignore_ascii_case("[global]");
        let next_is_section_or_end = lines[i + 1..]
            .iter()
            .find(|l| !l.trim().is_empty())
            .is_none_or(|l| l.trim_start().starts_with('['));
        if is_global && next_is_section_or_end {
            i += 1;
            continue;
        }
        out.push(lines[i].clone());
        i += 1;
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    if out.is_empty() {
        return String::new();
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

fn parse_toml(text: &str) -> anyhow::Result<toml_edit::DocumentMut> {
    text.parse::<toml_edit::DocumentMut>()
        .map_err(|e| anyhow::anyhow!("not valid TOML: {}", e.message()))
}

/// Removes the tables named `pyward` from the array of tables `array`
/// (under `parents`), dropping the array when it ends up empty.
fn remove_named(document: &mut toml_edit::DocumentMut, parents: &[&str], array: &str) {
    let mut table = document.as_table_mut();
    for part in parents {
        match table.get_mut(part).and_then(toml_edit::Item::as_table_mut) {
            Some(next) => table = next,
            None => return,
        }
    }
    let Some(tables) = table
        .get_mut(array)
        .and_then(toml_edit::Item::as_array_of_tables_mut)
    else {
        return;
    };
    tables.retain(|t| t.get("name").and_then(toml_edit::Item::as_str) != Some(SOURCE_NAME));
    if tables.is_empty() {
        table.remove(array);
    }
}

fn uv_set(text: &str, url: &str) -> anyhow::Result<String> {
    let mut document = parse_toml(text)?;
    remove_named(&mut document, &[], "index");
    let mut entry = toml_edit::Table::new();
    entry.insert("name", toml_edit::value(SOURCE_NAME));
    entry.insert("url", toml_edit::value(url));
    entry.insert("default", toml_edit::value(true));
    let tables = document
        .entry("index")
        .or_insert(toml_edit::Item::ArrayOfTables(
            toml_edit::ArrayOfTables::new(),
        ));
    let tables = tables
        .as_array_of_tables_mut()
        .context("`index` is not an array of tables")?;
    tables.push(entry);
    Ok(document.to_string())
}

fn uv_undo(text: &str) -> anyhow::Result<String> {
    let mut document = parse_toml(text)?;
    remove_named(&mut document, &[], "index");
    Ok(document.to_string())
}

fn poetry_set(text: &str, url: &str) -> anyhow::Result<String> {
    let mut document = parse_toml(text)?;
    remove_named(&mut document, &["tool", "poetry"], "source");
    let mut entry = toml_edit::Table::new();
    entry.insert("name", toml_edit::value(SOURCE_NAME));
    entry.insert("url", toml_edit::value(url));
    entry.insert("priority", toml_edit::value("primary"));
    let tool = document
        .entry("tool")
        .or_insert(toml_edit::table())
        .as_table_mut()
        .context("`tool` is not a table")?;
    tool.set_implicit(true);
    let poetry = tool
        .entry("poetry")
        .or_insert(toml_edit::table())
        .as_table_mut()
        .context("`tool.poetry` is not a table")?;
    let sources = poetry
        .entry("source")
        .or_insert(toml_edit::Item::ArrayOfTables(
            toml_edit::ArrayOfTables::new(),
        ))
        .as_array_of_tables_mut()
        .context("`tool.poetry.source` is not an array of tables")?;
    sources.push(entry);
    Ok(document.to_string())
}

fn poetry_undo(text: &str) -> anyhow::Result<String> {
    let mut document = parse_toml(text)?;
    remove_named(&mut document, &["tool", "poetry"], "source");
    Ok(document.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://gw.internal:8080/simple/";

    #[test]
    fn pip_config_is_written_and_undone_keeping_the_rest() {
        let original = "[global]\ntimeout = 60\nindex-url = https://mirror.example/simple/\n\n[install]\nno-compile = true\n";
        let set = pip_set(original, URL);
        assert!(set.contains(&format!("index-url = {URL}")), "{set}");
        assert!(set.contains("timeout = 60"), "{set}");
        assert_eq!(
            set.lines()
                .filter(|l| pip_key(l) == Some("index-url"))
                .count(),
            1,
            "{set}"
        );
        assert_eq!(pip_set(&set, URL), set, "setting twice changes nothing");
        assert_eq!(pip_undo(&set), original);

        let fresh = pip_set("", URL);
        assert_eq!(
            fresh,
            format!("[global]\n{PIP_MARK} added the next line\nindex-url = {URL}\n")
        );
        assert_eq!(pip_undo(&fresh), "");
    }

    #[test]
    fn uv_config_gets_a_default_index_and_loses_it() {
        let original = "native-tls = true\n\n[[index]]\nname = \"internal\"\nurl = \"https://internal.example/simple/\"\n";
        let set = uv_set(original, URL).unwrap();
        let parsed: toml::Table = toml::from_str(&set).unwrap();
        let indexes = parsed["index"].as_array().unwrap();
        assert_eq!(indexes.len(), 2);
        assert_eq!(indexes[1]["url"].as_str(), Some(URL));
        assert_eq!(indexes[1]["default"].as_bool(), Some(true));
        assert_eq!(uv_set(&set, URL).unwrap(), set);
        assert_eq!(uv_undo(&set).unwrap(), original);
        assert_eq!(uv_undo(&uv_set("", URL).unwrap()).unwrap(), "");
        assert!(uv_set("index = [", URL).is_err());
    }

    #[test]
    fn poetry_gets_a_primary_source_in_the_project() {
        let original =
            "[tool.poetry]\nname = \"app\"\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\n";
        let set = poetry_set(original, URL).unwrap();
        let parsed: toml::Table = toml::from_str(&set).unwrap();
        let source = &parsed["tool"]["poetry"]["source"][0];
        assert_eq!(source["name"].as_str(), Some("pyward"));
        assert_eq!(source["priority"].as_str(), Some("primary"));
        assert!(set.starts_with(original), "{set}");
        assert_eq!(poetry_undo(&set).unwrap(), original);
    }
}
