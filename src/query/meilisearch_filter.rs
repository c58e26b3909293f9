//! Meilisearch filter expressions (`tag = "Ukraine" AND (source = BBC OR
//! source = Reuters)`, or the nested-array form InstantSearch sends:
//! `[["tag=a", "tag=b"], "source=c"]`) turned into newsdex's filters: a set
//! of values per facet field (any of them) and a publication-date range.
//!
//! newsdex filters are conjunctions of per-field disjunctions, which is
//! what search interfaces build from facet checkboxes and date ranges. An
//! expression outside that shape (an OR across two fields, a NOT, `!=`) is
//! refused with a message saying which part, never silently widened.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::Filters;
use crate::index::fields::IndexFields;

/// The date field a filter may compare: the publication time (under any
/// of its catalogue names).
const DATE_FIELD: &str = "published_at";

/// A filter newsdex cannot read or cannot apply, with the column (0-based,
/// in characters of the expression at fault) where one is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// What is wrong.
    pub message: String,
    /// The column at fault (0-based, in characters), when one is known.
    pub column: Option<usize>,
}

impl FilterError {
    fn new(message: impl Into<String>) -> FilterError {
        FilterError {
            message: message.into(),
            column: None,
        }
    }

    fn at(column: usize, message: impl Into<String>) -> FilterError {
        FilterError {
            message: message.into(),
            column: Some(column),
        }
    }
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(column) => write!(formatter, "{} (at column {column})", self.message),
            None => formatter.write_str(&self.message),
        }
    }
}

impl std::error::Error for FilterError {}

impl From<&str> for FilterError {
    fn from(message: &str) -> FilterError {
        FilterError::new(message)
    }
}

/// The newsdex filters of an expression.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterSet {
    /// Values per facet field: any of them (OR), every field (AND).
    pub filters: Filters,
    /// Published at or after.
    pub from: Option<DateTime<Utc>>,
    /// Published before.
    pub to: Option<DateTime<Utc>>,
}

/// A filter as JSON carries it: an expression, or arrays of them (the outer
/// array ANDs, an inner array ORs).
/// Field names resolve through the catalogue (`schema/index.fields.json`):
/// a facet field or one of its aliases (`tags`, `lang`, `people`), or the
/// publication date under any of its names.
pub fn read_filter(
    filter: &serde_json::Value,
    fields: &IndexFields,
) -> Result<FilterSet, FilterError> {
    let expression = match filter {
        serde_json::Value::Null => return Ok(FilterSet::default()),
        serde_json::Value::String(text) => parse_expression(text)?,
        serde_json::Value::Array(items) => {
            let mut clauses = Vec::new();
            for item in items {
                match item {
                    serde_json::Value::String(text) => clauses.push(parse_expression(text)?),
                    serde_json::Value::Array(alternatives) => {
                        let mut any = Vec::new();
                        for alternative in alternatives {
                            let text = alternative.as_str().ok_or_else(|| {
                                FilterError::new(format!(
                                    "filter arrays hold strings, got {alternative}"
                                ))
                            })?;
                            any.push(parse_expression(text)?);
                        }
                        clauses.push(Expression::Or(any));
                    }
                    other => {
                        return Err(FilterError::new(format!(
                            "filter arrays hold strings, got {other}"
                        )));
                    }
                }
            }
            Expression::And(clauses)
        }
        other => {
            return Err(FilterError::new(format!(
                "a filter is a string or an array, got {other}"
            )));
        }
    };
    Names { fields }.plan(&expression)
}

