//! Times what the TUI and the analyses do first: open a workspace's store
//! and load every record with its faces and embeddings.
//!
//! `cargo run --release --example store_load -- path/to/workspace.yaml`

use facecurate::config::Workspace;
use facecurate::dataset::workspace_fingerprint;
use facecurate::models::Manifest;
use facecurate::store::Store;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "workspace.yaml".to_string());
    let ws = Workspace::load(file.as_ref())?;
    let fingerprint = workspace_fingerprint(&ws, &Manifest::builtin()?)?;
    for round in 1..=3 {
        let start = Instant::now();
        let store = Store::open(&ws.store_path(), &fingerprint)?;
        let opened = start.elapsed();
        let records = store.records()?;
        let loaded = start.elapsed();
        let faces: usize = records.iter().map(|r| r.faces.len()).sum();
        println!(
            "round {round}: open {:.1} ms, open + records {:.1} ms ({} photos, {faces} faces)",
            opened.as_secs_f64() * 1e3,
            loaded.as_secs_f64() * 1e3,
            records.len()
        );
    }
    Ok(())
}
