//! The Gauss–Newton registration behind `pixels.rs`: one thumb warped onto
//! another by a similarity transform, at one pyramid level. A file of its
//! own (with the sampling and normalising it shares with the pre-check) so
//! that each step of an iteration can be a function of its own while
//! `pixels.rs` keeps the decisions: which levels, which pairs, when to stop.

use crate::pipeline::THUMB_SIDE;

pub(super) const SIDE: usize = THUMB_SIDE as usize;
/// The registered comparison ignores this many border pixels on each side
/// (at the full level; halved at each coarser one).
pub(super) const MARGIN: usize = 8;
pub(super) const WIN: usize = SIDE - 2 * MARGIN;

/// Zero mean, unit norm (the 1e-6 keeps a flat patch finite).
pub(super) fn normalise(v: &mut [f32]) {
    let mean = v.iter().sum::<f32>() / v.len().max(1) as f32;
    v.iter_mut().for_each(|x| *x -= mean);
    let norm = crate::vector::norm(v) + 1e-6;
    v.iter_mut().for_each(|x| *x /= norm);
}

/// Bilinear sample of `img` (`side`×`side`), clamped to its edges.
pub(super) fn sample(img: &[f32], side: usize, x: f32, y: f32) -> f32 {
    let max = (side - 1) as f32;
    let (x, y) = (x.clamp(0.0, max), y.clamp(0.0, max));
    // Both are ≥ 0 here, so truncation is floor (and much cheaper).
    let (x0, y0) = (x as usize, y as usize);
    let (x1, y1) = ((x0 + 1).min(side - 1), (y0 + 1).min(side - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let top = img[y0 * side + x0] + fx * (img[y0 * side + x1] - img[y0 * side + x0]);
    let bottom = img[y1 * side + x0] + fx * (img[y1 * side + x1] - img[y1 * side + x0]);
    top + fy * (bottom - top)
}

/// Gauss–Newton registration of `b` onto `a` (both `side`×`side`) with a
/// similarity warp `p` (scale-1, rotation, shift x, shift y) about the
/// centre, over the window `margin` pixels inside the border.
pub(super) fn register(
    a: &[f32],
    b: &[f32],
    side: usize,
    margin: usize,
    p: &mut [f64; 4],
    iterations: usize,
    give_up: f32,
) -> f32 {
    let level = Level::new(side, margin);
    let mut tmpl = [0f32; WIN * WIN];
    let tmpl = level.template(a, &mut tmpl);
    let mut warped = [0f32; (WIN + 2) * (WIN + 2)];
    let mut corr = 0.0;
    let mut converged = false;
    for it in 0..=iterations {
        let sum = level.warp(b, p, &mut warped);
        let n = (level.win * level.win) as f32;
        let mean = sum / n;
        let sd = level.spread(&warped, mean);
        let (h, g, dotp) = level.normal_equations(&warped, tmpl, mean, sd);
        corr = dotp;
        if it == iterations || converged || hopeless(it, corr, give_up) {
            break;
        }
        let Some(dp) = step(&h, &g) else {
            break;
        };
        for a in 0..4 {
            p[a] += dp[a];
        }
        // One more pass measures the correlation at the final warp.
        converged = dp.iter().all(|d| d.abs() < 1e-3);
    }
    corr
}

/// Copies pass well above `give_up` after one step; most other pairs are
/// dropped there, which keeps the search cheap.
fn hopeless(it: usize, corr: f32, give_up: f32) -> bool {
    (it >= 1 && corr < give_up - 0.1)
        || (it >= 2 && corr < give_up - 0.06)
        || (it >= 4 && corr < give_up - 0.03)
}

/// The warp update from the normal equations (`h` upper triangle only),
/// damped so that a flat window still solves; none when singular.
fn step(h: &[[f32; 4]; 4], g: &[f32; 4]) -> Option<[f64; 4]> {
    let mut hd = [[0f64; 4]; 4];
    for a in 0..4 {
        for b in 0..4 {
            hd[a][b] = f64::from(if b >= a { h[a][b] } else { h[b][a] });
        }
        hd[a][a] += 1e-3;
    }
    solve4(hd, g.map(|v| -f64::from(v)))
}

/// The geometry of one level: its side, the window inside the margin, and
/// the ring one pixel wider that the gradients need.
struct Level {
    side: usize,
    margin: usize,
    win: usize,
    ring: usize,
    /// The centre the warp rotates and scales about.
    c: f32,
}

impl Level {
    fn new(side: usize, margin: usize) -> Level {
        let win = side - 2 * margin;
        Level {
            side,
            margin,
            win,
            ring: win + 2,
            c: (side as f32 - 1.0) / 2.0,
        }
    }

    /// `a`'s window, normalised, in the front of `buf`.
    fn template<'b>(&self, a: &[f32], buf: &'b mut [f32; WIN * WIN]) -> &'b [f32] {
        let (side, margin, win) = (self.side, self.margin, self.win);
        let tmpl = &mut buf[..win * win];
        for y in 0..win {
            for x in 0..win {
                tmpl[y * win + x] = a[(y + margin) * side + x + margin];
            }
        }
        normalise(tmpl);
        tmpl
    }

    /// Samples `b` at warp `p` over the ring into `warped`; returns the sum
    /// over the window.
    fn warp(&self, b: &[f32], p: &[f64; 4], warped: &mut [f32]) -> f32 {
        let (side, margin, win, ring, c) = (self.side, self.margin, self.win, self.ring, self.c);
        let (s, r, tx, ty) = (1.0 + p[0] as f32, p[1] as f32, p[2] as f32, p[3] as f32);
        let mut sum = 0f32;
        for y in 0..ring {
            for x in 0..ring {
                let x0 = (x + margin) as f32 - 1.0 - c;
                let y0 = (y + margin) as f32 - 1.0 - c;
                let v = sample(b, side, s * x0 - r * y0 + tx + c, r * x0 + s * y0 + ty + c);
                warped[y * ring + x] = v;
                if (1..=win).contains(&y) && (1..=win).contains(&x) {
                    sum += v;
                }
            }
        }
        sum
    }

    /// The window's norm about `mean` (plus 1e-6). Two passes: a one-pass
    /// variance of 0–255 values loses the digits that tell a copy (0.99)
    /// from a similar shot (0.96).
    fn spread(&self, warped: &[f32], mean: f32) -> f32 {
        let (win, ring) = (self.win, self.ring);
        let mut sq = 0f32;
        for y in 1..=win {
            for x in 1..=win {
                let d = warped[y * ring + x] - mean;
                sq += d * d;
            }
        }
        sq.sqrt() + 1e-6
    }

    /// The Gauss–Newton normal equations of the normalised window against
    /// `tmpl` (the upper triangle of `h`, and `g`), and their correlation.
    fn normal_equations(
        &self,
        warped: &[f32],
        tmpl: &[f32],
        mean: f32,
        sd: f32,
    ) -> ([[f32; 4]; 4], [f32; 4], f32) {
        let (margin, win, ring, c) = (self.margin, self.win, self.ring, self.c);
        let mut h = [[0f32; 4]; 4];
        let mut g = [0f32; 4];
        let mut dotp = 0.0f32;
        for y in 0..win {
            for x in 0..win {
                let w = (warped[(y + 1) * ring + x + 1] - mean) / sd;
                let t = tmpl[y * win + x];
                dotp += w * t;
                let res = w - t;
                let gx = (warped[(y + 1) * ring + x + 2] - warped[(y + 1) * ring + x]) * 0.5 / sd;
                let gy = (warped[(y + 2) * ring + x + 1] - warped[y * ring + x + 1]) * 0.5 / sd;
                let (x0, y0) = ((x + margin) as f32 - c, (y + margin) as f32 - c);
                let j = [gx * x0 + gy * y0, -gx * y0 + gy * x0, gx, gy];
                for a in 0..4 {
                    g[a] += j[a] * res;
                    for b in a..4 {
                        h[a][b] += j[a] * j[b];
                    }
                }
            }
        }
        (h, g, dotp)
    }
}

fn solve4(mut a: [[f64; 4]; 4], mut b: [f64; 4]) -> Option<[f64; 4]> {
    for col in 0..4 {
        let pivot = (col..4).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..4 {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col];
            for (x, p) in a[row].iter_mut().zip(pivot_row).skip(col) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0f64; 4];
    for row in (0..4).rev() {
        let s: f64 = (row + 1..4).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}
