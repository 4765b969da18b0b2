//! Names drawn safely: every string from the dataset (person, photo,
//! cause, message) passes through [`safe`] or [`safe_path`] on its way into
//! a widget, and [`scrub`] is the last pass over a finished frame. The
//! escaping itself is the library's ([`facecurate::shown`]).

use facecurate::shown;

/// A name (person, photo, cause, message) made safe to draw, on one line:
/// a newline in it shows as `\n` too.
pub fn safe(s: &str) -> std::borrow::Cow<'_, str> {
    shown::escape(s)
}

/// A dataset path made safe to draw, bytes that are not UTF-8 as `\xNN`.
pub fn safe_path(p: &std::path::Path) -> std::borrow::Cow<'_, str> {
    shown::path(p)
}

/// The last guard: a cell still holding a character that must not reach
/// the terminal (a name some view forgot to pass through [`safe`]) shows
/// `?` instead. Image protocol cells, whose one symbol is a whole escape
/// sequence made by ratatui-image, are the only ones allowed an ESC.
pub fn scrub(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        let symbol = cell.symbol();
        let image = symbol.len() > 1 && symbol.starts_with('\u{1b}');
        if !image && symbol.chars().any(shown::needs_escape) {
            cell.set_symbol("?");
        }
    }
}
