//! Shell integration as a user installs it: the completion scripts parse in
//! their shell and know every command and global option, and the man pages
//! cover every command `--help` lists.

use std::process::{Command, Output};

fn facecurate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_facecurate"))
        .args(args)
        .output()
        .expect("run facecurate")
}

fn stdout_of(args: &[&str]) -> String {
    let out = facecurate(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The commands `facecurate --help` lists (without `help`).
fn commands() -> Vec<String> {
    let help = stdout_of(&["--help"]);
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn completion_scripts_parse_and_know_every_command() {
    let commands = commands();
    assert!(commands.len() > 20, "{commands:?}");
    let bash = stdout_of(&["completions", "bash"]);
    for command in &commands {
        assert!(
            bash.contains(command.as_str()),
            "bash completion lacks {command}"
        );
    }
    assert!(bash.contains("--workspace") && bash.contains("--device"));
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("facecurate.bash");
    std::fs::write(&script, &bash).expect("write script");
    let checked = Command::new("bash").arg("-n").arg(&script).output();
    if let Ok(checked) = checked {
        assert!(
            checked.status.success(),
            "bash -n: {}",
            String::from_utf8_lossy(&checked.stderr)
        );
    }
    assert!(stdout_of(&["completions", "zsh"]).starts_with("#compdef facecurate"));
    assert!(stdout_of(&["completions", "fish"]).contains("complete -c facecurate"));
    let unknown = facecurate(&["completions", "tcsh"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn man_pages_cover_every_command() {
    let page = stdout_of(&["man"]);
    assert!(page.contains(".TH facecurate 1"), "{page}");
    let dir = tempfile::tempdir().expect("temp dir");
    let pages = dir.path().join("man1");
    stdout_of(&["man", "--dir", pages.to_str().expect("UTF-8 path")]);
    assert!(pages.join("facecurate.1").is_file());
    for command in commands() {
        let file = pages.join(format!("facecurate-{command}.1"));
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            text.contains(&format!(".TH facecurate-{command} 1")),
            "{}: missing or without its title",
            file.display()
        );
    }
}
