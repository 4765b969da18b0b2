//! What a model answers about one face, and the arithmetic on
//! probabilities that the model and the evaluation share.

/// What the model says about one face.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Prediction {
    /// The most likely known person, even when `unknown` is set.
    pub person: String,
    pub probability: f64,
    /// The three most likely persons, best first.
    pub top: Vec<Candidate>,
    /// The best probability is below the model's threshold: most likely
    /// somebody it was not trained on.
    pub unknown: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Candidate {
    pub person: String,
    pub probability: f64,
}

/// Turns one-vs-rest Platt probabilities into the model's probabilities:
/// normalised over the known persons when they add up to more than 1; when
/// they add up to less, left as they are, the rest being the chance that the
/// face is somebody else. That keeps "clearly none of them" visible, which
/// plain normalisation would hide (it makes the least unlikely of several
/// strangers look certain).
pub fn normalise(raw: &mut [f64]) {
    let total: f64 = raw.iter().sum();
    if total > 1.0 {
        raw.iter_mut().for_each(|p| *p /= total);
    }
}

/// Indices of the `n` largest values, largest first.
pub(crate) fn top_indices(values: &[f64], n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    order.truncate(n);
    order
}
