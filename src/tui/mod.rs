//! The interactive terminal UI (feature `tui`): one event channel fed by the
//! terminal, a tick, the thumbnail worker and the dataset backend; the UI
//! thread drains it, updates the state, then renders at most once a frame.
//! Everything slow (scanning, embedding, moving files, retraining, decoding
//! previews) happens on other threads.
//!
//! Two layers. `state/` is the UI's state and `update`, with no terminal
//! type in it. The files here are the terminal layer: input translation
//! (`term_input`), drawing (`view` and the files it uses), images encoded
//! for the terminal's graphics protocol (`encoded`, `previews`, `thumbs`)
//! and this run loop. The layer above imports the state, never the reverse.

pub mod backend;
pub mod classifier_view;
pub mod cluster_view;
pub mod data;
pub mod duplicates_view;
pub mod encoded;
pub mod graphics;
pub mod grid;
pub mod image_widget;
pub mod inbox_view;
pub mod inline;
pub mod layout;
pub mod map_view;
pub mod person_maps;
pub mod person_view;
pub mod preview;
pub mod previews;
pub mod safe;
pub mod state;
pub mod term_input;
pub mod thumbs;
pub mod trace;
pub mod view;
pub mod widgets;

use crossbeam_channel::{Sender, unbounded};
use previews::Previews;
use state::app::App;
use state::update::{Effect, Msg};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Where the UI's data comes from and where its changes go. Runs on its own
/// thread; it reports through the channel it is given.
pub trait Backend: Send + 'static {
    /// Starts scanning/watching; sends `Msg::Data` and `Msg::Progress` as they come.
    fn start(&mut self, tx: &Sender<Msg>);
    /// Carries out one change and reports `Msg::Done` or `Msg::Failed`,
    /// followed by fresh `Msg::Data`.
    fn apply(&mut self, effect: Effect, tx: &Sender<Msg>);
}

const FRAME: Duration = Duration::from_millis(16);

/// Runs the UI until the user quits (or SIGTERM). The terminal is restored
/// on every exit path, panics included (`ratatui::init` installs the hook).
pub fn run(app: App, root: PathBuf, backend: impl Backend, log: &Path) -> std::io::Result<()> {
    let terminate = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGTERM, Arc::clone(&terminate))?;
    signal_hook::flag::register(signal_hook::consts::SIGHUP, Arc::clone(&terminate))?;
    let stderr = StderrToFile::redirect(log)?;
    let mut terminal = ratatui::init();
    // Before the key reader starts: the terminal's replies come on stdin.
    let (graphics, picker) = graphics::detect(app.graphics_setting);
    let mut app = app;
    app.graphics = graphics;
    let result = event_loop(&mut terminal, app, root, backend, picker, &terminate);
    ratatui::restore();
    drop(stderr);
    result
}

/// While the UI owns the screen, anything written to stderr (a library's
/// warning, a progress line) would scroll it: stderr goes to a log file
/// until the UI ends, and is restored before a panic message prints.
struct StderrToFile {
    saved: i32,
}

impl StderrToFile {
    fn redirect(log: &Path) -> std::io::Result<StderrToFile> {
        use std::os::fd::AsRawFd;
        if let Some(parent) = log.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let file = std::fs::File::create(log)?;
        // SAFETY: dup/dup2 on valid descriptors; `saved` is restored on drop.
        let saved = unsafe { libc::dup(2) };
        if saved < 0 || unsafe { libc::dup2(file.as_raw_fd(), 2) } < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // SAFETY: as above.
            unsafe { libc::dup2(saved, 2) };
            previous(info);
        }));
        Ok(StderrToFile { saved })
    }
}

