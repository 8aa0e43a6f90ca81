//! Recognising a license from its text (a `LICENSE` or `COPYING` file, or a
//! whole license pasted into the `License` field) by sentences that only
//! that license has.
//!
//! Texts of the GNU licenses say which version they are but not whether
//! the project allows later versions (that is said in each source file's
//! header), so they map to `-only` and are marked approximate.

/// Bounds the work on a text however long the caller's was.
const MAX_TEXT: usize = 64 * 1024;

/// The SPDX id of the license `text` is, and whether that is approximate.
///
/// Each license is recognised by an anchor sentence; when a text holds
/// several (a GPL text names the LGPL, the MPL names the GPL family as
/// "secondary licenses", a project's notice precedes a quoted license), the
/// one that comes first is the text's own.
pub(crate) fn recognise(text: &str) -> Option<(&'static str, bool)> {
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = normalize(&text[..end]);
    let at = |phrase: &str| text.find(phrase);
    let has = |phrase: &str| text.contains(phrase);
    let mut found: Vec<(usize, &'static str, bool)> = Vec::new();
    let mut offer = |position: Option<usize>, id: &'static str, approximate: bool| {
        if let Some(position) = position {
            found.push((position, id, approximate));
        }
    };

    // The GNU licenses' own titles (the text does not say "or later").
    for (title, id) in [
        (
            "gnu affero general public license version 3, 19 november 2007",
            "AGPL-3.0-only",
        ),
        (
            "gnu lesser general public license version 3, 29 june 2007",
            "LGPL-3.0-only",
        ),
        (
            "gnu lesser general public license version 2.1, february 1999",
            "LGPL-2.1-only",
        ),
        (
            "gnu library general public license version 2, june 1991",
            "LGPL-2.0-only",
        ),
        (
            "gnu general public license version 3, 29 june 2007",
            "GPL-3.0-only",
        ),
        (
            "gnu general public license version 2, june 1991",
            "GPL-2.0-only",
        ),
    ] {
        offer(at(title), id, true);
    }
    // The notice the GNU licenses ask each project to use (it does say).
    for (kind, version, only, later) in [
        (
            "gnu affero general public license",
            "3",
            "AGPL-3.0-only",
            "AGPL-3.0-or-later",
        ),
        (
            "gnu lesser general public license",
            "3",
            "LGPL-3.0-only",
            "LGPL-3.0-or-later",
        ),
        (
            "gnu lesser general public license",
            "2.1",
            "LGPL-2.1-only",
            "LGPL-2.1-or-later",
        ),
        (
            "gnu library general public license",
            "2",
            "LGPL-2.0-only",
            "LGPL-2.0-or-later",
        ),
        (
            "gnu general public license",
            "3",
            "GPL-3.0-only",
            "GPL-3.0-or-later",
        ),
        (
            "gnu general public license",
            "2",
            "GPL-2.0-only",
            "GPL-2.0-or-later",
        ),
    ] {
        let notice =
            format!("under the terms of the {kind} as published by the free software foundation");
        let Some(start) = at(&notice) else { continue };
        let rest = &text[start + notice.len()..];
        let rest = &rest[..rest.len().min(120)];
        let either = format!("version {version} of the license, or");
        let plain = format!("version {version} of the license");
        if rest.contains(&either) {
            offer(Some(start), later, false);
        } else if rest.contains(&plain) {
            offer(Some(start), only, false);
        }
    }
    offer(at("mozilla public license version 2.0"), "MPL-2.0", false);
    offer(at("mozilla public license, v. 2.0"), "MPL-2.0", false);
    offer(at("apache license version 2.0"), "Apache-2.0", false);
    offer(
        at("licensed under the apache license, version 2.0"),
        "Apache-2.0",
        false,
    );
    let bsd = if has("all advertising materials mentioning features") {
        "BSD-4-Clause"
    } else if has("neither the name") || has("the names of its contributors may not be used") {
        "BSD-3-Clause"
    } else {
        "BSD-2-Clause"
    };
    offer(
        at("redistribution and use in source and binary forms"),
        bsd,
        false,
    );
    let mit = if has("the above copyright notice and this permission notice shall be included") {
        "MIT"
    } else {
        "MIT-0"
    };
    offer(
        at("permission is hereby granted, free of charge, to any person obtaining a copy"),
        mit,
        false,
    );
    // 0BSD is ISC without its one condition.
    let isc = if has("provided that the above copyright notice") {
        "ISC"
    } else {
        "0BSD"
    };
    for wording in ["and/or distribute", "and distribute"] {
        let grant = format!(
            "permission to use, copy, modify, {wording} this software for any purpose with or without fee is hereby granted"
        );
        offer(at(&grant), isc, false);
    }
    offer(
        at("python software foundation license version 2"),
        "PSF-2.0",
        false,
    );
    offer(
        at("this is free and unencumbered software released into the public domain"),
        "Unlicense",
        false,
    );
    offer(at("boost software license - version 1.0"), "BSL-1.0", false);
    offer(
        at("the origin of this software must not be misrepresented"),
        "Zlib",
        false,
    );
    offer(at("cc0 1.0 universal"), "CC0-1.0", false);

    found
        .into_iter()
        .min_by_key(|(position, ..)| *position)
        .map(|(_, id, approximate)| (id, approximate))
}

