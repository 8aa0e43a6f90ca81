//! Lockfiles: files that pin exactly what is installed (`uv.lock`,
//! `poetry.lock`, `Pipfile.lock`, `pdm.lock`, `pylock.toml`). One module per
//! format; each has `parse(text, source) -> Result<Vec<Dependency>, ParseError>`
//! and fills in `direct` and `via` from the lock's graph.
