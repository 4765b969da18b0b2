//! A bug in any parallel path of the analysis fails the whole computation
//! with a message naming what it was working on, rather than leaving a hole
//! that shifts every later result onto the wrong photo. Each test feeds one
//! poisoned item (see [`crate::par::fault`]) and catches the panic as the
//! front ends do.

use super::fixtures::{dataset, settings, with_near_copy};
use crate::analysis::hnsw::Index;
use crate::analysis::search::{self, Query};
use crate::analysis::similarity::{self, Vectors};
use crate::analysis::state::{Analysis, Change};
use crate::par::fault::{Site, poison};
use crate::records::PhotoRecord;
use std::path::PathBuf;

/// The message of the panic `f` raises (it must raise one).
fn panic_of<T>(f: impl FnOnce() -> T) -> String {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let payload = r.err().expect("the panic reaches the caller");
    crate::panics::message(&*payload)
}

/// `n` random unit rows of 8 values in persons of 10; row `bad` poisoned
/// for `site`.
fn rows(n: usize, bad: usize, site: Site) -> (Vectors, Vec<Vec<u32>>) {
    let mut seed = 0x2545_f491_u64;
    let mut v = Vectors {
        dim: 8,
        data: Vec::new(),
    };
    for i in 0..n {
        let row: Vec<f32> = (0..8)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5
            })
            .collect();
        v.set_row(i, &crate::vector::normalized(&row));
    }
    v.data[bad * 8] = poison(site);
    let members = (0..n as u32)
        .collect::<Vec<_>>()
        .chunks(10)
        .map(<[u32]>::to_vec)
        .collect();
    (v, members)
}

fn query(members: &[Vec<u32>]) -> Query<'_> {
    Query {
        k: 5,
        pair_min: 0.9,
        members,
        exact_max: 0,
        threads: 2,
    }
}

#[test]
fn a_panic_in_a_block_of_the_cosine_scan_names_its_rows() {
    let (v, _) = rows(1500, 700, Site::Cosines);
    let text = panic_of(|| similarity::scan(&v, 5, 0.9, 2));
    assert!(text.starts_with("cosines of rows 512..: "), "{text}");
    assert!(text.contains("injected fault at Cosines"), "{text}");
}

#[test]
fn a_panic_while_building_the_index_names_the_photo() {
    let (v, _) = rows(1500, 1234, Site::Link);
    let slots: Vec<u32> = (0..1500).collect();
    let text = panic_of(|| Index::build(&v, &slots, 2));
    assert!(
        text.starts_with("linking slot 1234 into the index: "),
        "{text}"
    );
}

#[test]
fn a_panic_in_one_search_of_the_index_names_the_photo() {
    let (v, members) = rows(300, 42, Site::Nearest);
    let text = panic_of(|| search::scan(&v, &query(&members)));
    assert!(text.starts_with("nearest photos of slot 42: "), "{text}");
}

#[test]
fn a_panic_among_one_persons_pairs_names_the_person() {
    let (v, members) = rows(300, 57, Site::Within);
    let text = panic_of(|| search::scan(&v, &query(&members)));
    assert!(text.starts_with("pairs within person #5: "), "{text}");
}

/// `records` with the path of the photo at `at` changed to hold `mark`.
fn marked(mut records: Vec<PhotoRecord>, at: usize, mark: &str) -> Vec<PhotoRecord> {
    let person = records[at].person.clone();
    records[at].path = PathBuf::from(format!("{person}/{mark}.jpg"));
    records
}

#[test]
fn a_panic_in_one_photos_evidence_names_the_photo() {
    let records = marked(dataset(), 4, "panic-at-evidence");
    let text = panic_of(|| Analysis::new(records, settings()));
    assert!(
        text.starts_with("evidence of Person_00/panic-at-evidence.jpg: injected fault"),
        "{text}"
    );
}

#[test]
fn a_panic_in_the_evidence_of_an_edit_names_the_photo() {
    let records = dataset();
    let mut added = records[7].clone();
    added.path = PathBuf::from("Person_00/panic-at-evidence.jpg");
    added.hash = "new".into();
    let mut analysis = Analysis::new(records, settings());
    let text = panic_of(|| analysis.update(vec![Change::Added(added)]));
    assert!(
        text.starts_with("evidence of Person_00/panic-at-evidence.jpg: "),
        "{text}"
    );
}

#[test]
fn a_panic_in_a_duplicate_check_names_both_photos() {
    let records = with_near_copy();
    let copy = records.len() - 1;
    let records = marked(records, copy, "panic-at-judge");
    let text = panic_of(|| Analysis::new(records, settings()));
    assert!(text.starts_with("duplicate check of Person_"), "{text}");
    assert!(
        text.contains(" and Person_03/panic-at-judge.jpg: injected fault"),
        "{text}"
    );
}
