//! The OSV vulnerability database: reads OSV records (folders of JSON/YAML,
//! single files, OSV's zip exports), stores a PyPI index on disk, and
//! matches PyPI package versions against it exactly as OSV defines.
