//! Photos for the screen, made off the UI thread: one worker decodes and
//! shrinks photos (for half-blocks and grid cells) and encodes the large
//! previews for the terminal's graphics protocol, which for sixel or a big
//! PNG takes long enough to drop keys if done while drawing. Results come
//! back as `Msg`s; the UI keeps them in a cache bounded by count and bytes.

use super::update::Msg;
use crossbeam_channel::{Receiver, Sender, unbounded};
use image::RgbImage;
use ratatui::layout::Rect;
use ratatui_image::Resize;
use ratatui_image::picker::Picker;
use ratatui_image::protocol::Protocol;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Longest side of a decoded photo: enough for a preview in pixels at a
/// common cell size, small enough to keep hundreds cached.
pub const PREVIEW_SIDE: u32 = 256;
const CACHE_COUNT: usize = 400;
const CACHE_BYTES: usize = 48 << 20;
/// Encoded previews kept: the current pair and a few recent ones.
pub const ENCODED_KEPT: usize = 8;

/// Decoded photos by relative path, least recently added dropped first.
#[derive(Debug, Clone, Default)]
pub struct ThumbCache {
    images: HashMap<PathBuf, Arc<RgbImage>>,
    order: VecDeque<PathBuf>,
    bytes: usize,
}

impl ThumbCache {
    pub fn get(&self, path: &Path) -> Option<&Arc<RgbImage>> {
        self.images.get(path)
    }

    pub fn contains_key(&self, path: &Path) -> bool {
        self.images.contains_key(path)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.images.len()
    }

    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn insert(&mut self, path: PathBuf, image: Arc<RgbImage>) {
        self.remove(&path);
        self.bytes += image.as_raw().len();
        self.order.push_back(path.clone());
        self.images.insert(path, image);
        while self.images.len() > CACHE_COUNT || self.bytes > CACHE_BYTES {
            let Some(oldest) = self.order.front().cloned() else {
                break;
            };
            self.remove(&oldest);
        }
    }

    fn remove(&mut self, path: &Path) {
        if let Some(old) = self.images.remove(path) {
            self.bytes -= old.as_raw().len();
            self.order.retain(|p| p != path);
        }
    }
}

/// A photo encoded for the graphics protocol at one size in cells.
#[derive(Clone)]
pub struct Encoded {
    pub path: PathBuf,
    pub cols: u16,
    pub rows: u16,
    pub protocol: Protocol,
}

