//! What the dump-driven benches share: their command line. `cargo bench`
//! appends `--bench` to a harness-less bench's arguments, so flags are
//! dropped and the options travel as environment variables.

use anyhow::Context;
use std::path::PathBuf;

/// The positional arguments after `cargo bench --bench NAME --`.
pub fn paths() -> Vec<PathBuf> {
    std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .collect()
}

/// `name` as a comma-separated list of numbers, `default` when unset.
pub fn env_list(name: &str, default: &[usize]) -> anyhow::Result<Vec<usize>> {
    let Ok(text) = std::env::var(name) else {
        return Ok(default.to_vec());
    };
    (text.split(',').filter(|s| !s.trim().is_empty()))
        .map(|s| {
            s.trim()
                .parse()
                .with_context(|| format!("{name}: `{s}` is not a count"))
        })
        .collect()
}

/// `name` as one number, `default` when unset.
#[allow(dead_code)] // only one of the benches including this has a single count
pub fn env_usize(name: &str, default: usize) -> anyhow::Result<usize> {
    let list = env_list(name, &[default])?;
    list.first()
        .copied()
        .with_context(|| format!("{name} is empty"))
}
