//! The two innermost steps of a join, on AVX-512 where the CPU has it
//! (checked at run time; the portable forms give the same answers): which
//! cosines of a row pass either side's floor, and whether a list holds a
//! photo. At a million faces a join checks about 1,300 pairs against the
//! lists and 2,500 against the floors; in plain SSE2 these two steps were
//! half of NN-descent's time.

/// The kernels one join uses, chosen once.
#[derive(Clone, Copy)]
pub(super) struct Kernels {
    wide: bool,
}

/// Room [`Kernels::passing`] needs past the last index it writes.
pub(super) const SLACK: usize = 16;

impl Kernels {
    pub(super) fn new() -> Kernels {
        Kernels { wide: wide() }
    }

    /// The positions `y` in `from..row.len()` whose cosine `row[y]` is
    /// above `floor` (into `mine`) and above `floors[y]` (into `theirs`),
    /// in order; returns how many of each. Each output needs
    /// `row.len() + SLACK` places.
    #[inline]
    pub(super) fn passing(
        self,
        row: &[f32],
        (floor, floors): (f32, &[f32]),
        from: usize,
        mine: &mut [u32],
        theirs: &mut [u32],
    ) -> (usize, usize) {
        let m = row.len();
        assert!(floors.len() >= m && mine.len() >= m + SLACK && theirs.len() >= m + SLACK);
        #[cfg(target_arch = "x86_64")]
        if self.wide {
            // SAFETY: the CPU has AVX-512 F (checked in `new`); the slices
            // are as long as asserted above.
            return unsafe { x86::passing(row, floor, floors, from, mine, theirs) };
        }
        portable_passing(row, (floor, floors), from, mine, theirs)
    }

    /// Whether `ids` holds `j`, each id compared with the bits of
    /// `ignored` cleared.
    #[inline]
    pub(super) fn holds(self, ids: &[u32], j: u32, ignored: u32) -> bool {
        #[cfg(target_arch = "x86_64")]
        if self.wide {
            // SAFETY: the CPU has AVX-512 F (checked in `new`).
            return unsafe { x86::holds(ids, j, ignored) };
        }
        portable_holds(ids, j, ignored)
    }
}

/// The standard library caches the answer: asking per join costs a load.
fn wide() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_x86_feature_detected!("avx512f")
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// [`Kernels::passing`] without branches on the comparisons (which pairs
/// pass is a coin toss at a million faces).
fn portable_passing(
    row: &[f32],
    (floor, floors): (f32, &[f32]),
    from: usize,
    mine: &mut [u32],
    theirs: &mut [u32],
) -> (usize, usize) {
    let (mut n_mine, mut n_theirs) = (0, 0);
    for (y, &s) in row.iter().enumerate().skip(from) {
        mine[n_mine] = y as u32;
        n_mine += usize::from(s > floor);
        theirs[n_theirs] = y as u32;
        n_theirs += usize::from(s > floors[y]);
    }
    (n_mine, n_theirs)
}

