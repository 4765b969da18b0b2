//! A tokenizer just good enough to read this crate's imports and the extent
//! of its functions. Comments, strings and char literals become single
//! opaque tokens, so a brace or a `crate::` written inside them cannot
//! mislead the structure checker; every token keeps its line.

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Ident,
    Punct,
    /// A string literal; the text is its raw content, kept for `#[path]`.
    Str,
    /// Numbers, chars and lifetimes: nothing the checker reads.
    Other,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub kind: Kind,
    pub text: String,
    pub line: usize,
}

impl Token {
    pub fn is(&self, text: &str) -> bool {
        self.text == text && self.kind != Kind::Str
    }
}

pub fn tokens(src: &str) -> Vec<Token> {
    let mut lx = Lexer {
        s: src.chars().collect(),
        i: 0,
        line: 1,
        out: Vec::new(),
    };
    while lx.i < lx.s.len() {
        lx.step();
    }
    lx.out
}

struct Lexer {
    s: Vec<char>,
    i: usize,
    line: usize,
    out: Vec<Token>,
}

fn ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Lexer {
    fn peek(&self, k: usize) -> char {
        self.s.get(self.i + k).copied().unwrap_or('\0')
    }

    fn bump(&mut self) {
        if self.peek(0) == '\n' {
            self.line += 1;
        }
        self.i += 1;
    }

    fn push(&mut self, kind: Kind, text: String, line: usize) {
        self.out.push(Token { kind, text, line });
    }

    fn step(&mut self) {
        let (c, line) = (self.peek(0), self.line);
        match c {
            _ if c.is_whitespace() => self.bump(),
            '/' if self.peek(1) == '/' => {
                while self.i < self.s.len() && self.peek(0) != '\n' {
                    self.bump();
                }
            }
            '/' if self.peek(1) == '*' => self.block_comment(),
            '"' => {
                let text = self.string();
                self.push(Kind::Str, text, line);
            }
            '\'' => self.quote(line),
            _ if ident_start(c) => self.word(line),
            _ if c.is_ascii_digit() => self.number(line),
            ':' if self.peek(1) == ':' => {
                self.i += 2;
                self.push(Kind::Punct, "::".into(), line);
            }
            _ => {
                self.bump();
                self.push(Kind::Punct, c.to_string(), line);
            }
        }
    }

    fn block_comment(&mut self) {
        let mut depth = 0;
        while self.i < self.s.len() {
            if self.peek(0) == '/' && self.peek(1) == '*' {
                depth += 1;
                self.i += 2;
            } else if self.peek(0) == '*' && self.peek(1) == '/' {
                depth -= 1;
                self.i += 2;
                if depth == 0 {
                    return;
                }
            } else {
                self.bump();
            }
        }
    }

    /// A `"…"` string with escapes, the cursor on its opening quote.
    fn string(&mut self) -> String {
        self.bump();
        let start = self.i;
        while self.i < self.s.len() && self.peek(0) != '"' {
            if self.peek(0) == '\\' {
                self.bump();
            }
            self.bump();
        }
        let text = self.s[start..self.i.min(self.s.len())].iter().collect();
        self.bump();
        text
    }

    /// `r#"…"#` after its prefix: the cursor on the first `#` or quote.
    fn raw_string(&mut self) -> String {
        let mut hashes = 0;
        while self.peek(0) == '#' {
            hashes += 1;
            self.bump();
        }
        self.bump();
        let start = self.i;
        while self.i < self.s.len() {
            if self.peek(0) == '"' && (1..=hashes).all(|k| self.peek(k) == '#') {
                let text = self.s[start..self.i].iter().collect();
                self.i += 1 + hashes;
                return text;
            }
            self.bump();
        }
        String::new()
    }

    /// A char literal (`'a'`, `'\n'`, `'\u{1F600}'`) or a lifetime (`'a`).
    fn quote(&mut self, line: usize) {
        if self.peek(1) == '\\' || self.peek(2) == '\'' {
            self.char_literal();
            self.push(Kind::Other, "'…'".into(), line);
            return;
        }
        let start = self.i;
        self.bump();
        while ident_continue(self.peek(0)) {
            self.bump();
        }
        let text = self.s[start..self.i].iter().collect();
        self.push(Kind::Other, text, line);
    }

    fn char_literal(&mut self) {
        self.bump();
        if self.peek(0) == '\\' {
            self.bump();
        }
        self.bump();
        while self.i < self.s.len() && self.peek(0) != '\'' {
            self.bump();
        }
        self.bump();
    }

    /// An identifier, or the prefix of a literal: `r"…"`, `br#"…"#`,
    /// `b"…"`, `c"…"`, `b'x'`, or the raw identifier `r#type`.
    fn word(&mut self, line: usize) {
        let start = self.i;
        while ident_continue(self.peek(0)) {
            self.bump();
        }
        let word: String = self.s[start..self.i].iter().collect();
        let raw_string = self.peek(0) == '"' || (self.peek(0) == '#' && self.raw_hashes_quote());
        match (word.as_str(), self.peek(0)) {
            ("r" | "br" | "cr", '"' | '#') if raw_string => {
                let text = self.raw_string();
                self.push(Kind::Str, text, line);
            }
            ("r", '#') => {
                self.bump();
                self.word(line);
            }
            ("b" | "c", '"') => {
                let text = self.string();
                self.push(Kind::Str, text, line);
            }
            ("b", '\'') => {
                self.char_literal();
                self.push(Kind::Other, "'…'".into(), line);
            }
            _ => self.push(Kind::Ident, word, line),
        }
    }

    fn raw_hashes_quote(&self) -> bool {
        let mut k = 0;
        while self.peek(k) == '#' {
            k += 1;
        }
        self.peek(k) == '"'
    }

    /// Numbers, with suffixes and fractions but not ranges (`1..2`).
    fn number(&mut self, line: usize) {
        while ident_continue(self.peek(0)) || (self.peek(0) == '.' && self.peek(1).is_ascii_digit())
        {
            self.bump();
        }
        self.push(Kind::Other, "0".into(), line);
    }
}
