//! Pixel-level evidence that two faces come from one photo.
//!
//! Identity embeddings cannot tell a copy from another shot of the same
//! person (a JPEG-50 copy can fall to cosine 0.84, a mirrored one to 0.64,
//! while two shots of one person reach 0.965). The 64×64 aligned thumbs can,
//! once the detector's landmark jitter (about 5% of the face) is undone:
//! the second thumb is registered onto the first with a similarity warp
//! (Gauss–Newton on the normalised difference, coarse to fine over 16, 32
//! and 64 pixels), after which copies correlate ≥ 0.98 and distinct shots,
//! burst frames included, stay below. At 32×32 the two overlapped (copies
//! from 0.977, burst frames up to 0.984): the detail that tells a blink or
//! a moved lip apart only shows at the finer level. A cheap 7×7 correlation,
//! plain and mirrored, decides which pairs are worth registering; its
//! 8-pixel blocks tolerate the landmark jitter of small faces.

use super::registration::{MARGIN, SIDE, WIN, normalise, register, sample};

/// Side of the pre-check vectors (8×8 block means inside a 4-pixel border).
pub const PRE_SIDE: usize = 7;
pub const PRE_LEN: usize = PRE_SIDE * PRE_SIDE;
const PRE_BLOCK: usize = 8;
const PRE_BORDER: usize = (SIDE - PRE_SIDE * PRE_BLOCK) / 2;
const ITERATIONS: usize = 8;
/// Pyramid levels below the full one (a quarter and a half of the side,
/// coarsest first, as `registered_correlation` builds them), with how far below
/// `give_up` a copy may correlate there (small windows correlate copies less).
const LEVELS: [(usize, f32); 2] = [(4, 0.06), (2, 0.035)];

/// The pre-check vectors of one thumb: plain and mirrored, zero-mean, unit norm.
#[derive(Debug, Clone)]
pub struct Precheck {
    pub plain: [f32; PRE_LEN],
    pub mirrored: [f32; PRE_LEN],
}

/// Pre-check vectors, or none when the thumb is not the pipeline's size
/// (a store written by an older version).
pub fn precheck(thumb: &[u8]) -> Option<Precheck> {
    if thumb.len() != SIDE * SIDE {
        return None;
    }
    let mut plain = [0f32; PRE_LEN];
    let mut mirrored = [0f32; PRE_LEN];
    for y in 0..PRE_SIDE {
        for x in 0..PRE_SIDE {
            let (by, bx) = (PRE_BORDER + PRE_BLOCK * y, PRE_BORDER + PRE_BLOCK * x);
            let mut m = 0u32;
            for row in thumb[by * SIDE..].chunks(SIDE).take(PRE_BLOCK) {
                m += row[bx..bx + PRE_BLOCK]
                    .iter()
                    .map(|&v| u32::from(v))
                    .sum::<u32>();
            }
            plain[y * PRE_SIDE + x] = m as f32;
            mirrored[y * PRE_SIDE + (PRE_SIDE - 1 - x)] = m as f32;
        }
    }
    normalise(&mut plain);
    normalise(&mut mirrored);
    Some(Precheck { plain, mirrored })
}

/// Pre-check correlations of `b` against `a`: (plain, mirrored).
pub fn precheck_pair(a: &Precheck, b: &Precheck) -> (f32, f32) {
    (
        crate::vector::dot(&a.plain, &b.plain),
        crate::vector::dot(&a.plain, &b.mirrored),
    )
}

fn to_float(thumb: &[u8], mirror: bool) -> [f32; SIDE * SIDE] {
    let mut out = [0f32; SIDE * SIDE];
    for y in 0..SIDE {
        for x in 0..SIDE {
            let sx = if mirror { SIDE - 1 - x } else { x };
            out[y * SIDE + x] = f32::from(thumb[y * SIDE + sx]);
        }
    }
    out
}

/// `img` (`side`×`side`) halved with 2×2 block means. Written row by row:
/// this runs for every candidate pair, and per-pixel index division made it
/// cost as much as the registration itself.
fn halve(img: &[f32], side: usize) -> Vec<f32> {
    let half = side / 2;
    let mut out = vec![0f32; half * half];
    for (y, row) in out.chunks_exact_mut(half).enumerate() {
        let top = &img[2 * y * side..(2 * y + 1) * side];
        let bottom = &img[(2 * y + 1) * side..(2 * y + 2) * side];
        for ((o, t), b) in row
            .iter_mut()
            .zip(top.chunks_exact(2))
            .zip(bottom.chunks_exact(2))
        {
            *o = 0.25 * (t[0] + t[1] + b[0] + b[1]);
        }
    }
    out
}

