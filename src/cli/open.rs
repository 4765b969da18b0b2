//! `facecurate` (inside a workspace) and `facecurate DATASET`: open the
//! terminal UI. A dataset given without a workspace gets one written beside
//! the current folder's `workspace.yaml`, as `facecurate init` would.

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::session::{self, Printer};
use anyhow::{Context, Result, bail};
use facecurate::config::{self, Workspace};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;

pub fn run(cli: &GlobalArgs, dataset: Option<&Path>) -> Result<Outcome> {
    if let Some(dataset) = dataset {
        ensure_workspace(&cli.workspace, dataset)?;
    }
    let session = session::open(cli, &Printer::default())
        .context("open a dataset with `facecurate DATASET`, or run `facecurate init DATASET`")?;
    open(session)
}

/// Writes a workspace for `dataset` at `file` unless one exists; an
/// existing one must name the same dataset.
pub fn ensure_workspace(file: &Path, dataset: &Path) -> Result<()> {
    let dataset = std::fs::canonicalize(dataset)
        .with_context(|| format!("{}: no such dataset folder", dataset.display()))?;
    if file.exists() {
        let ws = Workspace::load(file)?;
        if std::fs::canonicalize(&ws.dataset).ok().as_deref() != Some(dataset.as_path()) {
            bail!(
                "{} belongs to the dataset {}; pass -w OTHER.yaml to open {}",
                file.display(),
                ws.dataset.display(),
                dataset.display()
            );
        }
        return Ok(());
    }
    let text = config::template(&dataset.to_string_lossy());
    Workspace::parse(&text, file)?;
    std::fs::write(file, text)
        .with_context(|| format!("{}: cannot write the workspace file", file.display()))?;
    errln!(
        "facecurate: wrote {} for {}",
        file.display(),
        dataset.display()
    );
    Ok(())
}

#[cfg(feature = "tui")]
pub fn open(session: facecurate::session::Session) -> Result<Outcome> {
    use crate::tui::backend::LiveBackend;
    use crate::tui::state::{app::App, graphics::parse_setting, keys::Keymap};
    if !std::io::stdout().is_terminal() {
        bail!(
            "the terminal UI needs a terminal; for scripts use `facecurate scan`, `report` or `lint`"
        );
    }
    let ws = session.workspace();
    let overrides: BTreeMap<String, Vec<String>> = ws.section("keys")?.unwrap_or_default();
    let keymap = Keymap::default()
        .with_overrides(&overrides)
        .map_err(|e| anyhow::anyhow!("{}: {e}", ws.file.display()))?;
    let device = format!("{:?}", session.device()).to_lowercase();
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut app = App::new(Default::default(), keymap, color);
    if let Some(text) = std::env::var_os("FACECURATE_GRAPHICS") {
        app.graphics_setting =
            parse_setting(&text.to_string_lossy()).map_err(anyhow::Error::msg)?;
    }
    let root = ws.dataset.clone();
    let log = ws.state_dir.join("tui.log");
    crate::tui::run(app, root, LiveBackend::new(session, device), &log)?;
    Ok(Outcome::Ok)
}

#[cfg(not(feature = "tui"))]
pub fn open(_session: facecurate::session::Session) -> Result<Outcome> {
    let _ = (
        BTreeMap::<String, Vec<String>>::new(),
        std::io::stdout().is_terminal(),
    );
    bail!("this facecurate was built without the terminal UI (cargo feature `tui`)")
}
