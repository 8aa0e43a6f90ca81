//! How a report is rendered: what the CLI's `--color`, `-q`, `-v`,
//! `--statistics` and the terminal decide.

/// Knobs of the renderers. Formats read the ones that apply to them; the
/// machine formats read only `timestamp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colour in the text report. Decide it with [`use_color`].
    pub color: bool,
    /// The terminal's width in columns, when writing to one: headlines are
    /// cut to fit. `None` (a pipe, a file): lines are not cut, but an
    /// advisory's headline is still its first sentence.
    pub width: Option<usize>,
    /// `--statistics`: counts per rule instead of the findings.
    pub statistics: bool,
    /// `-q`: the summary line (and what could not be read) only.
    pub quiet: bool,
    /// `-v`: nothing collapsed, every message of grouped findings, every
    /// reference, and the ignored findings with their reasons.
    pub verbose: bool,
    /// More findings than this of one rule in one file are shown as one
    /// line with their count (text, Markdown, HTML). Default 20.
    pub collapse_threshold: usize,
    /// When the report was made (RFC 3339, UTC), for the formats that
    /// must say (SPDX, CycloneDX, GitLab). `None`: now.
    pub timestamp: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            color: false,
            width: None,
            statistics: false,
            quiet: false,
            verbose: false,
            collapse_threshold: 20,
            timestamp: None,
        }
    }
}

impl RenderOptions {
    /// Fixed values, so that snapshots do not move: no colour, 100 columns,
    /// a fixed timestamp.
    #[doc(hidden)]
    pub fn for_tests() -> Self {
        Self {
            width: Some(100),
            timestamp: Some("2024-10-11T08:00:00Z".to_string()),
            ..Self::default()
        }
    }

    /// The timestamp to write: the one given, else now.
    pub(crate) fn timestamp(&self) -> String {
        self.timestamp
            .clone()
            .unwrap_or_else(crate::timestamp::now_rfc3339)
    }
}

/// `--color`: `auto` (colour on a terminal, unless the environment says
/// otherwise), `always`, `never`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to colour, from `--color`, whether the output is a terminal,
/// and the process environment: `NO_COLOR` (set and not empty) turns `auto`
/// off, `FORCE_COLOR` / `CLICOLOR_FORCE` (set, not empty, not `0`) turn it
/// on even in a pipe, `TERM=dumb` turns it off. `always` and `never` win
/// over the environment.
pub fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    use_color_with(choice, is_terminal, |name| std::env::var_os(name))
}

/// [`use_color`] with the environment passed in, for tests.
pub fn use_color_with(
    choice: ColorChoice,
    is_terminal: bool,
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> bool {
    let set = |name: &str| env(name).is_some_and(|value| !value.is_empty());
    let forced = |name: &str| env(name).is_some_and(|value| !value.is_empty() && value != "0");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if set("NO_COLOR") {
                false
            } else if forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") {
                true
            } else {
                is_terminal && env("TERM").is_none_or(|term| term != "dumb")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn no_color_and_force_color() {
        assert!(use_color_with(ColorChoice::Auto, true, env(&[])));
        assert!(!use_color_with(ColorChoice::Auto, false, env(&[])));
        assert!(!use_color_with(
            ColorChoice::Auto,
            true,
            env(&[("NO_COLOR", "1")])
        ));
        // An empty NO_COLOR does not count (no-color.org).
        assert!(use_color_with(
            ColorChoice::Auto,
            true,
            env(&[("NO_COLOR", "")])
        ));
        assert!(use_color_with(
            ColorChoice::Auto,
            false,
            env(&[("FORCE_COLOR", "1")])
        ));
        assert!(!use_color_with(
            ColorChoice::Auto,
            false,
            env(&[("FORCE_COLOR", "0")])
        ));
        assert!(!use_color_with(
            ColorChoice::Auto,
            true,
            env(&[("TERM", "dumb")])
        ));
        assert!(use_color_with(
            ColorChoice::Always,
            false,
            env(&[("NO_COLOR", "1")])
        ));
        assert!(!use_color_with(
            ColorChoice::Never,
            true,
            env(&[("FORCE_COLOR", "1")])
        ));
    }
}
