//! What every section uses: a picture or its stand-in, a count, a cap,
//! a report word.

use super::pics::Pic;
use maud::{Markup, html};
use std::collections::HashMap;

/// The pictures made for the page, by request.
pub type Uris = HashMap<Pic, Option<String>>;

/// The picture `pic`, or a grey box saying it could not be read again.
pub fn picture(uris: &Uris, pic: &Pic, caption: &str) -> Markup {
    match uris.get(pic).and_then(|u| u.as_deref()) {
        Some(uri) => html! { img src=(uri) alt=(caption) title=(caption); },
        None => html! {
            span.missing style=(format!("width:{0}px;height:{0}px", pic.side)) title=(caption) {
                "no picture"
            }
        },
    }
}

/// "top 200 of 1,234", or "all 17" when nothing was left out.
pub fn cap_note(shown: usize, total: usize) -> String {
    if shown < total {
        format!("top {} of {}", count(shown), count(total))
    } else {
        format!("all {}", count(total))
    }
}

/// A count with thousands separated: 9,525.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 photo", "2 photos".
pub fn plural(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        _ => format!("{} {noun}s", count(n)),
    }
}

/// A report word as the JSON spells it (`no_face`), spaced for reading.
pub fn word<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(9525), "9,525");
        assert_eq!(count(1234567), "1,234,567");
    }

    #[test]
    fn a_cap_says_how_many_there_were() {
        assert_eq!(cap_note(200, 1234), "top 200 of 1,234");
        assert_eq!(cap_note(17, 17), "all 17");
        assert_eq!(plural(1, "photo"), "1 photo");
        assert_eq!(plural(1234, "photo"), "1,234 photos");
    }
}
