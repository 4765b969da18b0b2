//! The working-set fits checked against linfa's fit of the full problem,
//! which they must equal whatever set they start from.

use super::*;

/// Two noisy clusters in 4-D, deterministic.
fn clusters(n: usize) -> (Vec<Vec<f32>>, Vec<bool>) {
    let mut state = 11u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) as f32 - 0.5
    };
    let mut x = Vec::new();
    let mut y = Vec::new();
    for i in 0..n {
        let pos = i % 4 == 0;
        let centre = if pos {
            [1.0, 0.5, 0.0, 0.0]
        } else {
            [0.0, 0.0, 0.5, 1.0]
        };
        x.push(centre.iter().map(|c| c + 1.2 * next()).collect());
        y.push(pos);
    }
    (x, y)
}

#[test]
fn working_set_fit_equals_full_fit() {
    let (x, y) = clusters(400);
    let rows: Vec<usize> = (0..x.len()).collect();
    for kernel in [KernelKind::Linear, KernelKind::Rbf { gamma: 0.5 }] {
        let s = BinarySettings { kernel, c: 1.0 };
        let fast = fit_binary(
            &x,
            &rows,
            &|r| y[r],
            s,
            None,
            &mut GramCache::new(x.len(), s.kernel),
            Finish::Linfa,
        )
        .unwrap()
        .unwrap()
        .decision;
        let full = fit_exact(&x, &rows, &|r| y[r], s).unwrap().decision;
        for xi in &x {
            let (a, b) = (fast.value(kernel, xi), full.value(kernel, xi));
            assert!((a - b).abs() < 5e-3, "{kernel:?}: {a} vs {b}");
        }
    }
}

#[test]
fn high_dimensional_working_sets_match_the_full_fit() {
    // Fewer rows than dimensions in every working set: the span path.
    let (x4, y) = clusters(120);
    let x: Vec<Vec<f32>> = x4
        .iter()
        .enumerate()
        .map(|(i, v)| {
            (0..64)
                .map(|j| {
                    v[j % 4]
                        * if j < 4 {
                            1.0
                        } else {
                            0.1 * ((i * j) % 7) as f32 / 7.0
                        }
                })
                .collect()
        })
        .collect();
    let rows: Vec<usize> = (0..x.len()).collect();
    let s = BinarySettings {
        kernel: KernelKind::Linear,
        c: 1.0,
    };
    let fast = fit_binary(
        &x,
        &rows,
        &|r| y[r],
        s,
        None,
        &mut GramCache::new(x.len(), s.kernel),
        Finish::Linfa,
    )
    .unwrap()
    .unwrap()
    .decision;
    let full = fit_exact(&x, &rows, &|r| y[r], s).unwrap().decision;
    for xi in &x {
        let (a, b) = (fast.value(s.kernel, xi), full.value(s.kernel, xi));
        assert!((a - b).abs() < 5e-3, "{a} vs {b}");
    }
}

#[test]
fn screened_cross_validation_models_equal_linfa_fits() {
    let (x, y) = clusters(300);
    let rows: Vec<usize> = (0..x.len()).collect();
    let fold: Vec<usize> = rows.iter().copied().filter(|r| r % 3 != 0).collect();
    for kernel in [KernelKind::Linear, KernelKind::Rbf { gamma: 0.5 }] {
        let s = BinarySettings { kernel, c: 1.0 };
        let mut cache = GramCache::new(x.len(), kernel);
        let full = fit_binary(&x, &rows, &|r| y[r], s, None, &mut cache, Finish::Linfa).unwrap();
        let hint = full.as_ref();
        let screened = fit_binary(&x, &fold, &|r| y[r], s, hint, &mut cache, Finish::Screened)
            .unwrap()
            .unwrap();
        let linfa = fit_binary(
            &x,
            &fold,
            &|r| y[r],
            s,
            None,
            &mut GramCache::new(x.len(), kernel),
            Finish::Linfa,
        )
        .unwrap()
        .unwrap();
        for xi in &x {
            let (a, b) = (
                screened.decision.value(kernel, xi),
                linfa.decision.value(kernel, xi),
            );
            assert!((a - b).abs() < 1e-2, "{kernel:?}: {a} vs {b}");
        }
    }
}

#[test]
fn nothing_to_separate_gives_none() {
    let (x, _) = clusters(8);
    let rows: Vec<usize> = (0..8).collect();
    let s = BinarySettings {
        kernel: KernelKind::Linear,
        c: 1.0,
    };
    assert!(
        fit_binary(
            &x,
            &rows,
            &|_| true,
            s,
            None,
            &mut GramCache::new(x.len(), s.kernel),
            Finish::Linfa
        )
        .unwrap()
        .is_none()
    );
    assert!(
        fit_binary(
            &x,
            &rows,
            &|_| false,
            s,
            None,
            &mut GramCache::new(x.len(), s.kernel),
            Finish::Linfa
        )
        .unwrap()
        .is_none()
    );
}
