//! Terminal input into the state's own messages: crossterm's key events
//! become [`Key`]s and resizes become `Msg::Resize`, on a reader thread of
//! their own. The only place crossterm's key types are read, so `update`
//! and its tests never see them.

use super::state::key::{Key, KeyCode, Mods};
use super::state::update::Msg;
use super::trace::Stamps;
use crossbeam_channel::Sender;
use crossterm::event::{self, Event, KeyEvent, KeyEventKind, KeyModifiers};

/// The UI's key for a terminal key event; `None` for releases and repeats
/// (only presses act).
pub fn key_of(event: &KeyEvent) -> Option<Key> {
    if event.kind != KeyEventKind::Press {
        return None;
    }
    let mods = Mods {
        ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
        alt: event.modifiers.contains(KeyModifiers::ALT),
        shift: event.modifiers.contains(KeyModifiers::SHIFT),
    };
    let code = code_of(event.code);
    // Raw mode swallows SIGINT: Ctrl-C quits like `q`.
    if code == KeyCode::Char('c') && mods.ctrl {
        return Some(Key::plain(KeyCode::Char('q')));
    }
    Some(Key::new(code, mods))
}

fn code_of(code: event::KeyCode) -> KeyCode {
    use event::KeyCode as Term;
    match code {
        Term::Char(c) => KeyCode::Char(c),
        Term::Enter => KeyCode::Enter,
        Term::Esc => KeyCode::Esc,
        Term::Tab => KeyCode::Tab,
        Term::BackTab => KeyCode::BackTab,
        Term::Backspace => KeyCode::Backspace,
        Term::Up => KeyCode::Up,
        Term::Down => KeyCode::Down,
        Term::Left => KeyCode::Left,
        Term::Right => KeyCode::Right,
        Term::Home => KeyCode::Home,
        Term::End => KeyCode::End,
        Term::PageUp => KeyCode::PageUp,
        Term::PageDown => KeyCode::PageDown,
        Term::Delete => KeyCode::Delete,
        Term::Insert => KeyCode::Insert,
        Term::F(n) => KeyCode::F(n),
        _ => KeyCode::Other,
    }
}

/// Reads the terminal until it fails or the UI stops listening, sending
/// keys and resizes as `Msg`s; each key is stamped for the trace.
pub fn spawn_reader(tx: Sender<Msg>, stamps: Option<Stamps>) {
    std::thread::spawn(move || {
        loop {
            let msg = match event::read() {
                Ok(Event::Key(event)) => match key_of(&event) {
                    Some(key) => {
                        if let Some(s) = &stamps {
                            s.key_arrived();
                        }
                        Msg::Key(key)
                    }
                    None => continue,
                },
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.send(msg).is_err() {
                break;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    fn press(code: event::KeyCode, mods: KeyModifiers) -> Option<Key> {
        key_of(&KeyEvent::new(code, mods))
    }

    #[test]
    fn terminal_keys_become_the_uis_own() {
        let none = KeyModifiers::NONE;
        assert_eq!(
            press(event::KeyCode::Char('j'), none),
            Some(Key::plain(KeyCode::Char('j')))
        );
        assert_eq!(
            press(event::KeyCode::Char('r'), KeyModifiers::CONTROL),
            Some(Key::new(KeyCode::Char('r'), Mods::CTRL))
        );
        let shifted = Mods {
            shift: true,
            ..Mods::NONE
        };
        assert_eq!(
            press(event::KeyCode::BackTab, KeyModifiers::SHIFT),
            Some(Key::new(KeyCode::BackTab, shifted))
        );
        assert_eq!(
            press(event::KeyCode::F(5), none),
            Some(Key::plain(KeyCode::F(5)))
        );
        assert_eq!(
            press(event::KeyCode::CapsLock, none),
            Some(Key::plain(KeyCode::Other))
        );
    }

    #[test]
    fn ctrl_c_quits_like_q_and_only_presses_count() {
        assert_eq!(
            press(event::KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Key::plain(KeyCode::Char('q')))
        );
        let release = KeyEvent::new_with_kind_and_state(
            event::KeyCode::Char('q'),
            KeyModifiers::NONE,
            KeyEventKind::Release,
            KeyEventState::NONE,
        );
        assert_eq!(key_of(&release), None);
    }
}
