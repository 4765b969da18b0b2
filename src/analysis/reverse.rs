//! Who points at whom, backwards: which photos list a photo among their
//! nearest, and which photos weigh a person as their alternative. An edit
//! must revisit exactly those; before this it read every neighbour list
//! and every photo's evidence to find them, a few hundred milliseconds per
//! edit at a million photos.
//!
//! The index is a superset: an entry may outlive the list entry it was
//! noted for (lists lose entries without telling it), so a caller checks
//! each hit against the list itself. The bulk lives in one flat array
//! built in one pass; later entries go to a small side map, and
//! [`Reverse::worth_rebuilding`] says when to fold them in again.

use std::collections::HashMap;

#[derive(Debug, Default, Clone)]
pub struct Reverse {
    /// `flat[start[t]..start[t + 1]]` are the owners noted for target `t`.
    start: Vec<u32>,
    flat: Vec<u32>,
    /// Owners noted since the build, by target.
    extra: HashMap<u32, Vec<u32>>,
    extra_len: usize,
}

impl Reverse {
    /// From every owner's targets: `targets_of(o)` for owner `o` in
    /// `0..owners`, each target below `targets`.
    pub fn build<I>(owners: usize, targets: usize, targets_of: impl Fn(usize) -> I) -> Reverse
    where
        I: Iterator<Item = u32>,
    {
        let mut start = vec![0u32; targets + 1];
        for o in 0..owners {
            for t in targets_of(o) {
                if let Some(count) = start.get_mut(t as usize + 1) {
                    *count += 1;
                }
            }
        }
        for t in 0..targets {
            start[t + 1] += start[t];
        }
        let mut next = start.clone();
        let mut flat = vec![0u32; start[targets] as usize];
        let mut reverse = Reverse::default();
        for o in 0..owners {
            for t in targets_of(o) {
                match next.get_mut(t as usize).filter(|_| (t as usize) < targets) {
                    Some(at) => {
                        flat[*at as usize] = o as u32;
                        *at += 1;
                    }
                    None => reverse.note(o as u32, t),
                }
            }
        }
        reverse.start = start;
        reverse.flat = flat;
        reverse
    }

    /// `owner` now points at `target`.
    pub fn note(&mut self, owner: u32, target: u32) {
        self.extra.entry(target).or_default().push(owner);
        self.extra_len += 1;
    }

    /// The owners noted for `target` (possibly repeated, possibly stale).
    pub fn owners_of(&self, target: u32) -> impl Iterator<Item = u32> + '_ {
        let t = target as usize;
        let built = match (self.start.get(t), self.start.get(t + 1)) {
            (Some(&a), Some(&b)) => &self.flat[a as usize..b as usize],
            _ => &[],
        };
        let extra = self.extra.get(&target).map_or(&[][..], Vec::as_slice);
        built.iter().chain(extra).copied()
    }

    /// True once the side map holds as many entries as the flat array
    /// (plus some slack): a rebuild then costs about what the notes did.
    pub fn worth_rebuilding(&self) -> bool {
        self.extra_len > self.flat.len() + 65_536
    }
}

#[cfg(test)]
mod tests {
    use super::Reverse;

    #[test]
    fn built_and_noted_owners_are_found_for_their_targets() {
        let lists: Vec<Vec<u32>> = vec![vec![1, 2], vec![2], vec![], vec![0, 2, 9]];
        let mut r = Reverse::build(lists.len(), 4, |o| lists[o].iter().copied());
        let of = |r: &Reverse, t| {
            let mut v: Vec<u32> = r.owners_of(t).collect();
            v.sort_unstable();
            v
        };
        assert_eq!(of(&r, 2), vec![0, 1, 3]);
        assert_eq!(of(&r, 0), vec![3]);
        // Target 9 was past the build's range: kept aside, not lost.
        assert_eq!(of(&r, 9), vec![3]);
        r.note(2, 0);
        r.note(7, 12);
        assert_eq!(of(&r, 0), vec![2, 3]);
        assert_eq!(of(&r, 12), vec![7]);
        assert!(!r.worth_rebuilding());
    }
}
