//! The UI's state and everything that changes it, free of terminal types
//! (in the spirit of helix-view beside helix-term): `App`, `update(&mut
//! App, Msg)`, the UI's own key type and keymap, and the plain data they
//! show. Tests drive it with its own messages; the terminal layer above
//! (`tui/*.rs`) translates terminal events into them, draws the state, and
//! keeps what only a terminal needs (images encoded for its protocol).
//! Files here import only each other, never the layer above.

pub mod app;
pub mod clusters;
pub mod effect;
pub mod graphics;
pub mod grid;
pub mod inbox;
pub mod key;
pub mod keys;
pub mod lookups;
pub mod model;
pub mod picker;
pub mod thumb_cache;
pub mod update;

#[cfg(test)]
mod tests {
    /// Words no state file may contain: the terminal crates, and any path
    /// out of this folder into the terminal layer (a test module inside a
    /// state file reaches a sibling by `crate::tui::state::`). Split so this
    /// file, which is checked too, does not trip on its own list.
    const BANNED: [&str; 3] = [
        concat!("rata", "tui"),
        concat!("cross", "term"),
        concat!("super::", "super"),
    ];
    const CRATE_TUI: &str = concat!("crate::", "tui::");

    /// The banned word `line` contains, if any.
    fn offence(line: &str) -> Option<&'static str> {
        if let Some(word) = BANNED.iter().find(|w| line.contains(**w)) {
            return Some(word);
        }
        let outside = line
            .match_indices(CRATE_TUI)
            .any(|(at, _)| !line[at + CRATE_TUI.len()..].starts_with("state::"));
        outside.then_some(CRATE_TUI)
    }

    /// Every `.rs` file in this folder, read from disk so a file added
    /// later is checked without being listed here.
    fn state_files() -> Vec<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui/state");
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .expect("the state folder")
            .map(|entry| entry.expect("a folder entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "rs"))
            .map(|path| {
                let text = std::fs::read_to_string(&path).expect("a state file");
                (path.display().to_string(), text)
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn state_files_name_no_terminal_type() {
        let files = state_files();
        for name in [
            "app.rs",
            "update.rs",
            "key.rs",
            "keys.rs",
            "model.rs",
            "mod.rs",
        ] {
            assert!(
                files.iter().any(|(path, _)| path.ends_with(name)),
                "{name} is not in the state folder"
            );
        }
        let offences: Vec<String> = files
            .iter()
            .flat_map(|(path, text)| {
                text.lines().enumerate().filter_map(move |(i, line)| {
                    let word = offence(line)?;
                    Some(format!("{path}:{}: `{word}` in {line:?}", i + 1))
                })
            })
            .collect();
        assert!(offences.is_empty(), "{offences:#?}");
    }
}
