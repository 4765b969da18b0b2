//! Which way photos reach the screen: a terminal graphics protocol (kitty,
//! iTerm2, sixel) where the terminal has one, coloured half-blocks
//! otherwise. The choice is a pure function of the environment plus, only
//! where that leaves it open, one short query answered by the terminal
//! itself — read with a deadline on this thread, so a terminal that never
//! answers costs at most [`QUERY_TIMEOUT`] and leaves no reader behind to
//! swallow keys. Inside tmux or screen nothing is asked (the multiplexer,
//! not the terminal, would answer): outer-terminal hints or
//! `FACECURATE_GRAPHICS` decide, half-blocks otherwise. The choice itself
//! is plain state (`state/graphics.rs`); detecting it and building the
//! encoder for it need the terminal, so they live here.

pub use super::state::graphics::{Graphics, Setting};
use ratatui_image::picker::cap_parser::{Parser, QueryStdioOptions, Response};
use ratatui_image::picker::{Picker, ProtocolType};
use std::time::{Duration, Instant};

pub const QUERY_TIMEOUT: Duration = Duration::from_millis(800);

/// The protocol's encoder for a choice of graphics.
fn protocol_type(graphics: Graphics) -> ProtocolType {
    match graphics {
        Graphics::Halfblocks => ProtocolType::Halfblocks,
        Graphics::Kitty => ProtocolType::Kitty,
        Graphics::Iterm2 => ProtocolType::Iterm2,
        Graphics::Sixel => ProtocolType::Sixel,
    }
}

/// What to do before the first frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    Use(Graphics),
    /// Ask the terminal (kitty graphics reply, sixel in the device attributes).
    Query,
}

/// Is the program inside tmux (escape sequences must be wrapped for passthrough)?
pub fn in_tmux(env: &dyn Fn(&str) -> Option<String>) -> bool {
    env("TMUX").is_some_and(|v| !v.is_empty())
        || env("TERM").is_some_and(|t| t.starts_with("tmux"))
        || env("TERM_PROGRAM").is_some_and(|t| t == "tmux")
}

/// The choice from the environment alone; `env` looks a variable up.
pub fn plan(setting: Setting, env: &dyn Fn(&str) -> Option<String>) -> Plan {
    if let Setting::Fixed(g) = setting {
        return Plan::Use(g);
    }
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    let term = env("TERM").unwrap_or_default();
    if term.is_empty() || term == "dumb" || term == "linux" {
        return Plan::Use(Graphics::Halfblocks);
    }
    let program = env("TERM_PROGRAM").unwrap_or_default();
    let iterm_like = ["iTerm", "WezTerm", "mintty", "vscode", "Tabby", "rio"];
    if iterm_like.iter().any(|p| program.contains(p))
        || env("LC_TERMINAL").is_some_and(|t| t.contains("iTerm"))
    {
        return Plan::Use(Graphics::Iterm2);
    }
    if in_tmux(env) || set("STY") || term.starts_with("screen") {
        // The multiplexer answers queries itself; only hints about the
        // terminal outside it are worth trusting (they can be stale).
        return Plan::Use(if set("KITTY_WINDOW_ID") {
            Graphics::Kitty
        } else if set("ITERM_SESSION_ID") || set("WEZTERM_EXECUTABLE") {
            Graphics::Iterm2
        } else {
            Graphics::Halfblocks
        });
    }
    if set("KITTY_WINDOW_ID") || term == "xterm-kitty" || term == "xterm-ghostty" {
        return Plan::Use(Graphics::Kitty);
    }
    Plan::Query
}

/// The terminal's replies to [`Parser::query`] turned into a choice: kitty
/// over sixel over half-blocks, and the cell size in pixels when reported.
pub fn from_replies(replies: &[Response]) -> (Graphics, Option<(u16, u16)>) {
    let graphics = if replies.contains(&Response::Kitty) {
        Graphics::Kitty
    } else if replies.contains(&Response::Sixel) {
        Graphics::Sixel
    } else {
        Graphics::Halfblocks
    };
    let cell = replies.iter().find_map(|r| match r {
        Response::CellSize(Some((w, h))) if *w > 0 && *h > 0 => Some((*w, *h)),
        _ => None,
    });
    (graphics, cell)
}

/// Decides the protocol for this terminal and builds the encoder for it
/// (`None` for half-blocks, which the UI draws itself). Call with the
/// terminal in raw mode and before anything else reads the keyboard.
pub fn detect(setting: Setting) -> (Graphics, Option<Picker>) {
    let env = |name: &str| std::env::var(name).ok();
    let tty = std::io::IsTerminal::is_terminal(&std::io::stdin());
    let (graphics, cell) = match plan(setting, &env) {
        Plan::Use(g) => (g, None),
        Plan::Query if tty => from_replies(&query(QUERY_TIMEOUT)),
        Plan::Query => (Graphics::Halfblocks, None),
    };
    if graphics == Graphics::Halfblocks {
        return (graphics, None);
    }
    let cell = cell.or_else(cell_size_from_winsize).unwrap_or((10, 20));
    let mut picker = Picker::from_fontsize(cell);
    picker.set_protocol_type(protocol_type(graphics));
    (graphics, Some(picker))
}

