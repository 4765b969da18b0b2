//! Photos for the screen, made off the UI thread: one worker decodes and
//! shrinks photos (for half-blocks and grid cells) and encodes the large
//! previews for the terminal's graphics protocol, which for sixel or a big
//! PNG takes long enough to drop keys if done while drawing. Decoded
//! photos go to the state as `Msg`s; encoded ones, which only this
//! terminal can use, go back to the run loop's cache with each reply.

use super::encoded::Encoded;
use super::state::thumb_cache::ThumbCache;
use super::state::update::Msg;
use crossbeam_channel::{Receiver, Sender, unbounded};
use image::RgbImage;
use ratatui::layout::Rect;
use ratatui_image::Resize;
use ratatui_image::picker::Picker;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Longest side of a decoded photo: enough for a preview in pixels at a
/// common cell size, small enough to keep hundreds cached.
pub const PREVIEW_SIDE: u32 = 256;
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Request {
    Decode(PathBuf),
    Encode { path: PathBuf, cols: u16, rows: u16 },
}

/// The worker's answer to one request.
pub struct Reply {
    pub request: Request,
    /// `false`: the photo cannot be read or encoded; it is not asked again.
    pub ok: bool,
    /// What an encode made, for the run loop's cache (not the state's).
    pub encoded: Option<Encoded>,
}

/// Starts the worker. Every request is answered on `done`; decoded photos
/// go to `tx` as `Msg::Thumb`, for the state.
pub fn spawn(
    root: PathBuf,
    picker: Option<Picker>,
    tx: Sender<Msg>,
    done: Sender<Reply>,
) -> Sender<Request> {
    let (req_tx, req_rx): (Sender<Request>, Receiver<Request>) = unbounded();
    std::thread::spawn(move || {
        let mut worker = Worker {
            root,
            picker,
            decoded: ThumbCache::default(),
        };
        while let Ok(first) = req_rx.recv() {
            let batch = std::iter::once(first).chain(req_rx.try_iter()).collect();
            for request in prioritise(batch, &done) {
                if worker.serve(request, &tx, &done).is_none() {
                    return;
                }
            }
        }
    });
    req_tx
}

/// Encodes first: they are for the photo under the cursor. Only the
/// newest pair is worth a sixel's quarter second; older ones are answered
/// unmade, so they are asked again if still shown.
fn prioritise(mut batch: Vec<Request>, done: &Sender<Reply>) -> Vec<Request> {
    let encodes = batch
        .iter()
        .filter(|r| matches!(r, Request::Encode { .. }))
        .count();
    let mut stale = encodes.saturating_sub(2);
    batch.retain(|r| {
        let drop = stale > 0 && matches!(r, Request::Encode { .. });
        if drop {
            stale -= 1;
            let _ = done.send(Reply {
                request: r.clone(),
                ok: true,
                encoded: None,
            });
        }
        !drop
    });
    batch.sort_by_key(|r| matches!(r, Request::Decode(_)));
    batch
}

struct Worker {
    root: PathBuf,
    picker: Option<Picker>,
    decoded: ThumbCache,
}

impl Worker {
    /// Answers one request; `None` once the UI has gone.
    fn serve(&mut self, request: Request, tx: &Sender<Msg>, done: &Sender<Reply>) -> Option<()> {
        let (ok, encoded) = match &request {
            Request::Decode(rel) => match image_for(&self.root, rel, &mut self.decoded) {
                Some(img) => {
                    tx.send(Msg::Thumb(rel.clone(), img)).ok()?;
                    (true, None)
                }
                None => (false, None),
            },
            Request::Encode { path, cols, rows } => {
                let encoded = self.picker.as_ref().and_then(|picker| {
                    let img = image_for(&self.root, path, &mut self.decoded)?;
                    encode(picker, path, &img, *cols, *rows)
                });
                (encoded.is_some(), encoded)
            }
        };
        let made = encoded.is_some();
        done.send(Reply {
            request,
            ok,
            encoded,
        })
        .ok()?;
        // The reply is on `done` before this wakes the run loop, which
        // then draws the new preview.
        if made {
            tx.send(Msg::Tick).ok()?;
        }
        Some(())
    }
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