/// Correlation of `b` (optionally mirrored) with `a` after registering `b`
/// onto `a`, coarse to fine (16×16, 32×32, then 64×64). Gives up early once
/// the pair clearly stays below `give_up`.
pub fn registered_correlation(a: &[u8], b: &[u8], mirror: bool, give_up: f32) -> f32 {
    if a.len() != SIDE * SIDE || b.len() != SIDE * SIDE {
        return 0.0;
    }
    let (af, bf) = (to_float(a, false), to_float(b, mirror));
    // Each level halves the one above it, so each is computed once.
    let (a2, b2) = (halve(&af, SIDE), halve(&bf, SIDE));
    let (a4, b4) = (halve(&a2, SIDE / 2), halve(&b2, SIDE / 2));
    let mut p = [0f64; 4];
    // Shifts are in the pixels of the level last registered.
    let mut previous = LEVELS[0].0;
    let mut rescale = |p: &mut [f64; 4], factor: usize| {
        let up = (previous / factor) as f64;
        p[2] *= up;
        p[3] *= up;
        previous = factor;
    };
    // The coarse levels settle the warp cheaply and drop most pairs.
    for ((factor, slack), (sa, sb)) in LEVELS.into_iter().zip([(&a4, &b4), (&a2, &b2)]) {
        rescale(&mut p, factor);
        let bar = give_up - slack;
        let corr = register(
            sa,
            sb,
            SIDE / factor,
            MARGIN / factor,
            &mut p,
            ITERATIONS,
            bar,
        );
        if corr < bar {
            return corr;
        }
    }
    rescale(&mut p, 1);
    let corr = register(&af, &bf, SIDE, MARGIN, &mut p, ITERATIONS / 2, give_up);
    if corr < give_up - UNCLIPPED_NEAR {
        return corr;
    }
    unclipped_correlation(&af, &bf, &p).unwrap_or(corr)
}

/// Pixels this bright carry no detail (a brightened copy clips to white).
const CLIPPED: f32 = 250.0;
/// Only pairs this close to `give_up` are worth the unclipped second look.
const UNCLIPPED_NEAR: f32 = 0.03;

/// The correlation at warp `p` over the pixels clipped in neither image,
/// or none when nothing is clipped (or nearly everything is). A brightened
/// copy loses the detail of its bright parts: correlating them would count
/// the loss against the pair, though it says nothing about the photo.
fn unclipped_correlation(a: &[f32], b: &[f32], p: &[f64; 4]) -> Option<f32> {
    let c = (SIDE as f32 - 1.0) / 2.0;
    let (s, r, tx, ty) = (1.0 + p[0] as f32, p[1] as f32, p[2] as f32, p[3] as f32);
    let mut pairs = Vec::with_capacity(WIN * WIN);
    let mut clipped = 0usize;
    for y in MARGIN..SIDE - MARGIN {
        for x in MARGIN..SIDE - MARGIN {
            let (x0, y0) = (x as f32 - c, y as f32 - c);
            let w = sample(b, SIDE, s * x0 - r * y0 + tx + c, r * x0 + s * y0 + ty + c);
            let t = a[y * SIDE + x];
            if w >= CLIPPED || t >= CLIPPED {
                clipped += 1;
            } else {
                pairs.push((t, w));
            }
        }
    }
    if clipped == 0 || pairs.len() < WIN * WIN / 2 {
        return None;
    }
    let n = pairs.len() as f32;
    let (mt, mw) = pairs
        .iter()
        .fold((0.0, 0.0), |(st, sw), &(t, w)| (st + t / n, sw + w / n));
    let (mut tw, mut tt, mut ww) = (0f32, 0f32, 0f32);
    for &(t, w) in &pairs {
        let (dt, dw) = (t - mt, w - mw);
        tw += dt * dw;
        tt += dt * dt;
        ww += dw * dw;
    }
    Some(tw / ((tt * ww).sqrt() + 1e-6))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(shift: f32) -> Vec<u8> {
        (0..SIDE * SIDE)
            .map(|i| {
                let (x, y) = ((i % SIDE) as f32 + shift, (i / SIDE) as f32);
                let v = 128.0
                    + 60.0 * (x * 0.45).sin() * (y * 0.3).cos()
                    + 40.0 * ((x + 2.0 * y) * 0.21).sin();
                v.clamp(0.0, 255.0) as u8
            })
            .collect()
    }

    #[test]
    fn registration_recovers_a_shifted_copy_and_a_mirror() {
        let a = face(0.0);
        let shifted = face(0.7);
        let plain = precheck_pair(&precheck(&a).unwrap(), &precheck(&shifted).unwrap()).0;
        let registered = registered_correlation(&a, &shifted, false, 0.0);
        assert!(
            registered > 0.98 && registered > plain,
            "{registered} vs {plain}"
        );
        let mirrored: Vec<u8> = (0..SIDE * SIDE)
            .map(|i| a[(i / SIDE) * SIDE + SIDE - 1 - i % SIDE])
            .collect();
        assert!(registered_correlation(&a, &mirrored, true, 0.0) > 0.99);
        // Brightened by 20% with its highlights clipped to white.
        let bright: Vec<u8> = a
            .iter()
            .map(|&v| (f32::from(v) * 1.2 + 60.0).min(255.0) as u8)
            .collect();
        assert!(bright.iter().filter(|&&v| v == 255).count() > SIDE * SIDE / 10);
        let corr = registered_correlation(&a, &bright, false, 0.97);
        assert!(corr > 0.99, "brightened copy: {corr}");
        let other: Vec<u8> = (0..SIDE * SIDE).map(|i| ((i * 37) % 251) as u8).collect();
        assert!(registered_correlation(&a, &other, false, 0.0) < 0.5);
    }
}
