//! TODO

use pyward_model::Dependency;

use crate::ParseError;

pub fn parse(text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    let _ = (text, source);
    Ok(Vec::new())
}
