use std::io::{self, Write};
use pyward_model::Report;
use crate::RenderOptions;
pub fn write_dependency_scanning(_report: &Report, _options: &RenderOptions, _out: &mut dyn Write) -> io::Result<()> { Ok(()) }
pub fn write_code_quality(_report: &Report, _out: &mut dyn Write) -> io::Result<()> { Ok(()) }
