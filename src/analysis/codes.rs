//! Every vector rounded to 8-bit integers, for the neighbour search past
//! the exact scan. The search compares each photo with a few thousand
//! others; in 32-bit floats those products were most of its time at a
//! million faces, and the rows it gathers at random were four times as
//! big. On integers the products are exact (any kernel gives the same
//! sums), and with the AVX-512 VNNI instruction one product step does 64
//! multiplications where a float step does 8 or 16.
//!
//! A row is scaled so that its largest component becomes 127; a cosine
//! comes back as `sum × inv[a] × inv[b]`, within about 1e-3 of the float
//! one. The search ranks by these; the lists it keeps are scored again in
//! floats at its end (`search::rescore`), so no rounded cosine leaves it.

use super::similarity::Vectors;

/// The rounded rows, each `dim` codes (the vectors' dimension rounded up
/// to a multiple of 4, padded with zeros), and each row's way back.
pub struct Codes {
    dim: usize,
    codes: Vec<i8>,
    inv: Vec<f32>,
    /// Each row's first value, for the fault hook of the tests (a poisoned
    /// row does not survive the rounding).
    #[cfg(test)]
    pub firsts: Vec<f32>,
}

impl Codes {
    /// Every row of `v` rounded, on the current thread pool; a zero row
    /// stays zero.
    pub fn of(v: &Vectors) -> Codes {
        let dim = v.dim.div_ceil(4) * 4;
        let mut codes = vec![0i8; v.rows() * dim];
        let mut inv = vec![0f32; v.rows()];
        use rayon::prelude::*;
        (codes.par_chunks_mut(dim.max(1)))
            .zip(inv.par_iter_mut())
            .enumerate()
            .for_each(|(i, (out, inv))| *inv = round_row(v.row(i), out));
        Codes {
            dim,
            codes,
            inv,
            #[cfg(test)]
            firsts: (0..v.rows())
                .map(|i| v.row(i).first().copied().unwrap_or(0.0))
                .collect(),
        }
    }

    /// Codes per row.
    pub fn dim(&self) -> usize {
        self.dim
    }

    pub fn row(&self, i: usize) -> &[i8] {
        &self.codes[i * self.dim..(i + 1) * self.dim]
    }

    /// What a product of row `i`'s codes is multiplied by, on its side.
    pub fn inv(&self, i: usize) -> f32 {
        self.inv[i]
    }

    /// The codes of `rows`, one after another, into `out` (emptied first).
    pub fn gather(&self, rows: &[u32], out: &mut Vec<i8>) {
        out.clear();
        for &r in rows {
            out.extend_from_slice(self.row(r as usize));
        }
    }
}

fn round_row(row: &[f32], out: &mut [i8]) -> f32 {
    let top = row.iter().fold(0f32, |m, x| m.max(x.abs()));
    if top == 0.0 || !top.is_finite() {
        return 0.0;
    }
    let scale = 127.0 / top;
    for (o, &x) in out.iter_mut().zip(row) {
        *o = (x * scale).round().clamp(-127.0, 127.0) as i8;
    }
    top / 127.0
}

/// Reused buffers of [`products`] and [`cosines`].
#[derive(Default)]
pub struct Scratch {
    packed: Vec<u8>,
    sums: Vec<i32>,
    row: Vec<f32>,
}

/// Products [`cosines`] holds at once: a few rows of `a` at a time, so
/// that the sums stay in cache (all of a block's rows against a big cell
/// at once took 0.7 GB at a million faces).
const SUMS_AT_ONCE: usize = 1 << 17;

