//! An advisory's severity: the CVSS base score computed from its vectors
//! (v2, v3.0, v3.1, v4.0 through the `cvss` crate), else its own label,
//! else unknown.

use std::str::FromStr;

use pyward_model::Severity;

use crate::record::{Advisory, CvssScore, SeverityVector};

/// The highest CVSS base score among `vectors`, if any parses.
pub fn cvss_score<'a>(vectors: impl IntoIterator<Item = &'a SeverityVector>) -> Option<f64> {
    best_cvss(vectors).map(|best| best.score)
}

/// The vector with the highest CVSS base score among `vectors`, with its
/// score; the first of equal scores.
pub fn best_cvss<'a>(vectors: impl IntoIterator<Item = &'a SeverityVector>) -> Option<CvssScore> {
    let mut best: Option<CvssScore> = None;
    for vector in vectors {
        if !vector.kind.starts_with("CVSS_") {
            continue;
        }
        let text = vector.score.trim();
        let Ok(parsed) = cvss::Cvss::from_str(text) else {
            continue;
        };
        let score = parsed.score();
        if score.is_finite() && best.as_ref().is_none_or(|b| score > b.score) {
            best = Some(CvssScore {
                score,
                vector: text.to_string(),
            });
        }
    }
    best
}

/// Every CVSS vector of `advisory`: the record's own, then its entries'.
pub fn advisory_vectors(advisory: &Advisory) -> impl Iterator<Item = &SeverityVector> {
    advisory
        .severity
        .iter()
        .chain(advisory.affected.iter().flat_map(|a| a.severity.iter()))
}

/// A `database_specific.severity` label (GitHub's `MODERATE` is medium).
pub fn label_severity(label: &str) -> Option<Severity> {
    match label.trim().to_ascii_uppercase().as_str() {
        "CRITICAL" => Some(Severity::Critical),
        "HIGH" => Some(Severity::High),
        "MODERATE" | "MEDIUM" => Some(Severity::Medium),
        "LOW" => Some(Severity::Low),
        _ => None,
    }
}

/// The severity of `advisory` for one package's entries.
pub fn advisory_severity(advisory: &Advisory) -> Severity {
    let best = best_cvss(advisory_vectors(advisory));
    severity_of(advisory, best.as_ref())
}

/// The severity of `advisory` given its best CVSS score (computed once
/// by the caller, who also stores it).
pub fn severity_of(advisory: &Advisory, best: Option<&CvssScore>) -> Severity {
    if let Some(best) = best
        && best.score > 0.0
    {
        return Severity::from_cvss_score(best.score);
    }
    advisory
        .database_severity
        .as_deref()
        .and_then(label_severity)
        .unwrap_or(Severity::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(vector: &str, kind: &str) -> Option<f64> {
        cvss_score([&SeverityVector {
            kind: kind.into(),
            score: vector.into(),
        }])
    }

    #[test]
    fn scores_known_vectors() {
        // NVD's published base scores for these vectors.
        assert_eq!(
            score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS_V3"),
            Some(9.8)
        );
        assert_eq!(
            score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "CVSS_V3"),
            Some(6.1)
        );
        assert_eq!(
            score("CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", "CVSS_V3"),
            Some(5.5)
        );
        assert_eq!(score("AV:N/AC:L/Au:N/C:P/I:P/A:P", "CVSS_V2"), Some(7.5));
        assert_eq!(
            score(
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                "CVSS_V4"
            ),
            Some(9.3)
        );
        assert_eq!(score("garbage", "CVSS_V3"), None);
        assert_eq!(
            score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "Ubuntu"),
            None
        );
    }

    #[test]
    fn falls_back_to_label_then_unknown() {
        let mut a = Advisory {
            id: "GHSA-1".into(),
            aliases: vec![],
            summary: None,
            details: None,
            published: None,
            modified: None,
            severity: vec![],
            database_severity: Some("MODERATE".into()),
            references: vec![],
            cwes: vec![],
            affected: vec![],
        };
        assert_eq!(advisory_severity(&a), Severity::Medium);
        a.severity.push(SeverityVector {
            kind: "CVSS_V3".into(),
            score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into(),
        });
        assert_eq!(advisory_severity(&a), Severity::Critical);
        a.severity.clear();
        a.database_severity = None;
        assert_eq!(advisory_severity(&a), Severity::Unknown);
    }
}
