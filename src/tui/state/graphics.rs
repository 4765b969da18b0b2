//! Which way photos reach the screen, as a choice the state can hold and
//! the status bar can name: a graphics protocol or coloured half-blocks.
//! Detecting what the terminal supports, and encoding for it, is the
//! terminal layer's business (`tui/graphics.rs`, `tui/thumbs.rs`).

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Graphics {
    #[default]
    Halfblocks,
    Kitty,
    Iterm2,
    Sixel,
}

impl Graphics {
    pub fn name(self) -> &'static str {
        match self {
            Graphics::Halfblocks => "halfblocks",
            Graphics::Kitty => "kitty",
            Graphics::Iterm2 => "iterm2",
            Graphics::Sixel => "sixel",
        }
    }
}

/// What the user asked for (`FACECURATE_GRAPHICS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Setting {
    #[default]
    Auto,
    Fixed(Graphics),
}

pub fn parse_setting(text: &str) -> Result<Setting, String> {
    Ok(match text.trim().to_lowercase().as_str() {
        "" | "auto" => Setting::Auto,
        "halfblocks" | "half-blocks" | "blocks" => Setting::Fixed(Graphics::Halfblocks),
        "kitty" => Setting::Fixed(Graphics::Kitty),
        "iterm2" | "iterm" => Setting::Fixed(Graphics::Iterm2),
        "sixel" => Setting::Fixed(Graphics::Sixel),
        other => {
            return Err(format!(
                "FACECURATE_GRAPHICS: unknown value `{other}`; allowed: auto, halfblocks, kitty, iterm2, sixel"
            ));
        }
    })
}
