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
//! ```
//!
//! Operators are upper-case; lower-case "and", "or" and "not" are words.
//! newsdex parses queries itself rather than with tantivy's parser because
//! it must report the column of a syntax error, know field aliases, and
//! analyse each term in every language the index holds.

use std::fmt;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 4096;
/// Deepest nesting of parentheses and negations accepted.
const MAX_DEPTH: usize = 32;

/// A parsed query. Spans are character offsets into the query text.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryNode {
    /// Matches every article (an empty query, or `*`).
    All,
    Term {
        field: Option<FieldRef>,
        text: String,
        prefix: bool,
        start: usize,
    },
    Phrase {
        field: Option<FieldRef>,
        text: String,
        start: usize,
    },
    And(Vec<QueryNode>),
    Or(Vec<QueryNode>),
    Not(Box<QueryNode>),
}

/// A field named in the query, with where it was named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef {
    pub name: String,
    pub start: usize,
}

/// A query the user must fix, with the character column (0-based) at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub message: String,
    pub position: Option<usize>,
}

impl QueryError {
    pub fn at(position: usize, message: impl Into<String>) -> QueryError {
        QueryError {
            message: message.into(),
            position: Some(position),
        }
    }

    pub fn new(message: impl Into<String>) -> QueryError {
        QueryError {
            message: message.into(),
            position: None,
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
    Quoted(String),
    FieldPrefix(String),
    Open,
    Close,
    And,
    Or,
    Not,
    Minus,
    Plus,
}

#[derive(Debug, Clone)]
struct Lexeme {
    token: Token,
    start: usize,
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '(' | ')' | '"')
}

fn lex(query: &str) -> Result<Vec<Lexeme>, QueryError> {
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
                Token::Quoted(text)
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
                    if chars[end - 1] == ':' && end - 1 > index {
                        let name: String = chars[index..end - 1].iter().collect();
                        if is_field_name(&name) {
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
                        Some(name) if is_field_name(name) => Token::FieldPrefix(name.to_string()),
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

/// Parses query text. An empty query matches every article.
pub fn parse_query(query: &str) -> Result<QueryNode, QueryError> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(QueryError::at(
            MAX_QUERY_CHARS,
            format!("query is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    let lexemes = lex(query)?;
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
        loop {
            match self.peek().map(|lexeme| &lexeme.token) {
                None | Some(Token::Close) | Some(Token::Or) => break,
                Some(Token::And) => {
                    let and = self.next().map_or(self.end, |lexeme| lexeme.start);
                    if self.at_clause_end() {
                        return Err(QueryError::at(and, "`AND` needs a term after it"));
                    }
                }
                Some(_) => {}
            }
            clauses.push(self.parse_unary(field)?);
        }
        Ok(if clauses.len() == 1 {
            clauses.remove(0)
        } else {
            QueryNode::And(clauses)
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
            Token::Quoted(text) => Ok(QueryNode::Phrase {
                field: field.cloned(),
                text,
                start: lexeme.start,
            }),
            Token::Word(word) => {
                if word == "*" && field.is_none() {
                    return Ok(QueryNode::All);
                }
                let (text, prefix) = match word.strip_suffix('*') {
                    Some(stem) if !stem.is_empty() => (stem.to_string(), true),
                    _ => (word, false),
                };
                Ok(QueryNode::Term {
                    field: field.cloned(),
                    text,
                    prefix,
                    start: lexeme.start,
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
                    Some(Token::Word(_) | Token::Quoted(_) | Token::Open) => {
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
        }
    }

    #[test]
    fn boolean_structure_parses() {
        assert_eq!(
            parse_query("rutte ukraine").unwrap(),
            QueryNode::And(vec![term("rutte", 0), term("ukraine", 6)])
        );
        assert_eq!(
            parse_query("a OR b c").unwrap(),
            QueryNode::Or(vec![
                term("a", 0),
                QueryNode::And(vec![term("b", 5), term("c", 7)])
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
        let QueryNode::And(clauses) = node else {
            panic!("expected AND")
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
}
