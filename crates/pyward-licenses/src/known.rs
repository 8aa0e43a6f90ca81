//! What a license is called in Python metadata, mapped to SPDX: the
//! spellings people type into the `License` field, and every trove
//! classifier under `License ::`.
//!
//! A mapping is exact when the text names one license and version. It is
//! *approximate* when the text names a family: then the rule is written next
//! to the row. For GNU licenses named without a version the choice follows
//! the licenses' own text ("If the Program does not specify a version number
//! of this License, you may choose any version ever published"), so an
//! unversioned "GPL" is `GPL-1.0-or-later` and an unversioned "LGPL" is
//! `LGPL-2.0-or-later`; for the other families it is the version that every
//! current Python project under that name uses (`Apache-2.0`, `MPL-2.0`,
//! `ZPL-2.1`), and for "BSD" the three-clause form that Python projects
//! overwhelmingly mean ("new" or "modified" BSD, as Django, Flask, NumPy).

use crate::Category;

/// What a known name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    /// An SPDX expression; `true` when approximate (see the module docs).
    Spdx(&'static str, bool),
    /// Not an SPDX license, but its category is clear ("Public Domain",
    /// "Other/Proprietary License").
    Category(Category),
    /// Says nothing about the license ("UNKNOWN", "See LICENSE", "OSI
    /// Approved"): look at the next source.
    Nothing,
}

use Known::{Category as Cat, Nothing, Spdx};

const EXACT: bool = false;
const APPROX: bool = true;

