//! The engine: the one pipeline every pyward command (and the package
//! gateway) runs. It owns the configuration, the policy, the database
//! handle and the table of scanners.
//!
//! ```text
//! Request (what the user asked) --Engine::new--> Setup (checked settings,
//!     configuration) + prepared scanners --Engine::run--> Outcome
//!     (report with policy applied, messages, verdict)
//! ```
//!
//! A command fills a [`Request`], builds an [`Engine`] for the scanners it
//! runs, and renders the [`Outcome`]. `pyward scan` asks for every scanner
//! and `pyward code` for one; both take the same path, so they cannot give
//! different findings. The engine never prints: what the user should hear
//! comes back as [`Message`]s.

mod baseline;
pub mod config;
pub mod database;
mod error;
pub mod inventory;
pub mod judge;
pub mod policy;
mod reach;
mod redact;
mod request;
pub mod scanner;
mod scanners;
mod setup;
pub mod vex;

use pyward_model::{Finding, Report};

use policy::Gate;

pub use error::EngineError;
pub use judge::{Block, BlockReason, Decision, Judge};
pub use policy::FailOn;
pub use request::{CodeRequest, Request, SecretsRequest, Selection};
pub use scanner::{REGISTRY, ScannerId};
pub use scanners::code::rule_info as code_rule_info;
pub use scanners::secrets::{SecretsScan, detector_info};
pub use setup::Setup;

use scanner::Scan;

/// Something the user should hear about a run, on standard error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub level: Level,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Note,
    Warning,
    Error,
    Hint,
}

impl Message {
    fn note(text: impl Into<String>) -> Self {
        Self {
            level: Level::Note,
            text: text.into(),
        }
    }

    fn warning(text: impl Into<String>) -> Self {
        Self {
            level: Level::Warning,
            text: text.into(),
        }
    }
}

/// How a run ends, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing at or above `--fail-on` (exit 0).
    Clean,
    /// Something at or above `--fail-on` (exit 1).
    Findings,
    /// Some input could not be read, and `--keep-going` was not given
    /// (exit 2).
    Incomplete,
}

/// A finished run.
#[derive(Debug)]
pub struct Outcome {
    pub report: Report,
    pub messages: Vec<Message>,
    pub verdict: Verdict,
    /// With `--write-baseline`: the report to save (every finding of this
    /// run, those an older baseline set aside included).
    pub saved_baseline: Option<Report>,
}

/// The settings of one run and the scanners it runs, prepared.
pub struct Engine {
    setup: Setup,
    scanners: Vec<Box<dyn Scan>>,
    messages: Vec<Message>,
}

