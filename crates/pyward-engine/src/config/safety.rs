//! Safety's policy file, `.safety-policy.yml`, read so that a team moving
//! from Safety keeps its recorded decisions: ignored vulnerabilities with
//! their reasons and expiry, the CVSS floor, unknown severities, unpinned
//! requirements, and what fails the scan. What maps is mapped; what cannot
//! (Safety's own numeric vulnerability ids, which name records of Safety's
//! database, not advisories) is named in a note.

use std::collections::BTreeMap;
use std::path::Path;

use pyward_model::Severity;
use serde_yaml_ng::Value;

use crate::EngineError;
use crate::config::{Config, IgnoreRule, MAX_CONFIG_SIZE};
use crate::policy::FailOn;

/// The file name Safety looks for.
pub const FILE_NAME: &str = ".safety-policy.yml";

/// What a Safety policy says, in pyward's terms.
#[derive(Debug, Default)]
pub struct SafetyPolicy {
    pub ignores: Vec<IgnoreRule>,
    /// `ignore-cvss-severity-below` / `cvss-severity` lists: the lowest
    /// severity still reported.
    pub min_severity: Option<Severity>,
    /// `ignore-cvss-unknown-severity`.
    pub ignore_unknown_severity: bool,
    /// `ignore-unpinned-requirements`.
    pub ignore_unpinned: bool,
    /// `continue-on-vulnerability-error` / `fail-scan-with-exit-code`.
    pub fail_on: Option<FailOn>,
    /// Safety ids that cannot be mapped.
    pub unmapped: Vec<String>,
}