#[derive(Debug, Clone, PartialEq)]
enum Expression {
    And(Vec<Expression>),
    Or(Vec<Expression>),
    Not(Box<Expression>),
    Compare {
        field: String,
        operator: String,
        value: String,
    },
    Range {
        field: String,
        low: String,
        high: String,
    },
    In {
        field: String,
        values: Vec<String>,
    },
    Other(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Quoted(String),
    Operator(String),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Comma,
}

/// The expression's tokens, each with its column (in characters).
fn tokenize(text: &str) -> Result<Vec<(Token, usize)>, FilterError> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().enumerate().peekable();
    while let Some((position, c)) = chars.next() {
        let mut push = |token: Token| tokens.push((token, position));
        match c {
            c if c.is_whitespace() => {}
            '(' => push(Token::Open),
            ')' => push(Token::Close),
            '[' => push(Token::OpenBracket),
            ']' => push(Token::CloseBracket),
            ',' => push(Token::Comma),
            '"' | '\'' => {
                let mut value = String::new();
                let mut closed = false;
                while let Some((_, next)) = chars.next() {
                    match next {
                        '\\' => {
                            if let Some((_, escaped)) = chars.next() {
                                value.push(escaped);
                            }
                        }
                        next if next == c => {
                            closed = true;
                            break;
                        }
                        next => value.push(next),
                    }
                }
                if !closed {
                    return Err(FilterError::at(position, "unclosed quote"));
                }
                push(Token::Quoted(value));
            }
            '=' => push(Token::Operator("=".into())),
            '!' | '<' | '>' => {
                let mut operator = c.to_string();
                if chars.peek().is_some_and(|(_, next)| *next == '=') {
                    chars.next();
                    operator.push('=');
                }
                if operator == "!" {
                    return Err(FilterError::at(position, "expected !="));
                }
                push(Token::Operator(operator));
            }
            _ => {
                let mut word = c.to_string();
                while let Some((_, next)) = chars.peek() {
                    if next.is_whitespace() || "()[],=!<>\"'".contains(*next) {
                        break;
                    }
                    word.push(*next);
                    chars.next();
                }
                push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(Token, usize)>,
    at: usize,
    /// The column past the expression's last character.
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(token, _)| token)
    }

    fn keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(word)) if word == keyword)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.peek().cloned();
        self.at += 1;
        token
    }

    /// An error at the token last taken (or the end of the expression).
    fn fail(&self, message: impl Into<String>) -> FilterError {
        let column = self
            .tokens
            .get(self.at.saturating_sub(1))
            .map_or(self.end, |(_, column)| *column);
        FilterError::at(column, message)
    }

    fn or(&mut self, depth: usize) -> Result<Expression, FilterError> {
        let mut any = vec![self.and(depth)?];
        while self.keyword("OR") {
            self.at += 1;
            any.push(self.and(depth)?);
        }
        Ok(if any.len() == 1 {
            any.remove(0)
        } else {
            Expression::Or(any)
        })
    }

    fn and(&mut self, depth: usize) -> Result<Expression, FilterError> {
        let mut all = vec![self.not(depth)?];
        while self.keyword("AND") {
            self.at += 1;
            all.push(self.not(depth)?);
        }
        Ok(if all.len() == 1 {
            all.remove(0)
        } else {
            Expression::And(all)
        })
    }

    fn not(&mut self, depth: usize) -> Result<Expression, FilterError> {
        if depth > 32 {
            return Err(self.fail("the filter nests too deeply"));
        }
        if self.keyword("NOT") {
            self.at += 1;
            return Ok(Expression::Not(Box::new(self.not(depth + 1)?)));
        }
        if self.peek() == Some(&Token::Open) {
            self.at += 1;
            let inner = self.or(depth + 1)?;
            if self.next() != Some(Token::Close) {
                return Err(self.fail("a parenthesis is not closed"));
            }
            return Ok(inner);
        }
        self.condition()
    }

    fn value(&mut self, what: &str) -> Result<String, FilterError> {
        match self.next() {
            Some(Token::Word(word)) | Some(Token::Quoted(word)) => Ok(word),
            other => Err(self.fail(format!(
                "expected {what}, found {}",
                describe(other.as_ref())
            ))),
        }
    }

    fn condition(&mut self) -> Result<Expression, FilterError> {
        let field = self.value("a field name")?;
        match self.next() {
            Some(Token::Operator(operator)) => {
                let value = self.value("a value")?;
                Ok(Expression::Compare {
                    field,
                    operator,
                    value,
                })
            }
            Some(Token::Word(word)) if word == "IN" => {
                if self.next() != Some(Token::OpenBracket) {
                    return Err(self.fail(format!("expected [ after {field} IN")));
                }
                let mut values = Vec::new();
                loop {
                    if self.peek() == Some(&Token::CloseBracket) {
                        self.at += 1;
                        break;
                    }
                    values.push(self.value("a value")?);
                    match self.next() {
                        Some(Token::Comma) => {}
                        Some(Token::CloseBracket) => break,
                        other => {
                            return Err(self.fail(format!(
                                "expected , or ] in the IN list, found {}",
                                describe(other.as_ref())
                            )));
                        }
                    }
                }
                Ok(Expression::In { field, values })
            }
            Some(Token::Word(word)) if word == "EXISTS" || word == "IS" || word == "NOT" => {
                while matches!(self.peek(), Some(Token::Word(w)) if ["EXISTS", "NULL", "EMPTY", "NOT"].contains(&w.as_str()))
                {
                    self.at += 1;
                }
                Ok(Expression::Other(format!("{field} {word}")))
            }
            Some(Token::Word(low)) | Some(Token::Quoted(low)) if self.keyword("TO") => {
                self.at += 1;
                let high = self.value("the upper bound of TO")?;
                Ok(Expression::Range { field, low, high })
            }
            other => Err(self.fail(format!(
                "expected an operator after {field}, found {}",
                describe(other.as_ref())
            ))),
        }
    }
}

