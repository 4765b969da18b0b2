//! Key bindings: terminal conventions by default (arrows and vim keys, Tab,
//! Enter, Esc, `/`, `?`, `q`), each action remappable by name.

use super::key::{Key, Mods, key_label, parse_key};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Quit,
    Help,
    NextScreen,
    PrevScreen,
    Up,
    Down,
    Top,
    Bottom,
    Open,
    Back,
    Search,
    Sort,
    Accept,
    MoveTo,
    Reviewed,
    Delete,
    KeepLeft,
    KeepRight,
    NotDuplicate,
    Undo,
    Redo,
    Retrain,
    Cluster,
    MoveCluster,
    Map,
    NewPerson,
}

impl Action {
    pub const ALL: [Action; 26] = [
        Action::Quit,
        Action::Help,
        Action::NextScreen,
        Action::PrevScreen,
        Action::Up,
        Action::Down,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::Back,
        Action::Search,
        Action::Sort,
        Action::Accept,
        Action::MoveTo,
        Action::Reviewed,
        Action::Delete,
        Action::KeepLeft,
        Action::KeepRight,
        Action::NotDuplicate,
        Action::Undo,
        Action::Redo,
        Action::Retrain,
        Action::Cluster,
        Action::MoveCluster,
        Action::Map,
        Action::NewPerson,
    ];

    /// The name used in workspace.yaml's `keys:` section.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::NextScreen => "next_screen",
            Action::PrevScreen => "prev_screen",
            Action::Up => "up",
            Action::Down => "down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Open => "open",
            Action::Back => "back",
            Action::Search => "search",
            Action::Sort => "sort",
            Action::Accept => "accept",
            Action::MoveTo => "move",
            Action::Reviewed => "reviewed",
            Action::Delete => "delete",
            Action::KeepLeft => "keep_left",
            Action::KeepRight => "keep_right",
            Action::NotDuplicate => "not_duplicate",
            Action::Undo => "undo",
            Action::Redo => "redo",
            Action::Retrain => "retrain",
            Action::Cluster => "cluster",
            Action::MoveCluster => "move_cluster",
            Action::Map => "map",
            Action::NewPerson => "new_person",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "show or hide this help",
            Action::NextScreen => "next screen",
            Action::PrevScreen => "previous screen",
            Action::Up => "move up",
            Action::Down => "move down",
            Action::Top => "go to the first row",
            Action::Bottom => "go to the last row",
            Action::Open => "open the selected person / pick the right photo of a pair",
            Action::Back => "back / close / cancel / pick the left photo of a pair",
            Action::Search => "search people",
            Action::Sort => "sort people by flags, name or size",
            Action::Accept => "accept the suggestion: move the photo to the person it resembles",
            Action::MoveTo => "move the photo to any person (fuzzy picker; new names allowed)",
            Action::Reviewed => "mark the photo reviewed: not flagged again unless it changes",
            Action::Delete => "delete the photo to the trash (asks first)",
            Action::KeepLeft => "keep the left photo of a pair, trash the right (asks)",
            Action::KeepRight => "keep the right photo of a pair, trash the left (asks)",
            Action::NotDuplicate => "not a duplicate: never report this pair again",
            Action::Undo => "undo the last change",
            Action::Redo => "redo",
            Action::Retrain => "retrain the classifier now",
            Action::Cluster => "Person: show the next cluster only (then all photos)",
            Action::MoveCluster => "Person: move the shown cluster to a person (one undo)",
            Action::Map => "Person: the 2-D map (PCA of the faces) or the grid",
            Action::NewPerson => "make a new person of an unknown inbox photo and its group",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: BTreeMap<Action, Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut bindings = BTreeMap::new();
        let defaults: [(Action, &[&str]); 26] = [
            (Action::Quit, &["q"]),
            (Action::Help, &["?"]),
            (Action::NextScreen, &["tab"]),
            (Action::PrevScreen, &["backtab"]),
            (Action::Up, &["up", "k"]),
            (Action::Down, &["down", "j"]),
            (Action::Top, &["home", "g"]),
            (Action::Bottom, &["end", "G"]),
            (Action::Open, &["enter", "l", "right"]),
            (Action::Back, &["esc", "h", "left"]),
            (Action::Search, &["/"]),
            (Action::Sort, &["s"]),
            (Action::Accept, &["a"]),
            (Action::MoveTo, &["m"]),
            (Action::Reviewed, &["o"]),
            (Action::Delete, &["d"]),
            (Action::KeepLeft, &["["]),
            (Action::KeepRight, &["]"]),
            (Action::NotDuplicate, &["i"]),
            (Action::Undo, &["u"]),
            (Action::Redo, &["ctrl-r", "U"]),
            (Action::Retrain, &["t"]),
            (Action::Cluster, &["c"]),
            (Action::MoveCluster, &["M"]),
            (Action::Map, &["v"]),
            (Action::NewPerson, &["n"]),
        ];
        for (action, keys) in defaults {
            bindings.insert(action, keys.iter().filter_map(|k| parse_key(k)).collect());
        }
        Keymap { bindings }
    }
}

