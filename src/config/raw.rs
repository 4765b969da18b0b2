//! The workspace file as written: strict serde structs (unknown keys are
//! errors) whose leaf values are range-checked as they are read. Checks that
//! need the file system or several keys run in [`RawWorkspace::validate`].

use super::error::ConfigError;
use super::models::RawModels;
use super::parse::key_line;
use super::paths::resolve;
use super::precision::{Host, Precision};
use super::values::{count_or_auto, millis, positive, side, unit_interval};
use super::workspace::{DEFAULT_INBOX, DEFAULT_STATE_DIR, WatchSettings, Workspace};
use crate::pipeline::detect::DetectSettings;
use crate::runtime::Device;
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkspace {
    dataset: String,
    #[serde(default)]
    state_dir: Option<String>,
    #[serde(default)]
    inbox: Option<String>,
    #[serde(default)]
    models: RawModels,
    #[serde(default)]
    device: Device,
    #[serde(default)]
    precision: Precision,
    #[serde(default, deserialize_with = "count_or_auto")]
    workers: Option<usize>,
    #[serde(default = "one", deserialize_with = "positive")]
    threads: usize,
    #[serde(default)]
    detect: RawDetect,
    #[serde(default)]
    watch: RawWatch,
    /// Owned by the analyses; parsed through `Workspace::section`.
    #[serde(default, rename = "analysis")]
    _analysis: Option<OpenMap>,
    /// Owned by the classifier; parsed through `Workspace::section`.
    #[serde(default, rename = "classifier")]
    _classifier: Option<OpenMap>,
    /// Owned by the terminal UI (key bindings); parsed through `Workspace::section`.
    #[serde(default, rename = "keys")]
    _keys: Option<OpenMap>,
}