fn describe(token: Option<&Token>) -> String {
    match token {
        None => "the end of the filter".into(),
        Some(Token::Word(word)) => format!("`{word}`"),
        Some(Token::Quoted(word)) => format!("\"{word}\""),
        Some(Token::Operator(operator)) => format!("`{operator}`"),
        Some(Token::Open) => "`(`".into(),
        Some(Token::Close) => "`)`".into(),
        Some(Token::OpenBracket) => "`[`".into(),
        Some(Token::CloseBracket) => "`]`".into(),
        Some(Token::Comma) => "`,`".into(),
    }
}

fn parse_expression(text: &str) -> Result<Expression, FilterError> {
    let tokens = tokenize(text)?;
    if tokens.is_empty() {
        return Ok(Expression::And(Vec::new()));
    }
    let mut parser = Parser {
        tokens,
        at: 0,
        end: text.chars().count(),
    };
    let expression = parser.or(0)?;
    if let Some(rest) = parser.next() {
        return Err(parser.fail(format!(
            "unexpected {} in the filter",
            describe(Some(&rest))
        )));
    }
    Ok(expression)
}

/// The catalogue a filter's field names are read against.
struct Names<'a> {
    fields: &'a IndexFields,
}

impl<'a> Names<'a> {
    fn facet(&self, name: &str) -> Option<&'a str> {
        self.fields.facet_name(name)
    }

    fn is_date(&self, name: &str) -> bool {
        self.fields
            .get(name)
            .is_some_and(|field| field.definition.name == DATE_FIELD)
    }

    /// Values of one field any of which may match, from a condition or an OR
    /// of conditions on that field.
    fn field_alternatives(&self, expression: &Expression) -> Option<(&'a str, Vec<String>)> {
        match expression {
            Expression::Compare {
                field,
                operator,
                value,
            } if operator == "=" => Some((self.facet(field)?, vec![value.clone()])),
            Expression::In { field, values } => Some((self.facet(field)?, values.clone())),
            Expression::Or(any) => {
                let mut field = None;
                let mut values = Vec::new();
                for alternative in any {
                    let (name, more) = self.field_alternatives(alternative)?;
                    if field.is_some_and(|known| known != name) {
                        return None;
                    }
                    field = Some(name);
                    values.extend(more);
                }
                Some((field?, values))
            }
            _ => None,
        }
    }

    fn plan(&self, expression: &Expression) -> Result<FilterSet, FilterError> {
        let clauses: Vec<&Expression> = match expression {
            Expression::And(all) => all.iter().collect(),
            other => vec![other],
        };
        let mut plan = FilterSet::default();
        for clause in clauses {
            if let Expression::And(_) = clause {
                let inner = self.plan(clause)?;
                merge(&mut plan, inner)?;
                continue;
            }
            if let Some((field, values)) = self.field_alternatives(clause) {
                if plan.filters.contains_key(field) {
                    return Err(FilterError::new(format!(
                        "two conditions on `{field}` joined by AND: newsdex matches any of a field's values; join them with OR"
                    )));
                }
                plan.filters.insert(field.to_string(), values);
                continue;
            }
            match clause {
                Expression::Compare {
                    field,
                    operator,
                    value,
                } if self.is_date(field) => {
                    let span = parse_span(value)?;
                    match operator.as_str() {
                        ">=" => narrow_from(&mut plan, span.start),
                        ">" => narrow_from(&mut plan, span.end),
                        "<" => narrow_to(&mut plan, span.start),
                        "<=" => narrow_to(&mut plan, span.end),
                        "=" => {
                            narrow_from(&mut plan, span.start);
                            narrow_to(&mut plan, span.end);
                        }
                        other => {
                            return Err(FilterError::new(format!(
                                "`{field} {other}` is not supported on dates"
                            )));
                        }
                    }
                }
                Expression::Range { field, low, high } if self.is_date(field) => {
                    narrow_from(&mut plan, parse_span(low)?.start);
                    narrow_to(&mut plan, parse_span(high)?.end);
                }
                Expression::Compare { field, .. } | Expression::In { field, .. }
                    if self.facet(field).is_none() && !self.is_date(field) =>
                {
                    return Err(FilterError::new(format!(
                        "`{field}` is not filterable; filter on {}, or {DATE_FIELD}",
                        self.fields.facet_names().join(", ")
                    )));
                }
                Expression::Compare {
                    field, operator, ..
                } => {
                    return Err(FilterError::new(format!(
                        "`{field} {operator}` is not supported: newsdex filters facet fields with = and IN, dates with <, <=, >, >= and TO"
                    )));
                }
                Expression::Not(_) => {
                    return Err("NOT is not supported in newsdex filters".into());
                }
                Expression::Or(_) => {
                    return Err(
                        "OR joins conditions on different fields, which newsdex filters do not support; an OR may only join values of one field"
                            .into(),
                    );
                }
                Expression::Other(what) => {
                    return Err(FilterError::new(format!(
                        "`{what}` is not supported in newsdex filters"
                    )));
                }
                Expression::Range { field, .. } => {
                    return Err(FilterError::new(format!(
                        "`{field} … TO …` is supported on published_at only"
                    )));
                }
                Expression::In { field, .. } => {
                    return Err(FilterError::new(format!("`{field} IN` is not supported")));
                }
                Expression::And(_) => {}
            }
        }
        Ok(plan)
    }
}

