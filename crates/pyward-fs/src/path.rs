//! The one way a file's path is shown in reports: relative to the scanned
//! root, `/`-separated, `.` and `..` resolved lexically.

use std::path::{Component, Path, PathBuf};

/// `path` as reports show it: relative to `root` when it lies under it,
/// with `/` separators, `.` components dropped and `..` resolved
/// lexically (without touching the file system).
///
/// - The root itself (a file named directly as the root) shows as its
///   file name, or `.` when it has none.
/// - A path outside the root shows as it was given, normalized
///   (`/elsewhere/r.txt`, `../other/x.py`).
/// - Names that are not UTF-8 are shown lossily (`U+FFFD` for bad bytes).
///
/// Reports put the root as the user typed it (`pyward_model::ScanRoot`)
/// in front of this, so `pyward code Flask-2.0.0` prints
/// `Flask-2.0.0/src/flask/app.py`.
pub fn relative(path: &Path, root: &Path) -> String {
    plain_relative(path, root).unwrap_or_else(|| relative_by_components(path, root))
}

fn relative_by_components(path: &Path, root: &Path) -> String {
    let path = normalize_lexically(path);
    let root = normalize_lexically(root);
    let rest = if root.as_os_str().is_empty() {
        // Everything relative is under `.`, `../x` included (it is shown
        // as `../x`, which is right from there).
        (!path.has_root()).then_some(path.as_path())
    } else {
        path.strip_prefix(&root)
            .ok()
            // `..` after a root that is itself `..`-relative: outside.
            .filter(|rest| !matches!(rest.components().next(), Some(Component::ParentDir)))
    };
    let shown = match rest {
        Some(rest) if rest.as_os_str().is_empty() => path.file_name().map_or_else(
            || slashed(&path),
            |name| name.to_string_lossy().into_owned(),
        ),
        Some(rest) => slashed(rest),
        None => slashed(&path),
    };
    if shown.is_empty() {
        ".".to_string()
    } else {
        shown
    }
}

/// [`relative`] without building paths, for what a walk gives: a path
/// under a root, both UTF-8 and already normal (no `.` or `..` inside, no
/// doubled or trailing `/`), the root possibly `.`. `None` when the
/// general way must decide. A tree's walk asks this for every entry.
#[cfg(unix)]
fn plain_relative(path: &Path, root: &Path) -> Option<String> {
    // Only a root may start with `/`.
    fn plain(text: &str, may_start_at_root: bool) -> bool {
        let text = match text.strip_prefix('/') {
            Some(rest) if may_start_at_root => rest,
            _ => text,
        };
        text.split('/').all(|part| !matches!(part, "" | "." | ".."))
    }
    let path = path.to_str()?;
    let root = root.to_str()?;
    let rest = if root == "." {
        path.strip_prefix("./")?
    } else {
        path.strip_prefix(root)?.strip_prefix('/')?
    };
    (plain(rest, false) && (root == "." || plain(root, true))).then(|| rest.to_string())
}

#[cfg(not(unix))]
fn plain_relative(_path: &Path, _root: &Path) -> Option<String> {
    None
}

