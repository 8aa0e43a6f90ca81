use serde::{Deserialize, Serialize};

use crate::Category;
use crate::expression;
use crate::files;
use crate::known::{self, Known};

/// What a package's metadata says about its license: the model's type,
/// which the inventory fills from `METADATA` (and this crate from PyPI's
/// JSON API).
pub use pyward_model::LicenseMetadata;

/// Where a license was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// PEP 639 `License-Expression`.
    Expression,
    /// The `License` field.
    LicenseField,
    /// Trove classifiers.
    Classifier,
    /// License files (`LICENSE`, `COPYING`).
    File,
    /// PyPI's JSON API (for packages known only from a lockfile).
    Pypi,
    /// Nowhere: no source says anything about the license.
    None,
}

/// A dependency's license, as pyward understands it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseInfo {
    /// The license as a canonical SPDX expression, when it is known as one.
    pub expression: Option<String>,
    pub category: Category,
    /// The text the license was read from (the expression or field as
    /// written, the classifiers, the file names); for an unrecognised
    /// license, the unrecognised text. Bounded: long texts keep their first
    /// line.
    pub raw: Option<String>,
    pub origin: Origin,
    /// The metadata named a family ("BSD", `License :: OSI Approved ::
    /// Apache Software License`) or a license text without its version
    /// choice, and `expression` is the documented reading of it (see the
    /// crate README), not a certainty.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
}

impl LicenseInfo {
    /// Nothing in the metadata says what the license is.
    pub fn none() -> Self {
        Self {
            expression: None,
            category: Category::Unknown,
            raw: None,
            origin: Origin::None,
            approximate: false,
        }
    }

    /// No source said anything about the license (as opposed to a license
    /// pyward could not read).
    pub fn is_missing(&self) -> bool {
        self.expression.is_none() && self.raw.is_none() && self.category == Category::Unknown
    }

    /// What to show in a table: the expression, else the raw text.
    pub fn display(&self) -> &str {
        self.expression
            .as_deref()
            .or(self.raw.as_deref())
            .unwrap_or("")
    }
}

/// The license fields of a core metadata file (`METADATA`, `PKG-INFO`):
/// `License-Expression`, `License` (with its continuation lines),
/// `Classifier`. License files are left for the caller to read (see
/// [`license_file_names`]). Reads the headers only, up to the first blank
/// line, and at most [`MAX_HEADER_BYTES`].
pub fn from_core_metadata(text: &str) -> LicenseMetadata {
    {
        let mut metadata = LicenseMetadata::default();
        for (name, value) in headers(text) {
            match name.to_ascii_lowercase().as_str() {
                "license-expression" => metadata.expression = Some(value),
                "license" => metadata.license = Some(value),
                "classifier" => metadata.classifiers.push(value),
                _ => {}
            }
        }
        metadata
    }
}

/// The `License-File` entries of a core metadata file (paths relative to the
/// `.dist-info/licenses/` folder, or to the distribution for older tools).
pub fn license_file_names(core_metadata: &str) -> Vec<String> {
    headers(core_metadata)
        .into_iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("license-file"))
        .map(|(_, value)| value)
        .collect()
}

/// How much of a metadata file is read for its headers.
pub const MAX_HEADER_BYTES: usize = 256 * 1024;

