//! Building a database: advisories in, the three stored parts of each out
//! (the core that matching reads, the display that findings show, the
//! full record), written atomically.

use std::collections::BTreeMap;
use std::path::Path;

use pyward_model::PackageName;

use crate::error::DbError;
use crate::matching::{PreparedEntry, QueryVersion};
use crate::record::{
    Advisory, AdvisoryCore, AdvisoryDisplay, Affected, CvssScore, DISPLAY_REFERENCES,
};
use crate::source::{SourceRecords, read_source};
use crate::store::{self, Meta};
use crate::{severity, temporaries, text};

/// How [`import`] labels what it builds.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// When the database was built (RFC 3339) [default: now].
    pub built: Option<String>,
    /// What to record as its source [default: the source path].
    pub source_label: Option<String>,
}

/// What an import read and wrote.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub meta: Meta,
    /// Malformed records, left out.
    pub skipped: Vec<crate::SkippedRecord>,
    pub withdrawn: usize,
    pub other_ecosystems: usize,
    /// Files (or zip entries) read.
    pub files: usize,
    /// Entries of a source folder that are not regular files (FIFOs,
    /// devices, sockets) or are symbolic links: not read.
    pub not_regular: usize,
    /// Temporary files of an earlier import or update that died, removed.
    pub stale_removed: usize,
}

/// Builds a database at `dest` from the OSV records at `source` (folder,
/// file or zip), atomically: `dest` is replaced only once the new database
/// is complete, and stays as it was on any error. An existing `dest` that
/// is not a pyward database is never replaced.
pub fn import(
    source: &Path,
    dest: &Path,
    options: &ImportOptions,
) -> Result<ImportReport, DbError> {
    store::check_replaceable(dest)?;
    let stale_removed = temporaries::remove_stale_beside(dest);
    let records = read_source(source)?;
    let label = options
        .source_label
        .clone()
        .unwrap_or_else(|| absolute_display(source));
    let mut report = build(records, source, dest, &label, options.built.clone())?;
    report.stale_removed = stale_removed;
    Ok(report)
}

