//! Principal component analysis down to two dimensions, for drawing a
//! person's faces on a flat map. The embeddings live in 128 or 512
//! dimensions; the two directions along which a handful of vectors vary
//! most are the honest flat picture of them (a linear map: distances along
//! the plane are real distances, nothing is warped as t-SNE or UMAP would).
//! Pure arithmetic on `f32` rows, deterministic (a fixed start vector, a
//! fixed number of power iterations, signs fixed), so the same vectors give
//! the same picture on every machine. No terminal type, no I/O.

use crate::vector::dot;

/// Power iterations per component: plenty for the two leading directions
/// of a few hundred vectors, and a fixed cost.
const ITERATIONS: usize = 60;

/// The plane of the two leading principal components of some rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Plane {
    mean: Vec<f32>,
    axes: [Vec<f32>; 2],
}

impl Plane {
    /// Fits the plane to `rows` (all of one length; rows of another length
    /// are left out). `None` with no row. With fewer than three distinct
    /// rows a missing direction is all zeros: its coordinate is 0.
    pub fn fit(rows: &[&[f32]]) -> Option<Plane> {
        let dim = rows.first()?.len();
        let rows: Vec<&[f32]> = rows.iter().copied().filter(|r| r.len() == dim).collect();
        let mut mean = vec![0.0f32; dim];
        for r in &rows {
            mean.iter_mut().zip(r.iter()).for_each(|(m, x)| *m += x);
        }
        let n = rows.len() as f32;
        mean.iter_mut().for_each(|m| *m /= n);
        let centred: Vec<Vec<f32>> = rows
            .iter()
            .map(|r| r.iter().zip(&mean).map(|(x, m)| x - m).collect())
            .collect();
        let first = leading_axis(&centred, dim, None);
        let second = leading_axis(&centred, dim, Some(&first));
        Some(Plane {
            mean,
            axes: [first, second],
        })
    }

    /// `v`'s coordinates on the plane (0, 0 for a vector of another length).
    pub fn project(&self, v: &[f32]) -> [f32; 2] {
        if v.len() != self.mean.len() {
            return [0.0, 0.0];
        }
        let centred: Vec<f32> = v.iter().zip(&self.mean).map(|(x, m)| x - m).collect();
        [dot(&centred, &self.axes[0]), dot(&centred, &self.axes[1])]
    }
}

/// The unit direction of most variance of `rows` (centred), orthogonal to
/// `besides`. Zeros when the rows do not vary (in the directions left).
fn leading_axis(rows: &[Vec<f32>], dim: usize, besides: Option<&[f32]>) -> Vec<f32> {
    let mut v = if rows.len() < dim {
        through_gram(rows, dim, besides)
    } else {
        power_iteration(rows, dim, besides)
    };
    if let Some(b) = besides {
        remove_along(&mut v, b);
    }
    if !normalise(&mut v) {
        return vec![0.0; dim];
    }
    // The sign of an eigenvector is arbitrary: make its largest entry positive.
    let largest = v
        .iter()
        .copied()
        .max_by(|a, b| a.abs().total_cmp(&b.abs()))
        .unwrap_or(0.0);
    if largest < 0.0 {
        v.iter_mut().for_each(|x| *x = -*x);
    }
    v
}

/// A fixed start that is unlikely to be orthogonal to the answer.
fn start(len: usize) -> Vec<f32> {
    (0..len).map(|i| 1.0 + (i % 7) as f32 * 0.1).collect()
}

/// Power iteration on XᵀX without forming it.
fn power_iteration(rows: &[Vec<f32>], dim: usize, besides: Option<&[f32]>) -> Vec<f32> {
    let mut v = start(dim);
    let mut next = vec![0.0f32; dim];
    for _ in 0..ITERATIONS {
        if let Some(b) = besides {
            remove_along(&mut v, b);
        }
        if !normalise(&mut v) {
            return vec![0.0; dim];
        }
        next.fill(0.0);
        for r in rows {
            let along = dot(r, &v);
            next.iter_mut().zip(r).for_each(|(n, x)| *n += along * x);
        }
        std::mem::swap(&mut v, &mut next);
    }
    v
}