/// A section whose keys another module owns: only its shape is checked here.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
struct OpenMap(#[allow(dead_code)] std::collections::BTreeMap<String, IgnoredAny>);

fn one() -> usize {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDetect {
    #[serde(default = "score_default", deserialize_with = "unit_interval")]
    score_threshold: f32,
    #[serde(default = "nms_default", deserialize_with = "unit_interval")]
    nms_threshold: f32,
    #[serde(default = "max_side_default", deserialize_with = "side")]
    max_side: u32,
}

fn score_default() -> f32 {
    DetectSettings::default().score_threshold
}

fn nms_default() -> f32 {
    DetectSettings::default().nms_threshold
}

fn max_side_default() -> u32 {
    DetectSettings::default().max_side
}

impl Default for RawDetect {
    fn default() -> Self {
        let d = DetectSettings::default();
        RawDetect {
            score_threshold: d.score_threshold,
            nms_threshold: d.nms_threshold,
            max_side: d.max_side,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWatch {
    #[serde(default)]
    poll: bool,
    #[serde(default = "poll_default", deserialize_with = "millis")]
    poll_interval_ms: u64,
    #[serde(default = "debounce_default", deserialize_with = "millis")]
    debounce_ms: u64,
    #[serde(default = "settle_default", deserialize_with = "millis")]
    settle_ms: u64,
}

fn poll_default() -> u64 {
    WatchSettings::default().poll_interval.as_millis() as u64
}

fn debounce_default() -> u64 {
    WatchSettings::default().debounce.as_millis() as u64
}

fn settle_default() -> u64 {
    WatchSettings::default().settle.as_millis() as u64
}

impl Default for RawWatch {
    fn default() -> Self {
        RawWatch {
            poll: false,
            poll_interval_ms: poll_default(),
            debounce_ms: debounce_default(),
            settle_ms: settle_default(),
        }
    }
}

pub fn parse(text: &str, file: &Path) -> Result<RawWorkspace, ConfigError> {
    super::parse::parse_tracked(text, file, "")
}

impl RawWorkspace {
    pub fn validate(self, text: &str, file: &Path, base: &Path) -> Result<Workspace, ConfigError> {
        let invalid = |path: &[&str], message: String| ConfigError::Invalid {
            path: file.to_path_buf(),
            line: key_line(text, path),
            key: Some(path.join(".")),
            message,
        };
        if self.dataset.trim().is_empty() {
            return Err(invalid(
                &["dataset"],
                "empty; allowed: the path of the dataset folder".into(),
            ));
        }
        let dataset = resolve(&self.dataset, base);
        if !dataset.is_dir() {
            return Err(invalid(
                &["dataset"],
                format!(
                    "{} is not a folder; allowed: an existing folder with one sub-folder per person",
                    dataset.display()
                ),
            ));
        }
        let state_written = self
            .state_dir
            .clone()
            .unwrap_or_else(|| DEFAULT_STATE_DIR.to_string());
        let state_dir = resolve(&state_written, base);
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let dataset_real = canonical(&dataset);
        // The state folder may not exist yet: compare its nearest existing ancestor.
        let state_real = state_dir
            .ancestors()
            .find(|a| a.exists())
            .map(|a| canonical(a).join(state_dir.strip_prefix(a).unwrap_or(Path::new(""))))
            .unwrap_or_else(|| state_dir.clone());
        if state_real.starts_with(&dataset_real) {
            let key = if self.state_dir.is_some() {
                "state_dir"
            } else {
                "dataset"
            };
            return Err(invalid(
                &[key],
                format!(
                    "the state folder {} would be inside the dataset {} (where it would count as a person); allowed: a folder outside the dataset",
                    state_dir.display(),
                    dataset.display()
                ),
            ));
        }
        if let Some(name) = &self.inbox
            && let Err(why) = inbox_name(name)
        {
            return Err(invalid(&["inbox"], why));
        }
        self.into_workspace(text, file, base, dataset, state_dir)
    }

    /// Every default, for a folder without a workspace file (commands run
    /// on bare folders and photos): the state in `facecurate-state` beside
    /// `file`, and `file`'s folder as the dataset, unchecked, since those
    /// commands name their own folders.
    pub fn defaults(file: &Path, base: &Path) -> Result<Workspace, ConfigError> {
        let text = "dataset: .\n";
        let raw: RawWorkspace = parse(text, file)?;
        raw.into_workspace(
            text,
            file,
            base,
            base.to_path_buf(),
            base.join(DEFAULT_STATE_DIR),
        )
    }

    fn into_workspace(
        self,
        text: &str,
        file: &Path,
        base: &Path,
        dataset: PathBuf,
        state_dir: PathBuf,
    ) -> Result<Workspace, ConfigError> {
        let mut models = self.models.validate(text, file, base)?;
        models.precision = self.precision.resolve(self.device, Host::detect());
        Ok(Workspace {
            file: file.to_path_buf(),
            dataset,
            state_dir,
            models,
            device: self.device,
            precision: self.precision,
            workers: self.workers,
            threads: self.threads,
            detect: DetectSettings {
                score_threshold: self.detect.score_threshold,
                nms_threshold: self.detect.nms_threshold,
                max_side: self.detect.max_side,
            },
            watch: WatchSettings {
                poll: self.watch.poll,
                poll_interval: Duration::from_millis(self.watch.poll_interval_ms),
                debounce: Duration::from_millis(self.watch.debounce_ms),
                settle: Duration::from_millis(self.watch.settle_ms),
            },
            inbox: self.inbox.unwrap_or_else(|| DEFAULT_INBOX.to_string()),
            source: text.to_string(),
        })
    }
}

/// Checks the inbox folder's name: one plain folder directly in the dataset,
/// visible (a hidden folder is never listed), so it can be told from the
/// person folders beside it.
fn inbox_name(name: &str) -> Result<(), String> {
    let allowed = "allowed: the name of one visible folder directly in the dataset, e.g. _inbox";
    if name.trim().is_empty() {
        return Err(format!("empty; {allowed}"));
    }
    if name.starts_with('.') || name.contains(['/', '\\']) || name.chars().any(char::is_control) {
        return Err(format!("{name:?} is not a plain folder name; {allowed}"));
    }
    Ok(())
}
