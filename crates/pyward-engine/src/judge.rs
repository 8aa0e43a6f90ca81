//! The package gateway's decisions: whether a project, or one release of
//! it, may be installed. The gateway calls this module and nothing else to
//! decide, so that `pyward scan` and `pyward gateway` never disagree.
//!
//! A release is judged as `pyward scan` would judge a requirement pinned to
//! it: the database's audit of that (package, version), then the policy's
//! `[[ignore]]` entries and `min-severity`, then `[gateway]`'s own settings
//! (`block-vulnerable`, the allow list). A project is judged by what covers
//! every one of its versions: a malicious-package record with no fixed
//! version, a name that imitates a popular project.
//!
//! ```text
//! Config + Database --Judge::new--> Judge
//!     Judge::project(name)             -> Decision   (every file of the project)
//!     Judge::releases(name, versions)  -> Vec<Decision>
//!     Judge::license(name, version, METADATA) -> Decision
//! ```
//!
//! The judge never touches the network or the disk beyond the database it
//! was given.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use pyward_model::{Dependency, Finding, FindingKind, PackageName, Report, Severity};
use pyward_osv::Database;
use serde::Deserialize;

use crate::EngineError;
use crate::config::Config;
use crate::policy::{self, FailOn, Gate};

/// `[gateway]` in the configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GatewayConfig {
    /// The index the gateway serves from: the URL of a simple repository
    /// API (`https://pypi.org/simple/`) or a folder laid out as one.
    pub upstream: Option<String>,
    /// Whether known-vulnerable versions are left out: `true` (any
    /// severity), `false` (reported in the log, allowed), or the lowest
    /// severity that is left out (`"high"`).
    pub block_vulnerable: Option<BlockVulnerable>,
    /// Exceptions, each with its reason.
    #[serde(default)]
    pub allow: Vec<AllowEntry>,
}

/// One `[[gateway.allow]]` entry: a package (at some versions) that is let
/// through whatever the look-alike, vulnerability and license checks say.
/// Malware is not: a malicious-package record is set aside only by an
/// `[[ignore]]` entry naming its exact id, as in `pyward scan`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AllowEntry {
    /// The project's name (any spelling; compared normalized).
    pub package: String,
    /// Only these versions (a PEP 440 range such as `<3.2`).
    #[serde(default, deserialize_with = "specifiers")]
    pub versions: Option<pep440_rs::VersionSpecifiers>,
    /// Why the exception is safe: required.
    #[serde(deserialize_with = "reason")]
    pub reason: String,
}

fn specifiers<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<pep440_rs::VersionSpecifiers>, D::Error> {
    let text = String::deserialize(deserializer)?;
    text.parse()
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("`versions = \"{text}\"`: {e}")))
}

fn reason<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = String::deserialize(deserializer)?;
    if text.trim().is_empty() {
        return Err(serde::de::Error::custom(
            "an allow entry needs a `reason` that says why it is safe",
        ));
    }
    Ok(text)
}

/// Which known-vulnerable versions the gateway leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BlockVulnerable {
    /// None: they are reported in the log and allowed.
    #[default]
    Off,
    /// Those with an advisory at or above this severity (`Unknown`: every
    /// one). An advisory of unknown severity counts at every threshold
    /// while `fail-on-unknown` is on, as it does for `pyward scan`.
    AtOrAbove(Severity),
}

impl FromStr for BlockVulnerable {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "any" | "all" | "unknown" => Ok(Self::AtOrAbove(Severity::Unknown)),
            "false" | "off" | "none" => Ok(Self::Off),
            other => other.parse::<Severity>().map(Self::AtOrAbove).map_err(|_| {
                format!(
                    "`{text}` is not one of true (any severity), false, critical, high, medium, low"
                )
            }),
        }
    }
}

impl<'de> Deserialize<'de> for BlockVulnerable {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = BlockVulnerable;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("true, false, or a severity (\"high\")")
            }
            fn visit_bool<E>(self, value: bool) -> Result<Self::Value, E> {
                Ok(if value {
                    BlockVulnerable::AtOrAbove(Severity::Unknown)
                } else {
                    BlockVulnerable::Off
                })
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
                value.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Why a project or a release is refused: the label metrics count blocks
/// by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockReason {
    Malicious,
    LookAlike,
    Vulnerable,
    License,
}

