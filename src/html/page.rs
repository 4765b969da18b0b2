//! The page around the sections: head (style sheet, a policy that forbids
//! scripts and outside resources), the summary, the table of contents and
//! the helpers every section uses to show a picture, a name or a count.

use super::PageInput;
use super::pics::Pic;
use super::sections;
use super::select::Selection;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::collections::HashMap;

/// The pictures made for the page, by request.
pub type Uris = HashMap<Pic, Option<String>>;

/// The style sheet, ours and fixed (never data), so embedded unescaped.
const STYLE: &str = include_str!("style.css");

/// Only inline styles and `data:` images: no script runs and nothing is
/// fetched, even if a name ever got past the escaping.
const POLICY: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

pub fn document(input: &PageInput, selection: &Selection, uris: &Uris) -> Markup {
    let title = crate::shown::escape(input.title);
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(POLICY);
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "facecurate report · " (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                (summary(input, &title))
                (contents(selection))
                (sections::findings(selection, uris))
                (sections::duplicates(selection, uris))
                (sections::persons(selection, uris))
                (sections::confusions(input.confusions, selection, uris))
                footer {
                    "Made by facecurate " (env!("CARGO_PKG_VERSION"))
                    " with `facecurate report --html`. Pictures are downscaled copies "
                    "of the dataset's photos, cut to the face the analysis judged."
                }
            }
        }
    }
}

fn summary(input: &PageInput, title: &str) -> Markup {
    let report = input.report;
    html! {
        header {
            h1 { "Curation report · " span.name { (title) } }
            p.totals {
                (count(report.photos.len())) " photos · "
                (count(report.problems())) " problems · "
                (count(report.duplicates.len())) " duplicate pairs · "
                (count(report.persons.len())) " persons"
            }
            p.hint {
                "Worst first. A score is how much less a photo belongs to its person than to "
                "the best other person (above 0: another person explains it better). "
                "Each section shows at most a fixed number of items and says how many there are."
            }
        }
    }
}

fn contents(selection: &Selection) -> Markup {
    let link = |id: &str, name: &str, total: usize| {
        html! { li { a href=(format!("#{id}")) { (name) } " (" (count(total)) ")" } }
    };
    html! {
        nav {
            ul {
                (link("findings", "Worst photos", selection.findings.total))
                (link("duplicates", "Duplicate pairs", selection.duplicates.total))
                (link("persons", "Flagged persons", selection.persons.total))
                (link("confusions", "Confusions", selection.confusions.total))
            }
        }
    }
}

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
    }
}
