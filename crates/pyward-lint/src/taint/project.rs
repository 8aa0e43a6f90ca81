//! The modules of the scanned tree: which dotted names are the project's
//! own (calls to them get summaries), and which file defines each.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// One file of the tree as a module.
#[derive(Debug, Clone)]
pub(crate) struct ProjectFile {
    /// As reports show it.
    pub(crate) relative: String,
    /// Where to read it again.
    pub(crate) path: PathBuf,
    /// Dotted module name (`pkg.sub.views`).
    pub(crate) module: String,
    /// The package relative imports start from (`pkg.sub`).
    pub(crate) package: String,
    /// Its folder, `/`-separated (to choose between modules of the same
    /// name).
    pub(crate) dir: String,
}

/// Every module of the tree.
#[derive(Debug, Default)]
pub(crate) struct ProjectIndex {
    pub(crate) files: Vec<ProjectFile>,
    by_module: HashMap<String, Vec<u32>>,
}

impl ProjectIndex {
    /// The modules of these files (relative path, path on disk). A module's
    /// name starts at the outermost folder of an unbroken chain of
    /// packages (folders with `__init__.py`) above it, as Python would
    /// import it with that folder's parent on `sys.path`.
    pub(crate) fn new(files: impl IntoIterator<Item = (String, PathBuf)>) -> Self {
        let files: Vec<(String, PathBuf)> = files.into_iter().collect();
        let packages: HashSet<&str> = files
            .iter()
            .filter_map(|(relative, _)| {
                let (dir, name) = relative.rsplit_once('/').unwrap_or(("", relative));
                (name == "__init__.py" || name == "__init__.pyi").then_some(dir)
            })
            .collect();
        let mut by_module: HashMap<String, Vec<u32>> = HashMap::with_capacity(files.len());
        let mut out = Vec::with_capacity(files.len());
        for (relative, _) in &files {
            let (module, package, dir) = module_name(relative, &packages);
            let id = u32::try_from(out.len()).unwrap_or(u32::MAX);
            by_module.entry(module.clone()).or_default().push(id);
            out.push((module, package, dir));
        }
        drop(packages);
        let files = files
            .into_iter()
            .zip(out)
            .map(|((relative, path), (module, package, dir))| ProjectFile {
                relative,
                path,
                module,
                package,
                dir,
            })
            .collect();
        ProjectIndex { files, by_module }
    }

    /// Whether a strict prefix of `dotted` names a module of the tree: a
    /// call to it is a call into the project.
    pub(crate) fn is_project_name(&self, dotted: &str) -> bool {
        dotted
            .match_indices('.')
            .any(|(at, _)| self.by_module.contains_key(&dotted[..at]))
    }

    /// The files defining `dotted`: its longest module prefix's, with the
    /// rest of the name (`Class.method`).
    pub(crate) fn files_defining<'s>(&self, dotted: &'s str) -> Option<(&[u32], &'s str)> {
        dotted.rmatch_indices('.').find_map(|(at, _)| {
            self.by_module
                .get(&dotted[..at])
                .map(|files| (files.as_slice(), &dotted[at + 1..]))
        })
    }
}

/// (module, package, folder) of a file at `relative`.
fn module_name(relative: &str, packages: &HashSet<&str>) -> (String, String, String) {
    let (dir, name) = relative.rsplit_once('/').unwrap_or(("", relative));
    let stem = name
        .strip_suffix(".pyi")
        .or_else(|| name.strip_suffix(".pyw"))
        .or_else(|| name.strip_suffix(".py"))
        .unwrap_or(name);
    // The package chain: the folders above the file, innermost first,
    // while each is a package.
    let mut chain: Vec<&str> = Vec::new();
    let mut current = dir;
    while !current.is_empty() && packages.contains(current) {
        let (parent, last) = current.rsplit_once('/').unwrap_or(("", current));
        chain.push(last);
        current = parent;
    }
    chain.reverse();
    let package = chain.join(".");
    let module = if stem == "__init__" {
        package.clone()
    } else if package.is_empty() {
        stem.to_string()
    } else {
        format!("{package}.{stem}")
    };
    (module, package, dir.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(paths: &[&str]) -> ProjectIndex {
        ProjectIndex::new(paths.iter().map(|p| (p.to_string(), PathBuf::from(p))))
    }

    #[test]
    fn modules_follow_package_chains() {
        let index = index(&[
            "src/app/__init__.py",
            "src/app/views.py",
            "src/app/sub/__init__.py",
            "src/app/sub/helpers.py",
            "scripts/run.py",
        ]);
        let modules: Vec<_> = index.files.iter().map(|f| f.module.as_str()).collect();
        assert_eq!(
            modules,
            vec!["app", "app.views", "app.sub", "app.sub.helpers", "run"]
        );
        assert_eq!(index.files[3].package, "app.sub");
        assert_eq!(index.files[2].package, "app.sub");
        assert!(index.is_project_name("app.sub.helpers.clean"));
        assert!(!index.is_project_name("os.path.join"));
        let (files, rest) = index.files_defining("app.sub.helpers.Cls.m").unwrap();
        assert_eq!((files, rest), (&[3u32][..], "Cls.m"));
    }
}
