//! What one source file says about structure: the modules it declares, the
//! paths it names (in `use` trees and in code), and where each of its
//! functions starts and ends. Items under `#[cfg(test)]` are left out:
//! test code may import what it likes without making a cycle.

use crate::lex::{Kind, Token, tokens};

/// `mod name;`, with its `#[path]` and whether it is `#[cfg(test)]`.
#[derive(Debug, Clone)]
pub struct ModDecl {
    pub name: String,
    pub path: Option<String>,
    pub test: bool,
}

/// A path the file names, first segment as written (`crate`, `super`,
/// a child module, an alias...); `alias` is the name a `use` binds.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub segs: Vec<String>,
    pub alias: Option<String>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct FnSpan {
    pub name: String,
    pub first: usize,
    pub last: usize,
}

#[derive(Debug, Default)]
pub struct Facts {
    pub mods: Vec<ModDecl>,
    pub named: Vec<Named>,
    pub fns: Vec<FnSpan>,
}

pub fn facts(src: &str) -> Facts {
    let mut p = Parser {
        t: tokens(src),
        i: 0,
        out: Facts::default(),
    };
    p.run();
    p.out
}

struct Parser {
    t: Vec<Token>,
    i: usize,
    out: Facts,
}

/// Attributes seen just before an item.
#[derive(Default)]
struct Pending {
    test: bool,
    path: Option<String>,
}

impl Parser {
    fn is(&self, k: usize, text: &str) -> bool {
        self.t.get(self.i + k).is_some_and(|t| t.is(text))
    }

    fn ident(&self, k: usize) -> Option<String> {
        let t = self.t.get(self.i + k)?;
        (t.kind == Kind::Ident).then(|| t.text.clone())
    }

    fn line(&self) -> usize {
        self.t.get(self.i).map_or(0, |t| t.line)
    }

    fn run(&mut self) {
        let mut pending = Pending::default();
        while self.i < self.t.len() {
            if self.is(0, "#") {
                self.attribute(&mut pending);
                continue;
            }
            if self.is(0, "pub") {
                self.visibility();
                continue;
            }
            let pend = std::mem::take(&mut pending);
            self.item(pend);
        }
    }

    fn item(&mut self, pending: Pending) {
        if self.is(0, "mod") && self.ident(1).is_some() && self.is(2, ";") {
            let name = self.ident(1).unwrap_or_default();
            let (test, path) = (pending.test, pending.path);
            self.out.mods.push(ModDecl { name, path, test });
            self.i += 3;
        } else if pending.test {
            self.skip_item();
        } else if self.is(0, "use") {
            self.i += 1;
            self.use_item();
        } else if self.is(0, "fn") && self.ident(1).is_some() {
            self.function();
        } else if self.ident(0).is_some() && self.is(1, "::") {
            let after_path = self.i > 0 && (self.t[self.i - 1].is("::"));
            self.code_path(!after_path);
        } else {
            self.i += 1;
        }
    }

    /// `#[…]` or `#![…]`: notes `cfg(test)` and `path = "…"`.
    fn attribute(&mut self, pending: &mut Pending) {
        let start = self.i;
        self.i += 1;
        if self.is(0, "!") {
            self.i += 1;
        }
        let end = self.matching(self.i);
        let body: Vec<&str> = self.t[start..end].iter().map(|t| t.text.as_str()).collect();
        if body.ends_with(&["[", "cfg", "(", "test", ")", "]"]) {
            pending.test = true;
        }
        if body.len() == 6 && body[2] == "path" && body[3] == "=" {
            pending.path = Some(body[4].to_string());
        }
        self.i = end;
    }

    /// `pub`, `pub(crate)`, `pub(in path)`: kept out of the item's way.
    fn visibility(&mut self) {
        self.i += 1;
        if self.is(0, "(") {
            self.i = self.matching(self.i);
        }
    }

    /// The index just past the bracket that closes the one at `open`.
    fn matching(&self, open: usize) -> usize {
        let mut depth = 0i32;
        for (k, t) in self.t.iter().enumerate().skip(open) {
            match t.text.as_str() {
                _ if t.kind != Kind::Punct => {}
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => {
                    depth -= 1;
                    if depth <= 0 {
                        return k + 1;
                    }
                }
                _ => {}
            }
        }
        self.t.len()
    }

    /// The index of the item's first `;` or `{` outside brackets.
    fn item_end(&self) -> (usize, bool) {
        let mut k = self.i;
        while k < self.t.len() {
            let t = &self.t[k];
            if t.is(";") {
                return (k, false);
            }
            if t.is("{") {
                return (k, true);
            }
            k = if t.is("(") || t.is("[") {
                self.matching(k)
            } else {
                k + 1
            };
        }
        (k, false)
    }

    fn skip_item(&mut self) {
        let (at, block) = self.item_end();
        self.i = if block { self.matching(at) } else { at + 1 };
    }

    /// Records the span and steps into the body: nested paths still count.
    fn function(&mut self) {
        let first = self.line();
        let name = self.ident(1).unwrap_or_default();
        let (at, block) = self.item_end();
        if block {
            let close = self.matching(at).saturating_sub(1);
            let last = self.t.get(close).map_or(first, |t| t.line);
            self.out.fns.push(FnSpan { name, first, last });
        }
        self.i += 2;
    }

    /// `a::b::c` in code; only recorded when it does not continue a path
    /// (`Vec::<u8>::new`), whose first segment is no module of ours.
    fn code_path(&mut self, record: bool) {
        let line = self.line();
        let mut segs = Vec::new();
        while let Some(seg) = self.ident(0) {
            segs.push(seg);
            self.i += 1;
            if !(self.is(0, "::") && self.ident(1).is_some()) {
                break;
            }
            self.i += 1;
        }
        if record {
            self.out.named.push(Named {
                segs,
                alias: None,
                line,
            });
        }
    }

    fn use_item(&mut self) {
        let line = self.line();
        if self.is(0, "::") {
            self.i += 1;
        }
        let mut found = Vec::new();
        self.use_tree(Vec::new(), &mut found);
        for (segs, alias) in found {
            self.out.named.push(Named { segs, alias, line });
        }
        while self.i < self.t.len() && !self.is(0, ";") {
            self.i += 1;
        }
    }

    /// One use tree under `prefix`: `a::b`, `a::b as c`, `a::*`, `a::{…}`.
    fn use_tree(&mut self, mut segs: Vec<String>, out: &mut Vec<(Vec<String>, Option<String>)>) {
        loop {
            if self.is(0, "{") {
                self.i += 1;
                while self.i < self.t.len() && !self.is(0, "}") {
                    let before = self.i;
                    self.use_tree(segs.clone(), out);
                    if self.is(0, ",") || self.i == before {
                        self.i += 1;
                    }
                }
                self.i += 1;
                return;
            }
            if self.is(0, "*") {
                self.i += 1;
                out.push((segs, None));
                return;
            }
            let Some(seg) = self.ident(0) else { return };
            segs.push(seg);
            self.i += 1;
            if self.is(0, "::") {
                self.i += 1;
                continue;
            }
            if segs.last().is_some_and(|s| s == "self") {
                segs.pop();
            }
            let alias = if self.is(0, "as") {
                self.i += 2;
                self.t.get(self.i - 1).map(|t| t.text.clone())
            } else {
                segs.last().cloned()
            };
            out.push((segs, alias));
            return;
        }
    }
}
