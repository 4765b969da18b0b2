//! The person classifier over the session's embedder: a saved model is
//! loaded only when it was trained on this embedder's vectors, retraining
//! reads the store, and new photos are embedded with the workspace's own
//! detector and embedder — so `train`, `classify` and the UI cannot mix
//! vectors of two models.

use super::error::SessionError;
use super::open::Session;
use crate::classify::retrain::{Retrained, retrain, retrain_with};
use crate::classify::{FitCache, Model, fit_cache, model_file};
use crate::pipeline::PhotoResult;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// Loads the model saved in `dir`, refusing one made from another
/// embedder's vectors (`embedder` is [`Session::embedder_identity`]).
fn load_model(dir: &Path, embedder: &str) -> Result<(Model, PathBuf), SessionError> {
    let path = model_file::path_in(dir);
    if !path.exists() {
        return Err(SessionError::Message(format!(
            "{}: no model there; train one with `facecurate train` (--state-dir {})",
            path.display(),
            dir.display()
        )));
    }
    let model = Model::load(&path)?;
    model.check_embedder(&path, embedder)?;
    Ok((model, path))
}

impl Session {
    /// Where the classifier is kept: `given`, else the workspace's folder
    /// (`./facecurate-state` without a workspace file).
    pub fn classifier_dir(&self, given: Option<&Path>) -> PathBuf {
        match given {
            Some(dir) => dir.to_path_buf(),
            None if self.bare => self.ws.state_dir.clone(),
            None => self.ws.classifier_dir(),
        }
    }

    /// The saved classifier, checked against this session's embedder.
    pub fn classifier(&self, dir: Option<&Path>) -> Result<(Model, PathBuf), SessionError> {
        load_model(&self.classifier_dir(dir), &self.embedder)
    }

    /// Evaluates and refits the classifier on the store's labels and saves it.
    pub fn retrain(&self, stop: &AtomicBool) -> Result<Retrained, SessionError> {
        let (records, _inbox) = self.split_inbox(self.store(false)?.records()?);
        Ok(retrain(
            &records,
            &self.classifier_dir(None),
            &self.embedder,
            stop,
        )?)
    }

    /// [`Session::retrain`] with a fit cache kept in memory by the caller
    /// (`held`; read from the classifier's folder the first time).
    pub fn retrain_cached(
        &self,
        stop: &AtomicBool,
        held: &mut Option<FitCache>,
    ) -> Result<Retrained, SessionError> {
        let (records, _inbox) = self.split_inbox(self.store(false)?.records()?);
        let dir = self.classifier_dir(None);
        let cache = held.get_or_insert_with(|| FitCache::load_or_empty(&fit_cache::path_in(&dir)));
        Ok(retrain_with(&records, &dir, &self.embedder, stop, cache)?)
    }

    /// Runs `photos` through the workspace's pipeline, handing each result
    /// with its index to `on_result` as it completes.
    pub fn embed_photos(
        &self,
        photos: &[PathBuf],
        stop: &AtomicBool,
        on_result: impl FnMut(usize, PhotoResult),
    ) -> Result<(), SessionError> {
        let mut engine = self.lazy_engine();
        let engine = engine.get().map_err(SessionError::Message)?;
        engine
            .run(photos, stop, on_result)
            .map_err(|e| SessionError::Message(e.to_string()))
    }
}
