//! `--format cyclonedx` (and `pyward sbom`): a CycloneDX 1.6 JSON BOM.
//! Every dependency is a component with its purl, hashes and license; the
//! graph is `dependencies`; pyward is the tool in `metadata`; the
//! advisories are `vulnerabilities` with ratings, the components they
//! affect, their advisories, and, for the ones the policy ignored, an
//! `analysis` saying so.

use std::collections::BTreeMap;
use std::io::{self, Write};

use pyward_model::{Finding, FindingKind, Report, Severity};
use serde_json::{Value, json};

use crate::RenderOptions;
use crate::package_url;
use crate::present;
use crate::sbom;

const PROJECT_REF: &str = "project";

pub fn write(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let timestamp = options.timestamp();
    let bom = build(report, &timestamp);
    serde_json::to_writer_pretty(&mut *out, &bom)?;
    out.write_all(b"\n")
}

fn build(report: &Report, timestamp: &str) -> Value {
    let sbom = sbom::of(report);
    let components: Vec<Value> = sbom
        .packages
        .iter()
        .map(|p| {
            let mut c = json!({
                "type": "library",
                "bom-ref": p.purl,
                "name": p.name.as_str(),
                "purl": p.purl,
            });
            if let Some(version) = &p.version {
                c["version"] = json!(version);
            }
            let hashes: Vec<Value> = p
                .hashes
                .iter()
                .filter_map(|h| {
                    hash_algorithm(&h.algorithm)
                        .map(|alg| json!({"alg": alg, "content": h.digest.to_ascii_lowercase()}))
                })
                .collect();
            if !hashes.is_empty() {
                c["hashes"] = json!(hashes);
            }
            if let Some(license) = &p.license {
                c["licenses"] = json!([{"expression": license}]);
            }
            c
        })
        .collect();

    let mut dependencies = vec![json!({
        "ref": PROJECT_REF,
        "dependsOn": sbom.roots.iter().collect::<Vec<_>>(),
    })];
    for p in &sbom.packages {
        let depends_on: Vec<&String> = sbom
            .edges
            .get(&p.purl)
            .map(|to| to.iter().collect())
            .unwrap_or_default();
        dependencies.push(json!({"ref": p.purl, "dependsOn": depends_on}));
    }

    let vulnerabilities: Vec<Value> = merged_vulnerabilities(report)
        .into_values()
        .map(|(findings, ignored)| vulnerability(report, &findings, ignored))
        .collect();

    let serial = sbom::uuid_from(&sbom::serial_seed(report, timestamp));
    let mut bom = json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{serial}"),
        "version": 1,
        "metadata": {
            "timestamp": timestamp,
            "tools": {"components": [{
                "type": "application",
                "author": "pyward",
                "name": report.tool.name,
                "version": report.tool.version,
            }]},
            "component": {
                "type": "application",
                "bom-ref": PROJECT_REF,
                "name": sbom::subject_name(report),
            },
        },
        "components": components,
        "dependencies": dependencies,
    });
    if !vulnerabilities.is_empty() {
        bom["vulnerabilities"] = json!(vulnerabilities);
    }
    bom
}

/// One vulnerability per advisory id, affecting every package version it
/// was found in; reported findings first, so an advisory both reported
/// and ignored (in another place) is not marked as ignored.
fn merged_vulnerabilities(report: &Report) -> BTreeMap<&str, (Vec<&Finding>, bool)> {
    let mut merged: BTreeMap<&str, (Vec<&Finding>, bool)> = BTreeMap::new();
    let is_advisory =
        |f: &&Finding| matches!(f.kind, FindingKind::Vulnerability | FindingKind::Malicious);
    for f in report.findings.iter().filter(is_advisory) {
        merged
            .entry(f.id.as_str())
            .or_insert((Vec::new(), false))
            .0
            .push(f);
    }
    for f in report.ignored.iter().filter(is_advisory) {
        merged
            .entry(f.id.as_str())
            .or_insert((Vec::new(), true))
            .0
            .push(f);
    }
    merged
}

