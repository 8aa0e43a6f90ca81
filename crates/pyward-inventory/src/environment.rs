//! Installed environments: `*.dist-info/METADATA` and `*.egg-info/PKG-INFO`
//! in virtual environments, conda environments and site-packages folders,
//! and the discovery of every environment on a machine (`--system`).

use std::path::Path;

use crate::{Inventory, Options};

pub fn scan(dir: &Path, options: &Options) -> Inventory {
    let _ = (dir, options);
    Inventory::default()
}

pub fn scan_system(root: Option<&Path>, options: &Options) -> Inventory {
    let _ = (root, options);
    Inventory::default()
}