/// `Name: value` headers, continuation lines (starting with a space or a
/// tab) joined with newlines, setuptools' `|` margin on them removed.
fn headers(text: &str) -> Vec<(String, String)> {
    let mut end = text.len().min(MAX_HEADER_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text[..end].lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = out.last_mut() {
                let continued = line.trim_start();
                let continued = continued.strip_prefix('|').unwrap_or(continued);
                value.push('\n');
                value.push_str(continued);
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    out
}

/// How long a raw text is kept before it is cut at its first line.
const MAX_RAW: usize = 200;

/// The license `metadata` states: PEP 639 `License-Expression` first, then
/// the `License` field, then classifiers, then license files. The first
/// source that says something recognisable wins; a source that says
/// nothing ("UNKNOWN", empty, "See LICENSE") is skipped. When no source is
/// recognised, the result is [`Category::Unknown`] with the first
/// unrecognised text as `raw`: an unknown license is never guessed.
pub fn resolve(metadata: &LicenseMetadata) -> LicenseInfo {
    let mut unrecognised: Option<(String, Origin)> = None;

    if let Some(text) = nonblank(metadata.expression.as_deref()) {
        if let Some(spdx) = expression::parse(text) {
            return exact(spdx, text, Origin::Expression);
        }
        unrecognised = Some((bounded(text), Origin::Expression));
    }

    if let Some(text) = nonblank(metadata.license.as_deref()) {
        match license_field(text) {
            // "GPL" in the field, "GPLv2+" in a classifier: the exact one.
            Field::Found(info) if info.approximate => {
                return match classifiers(&metadata.classifiers) {
                    Field::Found(exact) if !exact.approximate => exact,
                    _ => info,
                };
            }
            Field::Found(info) => return info,
            Field::Nothing => {}
            Field::Unrecognised => {
                unrecognised.get_or_insert((bounded(text), Origin::LicenseField));
            }
        }
    }

    match classifiers(&metadata.classifiers) {
        Field::Found(info) => return info,
        Field::Unrecognised => {
            let listed = license_classifiers(&metadata.classifiers).join("; ");
            unrecognised.get_or_insert((bounded(&listed), Origin::Classifier));
        }
        Field::Nothing => {}
    }

    if let Some(info) = license_files(&metadata.files) {
        return info;
    }

    match unrecognised {
        Some((raw, origin)) => LicenseInfo {
            expression: None,
            category: Category::Unknown,
            raw: Some(raw),
            origin,
            approximate: false,
        },
        None => LicenseInfo::none(),
    }
}

enum Field {
    Found(LicenseInfo),
    /// The source says nothing about the license.
    Nothing,
    /// The source says something pyward does not recognise.
    Unrecognised,
}

fn license_field(text: &str) -> Field {
    let origin = Origin::LicenseField;
    if let Some(found) = known::license_field(text) {
        return match found {
            Known::Nothing => Field::Nothing,
            other => Field::Found(from_known(other, text, origin)),
        };
    }
    if let Some(spdx) = expression::parse(text) {
        return Field::Found(exact(spdx, text, origin));
    }
    if let Some(info) = compound(text, origin) {
        return Field::Found(info);
    }
    // A whole license pasted into the field: its sentences, then its title.
    if let Some((id, approximate)) = files::recognise(text) {
        return Field::Found(from_known(Known::Spdx(id, approximate), text, origin));
    }
    let first_line = text.lines().map(str::trim).find(|l| !l.is_empty());
    if let Some(line) = first_line
        && line.len() < text.trim().len()
        && let Some(found @ (Known::Spdx(..) | Known::Category(_))) = known::license_field(line)
    {
        return Field::Found(from_known(found, text, origin));
    }
    Field::Unrecognised
}

/// "MIT or Apache 2.0", "BSD/GPL", "Apache-2.0, MIT": every part known.
fn compound(text: &str, origin: Origin) -> Option<LicenseInfo> {
    let lowered = text.to_ascii_lowercase();
    let (parts, operator): (Vec<&str>, &str) = if lowered.contains(" or ") {
        (split_words(text, " or "), "OR")
    } else if lowered.contains(" and ") {
        (split_words(text, " and "), "AND")
    } else if text.contains('/') && !lowered.contains("zlib/libpng") {
        (text.split('/').collect(), "OR")
    } else if text.contains(',') {
        (text.split(',').collect(), "OR")
    } else {
        return None;
    };
    if parts.len() < 2 || parts.len() > 8 {
        return None;
    }
    let mut ids = Vec::new();
    let mut approximate = false;
    for part in parts {
        match known::license_field(part) {
            Some(Known::Spdx(id, approx)) => {
                ids.push(id.to_string());
                approximate |= approx;
            }
            _ => ids.push(expression::parse(part)?.canonical),
        }
    }
    let joined = ids
        .iter()
        .map(|id| {
            if id.contains(' ') {
                format!("({id})")
            } else {
                id.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(&format!(" {operator} "));
    let spdx = expression::parse(&joined)?;
    let mut info = exact(spdx, text, origin);
    info.approximate = approximate;
    Some(info)
}

/// Splits on a word, ignoring ASCII case.
fn split_words<'a>(text: &'a str, word: &str) -> Vec<&'a str> {
    let lowered = text.to_ascii_lowercase();
    let mut parts = Vec::new();
    let mut start = 0;
    for (at, _) in lowered.match_indices(word) {
        parts.push(&text[start..at]);
        start = at + word.len();
    }
    parts.push(&text[start..]);
    parts
}

fn license_classifiers(classifiers: &[String]) -> Vec<&str> {
    classifiers
        .iter()
        .map(|c| c.trim())
        .filter(|c| c.starts_with("License ::"))
        .collect()
}

/// Several license classifiers are read as a choice (`OR`): classifiers
/// cannot say "and", and projects list several when users may pick any
/// (`packaging`: Apache Software License, BSD License).
fn classifiers(classifiers: &[String]) -> Field {
    let listed = license_classifiers(classifiers);
    if listed.is_empty() {
        return Field::Nothing;
    }
    let mut ids: Vec<&'static str> = Vec::new();
    let mut categories: Vec<Category> = Vec::new();
    let mut approximate = false;
    let mut recognised_any = false;
    let mut unrecognised_any = false;
    for classifier in &listed {
        match known::classifier(classifier) {
            Some(Known::Spdx(id, approx)) => {
                recognised_any = true;
                approximate |= approx;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            Some(Known::Category(category)) => {
                recognised_any = true;
                categories.push(category);
            }
            Some(Known::Nothing) => {}
            // Alongside a known one it is one more alternative, which the
            // choice does not need; alone, it is reported unrecognised.
            None => unrecognised_any = true,
        }
    }
    if !recognised_any {
        return if unrecognised_any {
            Field::Unrecognised
        } else {
            Field::Nothing
        };
    }
    let raw = bounded(&listed.join("; "));
    let expression = (!ids.is_empty())
        .then(|| expression::parse(&ids.join(" OR ")))
        .flatten();
    let category = expression
        .iter()
        .map(|spdx| spdx.category)
        .chain(categories.iter().copied())
        .min()
        .unwrap_or(Category::Unknown);
    // A category without an id ("Public Domain") cannot be written in SPDX.
    let written = if categories.is_empty() {
        expression.map(|spdx| spdx.canonical)
    } else {
        None
    };
    Field::Found(LicenseInfo {
        approximate: approximate || (!categories.is_empty() && !ids.is_empty()),
        expression: written,
        category,
        raw: Some(raw),
        origin: Origin::Classifier,
    })
}

/// Several different licenses in files all apply (`AND`): a project ships
/// every file it has. Marked approximate, since some projects keep the
/// alternatives of a dual license in separate files.
fn license_files(files: &[(String, String)]) -> Option<LicenseInfo> {
    let mut ids: Vec<&'static str> = Vec::new();
    let mut names = Vec::new();
    let mut approximate = false;
    for (name, text) in files {
        if let Some((id, approx)) = files::recognise(text) {
            approximate |= approx;
            names.push(name.as_str());
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    if ids.is_empty() {
        return None;
    }
    let spdx = expression::parse(&ids.join(" AND "))?;
    Some(LicenseInfo {
        approximate: approximate || ids.len() > 1,
        expression: Some(spdx.canonical),
        category: spdx.category,
        raw: Some(bounded(&names.join(", "))),
        origin: Origin::File,
    })
}

fn from_known(known: Known, text: &str, origin: Origin) -> LicenseInfo {
    match known {
        Known::Spdx(id, approximate) => {
            let spdx = expression::parse(id).expect("the tables hold valid SPDX ids (tested)");
            let mut info = exact(spdx, text, origin);
            info.approximate = approximate;
            info
        }
        Known::Category(category) => LicenseInfo {
            expression: None,
            category,
            raw: Some(bounded(text)),
            origin,
            approximate: false,
        },
        Known::Nothing => LicenseInfo::none(),
    }
}

fn exact(spdx: expression::Spdx, text: &str, origin: Origin) -> LicenseInfo {
    LicenseInfo {
        expression: Some(spdx.canonical),
        category: spdx.category,
        raw: Some(bounded(text)),
        origin,
        approximate: false,
    }
}

fn nonblank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// The text, or its first line when it is long or spans lines.
fn bounded(text: &str) -> String {
    let text = text.trim();
    if text.len() <= MAX_RAW && !text.contains('\n') {
        return text.to_string();
    }
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut end = first.len().min(MAX_RAW);
    while !first.is_char_boundary(end) {
        end -= 1;
    }
    format!("{} …", &first[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str) -> LicenseInfo {
        resolve(&LicenseMetadata {
            license: Some(text.to_string()),
            ..LicenseMetadata::default()
        })
    }

    #[test]
    fn expression_wins() {
        let info = resolve(&LicenseMetadata {
            expression: Some("MIT".into()),
            license: Some("GPLv3".into()),
            classifiers: vec!["License :: OSI Approved :: BSD License".into()],
            files: vec![],
        });
        assert_eq!(info.expression.as_deref(), Some("MIT"));
        assert_eq!(info.origin, Origin::Expression);
    }

    #[test]
    fn license_field_spellings() {
        assert_eq!(field("MIT License").expression.as_deref(), Some("MIT"));
        assert_eq!(
            field("GPLv3+").expression.as_deref(),
            Some("GPL-3.0-or-later")
        );
        assert_eq!(
            field("BSD-3-Clause").expression.as_deref(),
            Some("BSD-3-Clause")
        );
        let dual = field("MIT or Apache 2.0");
        assert_eq!(dual.expression.as_deref(), Some("MIT OR Apache-2.0"));
        let slash = field("BSD/GPL");
        assert_eq!(
            slash.expression.as_deref(),
            Some("BSD-3-Clause OR GPL-1.0-or-later")
        );
        assert!(slash.approximate);
        let pasted = field(
            "Apache License\n                           Version 2.0, January 2004\n\n TERMS AND CONDITIONS",
        );
        assert_eq!(pasted.expression.as_deref(), Some("Apache-2.0"));
        assert_eq!(pasted.raw.as_deref(), Some("Apache License …"));
        let titled =
            field("BSD 3-Clause License\n\nCopyright (c) 2020, someone\nAll rights reserved.");
        assert_eq!(titled.expression.as_deref(), Some("BSD-3-Clause"));
    }

    #[test]
    fn unknown_text_is_reported_not_guessed() {
        let info = field("Do whatever you like, but be nice");
        assert_eq!(info.expression, None);
        assert_eq!(info.category, Category::Unknown);
        assert_eq!(
            info.raw.as_deref(),
            Some("Do whatever you like, but be nice")
        );
        assert_eq!(info.origin, Origin::LicenseField);
        assert!(!info.is_missing());
    }

    #[test]
    fn nothing_said_means_missing() {
        let info = resolve(&LicenseMetadata {
            license: Some("UNKNOWN".into()),
            classifiers: vec!["Programming Language :: Python".into()],
            ..LicenseMetadata::default()
        });
        assert!(info.is_missing());
        assert_eq!(info.origin, Origin::None);
    }

    #[test]
    fn classifiers_are_a_choice() {
        let info = resolve(&LicenseMetadata {
            classifiers: vec![
                "License :: OSI Approved :: Apache Software License".into(),
                "License :: OSI Approved :: BSD License".into(),
            ],
            ..LicenseMetadata::default()
        });
        assert_eq!(
            info.expression.as_deref(),
            Some("Apache-2.0 OR BSD-3-Clause")
        );
        assert!(info.approximate);
        assert_eq!(info.category, Category::Permissive);
        let public = resolve(&LicenseMetadata {
            classifiers: vec!["License :: Public Domain".into()],
            ..LicenseMetadata::default()
        });
        assert_eq!(public.expression, None);
        assert_eq!(public.category, Category::Permissive);
    }

    #[test]
    fn core_metadata_headers() {
        let text = "Metadata-Version: 2.1\nName: x\nLicense: Copyright (c) 2020\n        |\n        |Permission is hereby granted\nClassifier: License :: OSI Approved :: MIT License\nLicense-File: LICENSE\n\nLicense: not a header, the description\n";
        let metadata = from_core_metadata(text);
        assert_eq!(
            metadata.license.as_deref(),
            Some("Copyright (c) 2020\n\nPermission is hereby granted")
        );
        assert_eq!(metadata.classifiers.len(), 1);
        assert_eq!(license_file_names(text), vec!["LICENSE".to_string()]);
    }

    #[test]
    fn files_come_last() {
        let info = resolve(&LicenseMetadata {
            files: vec![(
                "COPYING".into(),
                "GNU GENERAL PUBLIC LICENSE\nVersion 2, June 1991".into(),
            )],
            ..LicenseMetadata::default()
        });
        assert_eq!(info.expression.as_deref(), Some("GPL-2.0-only"));
        assert_eq!(info.category, Category::StrongCopyleft);
        assert_eq!(info.origin, Origin::File);
        assert_eq!(info.raw.as_deref(), Some("COPYING"));
    }
}
