//! `facecurate show PHOTO...`: a quick look over SSH without the terminal
//! UI. Each photo is drawn in the terminal — with its graphics protocol
//! (kitty, iTerm2, sixel) where the UI would use one, as truecolor
//! half-blocks otherwise, which work over plain SSH and in tmux
//! (`show_draw`) — and its faces are listed below it: box, landmarks,
//! detection score and, when the workspace has a trained classifier, the
//! person the face resembles, all from the workspace's own models. (viuer
//! would draw the same way, but it depends on an LGPL crate that
//! `deny.toml` does not allow; the UI's own encoders are reused instead.)

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::photos::collect_photos;
use super::session::{self, Printer};
use super::show_draw::{Drawer, GraphicsArg};
use anyhow::Result;
use facecurate::classify::Model;
use facecurate::pipeline::{Face, PhotoResult};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Photos or folders (searched recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Width of each drawing, in terminal columns.
    #[arg(long, default_value_t = 40)]
    pub width: u32,
    /// How to draw: `auto` is the terminal UI's choice and draws only when
    /// stdout is a terminal; a protocol named here is drawn even into a
    /// pipe or a file.
    #[arg(long, value_enum, value_name = "PROTOCOL", default_value_t = GraphicsArg::Auto)]
    pub graphics: GraphicsArg,
    /// List the faces only, without drawing the photos (the default when
    /// stdout is not a terminal and `--graphics` is `auto`).
    #[arg(long)]
    pub no_image: bool,
}

pub fn run(cli: &GlobalArgs, args: &ShowArgs) -> Result<Outcome> {
    let session = session::workspace_or_bare(cli, &Printer::default())?;
    // The person a face resembles, when a classifier was trained on this
    // embedder; without one the faces are listed alone.
    let model = session.classifier(None).ok().map(|(model, _)| model);
    let photos = collect_photos(&args.paths);
    // Chosen before the first photo: auto may ask the terminal once.
    let drawer = Drawer::choose(args.graphics, args.no_image)?;
    let draw = drawer.as_ref().map(|d| (d, args.width));
    let mut failed = 0;
    session.embed_photos(&photos, &AtomicBool::new(false), |_, result| {
        failed += usize::from(result.is_err());
        show(result, model.as_ref(), draw);
    })?;
    Ok(if failed == 0 {
        Outcome::Ok
    } else {
        Outcome::Failures
    })
}

/// Draws one photo (when a drawer and width are given) and lists its faces.
fn show(result: PhotoResult, model: Option<&Model>, draw: Option<(&Drawer, u32)>) {
    let photo = match result {
        Ok(photo) => photo,
        Err(e) => {
            errln!("{e}");
            return;
        }
    };
    outln!(
        "{} ({}x{}, {} face(s))",
        photo.path.display(),
        photo.width,
        photo.height,
        photo.faces.len()
    );
    if let Some((drawer, width)) = draw {
        // Decoded as the pipeline decodes (upright, within its limits).
        let drawn = facecurate::pipeline::decode::decode_file(&photo.path)
            .map_err(anyhow::Error::from)
            .and_then(|image| drawer.draw(&image, width));
        // Printed raw: escape sequences made here from pixels, never a name.
        match drawn {
            Ok(text) => print!("{text}"),
            Err(e) => errln!("{}: cannot draw it: {e}", photo.path.display()),
        }
    }
    for (i, face) in photo.faces.iter().enumerate() {
        outln!("  face {i}: {}", describe(face, model));
    }
}

/// One face in a line: box, landmarks, score, and who it resembles.
fn describe(face: &Face, model: Option<&Model>) -> String {
    let [x, y, w, h] = face.bbox;
    let landmarks: Vec<String> = face
        .landmarks
        .iter()
        .map(|[lx, ly]| format!("({lx:.0},{ly:.0})"))
        .collect();
    let mut line = format!(
        "box [{x:.0}, {y:.0}, {w:.0}, {h:.0}] score {:.3} landmarks {}",
        face.score,
        landmarks.join(" ")
    );
    if let Some(model) = model {
        let p = model.predict(&face.embedding);
        let who = if p.unknown {
            "unknown, nearest"
        } else {
            "resembles"
        };
        line += &format!("; {who} {} ({:.2})", p.person, p.probability);
    }
    line
}
