//! The thresholds of the curation analysis in one place, so that the
//! workspace file can override any of them and the defaults stay documented.
//!
//! The defaults are SFace's (128-d, cosine; FaceNet's cosine-scale ones
//! are in `embedder_scale.rs`) and were derived from the
//! distance distributions measured on LFW's View-1 training set (9,525
//! photos, 4,038 persons; `bench/eval_analysis.py` reproduces them):
//! same-person pairs have cosine median 0.70 (5th percentile 0.55),
//! different-person pairs mean 0.09 with standard deviation 0.09 (99.99th
//! percentile 0.43); a re-encoded, resized, cropped, brightened or mirrored
//! copy of a photo keeps cosine ≥ 0.55 to its original (the lowest of 800
//! measured: 0.597, a half-size copy of a small face), and its 64×64 thumb, once registered onto
//! the original's, correlates ≥ 0.989 (800 injected copies over 8 seeds),
//! while distinct shots of one person, burst frames included, stay ≤ 0.982.

use serde::Deserialize;

/// Every threshold of the analysis; missing fields in a
/// workspace file take these defaults.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Nearest photos kept per photo (candidate persons for a mislabel, and
    /// the photos whose scores are refreshed when it changes).
    pub neighbours: usize,
    /// A person with more photos is judged against this many of them, spread
    /// evenly over its photos (keeps big persons cheap).
    pub sample_members: usize,
    /// Mean and standard deviation of the cosine between photos of two
    /// different persons.
    pub different_mean: f32,
    pub different_sd: f32,
    /// Prior mean and standard deviation of the cosine between two photos of
    /// one person; a person's own (median, MAD) are shrunk towards these.
    pub same_mean: f32,
    pub same_sd: f32,
    /// Weight of the prior, in photos: a person with this many photos counts
    /// its own spread as much as the prior.
    pub prior_photos: f32,
    /// Evidence from one person counts at most this many of its photos
    /// (photos of one person are not independent witnesses).
    pub evidence_photos: usize,
    /// How evidence grows with the photos it counts.
    pub evidence_growth: EvidenceGrowth,
    /// Bound on the log-likelihood ratio of one similarity.
    pub llr_cap: f32,
    /// Score from which a photo is flagged: `mislabel` when another person
    /// explains it better (it names that person), `outlier` otherwise.
    pub flag_score: f32,
    /// A multi-face photo whose two best faces match the person within this
    /// cosine of each other is flagged `ambiguous_face`.
    pub ambiguous_face_margin: f32,
    /// Faces whose box is narrower than this many pixels are `tiny_face`.
    pub tiny_face_px: f32,
    /// Faces detected with a lower score are `low_score`.
    pub low_detection_score: f32,
    /// Pairs of photos at least this similar are checked for being copies.
    pub duplicate_candidate_cosine: f32,
    /// Cheap pixel pre-check (correlation of 7×7 block means of the thumbs,
    /// best of plain and mirrored) a candidate must pass before the exact
    /// registration.
    pub duplicate_precheck: f32,
    /// Candidates less alike than `duplicate_low_cosine` (one copy in 800
    /// measured on LFW fell below 0.80) must pass the stricter
    /// `duplicate_precheck_low_cosine` instead, which keeps the search cheap.
    pub duplicate_low_cosine: f32,
    pub duplicate_precheck_low_cosine: f32,
    /// Registered thumb correlation from which a pair is a `copy`: midway
    /// between the lowest injected copy (0.989) and the highest pair of
    /// distinct shots (0.982, two burst frames of Julianne_Moore).
    pub copy_correlation: f32,
    /// A pair that is no copy is `similar` (burst frames, same session) from
    /// this registered correlation, or from `similar_cosine`.
    pub similar_correlation: f32,
    pub similar_cosine: f32,
    /// Average-linkage cosine below which two groups of a folder are not
    /// merged: a folder left with several groups is flagged `split`.
    pub split_link: f32,
    /// Both groups of a split hold at least this many photos (folders of
    /// three or four photos may split off a single photo).
    pub split_min_group: usize,
    /// Two folders are flagged `merge` when every photo of one is best
    /// explained by the other, with at least this median cosine (and, for
    /// a one-photo folder, with that photo scoring `flag_score`).
    pub merge_min_cosine: f32,
    /// A folder of two or more photos merges into another only when each
    /// of its photos fits that person about as well as the person's own
    /// photos do: median cosine at least the person's typical cosine minus
    /// this many of its spreads. A look-alike's photo reaches
    /// `merge_min_cosine` without fitting like that, and with it a photo
    /// misfiled into a look-alike's small folder pulled that folder into a
    /// merge and was scored as explained. `bench scale` at 100k faces
    /// (`examples/planted_ranks`): the lowest member of the folders of a
    /// planted split sat at median +0.13 spreads (10th percentile −1.4),
    /// those holding a misfiled photo at −1.41; 1.5 keeps 212 of 229
    /// split halves and stops 49 of 103 such merges.
    pub merge_fit_sds: f32,
    /// In a folder of two to four photos, a photo whose cosine to every
    /// other photo of the folder is below this is flagged `inconsistent`
    /// (and so is its folder): the embedder's same-person threshold. On
    /// LFW's View-1 training set (`bench/eval_small_folders.py`, seeds
    /// 1–8) 0.34 flags 399 of 400 planted two-person folders and 4 of the
    /// set's 555 two-photo folders (one an errata row); it sits in the gap
    /// between the set's folders at 0.320 and 0.366.
    pub inconsistent_cosine: f32,
    /// A photo alone in its folder is flagged `mislabel` (and suggested into
    /// the other person) only when its median cosine to that person is at
    /// least this: the best of ~4,000 folders is often a look-alike. On the
    /// same set the set's own one-photo folders suggested below 0.45 were
    /// look-alikes (0.444, 0.445), while photos planted alone in a folder
    /// had 0.451 or more to their true person; the bar of
    /// `merge_min_cosine`, so a one-photo folder is named (suggested or
    /// merged) from one margin.
    pub singleton_margin: f32,
    /// Up to this many faces the candidate search (nearest photos, copy
    /// candidates) is exact, one blocked pass over the cosine matrix; beyond
    /// it the index path (an inverted file refined by NN-descent, see
    /// `search.rs`) answers, whose cost grows about as n log n instead of
    /// n². On the 2-core development machine, on LFW-shaped synthetic sets
    /// (`cargo bench --bench search`, BENCHMARKS.md), at 100k faces the
    /// exact scan took 26.7 s and the index path 21.5 s, finding 0.962 of
    /// the true 32 nearest photos. The default keeps the exact scan up to
    /// 300k, slower there but exact.
    pub exact_search_max_faces: usize,
    /// Candidates kept while an edit on the index path walks the neighbour
    /// lists for a photo's nearest photos (≥ `neighbours`; see
    /// `graph_search.rs`): more finds more of the true nearest, at more
    /// cosines per edit.
    pub index_ef: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            neighbours: 32,
            sample_members: 64,
            different_mean: 0.09,
            different_sd: 0.09,
            same_mean: 0.62,
            same_sd: 0.10,
            prior_photos: 3.0,
            evidence_photos: 16,
            evidence_growth: EvidenceGrowth::Logarithmic,
            llr_cap: 100.0,
            flag_score: 20.0,
            ambiguous_face_margin: 0.1,
            tiny_face_px: 40.0,
            low_detection_score: 0.75,
            duplicate_candidate_cosine: 0.55,
            duplicate_precheck: 0.6,
            duplicate_low_cosine: 0.75,
            duplicate_precheck_low_cosine: 0.75,
            copy_correlation: 0.985,
            similar_correlation: 0.97,
            similar_cosine: 0.9,
            split_link: 0.3,
            split_min_group: 2,
            merge_min_cosine: 0.45,
            merge_fit_sds: 1.5,
            inconsistent_cosine: 0.34,
            singleton_margin: 0.45,
            exact_search_max_faces: 300_000,
            index_ef: 128,
        }
    }
}