/// With fewer rows than dimensions (a person's few faces and the centres
/// near them, against 128 or 512 dimensions) the axis lies in the span of
/// the rows: Xᵀu for the leading eigenvector u of the n × n Gram matrix XXᵀ,
/// which has the same eigenvalues as XᵀX. Each iteration then costs n², not
/// n × dim: a view maps every person of the dataset.
fn through_gram(rows: &[Vec<f32>], dim: usize, besides: Option<&[f32]>) -> Vec<f32> {
    let rows: Vec<Vec<f32>> = rows
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if let Some(b) = besides {
                remove_along(&mut r, b);
            }
            r
        })
        .collect();
    let n = rows.len();
    let gram: Vec<f32> = (0..n * n)
        .map(|k| dot(&rows[k / n], &rows[k % n]))
        .collect();
    let mut u = start(n);
    let mut next = vec![0.0f32; n];
    for _ in 0..ITERATIONS {
        if !normalise(&mut u) {
            return vec![0.0; dim];
        }
        for (i, out) in next.iter_mut().enumerate() {
            *out = dot(&gram[i * n..(i + 1) * n], &u);
        }
        std::mem::swap(&mut u, &mut next);
    }
    let mut v = vec![0.0f32; dim];
    for (r, w) in rows.iter().zip(&u) {
        v.iter_mut().zip(r).for_each(|(x, a)| *x += w * a);
    }
    v
}

fn remove_along(v: &mut [f32], axis: &[f32]) {
    let along = dot(v, axis);
    v.iter_mut().zip(axis).for_each(|(x, a)| *x -= along * a);
}

/// Scales `v` to unit length; `false` (and `v` untouched) when it is ~zero.
fn normalise(v: &mut [f32]) -> bool {
    let norm = dot(v, v).sqrt();
    if !norm.is_finite() || norm < 1e-12 {
        return false;
    }
    v.iter_mut().for_each(|x| *x /= norm);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_axis_follows_the_largest_spread_and_the_second_the_next() {
        // Spread 10 along x, 2 along y, none along z.
        let rows: Vec<Vec<f32>> = vec![
            vec![10.0, 0.0, 1.0],
            vec![-10.0, 0.0, 1.0],
            vec![0.0, 2.0, 1.0],
            vec![0.0, -2.0, 1.0],
        ];
        let refs: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
        let plane = Plane::fit(&refs).expect("rows");
        let [x, y] = plane.project(&rows[0]);
        assert!((x.abs() - 10.0).abs() < 1e-3 && y.abs() < 1e-3, "{x} {y}");
        let [x, y] = plane.project(&rows[2]);
        assert!(x.abs() < 1e-3 && (y.abs() - 2.0).abs() < 1e-3, "{x} {y}");
        // The mean lands on the origin, and the fit is deterministic.
        assert_eq!(plane.project(&[0.0, 0.0, 1.0]), [0.0, 0.0]);
        assert_eq!(Plane::fit(&refs), Some(plane));
    }

    #[test]
    fn two_groups_fall_on_either_side_of_the_origin() {
        let rows: Vec<Vec<f32>> = (0..10)
            .map(|i| {
                let side = if i < 5 { 1.0 } else { -1.0 };
                vec![side, 0.1 * i as f32, 0.0, side * 0.5]
            })
            .collect();
        let refs: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
        let plane = Plane::fit(&refs).expect("rows");
        let xs: Vec<f32> = rows.iter().map(|r| plane.project(r)[0]).collect();
        assert!(xs[..5].iter().all(|x| x.signum() == xs[0].signum()));
        assert!(xs[5..].iter().all(|x| x.signum() == -xs[0].signum()));
    }

    #[test]
    fn few_rows_give_the_axes_many_rows_would() {
        // Five rows in 16 dimensions take the Gram path; the same rows in
        // 4 of those dimensions (the rest all zero, so no variance is lost)
        // take the direct one.
        let base: Vec<[f32; 4]> = vec![
            [3.0, 1.0, 0.5, 0.0],
            [-2.5, 0.8, -0.2, 0.1],
            [0.4, -1.9, 0.3, 0.2],
            [-0.6, 0.2, 1.1, -0.3],
            [0.1, -0.4, -0.9, 0.4],
        ];
        let wide: Vec<Vec<f32>> = base
            .iter()
            .map(|r| r.iter().copied().chain([0.0; 12]).collect())
            .collect();
        let narrow: Vec<Vec<f32>> = base.iter().map(|r| r.to_vec()).collect();
        let fit = |rows: &[Vec<f32>]| {
            let refs: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
            Plane::fit(&refs).expect("rows")
        };
        let (gram, direct) = (fit(&wide), fit(&narrow));
        for (w, n) in wide.iter().zip(&narrow) {
            let (a, b) = (gram.project(w), direct.project(n));
            assert!(
                (a[0] - b[0]).abs() < 1e-3 && (a[1] - b[1]).abs() < 1e-3,
                "{a:?} {b:?}"
            );
        }
    }

    #[test]
    fn degenerate_input_gives_zeros_not_nan() {
        assert_eq!(Plane::fit(&[]), None);
        let one = [1.0f32, 2.0];
        let plane = Plane::fit(&[&one, &one]).expect("rows");
        assert_eq!(plane.project(&one), [0.0, 0.0]);
        assert_eq!(plane.project(&[1.0]), [0.0, 0.0], "another length");
    }
}
