//! `--format sarif`: SARIF 2.1.0, one run, as GitHub code scanning ingests
//! it. Paths are relative to the repository root under `%SRCROOT%`; every
//! rule that fired is described once, with `security-severity` and CWE
//! tags (`external/cwe/cwe-78`); dependency findings point at the manifest
//! line that declares the package; data-flow findings carry `codeFlows`;
//! `partialFingerprints` hold pyward's own stable fingerprint. Findings
//! the policy ignored are kept as suppressed results. GitHub reads at most
//! 25,000 results per run: past that the most severe are kept and the run
//! says how many were left out.

mod model;

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use pyward_model::{Finding, FindingKind, RelatedLocation, Report, RuleInfo, Severity};

use self::model::{
    ArtifactContent, ArtifactLocation, CodeFlow, Configuration, Invocation, Level, Location, Log,
    Message, MultiformatMessage, Notification, PhysicalLocation, Region, ReportingDescriptor,
    RuleProperties, Run, SarifResult, Suppression, ThreadFlow, ThreadFlowLocation, Tool,
    ToolComponent,
};
use crate::RenderOptions;
use crate::package_url::uri_path;
use crate::present;

/// GitHub code scanning's limits per run (results, and the locations,
/// flow steps and tags it reads of each).
pub(crate) const MAX_RESULTS: usize = 25_000;
const MAX_RELATED: usize = 100;
const MAX_FLOW_STEPS: usize = 1_000;
const MAX_TAGS: usize = 10;

const SRCROOT: &str = "%SRCROOT%";

pub fn write(report: &Report, _options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let log = build(report, MAX_RESULTS);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn build(report: &Report, max_results: usize) -> Log {
    let (rules, index) = rules(report);

    // Most severe first when the cap bites; report order otherwise.
    let mut chosen: Vec<(&Finding, bool)> = report
        .findings
        .iter()
        .map(|f| (f, false))
        .chain(report.ignored.iter().map(|f| (f, true)))
        .collect();
    let total = chosen.len();
    if total > max_results {
        chosen.sort_by_key(|(f, ignored)| (*ignored, std::cmp::Reverse(f.severity)));
        chosen.truncate(max_results);
    }
    let results = chosen
        .into_iter()
        .map(|(f, ignored)| result(report, f, ignored, index[f.id.as_str()]))
        .collect();

    let mut notifications: Vec<Notification> = report
        .errors
        .iter()
        .map(|error| Notification {
            level: Level::Error,
            message: Message {
                text: error.message.clone(),
            },
            locations: vec![Location {
                id: None,
                physical_location: PhysicalLocation {
                    artifact_location: in_repository(report, &error.path),
                    region: error.line.map(|line| Region {
                        start_line: line,
                        start_column: None,
                        end_line: None,
                        end_column: None,
                        snippet: None,
                    }),
                },
                message: None,
            }],
        })
        .collect();
    let mut properties = BTreeMap::new();
    if total > max_results {
        let left_out = total - max_results;
        let note = format!(
            "{left_out} of {total} results left out: GitHub code scanning reads at most {max_results} per run; the most severe are kept"
        );
        notifications.push(Notification {
            level: Level::Warning,
            message: Message { text: note.clone() },
            locations: Vec::new(),
        });
        properties.insert("truncated", serde_json::Value::from(left_out));
        properties.insert("truncationNote", serde_json::Value::from(note));
    }

    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: ToolComponent {
                    name: report.tool.name.clone(),
                    version: report.tool.version.clone(),
                    semantic_version: report.tool.version.clone(),
                    information_uri: "https://github.com/pyward/pyward",
                    rules,
                },
            },
            invocations: vec![Invocation {
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            results,
            properties,
        }],
    }
}

