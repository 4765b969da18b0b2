//! How a byte that is not part of valid UTF-8 is written inside text: one
//! character of the last 128 code points of Unicode's private use plane 16
//! (U+10FF80 + byte − 0x80). `pathkey` writes names with them and `shown`
//! escapes them back to `\xNN`; this leaf is the one place that knows the
//! mapping, so neither of those needs the other.

const FIRST: u32 = 0x10_FF80;

/// The byte a character stands for, when it stands for one.
pub fn raw_byte(c: char) -> Option<u8> {
    let c = c as u32;
    (c >= FIRST).then(|| (c - FIRST + 0x80) as u8)
}

/// The character standing for `byte` (0x80..=0xFF; the bytes that can be
/// invalid UTF-8).
pub fn char_of(byte: u8) -> char {
    char::from_u32(FIRST + u32::from(byte.max(0x80)) - 0x80).unwrap_or(char::REPLACEMENT_CHARACTER)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_high_byte_round_trips() {
        for b in 0x80..=0xFF_u8 {
            assert_eq!(super::raw_byte(super::char_of(b)), Some(b));
        }
        assert_eq!(super::raw_byte('é'), None);
    }
}
