//! The one configuration: `pyward.toml`, `.pyward.toml` or `[tool.pyward]`
//! in `pyproject.toml`.
