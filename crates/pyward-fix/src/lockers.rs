//! Lockfiles are not edited (their hashes, markers and resolution are the
//! locking tool's to compute): each gets the command of the tool that
//! owns it, which moves the pins the plan moves. The caller may run it
//! ([`LockCommand::run`]) when the user asks, since it runs the project's
//! build tooling and may touch the network.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::plan::Upgrade;
use crate::project::ProjectFile;

/// The tool that owns a lockfile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locker {
    Uv,
    Poetry,
    Pdm,
    Pipenv,
    /// A lock pyward knows no single command for (`pylock.toml`, written
    /// by several tools).
    Unknown,
}

impl Locker {
    /// The owner of a lockfile of format `id` ([`pyward_inventory::FormatSpec::id`]).
    pub fn of_format(id: &str) -> Locker {
        match id {
            "uv.lock" => Locker::Uv,
            "poetry.lock" => Locker::Poetry,
            "pdm.lock" => Locker::Pdm,
            "Pipfile.lock" => Locker::Pipenv,
            _ => Locker::Unknown,
        }
    }

    /// The program to run, when there is one.
    pub fn program(self) -> Option<&'static str> {
        match self {
            Locker::Uv => Some("uv"),
            Locker::Poetry => Some("poetry"),
            Locker::Pdm => Some("pdm"),
            Locker::Pipenv => Some("pipenv"),
            Locker::Unknown => None,
        }
    }
}

/// The command that moves a lockfile's pins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockCommand {
    /// The lockfile, as messages name it.
    pub lockfile: String,
    pub locker: Locker,
    /// The arguments after the program (`lock --upgrade-package
    /// django==3.2.25`); empty for [`Locker::Unknown`].
    pub args: Vec<String>,
    /// Where it runs: the lockfile's folder.
    pub folder: PathBuf,
    /// The packages it moves, as `name==version`.
    pub moves: Vec<String>,
}

/// What running a [`LockCommand`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockRun {
    /// It ran and exited with success.
    Succeeded,
    /// It ran and failed: its exit status and the last lines it wrote.
    Failed { status: String, output: String },
    /// Its program is not on `PATH`.
    NotInstalled { program: &'static str },
    /// There is no command to run.
    NoCommand,
    /// It could not be started.
    CannotStart(String),
}

/// How many trailing lines of a failed locker's output are kept.
const KEPT_OUTPUT_LINES: usize = 20;

impl LockCommand {
    /// The command for `lock` (a lockfile) moving `upgrades`, each package
    /// once.
    pub fn new(lock: &ProjectFile, upgrades: &[&Upgrade]) -> LockCommand {
        let locker = Locker::of_format(lock.format.id());
        let moves: Vec<String> = upgrades
            .iter()
            .map(|u| format!("{}=={}", u.package, u.to))
            .collect();
        let names = || upgrades.iter().map(|u| u.package.to_string());
        let args = match locker {
            Locker::Uv => std::iter::once("lock".to_string())
                .chain(
                    moves
                        .iter()
                        .flat_map(|m| ["--upgrade-package".to_string(), m.clone()]),
                )
                .collect(),
            Locker::Poetry | Locker::Pdm | Locker::Pipenv => std::iter::once("update".to_string())
                .chain(names())
                .collect(),
            Locker::Unknown => Vec::new(),
        };
        LockCommand {
            lockfile: lock.source.clone(),
            locker,
            args,
            folder: lock
                .path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf(),
            moves,
        }
    }

    /// The command as a user types it (`uv lock --upgrade-package
    /// django==3.2.25`), or `None` when there is none.
    pub fn command_line(&self) -> Option<String> {
        let program = self.locker.program()?;
        let mut line = program.to_string();
        for arg in &self.args {
            line.push(' ');
            line.push_str(&pyward_model::shell::word(arg));
        }
        Some(line)
    }

