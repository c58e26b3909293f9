//! The query language, shared by the CLI and the HTTP API.
//!
//! ```text
//! rutte ukraine                 both terms (AND is implied)
//! "security guarantees"         a phrase
//! nato OR eu                    either
//! ukraine -russia, NOT russia   exclusion
//! (kyiv OR kiev) AND talks      grouping
//! tag:nato  author:"Jane Doe"   a field; also field:(a OR b)
//! ukrai*                        a prefix
//! published_at:2025-02          a day, month or year
//! cocoa^2  inflaton~1  "rates interest"~2   a boost, edits, phrase slop
//! ```
//!
//! Operators are upper-case; lower-case "and", "or" and "not" are words.
//! Words written side by side form a [`QueryNode::Match`]: how many of them
//! an article must hold is the request's matching strategy; words joined
//! by `AND` are all required.
//!
//! A query is read leniently unless the request asks for strict syntax: a
//! search box must never answer a person's text with a syntax error. Only a
//! known field name (aliases included) followed directly by its value is a
//! field (`Ukraine: live updates` is three words, `tag:nato` a field); a
//! text the grammar cannot read (unbalanced quotes or brackets, a stray
//! operator) is read as its words, and [`ParsedQuery::relaxed`] says so.
//! newsdex parses queries itself rather than with tantivy's parser because
//! it must report the column of a syntax error, know field aliases, and
//! analyse each term in every language the index holds.

use std::fmt;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 4096;
/// Deepest nesting of parentheses and negations accepted.
const MAX_DEPTH: usize = 32;
/// Most words and phrases a query is searched for; a lenient reading
/// ignores the rest (and says so), a strict one refuses the query.
pub const MAX_QUERY_WORDS: usize = 64;
/// Most edits `word~N` asks for.
const MAX_EDITS: u8 = 2;

/// How query text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Syntax {
    /// Never an error for what a person types: see the module docs.
    #[default]
    Lenient,
    /// Syntax errors are refused with their column, for programs.
    Strict,
}

impl std::str::FromStr for Syntax {
    type Err = crate::UnknownChoice;
    fn from_str(value: &str) -> Result<Syntax, Self::Err> {
        match value {
            "lenient" => Ok(Syntax::Lenient),
            "strict" => Ok(Syntax::Strict),
            other => Err(crate::UnknownChoice::new(
                "syntax",
                other,
                "lenient or strict",
            )),
        }
    }
}

/// A query as read, and how the text was read where a lenient reading
/// departed from the grammar.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedQuery {
    /// The query as parsed.
    pub node: QueryNode,
    /// The words searched, when the text could not be read as written or
    /// held more than [`MAX_QUERY_WORDS`] words.
    pub relaxed: Option<String>,
}

/// A parsed query. Spans are character offsets into the query text.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryNode {
    /// Matches every article (an empty query, or `*`).
    All,
    /// A word, possibly in a field.
    Term {
        /// The field it names, if any.
        field: Option<FieldRef>,
        /// The word as written.
        text: String,
        /// Whether it ends in `*` (or is the last word of a search as you type).
        prefix: bool,
        /// Its column in the query.
        start: usize,
        /// `word~N`: near spellings within N edits also match.
        edits: Option<u8>,
        /// `word^N`: the word's score is multiplied by N.
        boost: Option<f32>,
    },
    /// Words in quotes, matched side by side.
    Phrase {
        /// The field it names, if any.
        field: Option<FieldRef>,
        /// The words as written.
        text: String,
        /// Its column in the query.
        start: usize,
        /// `"a b"~N`: the words may stand up to N positions apart.
        slop: u32,
        /// `"a b"^N`: the phrase's score is multiplied by N.
        boost: Option<f32>,
    },
    /// Clauses written side by side: bare words match by the request's
    /// strategy, everything else is required.
    Match(Vec<QueryNode>),
    /// Clauses joined by `AND`: all required.
    And(Vec<QueryNode>),
    /// Any of its parts.
    Or(Vec<QueryNode>),
    /// Not this part (`-word`, `NOT word`).
    Not(Box<QueryNode>),
}

/// A field named in the query, with where it was named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef {
    /// The name as written (or the canonical name an alias stands for).
    pub name: String,
    /// Its column in the query.
    pub start: usize,
}

