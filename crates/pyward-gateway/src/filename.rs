//! The version a distribution file holds, read from its name: wheels
//! (`{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`, PEP 427)
//! and source archives (`{name}-{version}.tar.gz`, `.zip` and the older
//! suffixes pip still accepts).

use std::cmp::Ordering;

use pyward_model::PackageName;

const SDIST_SUFFIXES: [&str; 6] = [".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar"];

/// The version of `filename`, a file of `project`; `None` when the name
/// is not one of a distribution of that project.
pub fn version(project: &str, filename: &str) -> Option<String> {
    let project = PackageName::new(project);
    let lower = filename.to_ascii_lowercase();
    if let Some(stem) = lower.strip_suffix(".whl") {
        let stem = &filename[..stem.len()];
        let parts: Vec<&str> = stem.split('-').collect();
        if !(5..=6).contains(&parts.len()) || PackageName::new(parts[0]) != project {
            return None;
        }
        return Some(parts[1].to_string()).filter(|v| !v.is_empty());
    }
    let suffix = SDIST_SUFFIXES.iter().find(|s| lower.ends_with(*s))?;
    let stem = &filename[..filename.len() - suffix.len()];
    // The name itself may hold hyphens: the version starts after the
    // hyphen where the prefix is the project's name.
    stem.match_indices('-').find_map(|(at, _)| {
        (PackageName::new(&stem[..at]) == project)
            .then(|| stem[at + 1..].to_string())
            .filter(|v| !v.is_empty() && !v.contains('-'))
    })
}

/// PEP 440 order; versions that do not parse come last, in text order.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    match (
        a.parse::<pep440_rs::Version>(),
        b.parse::<pep440_rs::Version>(),
    ) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        // Unreadable versions after the readable ones, so the order stays
        // total.
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wheels_and_sdists() {
        assert_eq!(
            version("Django", "Django-3.0.1-py3-none-any.whl").as_deref(),
            Some("3.0.1")
        );
        assert_eq!(
            version(
                "zope.interface",
                "zope.interface-6.0-1-cp311-cp311-linux_x86_64.whl"
            )
            .as_deref(),
            Some("6.0")
        );
        assert_eq!(
            version("python-dateutil", "python-dateutil-2.8.2.tar.gz").as_deref(),
            Some("2.8.2")
        );
        assert_eq!(
            version("python_dateutil", "python_dateutil-2.9.0.zip").as_deref(),
            Some("2.9.0")
        );
        assert_eq!(version("django", "flask-2.0.0-py3-none-any.whl"), None);
        assert_eq!(version("django", "django.exe"), None);
        assert_eq!(version("django", "django-.tar.gz"), None);
        assert_eq!(version("a", "a-1-2-3-4-5-6-7.whl"), None);
    }

    #[test]
    fn versions_sort_as_pep_440() {
        let mut v = vec!["1.10", "1.9", "1.10rc1", "junk"];
        v.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(v, ["1.9", "1.10rc1", "1.10", "junk"]);
    }
}
