//! Times `redact` on 100,000 snippets: lines of the Python files under the
//! folder given (real code, as code findings quote it), or generated ones.
//!
//! usage: cargo run --release -p pyward-secrets --example redact_bench [FOLDER]

use std::path::Path;
use std::time::Instant;

const SNIPPETS: usize = 100_000;

fn lines_under(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::path);
    for entry in entries {
        if out.len() >= SNIPPETS {
            return;
        }
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            lines_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "py")
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            out.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .take(SNIPPETS - out.len()),
            );
        }
    }
}

fn generated() -> Vec<String> {
    let token = format!("{}_{}", "ghp", "Zq3vN8xL2mK7pR4tW9yB6cD1fG5hJ0aS3eU8");
    let shapes = [
        "subprocess.call(cmd, shell=True)".to_string(),
        "cursor.execute(\"SELECT * FROM users WHERE id = %s\" % user_id)".to_string(),
        "requests.get(url, verify=False)".to_string(),
        "assert isinstance(value, int), 'value must be an int'".to_string(),
        format!("headers = {{'Authorization': 'token {token}'}}"),
        "engine = create_engine('postgresql://app:Tr0ub4dor3xyz@db.internal/app')".to_string(),
        "password = \"Tr0ub4dor&3xyz\"".to_string(),
        "yaml.load(stream)".to_string(),
    ];
    (0..SNIPPETS)
        .map(|i| shapes[i % shapes.len()].clone())
        .collect()
}

fn main() {
    let snippets = match std::env::args().nth(1) {
        Some(dir) => {
            let mut lines = Vec::with_capacity(SNIPPETS);
            lines_under(Path::new(&dir), &mut lines);
            lines
        }
        None => generated(),
    };
    let bytes: usize = snippets.iter().map(String::len).sum();
    // Once to build the detectors' automata and patterns.
    let _ = pyward_secrets::redact("warm up");
    let start = Instant::now();
    let changed = snippets
        .iter()
        .filter(|s| matches!(pyward_secrets::redact(s), std::borrow::Cow::Owned(_)))
        .count();
    let elapsed = start.elapsed();
    if std::env::var_os("SHOW").is_some() {
        for s in &snippets {
            if let std::borrow::Cow::Owned(r) = pyward_secrets::redact(s) {
                println!("{s}\n  -> {r}");
            }
        }
    }
    println!(
        "{} snippets ({} bytes): {:.1} ms, {:.0} ns per snippet, {changed} redacted",
        snippets.len(),
        bytes,
        elapsed.as_secs_f64() * 1e3,
        elapsed.as_secs_f64() * 1e9 / snippets.len() as f64
    );
}