fn vulnerability(report: &Report, findings: &[&Finding], ignored: bool) -> Value {
    let first = findings[0];
    let source = |id: &str| -> Value {
        if id.starts_with("CVE-") {
            json!({"name": "NVD", "url": format!("https://nvd.nist.gov/vuln/detail/{id}")})
        } else if id.starts_with("GHSA-") {
            json!({"name": "GitHub", "url": format!("https://github.com/advisories/{id}")})
        } else {
            json!({"name": "OSV", "url": format!("https://osv.dev/vulnerability/{id}")})
        }
    };
    let mut rating =
        json!({"severity": cyclonedx_severity(first.severity), "source": source(&first.id)});
    if let Some(score) = first.vulnerability().and_then(|d| d.cvss) {
        rating["score"] = json!(score);
    }
    let affects: Vec<Value> = findings
        .iter()
        .filter_map(|f| {
            let package = f.package.as_ref()?;
            let version = f.version.clone().flatten();
            Some(package_url::pypi(package, version.as_deref()))
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|purl| json!({"ref": purl}))
        .collect();
    let mut v = json!({
        "bom-ref": format!("vulnerability:{}", first.id),
        "id": first.id,
        "source": source(&first.id),
        "ratings": [rating],
        "description": present::headline(report, first),
        "affects": affects,
    });
    if !first.aliases.is_empty() {
        v["references"] = first
            .aliases
            .iter()
            .map(|alias| json!({"id": alias, "source": source(alias)}))
            .collect();
    }
    if let Some(detail) = first.vulnerability() {
        if let Some(details) = &detail.details {
            v["detail"] = json!(details);
        }
        if !detail.references.is_empty() {
            v["advisories"] = detail
                .references
                .iter()
                .map(|url| json!({"url": url}))
                .collect();
        }
    }
    if let Some(cwe) = first
        .cwe
        .as_deref()
        .and_then(|c| c.strip_prefix("CWE-"))
        .and_then(|n| n.parse::<u32>().ok())
    {
        v["cwes"] = json!([cwe]);
    }
    match first.fix_versions.as_deref() {
        Some([]) | None => {}
        Some(fixes) => v["recommendation"] = json!(format!("Upgrade to {}", fixes.join(" or "))),
    }
    if ignored {
        // The policy file says why in words; CycloneDX's justification
        // is a closed list, and "a person decided it does not apply
        // here" is a mitigating control.
        v["analysis"] = json!({
            "state": "not_affected",
            "justification": "protected_by_mitigating_control",
            "detail": first.ignore_reason.clone().unwrap_or_else(|| "ignored by the policy file".into()),
        });
    }
    v
}

fn cyclonedx_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::Unknown => "unknown",
    }
}

/// CycloneDX's hash names for the algorithms lockfiles record.
pub(crate) fn hash_algorithm(algorithm: &str) -> Option<&'static str> {
    match algorithm.to_ascii_lowercase().replace('-', "").as_str() {
        "md5" => Some("MD5"),
        "sha1" => Some("SHA-1"),
        "sha256" => Some("SHA-256"),
        "sha384" => Some("SHA-384"),
        "sha512" => Some("SHA-512"),
        "sha3256" | "sha3_256" => Some("SHA3-256"),
        "sha3512" | "sha3_512" => Some("SHA3-512"),
        "blake2b256" | "blake2b_256" => Some("BLAKE2b-256"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_report;

    #[test]
    fn sample_cyclonedx() {
        let mut out = Vec::new();
        write(&sample_report(), &RenderOptions::for_tests(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let bom: Value = serde_json::from_str(&text).unwrap();
        let ignored = bom["vulnerabilities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == "PYSEC-2021-35")
            .unwrap();
        assert_eq!(ignored["analysis"]["state"], "not_affected");
        assert_eq!(ignored["affects"][0]["ref"], "pkg:pypi/django@3.0.1");
        insta::assert_snapshot!(text);
    }
}
