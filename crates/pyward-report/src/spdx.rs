//! `--format spdx`: an SPDX 2.3 JSON document of the dependencies: a
//! package per dependency with its purl as an external reference, its
//! checksums and declared license, and `DEPENDS_ON` relationships from the
//! graph (the scanned project `DESCRIBES`'d by the document).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use pyward_model::Report;
use serde_json::{Value, json};

use crate::RenderOptions;
use crate::sbom;

const PROJECT_ID: &str = "SPDXRef-Project";

pub fn write(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let timestamp = options.timestamp();
    let sbom = sbom::of(report);
    let subject = sbom::subject_name(report);

    // SPDX ids allow letters, digits, `.` and `-`; a counter keeps two
    // names that differ only elsewhere apart.
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut taken = BTreeSet::new();
    for p in &sbom.packages {
        let base: String = format!(
            "SPDXRef-Package-{}-{}",
            p.name,
            p.version.as_deref().unwrap_or("unpinned")
        )
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
        let mut id = base.clone();
        let mut n = 2;
        while !taken.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        ids.insert(p.purl.as_str(), id);
    }

    let mut packages = vec![json!({
        "SPDXID": PROJECT_ID,
        "name": subject,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "primaryPackagePurpose": "APPLICATION",
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": "NOASSERTION",
        "copyrightText": "NOASSERTION",
    })];
    for p in &sbom.packages {
        let mut package = json!({
            "SPDXID": ids[p.purl.as_str()],
            "name": p.name.as_str(),
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "primaryPackagePurpose": "LIBRARY",
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": p.license.clone().unwrap_or_else(|| "NOASSERTION".into()),
            "copyrightText": "NOASSERTION",
            "externalRefs": [{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": p.purl,
            }],
        });
        if let Some(version) = &p.version {
            package["versionInfo"] = json!(version);
        }
        let checksums: Vec<Value> = p
            .hashes
            .iter()
            .filter_map(|h| {
                spdx_algorithm(&h.algorithm).map(
                    |alg| json!({"algorithm": alg, "checksumValue": h.digest.to_ascii_lowercase()}),
                )
            })
            .collect();
        if !checksums.is_empty() {
            package["checksums"] = json!(checksums);
        }
        packages.push(package);
    }

    let mut relationships = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": PROJECT_ID,
    })];
    for root in &sbom.roots {
        relationships.push(json!({
            "spdxElementId": PROJECT_ID,
            "relationshipType": "DEPENDS_ON",
            "relatedSpdxElement": ids[root.as_str()],
        }));
    }
    for (from, tos) in &sbom.edges {
        for to in tos {
            relationships.push(json!({
                "spdxElementId": ids[from.as_str()],
                "relationshipType": "DEPENDS_ON",
                "relatedSpdxElement": ids[to.as_str()],
            }));
        }
    }

    let uuid = sbom::uuid_from(&sbom::serial_seed(report, &timestamp));
    let document = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": format!("{subject} dependencies"),
        "documentNamespace": format!("https://spdx.org/spdxdocs/pyward-{}-{uuid}", sanitize(&subject)),
        "creationInfo": {
            "created": timestamp,
            "creators": [format!("Tool: pyward-{}", report.tool.version)],
        },
        "documentDescribes": [PROJECT_ID],
        "packages": packages,
        "relationships": relationships,
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}

fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn spdx_algorithm(algorithm: &str) -> Option<&'static str> {
    match algorithm.to_ascii_lowercase().replace('-', "").as_str() {
        "md5" => Some("MD5"),
        "sha1" => Some("SHA1"),
        "sha256" => Some("SHA256"),
        "sha384" => Some("SHA384"),
        "sha512" => Some("SHA512"),
        "blake2b256" | "blake2b_256" => Some("BLAKE2b-256"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_report;

    #[test]
    fn sample_spdx() {
        let mut out = Vec::new();
        write(&sample_report(), &RenderOptions::for_tests(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\"referenceLocator\": \"pkg:pypi/django@3.0.1\""));
        insta::assert_snapshot!(text);
    }
}