fn absolute_display(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// Writes `records` as a database at `dest`. `origin` names the source in
/// errors; an origin with no PyPI record at all is refused, and so is a
/// `dest` that exists and is not a pyward database.
pub fn build(
    records: SourceRecords,
    origin: &Path,
    dest: &Path,
    source_label: &str,
    built: Option<String>,
) -> Result<ImportReport, DbError> {
    store::check_replaceable(dest)?;
    if records.advisories.is_empty() {
        let detail = match records.skipped.first() {
            Some(first) => format!(" ({} malformed, the first: {first})", records.skipped.len()),
            None if records.files == 0 => " (no .json, .yaml or .yml records found)".to_string(),
            None => format!(
                " ({} records of other ecosystems or withdrawn)",
                records.files
            ),
        };
        return Err(DbError::NoRecords {
            path: origin.to_path_buf(),
            detail,
        });
    }
    // One advisory per id: when a source holds two, the newer wins.
    let mut by_id: BTreeMap<String, Advisory> = BTreeMap::new();
    for advisory in records.advisories {
        match by_id.get(&advisory.id) {
            Some(old) if old.modified >= advisory.modified => {}
            _ => {
                by_id.insert(advisory.id.clone(), advisory);
            }
        }
    }
    let mut newest: Option<jiff::Timestamp> = None;
    type Parts = (Vec<AdvisoryCore>, Vec<AdvisoryDisplay>, Vec<Advisory>);
    let mut by_package: BTreeMap<String, Parts> = BTreeMap::new();
    for advisory in by_id.values() {
        if let Some(ts) = advisory
            .modified
            .as_deref()
            .and_then(|m| m.parse::<jiff::Timestamp>().ok())
            && newest.is_none_or(|n| ts > n)
        {
            newest = Some(ts);
        }
        let mut packages: Vec<&PackageName> =
            advisory.affected.iter().map(|a| &a.package).collect();
        packages.sort();
        packages.dedup();
        for package in packages {
            let mut one = advisory.clone();
            one.affected.retain(|a| &a.package == package);
            let slot = by_package.entry(package.as_str().to_string()).or_default();
            let display = display_of(&one);
            slot.0.push(core_of(&one, display.cvss.as_ref()));
            slot.1.push(display);
            slot.2.push(one);
        }
    }
    let built = built.unwrap_or_else(|| {
        jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .unwrap_or_else(|_| jiff::Timestamp::now())
            .to_string()
    });
    let meta = Meta {
        built,
        source: source_label.to_string(),
        advisories: by_id.len(),
        malicious: by_id.values().filter(|a| a.is_malicious()).count(),
        packages: by_package.len(),
        newest_modified: newest.map(|ts| ts.round(jiff::Unit::Second).unwrap_or(ts).to_string()),
        skipped: records.skipped.len(),
        withdrawn: records.withdrawn,
    };
    let mut blobs = BTreeMap::new();
    for (name, (cores, displays, full)) in by_package {
        let blob = store::PackageBlobs {
            core: to_json(dest, &cores)?,
            display: to_json(dest, &displays)?,
            full: to_json(dest, &full)?,
        };
        blobs.insert(name, blob);
    }
    store::write_atomically(dest, &blobs, &meta)?;
    Ok(ImportReport {
        meta,
        skipped: records.skipped,
        withdrawn: records.withdrawn,
        other_ecosystems: records.other_ecosystems,
        files: records.files,
        not_regular: records.not_regular,
        stale_removed: 0,
    })
}

fn to_json<T: serde::Serialize>(dest: &Path, value: &T) -> Result<Vec<u8>, DbError> {
    serde_json::to_vec(value).map_err(|e| DbError::Write {
        path: dest.to_path_buf(),
        cause: std::io::Error::other(e),
    })
}

/// What matching needs of `advisory` (reduced to one package's entries),
/// given its best CVSS score.
pub fn core_of(advisory: &Advisory, cvss: Option<&CvssScore>) -> AdvisoryCore {
    AdvisoryCore {
        id: advisory.id.clone(),
        aliases: advisory.aliases.clone(),
        severity: severity::severity_of(advisory, cvss),
        affected: advisory
            .affected
            .iter()
            .map(versions_outside_ranges)
            .collect(),
    }
}

/// `entry` with its `versions` list reduced to the versions outside every
/// range of the entry: a listed version inside a range cannot change an
/// answer (affected means listed *or* in a range). Its severity vectors
/// are left out: the core carries the computed severity.
fn versions_outside_ranges(entry: &Affected) -> Affected {
    let ranges_only = Affected {
        package: entry.package.clone(),
        ranges: entry.ranges.clone(),
        versions: Vec::new(),
        severity: Vec::new(),
        imports: Vec::new(),
    };
    let prepared = PreparedEntry::new(&ranges_only);
    let versions = entry
        .versions
        .iter()
        .filter(|v| {
            let query = QueryVersion::new(v);
            !(query.is_pep440() && prepared.matches(&query).is_some())
        })
        .cloned()
        .collect();
    Affected {
        versions,
        ..ranges_only
    }
}

/// What findings show of `advisory`: its text cleaned, bounded and
/// decoded once here rather than on every audit.
pub fn display_of(advisory: &Advisory) -> AdvisoryDisplay {
    let mut references: Vec<String> = Vec::new();
    for r in &advisory.references {
        if references.len() < DISPLAY_REFERENCES && !references.contains(&r.url) {
            references.push(r.url.clone());
        }
    }
    AdvisoryDisplay {
        headline: text::headline(advisory.summary.as_deref(), advisory.details.as_deref()),
        details: advisory.details.as_deref().and_then(text::bounded_details),
        references,
        cwes: advisory.cwes.clone(),
        published: advisory.published.clone(),
        modified: advisory.modified.clone(),
        cvss: severity::best_cvss(severity::advisory_vectors(advisory)),
        imports: {
            let mut imports: Vec<String> = advisory
                .affected
                .iter()
                .flat_map(|a| a.imports.iter().cloned())
                .collect();
            imports.sort();
            imports.dedup();
            imports
        },
    }
}
