//! Our HNSW (`src/analysis/hnsw.rs`) against maintained ANN libraries —
//! `usearch` (f32, and its f16 and i8 quantisations) and `hnsw_rs` — on the
//! same synthetic face-like vectors, in one run: issue 17 asks us to keep
//! our own index only if it beats the best of them on recall, build time,
//! query time and memory (the table in `BENCHMARKS.md`, "Candidate search:
//! our HNSW against maintained ANN libraries"). Measures only; the analysis
//! does not use the libraries. A package of its own, outside facecurate's
//! build: usearch needs a C++ compiler, which `cargo test` must not.
//!
//!     facecurate embed --json DATASET > /tmp/embed.json
//!     ANN_SIZES=100000 cargo run --release --manifest-path bench/ann-libs/Cargo.toml -- /tmp/embed.json
//!
//! `ANN_SIZES`: set sizes (default 100000); `ANN_EF`: search list lengths
//! (default 64,128,256); `ANN_LIBS`: which of ours, usearch-f32,
//! usearch-f16, usearch-i8, hnsw_rs (default all).
//!
//! The parent process draws the set (`benches/synth`, as `benches/search.rs`
//! does), finds the true top 32 of 300 sampled rows by brute force and
//! writes both to a temporary folder; each library then runs in a process
//! of its own (this binary again, `ANN_CHILD=name`), so that its resident
//! memory (VmRSS before and after the build, VmHWM) is its own. All use
//! every core of the machine (rayon), M = 16 links per node (32 on layer
//! 0) and 100 candidates while building, and every row is queried for its
//! 32 nearest others at each list length. Wall and CPU seconds (the
//! latter fair on a machine shared with other work) and recall are printed
//! as Markdown table rows, never asserted.

#[path = "../../benches/common/mod.rs"]
mod common;
#[path = "../../benches/synth/mod.rs"]
mod synth;

use anyhow::{Context, bail};
use facecurate::bench_api::{Index, Vectors, Visited};
use facecurate::records::dump::Dump;
use hnsw_rs::prelude::{AnnT, DistDot, Hnsw, HnswIo};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Neighbours kept per photo, as the analysis has them.
const K: usize = 32;
/// Rows whose true top-k is found by brute force.
const SAMPLED: usize = 300;
/// Links per node above layer 0 (twice as many on it), for every library:
/// our index's `M`.
const M: usize = 16;
/// Candidates kept while linking a node: our index's `EF_CONSTRUCTION`.
const EF_CONSTRUCTION: usize = 100;
const LIBS: [&str; 5] = [
    "ours",
    "usearch-f32",
    "usearch-f16",
    "usearch-i8",
    "hnsw_rs",
];