/// A query the user must fix, with the character column (0-based) at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// What is wrong.
    pub message: String,
    /// The column at fault (0-based, in characters), when one is.
    pub position: Option<usize>,
    /// The request parameter at fault (`limit`, `cursor`), when it is not
    /// the query text.
    pub parameter: Option<&'static str>,
}

impl QueryError {
    /// An error at `position`.
    pub fn at(position: usize, message: impl Into<String>) -> QueryError {
        QueryError {
            message: message.into(),
            position: Some(position),
            parameter: None,
        }
    }

    /// An error of the query as a whole.
    pub fn new(message: impl Into<String>) -> QueryError {
        QueryError {
            message: message.into(),
            position: None,
            parameter: None,
        }
    }

    /// A request parameter's value is at fault, not the query text.
    pub fn in_parameter(parameter: &'static str, message: impl Into<String>) -> QueryError {
        QueryError {
            message: message.into(),
            position: None,
            parameter: Some(parameter),
        }
    }

    /// The query with a caret under the faulty column, for terminals.
    pub fn pointer(&self, query: &str) -> Option<String> {
        let position = self.position?;
        Some(format!("  {query}\n  {}^", " ".repeat(position)))
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(position) => write!(formatter, "{} (at column {})", self.message, position + 1),
            None => write!(formatter, "{}", self.message),
        }
    }
}

impl std::error::Error for QueryError {}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    /// A quoted phrase and the `~N` / `^N` written right after it.
    Quoted(String, Suffix),
    FieldPrefix(String),
    Open,
    Close,
    And,
    Or,
    Not,
    Minus,
    Plus,
}

/// `~N` and `^N` after a word or phrase.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Suffix {
    tilde: Option<u32>,
    boost: Option<f32>,
}

/// Splits `word~2`, `word^1.5`, `word~` (two edits) into the word and its
/// suffixes; `None` when the text after `~` or `^` is not a number, which
/// then belongs to the word.
fn split_suffix(text: &str) -> Option<(&str, Suffix)> {
    let mut rest = text;
    let mut suffix = Suffix::default();
    for _ in 0..2 {
        if let Some(at) = rest.rfind('^')
            && at > 0
            && suffix.boost.is_none()
        {
            let number: f32 = rest[at + 1..].parse().ok()?;
            if !(number.is_finite() && number >= 0.0) {
                return None;
            }
            suffix.boost = Some(number);
            rest = &rest[..at];
            continue;
        }
        if let Some(at) = rest.rfind('~')
            && at > 0
            && suffix.tilde.is_none()
        {
            let digits = &rest[at + 1..];
            suffix.tilde = Some(if digits.is_empty() {
                u32::from(MAX_EDITS)
            } else {
                digits.parse().ok()?
            });
            rest = &rest[..at];
            continue;
        }
        break;
    }
    (suffix != Suffix::default()).then_some((rest, suffix))
}

#[derive(Debug, Clone)]
struct Lexeme {
    token: Token,
    start: usize,
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '(' | ')' | '"')
}

/// What the lexer knows of the index: whether a name is a field.
struct Reading<'a> {
    syntax: Syntax,
    is_field: &'a dyn Fn(&str) -> bool,
}

impl Reading<'_> {
    /// Whether `name:` opens a field: any name in strict syntax (an unknown
    /// one is then refused by name), a known one in lenient syntax.
    fn opens_field(&self, name: &str) -> bool {
        is_field_name(name) && (self.syntax == Syntax::Strict || (self.is_field)(name))
    }
}

