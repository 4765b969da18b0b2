//! How long the whole analysis and one incremental update take on real
//! records (the analysis numbers of `bench/ANALYSIS.md`). Not a test: no
//! data ships with the repo, and timings are reported, never asserted.
//!
//!     facecurate embed --json DATASET > /tmp/embed.json
//!     BENCH_REPEAT=3 cargo bench --bench analysis -- /tmp/embed.json DATASET
//!
//! DATASET is the folder the dump was made of (its files give the content
//! hashes the duplicate checks use); `BENCH_REPEAT` (default 3) is how many
//! times the full analysis is timed. The candidate search alone, exact
//! against the index at larger sizes, is `benches/search.rs`.

mod common;

use facecurate::analysis::{self, Analysis, Change, Settings};
use facecurate::records::PhotoRecord;
use facecurate::records::dump::Dump;
use facecurate::shown::escape_text;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args = common::paths();
    let [dump, dataset, ..] = args.as_slice() else {
        eprintln!("usage: cargo bench --bench analysis -- EMBED_JSON DATASET");
        return Ok(());
    };
    let repeat = common::env_usize("BENCH_REPEAT", 3)?;
    let records = Dump::read(dump)?.into_dataset_records(dataset);
    time_analysis(&records, repeat);
    time_updates(&records);
    Ok(())
}

/// CPU time of the whole process (all threads) in ms, where Linux tells it:
/// with the wall time it shows how well the analysis spreads over cores.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |k: usize| fields.get(k).and_then(|v| v.parse::<f64>().ok());
    (ticks(11).unwrap_or(0.0) + ticks(12).unwrap_or(0.0)) * 10.0
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// The whole analysis, `repeat` times: best and median wall, best CPU.
fn time_analysis(records: &[PhotoRecord], repeat: usize) {
    let settings = Settings::default();
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..repeat.max(1) {
        let (t, c) = (Instant::now(), cpu_ms());
        std::hint::black_box(analysis::analyze(records, &settings));
        wall.push(ms(t));
        cpu.push(cpu_ms() - c);
    }
    wall.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    println!(
        "analyze: {} photos, wall best {:.0} ms, median {:.0} ms; CPU (all threads) best {:.0} ms",
        records.len(),
        wall[0],
        wall[wall.len() / 2],
        cpu[0]
    );
}

/// A photo of the biggest folder, and a folder of one photo to move it to:
/// the update then touches the most and the fewest photos there are.
fn biggest_and_smallest(records: &[PhotoRecord]) -> Option<(PhotoRecord, String)> {
    let mut counts = HashMap::<&str, usize>::new();
    for r in records {
        *counts.entry(r.person.as_str()).or_default() += 1;
    }
    let big = counts.iter().max_by_key(|c| (*c.1, *c.0))?.0;
    let photo = records.iter().find(|r| r.person == *big && r.has_face())?;
    let small = records.iter().find(|r| counts[r.person.as_str()] == 1)?;
    Some((photo.clone(), small.person.clone()))
}

fn timed(analysis: &mut Analysis, change: Change) -> f64 {
    let t = Instant::now();
    analysis.update(vec![change]);
    ms(t)
}

/// One photo moved out of the biggest folder into a small one and back,
/// then deleted and added again.
fn time_updates(records: &[PhotoRecord]) {
    let Some((photo, small)) = biggest_and_smallest(records) else {
        println!("update: no folder of one photo to move a photo to; not timed");
        return;
    };
    let mut analysis = Analysis::new(records.to_vec(), Settings::default());
    let home = photo.path.clone();
    let away = PathBuf::from(&small).join(home.file_name().unwrap_or_default());
    let (big, n) = (photo.person.clone(), records.len());
    let there = Change::Moved {
        from: home.clone(),
        to: away.clone(),
        person: small,
    };
    let back = Change::Moved {
        from: away,
        to: home.clone(),
        person: big.clone(),
    };
    let times = [
        timed(&mut analysis, there),
        timed(&mut analysis, back),
        timed(&mut analysis, Change::Removed(home)),
        timed(&mut analysis, Change::Added(photo)),
    ];
    println!(
        "update ({n} photos): move out of {} {:.1} ms, move back {:.1} ms, delete {:.1} ms, add {:.1} ms",
        escape_text(&big),
        times[0],
        times[1],
        times[2],
        times[3]
    );
}
