//! Who is in a photo: a one-vs-rest SVM over face embeddings with
//! Platt-calibrated probabilities and an `unknown` answer for faces of
//! nobody it was trained on (open-set recognition).
//!
//! linfa-svm fits every person's model that is kept; everything linfa's
//! multi-class model cannot do (probabilities, saving, cancelling) is
//! assembled here. Platt scaling and the unknown threshold are fitted on
//! out-of-sample decision values from k-fold cross-validation, so the
//! probabilities are honest rather than the over-confident ones a model
//! gives its own training photos. A small SMO solver on cached kernel values
//! (`screen`) finds each fit's working set, which linfa alone makes slow,
//! and solves the throwaway cross-validation models (the same problem).
//! Photos are known by a hash of their embedding (`keys`); folds and the
//! retrain's held-out photos are dealt per person and each photo keeps its
//! own from run to run, so after a label change only the persons it touches
//! are fitted again; the others' fits come from `fit_cache`, keyed by a
//! digest of their exact inputs, and are the very fits a full refit on the
//! same folds would give. What cross-validation says about each photo
//! (its own person's probability, the best two and their sum, for the
//! accuracy and the unknown threshold) is tallied per photo (`summary`) and
//! brought up to date for the persons whose fits changed, so a retrain
//! after a move costs what the move touched, not persons × photos.
//! Past `TrainSettings::linear_above` photos each person gets a linear
//! model by dual coordinate descent (`dcd`) fitted against the photos of
//! their nearest persons and a fixed background (`linear`) instead.
//! The classifier works on plain data (labels and embeddings, or
//! [`PhotoRecord`]s) and knows nothing of where they are stored.

mod binary;
mod class_fit;
mod dcd;
mod error;
pub mod eval;
mod fit_bits;
pub mod fit_cache;
mod fitter;
mod keys;
mod linear;
mod linfa_fit;
pub mod model_file;
mod nearest;
mod oos;
mod platt;
mod prediction;
pub mod retrain;
mod samples;
mod screen;
mod settings;
mod summary;
mod svm;
mod train;

pub use error::ClassifyError;
pub use fit_cache::FitCache;
pub use model_file::{ClassModel, Decision, KernelKind, Model};
pub use oos::{
    OosPhoto, OosSettings, OutOfSample, Retrained, Suspect, out_of_sample_probabilities,
    retrain_job,
};
pub use platt::Sigmoid;
pub use prediction::{Candidate, Prediction, normalise};
pub use samples::{Samples, face_of, main_face};
pub use train::{TrainSettings, Trained, train, train_cached};
