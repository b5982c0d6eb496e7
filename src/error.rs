//! The library's typed errors. The binary adds context with anyhow; the library says exactly what failed.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing failed; `what` names the file (and line, where known).
    #[error("{what}: {source}")]
    Io { what: String, source: std::io::Error },
    /// An input record could not be used; `location` is `FILE:LINE`.
    #[error("{location}: {message}")]
    Record { location: String, message: String },
    /// A model file is unusable (wrong format, version, feature names, values).
    #[error("model: {0}")]
    Model(String),
    /// An input that cannot be used in the way asked (e.g. a feed given to the gate).
    #[error("{0}")]
    Unsupported(String),
    /// The consumer of the records stopped taking them (internal: ends the reading early).
    #[error("the output was closed")]
    Closed,
    /// Training could not proceed.
    #[error("training: {0}")]
    Training(String),
}

impl Error {
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { what: what.into(), source }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
