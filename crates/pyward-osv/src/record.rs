//! OSV records: the tolerant wire format (private) and the advisory pyward
//! keeps (public), reduced to PyPI and to what matching and reports need.

use pyward_model::{PackageName, Severity};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::limits::MAX_NESTING;

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
    /// CWE ids (`CWE-79`), sorted: GitHub's `database_specific.cwe_ids`
    /// and the `cwes` of malicious-package entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwes: Vec<String>,
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
    /// The modules and functions the flaw is in (`yaml.load`, or `yaml`
    /// for the whole module), for reachability: from
    /// `ecosystem_specific.imports` (the PyPA database's field) and
    /// `ecosystem_specific.affected_functions` (GitHub's vulnerable
    /// functions); at most [`crate::limits::MAX_IMPORTS`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<String>,
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
        is_malicious_id(&self.id)
    }

    /// The id and every alias.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// Whether `id` names a malicious-package report (OSV's `MAL-` ids, from
/// the OpenSSF malicious-packages project).
pub fn is_malicious_id(id: &str) -> bool {
    id.starts_with("MAL-")
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

impl AdvisoryCore {
    /// A malicious-package report (OSV's `MAL-` ids).
    pub fn is_malicious(&self) -> bool {
        is_malicious_id(&self.id)
    }

    /// The id and every alias.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// A CVSS base score with the vector it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvssScore {
    /// The base score, 0.0 to 10.0.
    pub score: f64,
    /// The vector as the record gives it (`CVSS:3.1/AV:N/...`).
    pub vector: String,
}

/// What a finding shows of an advisory, stored apart from the core: read
/// only for packages with a finding. Its text is cleaned when the database
/// is built (see `build.rs`), so reading it costs nothing but decoding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AdvisoryDisplay {
    /// One sentence that says what is wrong: the summary, else the first
    /// sentence of the details that does not describe the product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// The details, HTML entities decoded, at most
    /// [`crate::limits::MAX_DETAILS_BYTES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// The first few reference URLs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// CWE ids (`CWE-79`), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// The highest CVSS base score among the record's vectors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss: Option<CvssScore>,
    /// The affected modules and functions its entries name
    /// (`ecosystem_specific.imports`, `affected_functions`), for reachability.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<String>,
}

/// How many reference URLs a finding carries.
pub const DISPLAY_REFERENCES: usize = 5;

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
/// column serde found the problem at). A record nested deeper than
/// [`MAX_NESTING`] is refused before serde sees it.
pub fn parse_json(bytes: &[u8]) -> Result<Parsed, String> {
    check_json_nesting(bytes)?;
    let raw: RawRecord = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    raw.into_parsed()
}

/// Parses one OSV record from YAML (the PyPA advisory-db layout). A record
/// nested deeper than [`MAX_NESTING`] is refused before the YAML parser
/// sees it: libyaml takes time quadratic in the depth of flow collections
/// (80,000 nested `[` took 21 s).
pub fn parse_yaml(bytes: &[u8]) -> Result<Parsed, String> {
    check_yaml_nesting(bytes)?;
    let raw: RawRecord = serde_yaml_ng::from_slice(bytes).map_err(|e| one_line(&e.to_string()))?;
    raw.into_parsed()
}

fn too_deep(line: usize) -> String {
    format!("nested deeper than {MAX_NESTING} levels (at line {line}); refused")
}

