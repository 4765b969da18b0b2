//! Honest numbers about a classifier: seeded stratified splits, held-out
//! accuracy with per-person precision and recall, the most-confused pairs,
//! and the calibration of the unknown threshold on out-of-sample
//! probabilities.
//!
//! Accuracy always compares person names or indices of the same class list,
//! never positions in two different lists (facenet's classifier.py compares
//! class indices of two separately built lists, which is wrong whenever
//! their order differs).

use super::model_file::Model;
use super::prediction::normalise;
use super::samples::Samples;
use super::summary::Tally;
use serde::Serialize;

/// How to split photos into training and held-out test photos.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Split {
    /// The first N (after a seeded shuffle) of each person train, the rest test.
    TrainPerClass(usize),
    /// This fraction of each person's photos (at least one) is held out.
    TestFraction(f64),
}

/// How many of a person's `n` photos [`Split::TestFraction`] holds out:
/// `fraction` of them, at least one and never all (with more than one).
pub fn test_count(n: usize, fraction: f64) -> usize {
    let n_test = ((n as f64) * fraction).round() as usize;
    n_test.clamp(usize::from(n > 1), n.saturating_sub(1))
}

/// A small deterministic generator (SplitMix64): the same seed gives the same
/// split on every machine and with every dependency version.
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Rows of each class, in sample order.
fn rows_by_class(labels: &[usize]) -> Vec<Vec<usize>> {
    let n = labels.iter().max().map(|m| m + 1).unwrap_or(0);
    let mut by = vec![Vec::new(); n];
    for (r, &l) in labels.iter().enumerate() {
        by[l].push(r);
    }
    by
}