/// Free text of the `License` field, keyed by [`key`].
pub(crate) fn license_field(text: &str) -> Option<Known> {
    let key = key(text);
    let key = key.as_str();
    let found = match key {
        ""
        | "unknown"
        | "none"
        | "n a"
        | "na"
        | "license"
        | "licence"
        | "other"
        | "custom"
        | "see license"
        | "see license file"
        | "see license txt"
        | "see license md"
        | "see the license file"
        | "see licence"
        | "license txt"
        | "license file"
        | "license md"
        | "file license"
        | "see file license"
        | "dual license"
        | "dual licensed"
        | "osi approved"
        | "free"
        | "open source"
        | "todo" => Nothing,

        "mit"
        | "mit license"
        | "mit licence"
        | "mit license mit"
        | "the mit license mit"
        | "expat"
        | "mit expat"
        | "expat mit"
        | "mit licensed"
        | "mit-licensed" => Spdx("MIT", EXACT),
        "mit-0" | "mit no attribution" => Spdx("MIT-0", EXACT),

        "bsd" | "bsd license" | "bsd licence" | "bsd-style" | "bsd style" | "bsd-like"
        | "bsd-style license" | "bsd like" => Spdx("BSD-3-Clause", APPROX),
        "new bsd"
        | "new bsd license"
        | "modified bsd"
        | "modified bsd license"
        | "revised bsd"
        | "revised bsd license"
        | "bsd-3"
        | "bsd 3"
        | "bsd3"
        | "bsd-3 clause"
        | "bsd 3-clause"
        | "bsd 3 clause"
        | "3-clause bsd"
        | "3 clause bsd"
        | "3-clause bsd license"
        | "bsd 3-clause license"
        | "bsd-3-clause license"
        | "bsd 3-clause new or revised license"
        | "bsd license 3-clause" => Spdx("BSD-3-Clause", EXACT),
        "simplified bsd"
        | "simplified bsd license"
        | "freebsd"
        | "bsd-2"
        | "bsd 2"
        | "bsd2"
        | "bsd 2-clause"
        | "bsd 2 clause"
        | "2-clause bsd"
        | "2 clause bsd"
        | "bsd 2-clause license"
        | "bsd-2-clause license"
        | "2-clause bsd license" => Spdx("BSD-2-Clause", EXACT),

        "apache"
        | "apache license"
        | "apache software license"
        | "apache licence"
        | "apache software" => Spdx("Apache-2.0", APPROX),
        "apache 2"
        | "apache 2.0"
        | "apache-2"
        | "apache2"
        | "apache 2 0"
        | "apache v2"
        | "apache v2.0"
        | "apache license 2.0"
        | "apache license v2"
        | "apache license v2.0"
        | "apache license version 2.0"
        | "apache license version 2"
        | "apache 2.0 license"
        | "apache-2.0 license"
        | "apache2.0"
        | "apache software license 2.0"
        | "apache software license version 2.0"
        | "asl 2.0"
        | "asl2"
        | "asl 2"
        | "asl-2.0"
        | "apache license 2"
        | "apache software license v2"
        | "apache2 license" => Spdx("Apache-2.0", EXACT),

        "gpl" | "gnu gpl" | "gnu general public license" | "general public license" => {
            Spdx("GPL-1.0-or-later", APPROX)
        }
        "gplv2"
        | "gpl v2"
        | "gpl-2"
        | "gpl2"
        | "gpl 2"
        | "gpl-2.0"
        | "gpl 2.0"
        | "gpl v2.0"
        | "gnu gpl v2"
        | "gnu gplv2"
        | "gnu gpl-2"
        | "gnu gpl 2.0"
        | "gnu gpl version 2"
        | "gnu general public license v2"
        | "gnu general public license version 2"
        | "gpl version 2"
        | "gplv2 only"
        | "gpl-2.0-only" => Spdx("GPL-2.0-only", EXACT),
        "gplv2+"
        | "gpl v2+"
        | "gpl-2+"
        | "gpl2+"
        | "gpl-2.0+"
        | "gpl 2.0+"
        | "gnu gplv2+"
        | "gnu gpl v2+"
        | "gpl v2 or later"
        | "gplv2 or later"
        | "gpl-2.0-or-later"
        | "gpl 2 or later"
        | "gpl version 2 or later"
        | "gnu gpl v2 or later"
        | "gnu general public license v2 or later" => Spdx("GPL-2.0-or-later", EXACT),
        "gplv3"
        | "gpl v3"
        | "gpl-3"
        | "gpl3"
        | "gpl 3"
        | "gpl-3.0"
        | "gpl 3.0"
        | "gpl v3.0"
        | "gnu gpl v3"
        | "gnu gplv3"
        | "gnu gpl-3"
        | "gnu gpl 3.0"
        | "gnu gpl version 3"
        | "gnu general public license v3"
        | "gnu general public license version 3"
        | "gpl version 3"
        | "gplv3 only"
        | "gpl-3.0-only"
        | "gnu gpl-3.0" => Spdx("GPL-3.0-only", EXACT),
        "gplv3+"
        | "gpl v3+"
        | "gpl-3+"
        | "gpl3+"
        | "gpl-3.0+"
        | "gpl 3.0+"
        | "gnu gplv3+"
        | "gnu gpl v3+"
        | "gpl v3 or later"
        | "gplv3 or later"
        | "gpl-3.0-or-later"
        | "gpl 3 or later"
        | "gpl version 3 or later"
        | "gnu gpl v3 or later"
        | "gnu general public license v3 or later"
        | "gnu gpl-3.0+" => Spdx("GPL-3.0-or-later", EXACT),

        "lgpl"
        | "gnu lgpl"
        | "gnu lesser general public license"
        | "gnu library or lesser general public license"
        | "lesser general public license" => Spdx("LGPL-2.0-or-later", APPROX),
        "lgplv2" | "lgpl v2" | "lgpl-2" | "lgpl2" | "lgpl 2" | "lgpl-2.0" | "lgpl 2.0" => {
            Spdx("LGPL-2.0-only", EXACT)
        }
        "lgplv2+" | "lgpl v2+" | "lgpl-2+" | "lgpl2+" | "lgpl-2.0+" | "lgpl 2.0+" => {
            Spdx("LGPL-2.0-or-later", EXACT)
        }
        "lgplv2.1" | "lgpl v2.1" | "lgpl-2.1" | "lgpl2.1" | "lgpl 2.1" | "gnu lgpl v2.1"
        | "gnu lgpl 2.1" | "gnu lgplv2.1" | "lgpl version 2.1" | "lgpl-2.1-only" => {
            Spdx("LGPL-2.1-only", EXACT)
        }
        "lgplv2.1+"
        | "lgpl v2.1+"
        | "lgpl-2.1+"
        | "lgpl2.1+"
        | "lgpl 2.1+"
        | "lgpl 2.1 or later"
        | "lgpl v2.1 or later"
        | "lgpl-2.1-or-later"
        | "gnu lgpl v2.1 or later"
        | "lgplv2.1 or later" => Spdx("LGPL-2.1-or-later", EXACT),
        "lgplv3" | "lgpl v3" | "lgpl-3" | "lgpl3" | "lgpl 3" | "lgpl-3.0" | "lgpl 3.0"
        | "gnu lgpl v3" | "gnu lgplv3" | "lgpl version 3" | "lgpl-3.0-only" => {
            Spdx("LGPL-3.0-only", EXACT)
        }
        "lgplv3+" | "lgpl v3+" | "lgpl-3+" | "lgpl3+" | "lgpl-3.0+" | "lgpl 3.0+"
        | "lgpl v3 or later" | "lgplv3 or later" | "lgpl-3.0-or-later" | "gnu lgplv3+" => {
            Spdx("LGPL-3.0-or-later", EXACT)
        }

        "agpl" | "gnu agpl" | "gnu affero general public license" | "affero gpl" => {
            Spdx("AGPL-3.0-or-later", APPROX)
        }
        "agplv3" | "agpl v3" | "agpl-3" | "agpl3" | "agpl 3" | "agpl-3.0" | "agpl 3.0"
        | "gnu agpl v3" | "gnu agplv3" | "agpl-3.0-only" => Spdx("AGPL-3.0-only", EXACT),
        "agplv3+" | "agpl v3+" | "agpl-3+" | "agpl3+" | "agpl-3.0+" | "agpl v3 or later"
        | "agpl-3.0-or-later" | "gnu agplv3+" => Spdx("AGPL-3.0-or-later", EXACT),

        "mpl" | "mozilla public license" | "mozilla" => Spdx("MPL-2.0", APPROX),
        "mpl 2"
        | "mpl 2.0"
        | "mpl-2"
        | "mpl2"
        | "mpl v2"
        | "mpl v2.0"
        | "mpl2.0"
        | "mozilla public license 2.0"
        | "mozilla public license 2.0 mpl 2.0"
        | "mozilla public license version 2.0"
        | "mpl-2.0 license"
        | "mpl 2.0 license" => Spdx("MPL-2.0", EXACT),
        "mpl 1.1" | "mpl-1.1" | "mozilla public license 1.1" => Spdx("MPL-1.1", EXACT),

        "psf"
        | "psf license"
        | "psfl"
        | "psf-2"
        | "psf 2.0"
        | "psf-2.0"
        | "psf license 2.0"
        | "python software foundation license"
        | "python software foundation"
        | "python software foundation license version 2"
        | "psf-2.0 license"
        | "python"
        | "python license" => Spdx("PSF-2.0", EXACT),
        "isc" | "isc license" | "iscl" | "isc license iscl" | "isc licence" => Spdx("ISC", EXACT),
        "unlicense" | "the unlicense" | "the unlicense unlicense" => Spdx("Unlicense", EXACT),
        "cc0"
        | "cc0 1.0"
        | "cc0-1.0"
        | "cc0 1.0 universal"
        | "cc0 1.0 universal cc0 1.0"
        | "creative commons zero" => Spdx("CC0-1.0", EXACT),
        "zlib" | "zlib license" | "zlib libpng" | "zlib libpng license" => Spdx("Zlib", EXACT),
        "boost" | "boost software license" | "boost software license 1.0" | "bsl 1.0" => {
            Spdx("BSL-1.0", EXACT)
        }
        "zpl" | "zope public license" => Spdx("ZPL-2.1", APPROX),
        "zpl 2.1" | "zpl-2.1" | "zope public license 2.1" => Spdx("ZPL-2.1", EXACT),
        "wtfpl" => Spdx("WTFPL", EXACT),
        "hpnd" => Spdx("HPND", EXACT),
        "artistic" | "artistic license" => Spdx("Artistic-2.0", APPROX),
        "artistic license 2.0" | "artistic 2.0" => Spdx("Artistic-2.0", EXACT),
        "epl" | "eclipse public license" => Spdx("EPL-2.0", APPROX),
        "eupl" | "eupl 1.2" | "eupl-1.2" => Spdx("EUPL-1.2", APPROX),
        "public domain" | "public-domain" | "publicdomain" | "public domain dedication" => {
            Cat(Category::Permissive)
        }
        "proprietary"
        | "proprietary license"
        | "commercial"
        | "commercial license"
        | "all rights reserved"
        | "closed source"
        | "other proprietary license"
        | "proprietary and confidential"
        | "copyright"
        | "private" => Cat(Category::Proprietary),
        _ => return None,
    };
    Some(found)
}