impl Keymap {
    /// Applies `action name → keys` overrides, naming any unknown action or key.
    pub fn with_overrides(
        mut self,
        overrides: &BTreeMap<String, Vec<String>>,
    ) -> Result<Keymap, String> {
        for (name, keys) in overrides {
            let action = Action::ALL
                .into_iter()
                .find(|a| a.name() == name)
                .ok_or_else(|| format!("keys: unknown action `{name}`"))?;
            let parsed = keys
                .iter()
                .map(|k| parse_key(k).ok_or_else(|| format!("keys.{name}: cannot read key `{k}`")))
                .collect::<Result<Vec<_>, _>>()?;
            self.bindings.insert(action, parsed);
        }
        Ok(self)
    }

    /// The action bound to `key`. Shift is not compared: it is already in
    /// the character (`G`), and terminals differ in whether they report it.
    pub fn action(&self, key: &Key) -> Option<Action> {
        let wanted = Key::new(
            key.code,
            Mods {
                shift: false,
                ..key.mods
            },
        );
        self.bindings
            .iter()
            .find(|(_, keys)| keys.contains(&wanted))
            .map(|(a, _)| *a)
    }

    pub fn keys_of(&self, action: Action) -> &[Key] {
        self.bindings.get(&action).map(Vec::as_slice).unwrap_or(&[])
    }

    /// How a hint names the action: its first key (empty when unbound).
    pub fn label_of(&self, action: Action) -> String {
        self.keys_of(action)
            .first()
            .map(key_label)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::state::key::KeyCode;

    #[test]
    fn overrides_bind_the_own_key_type_as_written() {
        let mut overrides = BTreeMap::new();
        overrides.insert("quit".to_string(), vec!["q".into(), "ctrl-q".into()]);
        let keymap = Keymap::default().with_overrides(&overrides).expect("valid");
        let ctrl_q = Key::new(KeyCode::Char('q'), Mods::CTRL);
        assert_eq!(
            keymap.keys_of(Action::Quit),
            [Key::plain(KeyCode::Char('q')), ctrl_q]
        );
        assert_eq!(keymap.action(&ctrl_q), Some(Action::Quit));
        let alt_q = Key::new(
            KeyCode::Char('q'),
            Mods {
                alt: true,
                ..Mods::NONE
            },
        );
        assert_eq!(keymap.action(&alt_q), None, "alt is compared");
        let shifted = Key::new(
            KeyCode::Char('G'),
            Mods {
                shift: true,
                ..Mods::NONE
            },
        );
        assert_eq!(
            keymap.action(&shifted),
            Some(Action::Bottom),
            "shift is not"
        );
        overrides.insert("quit".to_string(), vec!["ctrl-hyper".into()]);
        let err = Keymap::default()
            .with_overrides(&overrides)
            .expect_err("bad key");
        assert!(
            err.contains("keys.quit") && err.contains("ctrl-hyper"),
            "{err}"
        );
    }
}
