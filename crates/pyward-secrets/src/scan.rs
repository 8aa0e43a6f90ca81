//! Scanning one file's text: run the detectors that can match, drop
//! placeholders, suppressed lines and overlaps, and turn what is left into
//! redacted findings.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use pyward_model::{Detail, Finding, FindingKind, Location, SecretDetail};
use sha1::Digest as _;

use crate::Settings;
use crate::detectors::{Candidate, Context, Detector, REGISTRY};
use crate::file_kind::{self, FileKind};
use crate::filters;

/// What scanning one file produced.
#[derive(Debug, Default)]
pub struct FileScan {
    pub findings: Vec<Finding>,
    /// Findings the baseline already lists.
    pub baselined: Vec<Finding>,
    pub warnings: Vec<String>,
}

/// One keyword automaton for every detector's prefilter words; maps each
/// pattern back to the detectors that asked for it.
struct Prefilter {
    automaton: AhoCorasick,
    owners: Vec<Vec<usize>>,
}

static PREFILTER: LazyLock<Prefilter> = LazyLock::new(|| {
    let mut words: Vec<&'static str> = Vec::new();
    let mut owners: Vec<Vec<usize>> = Vec::new();
    for (index, detector) in REGISTRY.iter().enumerate() {
        for &word in detector.keywords {
            match words.iter().position(|w| *w == word) {
                Some(at) => owners[at].push(index),
                None => {
                    words.push(word);
                    owners.push(vec![index]);
                }
            }
        }
    }
    let automaton = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&words)
        .expect("built-in keywords build an automaton");
    Prefilter { automaton, owners }
});

/// Which detectors can match `text`, by the prefilter.
fn detectors_to_run(text: &str, settings: &Settings) -> Vec<bool> {
    let mut run: Vec<bool> = REGISTRY.iter().map(|d| d.keywords.is_empty()).collect();
    let prefilter = &*PREFILTER;
    let mut pending = run.iter().filter(|r| !**r).count();
    for found in prefilter.automaton.find_overlapping_iter(text) {
        for &owner in &prefilter.owners[found.pattern().as_usize()] {
            if !run[owner] {
                run[owner] = true;
                pending -= 1;
            }
        }
        if pending == 0 {
            break;
        }
    }
    for (index, detector) in REGISTRY.iter().enumerate() {
        if settings.disabled.contains(detector.id) {
            run[index] = false;
        }
    }
    run
}

/// Detectors that judge by names and entropy rather than a checked token
/// shape: they do not run on lockfiles, whose long strings are digests.
fn is_contextual(detector: &Detector) -> bool {
    matches!(detector.id, "password-assignment" | "high-entropy-string")
}

/// Scans one file's text. `path` is relative to the scanned root, with
/// `/` separators; it decides the file's syntax and is what findings name.
pub fn scan_text(path: &str, text: &str, settings: &Settings) -> FileScan {
    let mut scan = FileScan::default();
    let kind = FileKind::of(path);
    let lockfile = file_kind::is_lockfile(path);
    let run = detectors_to_run(text, settings);
    let ctx = Context { text, kind };

    let mut candidates: Vec<(usize, Candidate)> = Vec::new();
    let mut buffer = Vec::new();
    for (index, detector) in REGISTRY.iter().enumerate() {
        if !run[index] || (lockfile && is_contextual(detector)) {
            continue;
        }
        buffer.clear();
        (detector.find)(&ctx, &mut buffer);
        candidates.extend(buffer.drain(..).map(|c| (index, c)));
    }
    if candidates.is_empty() {
        return scan;
    }

    let lines = LineIndex::new(text);
    let mut long_line_warned = false;
    // Most specific detector first, then by position: a span already
    // claimed by an earlier detector is not reported again.
    candidates.sort_by_key(|(index, c)| (*index, c.start));
    let mut claimed: Vec<(usize, usize)> = Vec::new();
    for (index, candidate) in candidates {
        let detector = REGISTRY[index];
        if candidate.check_placeholder && filters::is_placeholder(&candidate.secret) {
            continue;
        }
        if claimed
            .iter()
            .any(|&(start, end)| candidate.start < end && start < candidate.end)
        {
            continue;
        }
        let line_number = lines.line_of(candidate.start);
        let line_start = lines.start_of(line_number);
        if candidate.start - line_start > settings.max_line_length {
            if !long_line_warned {
                scan.warnings.push(format!(
                    "`{path}`: line {} is longer than {} bytes; only its start was scanned",
                    line_number + 1,
                    settings.max_line_length
                ));
                long_line_warned = true;
            }
            continue;
        }
        if is_suppressed(text, &lines, line_number) {
            claimed.push((candidate.start, candidate.end));
            continue;
        }
        claimed.push((candidate.start, candidate.end));
        let column = text[line_start..candidate.start].chars().count() + 1;
        let end_line = lines.line_of(candidate.end.saturating_sub(1).max(candidate.start));
        let end_start = lines.start_of(end_line).min(candidate.end);
        let end = (
            end_line + 1,
            text.get(end_start..candidate.end)
                .map_or(0, |t| t.chars().count())
                + 1,
        );
        let finding = to_finding(detector, &candidate, path, (line_number + 1, column), end);
        let in_baseline = settings.baseline.as_ref().is_some_and(|baseline| {
            baseline.contains(
                path,
                &sha1_hex(&candidate.secret),
                candidate.alt_secret.as_deref().map(sha1_hex).as_deref(),
                &finding.fingerprint,
            )
        });
        if in_baseline {
            scan.baselined.push(finding);
        } else {
            scan.findings.push(finding);
        }
    }
    scan.findings
        .sort_by_key(|f| f.location.as_ref().map(|l| (l.line, l.column)));
    scan
}

