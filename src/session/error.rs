//! Why a session could not do what was asked: each part's own error,
//! passed through unchanged so its message (file, line, cause) reaches the
//! person as the part wrote it.

use crate::config::ConfigError;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Scan(#[from] crate::dataset::ScanError),
    #[error(transparent)]
    Ops(#[from] crate::ops::OpError),
    #[error(transparent)]
    Classify(#[from] crate::classify::ClassifyError),
    #[error(transparent)]
    Watch(#[from] crate::dataset::watch::WatchError),
    #[error(transparent)]
    Runtime(#[from] crate::runtime::RuntimeError),
    #[error(transparent)]
    Fetch(#[from] crate::models::fetch::FetchError),
    #[error(transparent)]
    Exchange(#[from] crate::exchange::ExchangeError),
    #[error("{0}")]
    Message(String),
    #[error("stopped before the scan finished")]
    Stopped,
}
