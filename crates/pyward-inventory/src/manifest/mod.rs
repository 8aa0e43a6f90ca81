//! Manifests: files where a project states what it wants (`pyproject.toml`,
//! `setup.cfg`, `Pipfile`, PEP 723 script metadata, conda
//! `environment.yml`). One module per format; each has
//! `parse(text, source) -> Result<Vec<Dependency>, ParseError>`.
