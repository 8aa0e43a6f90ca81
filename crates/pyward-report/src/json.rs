//! `--format json`: CONTRACT.md's document, one object, pretty-printed.

use std::io::{self, Write};

use pyward_model::Report;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use crate::sample::sample_report;

    #[test]
    fn sample_json() {
        let mut out = Vec::new();
        super::write(&sample_report(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["schema"], "pyward/1");
        assert_eq!(value["findings"][0]["kind"], "vulnerability");
        insta::assert_snapshot!(text);
    }
}
