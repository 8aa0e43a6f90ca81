use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use spdx::{LicenseItem, LicenseReq};

/// What a license asks of those who ship the code, coarsely.
///
/// The order is from least to most restrictive; [`Category::Unknown`] sorts
/// last so that "the most restrictive part" of an `AND` is unknown when any
/// part is, and "the most permissive choice" of an `OR` ignores an unknown
/// alternative when a known one exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Keep the notice (MIT, BSD, Apache-2.0, ISC, PSF-2.0).
    Permissive,
    /// Changes to the licensed files stay open; the rest of the program does
    /// not have to (LGPL, MPL, EPL, CDDL).
    WeakCopyleft,
    /// Whatever is distributed with it is under the same license (GPL).
    StrongCopyleft,
    /// As strong copyleft, and offering it over a network counts as
    /// distributing it (AGPL, SSPL, OSL).
    NetworkCopyleft,
    /// Not an open-source license: no right to redistribute, or only for some
    /// uses (non-commercial, personal).
    Proprietary,
    /// No license found, or one pyward does not recognise.
    Unknown,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Permissive,
        Category::WeakCopyleft,
        Category::StrongCopyleft,
        Category::NetworkCopyleft,
        Category::Proprietary,
        Category::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Permissive => "permissive",
            Category::WeakCopyleft => "weak-copyleft",
            Category::StrongCopyleft => "strong-copyleft",
            Category::NetworkCopyleft => "network-copyleft",
            Category::Proprietary => "proprietary",
            Category::Unknown => "unknown",
        }
    }

    /// Copyleft that reaches the whole program it is shipped in.
    pub fn is_strong_copyleft(self) -> bool {
        matches!(self, Category::StrongCopyleft | Category::NetworkCopyleft)
    }

    /// The category of one license requirement (`GPL-2.0-only WITH
    /// Classpath-exception-2.0`).
    pub(crate) fn of_requirement(req: &LicenseReq) -> Category {
        let base = match &req.license {
            LicenseItem::Spdx { id, .. } => of_id(id.name).unwrap_or_else(|| {
                if id.is_copyleft() {
                    // A copyleft license pyward has no row for: assume the
                    // stronger kind rather than under-report it.
                    Category::StrongCopyleft
                } else if id.is_osi_approved() || id.is_fsf_free_libre() {
                    Category::Permissive
                } else {
                    Category::Unknown
                }
            }),
            LicenseItem::Other(reference) => {
                let name = reference.lic_ref.to_ascii_lowercase();
                if name.contains("proprietary") || name.contains("commercial") {
                    Category::Proprietary
                } else {
                    Category::Unknown
                }
            }
        };
        // Every exception on the SPDX list that applies to a copyleft license
        // relaxes it for programs that only link or use it (Classpath, GCC
        // runtime, LLVM, Autoconf, font and bison exceptions).
        if req.addition.is_some() && base.is_strong_copyleft() {
            Category::WeakCopyleft
        } else {
            base
        }
    }
}

/// The licenses whose category the SPDX flags do not tell (copyleft
/// strength, non-free terms). Ids not listed fall back on the flags.
fn of_id(id: &str) -> Option<Category> {
    let base = id
        .trim_end_matches('+')
        .trim_end_matches("-only")
        .trim_end_matches("-or-later");
    let family = |prefixes: &[&str]| prefixes.iter().any(|p| base.starts_with(p));
    let category = if family(&["AGPL-", "SSPL-", "OSL-", "RPL-", "CPAL-", "Parity-"]) {
        Category::NetworkCopyleft
    } else if family(&[
        "LGPL-", "LGPLLR", "MPL-", "EPL-", "CDDL-", "CPL-", "IPL-", "APSL-",
    ]) || family(&[
        "Ms-RL", "NPL-", "SPL-", "ErlPL-", "CECILL-C", "OFL-", "Nokia",
    ]) || family(&[
        "MS-RL", "gSOAP-", "Motosoto", "RPSL-", "SISSL", "LPL-", "eCos-",
    ]) {
        Category::WeakCopyleft
    } else if family(&["GPL-", "EUPL-", "CECILL-", "GFDL-", "Sleepycat", "QPL-"])
        || family(&["CC-BY-SA-", "ODbL-", "NGPL"])
    {
        Category::StrongCopyleft
    } else if family(&[
        "CC-BY-NC",
        "CC-BY-ND",
        "CC-BY-NC-ND",
        "Aladdin",
        "BUSL-",
        "Elastic-",
    ]) || family(&["PolyForm-", "Commons-Clause", "JSON", "Hippocratic-"])
    {
        // Restricted uses (non-commercial, no derivatives, source-available).
        Category::Proprietary
    } else if family(&[
        "MIT",
        "BSD-",
        "0BSD",
        "Apache-",
        "ISC",
        "Zlib",
        "BSL-",
        "Unlicense",
    ]) || family(&[
        "PSF-", "CNRI-", "Python-", "CC0-", "CC-BY-", "HPND", "X11", "curl",
    ]) || family(&[
        "NCSA",
        "PostgreSQL",
        "UPL-",
        "W3C",
        "WTFPL",
        "MulanPSL-",
        "BlueOak-",
    ]) || family(&[
        "AFL-", "ZPL-", "OpenSSL", "libpng", "Intel", "Xnet", "VSL-", "AAL",
    ]) || family(&[
        "MirOS",
        "EFL-",
        "ECL-",
        "Artistic-2.0",
        "Unicode-",
        "FSFAP",
        "ICU",
    ]) {
        // Also the permissive licenses the SPDX list flags neither OSI
        // approved nor FSF free (PSF-2.0, CNRI-Python).
        Category::Permissive
    } else {
        return None;
    };
    Some(category)
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the categories.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a license category (expected one of permissive, weak-copyleft, strong-copyleft, network-copyleft, proprietary, unknown)"
)]
pub struct UnknownCategory(pub String);

impl FromStr for Category {
    type Err = UnknownCategory;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| UnknownCategory(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(expression: &str) -> Category {
        let expr = spdx::Expression::parse(expression).unwrap();
        let req = &expr.requirements().next().unwrap().req;
        Category::of_requirement(req)
    }

    #[test]
    fn categories_of_common_licenses() {
        for (id, want) in [
            ("MIT", Category::Permissive),
            ("BSD-3-Clause", Category::Permissive),
            ("Apache-2.0", Category::Permissive),
            ("PSF-2.0", Category::Permissive),
            ("ISC", Category::Permissive),
            ("LGPL-2.1-only", Category::WeakCopyleft),
            ("MPL-2.0", Category::WeakCopyleft),
            ("GPL-3.0-only", Category::StrongCopyleft),
            ("GPL-2.0-or-later", Category::StrongCopyleft),
            ("AGPL-3.0-or-later", Category::NetworkCopyleft),
            ("CC-BY-NC-4.0", Category::Proprietary),
            ("LicenseRef-Proprietary", Category::Proprietary),
            ("LicenseRef-Foo", Category::Unknown),
            (
                "GPL-2.0-only WITH Classpath-exception-2.0",
                Category::WeakCopyleft,
            ),
        ] {
            assert_eq!(category(id), want, "{id}");
        }
    }

    #[test]
    fn names_round_trip() {
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(c));
        }
        assert!("copyleft".parse::<Category>().is_err());
    }
}
