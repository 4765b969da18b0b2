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
