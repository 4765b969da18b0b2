//! Which part of a dataset one worker of a cluster job embeds. A dataset of
//! millions of photos is embedded by N workers at once (a SLURM job array,
//! a Kubernetes Indexed Job), each into its own shard store; the shards are
//! then merged into the workspace's store. A person folder belongs to the
//! shard its name hashes to, so a folder added later lands in one shard
//! without reshuffling the others, and every worker agrees on the split
//! without talking to the others.

use std::fmt;
use std::str::FromStr;

/// Shard `index` of `count` (0 ≤ index < count), written `I/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Whether the person folder `person` is this shard's to embed.
    pub fn holds(&self, person: &str) -> bool {
        shard_of(person, self.count) == self.index
    }
}

/// The shard (of `count`) that person folder `person` belongs to: the
/// first 8 bytes of the BLAKE3 hash of its name, modulo `count`.
pub fn shard_of(person: &str, count: u32) -> u32 {
    let hash = blake3::hash(person.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash.as_bytes()[..8]);
    (u64::from_le_bytes(first) % u64::from(count.max(1))) as u32
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let usage = || format!("`{text}` is not a shard: write I/N with 0 <= I < N, e.g. 0/8");
        let (index, count) = text.split_once('/').ok_or_else(usage)?;
        let index: u32 = index.trim().parse().map_err(|_| usage())?;
        let count: u32 = count.trim().parse().map_err(|_| usage())?;
        if count == 0 || index >= count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_refuse_what_is_not_one() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["3/3", "1/0", "x/2", "1", "-1/2", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_person_is_in_exactly_one_shard_and_stays_there() {
        let persons: Vec<String> = (0..300).map(|i| format!("Person_{i}")).collect();
        let shards: Vec<Shard> = (0..3).map(|index| Shard { index, count: 3 }).collect();
        let mut sizes = [0; 3];
        for p in &persons {
            let owners: Vec<&Shard> = shards.iter().filter(|s| s.holds(p)).collect();
            assert_eq!(owners.len(), 1, "{p}");
            sizes[owners[0].index as usize] += 1;
            // The split of one person never depends on the others.
            assert_eq!(shard_of(p, 3), owners[0].index);
        }
        assert!(sizes.iter().all(|&n| n > 60), "a fair split: {sizes:?}");
    }
}
