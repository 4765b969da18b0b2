//! `facecurate demo`: the README's run command. Fetches the pinned sample
//! photos into a demo dataset, plants a few problems a real dataset has
//! (a mislabelled photo, a mirrored copy under another name, a photo with no
//! face, a truncated file), writes a workspace for it and opens the terminal
//! UI on it — or, without a terminal, prints what facecurate finds.

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::session::{self, Printer};
use super::setup;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Where to build the demo (photos in DIR/photos, workspace DIR/workspace.yaml);
    /// reused when it already exists.
    #[arg(long, default_value = "facecurate-demo")]
    pub dir: PathBuf,
    /// Print the findings instead of opening the terminal UI.
    #[arg(long)]
    pub print: bool,
}

pub fn run(cli: &GlobalArgs, args: &DemoArgs) -> Result<Outcome> {
    let printer = Printer::default();
    let bare = session::bare(cli, &printer)?;
    setup::ensure(&bare, &["celeb5"])?;
    let samples = bare.cache().path_of(
        &bare
            .manifest()
            .get("celeb5")
            .context("manifest lacks the sample photos")?
            .file,
    );
    let photos = args.dir.join("photos");
    if !photos.exists() {
        std::fs::create_dir_all(&args.dir)
            .with_context(|| format!("creating {}", args.dir.display()))?;
        build_dataset(&samples, &photos)?;
        errln!("Demo dataset written to {}", photos.display());
    } else {
        errln!("Using the existing demo dataset at {}", photos.display());
    }
    let workspace = args.dir.join("workspace.yaml");
    super::open::ensure_workspace(&workspace, &photos)?;
    let session = session::open_file(cli, &workspace, &printer)?;
    if !args.print && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return super::open::open(session);
    }
    let records = setup::folder_records(&session, &photos)?;
    let (report, _) = session.review_records(records, session.settings()?);
    super::report::print_text(&report);
    Ok(Outcome::Ok)
}

/// Copies the sample persons (train and val merged) into `dir` and plants
/// the problems. Everything is written under a temporary name first.
fn build_dataset(samples: &Path, dir: &Path) -> Result<()> {
    let staging = dir.with_extension("partial");
    let _ = std::fs::remove_dir_all(&staging);
    for split in ["train", "val"] {
        for person in sorted_children(&samples.join(split))? {
            let name = file_name(&person);
            let target = staging.join(&name);
            std::fs::create_dir_all(&target)
                .with_context(|| format!("creating {}", target.display()))?;
            for photo in sorted_children(&person)? {
                let dest = target.join(format!("{split}_{}", file_name(&photo)));
                std::fs::copy(&photo, &dest)
                    .with_context(|| format!("copying {}", photo.display()))?;
            }
        }
    }
    plant_problems(&staging)?;
    std::fs::rename(&staging, dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(())
}

fn plant_problems(root: &Path) -> Result<()> {
    let madonna = sorted_children(&root.join("madonna"))?;
    let elton = root.join("elton_john");
    // A mislabel: one of Madonna's photos filed under Elton John.
    if let Some(photo) = madonna.first() {
        std::fs::rename(
            photo,
            elton.join(format!("mislabeled_{}", file_name(photo))),
        )?;
    }
    // A mirrored, recompressed copy of a photo under another person's name.
    let ben = sorted_children(&root.join("ben_afflek"))?;
    if let Some(photo) = ben.first() {
        let img = image::open(photo).with_context(|| format!("reading {}", photo.display()))?;
        img.fliph()
            .to_rgb8()
            .save(root.join("jerry_seinfeld").join("copy_of_ben_afflek.jpg"))?;
    }
    // A photo without a face, and a truncated download.
    let sky = image::RgbImage::from_fn(320, 240, |x, y| {
        image::Rgb([80 + (x / 4) as u8, 140, 230 - (y / 2) as u8])
    });
    sky.save(root.join("mindy_kaling").join("sky.png"))?;
    if let Some(photo) = sorted_children(&root.join("mindy_kaling"))?.first() {
        let bytes = std::fs::read(photo)?;
        std::fs::write(
            root.join("mindy_kaling").join("truncated.jpg"),
            &bytes[..bytes.len() / 3],
        )?;
    }
    Ok(())
}

fn sorted_children(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .collect();
    out.sort();
    Ok(out)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}
