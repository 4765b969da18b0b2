//! The four sections of the page. Every name and path goes through
//! [`crate::shown::escape`] (as on a terminal: control characters and bidi
//! overrides made visible) and then maud's HTML escaping.

use super::confusion::{Confusions, NEIGHBOUR_MIN_PHOTOS, Source};
use super::parts::{Uris, cap_note, count, picture, plural, word};
use super::pics::Pic;
use super::select::{
    EXAMPLE_SIDE, FINDING_SIDE, Group, PAIR_SIDE, PersonStrip, STRIP_SIDE, Selection,
};
use crate::analysis::{DuplicateReport, PhotoReport};
use crate::shown::escape;
use maud::{Markup, html};

/// Persons whose strips are unfolded when the page opens; the rest fold.
const OPEN_PERSONS: usize = 10;

pub fn findings(selection: &Selection, uris: &Uris) -> Markup {
    let f = &selection.findings;
    html! {
        section #findings {
            h2 { "Worst photos " small { (cap_note(f.shown.len(), f.total)) } }
            @if f.total == 0 { p.empty { "No photo is flagged." } }
            div.grid {
                @for (rank, photo) in f.shown.iter().enumerate() {
                    (finding(rank + 1, photo, uris))
                }
            }
        }
    }
}

fn finding(rank: usize, photo: &PhotoReport, uris: &Uris) -> Markup {
    let path = escape(&photo.path);
    let pic = Pic::face(&photo.path, FINDING_SIDE, photo.face_box);
    html! {
        figure.card {
            (picture(uris, &pic, &path))
            figcaption {
                div.rank {
                    "#" (rank)
                    @if let Some(score) = photo.score { " · score " (format!("{score:.2}")) }
                }
                div.flags { @for flag in &photo.flags { span.flag { (word(flag)) } " " } }
                @if let Some(other) = &photo.suggested_person { (suggestion(other, photo.margin, true)) }
                @else if let Some(other) = &photo.nearest_person { (suggestion(other, photo.margin, false)) }
                @if let Some(cause) = &photo.error { div.cause { (escape(cause)) } }
                div.path { (path) }
            }
        }
    }
}

/// The suggestion of a flagged photo, or only its nearest other person: a
/// suggestion is made where the evidence says "move" (a mislabel with a
/// positive margin); anything else is still nearer its own person.
fn suggestion(other: &str, margin: Option<f32>, moves: bool) -> Markup {
    match margin {
        Some(m) if moves => html! {
            div.suggest { "looks like " b { (escape(other)) } " (" (format!("{m:+.2}")) ")" }
        },
        _ => html! {
            div.nearest {
                "nearest other: " (escape(other))
                @if let Some(m) = margin { " (" (format!("{m:+.2}")) ")" }
            }
        },
    }
}

pub fn duplicates(selection: &Selection, uris: &Uris) -> Markup {
    let d = &selection.duplicates;
    html! {
        section #duplicates {
            h2 { "Duplicate pairs " small { (cap_note(d.shown.len(), d.total)) } }
            @if d.total == 0 { p.empty { "No duplicates found." } }
            @for pair in &d.shown { (duplicate(pair, uris)) }
        }
    }
}

fn duplicate(pair: &DuplicateReport, uris: &Uris) -> Markup {
    let side = |key: &str| {
        let path = escape(key);
        html! {
            figure.half {
                (picture(uris, &Pic::whole(key, PAIR_SIDE), &path))
                figcaption.path { (path) }
            }
        }
    };
    html! {
        div.pair {
            (side(&pair.a))
            div.kind {
                span.flag { (word(&pair.kind)) }
                @if let Some(c) = pair.cosine { div { "cosine " (format!("{c:.3}")) } }
                @if let Some(c) = pair.correlation { div { "pixels " (format!("{c:.3}")) } }
            }
            (side(&pair.b))
        }
    }
}

