//! The terminal UI part of `bench scale`, headless: the UI's own state and
//! drawing (`tui::state::update`, `tui::view::render`) on ratatui's
//! TestBackend, fed the views the live backend builds from the store. The
//! first frame is timed from opening the store to the first frame that
//! shows the dataset (the persons' folders, before the analysis), the full
//! view to its first frame; then a fixed series of navigation keys (never
//! an edit) on the full view, each timed from its handling to the end of
//! its frame.

use crate::tui::data::{glance_view, view_of_report};
use crate::tui::encoded::EncodedCache;
use crate::tui::person_maps;
use crate::tui::state::app::App;
use crate::tui::state::key::{Key, KeyCode};
use crate::tui::state::keys::Keymap;
use crate::tui::state::model::DatasetView;
use crate::tui::state::update::{Msg, update};
use crate::tui::view::render;
use anyhow::Result;
use facecurate::analysis::Settings;
use facecurate::session::Session;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The size `bench/tui_keys.sh` drives the real UI at.
const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

/// What the headless UI measured.
pub struct TuiTimes {
    pub first_frame_s: f64,
    /// From opening the store to the first frame of the analysed view.
    pub full_view_s: f64,
    /// The parts, seconds: the persons' folders (the first look, sent),
    /// its draw; the store's records, the report (saved or analysed), the
    /// UI's view (with its indexes); then the per-person maps, which follow
    /// the full view.
    pub first_frame_parts: [(&'static str, f64); 6],
    pub frame_ms: Vec<f64>,
    pub key_ms: Vec<f64>,
    /// The key whose handling and frame took longest, and its milliseconds.
    pub slowest_key: (String, f64),
}

/// The keys pressed, in order: down through People, to its end and back,
/// a search, a person opened and walked, then Review and Duplicates walked
/// and back to People.
fn script() -> Vec<Key> {
    let plain = Key::plain;
    let c = |ch| plain(KeyCode::Char(ch));
    let mut keys = vec![c('j'); 20];
    keys.extend([c('G'), c('g'), c('k'), c('j')]);
    keys.extend([
        c('/'),
        c('p'),
        c('0'),
        plain(KeyCode::Enter),
        plain(KeyCode::Esc),
    ]);
    keys.push(plain(KeyCode::Enter));
    keys.extend(vec![plain(KeyCode::Down); 5]);
    keys.extend([plain(KeyCode::Right), plain(KeyCode::Esc)]);
    keys.push(plain(KeyCode::Tab));
    keys.extend(vec![c('j'); 10]);
    keys.push(plain(KeyCode::Tab));
    keys.extend(vec![c('j'); 10]);
    keys.extend([plain(KeyCode::BackTab), plain(KeyCode::BackTab)]);
    keys
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Draws one frame; its milliseconds.
fn frame(terminal: &mut Terminal<TestBackend>, app: &App, encoded: &EncodedCache) -> Result<f64> {
    let start = Instant::now();
    terminal.draw(|f| render(app, encoded, f))?;
    Ok(ms(start.elapsed()))
}

/// The backend's part, on its own thread as in the live UI (so that what
/// it frees does not land on the drawing thread's heap): the persons'
/// folders (sent), the store's records, the report, the view (sent), then
/// the maps (sent). Its laps.
fn backend(session: &Session, settings: &Settings, tx: &mpsc::Sender<Msg>) -> Result<[f64; 4]> {
    let mut lap = Lap(Instant::now());
    let store = session.store(false)?;
    let counts = session.person_counts(&store)?;
    let _ = tx.send(Msg::Data(glance_view(&session.workspace().dataset, counts)));
    let glance_s = lap.next();
    let (records, state) = store.snapshot()?;
    let (records, _inbox) = session.split_inbox(records);
    let records_s = lap.next();
    let (report, faces) = session.review_with_faces(&store, records, state, settings.clone())?;
    let report_s = lap.next();
    let view = view_of_report(&session.workspace().dataset, &faces, report);
    let wanted = person_maps::wanted(&view);
    let view_s = lap.next();
    let _ = tx.send(Msg::Data(view));
    let _ = tx.send(Msg::Maps(person_maps::maps(&faces, &wanted)));
    Ok([glance_s, records_s, report_s, view_s])
}

/// Opens the workspace's store as the live backend does (without a scan:
/// the photo files are absent), builds the view, draws, then presses keys.
pub fn drive(session: &Session, settings: &Settings) -> Result<TuiTimes> {
    let start = Instant::now();
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        let backend = scope.spawn(move || backend(session, settings, &tx));
        // The UI on a thread of its own as well, as in a process of its
        // own: on the bench's main thread, which freed the earlier stages'
        // memory (a million synthetic vectors among it), the first frame
        // at a million faces took 155–190 ms against 0.9 ms here.
        let ui = scope.spawn(move || draw_and_press(&rx, start));
        let ui = ui
            .join()
            .map_err(|_| anyhow::anyhow!("the UI thread panicked"))?;
        let laps = backend
            .join()
            .map_err(|_| anyhow::anyhow!("the backend thread panicked"))??;
        let (mut times, draw_s, maps_s) = ui?;
        times.first_frame_parts = [
            ("glance_s", laps[0]),
            ("draw_s", draw_s),
            ("records_s", laps[1]),
            ("report_s", laps[2]),
            ("view_s", laps[3]),
            ("maps_after_s", maps_s),
        ];
        Ok(times)
    })
}

/// The UI thread's part: the first frame once the first look comes, a
/// frame of the full view, the maps when they follow, then the keys. The
/// times, the first draw's and the wait for the maps after the full
/// view's frame, in seconds.
fn draw_and_press(rx: &mpsc::Receiver<Msg>, start: Instant) -> Result<(TuiTimes, f64, f64)> {
    let mut app = App::new(DatasetView::default(), Keymap::default(), true);
    update(&mut app, Msg::Resize(WIDTH, HEIGHT));
    update(&mut app, rx.recv()?);
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT))?;
    // Nothing encoded: previews draw in half-blocks, as before the
    // preview worker answers (it decodes photo files, which are absent).
    let encoded = EncodedCache::default();
    let drawn = Instant::now();
    let mut frame_ms = vec![frame(&mut terminal, &app, &encoded)?];
    let first_frame_s = start.elapsed().as_secs_f64();
    let draw_s = drawn.elapsed().as_secs_f64();
    update(&mut app, rx.recv()?);
    frame_ms.push(frame(&mut terminal, &app, &encoded)?);
    let full_view_s = start.elapsed().as_secs_f64();
    let drawn = Instant::now();
    update(&mut app, rx.recv()?);
    let maps_s = drawn.elapsed().as_secs_f64();
    let mut key_ms = Vec::new();
    let mut slowest_key = (String::new(), 0.0);
    for key in script() {
        let pressed = Instant::now();
        // Navigation only: no effect (an edit) comes back to carry out.
        let _effects = update(&mut app, Msg::Key(key));
        frame_ms.push(frame(&mut terminal, &app, &encoded)?);
        let took = ms(pressed.elapsed());
        if took > slowest_key.1 {
            slowest_key = (format!("{key:?} on {}", app.screen.title()), took);
        }
        key_ms.push(took);
    }
    let times = TuiTimes {
        first_frame_s,
        full_view_s,
        first_frame_parts: Default::default(),
        frame_ms,
        key_ms,
        slowest_key,
    };
    Ok((times, draw_s, maps_s))
}

/// Seconds between successive calls.
struct Lap(Instant);

impl Lap {
    fn next(&mut self) -> f64 {
        let now = Instant::now();
        let seconds = now.duration_since(self.0).as_secs_f64();
        self.0 = now;
        seconds
    }
}