/// Whether a line carries a suppression comment: detect-secrets'
/// `pragma: allowlist secret` (in any comment style) or Bandit's `nosec`,
/// or the line before says `pragma: allowlist nextline secret`.
fn is_suppressed(text: &str, lines: &LineIndex, line: usize) -> bool {
    let this = lines.text_of(text, line).to_ascii_lowercase();
    if this.contains("pragma: allowlist secret")
        || this.contains("pragma:allowlist secret")
        || contains_nosec(&this)
    {
        return true;
    }
    line > 0
        && lines
            .text_of(text, line - 1)
            .to_ascii_lowercase()
            .contains("pragma: allowlist nextline secret")
}

/// `nosec` as a word after a comment marker (`# nosec`, `// nosec`,
/// `/* nosec */`, `-- nosec`, `; nosec`), not inside an identifier.
fn contains_nosec(line: &str) -> bool {
    line.match_indices("nosec").any(|(at, _)| {
        let before = line[..at].trim_end();
        let after = line[at + 5..].chars().next();
        let marker = ["#", "//", "/*", "--", ";", "<!--"]
            .iter()
            .any(|m| before.ends_with(m));
        marker && after.is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_')
    })
}

/// Turns a kept candidate into a redacted finding.
fn to_finding(
    detector: &Detector,
    candidate: &Candidate,
    path: &str,
    (line, column): (usize, usize),
    (end_line, end_column): (usize, usize),
) -> Finding {
    let secret = &candidate.secret;
    let length = secret.chars().count();
    let preview = preview(secret);
    let mut finding = Finding::new(
        FindingKind::Secret,
        detector.id,
        candidate.severity.unwrap_or(detector.severity),
    );
    finding.confidence = Some(detector.confidence);
    let number = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    finding.location = Some(
        Location::new(path, number(line), number(column))
            .ending_at(number(end_line), number(end_column)),
    );
    finding.message = Some(format!("{} `{preview}` ({length} chars)", detector.title));
    finding.cwe = Some(detector.cwe.to_string());
    finding.fingerprint = secret_fingerprint(detector.id, secret);
    finding.detail = Some(Detail::Secret(SecretDetail {
        preview,
        length,
        hashed_secret: reveals_nothing_when_hashed(detector).then(|| sha1_hex(secret)),
        commit: None,
    }));
    finding
}

/// The fingerprint of a secret: stable across runs, edits and moves of the
/// line, and shared by the working tree and history scans.
pub fn secret_fingerprint(detector_id: &str, secret: &str) -> String {
    let digest = sha2::Sha256::digest(secret.as_bytes());
    pyward_model::fingerprint(&[detector_id, &hex::encode(digest)])
}

/// Whether a SHA-1 of the secret may go into reports. Generated keys and
/// tokens cannot be guessed back from their hash; passwords that people
/// chose (in assignments and URLs) can be, by trying a word list, so their
/// hash is left out of reports (the baseline identifies them by
/// fingerprint instead).
fn reveals_nothing_when_hashed(detector: &Detector) -> bool {
    !matches!(detector.id, "password-assignment" | "url-credentials")
}

/// SHA-1 hex digest: detect-secrets' `hashed_secret`.
pub fn sha1_hex(secret: &str) -> String {
    hex::encode(sha1::Sha1::digest(secret.as_bytes()))
}

