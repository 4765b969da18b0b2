//! The run loop's side of the photos on screen: it asks the thumbnail
//! worker for what the layout shows and the state does not hold yet
//! (decoded photos) or this side does not (encoded previews), once per
//! request until answered, and keeps the encoded previews the worker
//! sends back. Drawing reads them from here; the state never holds them.

use super::encoded::EncodedCache;
use super::preview;
use super::state::app::App;
use super::state::update::Msg;
use super::thumbs::{self, Reply, Request};
use crossbeam_channel::{Receiver, Sender, unbounded};
use ratatui_image::picker::Picker;
use std::collections::HashSet;
use std::path::PathBuf;

pub struct Previews {
    worker: Sender<Request>,
    replies: Receiver<Reply>,
    in_flight: HashSet<Request>,
    /// Requests that failed (an unreadable photo): not asked again.
    failed: HashSet<Request>,
    pub encoded: EncodedCache,
}

impl Previews {
    /// Starts the worker; decoded photos reach the state through `tx`.
    pub fn start(root: PathBuf, picker: Option<Picker>, tx: Sender<Msg>) -> Previews {
        let (done_tx, replies) = unbounded();
        Previews {
            worker: thumbs::spawn(root, picker, tx, done_tx),
            replies,
            in_flight: HashSet::new(),
            failed: HashSet::new(),
            encoded: EncodedCache::default(),
        }
    }

    /// Takes in the worker's answers so far, keeping what it encoded.
    pub fn receive(&mut self) {
        for reply in self.replies.try_iter() {
            self.in_flight.remove(&reply.request);
            if !reply.ok {
                self.failed.insert(reply.request);
            }
            if let Some(e) = reply.encoded {
                self.encoded.keep(e);
            }
        }
    }

    /// Asks the worker for what the screen shows and nobody holds yet.
    pub fn request(&mut self, app: &App) {
        self.receive();
        for request in preview::wanted(app) {
            if !self.satisfied(app, &request)
                && !self.failed.contains(&request)
                && self.in_flight.insert(request.clone())
            {
                let _ = self.worker.send(request);
            }
        }
    }

    /// Whether what `request` would produce is already held.
    fn satisfied(&self, app: &App, request: &Request) -> bool {
        match request {
            Request::Decode(path) => app.thumbs.contains_key(path),
            Request::Encode { path, cols, rows } => self.encoded.holds(path, *cols, *rows),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::state::graphics::Graphics;
    use crate::tui::state::keys::Keymap;
    use crate::tui::state::model::{DatasetView, PhotoRow};
    use ratatui_image::picker::ProtocolType;
    use std::path::Path;
    use std::time::Duration;

    /// A Review screen wide enough for the large preview of one flagged
    /// photo, drawn through kitty graphics.
    fn review_app(rel: &str) -> App {
        let photo = PhotoRow {
            path: rel.into(),
            person: "a".into(),
            flags: vec!["mislabel".into()],
            ..PhotoRow::default()
        };
        let data = DatasetView {
            photos: vec![photo],
            ..DatasetView::default()
        };
        let mut app = App::new(data, Keymap::default(), true);
        app.screen = crate::tui::state::app::Screen::Review;
        app.graphics = Graphics::Kitty;
        app.size = (120, 36);
        app
    }

    #[test]
    fn encoded_previews_reach_this_cache_and_wake_the_loop() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("a")).expect("person folder");
        let red = image::RgbImage::from_pixel(32, 32, image::Rgb([200, 30, 30]));
        red.save(dir.path().join("a/1.png")).expect("png");
        let mut picker = Picker::from_fontsize((10, 20));
        picker.set_protocol_type(ProtocolType::Kitty);
        let (tx, rx) = unbounded();
        let mut previews = Previews::start(dir.path().to_path_buf(), Some(picker), tx);
        let app = review_app("a/1.png");
        previews.request(&app);
        // The decoded photo goes to the state; the encoded one is announced
        // by a tick, sent once its reply is waiting for `receive`.
        let (mut ticked, mut decoded) = (false, false);
        while !(ticked && decoded) {
            match rx.recv_timeout(Duration::from_secs(20)) {
                Ok(Msg::Tick) => ticked = true,
                Ok(Msg::Thumb(path, _)) => decoded = path == Path::new("a/1.png"),
                other => panic!("unexpected {other:?}"),
            }
        }
        previews.receive();
        let encodes: Vec<Request> = preview::wanted(&app)
            .into_iter()
            .filter(|r| matches!(r, Request::Encode { .. }))
            .collect();
        assert_eq!(encodes.len(), 1, "{encodes:?}");
        assert!(previews.satisfied(&app, &encodes[0]), "not kept");
        previews.request(&app);
        assert!(
            !previews.in_flight.contains(&encodes[0]),
            "a kept preview is not asked again"
        );
    }
}