/// A trove classifier, exactly as PyPI lists it.
pub(crate) fn classifier(classifier: &str) -> Option<Known> {
    let rest = classifier.trim().strip_prefix("License ::")?.trim();
    let found = match rest {
        "Aladdin Free Public License (AFPL)" => Spdx("Aladdin", EXACT),
        "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication" => Spdx("CC0-1.0", EXACT),
        "CeCILL-B Free Software License Agreement (CECILL-B)" => Spdx("CECILL-B", EXACT),
        "CeCILL-C Free Software License Agreement (CECILL-C)" => Spdx("CECILL-C", EXACT),
        "Eiffel Forum License (EFL)" => Spdx("EFL-2.0", APPROX),
        "Netscape Public License (NPL)" => Spdx("NPL-1.1", APPROX),
        "Nokia Open Source License (NOKOS)" => Spdx("Nokia", EXACT),
        "Public Domain" => Cat(Category::Permissive),
        "Other/Proprietary License"
        | "Free For Educational Use"
        | "Free For Home Use"
        | "Free for non-commercial use"
        | "Free To Use But Restricted"
        | "Freeware" => Cat(Category::Proprietary),
        // Says the license is free or approved, not which one.
        "DFSG approved" | "Freely Distributable" | "OSI Approved" | "Repoze Public License" => {
            Nothing
        }
        "GUST Font License 1.0" | "GUST Font License 2006-09-30" => Nothing,
        osi => match osi.strip_prefix("OSI Approved ::")?.trim() {
            "Academic Free License (AFL)" => Spdx("AFL-3.0", APPROX),
            "Apache Software License" => Spdx("Apache-2.0", APPROX),
            "Apple Public Source License" => Spdx("APSL-2.0", APPROX),
            "Artistic License" => Spdx("Artistic-2.0", APPROX),
            "Attribution Assurance License" => Spdx("AAL", EXACT),
            "Blue Oak Model License (BlueOak-1.0.0)" => Spdx("BlueOak-1.0.0", EXACT),
            "Boost Software License 1.0 (BSL-1.0)" => Spdx("BSL-1.0", EXACT),
            "BSD License" => Spdx("BSD-3-Clause", APPROX),
            "CEA CNRS Inria Logiciel Libre License, version 2.1 (CeCILL-2.1)" => {
                Spdx("CECILL-2.1", EXACT)
            }
            "CMU License (MIT-CMU)" => Spdx("MIT-CMU", EXACT),
            "Common Development and Distribution License 1.0 (CDDL-1.0)" => Spdx("CDDL-1.0", EXACT),
            "Common Public License" => Spdx("CPL-1.0", EXACT),
            "Eclipse Public License 1.0 (EPL-1.0)" => Spdx("EPL-1.0", EXACT),
            "Eclipse Public License 2.0 (EPL-2.0)" => Spdx("EPL-2.0", EXACT),
            "Educational Community License, Version 2.0 (ECL-2.0)" => Spdx("ECL-2.0", EXACT),
            "Eiffel Forum License" => Spdx("EFL-2.0", APPROX),
            "European Union Public Licence 1.0 (EUPL 1.0)" => Spdx("EUPL-1.0", EXACT),
            "European Union Public Licence 1.1 (EUPL 1.1)" => Spdx("EUPL-1.1", EXACT),
            "European Union Public Licence 1.2 (EUPL 1.2)" => Spdx("EUPL-1.2", EXACT),
            "GNU Affero General Public License v3" => Spdx("AGPL-3.0-only", EXACT),
            "GNU Affero General Public License v3 or later (AGPLv3+)" => {
                Spdx("AGPL-3.0-or-later", EXACT)
            }
            "GNU Free Documentation License (FDL)" => Spdx("GFDL-1.3-or-later", APPROX),
            "GNU General Public License (GPL)" => Spdx("GPL-1.0-or-later", APPROX),
            "GNU General Public License v2 (GPLv2)" => Spdx("GPL-2.0-only", EXACT),
            "GNU General Public License v2 or later (GPLv2+)" => Spdx("GPL-2.0-or-later", EXACT),
            "GNU General Public License v3 (GPLv3)" => Spdx("GPL-3.0-only", EXACT),
            "GNU General Public License v3 or later (GPLv3+)" => Spdx("GPL-3.0-or-later", EXACT),
            // "Lesser" GPL starts at 2.1; 2.0 was the "Library" GPL.
            "GNU Lesser General Public License v2 (LGPLv2)" => Spdx("LGPL-2.1-only", APPROX),
            "GNU Lesser General Public License v2 or later (LGPLv2+)" => {
                Spdx("LGPL-2.1-or-later", APPROX)
            }
            "GNU Lesser General Public License v3 (LGPLv3)" => Spdx("LGPL-3.0-only", EXACT),
            "GNU Lesser General Public License v3 or later (LGPLv3+)" => {
                Spdx("LGPL-3.0-or-later", EXACT)
            }
            "GNU Library or Lesser General Public License (LGPL)" => {
                Spdx("LGPL-2.0-or-later", APPROX)
            }
            "Historical Permission Notice and Disclaimer (HPND)" => Spdx("HPND", EXACT),
            "IBM Public License" => Spdx("IPL-1.0", EXACT),
            "Intel Open Source License" => Spdx("Intel", EXACT),
            "ISC License (ISCL)" => Spdx("ISC", EXACT),
            "MirOS License (MirOS)" => Spdx("MirOS", EXACT),
            "MIT License" => Spdx("MIT", EXACT),
            "MIT No Attribution License (MIT-0)" => Spdx("MIT-0", EXACT),
            "Motosoto License" => Spdx("Motosoto", EXACT),
            "Mozilla Public License 1.0 (MPL)" => Spdx("MPL-1.0", EXACT),
            "Mozilla Public License 1.1 (MPL 1.1)" => Spdx("MPL-1.1", EXACT),
            "Mozilla Public License 2.0 (MPL 2.0)" => Spdx("MPL-2.0", EXACT),
            "Mulan Permissive Software License v2 (MulanPSL-2.0)" => Spdx("MulanPSL-2.0", EXACT),
            "Nethack General Public License" => Spdx("NGPL", EXACT),
            "Nokia Open Source License" => Spdx("Nokia", EXACT),
            "Open Group Test Suite License" => Spdx("OGTSL", EXACT),
            "Open Software License 3.0 (OSL-3.0)" => Spdx("OSL-3.0", EXACT),
            "PostgreSQL License" => Spdx("PostgreSQL", EXACT),
            "Python License (CNRI Python License)" => Spdx("CNRI-Python", EXACT),
            "Python Software Foundation License" => Spdx("PSF-2.0", EXACT),
            "Qt Public License (QPL)" => Spdx("QPL-1.0", EXACT),
            "Ricoh Source Code Public License" => Spdx("RSCPL", EXACT),
            "SIL Open Font License 1.1 (OFL-1.1)" => Spdx("OFL-1.1", EXACT),
            "Sleepycat License" => Spdx("Sleepycat", EXACT),
            "Sun Industry Standards Source License (SISSL)" => Spdx("SISSL", EXACT),
            "Sun Public License" => Spdx("SPL-1.0", EXACT),
            "The Unlicense (Unlicense)" => Spdx("Unlicense", EXACT),
            "Universal Permissive License (UPL)" => Spdx("UPL-1.0", EXACT),
            "University of Illinois/NCSA Open Source License" => Spdx("NCSA", EXACT),
            "Vovida Software License 1.0" => Spdx("VSL-1.0", EXACT),
            "W3C License" => Spdx("W3C", EXACT),
            "X.Net License" => Spdx("Xnet", EXACT),
            "Zero-Clause BSD (0BSD)" => Spdx("0BSD", EXACT),
            "zlib/libpng License" => Spdx("Zlib", EXACT),
            "Zope Public License" => Spdx("ZPL-2.1", APPROX),
            "Jabber Open Source License" => Nothing,
            _ => return None,
        },
    };
    Some(found)
}