/// The first few characters of a secret and an ellipsis: at most 4, and
/// never more than a quarter of it, so a short password keeps most of its
/// characters hidden.
pub fn preview(secret: &str) -> String {
    let length = secret.chars().count();
    let shown = (length / 4).min(4);
    let mut preview: String = secret.chars().take(shown).collect();
    preview.push('…');
    preview
}

/// Byte offsets where lines start, to turn a byte offset into a line.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { starts }
    }

    /// 0-based line of a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub(crate) fn start_of(&self, line: usize) -> usize {
        self.starts[line]
    }

    pub(crate) fn text_of<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        &text[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(path: &str, text: &str) -> Vec<(String, u32)> {
        scan_text(path, text, &Settings::default())
            .findings
            .into_iter()
            .map(|f| (f.id, f.location.map_or(0, |l| l.line)))
            .collect()
    }

    #[test]
    fn previews_hide_most_of_short_secrets() {
        assert_eq!(preview("hunter22"), "hu…");
        assert_eq!(preview("ghp_0123456789abcdefghij0123456789abcdef"), "ghp_…");
        assert_eq!(preview("abc"), "…");
    }

    #[test]
    fn nosec_is_a_comment_word() {
        assert!(contains_nosec("x = 'a'  # nosec"));
        assert!(contains_nosec("x = 'a'  // nosec B105"));
        assert!(!contains_nosec("nosecurity = 1"));
        assert!(!contains_nosec("# nosecret"));
    }

    #[test]
    fn specific_detector_wins_over_generic() {
        let text = "token = \"ghp_Zq3vN8xL2mK7pR4tW9yB6cD1fG5hJ0aS3eU8\"\n";
        assert_eq!(ids("a.py", text), vec![("github-token".to_string(), 1)]);
    }

    #[test]
    fn suppressed_lines_are_not_reported() {
        let text = "token = \"ghp_Zq3vN8xL2mK7pR4tW9yB6cD1fG5hJ0aS3eU8\"  # pragma: allowlist secret\n\
                    # pragma: allowlist nextline secret\n\
                    password = \"Tr0ub4dor&3\"\n";
        assert!(ids("a.py", text).is_empty());
    }

    #[test]
    fn messages_never_carry_the_secret() {
        let secret = "ghp_Zq3vN8xL2mK7pR4tW9yB6cD1fG5hJ0aS3eU8";
        let scan = scan_text("a.py", &format!("t = '{secret}'\n"), &Settings::default());
        let json = serde_json::to_string(&scan.findings).unwrap();
        assert!(!json.contains(&secret[4..]));
        assert!(json.contains("(40 chars)"));
    }

    #[test]
    fn line_index_maps_offsets() {
        let index = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(index.line_of(0), 0);
        assert_eq!(index.line_of(3), 1);
        assert_eq!(index.line_of(7), 3);
        assert_eq!(index.text_of("ab\ncd\n\nef", 1), "cd");
    }

    /// Fragments that wake the detectors up, so arbitrary text reaches
    /// their deeper paths rather than only the prefilter.
    fn fragment() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            "[ -~]{0,40}",
            "[\\n\\t\"'=:]{1,3}",
            Just("ghp_".to_string()),
            Just("AKIA".to_string()),
            Just("-----BEGIN RSA PRIVATE KEY-----\n".to_string()),
            Just("-----END RSA PRIVATE KEY-----".to_string()),
            Just("eyJ".to_string()),
            Just("postgres://u:".to_string()),
            Just("@h/".to_string()),
            Just("password = \"".to_string()),
            Just("\"type\": \"service_account\", \"client_email\": \"".to_string()),
            Just("\"private_key\": \"-----BEGIN PRIVATE KEY-----".to_string()),
            Just("é€😀".to_string()),
            Just("# pragma: allowlist secret".to_string()),
            "[A-Za-z0-9+/]{20,90}",
        ]
    }

    proptest::proptest! {
        #[test]
        fn scanning_arbitrary_text_never_panics(pieces in proptest::collection::vec(fragment(), 0..30), path in "(a\\.py|b\\.yml|\\.env|c\\.json|d|poetry\\.lock)") {
            let text: String = pieces.concat();
            let lines = text.split('\n').count();
            for kind_path in [path.as_str()] {
                let scan = scan_text(kind_path, &text, &Settings::default());
                for finding in &scan.findings {
                    let location = finding.location.as_ref().expect("location");
                    proptest::prop_assert!(location.line >= 1 && location.line as usize <= lines);
                    proptest::prop_assert!(location.column >= 1);
                    proptest::prop_assert!(finding.message.as_ref().is_some_and(|m| m.contains("chars")));
                }
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2000)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = scan_text("x.py", &text, &Settings::default());
        }
    }
}
