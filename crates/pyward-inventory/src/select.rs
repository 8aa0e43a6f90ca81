//! Narrowing a dependency list to what would really be installed:
//! environment markers evaluated for `--python-version` / `--platform`,
//! and groups chosen by `--only-group` / `--no-dev`.
//!
//! A marker counts as true unless it is false for every environment the
//! options leave possible: with no `--platform`, a `sys_platform == 'win32'`
//! dependency stays in the audit.

use std::str::FromStr;

use pep440_rs::Version;
use pep508_rs::{MarkerTree, MarkerTreeKind, MarkerValueString, MarkerValueVersion};
use pyward_model::Dependency;
use version_ranges::Ranges;

use crate::Options;
use crate::manifest::is_dev_group;

/// Why the options cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidOption {
    #[error("`--python-version {0}` is not a Python version (expected something like `3.12`)")]
    PythonVersion(String),
    #[error("`--platform {0}` is not one of `linux`, `macos`, `windows`")]
    Platform(String),
    /// An `--only-group` no input has (found once every input is read:
    /// [`crate::Inventory::check_groups`]).
    #[error("`--only-group {group}` names a group no dependency file has (groups found: {known})")]
    UnknownGroup { group: String, known: String },
}

impl InvalidOption {
    /// The command-line option at fault.
    pub fn option(&self) -> &'static str {
        match self {
            Self::PythonVersion(_) => "--python-version",
            Self::Platform(_) => "--platform",
            Self::UnknownGroup { .. } => "--only-group",
        }
    }
}

/// The platforms `--platform` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Linux,
    Macos,
    Windows,
}

impl FromStr for Platform {
    type Err = InvalidOption;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "linux" => Ok(Self::Linux),
            "macos" | "darwin" | "osx" => Ok(Self::Macos),
            "windows" | "win32" => Ok(Self::Windows),
            _ => Err(InvalidOption::Platform(text.to_string())),
        }
    }
}

impl Platform {
    /// The value of a string marker on this platform, where the platform
    /// decides it.
    fn marker_value(self, key: &MarkerValueString) -> Option<&'static str> {
        use MarkerValueString as K;
        Some(match (key, self) {
            (K::SysPlatform | K::SysPlatformDeprecated, Self::Linux) => "linux",
            (K::SysPlatform | K::SysPlatformDeprecated, Self::Macos) => "darwin",
            (K::SysPlatform | K::SysPlatformDeprecated, Self::Windows) => "win32",
            (K::PlatformSystem, Self::Linux) => "Linux",
            (K::PlatformSystem, Self::Macos) => "Darwin",
            (K::PlatformSystem, Self::Windows) => "Windows",
            (K::OsName | K::OsNameDeprecated, Self::Linux | Self::Macos) => "posix",
            (K::OsName | K::OsNameDeprecated, Self::Windows) => "nt",
            _ => return None,
        })
    }
}

/// The environment the options pin down; `None` leaves a value free.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The `python_full_version`s possible: `3.12` is `[3.12, 3.13)`.
    python: Option<Ranges<Version>>,
    platform: Option<Platform>,
}

impl Target {
    pub(crate) fn from_options(options: &Options) -> Result<Self, InvalidOption> {
        let python = match options.python_version.as_deref() {
            None => None,
            Some(text) => Some(python_range(text)?),
        };
        let platform = options
            .platform
            .as_deref()
            .map(Platform::from_str)
            .transpose()?;
        Ok(Self { python, platform })
    }

    fn is_free(&self) -> bool {
        self.python.is_none() && self.platform.is_none()
    }

