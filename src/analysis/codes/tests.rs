//! The codes' kernels against the plain sums, and the cosines' rounding.

use super::*;

fn codes(n: usize, dim: usize, seed: u64) -> Vec<i8> {
    let mut s = seed;
    (0..n * dim)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 32) % 255) as i32 as i8
        })
        .map(|c| if c == -128 { -127 } else { c })
        .collect()
}

#[test]
fn the_products_are_the_plain_sums_on_every_shape() {
    for (m, n, dim) in [
        (1, 1, 4),
        (3, 17, 8),
        (9, 33, 128),
        (20, 5, 132),
        (8, 16, 512),
    ] {
        let (a, b) = (codes(m, dim, 7 + m as u64), codes(n, dim, 99 + n as u64));
        let mut want = vec![0; m * n];
        plain(&a, m, &b, n, dim, &mut want);
        let mut got = vec![0; m * n];
        products(&a, m, &b, n, dim, &mut Scratch::default(), &mut got);
        assert_eq!(got, want, "{m} × {n} × {dim}");
        let extreme = vec![-127i8; m.max(n) * dim];
        products(
            &extreme,
            m,
            &extreme,
            n,
            dim,
            &mut Scratch::default(),
            &mut got,
        );
        assert!(got.iter().all(|&s| s == 127 * 127 * dim as i32));
    }
}

#[test]
fn cosines_hand_over_every_row_whatever_the_number_of_rows() {
    let (m, n, dim) = (300, 2_000, 8);
    let (a, b) = (codes(m, dim, 3), codes(n, dim, 4));
    let (a_inv, b_inv) = (vec![0.5; m], vec![0.25; n]);
    let mut sums = vec![0; m * n];
    plain(&a, m, &b, n, dim, &mut sums);
    let mut seen = 0;
    let scratch = &mut Scratch::default();
    cosines((&a, &a_inv), (&b, &b_inv), dim, scratch, |x, row| {
        assert_eq!(x, seen, "in order");
        let want = sums[x * n..(x + 1) * n].iter().map(|&d| d as f32 * 0.125);
        assert!(row.iter().copied().eq(want), "row {x}");
        seen += 1;
    });
    assert_eq!(seen, m);
}

#[test]
fn a_cosine_comes_back_within_a_thousandth() {
    let dim = 128;
    let raw = codes(2, dim, 5);
    let mut v = Vectors {
        dim,
        data: raw.iter().map(|&c| f32::from(c)).collect(),
    };
    for i in 0..2 {
        let n = crate::vector::dot(v.row(i), v.row(i)).sqrt();
        v.data[i * dim..(i + 1) * dim]
            .iter_mut()
            .for_each(|x| *x /= n);
    }
    let c = Codes::of(&v);
    let mut out = [0i32; 1];
    products(
        c.row(0),
        1,
        c.row(1),
        1,
        c.dim(),
        &mut Scratch::default(),
        &mut out,
    );
    let approx = out[0] as f32 * c.inv(0) * c.inv(1);
    let exact = crate::vector::dot(v.row(0), v.row(1));
    assert!((approx - exact).abs() < 1e-3, "{approx} against {exact}");
    let zero = Codes::of(&Vectors {
        dim: 5,
        data: vec![0.0; 5],
    });
    assert_eq!(
        (zero.dim(), zero.row(0), zero.inv(0)),
        (8, &[0i8; 8][..], 0.0)
    );
}