/// Every rule that produced a finding, from the report's catalogue, with a
/// stand-in for an id the catalogue lacks (so every `ruleIndex` resolves).
fn rules(report: &Report) -> (Vec<ReportingDescriptor>, HashMap<&str, usize>) {
    let mut by_id: BTreeMap<&str, RuleInfo> = BTreeMap::new();
    for f in report.findings.iter().chain(&report.ignored) {
        by_id.entry(f.id.as_str()).or_insert_with(|| {
            report.rule(&f.id).cloned().unwrap_or_else(|| RuleInfo {
                id: f.id.clone(),
                kind: f.kind,
                name: f.rule.clone().unwrap_or_else(|| f.id.clone()),
                description: present::one_line(f.headline()),
                help: f.headline().to_string(),
                help_uri: None,
                severity: f.severity,
                cwe: f.cwe.clone(),
            })
        });
    }
    let mut index = HashMap::new();
    let mut descriptors = Vec::new();
    for (i, (id, rule)) in by_id.into_iter().enumerate() {
        index.insert(id, i);
        // An advisory's score is the best CVSS of its findings.
        let cvss = report
            .findings
            .iter()
            .chain(&report.ignored)
            .filter(|f| f.id == id)
            .filter_map(|f| f.vulnerability().and_then(|d| d.cvss))
            .fold(None, |best: Option<f64>, s| {
                Some(best.map_or(s, |b| b.max(s)))
            });
        descriptors.push(descriptor(report, rule, cvss));
    }
    (descriptors, index)
}

fn descriptor(report: &Report, rule: RuleInfo, cvss: Option<f64>) -> ReportingDescriptor {
    let mut tags = vec!["security".to_string(), rule.kind.as_str().to_string()];
    let cwe = rule.cwe.clone().or_else(|| {
        report
            .findings
            .iter()
            .find(|f| f.id == rule.id)
            .and_then(|f| f.cwe.clone())
    });
    if let Some(number) = cwe.as_deref().and_then(|c| c.strip_prefix("CWE-")) {
        tags.push(format!("external/cwe/cwe-{number}"));
    }
    tags.truncate(MAX_TAGS);
    let short = if rule.description.is_empty() {
        rule.name.clone()
    } else {
        present::one_line(&rule.description)
    };
    let help = if rule.help.is_empty() {
        short.clone()
    } else {
        rule.help.clone()
    };
    let precision = match rule.kind {
        FindingKind::Vulnerability | FindingKind::Malicious => Some("very-high"),
        _ => None,
    };
    ReportingDescriptor {
        id: rule.id.clone(),
        name: (rule.name != rule.id).then(|| rule.name.clone()),
        short_description: Message {
            text: short.clone(),
        },
        full_description: Message { text: short },
        help: MultiformatMessage {
            text: help.clone(),
            markdown: help,
        },
        help_uri: rule.help_uri.clone(),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            tags,
            security_severity: security_severity(rule.severity, cvss),
            precision,
            problem_severity: match level(rule.severity) {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Note => "recommendation",
            },
        },
    }
}

fn level(severity: Severity) -> Level {
    match severity {
        Severity::Critical | Severity::High => Level::Error,
        Severity::Medium => Level::Warning,
        Severity::Low | Severity::Unknown => Level::Note,
    }
}

/// The score GitHub bands into critical (≥ 9), high (≥ 7), medium (≥ 4)
/// and low: the advisory's CVSS when known, else the middle of the band.
fn security_severity(severity: Severity, cvss: Option<f64>) -> Option<String> {
    if let Some(score) = cvss.filter(|s| *s > 0.0) {
        return Some(format!("{score:.1}"));
    }
    let score = match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "2.0",
        Severity::Unknown => return None,
    };
    Some(score.to_string())
}

