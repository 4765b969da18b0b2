//! `facecurate models fetch|list|verify`.

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::session::{self, Printer};
use super::setup;
use anyhow::{Context, Result, bail};
use facecurate::models::{Artifact, Source, Status, fetch};
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum ModelsAction {
    /// Download and check what is missing (the default set, the SFace build `precision` picks, plus `--with NAME`).
    Fetch {
        /// Also fetch these optional artifacts (see `models list`); `cuda`
        /// fetches the CUDA 12 build of ONNX Runtime and the NVIDIA libraries
        /// it needs (about 2 GB of wheels, 3 GB unpacked).
        #[arg(long = "with")]
        with: Vec<String>,
        /// Provision without a network from DIR: a copy of another
        /// machine's cache (`models list` prints where it is) or a folder
        /// of the pinned archives (`models list` names them). Everything is
        /// checked by sha256 as usual.
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
    },
    /// List every artifact with its package, license, state and what it expects.
    List,
    /// Re-hash every cached artifact against the manifest.
    Verify,
    /// Print where an artifact lives in the cache (fetching it if missing), for scripts.
    Path { name: String },
}

pub fn run(cli: &GlobalArgs, action: &ModelsAction) -> Result<Outcome> {
    let session = session::bare(cli, &Printer::default())?;
    let (cache, manifest) = (session.cache(), session.manifest().clone());
    match action {
        ModelsAction::Fetch { with, from } => {
            let mut names = fetch::default_names(&manifest);
            // The SFace build `precision` picks here (int8 on a VNNI CPU), so
            // a machine provisioned once can scan offline.
            let sface = session.workspace().models.builtin_artifact("sface");
            if !names.contains(&sface) {
                names.push(sface);
            }
            for extra in with {
                let expanded = manifest.expand(extra);
                if expanded.is_empty() {
                    bail!("unknown artifact `{extra}`; `facecurate models list` shows the names");
                }
                names.extend(expanded);
            }
            let source = from.clone().map_or(Source::Network, Source::Dir);
            setup::ensure_from(&session, &names, &source)?;
            outln!(
                "all {} artifacts present in {}",
                names.len(),
                cache.root().display()
            );
            Ok(Outcome::Ok)
        }
        ModelsAction::List => {
            outln!("cache: {}", cache.root().display());
            for a in &manifest.artifacts {
                let state = describe(a, &fetch::status(&cache, a)?);
                let optional = if a.optional || a.kind == "photos" {
                    " (on request)"
                } else {
                    ""
                };
                outln!("{:<12} {:<9} {state}{optional}", a.name, a.kind);
                outln!("    package  {} -> {}", a.package, a.member);
                outln!("    archive  {} (sha256 {})", a.archive, a.archive_sha256);
                outln!("    license  {}", a.license);
                outln!("    expects  {}", a.expects);
            }
            Ok(Outcome::Ok)
        }
        ModelsAction::Path { name } => {
            let artifact = manifest.get(name).with_context(|| {
                format!("unknown artifact `{name}`; `facecurate models list` shows the names")
            })?;
            setup::ensure(&session, &[name.as_str()])?;
            outln!("{}", cache.path_of(&artifact.file).display());
            Ok(Outcome::Ok)
        }
        ModelsAction::Verify => {
            let mut bad = 0;
            for a in &manifest.artifacts {
                let status = fetch::status(&cache, a)?;
                if matches!(status, Status::Corrupt { .. }) {
                    bad += 1;
                }
                outln!("{:<12} {}", a.name, describe(a, &status));
            }
            Ok(if bad > 0 {
                Outcome::Failures
            } else {
                Outcome::Ok
            })
        }
    }
}

fn describe(artifact: &Artifact, status: &Status) -> String {
    match status {
        Status::Present => "ok (sha256 verified)".to_string(),
        Status::Missing => "missing".to_string(),
        Status::Corrupt { actual } => {
            // Optional artifacts are only fetched again when named.
            let with = match (&artifact.group, artifact.optional) {
                (Some(group), _) => format!(" --with {group}"),
                (None, true) => format!(" --with {}", artifact.name),
                (None, false) => String::new(),
            };
            format!("CORRUPT (sha256 {actual}); run `facecurate models fetch{with}`")
        }
    }
}
