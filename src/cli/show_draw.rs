//! How `facecurate show` draws a photo: with the terminal's graphics
//! protocol (kitty, iTerm2, sixel) where the terminal UI would use one,
//! as truecolor half-blocks otherwise. `auto` is the UI's own detection
//! (`tui/graphics.rs`: environment hints, one capability query, nothing
//! asked inside tmux or screen) and draws only on a terminal; a protocol
//! named on the command line is drawn even into a pipe or a file, for
//! whoever `cat`s it later. Builds without the `tui` feature have no
//! encoders, so they always draw half-blocks.

use anyhow::Result;
use image::RgbImage;
use std::io::IsTerminal;

/// The `--graphics` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum GraphicsArg {
    /// The terminal UI's choice: known terminals by their environment,
    /// others asked once; half-blocks in tmux, screen and when nothing
    /// answers. `FACECURATE_GRAPHICS` overrides it, as in the UI.
    #[default]
    Auto,
    /// kitty's graphics protocol (kitty, Ghostty).
    Kitty,
    /// iTerm2's inline images (iTerm2, WezTerm, mintty).
    Iterm2,
    /// DEC sixel (foot, mlterm, `xterm -ti vt340`).
    Sixel,
    /// Coloured `▀` cells, two pixels each: any truecolor terminal.
    #[value(alias = "blocks", alias = "half-blocks")]
    Halfblocks,
}

/// How each photo of one run is drawn, chosen once before the first.
pub enum Drawer {
    Halfblocks,
    #[cfg(feature = "tui")]
    Protocol(ratatui_image::picker::Picker),
}

impl Drawer {
    /// The drawer for this run, or `None` when the faces are listed alone:
    /// `--no-image`, or `auto` with stdout not a terminal (a pipe gets
    /// plain lines unless a protocol was named).
    pub fn choose(arg: GraphicsArg, no_image: bool) -> Result<Option<Drawer>> {
        let terminal = std::io::stdout().is_terminal();
        if no_image || (arg == GraphicsArg::Auto && !terminal) {
            return Ok(None);
        }
        pick(arg).map(Some)
    }

    /// `image` drawn `width` columns wide, ready to print at the start of
    /// a line; the cursor ends at the start of the line below it.
    pub fn draw(&self, image: &RgbImage, width: u32) -> Result<String> {
        match self {
            Drawer::Halfblocks => Ok(half_blocks(image, width)),
            #[cfg(feature = "tui")]
            Drawer::Protocol(picker) => {
                let cols = width.clamp(1, 400) as u16;
                Ok(crate::tui::inline::inline(picker, image, cols, max_rows())?)
            }
        }
    }
}

/// The tallest drawing: the terminal's height less one line, so the image
/// never scrolls the screen while it is drawn (the protocols place it
/// where the cursor was); 200 rows where the height is unknown.
#[cfg(feature = "tui")]
fn max_rows() -> u16 {
    let rows = std::io::stdout()
        .is_terminal()
        .then(crossterm::terminal::size)
        .and_then(|size| size.ok())
        // A pseudo-terminal nobody sized says 0 rows: unknown, not tiny.
        .filter(|&(_, rows)| rows > 1)
        .map_or(200, |(_, rows)| rows - 1);
    rows.clamp(1, 200)
}

/// The protocol for a forced choice, or the UI's detection for `auto`
/// (which honours `FACECURATE_GRAPHICS` as the UI does).
#[cfg(feature = "tui")]
fn pick(arg: GraphicsArg) -> Result<Drawer> {
    use crate::tui::graphics::{Graphics, Setting};
    let setting = match arg {
        GraphicsArg::Auto => match std::env::var("FACECURATE_GRAPHICS") {
            Ok(text) => {
                crate::tui::state::graphics::parse_setting(&text).map_err(anyhow::Error::msg)?
            }
            Err(_) => Setting::Auto,
        },
        GraphicsArg::Kitty => Setting::Fixed(Graphics::Kitty),
        GraphicsArg::Iterm2 => Setting::Fixed(Graphics::Iterm2),
        GraphicsArg::Sixel => Setting::Fixed(Graphics::Sixel),
        GraphicsArg::Halfblocks => Setting::Fixed(Graphics::Halfblocks),
    };
    Ok(match crate::tui::inline::detect(setting) {
        Some(picker) => Drawer::Protocol(picker),
        None => Drawer::Halfblocks,
    })
}

/// Without the `tui` feature there are no encoders: half-blocks, and a
/// note when a protocol was asked for by name.
#[cfg(not(feature = "tui"))]
fn pick(arg: GraphicsArg) -> Result<Drawer> {
    if !matches!(arg, GraphicsArg::Auto | GraphicsArg::Halfblocks) {
        errln!(
            "facecurate: drawing half-blocks: this facecurate was built without the graphics protocols (cargo feature `tui`)"
        );
    }
    Ok(Drawer::Halfblocks)
}

/// `image` as `width` columns of `▀` cells, the upper pixel in the
/// foreground colour and the lower one in the background (24-bit ANSI).
fn half_blocks(image: &RgbImage, width: u32) -> String {
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
