//! `pyward rule CODE`: prints a code rule's documentation; `--all` lists
//! every rule.

use std::io::Write;

use clap::Args;

use crate::exit::ExitStatus;
use crate::output;

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Rule id or name, such as B602 or subprocess_popen_with_shell_equals_true
    #[arg(required_unless_present = "all")]
    pub code: Option<String>,

    /// List every rule: id, name, severity, confidence
    #[arg(long, conflicts_with = "code")]
    pub all: bool,
}

pub fn run(args: &RuleArgs) -> anyhow::Result<ExitStatus> {
    if args.all {
        output::write_report(None, list_rules)?;
        return Ok(ExitStatus::Success);
    }
    let code = args.code.as_deref().unwrap_or_default();
    let Some(docs) = pyward_lint::rule_docs(code) else {
        anyhow::bail!("no rule `{code}`; `pyward rule --all` lists them");
    };
    let rule = pyward_lint::rule(code)
        .or_else(|| pyward_lint::all_rules().find(|r| r.name.eq_ignore_ascii_case(code)));
    output::write_report(None, |out| {
        if let Some(rule) = rule {
            writeln!(
                out,
                "# {} {} (severity: {}, confidence: {})\n",
                rule.code, rule.name, rule.severity, rule.confidence
            )?;
        }
        out.write_all(docs.as_bytes())
    })?;
    Ok(ExitStatus::Success)
}

fn list_rules(out: &mut dyn Write) -> std::io::Result<()> {
    for rule in pyward_lint::all_rules() {
        writeln!(
            out,
            "{:<6} {:<45} {:<6} {}",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.confidence.as_str()
        )?;
    }
    Ok(())
}