/// Joins a path's components with `/`, whatever the platform's separator.
fn slashed(path: &Path) -> String {
    let mut out = String::new();
    for component in path.components() {
        match component {
            Component::RootDir => out.push('/'),
            Component::Prefix(prefix) => out.push_str(&prefix.as_os_str().to_string_lossy()),
            other => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    out.replace('\\', "/")
}

/// `path` with `.` dropped and `a/..` folded, lexically: `./a/b/../c` is
/// `a/c`, `../x` stays `../x`, `/..` is `/`.
pub fn normalize_lexically(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(path: &str, root: &str) -> String {
        relative(Path::new(path), Path::new(root))
    }

    #[test]
    fn the_fast_way_agrees_with_the_general_one() {
        let roots = [
            "", ".", "/", "a", "a/", "./a", "a/b", "/t/a", "a/./b", "..", "../a",
        ];
        let paths = [
            "a",
            "a/x.py",
            "./a/x.py",
            "a/b/x.py",
            "a//x.py",
            "a/./x.py",
            "a/../x.py",
            "/t/a/x",
            "/t/a",
            "x.py",
            "./x.py",
            "./../x",
            "../a/x",
            "a/x/",
            "ab/x.py",
            "a/.x/y",
            "a/..x",
        ];
        for root in roots {
            for path in paths {
                let (path, root) = (Path::new(path), Path::new(root));
                if let Some(fast) = plain_relative(path, root) {
                    assert_eq!(
                        fast,
                        relative_by_components(path, root),
                        "{path:?} in {root:?}"
                    );
                }
            }
        }
        assert_eq!(
            plain_relative(Path::new("./a/x.py"), Path::new(".")).as_deref(),
            Some("a/x.py")
        );
        assert_eq!(
            plain_relative(Path::new("/t/a/x"), Path::new("/t/a")).as_deref(),
            Some("x")
        );
    }

    #[test]
    fn inside_the_root() {
        assert_eq!(
            rel("Flask-2.0.0/src/flask/app.py", "Flask-2.0.0"),
            "src/flask/app.py"
        );
        assert_eq!(rel("/p/sub/../x.txt", "/p"), "x.txt");
        assert_eq!(rel("/p/a//b.txt", "/p/"), "a/b.txt");
    }

    #[test]
    fn dot_prefixes() {
        assert_eq!(rel("./a/b.txt", "."), "a/b.txt");
        assert_eq!(rel("a/b.txt", "."), "a/b.txt");
        assert_eq!(rel("./src/app.py", "src"), "app.py");
        assert_eq!(rel("src/app.py", "./src/"), "app.py");
        assert_eq!(rel("./.env", "."), ".env");
    }

    #[test]
    fn the_root_itself_and_a_file_named_directly() {
        assert_eq!(rel("app.py", "app.py"), "app.py");
        assert_eq!(rel("dir/app.py", "dir/app.py"), "app.py");
        assert_eq!(rel("project", "project"), "project");
        assert_eq!(rel(".", "."), ".");
        assert_eq!(rel("/", "/"), "/");
        // A file named on its own, relative to the folder it is in.
        assert_eq!(rel("app.py", "."), "app.py");
    }

    #[test]
    fn outside_the_root() {
        assert_eq!(rel("/elsewhere/r.txt", "/p"), "/elsewhere/r.txt");
        assert_eq!(rel("src/../../x.py", "src"), "../x.py");
        assert_eq!(rel("../other/x.py", "."), "../other/x.py");
        assert_eq!(rel("other/x.py", "src"), "other/x.py");
        // A prefix of a name is not a parent folder.
        assert_eq!(rel("/p-2/x.py", "/p"), "/p-2/x.py");
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_shown_lossily() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new("/p").join(OsStr::from_bytes(b"caf\xe9.py"));
        assert_eq!(relative(&path, Path::new("/p")), "caf\u{fffd}.py");
    }

    #[test]
    fn normalizes_lexically() {
        assert_eq!(
            normalize_lexically(Path::new("./a/b/../c")),
            Path::new("a/c")
        );
        assert_eq!(normalize_lexically(Path::new("../x")), Path::new("../x"));
        assert_eq!(normalize_lexically(Path::new("/..")), Path::new("/"));
        assert_eq!(normalize_lexically(Path::new(".")), Path::new(""));
    }

    proptest::proptest! {
        #[test]
        fn relative_paths_never_start_with_dot_slash_or_hold_backslashes(
            parts in proptest::collection::vec("(\\.|\\.\\.|[a-z]{1,3}|\\.env)", 0..6),
            root in "(\\.|src|/p|\\./src)",
        ) {
            let path = format!("{root}/{}", parts.join("/"));
            let shown = rel(&path, &root);
            proptest::prop_assert!(!shown.starts_with("./"), "{shown}");
            proptest::prop_assert!(!shown.contains('\\'));
            proptest::prop_assert!(!shown.is_empty());
        }
    }
}
