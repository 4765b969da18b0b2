//! The shape of the source tree, checked with std alone: no file of src/
//! may take part in an import cycle (a cycle makes every file in it depend
//! on all the others, so none can be read, tested or moved alone). An
//! ignored test lists the longest functions and the largest files:
//! `cargo test --test structure -- --ignored --nocapture`.

// A test crate's root looks for modules beside it, not in its own folder.
#[path = "structure/graph.rs"]
mod graph;
#[path = "structure/lex.rs"]
mod lex;
#[path = "structure/parse.rs"]
mod parse;

use graph::{Tree, cycles, load};
use std::collections::BTreeSet;
use std::path::Path;

/// Cycles tolerated while a change that breaks them is under way, each as
/// its sorted files; the test fails on any other. Empty since issue 16.
const KNOWN: &[&[&str]] = &[];

fn tree() -> Tree {
    match load(Path::new(env!("CARGO_MANIFEST_DIR"))) {
        Ok(tree) => tree,
        Err(e) => panic!("reading src/: {e}"),
    }
}

fn name(tree: &Tree, i: usize) -> String {
    tree.modules[i].file.display().to_string()
}

/// Every cycle, its files sorted, with the edges inside it and the line
/// that makes each one.
fn find_cycles(tree: &Tree) -> Vec<(Vec<String>, Vec<String>)> {
    let edges = tree.edges();
    let mut found: Vec<_> = cycles(tree.modules.len(), &edges)
        .into_iter()
        .map(|scc| {
            let inside: BTreeSet<usize> = scc.iter().copied().collect();
            let mut files: Vec<String> = scc.iter().map(|&i| name(tree, i)).collect();
            files.sort();
            let mut how: Vec<String> = edges
                .iter()
                .filter(|((a, b), _)| inside.contains(a) && inside.contains(b))
                .map(|(&(a, b), line)| format!("{}:{line} -> {}", name(tree, a), name(tree, b)))
                .collect();
            how.sort();
            (files, how)
        })
        .collect();
    found.sort();
    found
}

fn show(files: &[String], how: &[String]) -> String {
    let mut text = format!("cycle of {}: {}\n", files.len(), files.join(", "));
    for edge in how {
        text.push_str(&format!("    {edge}\n"));
    }
    text
}

#[test]
fn no_import_cycles() {
    let found = find_cycles(&tree());
    let mut report = String::new();
    for (files, how) in &found {
        let known = KNOWN.iter().any(|k| k.iter().eq(files.iter()));
        eprint!(
            "{}{}",
            if known { "(known) " } else { "" },
            show(files, how)
        );
        if !known {
            report.push_str(&show(files, how));
        }
    }
    for k in KNOWN {
        if !found.iter().any(|(files, _)| k.iter().eq(files.iter())) {
            eprintln!("gone, drop it from KNOWN: {}", k.join(", "));
        }
    }
    assert!(report.is_empty(), "import cycles in src/:\n{report}");
}

/// The fifteen longest functions and largest files, for the lead's notes.
#[test]
#[ignore = "a listing, not a check"]
fn listing() {
    let tree = tree();
    let mut fns: Vec<(usize, String, String)> = Vec::new();
    let mut files: Vec<(usize, String)> = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for m in &tree.modules {
        let file = m.file.display().to_string();
        let text = std::fs::read_to_string(root.join(&m.file)).unwrap_or_default();
        files.push((text.lines().count(), file.clone()));
        for f in &m.facts.fns {
            fns.push((f.last - f.first + 1, f.name.clone(), file.clone()));
        }
    }
    fns.sort_by(|a, b| b.0.cmp(&a.0).then(a.2.cmp(&b.2)));
    files.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let over = fns.iter().filter(|f| f.0 > 80).count();
    println!("{over} functions over 80 lines; the 15 longest:");
    for (lines, name, file) in fns.iter().take(15) {
        println!("{lines:5}  {file}::{name}");
    }
    println!("the 15 largest files:");
    for (lines, file) in files.iter().take(15) {
        println!("{lines:5}  {file}");
    }
    for (files, how) in find_cycles(&tree) {
        print!("{}", show(&files, &how));
    }
}

/// Every path a snippet names, as `a::b` strings, with the `use` aliases.
fn named(src: &str) -> Vec<String> {
    parse::facts(src)
        .named
        .iter()
        .map(|n| match &n.alias {
            Some(alias) => format!("{} as {alias}", n.segs.join("::")),
            None => n.segs.join("::"),
        })
        .collect()
}

#[test]
fn use_trees_expand_groups_aliases_and_visibility() {
    let src = "pub(crate) use super::super::x::{a, b::{self, c}, d as e, f::*};\n\
               use ::std::fmt;";
    let expect = [
        "super::super::x::a as a",
        "super::super::x::b as b",
        "super::super::x::b::c as c",
        "super::super::x::d as e",
        "super::super::x::f",
        "std::fmt as fmt",
    ];
    assert_eq!(named(src), expect);
}

#[test]
fn comments_strings_and_chars_hide_nothing_real() {
    let src = r##"
        // use crate::commented;
        /* crate::block /* nested */ crate::still */
        fn f<'a>(s: &'a str) -> char {
            let _ = "crate::quoted {"; let _ = r#"crate::raw "}"#;
            let _ = b'{'; let _ = '\''; let _ = Vec::<u8>::new();
            crate::real::path(s); '}'
        }"##;
    assert_eq!(named(src), ["Vec", "crate::real::path"]);
    let fns = parse::facts(src).fns;
    assert_eq!(
        (fns[0].name.as_str(), fns[0].first, fns[0].last),
        ("f", 4, 8)
    );
}

#[test]
fn test_items_are_skipped_and_mod_declarations_kept() {
    let src = "#[cfg(test)]\nmod tests { use crate::a; }\n\
               #[cfg(test)]\nmod more;\n#[path = \"x.rs\"]\npub mod y;\n\
               #[cfg(test)]\npub(crate) fn only_in_tests() { crate::b::c(); }\n\
               use crate::d;";
    let facts = parse::facts(src);
    let mods: Vec<_> = facts
        .mods
        .iter()
        .map(|m| (m.name.as_str(), m.path.as_deref(), m.test))
        .collect();
    assert_eq!(mods, [("more", None, true), ("y", Some("x.rs"), false)]);
    assert_eq!(named(src), ["crate::d as d"]);
}

#[test]
fn tarjan_finds_each_cycle_once() {
    // 0 -> 1 -> 2 -> 0 and 3 <-> 4, with 5 hanging off the first.
    let edges = [(0, 1), (1, 2), (2, 0), (2, 5), (3, 4), (4, 3)];
    let edges = edges.into_iter().map(|e| (e, 0)).collect();
    let mut found: Vec<Vec<usize>> = cycles(6, &edges)
        .into_iter()
        .map(|mut c| {
            c.sort();
            c
        })
        .collect();
    found.sort();
    assert_eq!(found, [vec![0, 1, 2], vec![3, 4]]);
}