/// How much a person's evidence about a photo weighs, by the number of
/// the person's photos it was measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceGrowth {
    /// Each photo counts once.
    Linear,
    /// One photo counts 1, each doubling adds 1: a photo's median cosine
    /// to n photos of one person is not n independent measurements (its
    /// own deviation from its person is in every one of them).
    Logarithmic,
}

impl Settings {
    /// The weight of evidence measured on `photos` of one person.
    pub fn evidence_weight(&self, photos: usize) -> f32 {
        let n = photos.min(self.evidence_photos);
        match self.evidence_growth {
            EvidenceGrowth::Linear => n as f32,
            EvidenceGrowth::Logarithmic if n == 0 => 0.0,
            EvidenceGrowth::Logarithmic => 1.0 + (n as f32).log2(),
        }
    }

    /// Log-likelihood ratio of "same person" over "different persons" for a
    /// cosine `s`, given the person's typical cosine `mean` and spread `sd`.
    /// Being more similar than typical is never held against a match.
    pub fn llr(&self, s: f32, mean: f32, sd: f32) -> f32 {
        let same = -0.5 * ((s.min(mean) - mean) / sd).powi(2) - sd.ln();
        let diff =
            -0.5 * ((s - self.different_mean) / self.different_sd).powi(2) - self.different_sd.ln();
        (same - diff).clamp(-self.llr_cap, self.llr_cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_grows_by_one_per_doubling_up_to_its_cap() {
        let s = Settings::default();
        let weights: Vec<f32> = [0, 1, 2, 4, 8, 16, 500]
            .iter()
            .map(|&n| s.evidence_weight(n))
            .collect();
        assert_eq!(weights, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 5.0]);
    }

    #[test]
    fn the_linear_rule_stays_available_from_a_settings_file() {
        let json = r#"{"evidence_growth": "linear", "evidence_photos": 5}"#;
        let s: Settings = serde_json::from_str(json).unwrap_or_default();
        assert_eq!(s.evidence_growth, EvidenceGrowth::Linear);
        assert_eq!(s.evidence_weight(3), 3.0);
        assert_eq!(s.evidence_weight(9), 5.0);
    }
}