impl Engine {
    /// Checks the request, reads the configuration and prepares
    /// `scanners`: every error a bad option, configuration or baseline can
    /// cause happens here, before any scanning work.
    pub fn new(request: Request, scanners: &[ScannerId]) -> Result<Self, EngineError> {
        let setup = Setup::new(request)?;
        if let Some(path) = &setup.request.baseline
            && setup.report_baseline.is_none()
            && !scanners.contains(&ScannerId::Secrets)
        {
            return Err(EngineError::Option(format!(
                "`--baseline {}` is not a pyward JSON report (save one with `--write-baseline`)",
                path.display()
            )));
        }
        let mut messages: Vec<Message> = setup
            .config
            .warnings
            .iter()
            .map(Message::warning)
            .chain(setup.config.notes.iter().map(Message::note))
            .collect();
        // `scan`: the code scanner reads the first-party imports in its own
        // pass, for the dependency scanner's reachability.
        if scanners.contains(&ScannerId::Deps)
            && scanners.contains(&ScannerId::Code)
            && reach::roots_of(&setup.paths, &setup.request.requirements) == setup.paths
        {
            setup.imports.promise(setup.paths.clone());
        }
        let mut prepared = Vec::with_capacity(scanners.len());
        for &id in scanners {
            let scan = scanner::prepare(id, &setup)?;
            messages.extend(scan.notes().into_iter().map(Message::note));
            prepared.push(scan);
        }
        Ok(Self {
            setup,
            scanners: prepared,
            messages,
        })
    }

    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    /// Runs the scanners (in parallel), merges what they found, applies
    /// the policy, and decides the verdict.
    pub fn run(self) -> Result<Outcome, EngineError> {
        let Engine {
            setup,
            scanners,
            mut messages,
        } = self;
        let parts = std::thread::scope(|scope| {
            let handles: Vec<_> = scanners
                .iter()
                .map(|scan| (scan.id(), scope.spawn(|| scan.run())))
                .collect();
            handles
                .into_iter()
                .map(|(id, handle)| {
                    handle
                        .join()
                        .map_err(|_| EngineError::ScannerPanicked(id.name()))?
                })
                .collect::<Result<Vec<_>, EngineError>>()
        })?;

        let mut report = Report::new(env!("CARGO_PKG_VERSION"));
        report.root = setup.root.clone();
        for part in parts {
            messages.extend(part.notes.into_iter().map(Message::note));
            messages.extend(part.warnings.into_iter().map(Message::warning));
            merge(&mut report, part.report);
        }
        messages.extend(
            setup
                .inventory
                .settle(&mut report)
                .into_iter()
                .map(Message::note),
        );
        redact::report(&mut report);

        let mut noise = Noise::new(&report);
        let notes = policy::apply(
            &mut report,
            &setup.config.config,
            &setup.request.ignore,
            setup.request.min_severity,
            policy::today(),
        );
        messages.extend(notes.warnings.into_iter().map(Message::warning));
        if notes.below_min_severity > 0 {
            messages.push(Message::note(format!(
                "{} finding{} below min-severity not shown (listed under `ignored` in the JSON report)",
                notes.below_min_severity,
                if notes.below_min_severity == 1 { "" } else { "s" }
            )));
        }
        noise.step(&report, "ignores and min-severity");
        for document in &setup.vex {
            let cleared = document.apply(&mut report);
            if cleared > 0 {
                messages.push(Message::note(format!(
                    "{cleared} finding{} marked not affected in `{}`",
                    if cleared == 1 { "" } else { "s" },
                    document.path.display()
                )));
            }
        }
        if !setup.vex.is_empty() {
            noise.step(&report, "VEX");
        }
        let unreachable_warn = setup.config.config.unreachable == Some(config::Unreachable::Warn);
        let unreachable = unreachable_findings(&report);
        if unreachable > 0 {
            noise.reachability(&report, unreachable, unreachable_warn);
            let one = unreachable == 1;
            let what = format!(
                "{unreachable} finding{} on dependencies that first-party code does not reach (`reachable: false`)",
                if one { "" } else { "s" }
            );
            messages.push(Message::note(if unreachable_warn {
                format!(
                    "{what} {} not fail the run (`unreachable = \"warn\"`)",
                    if one { "does" } else { "do" }
                )
            } else {
                format!(
                    "{what}; {} (`unreachable = \"warn\"` lets {} pass)",
                    if one {
                        "it still counts"
                    } else {
                        "they still count"
                    },
                    if one { "it" } else { "them" }
                )
            }));
        }
        let saved_baseline = setup
            .request
            .write_baseline
            .is_some()
            .then(|| baseline::to_save(&report, setup.report_baseline.as_ref()));
        if let Some(baseline) = &setup.report_baseline {
            let known = baseline.apply(&mut report);
            if known > 0 {
                messages.push(Message::note(format!(
                    "{known} finding{} already in the baseline not reported",
                    if known == 1 { "" } else { "s" }
                )));
            }
        }
        if setup.report_baseline.is_some() {
            noise.step(&report, "baseline");
        }
        noise.finish(&mut report);
        messages.extend(fixable_note(&report, &setup.fix_command()).map(Message::note));
        sort_findings(&mut report.findings);
        sort_findings(&mut report.ignored);
        report.rules.sort_by(|a, b| a.id.cmp(&b.id));
        report.rules.dedup_by(|a, b| a.id == b.id);

        let verdict = verdict(&report, setup.gate(), setup.request.keep_going);
        Ok(Outcome {
            report,
            messages,
            verdict,
            saved_baseline,
        })
    }
}

/// The policy's steps of the noise figures, after the dependency
/// scanner's own.
struct Noise {
    steps: Vec<pyward_model::NoiseStep>,
    last: usize,
    /// After the reachability step with `unreachable = "warn"`: findings
    /// marked unreachable no longer count.
    discount_unreachable: bool,
}