fn lex(query: &str, reading: &Reading) -> Result<Vec<Lexeme>, QueryError> {
    let chars: Vec<char> = query.chars().collect();
    let mut lexemes = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        let start = index;
        if c.is_whitespace() {
            index += 1;
            continue;
        }
        let token = match c {
            '(' => {
                index += 1;
                Token::Open
            }
            ')' => {
                index += 1;
                Token::Close
            }
            '"' | '“' | '”' => {
                let close = chars[index + 1..]
                    .iter()
                    .position(|c| matches!(c, '"' | '“' | '”'))
                    .ok_or_else(|| QueryError::at(start, "unclosed quote"))?;
                let text: String = chars[index + 1..index + 1 + close].iter().collect();
                index += close + 2;
                // `"a b"~2`, `"a b"^2`: a suffix written right after.
                let mut end = index;
                while end < chars.len() && is_word_char(chars[end]) {
                    end += 1;
                }
                let after: String = chars[index..end].iter().collect();
                let suffix = match split_suffix(&format!("x{after}")) {
                    Some(("x", suffix)) => {
                        index = end;
                        suffix
                    }
                    _ => Suffix::default(),
                };
                Token::Quoted(text, suffix)
            }
            '-' | '+'
                if chars
                    .get(index + 1)
                    .is_some_and(|next| is_word_char(*next) || *next == '(' || *next == '"') =>
            {
                index += 1;
                if c == '-' { Token::Minus } else { Token::Plus }
            }
            _ => {
                let mut end = index;
                while end < chars.len() && is_word_char(chars[end]) {
                    end += 1;
                    // `field:` ends a word so that `field:"a b"` and
                    // `field:(a b)` work; `10:25` stays one word.
                    // In lenient syntax the value must follow the colon
                    // directly: `Ukraine: live` is words.
                    if chars[end - 1] == ':' && end - 1 > index {
                        let name: String = chars[index..end - 1].iter().collect();
                        let value_follows = chars
                            .get(end)
                            .is_some_and(|next| !next.is_whitespace() && *next != ')');
                        if reading.opens_field(&name)
                            && (value_follows || reading.syntax == Syntax::Strict)
                        {
                            break;
                        }
                    }
                }
                let word: String = chars[index..end].iter().collect();
                index = end;
                match word.as_str() {
                    "AND" | "&&" => Token::And,
                    "OR" | "||" => Token::Or,
                    "NOT" => Token::Not,
                    _ => match word.strip_suffix(':') {
                        Some(name)
                            if reading.opens_field(name)
                                && (reading.syntax == Syntax::Strict
                                    || chars.get(end).is_some_and(|next| {
                                        !next.is_whitespace() && *next != ')'
                                    })) =>
                        {
                            Token::FieldPrefix(name.to_string())
                        }
                        _ => Token::Word(word),
                    },
                }
            }
        };
        lexemes.push(Lexeme { token, start });
    }
    Ok(lexemes)
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses query text strictly, taking any `name:` for a field (the
/// builder refuses unknown ones). An empty query matches every article.
pub fn parse_query(query: &str) -> Result<QueryNode, QueryError> {
    read_query(query, Syntax::Strict, &|_| true).map(|parsed| parsed.node)
}

/// Reads query text in `syntax`; `is_field` tells the field names of the
/// index (aliases included). A lenient reading never fails but for a text
/// over [`MAX_QUERY_CHARS`].
pub fn read_query(
    query: &str,
    syntax: Syntax,
    is_field: &dyn Fn(&str) -> bool,
) -> Result<ParsedQuery, QueryError> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(QueryError::at(
            MAX_QUERY_CHARS,
            format!("query is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    let reading = Reading { syntax, is_field };
    let parsed = lex(query, &reading).and_then(|lexemes| parse_lexemes(lexemes, query));
    let node = match (parsed, syntax) {
        (Ok(node), _) => node,
        (Err(error), Syntax::Strict) => return Err(error),
        (Err(_), Syntax::Lenient) => return Ok(read_as_words(query)),
    };
    let words = count_words(&node);
    if words > MAX_QUERY_WORDS {
        if syntax == Syntax::Strict {
            return Err(QueryError::new(format!(
                "the query holds {words} words and phrases; at most {MAX_QUERY_WORDS} are searched"
            )));
        }
        let (node, kept) = limit_or_plain(node, query);
        let relaxed = format!(
            "the first {kept} of {words} words and phrases (at most {MAX_QUERY_WORDS} are searched): {}",
            describe_words(&node)
        );
        return Ok(ParsedQuery {
            node,
            relaxed: Some(relaxed),
        });
    }
    Ok(ParsedQuery {
        node,
        relaxed: None,
    })
}

/// The lenient reading of a text the grammar (or a field's value) cannot
/// take: its words alone, and how it was read.
pub fn read_as_words(query: &str) -> ParsedQuery {
    let (node, _) = limit_or_plain(plain_words(query), query);
    ParsedQuery {
        relaxed: Some(describe_words(&node)),
        node,
    }
}

fn parse_lexemes(lexemes: Vec<Lexeme>, query: &str) -> Result<QueryNode, QueryError> {
    let mut parser = Parser {
        lexemes,
        index: 0,
        end: query.chars().count(),
        depth: 0,
    };
    if parser.lexemes.is_empty() {
        return Ok(QueryNode::All);
    }
    let node = parser.parse_or(None)?;
    if let Some(lexeme) = parser.peek() {
        return Err(QueryError::at(
            lexeme.start,
            match lexeme.token {
                Token::Close => "unmatched `)`".to_string(),
                _ => "unexpected input".to_string(),
            },
        ));
    }
    Ok(node)
}

/// The text as words alone: quotes, brackets, operators and field syntax
/// dropped; what a lenient reading searches when the grammar fails.
fn plain_words(query: &str) -> QueryNode {
    let mut words = Vec::new();
    let mut offset = 0;
    for piece in query.split_whitespace() {
        let start_byte = query[offset..].find(piece).map_or(offset, |at| offset + at);
        offset = start_byte + piece.len();
        if matches!(piece, "AND" | "OR" | "NOT" | "&&" | "||") {
            continue;
        }
        let text: String = piece
            .chars()
            .filter(|c| !matches!(c, '(' | ')' | '"' | '“' | '”'))
            .collect();
        let text = text.trim_start_matches(['-', '+']);
        if text.is_empty() {
            continue;
        }
        words.push(QueryNode::Term {
            field: None,
            text: text.to_string(),
            prefix: false,
            start: query[..start_byte].chars().count(),
            edits: None,
            boost: None,
        });
    }
    match words.len() {
        0 => QueryNode::All,
        1 => words.remove(0),
        _ => QueryNode::Match(words),
    }
}

/// Words and phrases a query looks for, negated ones included.
fn count_words(node: &QueryNode) -> usize {
    let mut count = 0;
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        match node {
            QueryNode::Term { .. } | QueryNode::Phrase { .. } => count += 1,
            QueryNode::Match(children) | QueryNode::And(children) | QueryNode::Or(children) => {
                pending.extend(children)
            }
            QueryNode::Not(inner) => pending.push(inner),
            QueryNode::All => {}
        }
    }
    count
}

/// The query cut to its first [`MAX_QUERY_WORDS`] words and phrases (in
/// text order, the top level's clauses past the limit dropped, its
/// operator kept), and how many it kept; `None` when its first clause
/// alone holds more (a long group), which only its plain words can cut.
fn limit_words(node: QueryNode) -> Option<(QueryNode, usize)> {
    let words = count_words(&node);
    if words <= MAX_QUERY_WORDS {
        return Some((node, words));
    }
    let (children, rebuild): (Vec<QueryNode>, Rebuild) = match node {
        QueryNode::Match(children) => (children, QueryNode::Match),
        QueryNode::And(children) => (children, QueryNode::And),
        QueryNode::Or(children) => (children, QueryNode::Or),
        _ => return None,
    };
    let mut kept = Vec::new();
    let mut total = 0;
    for child in children {
        let words = count_words(&child);
        if total + words > MAX_QUERY_WORDS {
            break;
        }
        total += words;
        kept.push(child);
    }
    match kept.len() {
        0 => None,
        1 => kept.pop().map(|node| (node, total)),
        _ => Some((rebuild(kept), total)),
    }
}

/// A list node's constructor, to rebuild it with fewer children.
type Rebuild = fn(Vec<QueryNode>) -> QueryNode;

/// [`limit_words`], falling back to the query's plain words (one word per
/// clause, so always cut to the limit).
fn limit_or_plain(node: QueryNode, query: &str) -> (QueryNode, usize) {
    limit_words(node)
        .or_else(|| limit_words(plain_words(query)))
        .unwrap_or((QueryNode::All, 0))
}

/// The words and phrases of a query, as text, for telling a user how a
/// relaxed query was read.
fn describe_words(node: &QueryNode) -> String {
    let mut words = Vec::new();
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        match node {
            QueryNode::Term { text, .. } => words.push(text.clone()),
            QueryNode::Phrase { text, .. } => words.push(format!("\"{text}\"")),
            QueryNode::Match(children) | QueryNode::And(children) | QueryNode::Or(children) => {
                pending.extend(children.iter().rev())
            }
            QueryNode::Not(inner) => pending.push(inner),
            QueryNode::All => {}
        }
    }
    words.join(" ")
}

struct Parser {
    lexemes: Vec<Lexeme>,
    index: usize,
    end: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Lexeme> {
        self.lexemes.get(self.index)
    }

    fn next(&mut self) -> Option<Lexeme> {
        let lexeme = self.lexemes.get(self.index).cloned();
        self.index += 1;
        lexeme
    }

    fn position(&self) -> usize {
        self.peek().map_or(self.end, |lexeme| lexeme.start)
    }

    fn descend(&mut self) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(QueryError::at(
                self.position(),
                format!("query nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    fn parse_or(&mut self, field: Option<&FieldRef>) -> Result<QueryNode, QueryError> {
        let mut alternatives = vec![self.parse_and(field)?];
        while self.peek().is_some_and(|lexeme| lexeme.token == Token::Or) {
            let or = self.next().map_or(self.end, |lexeme| lexeme.start);
            if self.at_clause_end() {
                return Err(QueryError::at(or, "`OR` needs a term after it"));
            }
            alternatives.push(self.parse_and(field)?);
        }
        Ok(if alternatives.len() == 1 {
            alternatives.remove(0)
        } else {
            QueryNode::Or(alternatives)
        })
    }

    fn at_clause_end(&self) -> bool {
        matches!(
            self.peek().map(|lexeme| &lexeme.token),
            None | Some(Token::Close) | Some(Token::Or) | Some(Token::And)
        )
    }

    fn parse_and(&mut self, field: Option<&FieldRef>) -> Result<QueryNode, QueryError> {
        if let Some(lexeme) = self.peek()
            && matches!(lexeme.token, Token::And | Token::Or)
        {
            let name = if lexeme.token == Token::And {
                "AND"
            } else {
                "OR"
            };
            return Err(QueryError::at(
                lexeme.start,
                format!("`{name}` needs a term before it"),
            ));
        }
        let mut clauses = vec![self.parse_unary(field)?];
        let mut explicit_and = false;
        loop {
            match self.peek().map(|lexeme| &lexeme.token) {
                None | Some(Token::Close) | Some(Token::Or) => break,
                Some(Token::And) => {
                    let and = self.next().map_or(self.end, |lexeme| lexeme.start);
                    if self.at_clause_end() {
                        return Err(QueryError::at(and, "`AND` needs a term after it"));
                    }
                    explicit_and = true;
                }
                Some(_) => {}
            }
            clauses.push(self.parse_unary(field)?);
        }
        Ok(match (clauses.len(), explicit_and) {
            (1, _) => clauses.remove(0),
            (_, true) => QueryNode::And(clauses),
            (_, false) => QueryNode::Match(clauses),
        })
    }

    fn parse_unary(&mut self, field: Option<&FieldRef>) -> Result<QueryNode, QueryError> {
        match self
            .peek()
            .map(|lexeme| (lexeme.token.clone(), lexeme.start))
        {
            Some((Token::Not | Token::Minus, start)) => {
                self.next();
                self.descend()?;
                if self.at_clause_end() {
                    return Err(QueryError::at(start, "`NOT` needs a term after it"));
                }
                let inner = self.parse_unary(field)?;
                self.depth -= 1;
                Ok(QueryNode::Not(Box::new(inner)))
            }
            Some((Token::Plus, _)) => {
                self.next();
                self.parse_unary(field)
            }
            _ => self.parse_primary(field),
        }
    }

    fn parse_primary(&mut self, field: Option<&FieldRef>) -> Result<QueryNode, QueryError> {
        let position = self.position();
        let Some(lexeme) = self.next() else {
            return Err(QueryError::at(position, "expected a term"));
        };
        match lexeme.token {
            Token::Open => {
                self.descend()?;
                if self.peek().is_some_and(|next| next.token == Token::Close) {
                    return Err(QueryError::at(lexeme.start, "empty parentheses"));
                }
                let inner = self.parse_or(field)?;
                match self.next() {
                    Some(Lexeme {
                        token: Token::Close,
                        ..
                    }) => {}
                    _ => return Err(QueryError::at(lexeme.start, "`(` is never closed")),
                }
                self.depth -= 1;
                Ok(inner)
            }
            Token::Close => Err(QueryError::at(lexeme.start, "unmatched `)`")),
            Token::Quoted(text, suffix) => Ok(QueryNode::Phrase {
                field: field.cloned(),
                text,
                start: lexeme.start,
                slop: suffix.tilde.unwrap_or(0),
                boost: suffix.boost,
            }),
            Token::Word(word) => {
                if word == "*" && field.is_none() {
                    return Ok(QueryNode::All);
                }
                let (word, suffix) = match split_suffix(&word) {
                    Some((word, suffix)) => (word.to_string(), suffix),
                    None => (word, Suffix::default()),
                };
                let (text, prefix) = match word.strip_suffix('*') {
                    Some(stem) if !stem.is_empty() => (stem.to_string(), true),
                    _ => (word, false),
                };
                let edits = match suffix.tilde {
                    Some(edits) if edits > u32::from(MAX_EDITS) => {
                        return Err(QueryError::at(
                            lexeme.start,
                            format!("`~{edits}`: at most {MAX_EDITS} edits are supported"),
                        ));
                    }
                    Some(edits) => Some(edits as u8),
                    None => None,
                };
                Ok(QueryNode::Term {
                    field: field.cloned(),
                    text,
                    prefix,
                    start: lexeme.start,
                    edits,
                    boost: suffix.boost,
                })
            }
            Token::FieldPrefix(name) => {
                if field.is_some() {
                    return Err(QueryError::at(
                        lexeme.start,
                        "a field cannot be named inside another field's group",
                    ));
                }
                let field_ref = FieldRef {
                    name,
                    start: lexeme.start,
                };
                match self.peek().map(|next| &next.token) {
                    Some(Token::Word(_) | Token::Quoted(..) | Token::Open) => {
                        self.parse_primary(Some(&field_ref))
                    }
                    _ => Err(QueryError::at(
                        lexeme.start,
                        format!("`{}:` needs a value after it", field_ref.name),
                    )),
                }
            }
            Token::And | Token::Or | Token::Not | Token::Minus | Token::Plus => {
                Err(QueryError::at(lexeme.start, "expected a term"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str, start: usize) -> QueryNode {
        QueryNode::Term {
            field: None,
            text: text.into(),
            prefix: false,
            start,
            edits: None,
            boost: None,
        }
    }

    fn lenient(query: &str) -> ParsedQuery {
        let known = |name: &str| matches!(name, "tag" | "tags" | "author" | "title");
        read_query(query, Syntax::Lenient, &known).unwrap()
    }

    #[test]
    fn boolean_structure_parses() {
        assert_eq!(
            parse_query("rutte ukraine").unwrap(),
            QueryNode::Match(vec![term("rutte", 0), term("ukraine", 6)])
        );
        assert_eq!(
            parse_query("a OR b c").unwrap(),
            QueryNode::Or(vec![
                term("a", 0),
                QueryNode::Match(vec![term("b", 5), term("c", 7)])
            ])
        );
        assert_eq!(
            parse_query("-russia").unwrap(),
            QueryNode::Not(Box::new(term("russia", 1)))
        );
        assert_eq!(parse_query("  ").unwrap(), QueryNode::All);
    }

    #[test]
    fn fields_phrases_and_prefixes_parse() {
        let node = parse_query("author:\"Jane Doe\" tag:(nato OR eu) ukrai*").unwrap();
        let QueryNode::Match(clauses) = node else {
            panic!("expected clauses side by side")
        };
        assert!(
            matches!(&clauses[0], QueryNode::Phrase { field: Some(f), text, .. } if f.name == "author" && text == "Jane Doe")
        );
        assert!(matches!(&clauses[1], QueryNode::Or(inner) if inner.len() == 2));
        assert!(
            matches!(&clauses[2], QueryNode::Term { prefix: true, text, .. } if text == "ukrai")
        );
        assert_eq!(parse_query("10:25").unwrap(), term("10:25", 0));
    }

    #[test]
    fn syntax_errors_point_at_their_column() {
        let cases = [
            ("\"open", 0),
            ("a )", 2),
            ("(a b", 0),
            ("a AND", 2),
            ("OR b", 0),
            ("tag:", 0),
            ("a ()", 2),
        ];
        for (query, column) in cases {
            let error = parse_query(query).unwrap_err();
            assert_eq!(error.position, Some(column), "{query}: {error}");
        }
        let deep = "(".repeat(100) + "a" + &")".repeat(100);
        assert!(parse_query(&deep).is_err());
    }

    #[test]
    fn explicit_and_requires_every_clause() {
        assert_eq!(
            parse_query("a AND b c").unwrap(),
            QueryNode::And(vec![term("a", 0), term("b", 6), term("c", 8)])
        );
    }

    #[test]
    fn a_colon_opens_only_a_known_field_with_its_value_attached() {
        // A headline with a colon is words.
        assert_eq!(
            lenient("Ukraine: live updates").node,
            QueryNode::Match(vec![
                term("Ukraine:", 0),
                term("live", 9),
                term("updates", 14)
            ])
        );
        // A known field with its value attached is a field...
        let QueryNode::Term { field, text, .. } = lenient("tag:nato").node else {
            panic!("expected a term")
        };
        assert_eq!(
            (field.unwrap().name.as_str(), text.as_str()),
            ("tag", "nato")
        );
        // ...a space after the colon makes it a word.
        assert!(matches!(lenient("tag: nato").node, QueryNode::Match(_)));
        // A URL is a word.
        assert_eq!(
            lenient("https://example.org/news/ukraine-talks").node,
            term("https://example.org/news/ukraine-talks", 0)
        );
        assert_eq!(lenient("Ukraine: live updates").relaxed, None);
    }

    #[test]
    fn what_the_grammar_cannot_read_is_read_as_words() {
        for query in [
            "\"unclosed quote",
            "(open bracket",
            "close) bracket",
            "AND stray",
            "stray OR",
            "tag: (",
            "a ()",
        ] {
            let parsed = lenient(query);
            assert!(parsed.relaxed.is_some(), "{query}");
            assert!(
                parse_query(query).is_err(),
                "{query} is an error in strict syntax"
            );
        }
        assert_eq!(
            lenient("(open bracket").node,
            QueryNode::Match(vec![term("open", 0), term("bracket", 6)])
        );
        assert_eq!(
            lenient("\"unclosed quote").relaxed.as_deref(),
            Some("unclosed quote")
        );
    }

    #[test]
    fn boosts_edits_and_slop_parse() {
        assert!(matches!(
            parse_query("cocoa^2").unwrap(),
            QueryNode::Term { boost: Some(2.0), edits: None, ref text, .. } if text == "cocoa"
        ));
        assert!(matches!(
            parse_query("inflaton~1").unwrap(),
            QueryNode::Term { edits: Some(1), ref text, .. } if text == "inflaton"
        ));
        assert!(matches!(
            parse_query("inflaton~").unwrap(),
            QueryNode::Term { edits: Some(2), .. }
        ));
        assert!(matches!(
            parse_query("\"rates interest\"~2").unwrap(),
            QueryNode::Phrase { slop: 2, ref text, .. } if text == "rates interest"
        ));
        assert!(matches!(
            parse_query("\"rates interest\"^3").unwrap(),
            QueryNode::Phrase {
                slop: 0,
                boost: Some(3.0),
                ..
            }
        ));
        // Not a number: part of the word.
        assert_eq!(parse_query("a^b").unwrap(), term("a^b", 0));
        assert_eq!(parse_query("word~5").unwrap_err().position, Some(0));
    }

    #[test]
    fn long_queries_keep_their_first_words() {
        let query = vec!["abcdef"; 230].join(" ");
        let parsed = lenient(&query);
        assert_eq!(count_words(&parsed.node), MAX_QUERY_WORDS);
        assert!(parsed.relaxed.unwrap().starts_with("the first 64 of 230"));
        assert!(read_query(&query, Syntax::Strict, &|_| true).is_err());
        // The operator of what is kept stays; a long group is cut to its
        // plain words.
        let joined = vec!["abcdef"; 100].join(" OR ");
        let parsed = lenient(&joined);
        assert!(matches!(&parsed.node, QueryNode::Or(kept) if kept.len() == MAX_QUERY_WORDS));
        let grouped = format!("({query}) tail");
        let parsed = lenient(&grouped);
        assert!(matches!(&parsed.node, QueryNode::Match(kept) if kept.len() == MAX_QUERY_WORDS));
    }
}
