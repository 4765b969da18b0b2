//! How the classifier is fitted: a leaf, so that the per-person fits and the
//! whole training can both read it without importing each other.

use super::model_file::KernelKind;

/// The default of [`TrainSettings::linear_above`]: 50,000 training photos.
/// Measured with `bench scale --only-classifier --held-out` (2 cores,
/// shaped on LFW): at 3,077 photos both models score 0.980 held out and
/// train in about 0.6 s; at 34,810 photos the kernel SVM scores 0.974 and
/// trains in 62 s, the linear model 0.972 in 6.4 s; at 335,998 photos only
/// the linear one finishes (253 s). The kernel's training grows about as
/// photos² (×97 for ×11 photos), so past about 50k photos (some two
/// minutes) its small lead costs many minutes per full fit.
pub const LINEAR_ABOVE: usize = 50_000;

#[derive(Debug, Clone)]
pub struct TrainSettings {
    pub kernel: KernelKind,
    /// Soft-margin penalty; 1 as in libsvm and scikit-learn.
    pub c: f64,
    /// Cross-validation folds for calibration. libsvm uses 5; 3 costs
    /// 40% less and calibrates as well on face embeddings (measured).
    pub folds: usize,
    /// Parallel fits; default one per core.
    pub threads: usize,
    /// Past this many training photos every person gets the linear model
    /// of `linear` (dual coordinate descent against their nearest persons'
    /// photos and a fixed background) instead of the exact kernel SVM.
    pub linear_above: usize,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            kernel: KernelKind::Linear,
            c: 1.0,
            folds: 3,
            threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            linear_above: LINEAR_ABOVE,
        }
    }
}