impl Encoded {
    pub fn fits(&self, path: &Path, area: Rect) -> bool {
        self.path == path && self.cols == area.width && self.rows == area.height
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

impl PartialEq for Encoded {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.cols == other.cols && self.rows == other.rows
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Request {
    Decode(PathBuf),
    Encode { path: PathBuf, cols: u16, rows: u16 },
}

/// Starts the worker. Every request is answered on `done` with whether it
/// may be asked again (`false`: the photo cannot be read or encoded);
/// results go to `tx` as `Msg`s.
pub fn spawn(
    root: PathBuf,
    picker: Option<Picker>,
    tx: Sender<Msg>,
    done: Sender<(Request, bool)>,
) -> Sender<Request> {
    let (req_tx, req_rx): (Sender<Request>, Receiver<Request>) = unbounded();
    std::thread::spawn(move || {
        let mut decoded = ThumbCache::default();
        while let Ok(first) = req_rx.recv() {
            // Encodes first: they are for the photo under the cursor. Only
            // the newest pair is worth a sixel's quarter second; older ones
            // are answered unmade, so they are asked again if still shown.
            let mut batch: Vec<Request> = std::iter::once(first).chain(req_rx.try_iter()).collect();
            let encodes = batch
                .iter()
                .filter(|r| matches!(r, Request::Encode { .. }))
                .count();
            let mut stale = encodes.saturating_sub(2);
            batch.retain(|r| {
                let drop = stale > 0 && matches!(r, Request::Encode { .. });
                if drop {
                    stale -= 1;
                    let _ = done.send((r.clone(), true));
                }
                !drop
            });
            batch.sort_by_key(|r| matches!(r, Request::Decode(_)));
            for request in batch {
                let ok = match &request {
                    Request::Decode(rel) => match image_for(&root, rel, &mut decoded) {
                        Some(img) => {
                            if tx.send(Msg::Thumb(rel.clone(), img)).is_err() {
                                return;
                            }
                            true
                        }
                        None => false,
                    },
                    Request::Encode { path, cols, rows } => {
                        let encoded = picker.as_ref().and_then(|picker| {
                            let img = image_for(&root, path, &mut decoded)?;
                            encode(picker, path, &img, *cols, *rows)
                        });
                        match encoded {
                            Some(e) => {
                                if tx.send(Msg::Encoded(Box::new(e))).is_err() {
                                    return;
                                }
                                true
                            }
                            None => false,
                        }
                    }
                };
                if done.send((request, ok)).is_err() {
                    return;
                }
            }
        }
    });
    req_tx
}

fn image_for(root: &Path, rel: &Path, cache: &mut ThumbCache) -> Option<Arc<RgbImage>> {
    if let Some(img) = cache.get(rel) {
        return Some(Arc::clone(img));
    }
    // A photo whose decoding panics (a decoder bug) is one preview that fails,
    // not the end of every preview.
    let img = Arc::new(facecurate::panics::catch(|| load_preview(root, rel)).ok()??);
    cache.insert(rel.to_path_buf(), Arc::clone(&img));
    Some(img)
}

pub fn encode(
    picker: &Picker,
    path: &Path,
    img: &RgbImage,
    cols: u16,
    rows: u16,
) -> Option<Encoded> {
    let dynamic = image::DynamicImage::ImageRgb8(img.clone());
    let resize = Resize::Scale(Some(image::imageops::FilterType::Triangle));
    let protocol = picker
        .new_protocol(dynamic, Rect::new(0, 0, cols, rows), resize)
        .ok()?;
    Some(Encoded {
        path: path.to_path_buf(),
        cols,
        rows,
        protocol,
    })
}

fn load_preview(root: &Path, rel: &Path) -> Option<RgbImage> {
    let img = facecurate::pipeline::decode::decode_file(&root.join(rel)).ok()?;
    let (w, h) = img.dimensions();
    let scale = f64::from(PREVIEW_SIDE) / f64::from(w.max(h));
    if scale >= 1.0 {
        return Some(img);
    }
    let (nw, nh) = (
        (f64::from(w) * scale).max(1.0) as u32,
        (f64::from(h) * scale).max(1.0) as u32,
    );
    Some(image::imageops::resize(
        &img,
        nw,
        nh,
        image::imageops::FilterType::Triangle,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui_image::picker::ProtocolType;

    #[test]
    fn the_cache_drops_the_oldest_past_its_bounds() {
        let mut cache = ThumbCache::default();
        let img = Arc::new(RgbImage::new(4, 4));
        for i in 0..CACHE_COUNT + 5 {
            cache.insert(PathBuf::from(format!("p/{i}.jpg")), Arc::clone(&img));
        }
        assert_eq!(cache.len(), CACHE_COUNT);
        assert!(!cache.contains_key(Path::new("p/0.jpg")), "oldest dropped");
        assert!(cache.contains_key(Path::new(&format!("p/{}.jpg", CACHE_COUNT + 4))));
        assert_eq!(cache.bytes(), CACHE_COUNT * 48);
        let big = Arc::new(RgbImage::new(2048, 2048)); // 12 MiB each
        for i in 0..6 {
            cache.insert(PathBuf::from(format!("big/{i}.jpg")), Arc::clone(&big));
        }
        assert!(cache.bytes() <= CACHE_BYTES);
        assert!(cache.contains_key(Path::new("big/5.jpg")));
        assert!(!cache.contains_key(Path::new("big/0.jpg")));
    }

    /// The escape sequences each protocol writes into the first cell.
    fn encoded_symbol(kind: ProtocolType) -> String {
        let mut picker = Picker::from_fontsize((10, 20));
        picker.set_protocol_type(kind);
        let img = RgbImage::from_pixel(40, 40, image::Rgb([200, 30, 30]));
        let e = encode(&picker, Path::new("a/b.jpg"), &img, 4, 2).expect("encodes");
        let area = Rect::new(0, 0, 4, 2);
        let mut buf = ratatui::buffer::Buffer::empty(area);
        ratatui::widgets::Widget::render(ratatui_image::Image::new(&e.protocol), area, &mut buf);
        buf[(0, 0)].symbol().to_string()
    }

    #[test]
    fn each_protocol_writes_its_own_escape_sequence() {
        let kitty = encoded_symbol(ProtocolType::Kitty);
        // Transmit (a=T) as RGBA (f=32) of the 40x40 picture, then Unicode placeholders.
        assert!(kitty.starts_with("\x1b_Gq=2,i="), "{kitty:?}");
        assert!(kitty.contains("a=T,U=1,f=32,t=d,s=40,v=40"), "{kitty:?}");
        assert!(kitty.contains('\u{10EEEE}'));
        let iterm = encoded_symbol(ProtocolType::Iterm2);
        assert!(iterm.contains("\x1b]1337;File=inline=1;"), "{iterm:?}");
        assert!(iterm.contains("width=40px;height=40px"), "{iterm:?}");
        assert!(iterm.ends_with('\x07'));
        let sixel = encoded_symbol(ProtocolType::Sixel);
        // DCS ... q (sixel data) ... ST
        assert!(
            sixel.starts_with("\x1bP") && sixel.contains('q'),
            "{sixel:?}"
        );
        assert!(sixel.contains("\x1b\\"), "{sixel:?}");
    }
}