    /// Whether some environment the target allows satisfies `marker`.
    pub(crate) fn allows(&self, marker: &MarkerTree) -> bool {
        match marker.kind() {
            MarkerTreeKind::True => true,
            MarkerTreeKind::False => false,
            MarkerTreeKind::Version(node) => {
                let python = match node.key() {
                    MarkerValueVersion::PythonVersion | MarkerValueVersion::PythonFullVersion => {
                        self.python.as_ref()
                    }
                    MarkerValueVersion::ImplementationVersion => None,
                };
                node.edges().any(|(range, child)| {
                    python.is_none_or(|python| !range.intersection(python).is_empty())
                        && self.allows(&child)
                })
            }
            MarkerTreeKind::String(node) => {
                let value = self.platform.and_then(|p| p.marker_value(node.key()));
                node.children().any(|(range, child)| {
                    value.is_none_or(|value| range.contains(&value.to_string()))
                        && self.allows(&child)
                })
            }
            MarkerTreeKind::In(node) => {
                match self.platform.and_then(|p| p.marker_value(node.key())) {
                    Some(value) => self.allows(&node.edge(node.value().contains(value))),
                    None => node.children().any(|(_, child)| self.allows(&child)),
                }
            }
            MarkerTreeKind::Contains(node) => {
                match self.platform.and_then(|p| p.marker_value(node.key())) {
                    Some(value) => self.allows(&node.edge(value.contains(node.value()))),
                    None => node.children().any(|(_, child)| self.allows(&child)),
                }
            }
            // Extras are chosen by whoever installs: any may be on.
            MarkerTreeKind::Extra(node) => node.children().any(|(_, child)| self.allows(&child)),
        }
    }
}

/// `3.12` → every `3.12.*`; `3.12.4` → exactly that version.
fn python_range(text: &str) -> Result<Ranges<Version>, InvalidOption> {
    let invalid = || InvalidOption::PythonVersion(text.to_string());
    let version = Version::from_str(text.trim()).map_err(|_| invalid())?;
    let release = version.release();
    match release {
        [major, minor] => {
            let next = Version::new([*major, minor + 1]);
            Ok(Ranges::between(version, next))
        }
        [_, _, _, ..] => Ok(Ranges::singleton(version)),
        _ => Err(invalid()),
    }
}

/// Checks the options before a scan (the CLI reports these as bad
/// arguments).
pub fn validate(options: &Options) -> Result<(), InvalidOption> {
    Target::from_options(options).map(|_| ())
}

