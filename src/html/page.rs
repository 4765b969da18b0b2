//! The page around the sections: head (style sheet, a policy that forbids
//! scripts and outside resources), the summary, the table of contents,
//! the sections in order and the footer.

use super::input::PageInput;
use super::parts::{Uris, count};
use super::sections;
use super::select::Selection;
use maud::{DOCTYPE, Markup, PreEscaped, html};

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
