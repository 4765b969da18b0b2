//! The workspace file as written: strict serde structs (unknown keys are
//! errors) whose leaf deserializers check ranges, so a bad value is reported
//! by serde-saphyr at its line, and the key path comes from
//! `serde_path_to_error`. Checks that need the file system or several keys
//! run in [`RawWorkspace::validate`].

use super::{ConfigError, DEFAULT_STATE_DIR, ModelSettings, WatchSettings, Workspace, resolve};
use crate::pipeline::detect::DetectSettings;
use crate::runtime::Device;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny};
use std::cell::RefCell;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkspace {
    dataset: String,
    #[serde(default)]
    state_dir: Option<String>,
    #[serde(default)]
    models: RawModels,
    #[serde(default)]
    device: Device,
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
}

/// A section whose keys another module owns: only its shape is checked here.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
struct OpenMap(#[allow(dead_code)] std::collections::BTreeMap<String, IgnoredAny>);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModels {
    #[serde(default)]
    cache: Option<String>,
    #[serde(default = "default_detector")]
    detector: String,
    #[serde(default = "default_embedder")]
    embedder: String,
}

impl Default for RawModels {
    fn default() -> Self {
        RawModels {
            cache: None,
            detector: default_detector(),
            embedder: default_embedder(),
        }
    }
}

fn default_detector() -> String {
    "yunet".to_string()
}

fn default_embedder() -> String {
    "sface".to_string()
}

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

fn unit_interval<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    let v = f64::deserialize(d)?;
    if v > 0.0 && v <= 1.0 {
        Ok(v as f32)
    } else {
        Err(de::Error::custom(format!(
            "{v} is out of range; allowed: a number above 0 and at most 1"
        )))
    }
}

fn side<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = i64::deserialize(d)?;
    if (32..=i64::from(crate::pipeline::decode::MAX_SIDE)).contains(&v) {
        Ok(v as u32)
    } else {
        Err(de::Error::custom(format!(
            "{v} is out of range; allowed: whole pixels from 32 to {}",
            crate::pipeline::decode::MAX_SIDE
        )))
    }
}

fn millis<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = i64::deserialize(d)?;
    if (1..=3_600_000).contains(&v) {
        Ok(v as u64)
    } else {
        Err(de::Error::custom(format!(
            "{v} is out of range; allowed: milliseconds from 1 to 3600000"
        )))
    }
}

fn positive<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    let v = i64::deserialize(d)?;
    if (1..=1024).contains(&v) {
        Ok(v as usize)
    } else {
        Err(de::Error::custom(format!(
            "{v} is out of range; allowed: a whole number from 1 to 1024"
        )))
    }
}