/// Keeps the dependencies the options select. Markers that do not parse
/// keep their dependency: pyward cannot tell it away.
pub(crate) fn apply(dependencies: &mut Vec<Dependency>, options: &Options, target: &Target) {
    if !target.is_free() {
        dependencies.retain(|dependency| {
            dependency
                .markers
                .as_deref()
                .and_then(|text| crate::manifest::pep508::parse_marker(text).ok())
                .is_none_or(|marker| target.allows(&marker))
        });
    }
    if !options.only_groups.is_empty() {
        let wanted: Vec<String> = options
            .only_groups
            .iter()
            .map(|g| pyward_model::PackageName::new(g).as_str().to_string())
            .collect();
        dependencies.retain(|dependency| {
            dependency.groups.iter().any(|g| {
                wanted
                    .iter()
                    .any(|w| *w == pyward_model::PackageName::new(g).as_str())
            })
        });
    }
    if options.no_dev {
        dependencies.retain(|dependency| {
            dependency.groups.is_empty() || !dependency.groups.iter().all(|g| is_dev_group(g))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(options: &Options, marker: &str) -> bool {
        let target = Target::from_options(options).expect("valid options");
        target.allows(&MarkerTree::from_str(marker).expect("valid marker"))
    }

    fn opts(python: Option<&str>, platform: Option<&str>) -> Options {
        Options {
            python_version: python.map(str::to_string),
            platform: platform.map(str::to_string),
            ..Options::default()
        }
    }

    #[test]
    fn without_options_every_variant_counts() {
        let free = Options::default();
        assert!(allows(&free, "sys_platform == 'win32'"));
        assert!(allows(&free, "python_version < '3.8'"));
        assert!(allows(
            &free,
            "sys_platform == 'win32' and python_version >= '3.13'"
        ));
    }

    #[test]
    fn python_version_narrows() {
        let py312 = opts(Some("3.12"), None);
        assert!(!allows(&py312, "python_version < '3.11'"));
        assert!(allows(&py312, "python_version >= '3.12'"));
        assert!(allows(&py312, "python_full_version >= '3.12.4'"));
        assert!(!allows(&py312, "python_full_version >= '3.13.0'"));
        // The platform is still free.
        assert!(allows(
            &py312,
            "python_version == '3.12' and sys_platform == 'darwin'"
        ));
        let exact = opts(Some("3.12.1"), None);
        assert!(!allows(&exact, "python_full_version >= '3.12.4'"));
    }

    #[test]
    fn platform_narrows() {
        let linux = opts(None, Some("linux"));
        assert!(!allows(&linux, "sys_platform == 'win32'"));
        assert!(allows(&linux, "sys_platform == 'linux'"));
        assert!(allows(&linux, "os_name == 'posix'"));
        assert!(!allows(
            &linux,
            "platform_system == 'Windows' or os_name == 'nt'"
        ));
        assert!(allows(&linux, "'linux' in sys_platform"));
        // Markers the platform does not decide stay free.
        assert!(allows(&linux, "platform_machine == 'aarch64'"));
        let windows = opts(Some("3.11"), Some("windows"));
        assert!(allows(
            &windows,
            "sys_platform == 'win32' and python_version < '3.12'"
        ));
        assert!(!allows(
            &windows,
            "sys_platform == 'win32' and python_version >= '3.12'"
        ));
    }

    #[test]
    fn invalid_options_are_named() {
        assert_eq!(
            validate(&opts(None, Some("beos"))),
            Err(InvalidOption::Platform("beos".to_string()))
        );
        assert!(validate(&opts(Some("three"), None)).is_err());
        assert!(validate(&opts(Some("3"), None)).is_err());
        assert!(validate(&opts(Some("3.12"), Some("macos"))).is_ok());
    }

    fn dep(name: &str, groups: &[&str], markers: Option<&str>) -> Dependency {
        let mut d = Dependency::new(name, Some("1"), "x");
        d.groups = groups.iter().map(|g| (*g).to_string()).collect();
        d.markers = markers.map(str::to_string);
        d
    }

    fn names(deps: &[Dependency]) -> Vec<&str> {
        deps.iter().map(|d| d.name.as_str()).collect()
    }

    #[test]
    fn groups_select() {
        let all = vec![
            dep("app", &["main"], None),
            dep("pytest", &["test"], None),
            dep("ruff", &["lint", "dev"], None),
            dep("both", &["main", "dev"], None),
            dep("pg", &["postgres"], None),
        ];
        let mut no_dev = all.clone();
        let options = Options {
            no_dev: true,
            ..Options::default()
        };
        apply(
            &mut no_dev,
            &options,
            &Target::from_options(&options).expect("ok"),
        );
        assert_eq!(names(&no_dev), ["app", "both", "pg"]);

        let mut only = all;
        let options = Options {
            only_groups: vec!["Dev".to_string(), "postgres".to_string()],
            ..Options::default()
        };
        apply(
            &mut only,
            &options,
            &Target::from_options(&options).expect("ok"),
        );
        assert_eq!(names(&only), ["ruff", "both", "pg"]);
    }

    #[test]
    fn markers_select_and_unparsable_markers_stay() {
        let mut deps = vec![
            dep("colorama", &["main"], Some("sys_platform == 'win32'")),
            dep("uvloop", &["main"], Some("sys_platform != 'win32'")),
            dep("odd", &["main"], Some("not a marker")),
        ];
        let options = opts(None, Some("linux"));
        apply(
            &mut deps,
            &options,
            &Target::from_options(&options).expect("ok"),
        );
        assert_eq!(names(&deps), ["uvloop", "odd"]);
    }
}
