//! `facecurate show` as a user runs it over SSH: every face of a photo is
//! listed with its box, landmarks and score; with a workspace whose
//! classifier is trained, with the person it resembles; a file that is not
//! a photo is named with its cause and the others still shown; photos are
//! drawn with the graphics protocol asked for (into a pipe too), with
//! half-blocks inside tmux, and not at all into a pipe unless asked.

mod common;

use common::{person_of, photos_under, setup};
use std::process::{Command, Output};

fn facecurate(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(args)
        .output()
        .expect("run facecurate")
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

#[test]
fn show_lists_each_face_and_who_it_resembles() {
    let celeb5 = &setup().celeb5;
    let dir = tempfile::tempdir().expect("temp dir");
    for photo in photos_under(&celeb5.join("train")) {
        let person = dir.path().join("dataset").join(person_of(&photo));
        std::fs::create_dir_all(&person).expect("person folder");
        std::fs::copy(&photo, person.join(photo.file_name().expect("name"))).expect("copy");
    }
    let ws = dir.path().join("ws.yaml");
    std::fs::write(&ws, "dataset: dataset\nstate_dir: state\n").expect("workspace file");
    let madonna = photos_under(&celeb5.join("val").join("madonna"));
    let broken = dir.path().join("broken.jpg");
    std::fs::write(&broken, b"not a photo").expect("write");

    // Without a classifier: the faces alone.
    let out = facecurate(&[os("-w"), ws.as_os_str(), os("show"), madonna[0].as_os_str()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("face 0: box [") && text.contains("score 0."),
        "{text}"
    );
    assert!(
        text.contains("landmarks (") && !text.contains("resembles"),
        "{text}"
    );

    let trained = facecurate(&[
        os("-w"),
        ws.as_os_str(),
        os("train"),
        os("--min-images"),
        os("5"),
    ]);
    assert!(
        trained.status.success(),
        "{}",
        String::from_utf8_lossy(&trained.stderr)
    );
    let out = facecurate(&[
        os("-w"),
        ws.as_os_str(),
        os("show"),
        broken.as_os_str(),
        madonna[0].as_os_str(),
        madonna[1].as_os_str(),
    ]);
    let (text, err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "one photo failed: {err}");
    assert!(err.contains(&broken.display().to_string()), "{err}");
    let resembles = text.matches("resembles madonna").count();
    assert_eq!(resembles, 2, "both Madonna photos: {text}");
}

/// The escape sequences each protocol starts with: kitty's APC, sixel's
/// DCS (`ESC P … q`), iTerm2's OSC 1337.
const KITTY: &str = "\x1b_G";
const ITERM2: &str = "\x1b]1337;File=";
/// The protocols' encoders come with the terminal UI; without it every
/// drawing is half-blocks.
const ENCODERS: bool = cfg!(feature = "tui");

fn has_sixel(text: &str) -> bool {
    text.find("\x1bP").is_some_and(|i| text[i..].contains('q'))
}

fn has_any_protocol(text: &str) -> bool {
    text.contains(KITTY) || text.contains(ITERM2) || has_sixel(text)
}

/// `command` with a plain terminal's environment: no tmux, no hints, no
/// `FACECURATE_GRAPHICS`, so only the arguments and `extra_env` decide.
fn plain_env(mut command: Command, extra_env: &[(&str, &str)]) -> Output {
    command.env("TERM", "xterm-256color");
    for name in [
        "TMUX",
        "STY",
        "TERM_PROGRAM",
        "LC_TERMINAL",
        "KITTY_WINDOW_ID",
        "ITERM_SESSION_ID",
        "WEZTERM_EXECUTABLE",
        "FACECURATE_GRAPHICS",
    ] {
        command.env_remove(name);
    }
    command.envs(extra_env.iter().copied());
    command.output().expect("run")
}

/// A workspace with an empty dataset, and one of the sample photos under
/// a hostile name (it would retitle the terminal if printed raw).
fn workspace_and_photo(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let madonna = photos_under(&setup().celeb5.join("val").join("madonna"));
    std::fs::create_dir_all(dir.join("dataset")).expect("dataset folder");
    let ws = dir.join("ws.yaml");
    std::fs::write(&ws, "dataset: dataset\nstate_dir: state\n").expect("workspace file");
    let photo = dir.join("evil\x1b]0;owned\x07.jpg");
    std::fs::copy(&madonna[0], &photo).expect("copy");
    (ws, photo)
}

#[test]
fn show_draws_with_the_protocol_named_even_into_a_pipe() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (ws, photo) = workspace_and_photo(dir.path());
    let run = |extra: &[&str]| {
        let mut args = vec![
            os("-w"),
            ws.as_os_str(),
            os("show"),
            os("--width"),
            os("12"),
        ];
        args.extend(extra.iter().map(|a| os(a)));
        args.push(photo.as_os_str());
        let mut command = Command::new(env!("CARGO_BIN_EXE_facecurate"));
        command.args(&args);
        let out = plain_env(command, &[]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{extra:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("face 0: box ["), "{extra:?}: {text}");
        assert!(
            text.contains("evil\\e]0;owned\\x07.jpg"),
            "{extra:?}: {text}"
        );
        assert!(
            !text.contains("\x1b]0;owned"),
            "{extra:?}: the name went out raw"
        );
        text
    };
    let kitty = run(&["--graphics", "kitty"]);
    let sixel = run(&["--graphics", "sixel"]);
    let iterm2 = run(&["--graphics", "iterm2"]);
    if ENCODERS {
        assert!(kitty.contains(KITTY) && !kitty.contains(ITERM2), "{kitty}");
        assert!(has_sixel(&sixel) && !sixel.contains(KITTY), "{sixel}");
        assert!(
            iterm2.contains(ITERM2) && !iterm2.contains(KITTY),
            "{iterm2}"
        );
    } else {
        for text in [&kitty, &sixel, &iterm2] {
            assert!(text.contains('▀') && !has_any_protocol(text), "{text}");
        }
    }
    let blocks = run(&["--graphics", "halfblocks"]);
    assert!(
        blocks.contains('▀') && !has_any_protocol(&blocks),
        "{blocks}"
    );
    // Not a terminal and nothing named: the faces alone, as before.
    let plain = run(&[]);
    assert!(!plain.contains('▀') && !has_any_protocol(&plain), "{plain}");
    let listed = run(&["--graphics", "kitty", "--no-image"]);
    assert!(
        !listed.contains('▀') && !has_any_protocol(&listed),
        "{listed}"
    );
}

/// `auto` on a real (pseudo-)terminal, through util-linux `script`:
/// inside tmux nothing is asked and half-blocks are drawn; a terminal
/// known to speak kitty's protocol gets it (in a build with the encoders).
#[cfg(target_os = "linux")]
#[test]
fn show_auto_follows_the_terminal_and_gives_tmux_half_blocks() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (ws, _) = workspace_and_photo(dir.path());
    let photo = photos_under(&setup().celeb5.join("val").join("madonna"))[0].clone();
    let quote =
        |p: &std::path::Path| format!("'{}'", p.display().to_string().replace('\'', "'\\''"));
    let line = format!(
        "stty rows 40 cols 100; exec {} -w {} show --width 12 {}",
        quote(std::path::Path::new(env!("CARGO_BIN_EXE_facecurate"))),
        quote(&ws),
        quote(&photo)
    );
    let in_pty = |env: &[(&str, &str)]| {
        let mut command = Command::new("script");
        command.args([os("-qec"), os(&line), os("/dev/null")]);
        command.stdin(std::process::Stdio::null());
        String::from_utf8_lossy(&plain_env(command, env).stdout).into_owned()
    };
    let tmux = in_pty(&[
        ("TERM", "tmux-256color"),
        ("TMUX", "/tmp/tmux-0/default,1,0"),
    ]);
    assert!(
        tmux.contains("face 0: box [") && tmux.contains('▀'),
        "{tmux}"
    );
    assert!(!has_any_protocol(&tmux), "{tmux}");
    let kitty = in_pty(&[("TERM", "xterm-kitty")]);
    assert!(kitty.contains("face 0: box ["), "{kitty}");
    assert_eq!(kitty.contains(KITTY), ENCODERS, "{kitty}");
}
