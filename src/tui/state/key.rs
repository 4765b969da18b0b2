//! The UI's own key type. `update`, the keymap and the workspace's `keys:`
//! section all speak it, so the state can be driven (and tested) without a
//! terminal; the terminal layer translates its events into it
//! (`tui/term_input.rs`).

/// Which key, as the UI tells keys apart. Keys it never reacts to and
/// cannot bind arrive as `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Delete,
    Insert,
    F(u8),
    Other,
}

/// Modifiers held with a key. Shift is usually already in the character
/// (`G`), which is why the keymap ignores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Mods {
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

impl Mods {
    pub const NONE: Mods = Mods {
        ctrl: false,
        alt: false,
        shift: false,
    };
    pub const CTRL: Mods = Mods {
        ctrl: true,
        ..Mods::NONE
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: Mods,
}

impl Key {
    pub const fn new(code: KeyCode, mods: Mods) -> Key {
        Key { code, mods }
    }

    /// The key with no modifier held.
    pub const fn plain(code: KeyCode) -> Key {
        Key::new(code, Mods::NONE)
    }
}

/// A key as written in the configuration: `q`, `?`, `tab`, `ctrl-r`, `down`…
pub fn parse_key(text: &str) -> Option<Key> {
    let (mods, name) = match text.strip_prefix("ctrl-") {
        Some(rest) => (Mods::CTRL, rest),
        None => (Mods::NONE, text),
    };
    let code = match name {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" | "shift-tab" => KeyCode::BackTab,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "space" => KeyCode::Char(' '),
        s if s.chars().count() == 1 => KeyCode::Char(s.chars().next()?),
        _ => return None,
    };
    Some(Key::new(code, mods))
}

/// Human label of a key for the help overlay.
pub fn key_label(key: &Key) -> String {
    let base = match key.code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => "shift-tab".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        // `left`, `pageup`, `f(5)`: the names the labels have always had.
        other => format!("{other:?}").to_lowercase(),
    };
    if key.mods.ctrl {
        format!("ctrl-{base}")
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_names_parse_into_keys() {
        assert_eq!(parse_key("q"), Some(Key::plain(KeyCode::Char('q'))));
        assert_eq!(
            parse_key("ctrl-q"),
            Some(Key::new(KeyCode::Char('q'), Mods::CTRL))
        );
        assert_eq!(parse_key("shift-tab"), Some(Key::plain(KeyCode::BackTab)));
        assert_eq!(parse_key("space"), Some(Key::plain(KeyCode::Char(' '))));
        assert_eq!(parse_key("G"), Some(Key::plain(KeyCode::Char('G'))));
        assert_eq!(parse_key("ctrl-"), None);
        assert_eq!(parse_key("hyper-x"), None);
    }

    #[test]
    fn labels_read_as_the_configuration_writes_them() {
        let label = |text: &str| parse_key(text).map(|k| key_label(&k));
        assert_eq!(label("ctrl-r").as_deref(), Some("ctrl-r"));
        assert_eq!(label("space").as_deref(), Some("space"));
        assert_eq!(label("backtab").as_deref(), Some("shift-tab"));
        assert_eq!(label("down").as_deref(), Some("↓"));
        assert_eq!(label("right").as_deref(), Some("right"));
        assert_eq!(label("pagedown").as_deref(), Some("pagedown"));
    }
}
