//! Photos encoded for the terminal's graphics protocol (kitty, iTerm2,
//! sixel), kept by the drawing side: the state says which photo is shown,
//! the layout says at what size in cells, and this cache holds the
//! protocol object made for exactly that pair. Encoding is slow, so the
//! thumbnail worker makes them and the run loop keeps the newest few.

use ratatui::layout::Rect;
use ratatui_image::protocol::Protocol;
use std::path::{Path, PathBuf};

/// Encoded previews kept: the current pair and a few recent ones.
pub const ENCODED_KEPT: usize = 8;

/// A photo encoded for the graphics protocol at one size in cells.
#[derive(Clone)]
pub struct Encoded {
    pub path: PathBuf,
    pub cols: u16,
    pub rows: u16,
    pub protocol: Protocol,
}

impl Encoded {
    fn is(&self, path: &Path, cols: u16, rows: u16) -> bool {
        self.path == path && self.cols == cols && self.rows == rows
    }
}

impl std::fmt::Debug for Encoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Encoded({}, {}x{})",
            self.path.display(),
            self.cols,
            self.rows
        )
    }
}

/// The newest encoded previews, oldest dropped first past [`ENCODED_KEPT`].
#[derive(Debug, Default)]
pub struct EncodedCache {
    newest_last: Vec<Encoded>,
}

impl EncodedCache {
    /// Keeps a freshly encoded preview, replacing one of the same photo and size.
    pub fn keep(&mut self, e: Encoded) {
        self.newest_last
            .retain(|old| !old.is(&e.path, e.cols, e.rows));
        self.newest_last.push(e);
        let excess = self.newest_last.len().saturating_sub(ENCODED_KEPT);
        self.newest_last.drain(..excess);
    }

    /// The preview of `path` made for exactly `area`'s size, if there is one.
    pub fn fitting(&self, path: &Path, area: Rect) -> Option<&Encoded> {
        self.newest_last
            .iter()
            .rev()
            .find(|e| e.is(path, area.width, area.height))
    }

    pub fn holds(&self, path: &Path, cols: u16, rows: u16) -> bool {
        self.newest_last.iter().any(|e| e.is(path, cols, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui_image::Resize;
    use ratatui_image::picker::{Picker, ProtocolType};

    fn encoded(path: &str, cols: u16) -> Encoded {
        let mut picker = Picker::from_fontsize((10, 20));
        picker.set_protocol_type(ProtocolType::Kitty);
        let img = image::RgbImage::from_pixel(8, 8, image::Rgb([1, 2, 3]));
        let protocol = picker
            .new_protocol(img.into(), Rect::new(0, 0, cols, 2), Resize::Fit(None))
            .expect("encodes");
        Encoded {
            path: path.into(),
            cols,
            rows: 2,
            protocol,
        }
    }

    #[test]
    fn the_cache_keeps_the_newest_and_finds_by_photo_and_size() {
        let mut cache = EncodedCache::default();
        for i in 0..ENCODED_KEPT + 2 {
            cache.keep(encoded(&format!("p/{i}.jpg"), 4));
        }
        assert!(!cache.holds(Path::new("p/0.jpg"), 4, 2), "oldest dropped");
        assert!(!cache.holds(Path::new("p/1.jpg"), 4, 2));
        assert!(cache.holds(Path::new("p/2.jpg"), 4, 2));
        let last = format!("p/{}.jpg", ENCODED_KEPT + 1);
        assert!(
            cache
                .fitting(Path::new(&last), Rect::new(3, 3, 4, 2))
                .is_some()
        );
        assert!(
            cache
                .fitting(Path::new(&last), Rect::new(0, 0, 5, 2))
                .is_none()
        );
        cache.keep(encoded(&last, 4));
        assert_eq!(cache.newest_last.len(), ENCODED_KEPT, "a remake replaces");
    }
}
