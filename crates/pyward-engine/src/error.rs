use std::path::PathBuf;

/// Why a scan could not run as asked (exit status 2). Each message is one
/// line that names the file, key or option at fault.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A configuration file that cannot be read or is not valid.
    #[error("`{path}`: {message}")]
    Config { path: PathBuf, message: String },
    /// A command-line option or combination that cannot be honoured.
    #[error("{0}")]
    Option(String),
    #[error(transparent)]
    Inventory(#[from] pyward_inventory::InvalidOption),
    #[error(transparent)]
    Code(#[from] pyward_lint::SettingsError),
    #[error(transparent)]
    Secrets(#[from] pyward_secrets::SecretsError),
    #[error(transparent)]
    Database(#[from] pyward_osv::DbError),
    /// The vulnerability database cannot be found or opened.
    #[error("{0}")]
    NoDatabase(String),
    /// A scanner thread stopped without an answer (a bug).
    #[error("the `{0}` scanner stopped unexpectedly")]
    ScannerPanicked(&'static str),
}

impl EngineError {
    pub(crate) fn config(path: &std::path::Path, message: impl Into<String>) -> Self {
        EngineError::Config {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}