/// The lookup key of free text: lower case, punctuation other than `.`,
/// `+` and `-` turned into spaces, runs of spaces collapsed, a leading
/// "the", a trailing "license" in parentheses and trailing dots dropped.
pub(crate) fn key(text: &str) -> String {
    let lowered: String = text
        .trim()
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-') {
                c
            } else {
                ' '
            }
        })
        .collect();
    let mut words: Vec<&str> = lowered.split_whitespace().collect();
    if words.first() == Some(&"the") && words.len() > 1 {
        words.remove(0);
    }
    let mut joined = words.join(" ");
    while joined.ends_with('.') {
        joined.pop();
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(key("  The MIT License (MIT) "), "mit license mit");
        assert_eq!(
            key("Apache License, Version 2.0"),
            "apache license version 2.0"
        );
        assert_eq!(key("GPLv3+"), "gplv3+");
        assert_eq!(key("BSD."), "bsd");
    }

    #[test]
    fn common_spellings() {
        for (text, want) in [
            ("MIT License", Spdx("MIT", EXACT)),
            ("The MIT License (MIT)", Spdx("MIT", EXACT)),
            ("BSD", Spdx("BSD-3-Clause", APPROX)),
            ("New BSD License", Spdx("BSD-3-Clause", EXACT)),
            ("Apache 2.0", Spdx("Apache-2.0", EXACT)),
            ("Apache Software License", Spdx("Apache-2.0", APPROX)),
            ("Apache License, Version 2.0", Spdx("Apache-2.0", EXACT)),
            ("GPLv3+", Spdx("GPL-3.0-or-later", EXACT)),
            ("LGPL", Spdx("LGPL-2.0-or-later", APPROX)),
            ("MPL 2.0", Spdx("MPL-2.0", EXACT)),
            ("PSF", Spdx("PSF-2.0", EXACT)),
            ("Public Domain", Cat(Category::Permissive)),
            ("UNKNOWN", Nothing),
            ("", Nothing),
        ] {
            assert_eq!(license_field(text), Some(want), "{text}");
        }
        assert_eq!(license_field("Do What You Want"), None);
    }

    #[test]
    fn classifiers() {
        assert_eq!(
            classifier("License :: OSI Approved :: MIT License"),
            Some(Spdx("MIT", EXACT))
        );
        assert_eq!(
            classifier("License :: OSI Approved :: BSD License"),
            Some(Spdx("BSD-3-Clause", APPROX))
        );
        assert_eq!(classifier("License :: OSI Approved"), Some(Nothing));
        assert_eq!(
            classifier("License :: Other/Proprietary License"),
            Some(Cat(Category::Proprietary))
        );
        assert_eq!(classifier("Programming Language :: Python"), None);
        assert_eq!(classifier("License :: OSI Approved :: Made Up"), None);
    }

    /// Every SPDX id the tables produce is one the `spdx` crate knows.
    #[test]
    fn every_mapped_id_exists() {
        let source = include_str!("known.rs");
        let mut checked = 0;
        for piece in source.split("Spdx(\"").skip(1) {
            let id = &piece[..piece.find('"').unwrap()];
            if id.is_empty() || id.contains('{') {
                continue;
            }
            assert!(
                crate::expression::parse(id).is_some(),
                "`{id}` is not an SPDX id"
            );
            checked += 1;
        }
        assert!(checked > 100, "only {checked} ids found");
    }
}
