//! One binary (one-vs-rest) fit as its solvers exchange it: the working-set
//! decomposition, the screening solver and linfa all take its settings and
//! return its result, so they live apart from every solver.

use super::model_file::{Decision, KernelKind};

/// Settings of one binary fit.
#[derive(Debug, Clone, Copy)]
pub struct BinarySettings {
    pub kernel: KernelKind,
    /// Soft-margin penalty (libsvm's and scikit-learn's default is 1).
    pub c: f64,
}

/// A binary fit and the samples it leaned on.
#[derive(Debug, Clone)]
pub struct BinaryFit {
    pub decision: Decision,
    /// Rows with a non-zero dual weight.
    pub support: Vec<usize>,
    /// Their dual weights (0 < α ≤ C).
    pub dual: Vec<f64>,
}