/// The rounded cosines of `a`'s rows with `b`'s n rows, `dim` codes each,
/// row `x`'s way back `a_inv[x]` and `b_inv[y]`: `each(x, cosines)` for
/// every row of `a` in turn, with its n cosines (one row at a time, kept
/// in the first cache level while the caller reads it).
pub fn cosines(
    (a, a_inv): (&[i8], &[f32]),
    (b, b_inv): (&[i8], &[f32]),
    dim: usize,
    s: &mut Scratch,
    mut each: impl FnMut(usize, &[f32]),
) {
    let (m, n) = (a_inv.len(), b_inv.len());
    check(a, m, b, n, dim);
    let (mut sums, mut row) = (std::mem::take(&mut s.sums), std::mem::take(&mut s.row));
    let fast = pack(b, n, dim, &mut s.packed);
    // Whole groups of the kernel's rows, however long `b`.
    let at_once = (SUMS_AT_ONCE / n.max(1)).max(64) / 8 * 8;
    for x0 in (0..m).step_by(at_once) {
        let rows = at_once.min(m - x0);
        sums.clear();
        sums.resize(rows * n, 0);
        multiply(&a[x0 * dim..], rows, b, n, dim, &s.packed, fast, &mut sums);
        let ways = &a_inv[x0..x0 + rows];
        for (x, (part, &mine)) in sums.chunks(n.max(1)).zip(ways).enumerate() {
            row.clear();
            row.extend(
                part.iter()
                    .zip(b_inv)
                    .map(|(&d, &theirs)| d as f32 * mine * theirs),
            );
            each(x0 + x, &row);
        }
    }
    (s.sums, s.row) = (sums, row);
}

/// `out` (m × n) = the integer products of `a`'s m rows with `b`'s n rows,
/// `dim` codes each (a multiple of 4). The same sums on every machine.
#[cfg(test)]
pub fn products(
    a: &[i8],
    m: usize,
    b: &[i8],
    n: usize,
    dim: usize,
    s: &mut Scratch,
    out: &mut [i32],
) {
    check(a, m, b, n, dim);
    assert!(out.len() >= m * n);
    let fast = pack(b, n, dim, &mut s.packed);
    multiply(a, m, b, n, dim, &s.packed, fast, out);
}

fn check(a: &[i8], m: usize, b: &[i8], n: usize, dim: usize) {
    assert!(dim.is_multiple_of(4) && a.len() >= m * dim && b.len() >= n * dim);
}

/// `b` packed for the fast kernel when the CPU has it (then true).
fn pack(b: &[i8], n: usize, dim: usize, packed: &mut Vec<u8>) -> bool {
    #[cfg(target_arch = "x86_64")]
    if vnni::available() {
        vnni::pack(&b[..n * dim], n, dim, packed);
        return true;
    }
    let _ = (b, n, dim, packed);
    false
}

/// [`products`] with `b` already packed (`fast`, by [`pack`]).
#[allow(clippy::too_many_arguments)]
fn multiply(
    a: &[i8],
    m: usize,
    b: &[i8],
    n: usize,
    dim: usize,
    packed: &[u8],
    fast: bool,
    out: &mut [i32],
) {
    assert!(a.len() >= m * dim && out.len() >= m * n);
    #[cfg(target_arch = "x86_64")]
    if fast && vnni::available() {
        // SAFETY: the CPU has the features the kernel is compiled for
        // (checked just above), and every slice holds what it is read for
        // (asserted above and by `pack`).
        unsafe { vnni::products(a, m, packed, n, dim, out) };
        return;
    }
    let _ = (packed, fast);
    plain(a, m, b, n, dim, out);
}