/// Seeded stratified split: (train rows, test rows), each sorted.
pub fn split(samples: &Samples, rule: Split, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut rng = SplitMix::new(seed);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for mut rows in rows_by_class(&samples.labels) {
        rng.shuffle(&mut rows);
        let n_train = match rule {
            Split::TrainPerClass(n) => n.min(rows.len()),
            Split::TestFraction(f) => rows.len() - test_count(rows.len(), f),
        };
        train.extend_from_slice(&rows[..n_train]);
        test.extend_from_slice(&rows[n_train..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    (train, test)
}

fn argmax(p: &[f64]) -> Option<usize> {
    p.iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i)
}

/// Share of samples whose out-of-sample best class is their own.
pub fn oos_accuracy(raw: &[Option<Vec<f64>>], labels: &[usize]) -> Option<f64> {
    let judged: Vec<bool> = raw
        .iter()
        .zip(labels)
        .filter_map(|(p, &l)| p.as_ref().map(|p| argmax(p) == Some(l)))
        .collect();
    (!judged.is_empty()).then(|| judged.iter().filter(|c| **c).count() as f64 / judged.len() as f64)
}

/// Used when there is nothing to calibrate on.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// The unknown threshold, from out-of-sample probabilities: known faces are
/// the correctly classified held-out photos (their best probability should
/// pass); stand-ins for strangers are the same photos with their own person
/// taken out of the model's answer (theirs should not). The threshold sits
/// halfway, on the log-odds scale, between the 95th percentile of the
/// strangers and the 5th percentile of the known faces. Halfway rather than
/// at the error-minimising point because the stand-ins flatter the model:
/// each person's SVM was trained against them, so real strangers score
/// higher (measured on held-out persons). When the two overlap, the
/// threshold minimising the sum of both error rates is used instead.
pub fn calibrate_threshold(raw: &[Option<Vec<f64>>], labels: &[usize]) -> f64 {
    let mut known = Vec::new();
    let mut stranger = Vec::new();
    for (p, &l) in raw.iter().zip(labels) {
        let Some(p) = p else { continue };
        let mut q = p.clone();
        normalise(&mut q);
        if argmax(&q) == Some(l) {
            known.push(q[l]);
        }
        let mut others: Vec<f64> = p
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != l)
            .map(|(_, v)| *v)
            .collect();
        normalise(&mut others);
        stranger.push(others.iter().copied().fold(0.0, f64::max));
    }
    threshold_between(known, stranger)
}

/// [`oos_accuracy`] and [`calibrate_threshold`] from each photo's tally of
/// out-of-sample probabilities ([`Tally`]) and its own person's probability
/// (`own`: None when its fold had no model of its person, which leaves the
/// photo out). `normalise` divides by the sum when it passes 1, so the
/// best person and the normalised values follow from the tally alone.
pub fn from_tallies(
    own: &[Option<f64>],
    tallies: &[Tally],
    labels: &[usize],
) -> (Option<f64>, f64) {
    let scale = |p: f64, total: f64| if total > 1.0 { p / total } else { p };
    let (mut known, mut stranger) = (Vec::new(), Vec::new());
    let mut judged = 0usize;
    for ((own, t), &l) in own.iter().zip(tallies).zip(labels) {
        let Some(p) = *own else { continue };
        judged += 1;
        if t.best().map(|b| b.1 as usize) == Some(l) {
            known.push(scale(p, t.total()));
        }
        let other = t.best_but(l as u32).map_or(0.0, |b| b.0);
        stranger.push(scale(other, t.total_without(p)).max(0.0));
    }
    let accuracy = (judged > 0).then(|| known.len() as f64 / judged as f64);
    (accuracy, threshold_between(known, stranger))
}

/// The threshold between the known faces' and the strangers' best
/// probabilities (see [`calibrate_threshold`]).
fn threshold_between(mut known: Vec<f64>, mut stranger: Vec<f64>) -> f64 {
    if known.is_empty() || stranger.is_empty() {
        return DEFAULT_THRESHOLD;
    }
    known.sort_by(f64::total_cmp);
    stranger.sort_by(f64::total_cmp);
    let quantile = |v: &[f64], q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    let (known_low, stranger_high) = (quantile(&known, 0.05), quantile(&stranger, 0.95));
    let t = if known_low > stranger_high {
        logit_midpoint(stranger_high, known_low)
    } else {
        min_error_threshold(&known, &stranger)
    };
    t.clamp(0.05, 0.95)
}

/// The threshold minimising FRR + FAR, in the middle of the best gap.
fn min_error_threshold(known: &[f64], stranger: &[f64]) -> f64 {
    let mut values: Vec<(f64, bool)> = known
        .iter()
        .map(|&v| (v, true))
        .chain(stranger.iter().map(|&v| (v, false)))
        .collect();
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (nk, ns) = (known.len() as f64, stranger.len() as f64);
    let (mut rejected_known, mut rejected_strangers) = (0usize, 0usize);
    let mut best = (f64::INFINITY, 0usize);
    for i in 0..values.len() {
        if values[i].1 {
            rejected_known += 1;
        } else {
            rejected_strangers += 1;
        }
        if i + 1 < values.len() && values[i + 1].0 <= values[i].0 {
            continue;
        }
        let cost = rejected_known as f64 / nk + (1.0 - rejected_strangers as f64 / ns);
        if cost < best.0 - 1e-12 {
            best = (cost, i);
        }
    }
    let lo = values[best.1].0;
    let hi = values.get(best.1 + 1).map(|v| v.0).unwrap_or(1.0);
    logit_midpoint(lo, hi)
}

fn logit_midpoint(lo: f64, hi: f64) -> f64 {
    let clip = |p: f64| p.clamp(1e-6, 1.0 - 1e-6);
    let logit = |p: f64| (clip(p) / (1.0 - clip(p))).ln();
    let m = (logit(lo) + logit(hi)) / 2.0;
    1.0 / (1.0 + (-m).exp())
}

#[derive(Debug, Clone, Serialize)]
pub struct ClassStats {
    pub person: String,
    /// Test photos of this person.
    pub photos: usize,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Confusion {
    pub person: String,
    pub taken_for: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub accuracy: Option<f64>,
    pub photos: usize,
    /// Share of test photos (all of known persons) the model called unknown.
    pub unknown_rate: Option<f64>,
    pub per_class: Vec<ClassStats>,
    pub confused: Vec<Confusion>,
}

/// Scores `model` on the samples `rows`; the model's classes are matched to
/// the samples' by name.
pub fn evaluate(model: &Model, samples: &Samples, rows: &[usize]) -> Evaluation {
    let names = &samples.classes;
    let n = names.len();
    let mut predicted_count = vec![0usize; n];
    let mut correct = vec![0usize; n];
    let mut support = vec![0usize; n];
    let mut pairs: std::collections::BTreeMap<(usize, String), usize> = Default::default();
    let mut unknown = 0;
    for &r in rows {
        let truth = samples.labels[r];
        let p = model.predict(&samples.embeddings[r]);
        support[truth] += 1;
        unknown += usize::from(p.unknown);
        if let Ok(k) = names.binary_search(&p.person) {
            predicted_count[k] += 1;
        }
        if p.person == names[truth] {
            correct[truth] += 1;
        } else {
            *pairs.entry((truth, p.person)).or_default() += 1;
        }
    }
    let total = rows.len();
    let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
    let per_class = (0..n)
        .filter(|&k| support[k] > 0 || predicted_count[k] > 0)
        .map(|k| ClassStats {
            person: names[k].clone(),
            photos: support[k],
            precision: ratio(correct[k], predicted_count[k]),
            recall: ratio(correct[k], support[k]),
        })
        .collect();
    let mut confused: Vec<Confusion> = pairs
        .into_iter()
        .map(|((t, p), count)| Confusion {
            person: names[t].clone(),
            taken_for: p,
            count,
        })
        .collect();
    confused.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.person.cmp(&b.person)));
    confused.truncate(10);
    Evaluation {
        accuracy: ratio(correct.iter().sum(), total),
        photos: total,
        unknown_rate: ratio(unknown, total),
        per_class,
        confused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(per_class: &[usize]) -> Samples {
        let mut s = Samples {
            classes: (0..per_class.len()).map(|k| format!("p{k}")).collect(),
            ..Samples::default()
        };
        for (k, &n) in per_class.iter().enumerate() {
            for _ in 0..n {
                s.labels.push(k);
                s.embeddings.push(vec![0.0]);
                s.origin.push(s.origin.len());
            }
        }
        s
    }

    #[test]
    fn split_is_stratified_seeded_and_complete() {
        let s = samples(&[12, 15, 20]);
        let (train, test) = split(&s, Split::TrainPerClass(10), 666);
        assert_eq!(train.len(), 30);
        assert_eq!(test.len(), 2 + 5 + 10);
        assert_eq!(
            split(&s, Split::TrainPerClass(10), 666),
            (train.clone(), test.clone())
        );
        assert_ne!(split(&s, Split::TrainPerClass(10), 667).0, train);
        let (tr, te) = split(&s, Split::TestFraction(0.2), 1);
        assert_eq!(te.len(), 2 + 3 + 4);
        assert_eq!(tr.len() + te.len(), s.len());
    }

    #[test]
    fn threshold_separates_known_from_strangers() {
        // Own-class probability 0.9, others 0.05: a clean gap.
        let raw: Vec<Option<Vec<f64>>> = (0..30)
            .map(|i| {
                let mut p = vec![0.05; 3];
                p[i % 3] = 0.9;
                Some(p)
            })
            .collect();
        let labels: Vec<usize> = (0..30).map(|i| i % 3).collect();
        let t = calibrate_threshold(&raw, &labels);
        assert!(t > 0.05 && t < 0.9, "{t}");
        assert_eq!(calibrate_threshold(&[], &[]), DEFAULT_THRESHOLD);
    }
}
