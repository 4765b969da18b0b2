//! LFW pair files (`pairs.txt`, `pairsDevTrain.txt`): a header line, then
//! `name n1 n2` (same person) or `name1 n1 name2 n2` (different persons),
//! naming `<root>/<name>/<name>_NNNN.jpg`.
//!
//! A malformed line is reported with its line number and skipped; the file
//! itself failing to read is the caller's error to report.

use std::path::{Path, PathBuf};

/// One photo of a pair: a person folder and the photo's number in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PairSide {
    pub person: String,
    pub number: u32,
}

impl PairSide {
    /// `Name/Name_0003`, the photo's name without extension.
    pub fn stem(&self) -> String {
        format!("{0}/{0}_{1:04}", self.person, self.number)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub first: PairSide,
    pub second: PairSide,
    /// True for a `name n1 n2` line.
    pub same: bool,
    /// 1-based line number in the pair file.
    pub line: usize,
}

/// The pairs of a file, and one message per line that could not be read.
#[derive(Debug, Clone, Default)]
pub struct ParsedPairs {
    pub pairs: Vec<Pair>,
    pub skipped: Vec<String>,
}

/// Parses pair-file text. The header (one or two integers, e.g. `10 300`)
/// is optional; blank lines are ignored.
pub fn parse_pairs(text: &str) -> ParsedPairs {
    let mut out = ParsedPairs::default();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let tokens: Vec<&str> = raw.split_whitespace().collect();
        if tokens.is_empty() {
            continue;
        }
        let is_header =
            line == 1 && tokens.len() <= 2 && tokens.iter().all(|t| t.parse::<u64>().is_ok());
        if is_header {
            continue;
        }
        match parse_line(&tokens) {
            Ok((first, second, same)) => out.pairs.push(Pair {
                first,
                second,
                same,
                line,
            }),
            Err(why) => out
                .skipped
                .push(format!("line {line}: {why}: `{}`", raw.trim())),
        }
    }
    out
}

/// Reads and parses a pair file; bad lines are prefixed with the file name.
pub fn read_pairs(path: &Path) -> std::io::Result<ParsedPairs> {
    let text = std::fs::read_to_string(path)?;
    let mut parsed = parse_pairs(&text);
    for s in &mut parsed.skipped {
        *s = format!("{}: {s}", path.display());
    }
    Ok(parsed)
}

fn number(token: &str) -> Result<u32, String> {
    token
        .parse::<u32>()
        .map_err(|_| format!("`{token}` is not a photo number"))
}

/// A person token must name a folder directly under the root: a pair file
/// from elsewhere cannot point `verify` at files outside it.
fn person(token: &str) -> Result<String, String> {
    if token == "." || token == ".." || token.contains('/') || token.contains('\\') {
        return Err(format!("`{token}` is not a person folder name"));
    }
    Ok(token.to_string())
}

fn parse_line(tokens: &[&str]) -> Result<(PairSide, PairSide, bool), String> {
    match tokens {
        [name, a, b] => Ok((
            PairSide {
                person: person(name)?,
                number: number(a)?,
            },
            PairSide {
                person: person(name)?,
                number: number(b)?,
            },
            true,
        )),
        [n1, a, n2, b] => Ok((
            PairSide {
                person: person(n1)?,
                number: number(a)?,
            },
            PairSide {
                person: person(n2)?,
                number: number(b)?,
            },
            false,
        )),
        _ => Err(format!(
            "expected `name n1 n2` or `name1 n1 name2 n2`, got {} fields",
            tokens.len()
        )),
    }
}

/// The photo file of `side` under `root`: `Name/Name_0003.jpg`, else the
/// same name with any other photo extension (any case), e.g. the `.png`
/// crops `facecurate align` writes.
pub fn resolve_photo(root: &Path, side: &PairSide) -> Result<PathBuf, String> {
    let stem = side.stem();
    let jpg = root.join(format!("{stem}.jpg"));
    if jpg.is_file() {
        return Ok(jpg);
    }
    let folder = root.join(&side.person);
    let wanted = format!("{}_{:04}", side.person, side.number);
    if let Ok(entries) = std::fs::read_dir(&folder) {
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_stem().and_then(|s| s.to_str()) == Some(wanted.as_str())
                    && crate::pipeline::decode::is_photo_path(p)
            })
            .collect();
        found.sort();
        if let Some(p) = found.into_iter().next() {
            return Ok(p);
        }
    }
    Err(format!(
        "no photo {} (looked for {}.<jpg|png|…>)",
        stem,
        folder.join(&wanted).display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_line_kinds_and_reports_bad_lines() {
        let text = "10 300\nAaron_Peirsol\t1\t2\nAJ_Cook 1 Marsha_Thomason 1\n\nbad line here x y\nName 1 two\n";
        let parsed = parse_pairs(text);
        assert_eq!(parsed.pairs.len(), 2);
        assert!(parsed.pairs[0].same);
        assert_eq!(
            parsed.pairs[0].second.stem(),
            "Aaron_Peirsol/Aaron_Peirsol_0002"
        );
        assert!(!parsed.pairs[1].same);
        assert_eq!(parsed.pairs[1].second.person, "Marsha_Thomason");
        assert_eq!(parsed.skipped.len(), 2);
        assert!(
            parsed.skipped[0].starts_with("line 5"),
            "{:?}",
            parsed.skipped
        );
        assert!(parsed.skipped[1].contains("`two`"), "{:?}", parsed.skipped);
    }

    #[test]
    fn a_file_without_header_loses_no_pair() {
        let parsed = parse_pairs("A 1 2\nB 1 C 3\n");
        assert_eq!(parsed.pairs.len(), 2);
    }

    #[test]
    fn finds_other_extensions() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("Ann")).unwrap();
        std::fs::write(dir.path().join("Ann/Ann_0001.jpg"), b"x").unwrap();
        std::fs::write(dir.path().join("Ann/Ann_0002.PNG"), b"x").unwrap();
        let side = |n| PairSide {
            person: "Ann".into(),
            number: n,
        };
        assert!(
            resolve_photo(dir.path(), &side(1))
                .unwrap()
                .ends_with("Ann_0001.jpg")
        );
        assert!(
            resolve_photo(dir.path(), &side(2))
                .unwrap()
                .ends_with("Ann_0002.PNG")
        );
        let err = resolve_photo(dir.path(), &side(3)).unwrap_err();
        assert!(err.contains("Ann_0003"), "{err}");
    }
}