fn result(report: &Report, f: &Finding, ignored: bool, rule_index: usize) -> SarifResult {
    let mut properties = BTreeMap::new();
    properties.insert("kind", serde_json::Value::from(f.kind.as_str()));
    properties.insert("severity", serde_json::Value::from(f.severity.as_str()));
    if let Some(confidence) = f.confidence {
        properties.insert("confidence", serde_json::Value::from(confidence.as_str()));
    }
    if let Some(package) = &f.package {
        properties.insert("package", serde_json::Value::from(package.as_str()));
    }
    if let Some(Some(version)) = &f.version {
        properties.insert("version", serde_json::Value::from(version.as_str()));
    }
    if let Some(fixes) = &f.fix_versions {
        properties.insert("fixVersions", serde_json::Value::from(fixes.clone()));
    }
    if !f.aliases.is_empty() {
        properties.insert("aliases", serde_json::Value::from(f.aliases.clone()));
    }

    let (location, related, flows) = match &f.location {
        Some(location) => {
            let region = Region {
                start_line: location.line.max(1),
                start_column: Some(location.column.max(1)),
                end_line: location.end_line,
                end_column: location.end_column,
                snippet: f
                    .code()
                    .and_then(|c| c.snippet.clone())
                    .map(|text| ArtifactContent { text }),
            };
            let related = location
                .related
                .iter()
                .take(MAX_RELATED)
                .enumerate()
                .map(|(i, r)| related_location(report, r, Some(i + 1)))
                .collect();
            let flow: Vec<ThreadFlowLocation> = f
                .code()
                .map(|c| c.flow.as_slice())
                .unwrap_or_default()
                .iter()
                .take(MAX_FLOW_STEPS)
                .map(|step| ThreadFlowLocation {
                    location: related_location(report, step, None),
                })
                .collect();
            let flows = if flow.is_empty() {
                Vec::new()
            } else {
                // The sink itself closes the path.
                let mut locations = flow;
                locations.push(ThreadFlowLocation {
                    location: Location {
                        id: None,
                        physical_location: PhysicalLocation {
                            artifact_location: in_repository(report, &location.path),
                            region: Some(region.clone()),
                        },
                        message: f.message.clone().map(|text| Message { text }),
                    },
                });
                vec![CodeFlow {
                    thread_flows: vec![ThreadFlow { locations }],
                }]
            };
            let physical = PhysicalLocation {
                artifact_location: in_repository(report, &location.path),
                region: Some(region),
            };
            (physical, related, flows)
        }
        None => (dependency_location(report, f), Vec::new(), Vec::new()),
    };

    SarifResult {
        rule_id: f.id.clone(),
        rule_index,
        level: level(f.severity),
        message: Message {
            text: message(report, f),
        },
        locations: vec![Location {
            id: None,
            physical_location: location,
            message: None,
        }],
        partial_fingerprints: BTreeMap::from([("pyward/v1", f.fingerprint.clone())]),
        code_flows: flows,
        related_locations: related,
        suppressions: if ignored {
            vec![Suppression {
                kind: "external",
                justification: f
                    .ignore_reason
                    .clone()
                    .unwrap_or_else(|| "ignored by the policy file".into()),
            }]
        } else {
            Vec::new()
        },
        properties,
    }
}

/// What a result says: for a dependency, which package and what to do.
fn message(report: &Report, f: &Finding) -> String {
    let headline = present::headline(report, f);
    let Some(package) = &f.package else {
        return if headline.is_empty() {
            f.id.clone()
        } else {
            headline
        };
    };
    let version = f.version.clone().flatten();
    let mut text = match &version {
        Some(version) => format!("{package} {version}: {headline}"),
        None => format!("{package} (unpinned): {headline}"),
    };
    match f.fix_versions.as_deref() {
        Some([]) => text.push_str(" (no fix yet)"),
        Some(fixes) => text.push_str(&format!(" (fixed in {})", fixes.join(", "))),
        None => {}
    }
    text
}

fn related_location(report: &Report, r: &RelatedLocation, id: Option<usize>) -> Location {
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: in_repository(report, &r.path),
            region: Some(Region {
                start_line: r.line.max(1),
                start_column: Some(r.column.max(1)),
                end_line: r.end_line,
                end_column: r.end_column,
                snippet: None,
            }),
        },
        message: Some(Message {
            text: r.message.clone(),
        }),
    }
}