fn main() -> anyhow::Result<()> {
    if let Ok(lib) = std::env::var("ANN_CHILD") {
        let dir = PathBuf::from(std::env::var("ANN_DATA").context("ANN_DATA unset")?);
        return child(&lib, &dir);
    }
    let args = common::paths();
    let Some(dump) = args.first() else {
        eprintln!(
            "usage: ANN_SIZES=N,N cargo run --release --manifest-path bench/ann-libs/Cargo.toml -- EMBED_JSON"
        );
        return Ok(());
    };
    let sizes = common::env_list("ANN_SIZES", &[100_000])?;
    let libs: Vec<String> = match std::env::var("ANN_LIBS") {
        Ok(s) => s.split(',').map(|l| l.trim().to_string()).collect(),
        Err(_) => LIBS.iter().map(|l| l.to_string()).collect(),
    };
    if let Some(bad) = libs.iter().find(|l| !LIBS.contains(&l.as_str())) {
        bail!(
            "ANN_LIBS: unknown library `{bad}` (known: {})",
            LIBS.join(",")
        );
    }
    let records = Dump::read(dump)?.into_records();
    let model = synth::Model::from_records(&records)
        .with_context(|| format!("{}: no face embeddings to model", dump.display()))?;
    drop(records);
    println!(
        "{} threads; M={M} (layer 0: {}), ef_construction={EF_CONSTRUCTION}, k={K}, recall on {SAMPLED} sampled rows",
        threads(),
        2 * M
    );
    for n in sizes {
        let dir = tempfile::tempdir()?;
        let t = Instant::now();
        let (v, members) = synth::faces(&model, n);
        let (same, dm, dsd) = synth::stats(&v, &members);
        println!(
            "n={n}: {} persons; same-person cosine median {same:.2}, different mean {dm:.2} sd {dsd:.2}; drawn in {:.1} s",
            members.len(),
            secs(t)
        );
        let t = Instant::now();
        let truth = synth::sampled_truth(&v, K, SAMPLED);
        println!("  brute-force truth of {SAMPLED} rows: {:.1} s", secs(t));
        write_set(dir.path(), &v, &truth)?;
        drop(v);
        println!(
            "| n | library | build s | build CPU s | ef | query all rows s | query CPU s | recall@{K} | RSS added by build MB | peak RSS MB | save s | file MB | load s | recall after load |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        let mut notes = Vec::new();
        for lib in &libs {
            let out = Command::new(std::env::current_exe()?)
                .env("ANN_CHILD", lib)
                .env("ANN_DATA", dir.path())
                .output()?;
            print!("{}", String::from_utf8_lossy(&out.stdout));
            let stderr = String::from_utf8_lossy(&out.stderr);
            notes.extend(
                stderr
                    .lines()
                    .filter_map(|l| l.strip_prefix("note: "))
                    .map(String::from),
            );
            if !out.status.success() {
                println!(
                    "| {n} | {lib} | failed ({}): {} |",
                    out.status,
                    stderr.lines().last().unwrap_or("")
                );
            }
        }
        notes.iter().for_each(|l| println!("  {l}"));
    }
    Ok(())
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

/// The vectors (little-endian f32, with the dimension first) and the truth
/// (one line per sampled row: the row, then its true neighbours).
fn write_set(dir: &Path, v: &Vectors, truth: &[(u32, HashSet<u32>)]) -> anyhow::Result<()> {
    let mut bytes = Vec::with_capacity(8 + v.data.len() * 4);
    bytes.extend_from_slice(&(v.dim as u64).to_le_bytes());
    v.data
        .iter()
        .for_each(|x| bytes.extend_from_slice(&x.to_le_bytes()));
    std::fs::write(dir.join("vectors"), bytes)?;
    let text: String = truth
        .iter()
        .map(|(i, want)| {
            let rest: Vec<String> = want.iter().map(u32::to_string).collect();
            format!("{i} {}\n", rest.join(" "))
        })
        .collect();
    std::fs::write(dir.join("truth"), text)?;
    Ok(())
}

/// Sampled rows → (their true neighbours, how many times the row was drawn).
type Truth = HashMap<u32, (HashSet<u32>, usize)>;

fn read_set(dir: &Path) -> anyhow::Result<(Vectors, Truth)> {
    let bytes = std::fs::read(dir.join("vectors"))?;
    let (head, body) = bytes.split_at(8);
    let dim = u64::from_le_bytes(head.try_into()?) as usize;
    let data = body
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let mut truth = Truth::new();
    for line in std::fs::read_to_string(dir.join("truth"))?.lines() {
        let mut ids = line.split(' ').map(str::parse::<u32>);
        let i = ids.next().context("empty truth line")??;
        let want = ids.collect::<Result<HashSet<u32>, _>>()?;
        truth.entry(i).or_insert((want, 0)).1 += 1;
    }
    Ok((Vectors { dim, data }, truth))
}

/// `(VmRSS, VmHWM)` of this process in MB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU seconds (user + system, all threads) this process has used so far:
/// on a machine shared with other work the fair measure next to the wall
/// clock. From `/proc/self/stat`, in clock ticks of 1/100 s (`CLK_TCK` on
/// Linux).
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => f64::NAN,
    }
}

/// Size in MB of a file, or of the files in a folder.
fn size_mb(path: &Path) -> f64 {
    let bytes: u64 = if path.is_dir() {
        std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.metadata().ok())
            .map(|m| m.len())
            .sum()
    } else {
        std::fs::metadata(path).map_or(0, |m| m.len())
    };
    bytes as f64 / 1e6
}