fn plain(a: &[i8], m: usize, b: &[i8], n: usize, dim: usize, out: &mut [i32]) {
    for (x, row) in a.chunks_exact(dim).take(m).enumerate() {
        for (y, other) in b.chunks_exact(dim).take(n).enumerate() {
            out[x * n + y] = row
                .iter()
                .zip(other)
                .map(|(&p, &q)| i32::from(p) * i32::from(q))
                .sum();
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod vnni {
    //! The products on AVX-512 VNNI: `b`'s rows packed in panels of
    //! [`LANES`], each 32-bit lane one row, four codes a step; `a`'s four
    //! codes of a step broadcast to every lane. The instruction multiplies
    //! unsigned by signed bytes, so `b`'s codes are stored plus 128, and
    //! 128 × the sum of `a`'s row is taken off at the end.
    use std::arch::x86_64::*;

    pub const LANES: usize = 16;
    /// Rows of `a` against one panel at a time: eight accumulators, one
    /// panel step loaded once for all of them.
    const ROWS: usize = 8;

    pub fn available() -> bool {
        use std::sync::OnceLock;
        static HAS: OnceLock<bool> = OnceLock::new();
        *HAS.get_or_init(|| {
            is_x86_feature_detected!("avx512f")
                && is_x86_feature_detected!("avx512bw")
                && is_x86_feature_detected!("avx512vnni")
        })
    }

    /// Panel `p`, step `g`, lane `r`, byte `t` at
    /// `((p × steps + g) × LANES + r) × 4 + t`; missing rows of the last
    /// panel are zero codes.
    pub fn pack(b: &[i8], n: usize, dim: usize, out: &mut Vec<u8>) {
        let steps = dim / 4;
        let panels = n.div_ceil(LANES);
        out.clear();
        out.resize(panels * steps * LANES * 4, 128);
        for (row, codes) in b.chunks_exact(dim).take(n).enumerate() {
            let (p, r) = (row / LANES, row % LANES);
            for (g, four) in codes.chunks_exact(4).enumerate() {
                let at = ((p * steps + g) * LANES + r) * 4;
                for (o, &c) in out[at..at + 4].iter_mut().zip(four) {
                    *o = (c as u8) ^ 0x80;
                }
            }
        }
    }

    /// # Safety
    /// The CPU must have AVX-512 F, BW and VNNI; `packed` is `pack`'s of
    /// `n` rows of `dim` codes, `a` holds `m` rows, `out` m × n.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub unsafe fn products(
        a: &[i8],
        m: usize,
        packed: &[u8],
        n: usize,
        dim: usize,
        out: &mut [i32],
    ) {
        let steps = dim / 4;
        let sums: Vec<i32> = (a.chunks_exact(dim).take(m))
            .map(|r| r.iter().map(|&c| i32::from(c)).sum())
            .collect();
        for p in 0..n.div_ceil(LANES) {
            let panel = &packed[p * steps * 64..(p + 1) * steps * 64];
            let lanes = LANES.min(n - p * LANES);
            let mut put = |x: usize, acc: __m512i| {
                let fix = _mm512_set1_epi32(128 * sums[x]);
                let mut lane = [0i32; LANES];
                // SAFETY: `lane` is 64 bytes.
                unsafe {
                    _mm512_storeu_si512(lane.as_mut_ptr().cast(), _mm512_sub_epi32(acc, fix))
                };
                let at = x * n + p * LANES;
                out[at..at + lanes].copy_from_slice(&lane[..lanes]);
            };
            let mut x = 0;
            while x + ROWS <= m {
                // SAFETY: rows `x..x + ROWS` of `a` and the panel's `steps`
                // steps are in bounds (the slices are cut to them).
                let acc = unsafe { rows::<ROWS>(panel, &a[x * dim..(x + ROWS) * dim], dim) };
                acc.into_iter()
                    .enumerate()
                    .for_each(|(r, acc)| put(x + r, acc));
                x += ROWS;
            }
            for x in x..m {
                // SAFETY: as above, for one row.
                let [acc] = unsafe { rows::<1>(panel, &a[x * dim..(x + 1) * dim], dim) };
                put(x, acc);
            }
        }
    }

    /// `R` rows of `a` (`R × dim` codes) against one panel (`dim / 4`
    /// steps of 64 bytes): one accumulator per row, kept in registers.
    ///
    /// # Safety
    /// As [`products`]; the slices hold what is said above.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    unsafe fn rows<const R: usize>(panel: &[u8], a: &[i8], dim: usize) -> [__m512i; R] {
        debug_assert!(a.len() >= R * dim && panel.len() >= dim / 4 * 64);
        let (panel, a) = (panel.as_ptr(), a.as_ptr());
        let mut acc = [_mm512_setzero_si512(); R];
        for g in 0..dim / 4 {
            // SAFETY: step `g` of the panel and codes `4g..4g + 4` of each
            // row are in bounds (see the function's contract).
            unsafe {
                let b = _mm512_loadu_si512(panel.add(g * 64).cast());
                for (r, acc) in acc.iter_mut().enumerate() {
                    let four = a.add(r * dim + g * 4).cast::<i32>().read_unaligned();
                    *acc = _mm512_dpbusd_epi32(*acc, b, _mm512_set1_epi32(four));
                }
            }
        }
        acc
    }
}

#[cfg(test)]
mod tests;
