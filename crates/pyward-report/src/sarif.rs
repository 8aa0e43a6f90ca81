use std::io::{self, Write};
use pyward_model::Report;
use crate::RenderOptions;
pub fn write(_report: &Report, _options: &RenderOptions, _out: &mut dyn Write) -> io::Result<()> { Ok(()) }
