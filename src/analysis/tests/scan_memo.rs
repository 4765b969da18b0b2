//! The saved candidate search: rebuilt after moves, deletions, additions
//! and copies, it must equal a fresh search of the same vectors, and a
//! damaged file must be refused rather than believed.

use super::fixtures::{Rng, dataset, photo, settings};
use crate::analysis::scan_memo::{self, SavedScan};
use crate::analysis::similarity::{Scan, Vectors, scan};
use crate::analysis::state::Analysis;
use crate::analysis::thumb_source::Remembered;

const K: usize = 10;
const PAIR_MIN: f32 = 0.9;

fn random_rows(rng: &mut Rng, n: usize) -> Vec<Vec<f32>> {
    (0..n).map(|_| rng.unit(8)).collect()
}

fn vectors(rows: &[Vec<f32>]) -> Vectors {
    Vectors {
        dim: 8,
        data: rows.concat(),
    }
}

fn saved(v: &Vectors) -> SavedScan {
    let s = scan(v, K, PAIR_MIN, 2);
    SavedScan {
        tag: "t".into(),
        keys: scan_memo::row_keys(v),
        neighbours: s.neighbours,
        pairs: s.pairs,
        index: None,
    }
}

fn assert_same(got: &Scan, want: &Scan) {
    assert_eq!(got.neighbours.len(), want.neighbours.len());
    for (i, (g, w)) in got.neighbours.iter().zip(&want.neighbours).enumerate() {
        let ids = |l: &Vec<(u32, f32)>| l.iter().map(|e| e.0).collect::<Vec<_>>();
        assert_eq!(ids(g), ids(w), "row {i}");
    }
    let ids = |p: &Vec<(u32, u32, f32)>| p.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>();
    assert_eq!(ids(&got.pairs), ids(&want.pairs));
    for (g, w) in got.pairs.iter().zip(&want.pairs) {
        assert!((g.2 - w.2).abs() < 1e-5, "{g:?} vs {w:?}");
    }
}

/// Rebuilds `after` from a search saved over `before`, checks it against
/// a fresh search, and says whether it was unchanged.
fn rebuilt(before: &[Vec<f32>], after: &[Vec<f32>]) -> bool {
    let old = saved(&vectors(before));
    let v = vectors(after);
    let reused = scan_memo::reuse(&v, &scan_memo::row_keys(&v), &old, K, PAIR_MIN)
        .expect("few enough rows changed to reuse the search");
    assert_same(&reused.scan, &scan(&v, K, PAIR_MIN, 2));
    reused.unchanged
}

#[test]
fn an_unchanged_set_reuses_everything() {
    let rows = random_rows(&mut Rng(11), 2500);
    assert!(rebuilt(&rows, &rows));
}

#[test]
fn moved_rows_keep_their_neighbours_wherever_they_went() {
    let rows = random_rows(&mut Rng(12), 2500);
    let mut after = rows.clone();
    after.swap(3, 2400);
    after[10..900].reverse();
    assert!(rebuilt(&rows, &after), "a move changes no vector");
}

#[test]
fn removed_added_and_copied_rows_are_searched_again() {
    let mut rng = Rng(13);
    let rows = random_rows(&mut rng, 2500);
    let mut after = rows.clone();
    after.remove(7);
    after.remove(1999);
    after[50] = vec![0.0; 8]; // a photo that lost its face: a dead row
    after.extend(random_rows(&mut rng, 40));
    after.push(rows[100].clone()); // an exact copy of a kept photo
    after.insert(5, rows[7].clone()); // the removed photo back elsewhere
    assert!(!rebuilt(&rows, &after));
}

#[test]
fn too_many_changes_fall_back_to_the_full_search() {
    let mut rng = Rng(14);
    let rows = random_rows(&mut rng, 1000);
    let old = saved(&vectors(&rows));
    let v = vectors(&random_rows(&mut rng, 1000));
    assert!(scan_memo::reuse(&v, &scan_memo::row_keys(&v), &old, K, PAIR_MIN).is_none());
}

#[test]
fn the_saved_form_reads_back_and_a_damaged_one_is_refused() {
    let old = saved(&vectors(&random_rows(&mut Rng(15), 300)));
    let bytes = old.encode();
    assert_eq!(SavedScan::decode(&bytes), Ok(old));
    let mut flipped = bytes.clone();
    flipped[40] ^= 1;
    assert!(
        SavedScan::decode(&flipped)
            .unwrap_err()
            .contains("checksum")
    );
    assert!(SavedScan::decode(&bytes[..bytes.len() / 2]).is_err());
    assert!(SavedScan::decode(b"").is_err());
}

#[test]
fn an_analysis_from_a_saved_search_reports_what_a_fresh_one_does() {
    let records = dataset();
    let mut first = Analysis::remembering(records.clone(), settings(), Remembered::default());
    let saved = first
        .take_scan_to_save()
        .expect("a fresh search is worth saving");
    let mut warm = Analysis::remembering(
        records.clone(),
        settings(),
        Remembered {
            scan: Some(saved.clone()),
            ..Remembered::default()
        },
    );
    assert!(warm.take_scan_to_save().is_none(), "nothing changed");
    let json = |a: &Analysis| serde_json::to_string(&a.report()).expect("a report serialises");
    assert_eq!(json(&warm), json(&first));
    let mut after = records;
    after.remove(3);
    after.push(photo(
        &mut Rng(5),
        "Person_12",
        0,
        &Rng(6).unit(super::fixtures::DIM),
    ));
    let mut changed = Analysis::remembering(
        after.clone(),
        settings(),
        Remembered {
            scan: Some(saved),
            ..Remembered::default()
        },
    );
    assert!(changed.take_scan_to_save().is_some());
    assert_eq!(json(&changed), json(&Analysis::new(after, settings())));
}

#[test]
fn a_warm_start_on_the_index_path_keeps_the_inverted_file_for_the_first_edit() {
    let records = dataset();
    let on_index = super::on_index();
    let mut first = Analysis::remembering(records.clone(), on_index.clone(), Remembered::default());
    let saved = first.take_scan_to_save().expect("a fresh search");
    assert!(saved.index.is_some(), "the index path saves its cells");
    assert_eq!(SavedScan::decode(&saved.encode()).as_ref(), Ok(&saved));
    let mut warm = Analysis::remembering(
        records.clone(),
        on_index,
        Remembered {
            scan: Some(saved),
            ..Remembered::default()
        },
    );
    let rows = records.len();
    let cells = |a: &Analysis| a.index.as_ref().map(|i| i.to_saved(rows));
    assert!(cells(&warm).is_some());
    assert_eq!(cells(&warm), cells(&first));
    // An edit files the moved photo in the kept cells, as it does in the
    // analysis that built them; training them again would differ.
    let edit = || {
        vec![crate::analysis::state::Change::Removed(
            records[4].path.clone(),
        )]
    };
    first.update(edit());
    warm.update(edit());
    assert_eq!(cells(&warm), cells(&first));
    let json = |a: &Analysis| serde_json::to_string(&a.report()).expect("a report serialises");
    assert_eq!(json(&warm), json(&first));
}
