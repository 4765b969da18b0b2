//! The join's offers and the merge of NN-descent.

use super::*;
use rayon::prelude::*;

#[test]
fn a_join_offers_each_side_only_pairs_above_its_floor_and_not_listed() {
    let k = 2;
    // Photo 1 is full (floor 0.5) and lists 2; photo 2 has room; photo
    // 3 is full (floor 0.8).
    let mut lists = FlatLists::new(10, k);
    lists.set(1, &[(2, 0.7), (9, 0.5)]);
    lists.set(2, &[(1 | NEW, 0.7)]);
    lists.set(3, &[(8, 0.9), (7, 0.8)]);
    // Photo 1 is the new candidate, against 1, 2 and 3.
    let all = [1, 2, 3];
    let s = [1.0, 0.7, 0.6];
    let offered = |s: &[f32]| {
        let mut offers = Vec::new();
        offer_unlisted(&all, 1, s, &lists, &mut Passing::default(), &mut offers);
        offers
    };
    let offers = offered(&s);
    // 1–2 is listed both ways; 3 is under photo 3's floor.
    assert_eq!(offers, [(1, 3, 0.6)]);
    // A cosine over photo 3's floor is offered to it too.
    let offers = offered(&[1.0, 0.7, 0.85]);
    assert_eq!(offers, [(1, 3, 0.85), (3, 1, 0.85)]);
}

#[test]
fn a_merge_enters_offers_in_place_once_each_above_the_floor() {
    let mut lists = FlatLists::new(4, 3);
    lists.set(2, &[(0, 0.9), (1, 0.5)]);
    let offers = [
        (2, 3, 0.7),
        (2, 3, 0.7),
        (3, 2, 0.7),
        (2, 1, 0.5),
        (2, 0, 0.4),
    ];
    let changed: usize = lists
        .parts_mut(2)
        .enumerate()
        .map(|(p, mut part)| {
            let lo = 2 * p as u32;
            let mine: Vec<Offer> = offers
                .iter()
                .copied()
                .filter(|o| o.0 / 2 == p as u32)
                .collect();
            merge(&mut part, lo, &mine)
        })
        .sum();
    // 2–3 went in each way once; 1 is listed already; 0.4 is under the
    // floor once the list is full.
    assert_eq!(changed, 2);
    assert_eq!(lists.ids(2), [0, 3 | NEW, 1]);
    assert_eq!(lists.ids(3), [2 | NEW]);
}
