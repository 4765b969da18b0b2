//! `facecurate show PHOTO...`: a quick look over SSH without the terminal
//! UI. Each photo is drawn in the terminal as coloured half-blocks (two
//! pixels a cell, truecolor; they work over plain SSH and in tmux) and its
//! faces are listed below it — box, landmarks, detection score and, when
//! the workspace has a trained classifier, the person the face resembles —
//! all from the workspace's own models. (viuer, which would add kitty and
//! iTerm2, depends on an LGPL crate that `deny.toml` does not allow.)

use super::global::GlobalArgs;
use super::outcome::Outcome;
use super::photos::collect_photos;
use super::session::{self, Printer};
use anyhow::Result;
use facecurate::classify::Model;
use facecurate::pipeline::{Face, PhotoResult};
use std::io::IsTerminal;
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
    /// List the faces only, without drawing the photos (the default when
    /// stdout is not a terminal).
    #[arg(long)]
    pub no_image: bool,
}

pub fn run(cli: &GlobalArgs, args: &ShowArgs) -> Result<Outcome> {
    let session = session::workspace_or_bare(cli, &Printer::default())?;
    // The person a face resembles, when a classifier was trained on this
    // embedder; without one the faces are listed alone.
    let model = session.classifier(None).ok().map(|(model, _)| model);
    let photos = collect_photos(&args.paths);
    let draw = !args.no_image && std::io::stdout().is_terminal();
    let mut failed = 0;
    session.embed_photos(&photos, &AtomicBool::new(false), |_, result| {
        failed += usize::from(result.is_err());
        show(result, model.as_ref(), draw.then_some(args.width));
    })?;
    Ok(if failed == 0 {
        Outcome::Ok
    } else {
        Outcome::Failures
    })
}

/// Draws one photo (when `width` is given) and lists its faces.
fn show(result: PhotoResult, model: Option<&Model>, width: Option<u32>) {
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
    if let Some(width) = width {
        // Decoded as the pipeline decodes (upright, within its limits).
        match facecurate::pipeline::decode::decode_file(&photo.path) {
            Ok(image) => print!("{}", half_blocks(&image, width)),
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

/// `image` as `width` columns of `▀` cells, the upper pixel in the
/// foreground colour and the lower one in the background (24-bit ANSI).
fn half_blocks(image: &image::RgbImage, width: u32) -> String {
    use std::fmt::Write;
    let width = width.clamp(1, 400);
    let rows = (u64::from(image.height()) * u64::from(width) / u64::from(image.width().max(1)))
        .div_ceil(2)
        .clamp(1, 200) as u32;
    let small = image::imageops::resize(
        image,
        width,
        rows * 2,
        image::imageops::FilterType::Triangle,
    );
    let mut out = String::new();
    for row in 0..rows {
        for x in 0..width {
            let [r, g, b] = small.get_pixel(x, row * 2).0;
            let [r2, g2, b2] = small.get_pixel(x, row * 2 + 1).0;
            let _ = write!(out, "\x1b[38;2;{r};{g};{b}m\x1b[48;2;{r2};{g2};{b2}m▀");
        }
        out.push_str("\x1b[0m\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn half_blocks_keep_the_aspect_and_the_colours() {
        let mut image = image::RgbImage::new(4, 8);
        for (x, y, p) in image.enumerate_pixels_mut() {
            *p = if y < 4 {
                image::Rgb([255, 0, 0])
            } else {
                image::Rgb([0, 0, 255])
            };
            let _ = x;
        }
        let text = super::half_blocks(&image, 4);
        // 4 columns of an image twice as tall: 8 pixel rows, 4 cell rows.
        assert_eq!(text.lines().count(), 4);
        assert_eq!(text.lines().next().map(|l| l.matches('▀').count()), Some(4));
        assert!(
            text.lines()
                .next()
                .is_some_and(|l| l.contains("38;2;255;0;0"))
        );
        assert!(
            text.lines()
                .last()
                .is_some_and(|l| l.contains("48;2;0;0;255"))
        );
    }
}