pub fn persons(selection: &Selection, uris: &Uris) -> Markup {
    let p = &selection.persons;
    html! {
        section #persons {
            h2 { "Flagged persons " small { (cap_note(p.shown.len(), p.total)) } }
            p.hint {
                "A split folder holds photos of two or more people: its groups are shown "
                "largest first. A merge means two folders hold one person."
            }
            @if p.total == 0 { p.empty { "No person is flagged." } }
            @for (i, strip) in p.shown.iter().enumerate() {
                (person(strip, i < OPEN_PERSONS, uris))
            }
        }
    }
}

fn person(strip: &PersonStrip, open: bool, uris: &Uris) -> Markup {
    let person = strip.person;
    let groups = &strip.groups;
    html! {
        details.person open[open] {
            summary {
                b { (escape(&person.name)) } " · " (plural(person.photos, "photo")) " "
                @for flag in &person.flags { span.flag { (word(flag)) } " " }
                @if !person.merge_with.is_empty() {
                    "same person as "
                    @for (k, other) in person.merge_with.iter().enumerate() {
                        @if k > 0 { ", " } b { (escape(other)) }
                    }
                }
            }
            @if groups.shown.len() < groups.total {
                div.label { "the first " (groups.shown.len()) " of " (count(groups.total)) " groups" }
            }
            @for (g, group) in groups.shown.iter().enumerate() {
                (strip_of(g, group, groups.total > 1, uris))
            }
        }
    }
}

/// One group's photos in a row, labelled with its folder or its number.
fn strip_of(g: usize, group: &Group, several: bool, uris: &Uris) -> Markup {
    let photos = &group.photos;
    html! {
        div.group {
            div.label {
                @if let Some(folder) = group.folder { b { (escape(folder)) } " · " }
                @else if several { "group " (g + 1) " · " }
                (cap_note(photos.shown.len(), photos.total))
            }
            div.strip {
                @for &(key, face) in &photos.shown {
                    (picture(uris, &Pic::face(key, STRIP_SIDE, face), &escape(key)))
                }
            }
        }
    }
}

pub fn confusions(all: &Confusions, selection: &Selection, uris: &Uris) -> Markup {
    let c = &selection.confusions;
    html! {
        section #confusions {
            h2 {
                "Confusions "
                small { (cap_note(c.shown.len(), c.total)) @if c.total == 1 { " pair" } @else { " pairs" } }
            }
            p.hint { (explain(all)) }
            @if c.total == 0 { p.empty { "Nobody is taken for somebody else." } }
            @else {
                table {
                    thead { tr { th { "filed as" } th { "taken for" } th { "photos" } th { "examples" } } }
                    tbody {
                        @for row in &c.shown {
                            tr {
                                td { (escape(&row.person)) }
                                td { (escape(&row.taken_for)) }
                                td.num { (count(row.count)) }
                                td.strip {
                                    @for (key, face) in &row.examples {
                                        (picture(uris, &Pic::face(key, EXAMPLE_SIDE, *face), &escape(key)))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What the confusion table counts, in words.
fn explain(c: &Confusions) -> Markup {
    let judged = count(c.judged);
    let taken = count(c.total());
    match &c.source {
        Source::Classifier {
            classes,
            held_out_accuracy,
            unknown,
        } => html! {
            "The workspace's trained classifier (" (count(*classes)) " persons"
            @if let Some(a) = held_out_accuracy { ", held-out accuracy " (format!("{:.1}", a * 100.0)) "%" }
            ") asked about " (judged) " photos of the persons it knows: " (taken)
            " it gives to somebody else, " (count(*unknown)) " to nobody it knows. "
            "It was trained on these photos, so a photo it still gives to another person "
            "is one it could not fit: often a wrong label."
        },
        Source::Neighbours { why } => html! {
            "No trained classifier was used (" (escape(why)) "). Instead, the analysis's "
            "nearest-person check: of " (judged) " photos with a face, of persons with "
            (NEIGHBOUR_MIN_PHOTOS) " photos or more, " (taken)
            " are explained better by another person's photos than by their own "
            "(score above 0), counted per pair of persons."
        },
    }
}
