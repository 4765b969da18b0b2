//! Small folders whose faces disagree. A folder of two to four photos has
//! too few pairs for the clustering behind `split` to say much (two photos
//! are always one group) and too few for a person's own statistics, so a
//! folder of two different people went unflagged. Here each photo is asked
//! the plainest question instead: does any other photo of its folder look
//! like the same person (cosine at least `inconsistent_cosine`, the
//! embedder's same-person threshold)? The photos for which none does are
//! the ones that disagree; their folder is flagged `inconsistent`.

use super::state::Analysis;

/// The largest folder judged this way; bigger ones have statistics and
/// groups of their own.
pub const MAX_PHOTOS: usize = 4;

/// The members of a small folder (given as its members with a face) that
/// match none of the others; empty when the folder is not small or agrees.
pub fn disagreeing(members: &[u32], cos: &dyn Fn(u32, u32) -> f32, threshold: f32) -> Vec<u32> {
    if members.len() < 2 || members.len() > MAX_PHOTOS {
        return Vec::new();
    }
    members
        .iter()
        .copied()
        .filter(|&i| {
            members
                .iter()
                .filter(|&&j| j != i)
                .all(|&j| cos(i, j) < threshold)
        })
        .collect()
}

impl Analysis {
    /// Person `p`'s photos that disagree with the rest of its small folder.
    pub(super) fn disagreeing(&self, p: u32) -> Vec<u32> {
        disagreeing(
            &self.members[p as usize],
            &|i, j| self.vectors.cos(i as usize, j as usize),
            self.settings.inconsistent_cosine,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cosines of a folder of `n` photos from a table of pairs (1.0 on the
    /// diagonal, `rest` for pairs not listed).
    fn table(pairs: &[(u32, u32, f32)], rest: f32) -> impl Fn(u32, u32) -> f32 + '_ {
        move |i, j| {
            if i == j {
                return 1.0;
            }
            pairs
                .iter()
                .find(|&&(a, b, _)| (a, b) == (i, j) || (a, b) == (j, i))
                .map_or(rest, |p| p.2)
        }
    }

    #[test]
    fn two_photos_of_two_people_both_disagree_and_one_person_agrees() {
        let cos = table(&[], 0.1);
        assert_eq!(disagreeing(&[4, 9], &cos, 0.34), vec![4, 9]);
        let cos = table(&[], 0.5);
        assert!(disagreeing(&[4, 9], &cos, 0.34).is_empty());
    }

    #[test]
    fn in_three_or_four_only_the_photo_matching_nobody_disagrees() {
        // 0 and 1 are one person, 2 matches neither.
        let cos = table(&[(0, 1, 0.6)], 0.05);
        assert_eq!(disagreeing(&[0, 1, 2], &cos, 0.34), vec![2]);
        // Two pairs of two people: each photo has its match, none disagrees
        // (the clustering's `split` is the finding there).
        let cos = table(&[(0, 1, 0.6), (2, 3, 0.7)], 0.05);
        assert!(disagreeing(&[0, 1, 2, 3], &cos, 0.34).is_empty());
    }

    #[test]
    fn single_photos_and_big_folders_are_left_to_the_rest() {
        let cos = table(&[], 0.0);
        assert!(disagreeing(&[3], &cos, 0.34).is_empty());
        assert!(disagreeing(&[0, 1, 2, 3, 4], &cos, 0.34).is_empty());
    }
}