/// Writes the capability query and reads replies until the device status
/// report (which every terminal answers, last) or the deadline.
fn query(timeout: Duration) -> Vec<Response> {
    use std::io::Write;
    let text = Parser::query(
        false,
        QueryStdioOptions {
            text_sizing_protocol: false,
        },
    );
    let mut out = std::io::stdout();
    if out
        .write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        return Vec::new();
    }
    let deadline = Instant::now() + timeout;
    let mut parser = Parser::new();
    let mut replies = Vec::new();
    let mut buf = [0u8; 256];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return replies;
        }
        let mut fds = libc::pollfd {
            fd: 0,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd; read into a buffer of the given length.
        let ready = unsafe { libc::poll(&mut fds, 1, left.as_millis().max(1) as i32) };
        if ready <= 0 {
            return replies;
        }
        let n = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            return replies;
        }
        for &b in &buf[..n as usize] {
            for reply in parser.push(char::from(b)) {
                if reply == Response::Status {
                    return replies;
                }
                replies.push(reply);
            }
        }
    }
}

/// Cell size from the window size in pixels, where the terminal reports it.
fn cell_size_from_winsize() -> Option<(u16, u16)> {
    let mut ws = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ fills the winsize it is given.
    let ok = unsafe { libc::ioctl(1, libc::TIOCGWINSZ, &mut ws) } == 0;
    (ok && ws.ws_col > 0 && ws.ws_row > 0 && ws.ws_xpixel > 0 && ws.ws_ypixel > 0)
        .then(|| (ws.ws_xpixel / ws.ws_col, ws.ws_ypixel / ws.ws_row))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::state::graphics::parse_setting;
    use std::collections::HashMap;

    fn plan_for(setting: Setting, vars: &[(&str, &str)]) -> Plan {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        plan(setting, &|name| map.get(name).cloned())
    }

    #[test]
    fn a_forced_choice_wins_over_every_hint() {
        for (text, g) in [
            ("halfblocks", Graphics::Halfblocks),
            ("KITTY", Graphics::Kitty),
            ("iterm2", Graphics::Iterm2),
            ("sixel", Graphics::Sixel),
        ] {
            let setting = parse_setting(text).expect("valid");
            let p = plan_for(setting, &[("TERM", "tmux-256color"), ("TMUX", "/tmp/x")]);
            assert_eq!(p, Plan::Use(g), "{text}");
        }
        assert_eq!(parse_setting("auto"), Ok(Setting::Auto));
        let err = parse_setting("png").expect_err("unknown");
        assert!(err.contains("png") && err.contains("FACECURATE_GRAPHICS"));
    }

    #[test]
    fn tmux_and_screen_never_query_and_default_to_halfblocks() {
        let tmux = [
            ("TERM", "tmux-256color"),
            ("TMUX", "/tmp/tmux-0/default,1,0"),
        ];
        assert_eq!(
            plan_for(Setting::Auto, &tmux),
            Plan::Use(Graphics::Halfblocks)
        );
        assert_eq!(
            plan_for(
                Setting::Auto,
                &[("TERM", "screen-256color"), ("STY", "1.pts")]
            ),
            Plan::Use(Graphics::Halfblocks)
        );
        // Inside tmux under kitty, the outer terminal's hint is used.
        let mut hinted = tmux.to_vec();
        hinted.push(("KITTY_WINDOW_ID", "3"));
        assert_eq!(plan_for(Setting::Auto, &hinted), Plan::Use(Graphics::Kitty));
    }

    #[test]
    fn known_terminals_are_recognised_and_others_are_asked() {
        assert_eq!(
            plan_for(Setting::Auto, &[("TERM", "xterm-kitty")]),
            Plan::Use(Graphics::Kitty)
        );
        assert_eq!(
            plan_for(
                Setting::Auto,
                &[("TERM", "xterm-256color"), ("TERM_PROGRAM", "iTerm.app")]
            ),
            Plan::Use(Graphics::Iterm2)
        );
        assert_eq!(
            plan_for(Setting::Auto, &[("TERM", "xterm-256color")]),
            Plan::Query
        );
        assert_eq!(
            plan_for(Setting::Auto, &[]),
            Plan::Use(Graphics::Halfblocks)
        );
        assert_eq!(
            plan_for(Setting::Auto, &[("TERM", "dumb")]),
            Plan::Use(Graphics::Halfblocks)
        );
    }

    /// Replies as a terminal writes them, through the same parser the query uses.
    fn parse(bytes: &str) -> Vec<Response> {
        let mut parser = Parser::new();
        bytes
            .chars()
            .flat_map(|c| parser.push(c))
            .filter(|r| *r != Response::Status)
            .collect()
    }

    #[test]
    fn replies_pick_kitty_then_sixel_then_halfblocks() {
        let kitty = parse("\x1b_Gi=31;OK\x1b\\\x1b[?62;22c\x1b[6;20;10t\x1b[0n");
        assert_eq!(from_replies(&kitty), (Graphics::Kitty, Some((10, 20))));
        let sixel = parse("\x1b[?62;4;22c\x1b[0n");
        assert_eq!(from_replies(&sixel), (Graphics::Sixel, None));
        let plain = parse("\x1b[?1;2c\x1b[0n");
        assert_eq!(from_replies(&plain), (Graphics::Halfblocks, None));
        assert_eq!(from_replies(&[]), (Graphics::Halfblocks, None));
    }
}
