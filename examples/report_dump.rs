//! The curation report of records read from an `embed --json` dump instead
//! of the pipeline, for analysis experiments that re-run the analysis many
//! times on the same faces (`bench/eval_analysis.py --fast`). Prints what
//! `facecurate report --json DATASET` would.
//!
//! `cargo run --release --example report_dump -- DUMP.json DATASET [SETTINGS.json]`

use facecurate::analysis::{Analysis, Settings};
use facecurate::records::dump::Dump;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dump), Some(dataset)) = (args.first(), args.get(1)) else {
        return Err("usage: report_dump DUMP.json DATASET [SETTINGS.json]".into());
    };
    let settings: Settings = match args.get(2) {
        Some(file) => serde_json::from_str(&std::fs::read_to_string(file)?)?,
        None => Settings::default(),
    };
    let records = Dump::read(Path::new(dump))?.into_dataset_records(Path::new(dataset));
    let start = std::time::Instant::now();
    let report = Analysis::new(records, settings).report();
    println!("{}", serde_json::to_string(&report)?);
    eprintln!(
        "{} photos, {} problems, {} duplicate pairs; analysis {:.2} s",
        report.photos.len(),
        report.problems(),
        report.duplicates.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
