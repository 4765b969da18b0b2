//! `facecurate bench-analysis DUMP DATASET` (hidden): how long the analysis
//! and one incremental update take on real records, and how the
//! candidate search scales, exact and indexed (the numbers behind the
//! analysis section of `BENCHMARKS.md`).

use super::outcome::Outcome;
use anyhow::Result;
use facecurate::analysis::{Analysis, Change, Settings};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct BenchAnalysisArgs {
    /// An `embed --json` dump of the dataset.
    pub dump: PathBuf,
    /// The dataset folder (for content hashes).
    pub dataset: PathBuf,
    /// Timed repetitions of the full analysis.
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// Also compare the exact search with the HNSW index on synthetic
    /// datasets of these sizes, modelled on the dump.
    #[arg(long, value_delimiter = ',')]
    pub scaling: Vec<usize>,
    /// The exact search (and the recall of pairs) only up to this size.
    #[arg(long, default_value_t = 200_000)]
    pub exact_upto: usize,
    /// Index search list lengths to measure recall for (the first is used
    /// for the full index scan).
    #[arg(long, value_delimiter = ',', default_value = "128,64,192,256")]
    pub ef: Vec<usize>,
    /// Skip the analysis and update timings (scaling only).
    #[arg(long)]
    pub scaling_only: bool,
}

/// CPU time of the whole process (all threads) in ms, where Linux tells it.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |k: usize| {
        fields
            .get(k)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) * 10.0
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

pub fn run(args: &BenchAnalysisArgs) -> Result<Outcome> {
    let records = super::records_json::load(&args.dump, &args.dataset)?;
    if !args.scaling_only {
        time_analysis(&records, args.repeat);
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    if !args.scaling.is_empty() {
        let Some(model) = super::bench_search::Model::from_records(&records) else {
            anyhow::bail!("{}: no face embeddings to model", args.dump.display());
        };
        super::bench_search::run(&model, &args.scaling, args.exact_upto, &args.ef, threads);
    }
    Ok(Outcome::Ok)
}

/// The whole analysis, and one-photo updates, on the dump's records.
fn time_analysis(records: &[facecurate::records::PhotoRecord], repeat: usize) {
    let settings = Settings::default();
    let mut full = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..repeat.max(1) {
        let (t, c) = (Instant::now(), cpu_ms());
        let report = facecurate::analysis::analyze(records, &settings);
        full.push(ms(t));
        cpu.push(cpu_ms() - c);
        std::hint::black_box(report);
    }
    full.sort_by(|a, b| a.total_cmp(b));
    cpu.sort_by(|a, b| a.total_cmp(b));
    outln!(
        "analyze: {} photos, wall best {:.0} ms, median {:.0} ms; CPU (all threads) best {:.0} ms",
        records.len(),
        full[0],
        full[full.len() / 2],
        cpu[0]
    );
    let mut analysis = Analysis::new(records.to_vec(), settings);
    // One photo of the biggest folder moves to a small one and back, and a
    // photo is deleted and added again.
    let mut counts = std::collections::HashMap::<&str, usize>::new();
    for r in records {
        *counts.entry(r.person.as_str()).or_default() += 1;
    }
    let big = counts
        .iter()
        .max_by_key(|c| (*c.1, *c.0))
        .map(|c| c.0.to_string())
        .unwrap_or_default();
    let moved = records
        .iter()
        .find(|r| r.person == big && r.has_face())
        .cloned();
    let small = records
        .iter()
        .find(|r| counts[r.person.as_str()] == 1)
        .map(|r| r.person.clone());
    if let (Some(photo), Some(small)) = (moved, small) {
        let to = PathBuf::from(&small).join(photo.path.file_name().unwrap_or_default());
        let mut times = Vec::new();
        for (from, to, person) in [
            (photo.path.clone(), to.clone(), small),
            (to, photo.path.clone(), big),
        ] {
            let t = Instant::now();
            analysis.update(vec![Change::Moved { from, to, person }]);
            times.push(ms(t));
        }
        let t = Instant::now();
        analysis.update(vec![Change::Removed(photo.path.clone())]);
        times.push(ms(t));
        let t = Instant::now();
        analysis.update(vec![Change::Added(photo.clone())]);
        times.push(ms(t));
        outln!(
            "update ({} photos): move out of {} {:.1} ms, move back {:.1} ms, delete {:.1} ms, add {:.1} ms",
            records.len(),
            photo.person,
            times[0],
            times[1],
            times[2],
            times[3]
        );
    }
}
