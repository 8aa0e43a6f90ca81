//! Where reports and messages go: reports to standard output or `--output`
//! (written to a temporary file and renamed, so a failed run never leaves a
//! half-written report), messages to standard error.

use std::io::{self, Write};
use std::path::Path;

use anyhow::Context;

/// Writes one line to standard error. The only place pyward prints
/// warnings and errors, so their style stays the same everywhere.
pub fn error_line(message: &str) {
    let stderr = io::stderr();
    let mut lock = stderr.lock();
    let _ = writeln!(lock, "{message}");
}

/// `warning: ...` on standard error.
pub fn warn(message: &str) {
    error_line(&format!("warning: {message}"));
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
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
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