impl Noise {
    fn new(report: &Report) -> Self {
        Self {
            steps: Vec::new(),
            last: vulnerabilities(report),
            discount_unreachable: false,
        }
    }

    fn count(&self, report: &Report) -> usize {
        let all = vulnerabilities(report);
        if self.discount_unreachable {
            all - unreachable_findings(report)
        } else {
            all
        }
    }

    /// Records a step when it changed something.
    fn step(&mut self, report: &Report, name: &str) {
        let now = self.count(report);
        if now != self.last {
            self.steps.push(pyward_model::NoiseStep {
                step: name.to_string(),
                findings: now,
                unreachable: None,
            });
            self.last = now;
        }
    }

    /// The reachability step, when some findings are unreachable: with
    /// `warn` they leave the count, else the step says how many there
    /// are.
    fn reachability(&mut self, report: &Report, unreachable: usize, warn: bool) {
        self.discount_unreachable = warn;
        let now = self.count(report);
        self.steps.push(pyward_model::NoiseStep {
            step: "reachability".to_string(),
            findings: now,
            unreachable: Some(unreachable),
        });
        self.last = now;
    }

    fn finish(self, report: &mut Report) {
        if !report.noise.is_empty() {
            report.noise.extend(self.steps);
        }
    }
}

fn vulnerabilities(report: &Report) -> usize {
    report
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                pyward_model::FindingKind::Vulnerability | pyward_model::FindingKind::Malicious
            )
        })
        .count()
}

/// The note saying how many vulnerable pins have a fixed release above
/// them, and that `fix_command` ([`Setup::fix_command`]) moves them;
/// `None` when none has.
pub fn fixable_note(report: &Report, fix_command: &str) -> Option<String> {
    use std::str::FromStr;
    let mut fixable: std::collections::BTreeSet<(&str, &str)> = std::collections::BTreeSet::new();
    for finding in &report.findings {
        if finding.kind != pyward_model::FindingKind::Vulnerability {
            continue;
        }
        let (Some(package), Some(Some(version))) = (&finding.package, &finding.version) else {
            continue;
        };
        let Ok(current) = pep440_rs::Version::from_str(version.trim()) else {
            continue;
        };
        let has_fix = finding
            .vulnerability()
            .is_some_and(|detail| detail.fixes.iter().any(|fix| *fix > current));
        if has_fix {
            fixable.insert((package.as_str(), version.as_str()));
        }
    }
    match fixable.len() {
        0 => None,
        1 => Some(format!(
            "1 vulnerable pin can be upgraded to a fixed release: run `{fix_command}` (`--dry-run` shows the change first)"
        )),
        n => Some(format!(
            "{n} vulnerable pins can be upgraded to a fixed release: run `{fix_command}` (`--dry-run` shows the changes first)"
        )),
    }
}

/// Vulnerability findings marked `reachable: false`.
fn unreachable_findings(report: &Report) -> usize {
    report
        .findings
        .iter()
        .filter(|f| {
            f.kind == pyward_model::FindingKind::Vulnerability
                && f.vulnerability().and_then(|v| v.reachable) == Some(false)
        })
        .count()
}

/// Adds one scanner's part to the report.
fn merge(report: &mut Report, part: Report) {
    if part.database.is_some() {
        report.database = part.database;
    }
    report.noise.extend(part.noise);
    report.environments.extend(part.environments);
    report.dependencies.extend(part.dependencies);
    report.findings.extend(part.findings);
    report.ignored.extend(part.ignored);
    report.errors.extend(part.errors);
    report.rules.extend(part.rules);
    report.graph.extend(part.graph);
}

/// Whatever could not be read, by any scanner, leaves the scan incomplete
/// (exit 2) unless `--keep-going`; else the findings decide.
fn verdict(report: &Report, gate: Gate, keep_going: bool) -> Verdict {
    if !report.errors.is_empty() && !keep_going {
        Verdict::Incomplete
    } else if report.findings.iter().any(|f| gate.fails(f)) {
        Verdict::Findings
    } else {
        Verdict::Clean
    }
}

/// One order for every format and every run, so reports diff cleanly.
fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            (
                f.kind,
                f.package.clone(),
                f.version.clone(),
                f.location
                    .as_ref()
                    .map(|l| (l.path.clone(), l.line, l.column)),
                f.id.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
}
