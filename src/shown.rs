//! Names made safe to show on a terminal. Photo and folder names come from
//! the web (URLs, captions) and are untrusted: a name holding ESC, BEL or an
//! OSC sequence would retitle the terminal, recolour it or write the
//! clipboard, and a bidi override would make it read as something else.
//! Every place that shows a name, a path or a message that may hold one
//! (the TUI, text reports, progress bars, error messages) passes it through
//! [`escape`] or its siblings here; the names on disk are never changed, and
//! JSON output keeps them exact.
//!
//! The escaping follows `ls -b`'s spirit: `\e` for ESC, `\t` `\n` `\r` by
//! name, other C0 controls, DEL and bytes that are not UTF-8 as `\xNN`,
//! C1 controls and bidi or line-separator formatting as `\u{NNNN}`.
//! Characters that stand for non-UTF-8 bytes in store keys
//! ([`crate::pathkey`]) show as the byte they stand for.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::Path;

/// True for a character that must never reach a terminal as it is.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
            | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || crate::raw_bytes::raw_byte(c).is_some()
}

/// `s` with every unsafe character escaped; borrowed when nothing needed it.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_char(&mut out, c);
    }
    Cow::Owned(out)
}

/// Like [`escape`], but line breaks stay line breaks: for whole messages
/// and reports made of lines, where names inside were already escaped or
/// the only newline is the layout's own.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && needs_escape(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c == '\n' {
            out.push(c);
        } else {
            push_char(&mut out, c);
        }
    }
    Cow::Owned(out)
}

/// An OS string (a file name) escaped, with bytes that are not UTF-8 as `\xNN`.
pub fn escape_os(s: &OsStr) -> Cow<'_, str> {
    let bytes = s.as_encoded_bytes();
    if let Ok(text) = std::str::from_utf8(bytes) {
        return escape(text);
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(&escape(chunk.valid()));
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    Cow::Owned(out)
}

/// A path escaped for the terminal (see [`escape_os`]).
pub fn path(p: &Path) -> Cow<'_, str> {
    escape_os(p.as_os_str())
}

fn push_char(out: &mut String, c: char) {
    if !needs_escape(c) {
        out.push(c);
        return;
    }
    let _ = match c {
        '\u{1b}' => out.write_str("\\e"),
        '\t' => out.write_str("\\t"),
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        c if (c as u32) < 0x80 => write!(out, "\\x{:02X}", c as u32),
        c => match crate::raw_bytes::raw_byte(c) {
            Some(b) => write!(out, "\\x{b:02X}"),
            None => write!(out, "\\u{{{:x}}}", c as u32),
        },
    };
}

/// [`path`] as a `Display` value, for `format!` arguments.
pub struct Shown<'a>(pub &'a Path);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&path(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        let hostile = "x\u{1b}]0;PWNED\u{7}\u{1b}[31mRED\r\u{202e}gpj.exe\u{9b}\u{7f}";
        let shown = escape(hostile);
        assert_eq!(
            shown,
            "x\\e]0;PWNED\\x07\\e[31mRED\\r\\u{202e}gpj.exe\\u{9b}\\x7F"
        );
        assert!(!shown.chars().any(needs_escape));
    }

    #[test]
    fn plain_names_are_borrowed_unchanged() {
        for name in [
            "Aaron_Peirsol/Aaron_Peirsol_0001.jpg",
            "José Ñúñez",
            "王楠",
            "a\\b",
        ] {
            assert!(matches!(escape(name), Cow::Borrowed(s) if s == name));
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_show_as_hex() {
        let name = OsStr::from_bytes(b"Jos\xe9\x1b.jpg");
        assert_eq!(escape_os(name), "Jos\\xE9\\e.jpg");
    }

    #[test]
    fn store_keys_show_like_the_names_on_disk() {
        let raw = OsStr::from_bytes(b"p\xff/x\xe9.jpg");
        let key = crate::pathkey::key_of(Path::new(raw)).unwrap();
        assert_eq!(escape(&key), escape_os(raw));
    }

    #[test]
    fn text_keeps_its_line_breaks() {
        assert_eq!(escape_text("a\u{1b}b\nc\r"), "a\\eb\nc\\r");
    }
}