impl SafetyPolicy {
    pub fn load(path: &Path) -> Result<Self, EngineError> {
        let meta = fs_err::metadata(path).map_err(|e| EngineError::config(path, e.to_string()))?;
        if !meta.is_file() || meta.len() > MAX_CONFIG_SIZE {
            return Err(EngineError::config(
                path,
                format!("not a regular file of at most {MAX_CONFIG_SIZE} bytes"),
            ));
        }
        let text =
            fs_err::read_to_string(path).map_err(|e| EngineError::config(path, e.to_string()))?;
        Self::parse(&text).map_err(|message| EngineError::config(path, message))
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let root: Value = serde_yaml_ng::from_str(text)
            .map_err(|e| format!("not a Safety policy: {}", one_line(&e.to_string())))?;
        let mut policy = SafetyPolicy::default();
        // Safety 2.x: everything under `security:`.
        if let Some(security) = root.get("security") {
            policy.read_ignores(security.get("ignore-vulnerabilities"))?;
            if let Some(below) = security.get("ignore-cvss-severity-below").and_then(number) {
                policy.min_severity = floor_for_score(below);
            }
            policy.ignore_unknown_severity = security
                .get("ignore-cvss-unknown-severity")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            policy.ignore_unpinned = security
                .get("ignore-unpinned-requirements")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if security
                .get("continue-on-vulnerability-error")
                .and_then(Value::as_bool)
                .unwrap_or(false)
            {
                policy.fail_on = Some(FailOn::Never);
            }
        }
        // Safety 3.x: `report` and `fail-scan-with-exit-code`.
        if let Some(auto) = root
            .get("report")
            .and_then(|r| r.get("dependency-vulnerabilities"))
            .and_then(|d| d.get("auto-ignore-in-report"))
        {
            policy.read_ignores(auto.get("vulnerabilities"))?;
            if let Some(ignored) = auto.get("cvss-severity").and_then(Value::as_sequence) {
                let words: Vec<Severity> = ignored
                    .iter()
                    .filter_map(|w| w.as_str()?.parse().ok())
                    .collect();
                policy.min_severity = Severity::ALL
                    .iter()
                    .rev()
                    .copied()
                    .filter(|s| *s != Severity::Unknown)
                    .find(|s| !words.contains(s));
                policy.ignore_unknown_severity |= ignored.iter().any(|w| {
                    w.as_str()
                        .is_some_and(|w| w.eq_ignore_ascii_case("unknown"))
                });
            }
            policy.ignore_unpinned |= auto
                .get("python")
                .and_then(|p| p.get("unpinned-requirements"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
        }
        if let Some(fail) = root
            .get("fail-scan-with-exit-code")
            .and_then(|f| f.get("dependency-vulnerabilities"))
        {
            let enabled = fail.get("enabled").and_then(Value::as_bool).unwrap_or(true);
            policy.fail_on = if enabled {
                fail.get("fail-on-any-of")
                    .and_then(|f| f.get("cvss-severity"))
                    .and_then(Value::as_sequence)
                    .and_then(|words| {
                        words
                            .iter()
                            .filter_map(|w| w.as_str()?.parse::<Severity>().ok())
                            .min()
                    })
                    .map(FailOn::AtOrAbove)
                    .or(policy.fail_on)
            } else {
                Some(FailOn::Never)
            };
        }
        Ok(policy)
    }

    fn read_ignores(&mut self, table: Option<&Value>) -> Result<(), String> {
        let Some(table) = table else {
            return Ok(());
        };
        let Some(mapping) = table.as_mapping() else {
            return Err("`ignore-vulnerabilities` is not a mapping of ids".into());
        };
        let entries: BTreeMap<String, &Value> = mapping
            .iter()
            .filter_map(|(id, entry)| Some((scalar(id)?, entry)))
            .collect();
        for (id, entry) in entries {
            if id.bytes().all(|b| b.is_ascii_digit()) {
                self.unmapped.push(id);
                continue;
            }
            let reason = entry
                .get("reason")
                .and_then(scalar)
                .filter(|r| !r.trim().is_empty())
                .unwrap_or_else(|| "ignored in Safety's policy file".to_string());
            let expires = entry
                .get("expires")
                .and_then(scalar)
                .map(|e| e.chars().take(10).collect::<String>());
            self.ignores.push(IgnoreRule {
                id: Some(id),
                reason,
                expires,
                ..IgnoreRule::default()
            });
        }
        Ok(())
    }

    /// Adds what the policy says to `config`, where pyward's own
    /// configuration says nothing; returns what the user should hear.
    pub fn merge_into(self, config: &mut Config, path: &Path) -> Vec<String> {
        let mut notes = vec![format!(
            "read Safety's policy `{}`: {} ignore{} mapped",
            path.display(),
            self.ignores.len(),
            if self.ignores.len() == 1 { "" } else { "s" }
        )];
        if !self.unmapped.is_empty() {
            notes.push(format!(
                "Safety vulnerability ids {} in `{}` name records of Safety's own database and cannot be mapped; add `[[ignore]]` entries with the advisories' CVE or PYSEC ids",
                self.unmapped.join(", "),
                path.display()
            ));
        }
        config.ignore.extend(self.ignores);
        if config.min_severity.is_none() {
            config.min_severity = self.min_severity;
        }
        if config.fail_on.is_none() {
            config.fail_on = self.fail_on;
        }
        if self.ignore_unknown_severity && config.fail_on_unknown.is_none() {
            config.fail_on_unknown = Some(false);
        }
        if self.ignore_unpinned {
            notes.push(
                "Safety's `ignore-unpinned-requirements`: unpinned requirements are listed, not audited by range".into(),
            );
        }
        notes
    }
}

/// The `min-severity` for Safety's "ignore scores below N": the bands
/// wholly below N are hidden (low is below 4, medium below 7, high below
/// 9), so pyward never hides more than Safety did.
fn floor_for_score(score: f64) -> Option<Severity> {
    if score >= 9.0 {
        Some(Severity::Critical)
    } else if score >= 7.0 {
        Some(Severity::High)
    } else if score >= 4.0 {
        Some(Severity::Medium)
    } else {
        None
    }
}

fn number(value: &Value) -> Option<f64> {
    value
        .as_f64()
        .or_else(|| value.as_str()?.trim().parse().ok())
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safety_2_policy_maps_ignores_floor_and_flags() {
        let policy = SafetyPolicy::parse(
            "security:\n  ignore-cvss-severity-below: 7\n  ignore-cvss-unknown-severity: true\n  ignore-unpinned-requirements: true\n  ignore-vulnerabilities:\n    25853:\n      reason: we do not use the vulnerable function\n      expires: '2027-10-21'\n    CVE-2021-3281:\n      reason: admin site not deployed\n      expires: '2027-06-30'\n",
        )
        .unwrap();
        assert_eq!(policy.unmapped, ["25853"]);
        assert_eq!(policy.ignores.len(), 1);
        assert_eq!(policy.ignores[0].id.as_deref(), Some("CVE-2021-3281"));
        assert_eq!(policy.ignores[0].expires.as_deref(), Some("2027-06-30"));
        assert_eq!(policy.min_severity, Some(Severity::High));
        assert!(policy.ignore_unknown_severity);
        let mut config = Config::default();
        let notes = policy.merge_into(&mut config, Path::new(".safety-policy.yml"));
        assert!(notes.iter().any(|n| n.contains("25853")), "{notes:?}");
        assert_eq!(config.fail_on_unknown, Some(false));
        assert_eq!(config.min_severity, Some(Severity::High));
    }

    #[test]
    fn safety_3_policy_maps_ignored_severities_and_the_gate() {
        let policy = SafetyPolicy::parse(
            "version: '3.0'\nreport:\n  dependency-vulnerabilities:\n    auto-ignore-in-report:\n      cvss-severity: [low]\n      vulnerabilities:\n        GHSA-aaaa-bbbb-cccc:\n          reason: test only\nfail-scan-with-exit-code:\n  dependency-vulnerabilities:\n    enabled: true\n    fail-on-any-of:\n      cvss-severity: [critical, high]\n",
        )
        .unwrap();
        assert_eq!(policy.min_severity, Some(Severity::Medium));
        assert_eq!(policy.fail_on, Some(FailOn::AtOrAbove(Severity::High)));
        assert_eq!(policy.ignores[0].reason, "test only");
    }

    #[test]
    fn cvss_floors_never_hide_more_than_safety() {
        assert_eq!(floor_for_score(7.0), Some(Severity::High));
        assert_eq!(floor_for_score(6.5), Some(Severity::Medium));
        assert_eq!(floor_for_score(9.0), Some(Severity::Critical));
        assert_eq!(floor_for_score(3.0), None);
        assert_eq!(floor_for_score(0.0), None);
    }
}
