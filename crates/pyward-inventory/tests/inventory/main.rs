//! Integration tests of the inventory: requirements files read from the
//! fixtures, project discovery over fixture trees, and properties of the
//! requirements parser. One test binary for the crate (each `tests/*.rs`
//! would be a separate link).

mod discovery;
mod hardening;
mod properties;
mod requirements;
mod spans;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pyward_inventory::Inventory;

/// `tests/fixtures/<rest>` of this crate.
pub(crate) fn fixtures(rest: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rest)
}

/// An inventory as the snapshots show it: one line per dependency
/// (`source:line name version [groups] kind, graph ; markers | requirement`),
/// then errors and notes.
pub(crate) fn render(inventory: &Inventory) -> String {
    let mut out = String::new();
    for d in &inventory.dependencies {
        let line = d.line.map_or_else(|| "-".to_string(), |l| l.to_string());
        let version = d.version.as_deref().unwrap_or("*");
        let graph = if d.direct {
            "direct".to_string()
        } else if d.via.is_empty() {
            "transitive".to_string()
        } else {
            let chain: Vec<&str> = d.via.iter().map(|n| n.as_str()).collect();
            format!("via {}", chain.join(" > "))
        };
        let _ = write!(
            out,
            "{}:{line} {} {version} [{}] {:?}, {graph}",
            d.source,
            d.name,
            d.groups.join(","),
            d.kind
        );
        if let Some(markers) = &d.markers {
            let _ = write!(out, " ; {markers}");
        }
        if let Some(requirement) = &d.requirement {
            let _ = write!(out, " | {requirement}");
        }
        out.push('\n');
    }
    for e in &inventory.errors {
        let _ = writeln!(out, "error: {e}");
    }
    for n in &inventory.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}