/// [`Kernels::holds`] with no early exit, so that the compiler vectorises
/// it.
fn portable_holds(ids: &[u32], j: u32, ignored: u32) -> bool {
    let keep = !ignored;
    let mut found = 0u32;
    for &id in ids {
        found |= u32::from(id & keep == j);
    }
    found != 0
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    fn lanes(left: usize) -> __mmask16 {
        if left >= 16 {
            0xFFFF
        } else {
            ((1u32 << left) - 1) as __mmask16
        }
    }

    /// # Safety
    /// The CPU must have AVX-512 F; `floors` holds `row.len()` values and
    /// `mine` and `theirs` `row.len() + 16` places each.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn passing(
        row: &[f32],
        floor: f32,
        floors: &[f32],
        from: usize,
        mine: &mut [u32],
        theirs: &mut [u32],
    ) -> (usize, usize) {
        let m = row.len();
        let (mut n_mine, mut n_theirs) = (0usize, 0usize);
        let mine_floor = _mm512_set1_ps(floor);
        let step = _mm512_set1_epi32(16);
        let first = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        let mut at = _mm512_add_epi32(first, _mm512_set1_epi32(from as i32));
        let mut y = from;
        while y < m {
            let k = lanes(m - y);
            // SAFETY (all of the block): lanes past `m` are masked off the
            // loads; each store writes 16 places from below `m`, which the
            // caller's slack covers.
            unsafe {
                let s = _mm512_maskz_loadu_ps(k, row.as_ptr().add(y));
                let theirs_floor = _mm512_maskz_loadu_ps(k, floors.as_ptr().add(y));
                let to_mine = _mm512_mask_cmp_ps_mask::<_CMP_GT_OQ>(k, s, mine_floor);
                let to_theirs = _mm512_mask_cmp_ps_mask::<_CMP_GT_OQ>(k, s, theirs_floor);
                let packed = _mm512_maskz_compress_epi32(to_mine, at);
                _mm512_storeu_si512(mine.as_mut_ptr().add(n_mine).cast(), packed);
                let packed = _mm512_maskz_compress_epi32(to_theirs, at);
                _mm512_storeu_si512(theirs.as_mut_ptr().add(n_theirs).cast(), packed);
                n_mine += to_mine.count_ones() as usize;
                n_theirs += to_theirs.count_ones() as usize;
            }
            at = _mm512_add_epi32(at, step);
            y += 16;
        }
        (n_mine, n_theirs)
    }

    /// # Safety
    /// The CPU must have AVX-512 F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn holds(ids: &[u32], j: u32, ignored: u32) -> bool {
        let keep = _mm512_set1_epi32(!ignored as i32);
        let want = _mm512_set1_epi32(j as i32);
        let mut hit: __mmask16 = 0;
        let mut at = 0;
        while at < ids.len() {
            let k = lanes(ids.len() - at);
            // SAFETY: lanes past the end are masked off the load.
            let v = unsafe { _mm512_maskz_loadu_epi32(k, ids.as_ptr().add(at).cast()) };
            hit |= _mm512_mask_cmpeq_epi32_mask(k, _mm512_and_si512(v, keep), want);
            at += 16;
        }
        hit != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_kernels_pass_the_same_pairs_and_find_the_same_ids() {
        let mut seed = 0x9e37_79b9_u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for m in [0, 1, 15, 16, 17, 40, 77, 128] {
            let row: Vec<f32> = (0..m).map(|_| (next() % 1000) as f32 / 1000.0).collect();
            let floors: Vec<f32> = (0..m).map(|_| (next() % 1000) as f32 / 1000.0).collect();
            for from in [0, 1, m / 2] {
                let run = |k: Kernels| {
                    let (mut mine, mut theirs) = (vec![0; m + SLACK], vec![0; m + SLACK]);
                    let (a, b) = k.passing(&row, (0.5, &floors), from, &mut mine, &mut theirs);
                    (mine[..a].to_vec(), theirs[..b].to_vec())
                };
                let plain = run(Kernels { wide: false });
                assert_eq!(run(Kernels::new()), plain, "{m} from {from}");
                let want: Vec<u32> = (from..m)
                    .filter(|&y| row[y] > 0.5)
                    .map(|y| y as u32)
                    .collect();
                assert_eq!(plain.0, want);
            }
            let ids: Vec<u32> = (0..m as u32).map(|x| (x * 3) | ((x % 2) << 31)).collect();
            for j in [0, 3, 4, 3 * (m as u32).saturating_sub(1), 1 << 31] {
                for ignored in [0, 1 << 31] {
                    let want = ids.iter().any(|&id| id & !ignored == j);
                    assert_eq!(Kernels::new().holds(&ids, j, ignored), want, "{m} {j}");
                    assert_eq!(Kernels { wide: false }.holds(&ids, j, ignored), want);
                }
            }
        }
    }
}