/// A positive count, or `auto` (`None`).
fn count_or_auto<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    struct V;
    impl de::Visitor<'_> for V {
        type Value = Option<usize>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a whole number from 1 to 1024, or `auto`")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            if (1..=1024).contains(&v) {
                Ok(Some(v as usize))
            } else {
                Err(E::custom(format!(
                    "{v} is out of range; allowed: a whole number from 1 to 1024, or `auto`"
                )))
            }
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            match u64::try_from(v) {
                Ok(v) => self.visit_u64(v),
                Err(_) => Err(E::custom(format!(
                    "{v} is out of range; allowed: a whole number from 1 to 1024, or `auto`"
                ))),
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v == "auto" {
                Ok(None)
            } else {
                Err(E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

thread_local! {
    /// The key path of the last failed [`Tracked`] parse on this thread.
    static FAILED_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Wraps the whole document so the error can say which key failed:
/// serde-saphyr only takes `Deserialize` types, so the path is passed out
/// through a thread-local.
struct Tracked<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Tracked<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut track = serde_path_to_error::Track::new();
        match T::deserialize(serde_path_to_error::Deserializer::new(d, &mut track)) {
            Ok(v) => Ok(Tracked(v)),
            Err(e) => {
                let path = track.path().to_string();
                FAILED_AT.with(|f| *f.borrow_mut() = Some(path));
                Err(e)
            }
        }
    }
}

fn parse_tracked<T: de::DeserializeOwned>(
    text: &str,
    file: &Path,
    prefix: &str,
) -> Result<T, ConfigError> {
    FAILED_AT.with(|f| f.borrow_mut().take());
    let options = serde_saphyr::options! { with_snippet: false };
    match serde_saphyr::from_str_with_options::<Tracked<T>>(text, options) {
        Ok(Tracked(v)) => Ok(v),
        Err(e) => {
            let key = FAILED_AT
                .with(|f| f.borrow_mut().take())
                .filter(|p| !p.is_empty() && p != ".")
                .map(|p| {
                    if prefix.is_empty() {
                        p
                    } else {
                        format!("{prefix}.{p}")
                    }
                });
            let line = e.location().map(|l| l.line()).filter(|&l| l > 0);
            Err(ConfigError::Invalid {
                path: file.to_path_buf(),
                line,
                key,
                message: message_of(&e),
            })
        }
    }
}

/// The error's own words, without the location serde-saphyr appends (the
/// line is reported separately).
fn message_of(e: &serde_saphyr::Error) -> String {
    let text = e.without_snippet().to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

pub fn parse(text: &str, file: &Path) -> Result<RawWorkspace, ConfigError> {
    parse_tracked(text, file, "")
}

/// One top-level section, parsed into the caller's type; other keys ignored.
pub fn section<T: de::DeserializeOwned>(
    text: &str,
    file: &Path,
    key: &'static str,
) -> Result<Option<T>, ConfigError> {
    let doc: std::collections::BTreeMap<String, IgnoredAny> = parse_tracked(text, file, "")?;
    if !doc.contains_key(key) {
        return Ok(None);
    }
    // Deserialize the whole document as { key: T, ..ignored } so serde-saphyr
    // keeps reporting lines of the original file.
    struct Only<T>(Option<T>);
    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Only<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            SECTION.with(|s| {
                let key = s.get();
                d.deserialize_map(OnlyVisitor::<T>(key, std::marker::PhantomData))
                    .map(Only)
            })
        }
    }
    struct OnlyVisitor<T>(&'static str, std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> de::Visitor<'de> for OnlyVisitor<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of settings")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(k) = map.next_key::<String>()? {
                if k == self.0 {
                    found = Some(map.next_value::<T>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    SECTION.with(|s| s.set(key));
    let Only(value) = parse_tracked::<Only<T>>(text, file, "")?;
    Ok(value)
}

thread_local! {
    static SECTION: std::cell::Cell<&'static str> = const { std::cell::Cell::new("") };
}

/// The line (1-based) of `path`'s key in a block-style YAML file, for errors
/// found after parsing. Walks indentation, which is all a workspace file uses.
pub fn key_line(text: &str, path: &[&str]) -> Option<u64> {
    let mut depth = 0;
    let mut indent_above: Option<usize> = None;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if let Some(above) = indent_above
            && indent <= above
        {
            return None;
        }
        let key = trimmed.split(':').next().unwrap_or("").trim();
        if key == path[depth] && trimmed[key.len()..].trim_start().starts_with(':') {
            if depth + 1 == path.len() {
                return Some(n as u64 + 1);
            }
            depth += 1;
            indent_above = Some(indent);
        }
    }
    None
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
        let manifest =
            crate::models::Manifest::builtin().map_err(|e| invalid(&["models"], e.to_string()))?;
        for (key, name, kind) in [
            ("detector", &self.models.detector, "detector"),
            ("embedder", &self.models.embedder, "embedder"),
        ] {
            let ok = manifest.get(name).map(|a| a.kind == kind).unwrap_or(false);
            if !ok {
                let allowed: Vec<String> = manifest
                    .artifacts
                    .iter()
                    .filter(|a| a.kind == kind)
                    .map(|a| format!("`{}`", a.name))
                    .collect();
                return Err(invalid(
                    &["models", key],
                    format!("unknown {kind} `{name}`; allowed: {}", allowed.join(", ")),
                ));
            }
        }
        Ok(Workspace {
            file: file.to_path_buf(),
            dataset,
            state_dir,
            models: ModelSettings {
                cache: self.models.cache.as_deref().map(|c| resolve(c, base)),
                detector: self.models.detector,
                embedder: self.models.embedder,
            },
            device: self.device,
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
            source: text.to_string(),
        })
    }
}