/// An index saved and loaded back: seconds to save and to load, where it
/// went, and the loaded index.
struct Persisted {
    save: f64,
    load: f64,
    path: PathBuf,
    index: Box<dyn Ann>,
}

/// One library, built and queried in this process.
trait Ann: Sync {
    /// About the `K` rows nearest row `i` (itself left out), with search list `ef`.
    fn nearest(&self, v: &Vectors, i: usize, ef: usize, scratch: &mut Visited) -> Vec<u32>;
    /// Called before the queries of one `ef` (usearch keeps it in the index).
    fn set_ef(&self, _ef: usize) {}
    /// Saves the index under `dir` and loads it back; `None` where the
    /// library cannot persist one.
    fn persist(&self, _dir: &Path) -> anyhow::Result<Option<Persisted>> {
        Ok(None)
    }
}

impl Ann for Index {
    fn nearest(&self, v: &Vectors, i: usize, ef: usize, visited: &mut Visited) -> Vec<u32> {
        (self.search(v.row(i), K, ef, i as u32, visited).into_iter())
            .map(|e| e.0)
            .collect()
    }
}

struct Usearch(usearch::Index);

impl Ann for Usearch {
    fn nearest(&self, v: &Vectors, i: usize, _ef: usize, _: &mut Visited) -> Vec<u32> {
        let found = self.0.search(v.row(i), K + 1).map(|m| m.keys);
        (found.unwrap_or_default().into_iter())
            .filter(|&k| k != i as u64)
            .take(K)
            .map(|k| k as u32)
            .collect()
    }
    fn set_ef(&self, ef: usize) {
        self.0.change_expansion_search(ef);
    }
    fn persist(&self, dir: &Path) -> anyhow::Result<Option<Persisted>> {
        let path = dir.join("index.usearch");
        let name = path.to_str().context("temporary path not UTF-8")?;
        let t = Instant::now();
        self.0.save(name)?;
        let save = secs(t);
        let t = Instant::now();
        let loaded = usearch::Index::restore(name)?;
        let load = secs(t);
        Ok(Some(Persisted {
            save,
            load,
            path,
            index: Box::new(Usearch(loaded)),
        }))
    }
}

