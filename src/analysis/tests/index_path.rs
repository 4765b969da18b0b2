//! The index path's parts against the exact scan: the inverted file with
//! every cell probed is exact, NN-descent turns random lists into nearly
//! exact ones, and a walk over the lists finds a photo's nearest.

use crate::analysis::codes::Codes;
use crate::analysis::flat_lists::FlatLists;
use crate::analysis::graph_search;
use crate::analysis::ivf::{CELL_SIZE, Ivf};
use crate::analysis::nndescent;
use crate::analysis::search::rescore;
use crate::analysis::similarity::{NeighbourList, Vectors, scan};
use crate::vector::dot;

const K: usize = 10;

/// `persons` clusters of 12 unit vectors in 24 dimensions, seeded.
fn clustered(persons: usize) -> Vectors {
    let dim = 24;
    let mut seed = 0x9e37_79b9_u64;
    let mut unit = || {
        let v: Vec<f32> = (0..dim)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5
            })
            .collect();
        let n = dot(&v, &v).sqrt();
        v.into_iter().map(|x| x / n).collect::<Vec<f32>>()
    };
    let mut v = Vectors {
        dim,
        data: Vec::new(),
    };
    for _ in 0..persons {
        let centre = unit();
        for _ in 0..12 {
            let e: Vec<f32> = (centre.iter().zip(unit()))
                .map(|(c, x)| 0.8 * c + 0.6 * x)
                .collect();
            let n = dot(&e, &e).sqrt();
            let i = v.rows();
            v.set_row(i, &e.iter().map(|x| x / n).collect::<Vec<_>>());
        }
    }
    v
}

/// The share of `exact`'s entries that `got` holds too.
fn recall(exact: &[NeighbourList], got: &[NeighbourList]) -> f64 {
    let hit: usize = (exact.iter().zip(got))
        .map(|(e, g)| g.iter().filter(|x| e.iter().any(|y| y.0 == x.0)).count())
        .sum();
    hit as f64 / exact.iter().map(Vec::len).sum::<usize>() as f64
}

#[test]
fn every_cell_probed_is_the_exact_scan() {
    let v = clustered(400);
    let live: Vec<u32> = (0..v.rows() as u32).collect();
    let cells = v.rows().div_ceil(CELL_SIZE);
    assert!(cells >= 4, "{cells} cells");
    // Ranked by rounded cosines, twice as long, then scored again and cut
    // back, as the search does.
    let mut lists = crate::par::with_threads(2, || {
        Ivf::build(&v, &live, cells).graph(&v, &Codes::of(&v), 2 * K)
    });
    rescore(&v, &mut lists);
    let lists = lists.into_neighbour_lists(K, |_, _, _| {});
    let exact = scan(&v, K, 2.0, 2).neighbours;
    assert!(recall(&exact, &lists) > 0.999, "{}", recall(&exact, &lists));
}

#[test]
fn nn_descent_makes_two_cells_lists_nearly_exact() {
    let v = clustered(400);
    let live: Vec<u32> = (0..v.rows() as u32).collect();
    // As the search does: lists twice as long while they are built, from
    // two probed cells each (one would leave each cell an island).
    let mut lists = crate::par::with_threads(2, || {
        Ivf::build(&v, &live, 2).graph(&v, &Codes::of(&v), 2 * K)
    });
    let cut = |lists: &FlatLists| -> Vec<NeighbourList> {
        let cut = |u: usize| lists.entries(u).take(K).collect();
        (0..lists.rows()).map(cut).collect()
    };
    let exact = scan(&v, K, 2.0, 2).neighbours;
    let before = recall(&exact, &cut(&lists));
    crate::par::with_threads(2, || {
        nndescent::refine(&Codes::of(&v), &mut lists, &live, 20)
    });
    let after = recall(&exact, &cut(&lists));
    assert!(before < 0.9 && after > 0.97, "{before} → {after}");
    // Lists stay sorted, free of the photo itself and of repeats.
    for (i, l) in lists
        .into_neighbour_lists(2 * K, |_, _, _| {})
        .iter()
        .enumerate()
    {
        assert!(l.windows(2).all(|w| w[0].1 >= w[1].1));
        assert!(l.iter().all(|e| e.0 != i as u32));
        let mut ids: Vec<u32> = l.iter().map(|e| e.0).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), l.len());
    }
}

#[test]
fn a_walk_over_the_lists_finds_what_the_exact_scan_finds() {
    let v = clustered(400);
    let live: Vec<u32> = (0..v.rows() as u32).collect();
    let ivf = crate::par::with_threads(2, || Ivf::build(&v, &live, 2));
    let exact = scan(&v, K, 2.0, 2).neighbours;
    let found: Vec<NeighbourList> = (0..v.rows())
        .map(|i| graph_search::search(&v, &ivf, &exact, v.row(i), K, 64, i as u32))
        .collect();
    assert!(recall(&exact, &found) > 0.98, "{}", recall(&exact, &found));
}
