//! Where reports and messages go: reports to standard output or `--output`
//! (written to a temporary file and renamed, so a failed run never leaves a
//! half-written report), messages to standard error.

use std::io::{self, Write};
use std::path::Path;

use anyhow::Context;
use pyward_engine::{Level, Setup};

/// Writes one line to standard error. The only place pyward prints
/// warnings and errors, so their style stays the same everywhere; control
/// characters (from file names, advisory text) are shown escaped, so that
/// nothing scanned can move the cursor or clear the terminal.
pub fn error_line(message: &str) {
    let stderr = io::stderr();
    let mut lock = stderr.lock();
    let _ = writeln!(lock, "{}", escape_controls(message));
}

/// `warning: ...` on standard error.
pub fn warn(message: &str) {
    message_line("warning", message);
}

/// A message of the engine at its level.
pub fn message(level: Level, text: &str) {
    let prefix = match level {
        Level::Note => "note",
        Level::Warning => "warning",
        Level::Error => "error",
        Level::Hint => "hint",
    };
    message_line(prefix, text);
}

fn message_line(prefix: &str, text: &str) {
    error_line(&format!("{prefix}: {text}"));
}

/// `text` with every control character but tab shown as an escape.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\t' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether an error is standard output's reader going away.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Refuses, before any scanning, an output path that cannot be written or
/// that would replace one of the run's own inputs (`-o requirements.txt`).
pub fn check_output_path(path: &Path, setup: &Setup) -> anyhow::Result<()> {
    if path.is_dir() {
        anyhow::bail!(
            "cannot write the report to `{}`: it is a folder",
            path.display()
        );
    }
    if path.exists() && !path.is_file() {
        // A device or pipe (`-o /dev/null`) is written into, not replaced.
        return Ok(());
    }
    if path.is_file() {
        let output = fs_err::canonicalize(path)?;
        let request = &setup.request;
        let named = setup
            .paths
            .iter()
            .chain(&request.requirements)
            .chain(request.config_file.iter())
            .chain(request.secrets.baseline.iter())
            .chain(setup.config.path.iter());
        for input in named {
            if fs_err::canonicalize(input).is_ok_and(|input| input == output) {
                anyhow::bail!(
                    "`-o {}` would replace an input of this scan; write the report elsewhere",
                    path.display()
                );
            }
        }
        if is_dependency_or_source_file(path)
            && setup
                .paths
                .iter()
                .filter_map(|p| fs_err::canonicalize(p).ok())
                .any(|tree| output.starts_with(tree))
        {
            anyhow::bail!(
                "`-o {}` would replace a file this scan reads; write the report elsewhere",
                path.display()
            );
        }
    }
    let dir = parent_or_current(path);
    tempfile::Builder::new()
        .prefix(".pyward-check-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write the report to `{}`", path.display()))?;
    Ok(())
}

/// Files a scan reads as input: dependency files, Python sources.
fn is_dependency_or_source_file(path: &Path) -> bool {
    pyward_inventory::Format::for_named_file(path).is_some()
        || path
            .extension()
            .is_some_and(|ext| ext == "py" || ext == "pyi" || ext == "pyw")
}

fn parent_or_current(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Renders with `render` into `path` atomically, or to standard output.
pub fn write_report(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    match path {
        None => {
            let stdout = io::stdout();
            let mut lock = io::BufWriter::new(stdout.lock());
            render(&mut lock)?;
            lock.flush()?;
            Ok(())
        }
        // `-o /dev/null`, a FIFO or a terminal: renaming a temporary file
        // over it would replace the device with a regular file, so write
        // straight into it.
        Some(path) if path.exists() && !path.is_file() => {
            let file = fs_err::OpenOptions::new().write(true).open(path)?;
            let mut buffered = io::BufWriter::new(file);
            render(&mut buffered)?;
            buffered.flush()?;
            Ok(())
        }
        Some(path) => {
            let dir = parent_or_current(path);
            // Created with the user's umask, like any file they write (a
            // temporary file alone would be 0600).
            let mut builder = tempfile::Builder::new();
            builder.prefix(".pyward-report-");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(std::fs::Permissions::from_mode(0o666));
            }
            let mut tmp = builder
                .tempfile_in(dir)
                .with_context(|| format!("cannot write the report to `{}`", path.display()))?;
            {
                let mut buffered = io::BufWriter::new(tmp.as_file_mut());
                render(&mut buffered)?;
                buffered.flush()?;
            }
            tmp.persist(path)
                .with_context(|| format!("cannot write the report to `{}`", path.display()))?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_controls("line\nnext"), "line\\nnext");
        assert_eq!(escape_controls("tab\tok"), "tab\tok");
    }
}
