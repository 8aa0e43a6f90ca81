//! VEX (Vulnerability Exploitability eXchange) documents: a team's recorded
//! decisions that a vulnerability does not affect its product. `--vex FILE`
//! reads OpenVEX and CycloneDX VEX; findings a statement marks
//! `not_affected` (or `fixed`) move to `ignored` with the justification.

use std::path::{Path, PathBuf};

use pyward_model::{Finding, PackageName, Report};
use serde::Deserialize;
use serde_json::Value;

use crate::EngineError;

/// Larger than any VEX document a team writes by hand or by tool.
const MAX_VEX_SIZE: u64 = 64 * 1024 * 1024;

/// One decision: the vulnerability (id and aliases), the packages it is
/// about (none means every package), and what was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub ids: Vec<String>,
    pub products: Vec<Product>,
    pub status: Status,
    /// Why (`vulnerable_code_not_in_execute_path`), and in words.
    pub justification: Option<String>,
    pub detail: Option<String>,
}

/// A package a statement is about: `pkg:pypi/name[@version]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub name: PackageName,
    pub version: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    NotAffected,
    Fixed,
    Affected,
    UnderInvestigation,
}

impl Status {
    fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "not_affected" | "false_positive" => Some(Status::NotAffected),
            "fixed" | "resolved" | "resolved_with_pedigree" => Some(Status::Fixed),
            "affected" | "exploitable" => Some(Status::Affected),
            "under_investigation" | "in_triage" => Some(Status::UnderInvestigation),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Status::NotAffected => "not_affected",
            Status::Fixed => "fixed",
            Status::Affected => "affected",
            Status::UnderInvestigation => "under_investigation",
        }
    }
}

/// The statements of one VEX file.
#[derive(Debug, Clone)]
pub struct VexDocument {
    pub path: PathBuf,
    pub statements: Vec<Statement>,
}

impl VexDocument {
    pub fn load(path: &Path) -> Result<Self, EngineError> {
        let bad =
            |message: String| EngineError::Option(format!("`--vex {}`: {message}", path.display()));
        let meta = fs_err::metadata(path).map_err(|e| bad(e.to_string()))?;
        if !meta.is_file() || meta.len() > MAX_VEX_SIZE {
            return Err(bad(format!(
                "not a regular file of at most {MAX_VEX_SIZE} bytes"
            )));
        }
        let text = fs_err::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| bad(format!("not JSON (line {}): {e}", e.line())))?;
        let statements = if value.get("statements").is_some() {
            openvex(&value).map_err(bad)?
        } else if value.get("bomFormat").is_some() || value.get("vulnerabilities").is_some() {
            cyclonedx(&value).map_err(bad)?
        } else {
            return Err(bad(
                "neither an OpenVEX document (`statements`) nor a CycloneDX VEX (`vulnerabilities`)"
                    .into(),
            ));
        };
        Ok(Self {
            path: path.to_path_buf(),
            statements,
        })
    }

    /// Moves the findings a statement clears to `ignored`; returns how
    /// many.
    pub fn apply(&self, report: &mut Report) -> usize {
        let mut cleared = 0;
        let mut kept = Vec::with_capacity(report.findings.len());
        for mut finding in std::mem::take(&mut report.findings) {
            let statement = self
                .statements
                .iter()
                .filter(|s| matches!(s.status, Status::NotAffected | Status::Fixed))
                .find(|s| s.covers(&finding));
            match statement {
                Some(statement) => {
                    let mut reason = format!("VEX {}", statement.status.as_str());
                    if let Some(why) = &statement.justification {
                        reason.push_str(&format!(": {why}"));
                    }
                    if let Some(detail) = &statement.detail {
                        reason.push_str(&format!(" ({detail})"));
                    }
                    reason.push_str(&format!(" [{}]", self.path.display()));
                    finding.ignore_reason = Some(reason);
                    report.ignored.push(finding);
                    cleared += 1;
                }
                None => kept.push(finding),
            }
        }
        report.findings = kept;
        cleared
    }
}

