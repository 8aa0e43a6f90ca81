//! OSV records: the tolerant wire format (private) and the advisory pyward
//! keeps (public), reduced to PyPI and to what matching and reports need.

use pyward_model::{PackageName, Severity};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

/// One OSV advisory, reduced to its PyPI entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advisory {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// CVSS vectors of the whole advisory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<SeverityVector>,
    /// The `database_specific.severity` label (`HIGH`, `MODERATE`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_severity: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// PyPI entries only.
    #[serde(default)]
    pub affected: Vec<Affected>,
}

/// A `severity` entry: `CVSS_V2`, `CVSS_V3`, `CVSS_V4` (or another type,
/// kept but not scored) and its vector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityVector {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub url: String,
}

/// One `affected` entry of a PyPI package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    pub package: PackageName,
    /// `ECOSYSTEM` ranges only (`GIT` ranges name commits, not versions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// The explicit `versions` list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// CVSS vectors given for this package only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<SeverityVector>,
}

/// An `ECOSYSTEM` range: its events in the order the record gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

impl Event {
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

impl Advisory {
    /// A malicious-package report (OSV's `MAL-` ids).
    pub fn is_malicious(&self) -> bool {
        self.id.starts_with("MAL-")
    }

    /// The summary, else the first paragraph of the details, on one line.
    /// Details are often hard-wrapped, so a paragraph (not a line) is the
    /// unit that keeps a sentence whole; reports shorten it further.
    pub fn headline(&self) -> Option<String> {
        [self.summary.as_deref(), self.details.as_deref()]
            .into_iter()
            .flatten()
            .map(first_paragraph)
            .find(|paragraph| !paragraph.is_empty())
    }

    /// The id and every alias.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// The first run of non-blank lines, whitespace collapsed to single spaces.
fn first_paragraph(text: &str) -> String {
    let mut words = Vec::new();
    for line in text.lines().skip_while(|line| line.trim().is_empty()) {
        if line.trim().is_empty() {
            break;
        }
        words.extend(line.split_whitespace());
    }
    words.join(" ")
}

/// What the audit needs of an advisory, for one package: stored apart
/// from the full record so that an audit decodes only this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoryCore {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Computed when the database is built (see [`crate::severity`]).
    pub severity: Severity,
    /// The package's entries. Their `versions` lists keep only the
    /// versions outside every range of the entry: a listed version inside
    /// a range cannot change an answer (affected means listed *or* in a
    /// range), and dropping it spares the audit parsing thousands of them.
    pub affected: Vec<Affected>,
}

/// What a finding shows of an advisory, stored apart from the core: read
/// only for packages with a finding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoryDisplay {
    /// The first line of the summary, else of the details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// The first few reference URLs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
}

/// How many reference URLs a finding carries.
pub const DISPLAY_REFERENCES: usize = 5;

impl AdvisoryDisplay {
    pub fn from_advisory(advisory: &Advisory) -> Self {
        let mut references: Vec<String> = Vec::new();
        for r in &advisory.references {
            if references.len() < DISPLAY_REFERENCES && !references.contains(&r.url) {
                references.push(r.url.clone());
            }
        }
        Self {
            headline: advisory.headline(),
            references,
        }
    }
}

impl AdvisoryCore {
    pub fn from_advisory(advisory: &Advisory) -> Self {
        let affected = advisory
            .affected
            .iter()
            .map(|entry| {
                let ranges_only_entry = Affected {
                    versions: Vec::new(),
                    ..entry.clone()
                };
                let ranges_only = crate::matching::PreparedEntry::new(&ranges_only_entry);
                let versions = entry
                    .versions
                    .iter()
                    .filter(|v| {
                        let query = crate::matching::QueryVersion::new(v);
                        !(query.is_pep440()
                            && ranges_only.matches(&ranges_only_entry, &query).is_some())
                    })
                    .cloned()
                    .collect();
                Affected {
                    package: entry.package.clone(),
                    ranges: entry.ranges.clone(),
                    versions,
                    severity: Vec::new(),
                }
            })
            .collect();
        Self {
            id: advisory.id.clone(),
            aliases: advisory.aliases.clone(),
            severity: crate::severity::advisory_severity(advisory),
            affected,
        }
    }