/// Whether a file name is one a license is usually kept in (`LICENSE`,
/// `LICENSE.txt`, `COPYING`, `NOTICE`): for metadata that lists no
/// `License-File`, the files worth reading.
pub fn is_license_file(name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let upper = base.to_ascii_uppercase();
    ["LICENSE", "LICENCE", "COPYING", "COPYRIGHT", "NOTICE"]
        .iter()
        .any(|stem| upper.starts_with(stem))
}

/// Lower case, comment markers at line starts dropped, whitespace runs
/// collapsed, so that reflowed or commented copies still match.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = line.trim_start().trim_start_matches(['#', '*', '/', ';']);
        for word in line.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn license_texts() {
        let mit = "MIT License\n\nCopyright (c) 2020 Someone\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software ...\n\nThe above copyright notice and this permission notice shall be included in\nall copies.";
        assert_eq!(recognise(mit), Some(("MIT", false)));
        let bsd3 = "Copyright (c) X\nRedistribution and use in source and binary forms, with or without\nmodification, are permitted provided that ...\n3. Neither the name of the copyright holder ...";
        assert_eq!(recognise(bsd3), Some(("BSD-3-Clause", false)));
        let bsd2 = "Redistribution and use in source and binary forms, with or without modification, are permitted";
        assert_eq!(recognise(bsd2), Some(("BSD-2-Clause", false)));
        let apache = "\n                                 Apache License\n                           Version 2.0, January 2004\n";
        assert_eq!(recognise(apache), Some(("Apache-2.0", false)));
        let gpl3 = "                    GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007";
        assert_eq!(recognise(gpl3), Some(("GPL-3.0-only", true)));
        let lgpl21 = "GNU LESSER GENERAL PUBLIC LICENSE\n Version 2.1, February 1999\n ... GNU General Public License";
        assert_eq!(recognise(lgpl21), Some(("LGPL-2.1-only", true)));
        let gpl2 = "GNU GENERAL PUBLIC LICENSE\n Version 2, June 1991\n... you can use the GNU Library General Public License instead";
        assert_eq!(recognise(gpl2), Some(("GPL-2.0-only", true)));
        let notice = "This program is free software: you can redistribute it and/or modify\n# it under the terms of the GNU Lesser General Public License as published by\n# the Free Software Foundation, either version 3 of the License, or\n# (at your option) any later version.";
        assert_eq!(recognise(notice), Some(("LGPL-3.0-or-later", false)));
        let mpl_naming_gpl = "Mozilla Public License Version 2.0\n... GNU Affero General Public License, Version 3.0";
        assert_eq!(recognise(mpl_naming_gpl), Some(("MPL-2.0", false)));
        let isc = "# Permission to use, copy, modify, and/or distribute this software for any\n# purpose with or without fee is hereby granted, provided that the above\n# copyright notice and this permission notice appear in all copies.";
        assert_eq!(recognise(isc), Some(("ISC", false)));
        let zero_bsd = "Permission to use, copy, modify, and/or distribute this software for any\npurpose with or without fee is hereby granted.\n\nTHE SOFTWARE IS PROVIDED";
        assert_eq!(recognise(zero_bsd), Some(("0BSD", false)));
        let mpl = "Mozilla Public License Version 2.0\n==================================";
        assert_eq!(recognise(mpl), Some(("MPL-2.0", false)));
        assert_eq!(recognise("All rights reserved."), None);
        assert_eq!(recognise(""), None);
    }

    #[test]
    fn license_file_names() {
        for name in [
            "LICENSE",
            "LICENSE.txt",
            "licenses/COPYING",
            "LICENCE.md",
            "NOTICE",
        ] {
            assert!(is_license_file(name), "{name}");
        }
        assert!(!is_license_file("README.md"));
    }
}