impl Drop for StderrToFile {
    fn drop(&mut self) {
        // SAFETY: restores the descriptor saved in `redirect`.
        unsafe {
            libc::dup2(self.saved, 2);
            libc::close(self.saved);
        }
    }
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    mut app: App,
    root: PathBuf,
    backend: impl Backend,
    picker: Option<ratatui_image::picker::Picker>,
    terminate: &AtomicBool,
) -> std::io::Result<()> {
    let (tx, rx) = unbounded::<Msg>();
    let (mut trace, stamps) = trace::Trace::from_env().unzip();
    let size = terminal.size()?;
    state::update::update(&mut app, Msg::Resize(size.width, size.height));
    term_input::spawn_reader(tx.clone(), stamps);
    let mut previews = Previews::start(root, picker, tx.clone());
    let effect_tx = spawn_backend(backend, tx.clone());
    let mut last_draw = Instant::now() - FRAME;
    loop {
        let timeout = Duration::from_millis(250);
        let first = match rx.recv_timeout(timeout) {
            Ok(msg) => Some(msg),
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => Some(Msg::Tick),
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => None,
        };
        let Some(first) = first else { break };
        let started = Instant::now();
        let mut effects = Vec::new();
        let mut handled = 0;
        for msg in std::iter::once(first).chain(rx.try_iter()) {
            effects.extend(handle(&mut app, msg, trace.as_mut()));
            handled += 1;
        }
        if let Some(t) = trace.as_mut() {
            t.update(started, handled);
        }
        for effect in effects {
            let _ = effect_tx.send(effect);
        }
        if app.quit || terminate.load(Ordering::Relaxed) {
            break;
        }
        previews.request(&app);
        let since = last_draw.elapsed();
        if since < FRAME {
            std::thread::sleep(FRAME - since);
            for msg in rx.try_iter() {
                for effect in handle(&mut app, msg, trace.as_mut()) {
                    let _ = effect_tx.send(effect);
                }
            }
        }
        draw(terminal, &app, &mut previews, trace.as_mut())?;
        last_draw = Instant::now();
    }
    Ok(())
}

/// One frame, with the previews encoded while waiting for it.
fn draw(
    terminal: &mut ratatui::DefaultTerminal,
    app: &App,
    previews: &mut Previews,
    trace: Option<&mut trace::Trace>,
) -> std::io::Result<()> {
    previews.receive();
    let drawing = Instant::now();
    let mut rendered = Duration::ZERO;
    terminal.draw(|frame| {
        view::render(app, &previews.encoded, frame);
        rendered = drawing.elapsed();
    })?;
    if let Some(t) = trace {
        t.frame(drawing, rendered, app);
    }
    Ok(())
}

/// Runs the backend on its own thread: it starts, then carries out each
/// effect sent on the returned channel.
fn spawn_backend(mut backend: impl Backend, tx: Sender<Msg>) -> Sender<Effect> {
    let (effect_tx, effect_rx) = unbounded::<Effect>();
    std::thread::spawn(move || {
        lower_priority();
        // A panic (a bug) is reported on the status bar; the UI goes on.
        let report = |r: Result<(), String>| {
            if let Err(message) = r {
                let _ = tx.send(Msg::Failed(message));
            }
        };
        report(facecurate::panics::catch(|| backend.start(&tx)));
        for effect in effect_rx {
            report(facecurate::panics::catch(|| backend.apply(effect, &tx)));
        }
    });
    effect_tx
}

/// Lowers the calling thread's scheduling priority (nice 10). On Linux the
/// nice value is per thread and inherited by the threads it starts, so the
/// scan's workers, the watcher and retraining all yield to the UI thread and
/// a key still shows at once on a busy machine. Best effort: a refusal only
/// leaves the priority as it was.
fn lower_priority() {
    // SAFETY: plain syscall on the calling thread (`who` 0), no pointers.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// `update`, with the key (if it is one) noted in the trace.
fn handle(app: &mut App, msg: Msg, trace: Option<&mut trace::Trace>) -> Vec<Effect> {
    let Some(t) = trace else {
        return state::update::update(app, msg);
    };
    match &msg {
        Msg::Key(key) => t.key(state::key::key_label(key)),
        Msg::Data(data) => {
            // A fresh view replaces (and drops) the whole old one: timed on its own.
            let (started, photos) = (Instant::now(), data.photos.len());
            let effects = state::update::update(app, msg);
            t.data(started, photos);
            return effects;
        }
        _ => {}
    }
    state::update::update(app, msg)
}

#[cfg(test)]
mod grid_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_backend;
#[cfg(test)]
mod tests_clusters;
#[cfg(test)]
mod tests_curation;
#[cfg(test)]
mod tests_duplicates;
#[cfg(test)]
mod tests_glance;
#[cfg(test)]
mod tests_hostile;
#[cfg(test)]
mod tests_inbox;