    /// Runs the command in the lockfile's folder, when its program is
    /// installed; its output is captured (only returned when it fails).
    pub fn run(&self) -> LockRun {
        let Some(program) = self.locker.program() else {
            return LockRun::NoCommand;
        };
        let Some(found) = find_program(program) else {
            return LockRun::NotInstalled { program };
        };
        match Command::new(found)
            .args(&self.args)
            .current_dir(&self.folder)
            .output()
        {
            Ok(output) if output.status.success() => LockRun::Succeeded,
            Ok(output) => {
                let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
                text.push_str(&String::from_utf8_lossy(&output.stderr));
                let lines: Vec<&str> = text.lines().collect();
                let tail = lines[lines.len().saturating_sub(KEPT_OUTPUT_LINES)..].join("\n");
                LockRun::Failed {
                    status: output.status.to_string(),
                    output: tail,
                }
            }
            Err(e) => LockRun::CannotStart(e.to_string()),
        }
    }
}

/// `program` on `PATH`: the first regular, executable file of that name.
pub fn find_program(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|folder| !folder.as_os_str().is_empty())
        .flat_map(|folder| candidates(&folder, program))
        .find(|candidate| is_executable(candidate))
}

fn candidates(folder: &Path, program: &str) -> Vec<PathBuf> {
    if cfg!(windows) {
        ["exe", "cmd", "bat"]
            .iter()
            .map(|ext| folder.join(format!("{program}.{ext}")))
            .collect()
    } else {
        vec![folder.join(program)]
    }
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use pep440_rs::Version;
    use pyward_inventory::Format;
    use pyward_model::PackageName;

    use super::*;
    use crate::project::Role;
    use crate::releases::ReleasesFrom;

    fn lock(id: &str, source: &str) -> ProjectFile {
        ProjectFile {
            path: PathBuf::from("/project").join(source),
            source: source.to_string(),
            format: Format::by_id(id).unwrap(),
            role: Role::Stated,
            text: String::new(),
            dependencies: Vec::new(),
            errors: Vec::new(),
            is_link: false,
            depth: 0,
        }
    }

    fn upgrade(name: &str, to: &str) -> Upgrade {
        Upgrade {
            package: PackageName::new(name),
            from: "0".to_string(),
            to: Version::from_str(to).unwrap(),
            fixes: Vec::new(),
            releases_from: ReleasesFrom::Advisories,
        }
    }

    #[test]
    fn each_locker_gets_its_own_command() {
        let django = upgrade("Django", "3.2.25");
        let jinja = upgrade("jinja2", "3.1.4");
        let both = [&django, &jinja];
        let line = |id, source| LockCommand::new(&lock(id, source), &both).command_line();
        assert_eq!(
            line("uv.lock", "uv.lock").unwrap(),
            "uv lock --upgrade-package django==3.2.25 --upgrade-package jinja2==3.1.4"
        );
        assert_eq!(
            line("poetry.lock", "app/poetry.lock").unwrap(),
            "poetry update django jinja2"
        );
        assert_eq!(
            line("pdm.lock", "pdm.lock").unwrap(),
            "pdm update django jinja2"
        );
        assert_eq!(
            line("Pipfile.lock", "Pipfile.lock").unwrap(),
            "pipenv update django jinja2"
        );
        assert_eq!(line("pylock.toml", "pylock.toml"), None);
        let command = LockCommand::new(&lock("poetry.lock", "app/poetry.lock"), &both);
        assert_eq!(command.folder, Path::new("/project/app"));
        assert_eq!(command.moves, ["django==3.2.25", "jinja2==3.1.4"]);
    }

    #[test]
    fn a_program_not_on_the_path_is_not_run() {
        let command = LockCommand::new(&lock("uv.lock", "uv.lock"), &[]);
        assert!(find_program("pyward-no-such-program-here").is_none());
        let missing = LockCommand {
            locker: Locker::Unknown,
            ..command
        };
        assert_eq!(missing.run(), LockRun::NoCommand);
    }
}