    /// A malicious-package report (OSV's `MAL-` ids).
    pub fn is_malicious(&self) -> bool {
        self.id.starts_with("MAL-")
    }

    /// The id and every alias.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// What one OSV document turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Advisory(Box<Advisory>),
    /// A `withdrawn` record: skipped.
    Withdrawn,
    /// A record with no PyPI entry: skipped.
    OtherEcosystem,
}

/// Parses one OSV record from JSON. The error is one line (with the line and
/// column serde found the problem at).
pub fn parse_json(bytes: &[u8]) -> Result<Parsed, String> {
    let raw: RawRecord = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    raw.into_parsed()
}

/// Parses one OSV record from YAML (the PyPA advisory-db layout).
pub fn parse_yaml(bytes: &[u8]) -> Result<Parsed, String> {
    let raw: RawRecord = serde_yaml_ng::from_slice(bytes).map_err(|e| one_line(&e.to_string()))?;
    raw.into_parsed()
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

// The wire format: every field optional or defaulted, unknown fields and
// range types ignored, so that a new OSV field never fails a record.

#[derive(Deserialize)]
struct RawRecord {
    id: String,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    withdrawn: Option<IgnoredAny>,
    #[serde(default)]
    severity: Option<Vec<RawSeverity>>,
    #[serde(default)]
    affected: Option<Vec<RawAffected>>,
    #[serde(default)]
    references: Option<Vec<RawReference>>,
    #[serde(default)]
    database_specific: Option<RawDatabaseSpecific>,
}

#[derive(Deserialize)]
struct RawSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct RawAffected {
    #[serde(default)]
    package: Option<RawPackage>,
    #[serde(default)]
    ranges: Option<Vec<RawRange>>,
    #[serde(default)]
    versions: Option<Vec<String>>,
    #[serde(default)]
    severity: Option<Vec<RawSeverity>>,
}

#[derive(Deserialize)]
struct RawPackage {
    #[serde(default)]
    ecosystem: String,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<RawEvent>,
}

#[derive(Deserialize)]
struct RawEvent {
    #[serde(default)]
    introduced: Option<String>,
    #[serde(default)]
    fixed: Option<String>,
    #[serde(default)]
    last_affected: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

#[derive(Deserialize)]
struct RawReference {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

#[derive(Deserialize)]
struct RawDatabaseSpecific {
    #[serde(default)]
    severity: Option<serde_json::Value>,
}

fn convert_severity(raw: Option<Vec<RawSeverity>>) -> Vec<SeverityVector> {
    raw.unwrap_or_default()
        .into_iter()
        .map(|s| SeverityVector {
            kind: s.kind,
            score: s.score,
        })
        .collect()
}

impl RawRecord {
    fn into_parsed(self) -> Result<Parsed, String> {
        if self.id.trim().is_empty() {
            return Err("the record's `id` is empty".to_string());
        }
        if self.withdrawn.is_some() {
            return Ok(Parsed::Withdrawn);
        }
        let mut affected = Vec::new();
        for entry in self.affected.unwrap_or_default() {
            let Some(package) = entry.package else {
                continue;
            };
            // OSV names the ecosystem `PyPI`; nothing else is a Python
            // package index release.
            if package.ecosystem != "PyPI" || package.name.trim().is_empty() {
                continue;
            }
            let mut ranges = Vec::new();
            for range in entry.ranges.unwrap_or_default() {
                if range.kind != "ECOSYSTEM" {
                    continue;
                }
                let mut events = Vec::new();
                for event in range.events {
                    // An event object holds one key; keep each one given.
                    events.extend(event.introduced.map(Event::Introduced));
                    events.extend(event.fixed.map(Event::Fixed));
                    events.extend(event.last_affected.map(Event::LastAffected));
                    events.extend(event.limit.map(Event::Limit));
                }
                if !events.is_empty() {
                    ranges.push(Range { events });
                }
            }
            affected.push(Affected {
                package: PackageName::new(&package.name),
                ranges,
                versions: entry.versions.unwrap_or_default(),
                severity: convert_severity(entry.severity),
            });
        }
        if affected.is_empty() {
            return Ok(Parsed::OtherEcosystem);
        }
        let database_severity = self
            .database_specific
            .and_then(|d| d.severity)
            .and_then(|v| v.as_str().map(str::to_string));
        let mut aliases = self.aliases.unwrap_or_default();
        aliases.retain(|a| *a != self.id);
        Ok(Parsed::Advisory(Box::new(Advisory {
            id: self.id,
            aliases,
            summary: self.summary.filter(|s| !s.trim().is_empty()),
            details: self.details.filter(|s| !s.trim().is_empty()),
            published: self.published,
            modified: self.modified,
            severity: convert_severity(self.severity),
            database_severity,
            references: self
                .references
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| r.url.map(|url| Reference { kind: r.kind, url }))
                .collect(),
            affected,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advisory(parsed: Parsed) -> Advisory {
        match parsed {
            Parsed::Advisory(a) => *a,
            other => panic!("expected an advisory, got {other:?}"),
        }
    }

    #[test]
    fn yaml_keeps_unquoted_versions_as_written() {
        let yaml = b"id: PYSEC-1\naffected:\n- package:\n    name: Foo_Bar\n    ecosystem: PyPI\n  versions:\n  - 1.10\n  - 1.0\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: \"0\"\n    - fixed: 1.20\n  - type: GIT\n    repo: x\n    events:\n    - introduced: abc\n";
        let a = advisory(parse_yaml(yaml).unwrap());
        assert_eq!(a.affected[0].package.as_str(), "foo-bar");
        assert_eq!(a.affected[0].versions, vec!["1.10", "1.0"]);
        assert_eq!(a.affected[0].ranges.len(), 1);
        assert_eq!(
            a.affected[0].ranges[0].events,
            vec![Event::Introduced("0".into()), Event::Fixed("1.20".into())]
        );
    }

    #[test]
    fn withdrawn_and_other_ecosystems_are_told_apart() {
        let withdrawn = br#"{"id":"X-1","withdrawn":"2023-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"a"}}]}"#;
        assert_eq!(parse_json(withdrawn).unwrap(), Parsed::Withdrawn);
        let npm = br#"{"id":"X-2","affected":[{"package":{"ecosystem":"npm","name":"a"}}]}"#;
        assert_eq!(parse_json(npm).unwrap(), Parsed::OtherEcosystem);
    }

    #[test]
    fn non_osv_json_is_an_error_with_a_position() {
        let err = parse_json(br#"{"name": "not an advisory"}"#).unwrap_err();
        assert!(err.contains("missing field `id`"), "{err}");
        let err = parse_json(b"{\n  \"id\": 3}").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn keeps_severity_label_and_headline() {
        let json = br#"{"id":"GHSA-x","summary":"","details":"\n  First line\n  goes on.\n\nSecond","aliases":["CVE-1","GHSA-x"],
            "database_specific":{"severity":"MODERATE"},
            "affected":[{"package":{"ecosystem":"PyPI","name":"a"},"versions":["1"]}]}"#;
        let a = advisory(parse_json(json).unwrap());
        assert_eq!(a.database_severity.as_deref(), Some("MODERATE"));
        assert_eq!(a.headline().as_deref(), Some("First line goes on."));
        assert_eq!(a.aliases, vec!["CVE-1"]);
    }
}