/// A path of the scanned tree, relative to the repository root.
fn in_repository(report: &Report, path: &str) -> ArtifactLocation {
    ArtifactLocation {
        uri: uri_path(&report.root.repository_path(path)),
        uri_base_id: Some(SRCROOT),
    }
}

/// The manifest line that declares the package; for an installed
/// environment (outside the repository) the absolute file.
fn dependency_location(report: &Report, f: &Finding) -> PhysicalLocation {
    let source = f.source.as_deref().unwrap_or("");
    let line = f.dependency.as_ref().and_then(|d| d.line);
    let artifact_location = match f.environment() {
        Some(env) => ArtifactLocation {
            uri: format!(
                "file://{}",
                uri_path(&format!("{}/{source}", env.trim_end_matches('/')))
            ),
            uri_base_id: None,
        },
        None => in_repository(report, source),
    };
    PhysicalLocation {
        artifact_location,
        region: Some(Region {
            start_line: line.unwrap_or(1),
            start_column: None,
            end_line: None,
            end_column: None,
            snippet: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_report;

    fn sarif(report: &Report, max: usize) -> serde_json::Value {
        serde_json::to_value(build(report, max)).unwrap()
    }

    #[test]
    fn sample_sarif() {
        let mut out = Vec::new();
        write(&sample_report(), &RenderOptions::for_tests(), &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }

    #[test]
    fn github_ingestion_rules() {
        let value = sarif(&sample_report(), MAX_RESULTS);
        let run = &value["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let b602 = rules.iter().find(|r| r["id"] == "B602").unwrap();
        assert_eq!(
            b602["properties"]["tags"],
            serde_json::json!(["security", "code", "external/cwe/cwe-78"])
        );
        assert_eq!(b602["properties"]["security-severity"], "8.0");
        let d98 = rules.iter().find(|r| r["id"] == "PYSEC-2021-98").unwrap();
        assert_eq!(d98["properties"]["security-severity"], "9.8");

        let results = run["results"].as_array().unwrap();
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
            let location = &result["locations"][0]["physicalLocation"];
            if location["artifactLocation"]["uriBaseId"] == SRCROOT {
                let uri = location["artifactLocation"]["uri"].as_str().unwrap();
                assert!(uri.starts_with("services/myapp/"), "{uri}");
            }
            assert!(result["partialFingerprints"]["pyward/v1"].is_string());
        }
        let shell = results.iter().find(|r| r["ruleId"] == "B602").unwrap();
        let flow = &shell["codeFlows"][0]["threadFlows"][0]["locations"];
        assert_eq!(flow.as_array().unwrap().len(), 3);
        assert_eq!(
            shell["locations"][0]["physicalLocation"]["region"]["endColumn"],
            37
        );
        assert_eq!(shell["relatedLocations"][0]["id"], 1);
        // Dependency findings sit at the manifest line.
        let werkzeug = results
            .iter()
            .find(|r| r["ruleId"] == "GHSA-2p9h-ccw7-33gf")
            .unwrap();
        let location = &werkzeug["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "services/myapp/requirements.txt"
        );
        assert_eq!(location["region"]["startLine"], 3);
        // The hostile file name is a valid URI.
        assert!(results.iter().any(
            |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "services/myapp/uploads/a%1B%5B2J.py"
        ));
        let ignored: Vec<_> = results
            .iter()
            .filter(|r| r.get("suppressions").is_some())
            .collect();
        assert_eq!(ignored.len(), 2);
    }

    #[test]
    fn at_most_the_cap_most_severe_first_with_a_note() {
        let value = sarif(&sample_report(), 5);
        let run = &value["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 5);
        assert!(
            results
                .iter()
                .all(|r| r["properties"]["severity"] == "critical"
                    || r["properties"]["severity"] == "high")
        );
        assert_eq!(run["properties"]["truncated"], 43 - 5);
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert!(
            notes
                .iter()
                .any(|n| n["message"]["text"].as_str().unwrap().contains("left out"))
        );
    }
}
