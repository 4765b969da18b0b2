//! The join's offers and the membership check of NN-descent.

use super::*;

#[test]
fn a_join_offers_each_side_only_pairs_above_its_floor_and_not_listed() {
    let k = 2;
    // Photo 1 is full (floor 0.5) and lists 2; photo 2 has room; photo
    // 3 is full (floor 0.8).
    let lists: Vec<Vec<Entry>> = vec![
        vec![],
        vec![(2, 0.7), (9, 0.5)],
        vec![(1, 0.7)],
        vec![(8, 0.9), (7, 0.8)],
    ];
    // Photo 1 is the new candidate, against 1, 2 and 3.
    let all = [1, 2, 3];
    let s = [1.0, 0.7, 0.6];
    let offered = |s: &[f32]| {
        let mut offers = Vec::new();
        offer_unlisted(&all, 1, s, &lists, k, &mut Passing::default(), &mut offers);
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
fn a_listed_photo_is_found_near_its_cosine_and_only_a_listed_one() {
    // Ties and near-ties around the offered cosine, flags on some.
    let list: Vec<Entry> = [
        (7, 0.91),
        (3 | NEW, 0.9),
        (9, 0.9),
        (4, 0.8995),
        (5 | NEW, 0.7),
        (6, 0.2),
    ]
    .to_vec();
    for &(j, s) in &list {
        let j = j & !NEW;
        // The same pair's cosine as another product sums it.
        for s in [s, s + 2e-6, s - 2e-6] {
            let at = list.partition_point(|e| e.1 >= s);
            assert!(holds(&list, at, j, s), "{j} at {s}");
        }
    }
    for (j, s) in [(8, 0.9), (2, 0.7), (1, 0.95), (10, 0.1)] {
        let at = list.partition_point(|e| e.1 >= s);
        assert!(!holds(&list, at, j, s), "{j} at {s}");
    }
}
