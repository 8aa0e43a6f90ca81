//! What the two SBOM formats (CycloneDX, SPDX) share: the packages of a
//! report, once each by purl, with their hashes and licenses, and the
//! dependency graph between them.

use std::collections::{BTreeMap, BTreeSet};

use pyward_model::{FileHash, PackageName, Report};

use crate::package_url;

/// One package of the SBOM.
pub(crate) struct Package {
    pub purl: String,
    pub name: PackageName,
    pub version: Option<String>,
    pub license: Option<String>,
    pub hashes: Vec<FileHash>,
    /// Stated by the project (or an environment's top level).
    pub direct: bool,
}

/// The packages and the graph: `edges[purl]` are what `purl` depends on;
/// `roots` what the project itself depends on.
pub(crate) struct Sbom {
    pub packages: Vec<Package>,
    pub roots: BTreeSet<String>,
    pub edges: BTreeMap<String, BTreeSet<String>>,
}

pub(crate) fn of(report: &Report) -> Sbom {
    let mut packages: BTreeMap<String, Package> = BTreeMap::new();
    for d in &report.dependencies {
        let purl = package_url::pypi(&d.name, d.version.as_deref());
        let entry = packages.entry(purl.clone()).or_insert_with(|| Package {
            purl,
            name: d.name.clone(),
            version: d.version.clone(),
            license: None,
            hashes: Vec::new(),
            direct: false,
        });
        entry.direct |= d.direct;
        if entry.license.is_none() {
            entry.license = d.license.clone().filter(|l| is_license_expression(l));
        }
        for hash in &d.hashes {
            if !entry.hashes.contains(hash) && is_hex(&hash.digest) {
                entry.hashes.push(hash.clone());
            }
        }
    }
    let mut roots = BTreeSet::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for edge in &report.graph {
        let to = package_url::pypi(&edge.to.name, edge.to.version.as_deref());
        packages.entry(to.clone()).or_insert_with(|| Package {
            purl: to.clone(),
            name: edge.to.name.clone(),
            version: edge.to.version.clone(),
            license: None,
            hashes: Vec::new(),
            direct: edge.from.is_none(),
        });
        match &edge.from {
            None => {
                roots.insert(to);
            }
            Some(from) => {
                let from_purl = package_url::pypi(&from.name, from.version.as_deref());
                packages
                    .entry(from_purl.clone())
                    .or_insert_with(|| Package {
                        purl: from_purl.clone(),
                        name: from.name.clone(),
                        version: from.version.clone(),
                        license: None,
                        hashes: Vec::new(),
                        direct: false,
                    });
                edges.entry(from_purl).or_default().insert(to);
            }
        }
    }
    // Without a graph, the project depends on what it states directly.
    if report.graph.is_empty() {
        roots = packages
            .values()
            .filter(|p| p.direct)
            .map(|p| p.purl.clone())
            .collect();
    }
    Sbom {
        packages: packages.into_values().collect(),
        roots,
        edges,
    }
}

/// An SPDX license expression as far as its characters go; anything else
/// (free text from old metadata) is left out rather than written as a
/// license the SBOM cannot back.
fn is_license_expression(text: &str) -> bool {
    !text.is_empty()
        && text != "NOASSERTION"
        && text != "UNKNOWN"
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | ' ' | '(' | ')' | ':')
        })
}

fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_hexdigit())
}

/// A UUID (version 5 and RFC 4122 variant bits set) from a hex
/// fingerprint: stable for the same input, as the formats' patterns want.
pub(crate) fn uuid_from(fingerprint: &str) -> String {
    let mut hex: Vec<char> = fingerprint
        .chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_lowercase())
        .chain(std::iter::repeat('0'))
        .take(32)
        .collect();
    hex[12] = '5';
    hex[16] = ['8', '9', 'a', 'b'][hex[16].to_digit(16).unwrap_or(0) as usize % 4];
    let hex: String = hex.into_iter().collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The name of what was scanned, for the SBOM's subject.
pub(crate) fn subject_name(report: &Report) -> String {
    let display = report.root.display.trim_end_matches('/');
    let name = display.rsplit('/').next().unwrap_or("");
    if name.is_empty() || name == "." || name == ".." {
        "project".to_string()
    } else {
        name.to_string()
    }
}

/// A fingerprint of the report's packages and the time, so that two SBOMs
/// of different trees or runs get different serial numbers.
pub(crate) fn serial_seed(report: &Report, timestamp: &str) -> String {
    let mut parts: Vec<String> = vec![timestamp.to_string(), report.root.display.clone()];
    parts.extend(
        report
            .dependencies
            .iter()
            .map(|d| format!("{}@{:?}", d.name, d.version)),
    );
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    pyward_model::fingerprint(&refs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_report;

    #[test]
    fn uuids_have_version_and_variant() {
        let uuid = uuid_from("0123456789abcdef0123456789abcdef");
        assert_eq!(uuid, "01234567-89ab-5def-8123-456789abcdef");
    }

    #[test]
    fn packages_once_with_the_graph() {
        let sbom = of(&sample_report());
        let purls: Vec<&str> = sbom.packages.iter().map(|p| p.purl.as_str()).collect();
        assert!(purls.contains(&"pkg:pypi/django@3.0.1"));
        assert!(purls.contains(&"pkg:pypi/requests"));
        assert!(sbom.roots.contains("pkg:pypi/flask@2.0.0"));
        assert!(sbom.edges["pkg:pypi/flask@2.0.0"].contains("pkg:pypi/werkzeug@0.15.0"));
        let django = sbom
            .packages
            .iter()
            .find(|p| p.name.as_str() == "django")
            .unwrap();
        assert_eq!(django.hashes.len(), 1);
        assert_eq!(django.license.as_deref(), Some("BSD-3-Clause"));
        let evil = sbom
            .packages
            .iter()
            .find(|p| p.name.as_str() == "evilpkg")
            .unwrap();
        assert_eq!(evil.license, None, "NOASSERTION is no license");
    }
}
