//! Running serde-saphyr so every error names the file, the line and the
//! key: the key path comes from `serde_path_to_error`, passed out through a
//! thread-local because serde-saphyr only takes `Deserialize` types. Also
//! hands one top-level section to its owner, and finds a key's line for
//! checks made after parsing.

use super::error::ConfigError;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny};
use std::cell::RefCell;
use std::path::Path;

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

pub fn parse_tracked<T: de::DeserializeOwned>(
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