impl Statement {
    fn covers(&self, finding: &Finding) -> bool {
        let named = finding
            .ids()
            .any(|id| self.ids.iter().any(|s| s.eq_ignore_ascii_case(id)));
        if !named {
            return false;
        }
        if self.products.is_empty() {
            return true;
        }
        let Some(package) = &finding.package else {
            return false;
        };
        let version = finding.version.clone().flatten();
        self.products.iter().any(|product| {
            &product.name == package
                && product
                    .version
                    .as_deref()
                    .is_none_or(|v| Some(v) == version.as_deref())
        })
    }
}

/// `pkg:pypi/name@version` (qualifiers and subpaths dropped); `None` for
/// anything but a PyPI purl.
pub fn parse_purl(purl: &str) -> Option<Product> {
    let rest = purl.trim().strip_prefix("pkg:")?;
    let rest = rest.strip_prefix("pypi/")?;
    let rest = rest.split(['?', '#']).next()?;
    let (name, version) = match rest.split_once('@') {
        Some((name, version)) => (name, Some(percent_decode(version))),
        None => (rest, None),
    };
    Some(Product {
        name: PackageName::new(&percent_decode(name)),
        version,
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = text
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn string(value: &Value, key: &str) -> Option<String> {
    value.get(key)?.as_str().map(str::to_string)
}

/// OpenVEX 0.2 (and the older 0.0.x, where `vulnerability` and products
/// are plain strings).
fn openvex(document: &Value) -> Result<Vec<Statement>, String> {
    #[derive(Deserialize)]
    struct Raw {
        statements: Vec<Value>,
    }
    let raw: Raw = serde_json::from_value(document.clone()).map_err(|e| e.to_string())?;
    let mut statements = Vec::new();
    for (index, statement) in raw.statements.iter().enumerate() {
        let mut ids = Vec::new();
        match statement.get("vulnerability") {
            Some(Value::String(id)) => ids.push(id.clone()),
            Some(vulnerability) => {
                ids.extend(string(vulnerability, "name"));
                ids.extend(string(vulnerability, "@id"));
                if let Some(Value::Array(aliases)) = vulnerability.get("aliases") {
                    ids.extend(
                        aliases
                            .iter()
                            .filter_map(|a| a.as_str().map(str::to_string)),
                    );
                }
            }
            None => {}
        }
        if ids.is_empty() {
            return Err(format!("statement {} names no vulnerability", index + 1));
        }
        let mut products = Vec::new();
        if let Some(Value::Array(listed)) = statement.get("products") {
            for product in listed {
                let id = match product {
                    Value::String(id) => Some(id.clone()),
                    other => string(other, "@id")
                        .or_else(|| other.get("identifiers").and_then(|i| string(i, "purl"))),
                };
                products.extend(id.as_deref().and_then(parse_purl));
            }
        }
        let status = string(statement, "status")
            .as_deref()
            .and_then(Status::parse)
            .ok_or_else(|| format!("statement {} has no known `status`", index + 1))?;
        statements.push(Statement {
            ids,
            products,
            status,
            justification: string(statement, "justification"),
            detail: string(statement, "impact_statement")
                .or_else(|| string(statement, "status_notes")),
        });
    }
    Ok(statements)
}

/// CycloneDX 1.4+ `vulnerabilities` with `analysis`; `affects[].ref` is a
/// purl, or a `bom-ref` of one of the document's components.
fn cyclonedx(document: &Value) -> Result<Vec<Statement>, String> {
    let components: Vec<(String, String)> = document
        .get("components")
        .and_then(Value::as_array)
        .map(|components| {
            components
                .iter()
                .filter_map(|c| Some((string(c, "bom-ref")?, string(c, "purl")?)))
                .collect()
        })
        .unwrap_or_default();
    let mut statements = Vec::new();
    let vulnerabilities = document
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .ok_or("no `vulnerabilities` array")?;
    for vulnerability in vulnerabilities {
        let Some(analysis) = vulnerability.get("analysis") else {
            continue;
        };
        let Some(status) = string(analysis, "state").as_deref().and_then(Status::parse) else {
            continue;
        };
        let mut ids: Vec<String> = string(vulnerability, "id").into_iter().collect();
        if let Some(Value::Array(references)) = vulnerability.get("references") {
            ids.extend(references.iter().filter_map(|r| string(r, "id")));
        }
        let mut products = Vec::new();
        if let Some(Value::Array(affects)) = vulnerability.get("affects") {
            for affected in affects {
                let Some(reference) = string(affected, "ref") else {
                    continue;
                };
                let purl = components
                    .iter()
                    .find(|(bom_ref, _)| *bom_ref == reference)
                    .map_or(reference.as_str(), |(_, purl)| purl.as_str());
                products.extend(parse_purl(purl));
            }
        }
        statements.push(Statement {
            ids,
            products,
            status,
            justification: string(analysis, "justification"),
            detail: string(analysis, "detail"),
        });
    }
    Ok(statements)
}

#[cfg(test)]
mod tests {
    use pyward_model::{FindingKind, Severity};

    use super::*;

    fn finding(id: &str, alias: &str, package: &str, version: &str) -> Finding {
        let mut f = Finding::new(FindingKind::Vulnerability, id, Severity::High);
        f.aliases = vec![alias.into()];
        f.package = Some(PackageName::new(package));
        f.version = Some(Some(version.into()));
        f
    }

    fn load(text: &str) -> VexDocument {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vex.json");
        fs_err::write(&path, text).unwrap();
        VexDocument::load(&path).unwrap()
    }

    #[test]
    fn purls() {
        assert_eq!(
            parse_purl("pkg:pypi/Django@3.0.1"),
            Some(Product {
                name: PackageName::new("django"),
                version: Some("3.0.1".into())
            })
        );
        assert_eq!(parse_purl("pkg:pypi/zope.interface").unwrap().version, None);
        assert_eq!(parse_purl("pkg:npm/left-pad@1"), None);
    }

    #[test]
    fn openvex_clears_the_product_it_names() {
        let vex = load(
            r#"{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
                {"vulnerability": {"name": "CVE-2021-3281"}, "products": [{"@id": "pkg:pypi/django@3.0.1"}],
                 "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
                 "impact_statement": "archive.extract is never called"},
                {"vulnerability": "CVE-2099-1", "status": "under_investigation"}]}"#,
        );
        let mut report = Report::new("0");
        report.findings = vec![
            finding("PYSEC-2021-9", "CVE-2021-3281", "django", "3.0.1"),
            finding("PYSEC-2021-9", "CVE-2021-3281", "django", "3.0.2"),
            finding("PYSEC-2099-1", "CVE-2099-1", "flask", "1.0"),
        ];
        assert_eq!(vex.apply(&mut report), 1);
        assert_eq!(report.findings.len(), 2);
        let reason = report.ignored[0].ignore_reason.as_deref().unwrap();
        assert!(reason.starts_with("VEX not_affected: vulnerable_code_not_in_execute_path"));
        assert!(reason.contains("never called"));
    }

    #[test]
    fn cyclonedx_vex_follows_bom_refs() {
        let vex = load(
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
                "components": [{"bom-ref": "django-ref", "purl": "pkg:pypi/django@3.0.1"}],
                "vulnerabilities": [{"id": "CVE-2021-3281",
                  "analysis": {"state": "not_affected", "justification": "code_not_reachable"},
                  "affects": [{"ref": "django-ref"}]}]}"#,
        );
        let mut report = Report::new("0");
        report.findings = vec![finding("PYSEC-2021-9", "CVE-2021-3281", "django", "3.0.1")];
        assert_eq!(vex.apply(&mut report), 1);
        assert!(report.findings.is_empty());
    }

    #[test]
    fn other_json_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        fs_err::write(&path, "{\"hello\": 1}").unwrap();
        let err = VexDocument::load(&path).unwrap_err().to_string();
        assert!(err.contains("neither an OpenVEX"), "{err}");
    }
}