/// Counts `[` and `{` outside JSON strings, in one pass.
fn check_json_nesting(bytes: &[u8]) -> Result<(), String> {
    let (mut depth, mut line) = (0usize, 1usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(too_deep(line));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Bounds the nesting of a YAML document in one pass, erring on the side
/// of counting too much: every `[` and `{` counts as a flow collection
/// (quotes are not tracked, since a quote inside a plain scalar would make
/// a tracker miss real brackets), and each line's block depth is its
/// indentation plus its compact `- ` and `? ` indicators. Real records stay
/// far below the limit either way: their text has few unclosed brackets
/// and little indentation.
fn check_yaml_nesting(bytes: &[u8]) -> Result<(), String> {
    let mut flow = 0usize;
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let indent = line
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let mut block = indent;
        let mut rest = &line[indent..];
        while let [b'-' | b'?', b' ' | b'\t', tail @ ..] = rest {
            let spaces = tail
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            block += 2 + spaces;
            rest = &tail[spaces..];
        }
        // Indentation counts in columns: allow four per level.
        if block > 4 * MAX_NESTING {
            return Err(too_deep(index + 1));
        }
        for &b in line {
            match b {
                b'[' | b'{' => {
                    flow += 1;
                    if flow > MAX_NESTING {
                        return Err(too_deep(index + 1));
                    }
                }
                b']' | b'}' => flow = flow.saturating_sub(1),
                _ => {}
            }
        }
    }
    Ok(())
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
    #[serde(default)]
    database_specific: Option<RawEntrySpecific>,
    #[serde(default)]
    ecosystem_specific: Option<RawEcosystemSpecific>,
}

/// An entry's `ecosystem_specific`, naming the affected modules and
/// functions. `imports` is written three ways: as strings (`yaml.load`,
/// or `PIL:ImageFont` with the attribute after a colon), as the PyPA
/// database documents it (`{"attribute": "ImageFont", "modules": ["PIL"]}`,
/// one name per module), and as Go's vulnerability database writes it
/// (`{"path": "yaml", "symbols": ["load"]}`). GitHub's advisories give
/// their vulnerable functions as `affected_functions`, a list of strings.
#[derive(Deserialize)]
struct RawEcosystemSpecific {
    #[serde(default)]
    imports: Option<serde_json::Value>,
    #[serde(default)]
    affected_functions: Option<serde_json::Value>,
}

/// An entry's `database_specific`: malicious-package reports give
/// `cwes: [{cweId: "CWE-506", ...}]`.
#[derive(Deserialize)]
struct RawEntrySpecific {
    #[serde(default)]
    cwes: Option<serde_json::Value>,
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
    /// GitHub's `["CWE-79", ...]`.
    #[serde(default)]
    cwe_ids: Option<serde_json::Value>,
}

/// The CWE ids in `value`: strings, or objects with a `cweId`, in a list;
/// anything that is not `CWE-<digits>` is left out.
fn collect_cwes(value: &serde_json::Value, into: &mut Vec<String>) {
    let items = match value {
        serde_json::Value::Array(items) => items.as_slice(),
        one => std::slice::from_ref(one),
    };
    for item in items {
        let text = match item {
            serde_json::Value::String(s) => s.as_str(),
            serde_json::Value::Object(o) => match o.get("cweId") {
                Some(serde_json::Value::String(s)) => s.as_str(),
                _ => continue,
            },
            _ => continue,
        };
        let text = text.trim();
        let digits = text
            .get(..4)
            .filter(|p| p.eq_ignore_ascii_case("CWE-"))
            .map(|_| &text[4..]);
        if let Some(digits) =
            digits.filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        {
            into.push(format!("CWE-{digits}"));
        }
    }
}

/// The affected modules and functions in `value` (see
/// [`RawEcosystemSpecific`]): dotted Python names only, each at most
/// [`crate::limits::MAX_IMPORT_NAME_BYTES`], at most
/// [`crate::limits::MAX_IMPORTS`] of them; anything else is left out.
fn collect_imports(value: &serde_json::Value, into: &mut Vec<String>) {
    use crate::limits::{MAX_IMPORT_NAME_BYTES, MAX_IMPORTS};
    use serde_json::Value;
    let mut push = |name: &str| {
        let name = name.trim();
        let dotted = !name.is_empty()
            && name.len() <= MAX_IMPORT_NAME_BYTES
            && name.split('.').all(|part| {
                part.chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                    && part.chars().all(|c| c.is_alphanumeric() || c == '_')
            });
        if dotted && into.len() < MAX_IMPORTS && !into.iter().any(|kept| kept == name) {
            into.push(name.to_string());
        }
    };
    // `module.attribute`, or the module alone when no attribute is given.
    let mut push_in = |module: &str, attribute: Option<&str>| match attribute {
        Some(attribute) => push(&format!("{}.{}", module.trim(), attribute.trim())),
        None => push(module),
    };
    fn strings(value: Option<&Value>) -> Vec<&str> {
        match value {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(one)) => vec![one.as_str()],
            _ => Vec::new(),
        }
    }
    let items = match value {
        Value::Array(items) => items.as_slice(),
        one => std::slice::from_ref(one),
    };
    for item in items {
        match item {
            Value::String(name) => match name.split_once(':') {
                Some((module, attribute)) => push_in(module, Some(attribute)),
                None => push_in(name, None),
            },
            Value::Object(object) => {
                if let Some(Value::String(path)) = object.get("path") {
                    let symbols = strings(object.get("symbols"));
                    if symbols.is_empty() {
                        push_in(path, None);
                    }
                    for symbol in symbols {
                        push_in(path, Some(symbol));
                    }
                } else {
                    let attribute = object.get("attribute").and_then(Value::as_str);
                    for module in strings(object.get("modules")) {
                        push_in(module, attribute);
                    }
                }
            }
            _ => {}
        }
    }
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
        let mut cwes = Vec::new();
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
            if let Some(value) = entry
                .database_specific
                .as_ref()
                .and_then(|d| d.cwes.as_ref())
            {
                collect_cwes(value, &mut cwes);
            }
            let mut imports = Vec::new();
            if let Some(specific) = &entry.ecosystem_specific {
                for value in [&specific.imports, &specific.affected_functions]
                    .into_iter()
                    .flatten()
                {
                    collect_imports(value, &mut imports);
                }
            }
            affected.push(Affected {
                package: PackageName::new(&package.name),
                ranges,
                versions: entry.versions.unwrap_or_default(),
                severity: convert_severity(entry.severity),
                imports,
            });
        }
        if affected.is_empty() {
            return Ok(Parsed::OtherEcosystem);
        }
        if let Some(value) = self
            .database_specific
            .as_ref()
            .and_then(|d| d.cwe_ids.as_ref())
        {
            collect_cwes(value, &mut cwes);
        }
        cwes.sort_by_key(|c| c[4..].parse::<u64>().unwrap_or(u64::MAX));
        cwes.dedup();
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
            cwes,
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
    fn affected_imports_are_kept_as_dotted_names_only() {
        let json = br#"{"id":"PYSEC-1","affected":[{"package":{"ecosystem":"PyPI","name":"PyYAML"},
            "ecosystem_specific":{"imports":["yaml.load", " yaml.full_load ", "not a name", "../x", 5,
                {"path":"yaml.constructor","symbols":["FullConstructor", "bad-symbol"]},
                {"path":"yaml.cyaml"}, "yaml.load"]}},
            {"package":{"ecosystem":"PyPI","name":"other"}}]}"#;
        let a = advisory(parse_json(json).unwrap());
        assert_eq!(
            a.affected[0].imports,
            [
                "yaml.load",
                "yaml.full_load",
                "yaml.constructor.FullConstructor",
                "yaml.cyaml"
            ]
        );
        assert!(a.affected[1].imports.is_empty());
        let display = crate::build::display_of(&a);
        assert_eq!(display.imports.len(), 4);
        // The PyPA database's documented forms, and GitHub's field.
        let json = br#"{"id":"GHSA-1","affected":[{"package":{"ecosystem":"PyPI","name":"Pillow"},
            "ecosystem_specific":{
                "imports":["PIL:ImageFont", "PIL:", ":x",
                    {"attribute":"JSONField","modules":["django.db.models","django.db.models.fields.json"]},
                    {"modules":["PIL.ImageMath"]}, {"attribute":"x"}, {"attribute":"ImageFont","modules":["PIL"]}],
                "affected_functions":["PIL.Image.open", "PIL.ImageFont", "PIL.Image.open()"]}}]}"#;
        let a = advisory(parse_json(json).unwrap());
        assert_eq!(
            a.affected[0].imports,
            [
                "PIL.ImageFont",
                "django.db.models.JSONField",
                "django.db.models.fields.json.JSONField",
                "PIL.ImageMath",
                "PIL.Image.open"
            ]
        );
        let many: Vec<String> = (0..500).map(|i| format!("\"m{i}\"")).collect();
        let json = format!(
            r#"{{"id":"PYSEC-2","affected":[{{"package":{{"ecosystem":"PyPI","name":"a"}},"ecosystem_specific":{{"imports":[{}]}}}}]}}"#,
            many.join(",")
        );
        let a = advisory(parse_json(json.as_bytes()).unwrap());
        assert_eq!(a.affected[0].imports.len(), crate::limits::MAX_IMPORTS);
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
    fn keeps_severity_label_and_drops_its_own_id_from_aliases() {
        let json = br#"{"id":"GHSA-x","summary":"","details":"\n  First line\n  goes on.\n\nSecond","aliases":["CVE-1","GHSA-x"],
            "database_specific":{"severity":"MODERATE"},
            "affected":[{"package":{"ecosystem":"PyPI","name":"a"},"versions":["1"]}]}"#;
        let a = advisory(parse_json(json).unwrap());
        assert_eq!(a.database_severity.as_deref(), Some("MODERATE"));
        assert_eq!(a.aliases, vec!["CVE-1"]);
    }
}
