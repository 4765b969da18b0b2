//! The import graph between the files of src/: the module tree walked from
//! the two crate roots (the library at lib.rs, the binary at main.rs), each
//! named path resolved to the longest prefix that is a module file, and the
//! strongly connected components that are the cycles.

use crate::parse::{Facts, Named, facts};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Krate {
    Lib,
    Bin,
}

pub struct Module {
    /// Relative to the directory holding src/, e.g. `src/dataset/scan.rs`.
    pub file: PathBuf,
    pub krate: Krate,
    pub path: Vec<String>,
    /// Declared under `#[cfg(test)]`, itself or an ancestor.
    pub test: bool,
    pub facts: Facts,
}

pub struct Tree {
    pub modules: Vec<Module>,
    index: HashMap<(Krate, Vec<String>), usize>,
}

/// Reads every module file reachable from src/lib.rs and src/main.rs.
pub fn load(root: &Path) -> std::io::Result<Tree> {
    let mut tree = Tree {
        modules: Vec::new(),
        index: HashMap::new(),
    };
    let mut queue = vec![
        (PathBuf::from("src/lib.rs"), Krate::Lib, Vec::new(), false),
        (PathBuf::from("src/main.rs"), Krate::Bin, Vec::new(), false),
    ];
    while let Some((file, krate, path, test)) = queue.pop() {
        let facts = facts(&std::fs::read_to_string(root.join(&file))?);
        for decl in &facts.mods {
            let child = child_file(root, &file, &decl.name, decl.path.as_deref());
            let mut child_path = path.clone();
            child_path.push(decl.name.clone());
            queue.push((child, krate, child_path, test || decl.test));
        }
        tree.index.insert((krate, path.clone()), tree.modules.len());
        tree.modules.push(Module {
            file,
            krate,
            path,
            test,
            facts,
        });
    }
    Ok(tree)
}

/// Where `mod name;` in `parent` lives: beside a crate root or mod.rs,
/// under a folder named after any other file, or where `#[path]` says.
fn child_file(root: &Path, parent: &Path, name: &str, path: Option<&str>) -> PathBuf {
    let dir = parent.parent().unwrap_or(Path::new(""));
    if let Some(path) = path {
        return dir.join(path);
    }
    let stem = parent.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let base = match stem {
        "mod" | "lib" | "main" => dir.to_path_buf(),
        _ => dir.join(stem),
    };
    let flat = base.join(format!("{name}.rs"));
    if root.join(&flat).exists() {
        flat
    } else {
        base.join(name).join("mod.rs")
    }
}

impl Tree {
    fn find(&self, krate: Krate, path: &[String]) -> Option<usize> {
        self.index.get(&(krate, path.to_vec())).copied()
    }

    /// The module a path names: its first segment made absolute, then the
    /// longest prefix that is a module; true when that is the whole path.
    fn resolve(&self, from: usize, segs: &[String], aliases: &Aliases) -> Option<(usize, bool)> {
        let m = &self.modules[from];
        let first = segs.first()?.as_str();
        let supers = segs.iter().take_while(|s| *s == "super").count();
        let (krate, mut full, rest) = match first {
            "crate" | "$crate" => (m.krate, Vec::new(), &segs[1..]),
            "self" => (m.krate, m.path.clone(), &segs[1..]),
            "super" => {
                let keep = m.path.len().checked_sub(supers)?;
                (m.krate, m.path[..keep].to_vec(), &segs[supers..])
            }
            "facecurate" if m.krate == Krate::Bin => (Krate::Lib, Vec::new(), &segs[1..]),
            _ if self
                .find(m.krate, &[&m.path[..], &segs[..1]].concat())
                .is_some() =>
            {
                (m.krate, m.path.clone(), segs)
            }
            _ => {
                let (krate, path) = aliases.get(first)?;
                (*krate, path.clone(), &segs[1..])
            }
        };
        full.extend(rest.iter().cloned());
        (0..=full.len())
            .rev()
            .find_map(|len| Some((self.find(krate, &full[..len])?, len == full.len())))
    }

    /// Edges between non-test files, each with the first line naming it.
    pub fn edges(&self) -> BTreeMap<(usize, usize), usize> {
        let mut edges = BTreeMap::new();
        for (from, m) in self.modules.iter().enumerate() {
            if m.test {
                continue;
            }
            let aliases = self.aliases(from);
            for named in &m.facts.named {
                let Some((to, _)) = self.resolve(from, &named.segs, &aliases) else {
                    continue;
                };
                if to != from && !self.modules[to].test {
                    edges.entry((from, to)).or_insert(named.line);
                }
            }
        }
        edges
    }

    /// Names a file's `use` items bind to whole modules (`use x::{self}`,
    /// `use super::names`), so `names::check` resolves through them.
    fn aliases(&self, from: usize) -> Aliases {
        let mut aliases = Aliases::new();
        let uses: Vec<&Named> = self.modules[from]
            .facts
            .named
            .iter()
            .filter(|n| n.alias.is_some())
            .collect();
        // Twice, so an alias may be written through another.
        for _ in 0..2 {
            for named in &uses {
                let Some((to, true)) = self.resolve(from, &named.segs, &aliases) else {
                    continue;
                };
                let target = &self.modules[to];
                if let Some(alias) = &named.alias {
                    aliases.insert(alias.clone(), (target.krate, target.path.clone()));
                }
            }
        }
        aliases
    }
}

type Aliases = HashMap<String, (Krate, Vec<String>)>;

/// Tarjan's strongly connected components with more than one file.
pub fn cycles(nodes: usize, edges: &BTreeMap<(usize, usize), usize>) -> Vec<Vec<usize>> {
    let mut adj = vec![Vec::new(); nodes];
    for &(a, b) in edges.keys() {
        adj[a].push(b);
    }
    let mut t = Tarjan {
        adj,
        index: vec![None; nodes],
        low: vec![0; nodes],
        on_stack: vec![false; nodes],
        stack: Vec::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in 0..nodes {
        if t.index[v].is_none() {
            t.visit(v);
        }
    }
    t.found.retain(|c| c.len() > 1);
    t.found
}

struct Tarjan {
    adj: Vec<Vec<usize>>,
    index: Vec<Option<usize>>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    next: usize,
    found: Vec<Vec<usize>>,
}

impl Tarjan {
    fn visit(&mut self, v: usize) {
        self.index[v] = Some(self.next);
        self.low[v] = self.next;
        self.next += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
        for w in self.adj[v].clone() {
            match self.index[w] {
                None => {
                    self.visit(w);
                    self.low[v] = self.low[v].min(self.low[w]);
                }
                Some(iw) if self.on_stack[w] => self.low[v] = self.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(self.low[v]) == self.index[v] {
            let mut scc = Vec::new();
            while let Some(w) = self.stack.pop() {
                self.on_stack[w] = false;
                scc.push(w);
                if w == v {
                    break;
                }
            }
            self.found.push(scc);
        }
    }
}
