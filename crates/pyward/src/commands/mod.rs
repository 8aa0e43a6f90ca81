//! One module per subcommand.

pub mod code;
pub mod config;
pub mod db;
pub mod deps;
pub mod fix;
pub mod gateway;
pub mod licenses;
pub mod rule;
pub mod scan;
pub mod secrets;
pub mod setup;

use crate::cli::{Cli, Command};
use crate::exit::ExitStatus;

pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Scan(args) => scan::run(&args),
        Command::Deps(args) => deps::run(&args),
        Command::Sbom(mut args) => {
            // `text` is the shared default, never a bill of materials.
            if args.report.format == pyward_report::Format::Text {
                args.report.format = pyward_report::Format::CycloneDx;
            }
            deps::run(&args)
        }
        Command::Licenses(args) => licenses::run(&args),
        Command::Fix(args) => fix::run(&args),
        Command::Code(args) => code::run(&args),
        Command::Secrets(args) => secrets::run(&args),
        Command::Db(command) => db::run(&command),
        Command::Rule(args) => rule::run(&args),
        Command::Config(args) => config::run(&args),
        Command::Gateway(args) => gateway::run(&args),
        Command::Setup(args) => setup::run(&args),
    }
}
