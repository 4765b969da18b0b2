//! Which Python package index to fetch pinned archives from, and where on it
//! a pinned archive lives.
//!
//! facecurate reads the index the way pip does, so a machine already set up
//! for a mirror needs nothing more: `FACECURATE_INDEX_URL`, then pip's own
//! `PIP_INDEX_URL`, then `index-url` in pip's configuration files. The
//! project page is read through the "simple" repository API (PEP 691 JSON,
//! or the PEP 503 HTML every index serves), and the archive is picked by its
//! exact pinned file name; its sha256 is checked after the download anyway.

use super::error::FetchError;
pub use super::error::INDEX_ENV;
use std::path::PathBuf;

/// A package index and the setting it was read from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub url: String,
    pub source: String,
}

/// The configured index, if any: environment first, then pip's files in
/// pip's own order (a later file overrides an earlier one).
pub fn configured() -> Option<Index> {
    configured_with(&|name| std::env::var(name).ok())
}

fn configured_with(env: &dyn Fn(&str) -> Option<String>) -> Option<Index> {
    for name in [INDEX_ENV, "PIP_INDEX_URL"] {
        if let Some(url) = env(name).filter(|v| !v.trim().is_empty()) {
            return Some(Index {
                url: url.trim().to_string(),
                source: name.to_string(),
            });
        }
    }
    let mut found = None;
    for path in pip_config_files(env) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if let Some(url) = index_url_in(&text) {
            found = Some(Index {
                url,
                source: path.display().to_string(),
            });
        }
    }
    found
}

/// pip's configuration files, lowest priority first.
fn pip_config_files(env: &dyn Fn(&str) -> Option<String>) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = env("XDG_CONFIG_DIRS")
        .unwrap_or_else(|| "/etc/xdg".to_string())
        .split(':')
        .filter(|d| !d.is_empty())
        .map(|d| PathBuf::from(d).join("pip/pip.conf"))
        .collect();
    files.push(PathBuf::from("/etc/pip.conf"));
    if let Some(home) = env("HOME") {
        files.push(PathBuf::from(&home).join(".pip/pip.conf"));
        let config = env("XDG_CONFIG_HOME").unwrap_or_else(|| format!("{home}/.config"));
        files.push(PathBuf::from(config).join("pip/pip.conf"));
    }
    files.extend(env("PIP_CONFIG_FILE").map(PathBuf::from));
    files
}

/// `index-url` from the `[global]` or `[download]` section of a pip.conf
/// (`[download]` wins, as it does for `pip download`).
fn index_url_in(text: &str) -> Option<String> {
    let (mut section, mut global, mut download) = (String::new(), None, None);
    for line in text.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_lowercase();
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if !matches!(key.trim(), "index-url" | "index_url") {
            continue;
        }
        let value = Some(value.trim().to_string()).filter(|v| !v.is_empty());
        match section.as_str() {
            "global" => global = value,
            "download" => download = value,
            _ => {}
        }
    }
    download.or(global)
}

/// The project page's URL: PEP 503 normalised name under the index.
pub fn project_url(index: &str, package: &str) -> String {
    let mut name = String::new();
    for c in package.chars().map(|c| c.to_ascii_lowercase()) {
        if matches!(c, '-' | '_' | '.') {
            if !name.ends_with('-') {
                name.push('-');
            }
        } else {
            name.push(c);
        }
    }
    format!("{}/{name}/", index.trim_end_matches('/'))
}

/// The download URL of `filename` on a project page (JSON or HTML), made
/// absolute against the page's own URL.
pub fn archive_url(page_url: &str, body: &str, filename: &str) -> Result<String, FetchError> {
    let href = if body.trim_start().starts_with('{') {
        json_href(body, filename)
    } else {
        html_href(body, filename)
    };
    let href = href.ok_or_else(|| FetchError::NotOnIndex {
        archive: filename.to_string(),
        page: page_url.to_string(),
    })?;
    Ok(join(page_url, href.split('#').next().unwrap_or(&href)))
}

fn json_href(body: &str, filename: &str) -> Option<String> {
    let page: serde_json::Value = serde_json::from_str(body).ok()?;
    page.get("files")?
        .as_array()?
        .iter()
        .find(|f| f.get("filename").and_then(|n| n.as_str()) == Some(filename))?
        .get("url")?
        .as_str()
        .map(str::to_string)
}

/// The `href` of the anchor whose text, or whose URL's last segment, is the
/// file name. Only anchors are read; the page is otherwise ignored.
fn html_href(body: &str, filename: &str) -> Option<String> {
    let mut rest = body;
    while let Some(start) = rest.find("<a ") {
        let anchor = &rest[start..];
        let end = anchor.find("</a>").unwrap_or(anchor.len());
        let (tag, text) = anchor[..end].split_once('>')?;
        rest = &anchor[end..];
        let Some(href) = attribute(tag, "href") else {
            continue;
        };
        let last = href.split('#').next()?.rsplit('/').next()?;
        if text.trim() == filename || last == filename {
            return Some(href);
        }
    }
    None
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}="))? + name.len() + 1;
    let value = &tag[at..];
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &value[1..];
    let end = value.find(quote)?;
    Some(value[..end].replace("&amp;", "&"))
}

/// Resolves a link against the page it was found on (absolute, scheme-
/// relative, host-relative or path-relative).
fn join(page: &str, href: &str) -> String {
    if href.starts_with("http://") || href.starts_with("https://") {
        return href.to_string();
    }
    let (scheme, after) = page.split_once("://").unwrap_or(("https", page));
    if let Some(rest) = href.strip_prefix("//") {
        return format!("{scheme}://{rest}");
    }
    let host = after.split('/').next().unwrap_or(after);
    if href.starts_with('/') {
        return format!("{scheme}://{host}{href}");
    }
    let dir = page.rsplit_once('/').map_or(page, |(dir, _)| dir);
    let mut parts: Vec<&str> = dir.split('/').collect();
    for segment in href.split('/') {
        match segment {
            ".." if parts.len() > 3 => {
                parts.pop();
            }
            "." | ".." => {}
            other => parts.push(other),
        }
    }
    parts.join("/")
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