/// What a date value in a filter covers: from `start` to before `end`.
struct Span {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

/// A date value: Unix seconds (what Meilisearch stores dates as) or an
/// RFC 3339 time cover their second; a calendar day covers the whole day,
/// as `from`/`to` on `/search` do: `date <= 2025-02-18` and `… TO
/// 2025-02-18` include that day, `date < 2025-02-18` ends before it.
fn parse_span(value: &str) -> Result<Span, FilterError> {
    let second = |start: DateTime<Utc>| Span {
        start,
        end: start + chrono::Duration::seconds(1),
    };
    if let Ok(seconds) = value.parse::<f64>() {
        return Utc
            .timestamp_opt(seconds.floor() as i64, 0)
            .single()
            .map(second)
            .ok_or_else(|| FilterError::new(format!("{value} is not a time")));
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        return Ok(second(time.to_utc()));
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|day| {
            Some(Span {
                start: day.and_hms_opt(0, 0, 0)?.and_utc(),
                end: day.succ_opt()?.and_hms_opt(0, 0, 0)?.and_utc(),
            })
        })
        .ok_or_else(|| {
            FilterError::new(format!(
                "`{value}` is not Unix seconds, an RFC 3339 time or a YYYY-MM-DD day"
            ))
        })
}

fn merge(plan: &mut FilterSet, inner: FilterSet) -> Result<(), FilterError> {
    for (field, values) in inner.filters {
        if plan.filters.contains_key(&field) {
            return Err(FilterError::new(format!(
                "two conditions on `{field}` joined by AND: newsdex matches any of a field's values; join them with OR"
            )));
        }
        plan.filters.insert(field, values);
    }
    if let Some(from) = inner.from {
        narrow_from(plan, from);
    }
    if let Some(to) = inner.to {
        narrow_to(plan, to);
    }
    Ok(())
}

fn narrow_from(plan: &mut FilterSet, from: DateTime<Utc>) {
    plan.from = Some(plan.from.map_or(from, |known| known.max(from)));
}

fn narrow_to(plan: &mut FilterSet, to: DateTime<Utc>) {
    plan.to = Some(plan.to.map_or(to, |known| known.min(to)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn planned(filter: &serde_json::Value) -> Result<FilterSet, FilterError> {
        let fields = IndexFields::build().expect("the catalogue builds");
        read_filter(filter, &fields)
    }

    #[test]
    fn instantsearch_arrays_and_expressions_give_the_same_plan() {
        let from_arrays = planned(&json!([
            ["\"tag\"=\"Ukraine\"", "\"tag\"=\"NATO\""],
            "\"source\"=\"Kyiv Independent\"",
            "\"published_at\" 1735689600 TO 1738367999"
        ]))
        .unwrap();
        let from_text = planned(&json!(
            "(tag = Ukraine OR tag = 'NATO') AND source = \"Kyiv Independent\" AND published_at >= 2025-01-01 AND published_at <= 1738367999"
        ))
        .unwrap();
        assert_eq!(from_arrays, from_text);
        assert_eq!(from_arrays.filters["tag"], vec!["Ukraine", "NATO"]);
        assert_eq!(
            from_arrays.from.unwrap().to_rfc3339(),
            "2025-01-01T00:00:00+00:00"
        );
        assert_eq!(
            from_arrays.to.unwrap().to_rfc3339(),
            "2025-02-01T00:00:00+00:00"
        );
        assert_eq!(
            planned(&json!("person IN [\"Mark Rutte\", 'Donald Tusk']"))
                .unwrap()
                .filters["person"],
            vec!["Mark Rutte", "Donald Tusk"]
        );
    }

    #[test]
    fn every_name_the_catalogue_gives_a_field_filters_it() {
        let plan = planned(&json!(
            "people = 'Mark Rutte' AND publication = BBC AND tags = NATO AND date >= 2025-01-01"
        ))
        .unwrap();
        assert_eq!(plan.filters["person"], vec!["Mark Rutte"]);
        assert_eq!(plan.filters["source"], vec!["BBC"]);
        assert_eq!(plan.filters["tag"], vec!["NATO"]);
        assert!(plan.from.is_some());
        let error = planned(&json!("title = a")).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("tag, section, author, source, language"),
            "{error}"
        );
    }

    #[test]
    fn shapes_newsdex_cannot_filter_are_refused_with_the_reason() {
        for (filter, reason) in [
            ("tag = a OR source = b", "different fields"),
            ("NOT tag = a", "NOT"),
            ("tag != a", "not supported"),
            ("body = a", "not filterable"),
            ("tag = a AND tag = b", "join them with OR"),
            ("tag = ", "expected a value"),
            ("(tag = a", "not closed"),
            ("tag = 'a", "unclosed quote (at column 6)"),
            (
                "tag = a OR",
                "expected a field name, found the end of the filter (at column 10)",
            ),
            (
                "tag IN [a b]",
                "expected , or ] in the IN list, found `b` (at column 10)",
            ),
            ("published_at > soon", "not Unix seconds"),
        ] {
            let error = planned(&json!(filter)).unwrap_err();
            assert!(error.to_string().contains(reason), "{filter}: {error}");
        }
    }

    /// A bare day covers the whole day in a filter as in `from`/`to`.
    #[test]
    fn a_day_is_bounded_as_from_and_to_bound_it() {
        use crate::query::dates::{BoundSide, parse_date_bound};
        let now = Utc::now();
        let bound = |text: &str, side| parse_date_bound(text, side, now).unwrap();
        let plan = planned(&json!("published_at <= 2025-02-18")).unwrap();
        assert_eq!(plan.to, Some(bound("2025-02-18", BoundSide::To)));
        let plan = planned(&json!("published_at 2025-02-01 TO 2025-02-18")).unwrap();
        assert_eq!(plan.from, Some(bound("2025-02-01", BoundSide::From)));
        assert_eq!(plan.to, Some(bound("2025-02-18", BoundSide::To)));
        let plan = planned(&json!("published_at < 2025-02-18")).unwrap();
        assert_eq!(plan.to, Some(bound("2025-02-18", BoundSide::From)));
        let plan = planned(&json!("published_at > 2025-02-18")).unwrap();
        assert_eq!(plan.from, Some(bound("2025-02-18", BoundSide::To)));
        let plan = planned(&json!("published_at = 2025-02-18")).unwrap();
        assert_eq!(
            (plan.from, plan.to),
            (
                Some(bound("2025-02-18", BoundSide::From)),
                Some(bound("2025-02-18", BoundSide::To))
            )
        );
        let plan = planned(&json!("published_at <= 2025-02-18T10:00:00Z")).unwrap();
        assert_eq!(plan.to, Some(bound("2025-02-18T10:00:01Z", BoundSide::To)));
    }
}
