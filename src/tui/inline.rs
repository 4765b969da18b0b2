//! Photos printed inline on standard output, outside the UI, for
//! `facecurate show`. ratatui-image encodes the photo and renders it into
//! a ratatui `Buffer` exactly as in the UI; the buffer's cells are then
//! printed at the cursor rather than through a ratatui `Terminal`, whose
//! inline viewport asks the terminal where the cursor is — a question a
//! pipe or a file cannot answer, and `show --graphics kitty > file` must
//! still work.
//!
//! The lines the image covers are made first (newlines, then back up), so
//! a protocol that draws below the cursor never scrolls the screen under
//! it. Each row is then printed between a cursor save and restore, since
//! every protocol leaves the cursor somewhere of its own (kitty at the
//! image's far corner, iTerm2 where it started, sixel where the terminal
//! likes), and a newline steps to the next row; after the last one the
//! cursor stands at the start of the line below the image.

use super::graphics::{self, Plan, Setting};
use image::RgbImage;
use image::imageops::FilterType;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use ratatui_image::errors::Errors;
use ratatui_image::picker::Picker;
use ratatui_image::{Image, Resize};

/// The encoder for `setting` as the UI would choose it ([`graphics::detect`]),
/// or `None` for half-blocks. The UI has the terminal in raw mode when it
/// asks; here raw mode is on for the query alone, so the reply arrives
/// unechoed and without waiting for Enter.
pub fn detect(setting: Setting) -> Option<Picker> {
    let env = |name: &str| std::env::var(name).ok();
    let asks = graphics::plan(setting, &env) == Plan::Query;
    if asks && crossterm::terminal::enable_raw_mode().is_err() {
        return None;
    }
    let (_, picker) = graphics::detect(setting);
    if asks {
        // Nothing to do if it fails: the shell resets the terminal anyway.
        let _ = crossterm::terminal::disable_raw_mode();
    }
    picker
}

/// `image` in `picker`'s protocol, `cols` wide (less if `max_rows` is the
/// tighter bound), to print at the start of a line.
pub fn inline(
    picker: &Picker,
    image: &RgbImage,
    cols: u16,
    max_rows: u16,
) -> Result<String, Errors> {
    let room = Rect::new(0, 0, cols.max(1), max_rows.max(1));
    // Scale, not Fit: a small photo is enlarged to the width asked for,
    // as the half-blocks are; Triangle, as there, not the blocky default.
    let resize = Resize::Scale(Some(FilterType::Triangle));
    let protocol = picker.new_protocol(image.clone().into(), room, resize)?;
    let size = protocol.area();
    let mut buf = Buffer::empty(Rect::new(0, 0, size.width, size.height));
    Image::new(&protocol).render(buf.area, &mut buf);
    Ok(print_cells(&buf))
}

/// The buffer's cells as text for the cursor's place (module comment).
/// Cells the protocol marked `skip` are covered by the image.
fn print_cells(buf: &Buffer) -> String {
    let Rect { width, height, .. } = buf.area;
    if width == 0 || height == 0 {
        return String::new();
    }
    let mut out = "\n".repeat(usize::from(height));
    out += &format!("\x1b[{height}A");
    for y in 0..height {
        out.push_str("\x1b7");
        for cell in (0..width).filter_map(|x| buf.cell((x, y))) {
            if !cell.skip {
                out.push_str(cell.symbol());
            }
        }
        out.push_str("\x1b8\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui_image::picker::ProtocolType;

    /// A 40x40 photo, 8 columns wide at 10x20-pixel cells: 80x80 pixels,
    /// so 8 columns by 4 rows.
    fn drawn(kind: ProtocolType) -> String {
        let mut picker = Picker::from_fontsize((10, 20));
        picker.set_protocol_type(kind);
        let image = RgbImage::from_fn(40, 40, |x, y| image::Rgb([x as u8 * 6, y as u8 * 6, 90]));
        inline(&picker, &image, 8, 10).expect("encodes")
    }

    #[test]
    fn each_protocol_writes_its_own_sequence() {
        let kitty = drawn(ProtocolType::Kitty);
        assert!(kitty.contains("\x1b_G") && kitty.contains("a=T,U=1"));
        assert_eq!(kitty.matches('\u{10EEEE}').count(), 8 * 4, "placeholders");
        let sixel = drawn(ProtocolType::Sixel);
        let dcs = sixel.find("\x1bP").expect("a DCS sequence");
        assert!(sixel[dcs..].contains('q') && sixel.contains("\x1b\\"));
        let iterm2 = drawn(ProtocolType::Iterm2);
        assert!(iterm2.contains("\x1b]1337;File=inline=1;"));
        assert!(!iterm2.contains("\x1b_G") && !iterm2.contains("\x1bP"));
    }

    #[test]
    fn the_image_has_its_lines_and_the_cursor_ends_below_it() {
        for kind in [
            ProtocolType::Kitty,
            ProtocolType::Sixel,
            ProtocolType::Iterm2,
        ] {
            let text = drawn(kind);
            assert!(text.starts_with("\n\n\n\n\x1b[4A\x1b7"), "{kind:?}");
            assert_eq!(text.matches("\x1b7").count(), 4, "{kind:?}");
            assert_eq!(text.matches("\x1b8\n").count(), 4, "{kind:?}");
            assert!(text.ends_with("\x1b8\n"), "{kind:?}");
        }
    }

    #[test]
    fn a_tall_photo_is_held_to_the_rows_given() {
        let mut picker = Picker::from_fontsize((10, 20));
        picker.set_protocol_type(ProtocolType::Kitty);
        let tall = RgbImage::new(10, 400);
        let text = inline(&picker, &tall, 40, 5).expect("encodes");
        assert_eq!(text.matches("\x1b8\n").count(), 5);
        // 5 rows of 20 px is 100 px tall, so 2.5 px wide: one column.
        assert_eq!(text.matches('\u{10EEEE}').count(), 5);
    }
}