impl BlockReason {
    pub const ALL: [BlockReason; 4] = [
        BlockReason::Malicious,
        BlockReason::LookAlike,
        BlockReason::Vulnerable,
        BlockReason::License,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BlockReason::Malicious => "malicious",
            BlockReason::LookAlike => "look-alike",
            BlockReason::Vulnerable => "vulnerable",
            BlockReason::License => "license",
        }
    }
}

impl fmt::Display for BlockReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refusal: what the user sees after `blocked by pyward: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub reason: BlockReason,
    /// One line: `malicious package (MAL-2024-9934)`,
    /// `'reqeusts' imitates 'requests'`.
    pub message: String,
    /// The advisory ids behind it, where there are some.
    pub ids: Vec<String>,
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the judge decided about a project or a release.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    /// `Some`: refused.
    pub block: Option<Block>,
    /// Advisories that cover it but do not block it (blocking is off, or
    /// below its threshold): logged.
    pub known_vulnerabilities: Vec<String>,
    /// The reason of the allow-list entry that let a refusal through.
    pub allowed_by: Option<String>,
}

impl Decision {
    pub fn is_blocked(&self) -> bool {
        self.block.is_some()
    }

    fn blocked(block: Block) -> Self {
        Self {
            block: Some(block),
            ..Self::default()
        }
    }
}

/// A name that imitates a popular project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookAlike {
    /// The popular project it imitates.
    pub similar_to: String,
    /// How (`swapped letters`, `separator change`): for the log.
    pub technique: String,
}

/// Tells look-alike names. The built-in one ([`BuiltinLookAlikes`]) uses
/// the engine's look-alike check; tests and callers with their own list
/// provide another.
pub trait LookAlikeCheck: Send + Sync {
    fn check(&self, name: &PackageName) -> Option<LookAlike>;
}

/// The look-alike check `pyward scan` uses: the built-in list of popular
/// projects, less the names of `[typosquat] allow`.
pub struct BuiltinLookAlikes {
    checker: pyward_typosquat::Checker,
}

impl BuiltinLookAlikes {
    pub fn new(config: &Config) -> Self {
        let allow: pyward_typosquat::AllowList = config
            .typosquat
            .as_ref()
            .map(|t| t.allow.iter().map(|name| PackageName::new(name)).collect())
            .unwrap_or_default();
        Self {
            checker: pyward_typosquat::Checker::builtin().with_allow_list(allow),
        }
    }
}

impl LookAlikeCheck for BuiltinLookAlikes {
    fn check(&self, name: &PackageName) -> Option<LookAlike> {
        self.checker.check(name).map(|found| LookAlike {
            similar_to: found.similar_to.as_str().to_string(),
            technique: found.technique.description(),
        })
    }
}

/// The most of a `METADATA` file read for its license: the headers come
/// first, and a description can be megabytes.
pub const MAX_METADATA_HEADER_BYTES: usize = 256 * 1024;

/// Tells licenses a policy forbids.
pub trait LicenseCheck: Send + Sync {
    /// Whether there is a policy at all: without one the gateway does not
    /// fetch metadata files to judge licenses.
    fn is_active(&self) -> bool;
    /// Why the release whose core metadata file (`METADATA`, PEP 658) is
    /// `metadata` breaks the policy, or `None`.
    fn violation(&self, metadata: &str) -> Option<LicenseViolation>;
}

/// A license the policy forbids, as `pyward scan` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseViolation {
    /// The finding's id (`license-denied`): what `[[ignore]]` names.
    pub rule_id: String,
    pub severity: Severity,
    /// One sentence, naming the license.
    pub reason: String,
}

/// The license policy of `[licenses]`, as `pyward scan` applies it. The
/// gateway serves many projects, none of them its own, so without a policy
/// there is nothing to check (`scan` also compares with the project's own
/// license).
#[derive(Debug, Clone, Default)]
pub struct ConfiguredLicenses {
    policy: Option<pyward_licenses::LicensePolicy>,
}

impl ConfiguredLicenses {
    /// The policy of `config`, checked (an unknown SPDX id is an error).
    pub fn new(config: &Config) -> Result<Self, pyward_licenses::PolicyError> {
        let policy = match &config.licenses {
            Some(policy) => Some(policy.clone().validated()?),
            None => None,
        };
        Ok(Self { policy })
    }
}

impl LicenseCheck for ConfiguredLicenses {
    fn is_active(&self) -> bool {
        self.policy.is_some()
    }

    fn violation(&self, metadata: &str) -> Option<LicenseViolation> {
        use pyward_licenses::ViolationKind;
        let policy = self.policy.as_ref()?;
        let info = pyward_licenses::resolve(&pyward_licenses::from_core_metadata(metadata));
        let violation = pyward_licenses::evaluate(Some(policy), None, &info)?;
        // The severities the license scanner gives its findings.
        let severity = match violation.kind {
            ViolationKind::Denied | ViolationKind::DeniedCategory | ViolationKind::NotAllowed => {
                Severity::High
            }
            ViolationKind::Conflict => Severity::Medium,
            ViolationKind::NoLicense => Severity::Low,
        };
        Some(LicenseViolation {
            rule_id: crate::scanners::licenses::rule_id(violation.kind).to_string(),
            severity,
            reason: violation.reason,
        })
    }
}

/// Judges projects and releases.
#[derive(Clone)]
pub struct Judge {
    settings: Arc<Settings>,
    database: Arc<Database>,
}

struct Settings {
    config: Config,
    block_vulnerable: BlockVulnerable,
    look_alikes: Box<dyn LookAlikeCheck>,
    licenses: Box<dyn LicenseCheck>,
}

impl fmt::Debug for Judge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Judge")
            .field("database", &self.database)
            .field("block_vulnerable", &self.settings.block_vulnerable)
            .finish_non_exhaustive()
    }
}

impl Judge {
    /// A judge of `config` (its `[[ignore]]` entries, `min-severity`,
    /// `fail-on-unknown` and `[gateway]`) over `database`.
    /// `block_vulnerable` (from the command line) overrides the
    /// configuration's.
    /// An invalid `[licenses]` policy is an error.
    pub fn new(
        config: Config,
        database: Database,
        block_vulnerable: Option<BlockVulnerable>,
    ) -> Result<Self, EngineError> {
        let licenses = ConfiguredLicenses::new(&config)
            .map_err(|e| EngineError::Option(format!("`[licenses]`: {e}")))?;
        let look_alikes = BuiltinLookAlikes::new(&config);
        Ok(Self::with_checks(
            config,
            database,
            block_vulnerable,
            Box::new(look_alikes),
            Box::new(licenses),
        ))
    }

    /// As [`Judge::new`], with the look-alike and license checks given.
    pub fn with_checks(
        config: Config,
        database: Database,
        block_vulnerable: Option<BlockVulnerable>,
        look_alikes: Box<dyn LookAlikeCheck>,
        licenses: Box<dyn LicenseCheck>,
    ) -> Self {
        let block_vulnerable = block_vulnerable
            .or_else(|| config.gateway.as_ref().and_then(|g| g.block_vulnerable))
            .unwrap_or_default();
        Self {
            settings: Arc::new(Settings {
                config,
                block_vulnerable,
                look_alikes,
                licenses,
            }),
            database: Arc::new(database),
        }
    }

    /// The same judge over another database (after `pyward db update`
    /// replaced the file).
    #[must_use]
    pub fn with_database(&self, database: Database) -> Self {
        Self {
            settings: Arc::clone(&self.settings),
            database: Arc::new(database),
        }
    }

    pub fn database(&self) -> &Database {
        &self.database
    }

    pub fn block_vulnerable(&self) -> BlockVulnerable {
        self.settings.block_vulnerable
    }

    /// Whether license decisions need the releases' metadata files.
    pub fn checks_licenses(&self) -> bool {
        self.settings.licenses.is_active()
    }

    /// What covers every file of `name`: a malicious-package record for
    /// every version, or a look-alike name.
    pub fn project(&self, name: &PackageName) -> Result<Decision, EngineError> {
        let findings = self.audit(name, &[None])?;
        if let Some(block) = malicious(name, None, &findings) {
            return Ok(Decision::blocked(block));
        }
        let Some(look_alike) = self.settings.look_alikes.check(name) else {
            return Ok(Decision::default());
        };
        let finding = Finding::new(
            FindingKind::Typosquat,
            crate::scanners::names::RULE_ID,
            Severity::High,
        );
        if let Some(reason) = self.ignored(finding, name, None) {
            return Ok(Decision {
                allowed_by: Some(reason),
                ..Decision::default()
            });
        }
        let block = Block {
            reason: BlockReason::LookAlike,
            message: format!("'{name}' imitates '{}'", look_alike.similar_to),
            ids: Vec::new(),
        };
        Ok(self.unless_allowed(name, None, block))
    }

    /// Each of `versions` of `name`, in order. A malicious version is
    /// refused; a known-vulnerable one is refused when `block-vulnerable`
    /// says so, and otherwise allowed with its advisories noted.
    pub fn releases(
        &self,
        name: &PackageName,
        versions: &[&str],
    ) -> Result<Vec<Decision>, EngineError> {
        let queries: Vec<Option<&str>> = versions.iter().map(|v| Some(*v)).collect();
        let findings = self.audit(name, &queries)?;
        let gate = match self.settings.block_vulnerable {
            BlockVulnerable::Off => None,
            BlockVulnerable::AtOrAbove(floor) => Some(Gate {
                fail_on: FailOn::AtOrAbove(floor),
                fail_on_unknown: self.settings.config.fail_on_unknown.unwrap_or(true),
                // The gateway judges a package, not a project's use of it.
                unreachable_warns: false,
            }),
        };
        Ok(versions
            .iter()
            .map(|version| {
                let of_version: Vec<&pyward_model::Finding> = findings
                    .iter()
                    .filter(|f| f.version.as_ref().and_then(Option::as_deref) == Some(*version))
                    .collect();
                if let Some(block) = malicious(name, Some(version), &of_version) {
                    return Decision::blocked(block);
                }
                let vulnerabilities: Vec<&pyward_model::Finding> = of_version
                    .iter()
                    .copied()
                    .filter(|f| f.kind == FindingKind::Vulnerability)
                    .collect();
                let ids: Vec<String> = vulnerabilities.iter().map(|f| f.id.clone()).collect();
                let blocking: Vec<String> = match gate {
                    Some(gate) => vulnerabilities
                        .iter()
                        .filter(|f| gate.fails(f))
                        .map(|f| f.id.clone())
                        .collect(),
                    None => Vec::new(),
                };
                if blocking.is_empty() {
                    return Decision {
                        known_vulnerabilities: ids,
                        ..Decision::default()
                    };
                }
                let block = Block {
                    reason: BlockReason::Vulnerable,
                    message: format!(
                        "{name} {version} has known vulnerabilities ({})",
                        list_ids(&blocking)
                    ),
                    ids: blocking,
                };
                let mut decision = self.unless_allowed(name, Some(version), block);
                decision.known_vulnerabilities = ids;
                decision
            })
            .collect())
    }

    /// A release's license, from its core metadata file.
    pub fn license(&self, name: &PackageName, version: &str, metadata: &[u8]) -> Decision {
        let head = &metadata[..metadata.len().min(MAX_METADATA_HEADER_BYTES)];
        let text = String::from_utf8_lossy(head);
        let Some(violation) = self.settings.licenses.violation(&text) else {
            return Decision::default();
        };
        let finding = Finding::new(
            FindingKind::License,
            violation.rule_id.clone(),
            violation.severity,
        );
        if let Some(reason) = self.ignored(finding, name, Some(version)) {
            return Decision {
                allowed_by: Some(reason),
                ..Decision::default()
            };
        }
        self.unless_allowed(
            name,
            Some(version),
            Block {
                reason: BlockReason::License,
                message: format!("{name} {version}: {}", violation.reason),
                ids: vec![violation.rule_id],
            },
        )
    }

    /// The reason `[[ignore]]` (or `min-severity`) sets `finding` of
    /// `name` aside, as it would in `pyward scan`.
    fn ignored(
        &self,
        mut finding: Finding,
        name: &PackageName,
        version: Option<&str>,
    ) -> Option<String> {
        finding.package = Some(name.clone());
        finding.version = Some(version.map(str::to_string));
        let mut report = Report::new(env!("CARGO_PKG_VERSION"));
        report.findings.push(finding);
        let _notes = policy::apply(
            &mut report,
            &self.settings.config,
            &[],
            None,
            policy::today(),
        );
        report.ignored.pop().and_then(|f| f.ignore_reason)
    }

    /// The findings `pyward scan` would report for `name` at each version
    /// (`None`: a requirement that pins none), after the policy.
    fn audit(
        &self,
        name: &PackageName,
        versions: &[Option<&str>],
    ) -> Result<Vec<pyward_model::Finding>, EngineError> {
        let deps: Vec<Dependency> = versions
            .iter()
            .map(|version| Dependency::new(name.as_str(), *version, "gateway"))
            .collect();
        let mut report = Report::new(env!("CARGO_PKG_VERSION"));
        // The matches become findings exactly as the dependency scanner
        // makes them, so the policy sees what it sees in `scan`.
        report.findings = self
            .database
            .query(&deps)?
            .into_iter()
            .map(|m| crate::scanners::deps::finding_of(m, &deps))
            .collect();
        // The notes (ignores that matched nothing in this one package) are
        // about the whole policy, which a single package cannot judge.
        let _notes = policy::apply(
            &mut report,
            &self.settings.config,
            &[],
            None,
            policy::today(),
        );
        Ok(report.findings)
    }

    fn unless_allowed(&self, name: &PackageName, version: Option<&str>, block: Block) -> Decision {
        let allowed = self
            .settings
            .config
            .gateway
            .iter()
            .flat_map(|g| &g.allow)
            .find(|entry| allows(entry, name, version));
        match allowed {
            Some(entry) => Decision {
                allowed_by: Some(entry.reason.clone()),
                ..Decision::default()
            },
            None => Decision::blocked(block),
        }
    }
}

fn allows(entry: &AllowEntry, name: &PackageName, version: Option<&str>) -> bool {
    if PackageName::new(&entry.package) != *name {
        return false;
    }
    match (&entry.versions, version) {
        (None, _) => true,
        // A range cannot vouch for every version of a project.
        (Some(_), None) => false,
        (Some(range), Some(version)) => version
            .parse::<pep440_rs::Version>()
            .is_ok_and(|v| range.contains(&v)),
    }
}

fn malicious<F: std::borrow::Borrow<pyward_model::Finding>>(
    name: &PackageName,
    version: Option<&str>,
    findings: &[F],
) -> Option<Block> {
    let ids: Vec<String> = findings
        .iter()
        .map(std::borrow::Borrow::borrow)
        .filter(|f| f.kind == FindingKind::Malicious)
        .map(|f| f.id.clone())
        .collect();
    if ids.is_empty() {
        return None;
    }
    let what = match version {
        None => "malicious package".to_string(),
        Some(version) => format!("{name} {version} is a malicious release"),
    };
    Some(Block {
        reason: BlockReason::Malicious,
        message: format!("{what} ({})", list_ids(&ids)),
        ids,
    })
}

/// A few ids, then a count: a reason phrase stays one short line.
fn list_ids(ids: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut text = ids
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        text.push_str(&format!(" and {} more", ids.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::IgnoreRule;

    /// A database of these OSV records (JSON).
    fn database(records: &[serde_json::Value]) -> Database {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("osv");
        fs_err::create_dir_all(&source).unwrap();
        for (i, record) in records.iter().enumerate() {
            fs_err::write(source.join(format!("{i}.json")), record.to_string()).unwrap();
        }
        let dest = dir.path().join("osv.db");
        pyward_osv::import(&source, &dest, &pyward_osv::ImportOptions::default()).unwrap();
        // The open file stays readable once the folder is gone.
        Database::open(&dest).unwrap()
    }

    fn record(id: &str, package: &str, events: serde_json::Value) -> serde_json::Value {
        serde_json::json!({
            "id": id,
            "modified": "2024-01-01T00:00:00Z",
            "summary": format!("{id} summary"),
            "affected": [{
                "package": {"ecosystem": "PyPI", "name": package},
                "ranges": [{"type": "ECOSYSTEM", "events": events}]
            }]
        })
    }

    fn sample() -> Database {
        database(&[
            record(
                "MAL-2024-9934",
                "evil-pkg",
                serde_json::json!([{"introduced": "0"}]),
            ),
            record(
                "MAL-2024-1",
                "hijacked",
                serde_json::json!([{"introduced": "2.0.1"}, {"fixed": "2.0.2"}]),
            ),
            record(
                "PYSEC-2021-9",
                "django",
                serde_json::json!([{"introduced": "3.0"}, {"fixed": "3.0.12"}]),
            ),
        ])
    }

    fn config(toml_text: &str) -> Config {
        toml::from_str(toml_text).unwrap()
    }

    fn new_judge(config: Config, database: Database, block: Option<BlockVulnerable>) -> Judge {
        Judge::new(config, database, block).unwrap()
    }

    fn name(text: &str) -> PackageName {
        PackageName::new(text)
    }

    struct Table;
    impl LookAlikeCheck for Table {
        fn check(&self, name: &PackageName) -> Option<LookAlike> {
            (name.as_str() == "reqeusts").then(|| LookAlike {
                similar_to: "requests".into(),
                technique: "swapped letters".into(),
            })
        }
    }

    #[test]
    fn a_malicious_project_is_refused_whole_with_its_id() {
        let judge = new_judge(Config::default(), sample(), None);
        let decision = judge.project(&name("Evil_Pkg")).unwrap();
        let block = decision.block.unwrap();
        assert_eq!(block.reason, BlockReason::Malicious);
        assert_eq!(block.message, "malicious package (MAL-2024-9934)");
        assert!(!judge.project(&name("django")).unwrap().is_blocked());
        assert!(
            !judge.project(&name("hijacked")).unwrap().is_blocked(),
            "one bad release does not condemn the project"
        );
    }

    #[test]
    fn a_malicious_release_is_refused_and_its_neighbours_are_not() {
        let judge = new_judge(Config::default(), sample(), None);
        let decisions = judge
            .releases(&name("hijacked"), &["2.0.0", "2.0.1", "2.0.2"])
            .unwrap();
        assert!(!decisions[0].is_blocked());
        let block = decisions[1].block.as_ref().unwrap();
        assert_eq!(block.reason, BlockReason::Malicious);
        assert!(block.message.contains("MAL-2024-1"), "{}", block.message);
        assert!(!decisions[2].is_blocked());
    }

    #[test]
    fn vulnerable_versions_are_noted_and_blocked_only_when_asked() {
        let lenient = new_judge(Config::default(), sample(), None);
        let decisions = lenient
            .releases(&name("django"), &["3.0.1", "3.0.12"])
            .unwrap();
        assert!(!decisions[0].is_blocked());
        assert_eq!(decisions[0].known_vulnerabilities, ["PYSEC-2021-9"]);
        assert!(decisions[1].known_vulnerabilities.is_empty());

        let strict = new_judge(
            config("[gateway]\nblock-vulnerable = true\n"),
            sample(),
            None,
        );
        let decisions = strict
            .releases(&name("django"), &["3.0.1", "3.0.12"])
            .unwrap();
        let block = decisions[0].block.as_ref().unwrap();
        assert_eq!(block.reason, BlockReason::Vulnerable);
        assert_eq!(
            block.message,
            "django 3.0.1 has known vulnerabilities (PYSEC-2021-9)"
        );
        assert!(!decisions[1].is_blocked());

        // The command line wins over the file.
        let off = new_judge(
            config("[gateway]\nblock-vulnerable = true\n"),
            sample(),
            Some(BlockVulnerable::Off),
        );
        assert!(!off.releases(&name("django"), &["3.0.1"]).unwrap()[0].is_blocked());
    }

    #[test]
    fn a_severity_threshold_follows_fail_on_unknown() {
        // The sample advisory has no severity: unknown.
        let high = new_judge(
            config("[gateway]\nblock-vulnerable = \"high\"\n"),
            sample(),
            None,
        );
        assert!(high.releases(&name("django"), &["3.0.1"]).unwrap()[0].is_blocked());
        let lenient = new_judge(
            config("fail-on-unknown = false\n[gateway]\nblock-vulnerable = \"high\"\n"),
            sample(),
            None,
        );
        let decision = &lenient.releases(&name("django"), &["3.0.1"]).unwrap()[0];
        assert!(!decision.is_blocked());
        assert_eq!(decision.known_vulnerabilities, ["PYSEC-2021-9"]);
    }

    #[test]
    fn ignores_apply_as_in_scan_and_malware_needs_its_exact_id() {
        let mut config = config("[gateway]\nblock-vulnerable = true\n");
        config.ignore = vec![
            IgnoreRule {
                id: Some("PYSEC-2021-9".into()),
                reason: "admin site not deployed".into(),
                ..IgnoreRule::default()
            },
            IgnoreRule {
                package: Some("evil-*".into()),
                reason: "a package pattern never hides malware".into(),
                ..IgnoreRule::default()
            },
        ];
        let judge = new_judge(config.clone(), sample(), None);
        assert!(!judge.releases(&name("django"), &["3.0.1"]).unwrap()[0].is_blocked());
        assert!(judge.project(&name("evil-pkg")).unwrap().is_blocked());
        config.ignore.push(IgnoreRule {
            id: Some("MAL-2024-9934".into()),
            reason: "our own test package".into(),
            ..IgnoreRule::default()
        });
        let judge = new_judge(config, sample(), None);
        assert!(!judge.project(&name("evil-pkg")).unwrap().is_blocked());
    }

    #[test]
    fn look_alikes_are_refused_unless_allowed_with_a_reason() {
        let judge = Judge::with_checks(
            Config::default(),
            sample(),
            None,
            Box::new(Table),
            Box::new(ConfiguredLicenses::default()),
        );
        let block = judge.project(&name("reqeusts")).unwrap().block.unwrap();
        assert_eq!(block.reason, BlockReason::LookAlike);
        assert_eq!(block.message, "'reqeusts' imitates 'requests'");

        let allowed = Judge::with_checks(
            config("[[gateway.allow]]\npackage = \"Reqeusts\"\nreason = \"ours, really\"\n"),
            sample(),
            None,
            Box::new(Table),
            Box::new(ConfiguredLicenses::default()),
        );
        let decision = allowed.project(&name("reqeusts")).unwrap();
        assert!(!decision.is_blocked());
        assert_eq!(decision.allowed_by.as_deref(), Some("ours, really"));
    }

    #[test]
    fn allow_entries_narrow_by_version_and_never_cover_malware() {
        let judge = new_judge(
            config(
                "[gateway]\nblock-vulnerable = true\n[[gateway.allow]]\npackage = \"django\"\nversions = \"<3.0.5\"\nreason = \"patched in our fork\"\n[[gateway.allow]]\npackage = \"evil-pkg\"\nreason = \"no\"\n",
            ),
            sample(),
            None,
        );
        let decisions = judge
            .releases(&name("django"), &["3.0.1", "3.0.6"])
            .unwrap();
        assert!(!decisions[0].is_blocked());
        assert_eq!(
            decisions[0].allowed_by.as_deref(),
            Some("patched in our fork")
        );
        assert!(decisions[1].is_blocked());
        assert!(judge.project(&name("evil-pkg")).unwrap().is_blocked());
    }

    #[test]
    fn gateway_configuration_is_checked() {
        for (text, want) in [
            ("[gateway]\nblock-vulnerable = \"severe\"\n", "severe"),
            ("[gateway]\nupstreams = \"x\"\n", "upstreams"),
            (
                "[[gateway.allow]]\npackage = \"x\"\nreason = \" \"\n",
                "reason",
            ),
            (
                "[[gateway.allow]]\npackage = \"x\"\nversions = \"~~1\"\nreason = \"r\"\n",
                "versions",
            ),
        ] {
            let err = toml::from_str::<Config>(text).unwrap_err().to_string();
            assert!(err.contains(want), "{text}: {err}");
        }
        let config = config(
            "[gateway]\nupstream = \"https://pypi.org/simple/\"\nblock-vulnerable = \"medium\"\n",
        );
        let gateway = config.gateway.unwrap();
        assert_eq!(
            gateway.block_vulnerable,
            Some(BlockVulnerable::AtOrAbove(Severity::Medium))
        );
        assert_eq!("false".parse::<BlockVulnerable>(), Ok(BlockVulnerable::Off));
    }

    #[test]
    fn a_license_the_policy_forbids_is_refused() {
        let judge = new_judge(
            config("[licenses]\ndeny = [\"GPL-3.0-only\"]\n"),
            sample(),
            None,
        );
        assert!(judge.checks_licenses());
        let block = judge
            .license(
                &name("x"),
                "1.0",
                b"Metadata-Version: 2.4\nName: x\nLicense-Expression: GPL-3.0-only\n\nLicense: MIT in the description\n",
            )
            .block
            .unwrap();
        assert_eq!(block.reason, BlockReason::License);
        assert!(block.message.starts_with("x 1.0: "), "{}", block.message);
        assert!(block.message.contains("GPL-3.0-only"), "{}", block.message);
        let mit =
            b"Metadata-Version: 2.1\nName: x\nClassifier: License :: OSI Approved :: MIT License\n";
        assert!(!judge.license(&name("x"), "1.0", mit).is_blocked());
        let allowed = new_judge(
            config(
                "[licenses]\ndeny = [\"GPL-3.0-only\"]\n[[gateway.allow]]\npackage = \"x\"\nreason = \"internal use only\"\n",
            ),
            sample(),
            None,
        );
        assert!(
            !allowed
                .license(&name("x"), "1.0", b"License-Expression: GPL-3.0-only\n")
                .is_blocked()
        );
        let ignored = new_judge(
            config(
                "[licenses]\ndeny = [\"GPL-3.0-only\"]\n[[ignore]]\nid = \"license-denied\"\npackage = \"x\"\nreason = \"not distributed\"\n",
            ),
            sample(),
            None,
        );
        let decision = ignored.license(&name("x"), "1.0", b"License-Expression: GPL-3.0-only\n");
        assert_eq!(decision.allowed_by.as_deref(), Some("not distributed"));
        // Without a policy nothing is checked (and no metadata fetched).
        assert!(!new_judge(Config::default(), sample(), None).checks_licenses());
        assert!(
            Judge::new(
                config("[licenses]\ndeny = [\"Not-A-License\"]\n"),
                sample(),
                None
            )
            .is_err()
        );
    }

    #[test]
    fn the_built_in_look_alike_list_is_the_one_scan_uses() {
        let judge = new_judge(Config::default(), sample(), None);
        let block = judge.project(&name("reqeusts")).unwrap().block.unwrap();
        assert_eq!(block.reason, BlockReason::LookAlike);
        assert_eq!(block.message, "'reqeusts' imitates 'requests'");
        assert!(!judge.project(&name("requests")).unwrap().is_blocked());
        let vouched = new_judge(
            config("[typosquat]\nallow = [\"reqeusts\"]\n"),
            sample(),
            None,
        );
        assert!(!vouched.project(&name("reqeusts")).unwrap().is_blocked());
        // An `[[ignore]]` that sets the finding aside in `scan` lets it
        // through here.
        let ignored = new_judge(
            config("[[ignore]]\nid = \"typosquat\"\npackage = \"reqeusts\"\nreason = \"ours\"\n"),
            sample(),
            None,
        );
        let decision = ignored.project(&name("reqeusts")).unwrap();
        assert!(!decision.is_blocked());
        assert_eq!(decision.allowed_by.as_deref(), Some("ours"));
    }
}