struct HnswRs(Hnsw<'static, f32, DistDot>);

impl Ann for HnswRs {
    fn nearest(&self, v: &Vectors, i: usize, ef: usize, _: &mut Visited) -> Vec<u32> {
        (self.0.search(v.row(i), K + 1, ef).into_iter())
            .map(|n| n.d_id as u32)
            .filter(|&k| k != i as u32)
            .take(K)
            .collect()
    }
    fn persist(&self, dir: &Path) -> anyhow::Result<Option<Persisted>> {
        let folder = dir.join("hnsw_rs");
        std::fs::create_dir_all(&folder)?;
        let t = Instant::now();
        let base = self.0.file_dump(&folder, "index")?;
        let save = secs(t);
        let t = Instant::now();
        // The reloaded index borrows its loader for its whole life; leaked,
        // as the process ends right after.
        let io: &'static mut HnswIo = Box::leak(Box::new(HnswIo::new(&folder, &base)));
        let mut loaded: Hnsw<'static, f32, DistDot> = io.load_hnsw()?;
        loaded.set_searching_mode(true);
        let load = secs(t);
        Ok(Some(Persisted {
            save,
            load,
            path: folder,
            index: Box::new(HnswRs(loaded)),
        }))
    }
}

fn child(lib: &str, dir: &Path) -> anyhow::Result<()> {
    let efs = common::env_list("ANN_EF", &[64, 128, 256])?;
    let (v, truth) = read_set(dir)?;
    let n = v.rows();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads())
        .build()?;
    let (before, _) = memory();
    let (t, c) = (Instant::now(), cpu());
    let index: Box<dyn Ann> = match lib {
        "ours" => {
            let slots: Vec<u32> = (0..n as u32).collect();
            Box::new(Index::build(&v, &slots, threads()))
        }
        "usearch-f32" | "usearch-f16" | "usearch-i8" => {
            let (metric, quantization) = match lib {
                "usearch-f32" => (usearch::MetricKind::IP, usearch::ScalarKind::F32),
                "usearch-f16" => (usearch::MetricKind::IP, usearch::ScalarKind::F16),
                _ => (usearch::MetricKind::Cos, usearch::ScalarKind::I8),
            };
            let index = usearch::Index::new(&usearch::IndexOptions {
                dimensions: v.dim,
                metric,
                quantization,
                connectivity: M,
                expansion_add: EF_CONSTRUCTION,
                expansion_search: 64,
                multi: false,
            })?;
            index.reserve_capacity_and_threads(n, threads())?;
            eprintln!(
                "note: {lib}: usearch {}, SIMD kernels {}",
                usearch::version(),
                index.hardware_acceleration()
            );
            pool.install(|| {
                (0..n)
                    .into_par_iter()
                    .try_for_each(|i| index.add(i as u64, v.row(i)))
            })?;
            Box::new(Usearch(index))
        }
        "hnsw_rs" => {
            let mut index = Hnsw::<f32, DistDot>::new(M, n, 16, EF_CONSTRUCTION, DistDot);
            let rows: Vec<(&[f32], usize)> = (0..n).map(|i| (v.row(i), i)).collect();
            pool.install(|| index.parallel_insert_slice(&rows));
            index.set_searching_mode(true);
            Box::new(HnswRs(index))
        }
        other => bail!("unknown library {other}"),
    };
    let (build, build_cpu) = (secs(t), cpu() - c);
    let (after, _) = memory();
    let mut rows = Vec::new();
    for &ef in &efs {
        index.set_ef(ef);
        let (t, c) = (Instant::now(), cpu());
        let hits = recall_hits(&pool, &*index, &v, &truth, ef, true);
        rows.push((ef, secs(t), cpu() - c, hits as f64 / (SAMPLED * K) as f64));
    }
    let (_, peak) = memory();
    let persisted = index.persist(dir)?;
    let first_ef = efs.first().copied().unwrap_or(128);
    let (save, file, load, again) = match persisted {
        Some(Persisted {
            save,
            load,
            path,
            index: loaded,
        }) => {
            loaded.set_ef(first_ef);
            let hits = recall_hits(&pool, &*loaded, &v, &truth, first_ef, false);
            (
                format!("{save:.2}"),
                format!("{:.0}", size_mb(&path)),
                format!("{load:.2}"),
                format!("{:.4} (ef {first_ef})", hits as f64 / (SAMPLED * K) as f64),
            )
        }
        None => ("—".into(), "—".into(), "—".into(), "no save/load".into()),
    };
    for (ef, query, query_cpu, recall) in rows {
        println!(
            "| {n} | {lib} | {build:.1} | {build_cpu:.1} | {ef} | {query:.1} | {query_cpu:.1} | {recall:.4} | {:.0} | {peak:.0} | {save} | {file} | {load} | {again} |",
            after - before
        );
    }
    Ok(())
}

/// Found true neighbours, summed over the sampled rows; with `all_rows`,
/// every row is searched (on the pool, as the analysis does) and timed by
/// the caller, otherwise only the sampled ones.
fn recall_hits(
    pool: &rayon::ThreadPool,
    index: &dyn Ann,
    v: &Vectors,
    truth: &Truth,
    ef: usize,
    all_rows: bool,
) -> usize {
    let rows: Vec<usize> = if all_rows {
        (0..v.rows()).collect()
    } else {
        truth.keys().map(|&i| i as usize).collect()
    };
    pool.install(|| {
        rows.par_iter()
            .map_init(Visited::new, |visited, &i| {
                let found = index.nearest(v, i, ef, visited);
                truth.get(&(i as u32)).map_or(0, |(want, times)| {
                    times * found.iter().filter(|j| want.contains(j)).count()
                })
            })
            .sum()
    })
}
