//! The OData query options the emulator serves: `$select`, `$filter`, `$orderby`,
//! `$top`, `$skip`, and `$skiptoken` for its own paging.  Any other option is refused
//! with a 400, never ignored.
//!
//! String comparisons ignore letter case, as Graph's do.  The beta endpoint also
//! takes the options without their `$`; other names without `$` are custom options
//! and are ignored, as OData says.

use std::cmp::Ordering;

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::error::GraphError;
use crate::paths::QueryPair;
use crate::timestamp;

/// Deepest nesting of parentheses and `not` a `$filter` may have.
const MAX_FILTER_DEPTH: usize = 64;

/// What a field holds, as far as querying it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    String,
    Bool,
    Number,
    /// Edm.Date, `YYYY-MM-DD`.
    Date,
    /// Edm.DateTimeOffset.
    DateTime,
    /// Objects and arrays: selectable, not filterable or sortable.
    Complex,
}

/// The fields of the type being queried.
pub struct Fields<'a> {
    /// `microsoft.graph.personCertification`, for messages.
    pub type_name: &'a str,
    pub kind_of: &'a dyn Fn(&str) -> Option<ValueKind>,
}

impl Fields<'_> {
    fn kind(&self, name: &str, option: &str) -> Result<ValueKind, GraphError> {
        (self.kind_of)(name).ok_or_else(|| {
            GraphError::bad_request(format!(
                "Could not find a property named '{name}' on type '{}'.",
                self.type_name
            ))
            .with_target(option)
        })
    }
}

/// Which options a request may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    /// A collection: every supported option.
    List,
    /// One object: `$select` only.
    Get,
}

/// The parsed options of one request.
#[derive(Debug, Default)]
pub struct Query {
    pub select: Option<Vec<String>>,
    pub filter: Option<Expr>,
    /// Field, kind, descending.
    pub orderby: Vec<(String, ValueKind, bool)>,
    pub top: Option<usize>,
    pub skip: usize,
    /// Where this page starts within the result: the emulator's own paging token.
    pub skiptoken: usize,
}

/// Query options OData defines that the emulator does not serve.
const UNSUPPORTED: &[&str] = &[
    "search",
    "expand",
    "count",
    "format",
    "compute",
    "apply",
    "levels",
    "deltatoken",
    "index",
    "schemaversion",
    "id",
];
const SUPPORTED: &[&str] = &["select", "filter", "orderby", "top", "skip", "skiptoken"];

/// Reads the query options of a request.
pub fn parse_query(
    pairs: &[QueryPair],
    allowed: Allowed,
    fields: &Fields<'_>,
) -> Result<Query, GraphError> {
    let mut query = Query::default();
    let mut seen: Vec<String> = Vec::new();

    for pair in pairs {
        let lower = pair.name.to_ascii_lowercase();
        let has_dollar = lower.starts_with('$');
        let name = lower.trim_start_matches('$');
        let known = SUPPORTED.contains(&name) || UNSUPPORTED.contains(&name);
        if !has_dollar && !known {
            continue;
        }

        let usable = match allowed {
            Allowed::List => SUPPORTED.contains(&name),
            Allowed::Get => name == "select",
        };
        if !usable {
            return Err(GraphError::bad_request(format!(
                "The query option '{}' is not supported {}.",
                pair.name,
                if SUPPORTED.contains(&name) { "on a single object" } else { "by this API" }
            ))
            .with_target(&pair.name));
        }
        if seen.iter().any(|s| s == name) {
            return Err(GraphError::bad_request(format!(
                "The query option '{}' was given more than once.",
                pair.name
            ))
            .with_target(&pair.name));
        }
        seen.push(name.to_owned());

        let value = pair.value.trim();
        match name {
            "select" => query.select = Some(parse_select(value, fields, &pair.name)?),
            "filter" => query.filter = Some(parse_filter(value, fields, &pair.name)?),
            "orderby" => query.orderby = parse_orderby(value, fields, &pair.name)?,
            "top" => query.top = Some(parse_count(value, &pair.name)?),
            "skip" => query.skip = parse_count(value, &pair.name)?,
            "skiptoken" => {
                query.skiptoken = value.parse().map_err(|_| {
                    GraphError::bad_request("The skip token is not one this service issued.")
                        .with_target(&pair.name)
                })?
            }
            _ => unreachable!("every supported name is handled"),
        }
    }
    Ok(query)
}

fn parse_count(value: &str, option: &str) -> Result<usize, GraphError> {
    value.parse::<usize>().map_err(|_| {
        GraphError::bad_request(format!(
            "Invalid value '{value}' for query option '{option}': expected a whole number \
             of zero or more."
        ))
        .with_target(option)
    })
}

fn parse_select(value: &str, fields: &Fields<'_>, option: &str) -> Result<Vec<String>, GraphError> {
    let mut names = Vec::new();
    for name in value.split(',').map(str::trim) {
        if name.is_empty() {
            return Err(GraphError::bad_request(format!("'{option}' names an empty property."))
                .with_target(option));
        }
        if name != "*" {
            fields.kind(name, option)?;
        }
        names.push(name.to_owned());
    }
    Ok(names)
}

fn parse_orderby(
    value: &str,
    fields: &Fields<'_>,
    option: &str,
) -> Result<Vec<(String, ValueKind, bool)>, GraphError> {
    let mut keys = Vec::new();
    for clause in value.split(',').map(str::trim) {
        let mut words = clause.split_whitespace();
        let name = words.next().ok_or_else(|| {
            GraphError::bad_request(format!("'{option}' has an empty clause.")).with_target(option)
        })?;
        let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(GraphError::bad_request(format!(
                    "'{option}' expects 'asc' or 'desc' after '{name}', not '{other}'."
                ))
                .with_target(option));
            }
        };
        if words.next().is_some() {
            return Err(GraphError::bad_request(format!(
                "'{option}' clause '{clause}' has extra words; separate keys with commas."
            ))
            .with_target(option));
        }
        let kind = fields.kind(name, option)?;
        if kind == ValueKind::Complex {
            return Err(GraphError::bad_request(format!(
                "The property '{name}' cannot be sorted on: it is not a single value."
            ))
            .with_target(option));
        }
        keys.push((name.to_owned(), kind, descending));
    }
    Ok(keys)
}

// ---- $filter ------------------------------------------------------------------------

/// A parsed `$filter`.
#[derive(Debug, Clone)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare {
        field: String,
        kind: ValueKind,
        op: CompareOp,
        value: Literal,
    },
    /// `startswith(field,'x')`, `endswith`, `contains`, on strings.
    Text {
        field: String,
        function: TextFunction,
        value: String,
    },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// A string function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFunction {
    StartsWith,
    EndsWith,
    Contains,
}

/// A literal, already made the type of the field it is compared with.
#[derive(Debug, Clone)]
pub enum Literal {
    Null,
    Bool(bool),
    Number(f64),
    /// Strings (compared without letter case) and dates (`YYYY-MM-DD`).
    Text(String),
    DateTime(OffsetDateTime),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    Comma,
    Word(String),
    Str(String),
    /// A number, date or date-time, unquoted.
    Atom(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            ',' => {
                tokens.push(Token::Comma);
                i += 1;
            }
            '\'' => {
                let mut value = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("a string literal is not closed".into()),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            value.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&other) => {
                            value.push(other);
                            i += 1;
                        }
                    }
                }
                tokens.push(Token::Str(value));
            }
            c if c.is_ascii_digit() || c == '-' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric()
                        || matches!(chars[i], ':' | '.' | '+' | '-'))
                {
                    i += 1;
                }
                tokens.push(Token::Atom(chars[start..i].iter().collect()));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '/'))
                {
                    i += 1;
                }
                tokens.push(Token::Word(chars[start..i].iter().collect()));
            }
            other => return Err(format!("unexpected character '{other}'")),
        }
    }
    Ok(tokens)
}

struct Parser<'a, 'f> {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
    fields: &'a Fields<'f>,
    option: &'a str,
}

fn parse_filter(value: &str, fields: &Fields<'_>, option: &str) -> Result<Expr, GraphError> {
    let fail = |reason: String| {
        GraphError::bad_request(format!("Invalid filter clause: {reason}.")).with_target(option)
    };
    let tokens = tokenize(value).map_err(fail)?;
    if tokens.is_empty() {
        return Err(fail("the filter is empty".into()));
    }
    let mut parser = Parser { tokens, at: 0, depth: 0, fields, option };
    let expr = parser.or()?;
    if let Some(extra) = parser.tokens.get(parser.at) {
        return Err(fail(format!("unexpected {} after a complete expression", describe(extra))));
    }
    Ok(expr)
}

fn describe(token: &Token) -> String {
    match token {
        Token::Open => "'('".into(),
        Token::Close => "')'".into(),
        Token::Comma => "','".into(),
        Token::Word(w) => format!("'{w}'"),
        Token::Str(s) => format!("string '{s}'"),
        Token::Atom(a) => format!("'{a}'"),
    }
}

impl Parser<'_, '_> {
    fn error(&self, reason: impl std::fmt::Display) -> GraphError {
        GraphError::bad_request(format!("Invalid filter clause: {reason}."))
            .with_target(self.option)
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn expect(&mut self, wanted: Token) -> Result<(), GraphError> {
        match self.next() {
            Some(token) if token == wanted => Ok(()),
            Some(token) => Err(self.error(format!(
                "expected {}, found {}",
                describe(&wanted),
                describe(&token)
            ))),
            None => Err(self.error(format!("expected {} at the end", describe(&wanted)))),
        }
    }

    fn or(&mut self) -> Result<Expr, GraphError> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, GraphError> {
        let mut left = self.unary()?;
        while self.peek_word("and") {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, GraphError> {
        self.depth += 1;
        if self.depth > MAX_FILTER_DEPTH {
            return Err(self.error("the filter is nested too deeply"));
        }
        let expr = if self.peek_word("not") {
            self.at += 1;
            Expr::Not(Box::new(self.unary()?))
        } else {
            self.primary()?
        };
        self.depth -= 1;
        Ok(expr)
    }

    fn primary(&mut self) -> Result<Expr, GraphError> {
        match self.next() {
            Some(Token::Open) => {
                let expr = self.or()?;
                self.expect(Token::Close)?;
                Ok(expr)
            }
            Some(Token::Word(word)) if self.tokens.get(self.at) == Some(&Token::Open) => {
                self.function(&word)
            }
            Some(Token::Word(field)) => self.comparison(field),
            Some(other) => {
                Err(self.error(format!("expected a property, found {}", describe(&other))))
            }
            None => Err(self.error("the filter ends too early")),
        }
    }

    fn function(&mut self, name: &str) -> Result<Expr, GraphError> {
        let function = match name.to_ascii_lowercase().as_str() {
            "startswith" => TextFunction::StartsWith,
            "endswith" => TextFunction::EndsWith,
            "contains" => TextFunction::Contains,
            _ => return Err(self.error(format!("the function '{name}' is not supported"))),
        };
        self.expect(Token::Open)?;
        let field = match self.next() {
            Some(Token::Word(field)) => field,
            _ => return Err(self.error(format!("{name} expects a property first"))),
        };
        let kind = self.fields.kind(&field, self.option)?;
        if kind != ValueKind::String {
            return Err(self.error(format!("{name} needs a string property; '{field}' is not one")));
        }
        self.expect(Token::Comma)?;
        let value = match self.next() {
            Some(Token::Str(value)) => value,
            _ => return Err(self.error(format!("{name} expects a quoted string second"))),
        };
        self.expect(Token::Close)?;
        let expr = Expr::Text { field, function, value };

        // `startswith(x,'a') eq true` is the long way to write the same test.
        if self.peek_word("eq") || self.peek_word("ne") {
            let negate = self.peek_word("ne");
            self.at += 1;
            let wanted = match self.next() {
                Some(Token::Word(w)) if w.eq_ignore_ascii_case("true") => true,
                Some(Token::Word(w)) if w.eq_ignore_ascii_case("false") => false,
                _ => {
                    return Err(
                        self.error(format!("{name}(...) can only be compared with true or false"))
                    );
                }
            };
            return Ok(if wanted != negate { expr } else { Expr::Not(Box::new(expr)) });
        }
        Ok(expr)
    }

    fn comparison(&mut self, field: String) -> Result<Expr, GraphError> {
        let kind = self.fields.kind(&field, self.option)?;
        let op = match self.next() {
            Some(Token::Word(op)) => match op.to_ascii_lowercase().as_str() {
                "eq" => CompareOp::Eq,
                "ne" => CompareOp::Ne,
                "gt" => CompareOp::Gt,
                "ge" => CompareOp::Ge,
                "lt" => CompareOp::Lt,
                "le" => CompareOp::Le,
                _ => return Err(self.error(format!("the operator '{op}' is not supported"))),
            },
            Some(other) => {
                return Err(self.error(format!(
                    "expected an operator after '{field}', found {}",
                    describe(&other)
                )));
            }
            None => return Err(self.error(format!("expected an operator after '{field}'"))),
        };
        if kind == ValueKind::Complex {
            return Err(self.error(format!("the property '{field}' is not a single value")));
        }
        let token =
            self.next().ok_or_else(|| self.error(format!("expected a value after '{field}'")))?;
        let value = self.literal(&field, kind, token)?;
        if matches!(value, Literal::Null) && !matches!(op, CompareOp::Eq | CompareOp::Ne) {
            return Err(self.error("null can only be compared with eq or ne"));
        }
        Ok(Expr::Compare { field, kind, op, value })
    }

    fn literal(&self, field: &str, kind: ValueKind, token: Token) -> Result<Literal, GraphError> {
        if matches!(&token, Token::Word(w) if w.eq_ignore_ascii_case("null")) {
            return Ok(Literal::Null);
        }
        let mismatch = |what: &str| {
            self.error(format!("'{field}' is {what}; {} does not fit", describe(&token)))
        };
        match kind {
            ValueKind::String => match &token {
                Token::Str(s) => Ok(Literal::Text(s.clone())),
                _ => Err(mismatch("a string")),
            },
            ValueKind::Bool => match &token {
                Token::Word(w) if w.eq_ignore_ascii_case("true") => Ok(Literal::Bool(true)),
                Token::Word(w) if w.eq_ignore_ascii_case("false") => Ok(Literal::Bool(false)),
                _ => Err(mismatch("a boolean")),
            },
            ValueKind::Number => match &token {
                Token::Atom(a) => a.parse().map(Literal::Number).map_err(|_| mismatch("a number")),
                _ => Err(mismatch("a number")),
            },
            ValueKind::Date => match &token {
                Token::Atom(a) | Token::Str(a) if timestamp::is_date(a) => {
                    Ok(Literal::Text(a.clone()))
                }
                _ => Err(mismatch("a date (YYYY-MM-DD)")),
            },
            ValueKind::DateTime => match &token {
                Token::Atom(a) | Token::Str(a) => timestamp::parse(a)
                    .map(Literal::DateTime)
                    .ok_or_else(|| mismatch("a date and time (RFC 3339)")),
                _ => Err(mismatch("a date and time (RFC 3339)")),
            },
            ValueKind::Complex => Err(mismatch("not a single value")),
        }
    }
}

/// Whether an entry passes a filter.
pub fn matches(expr: &Expr, entry: &Map<String, Value>) -> bool {
    match expr {
        Expr::And(a, b) => matches(a, entry) && matches(b, entry),
        Expr::Or(a, b) => matches(a, entry) || matches(b, entry),
        Expr::Not(a) => !matches(a, entry),
        Expr::Text { field, function, value } => {
            let Some(text) = entry.get(field).and_then(Value::as_str) else {
                return false;
            };
            let (text, value) = (text.to_lowercase(), value.to_lowercase());
            match function {
                TextFunction::StartsWith => text.starts_with(&value),
                TextFunction::EndsWith => text.ends_with(&value),
                TextFunction::Contains => text.contains(&value),
            }
        }
        Expr::Compare { field, kind, op, value } => {
            let stored = entry.get(field).unwrap_or(&Value::Null);
            if matches!(value, Literal::Null) || stored.is_null() {
                let both_null = matches!(value, Literal::Null) && stored.is_null();
                return match op {
                    CompareOp::Eq => both_null,
                    CompareOp::Ne => !both_null,
                    _ => false,
                };
            }
            let Some(order) = compare_literal(*kind, stored, value) else {
                return false;
            };
            match op {
                CompareOp::Eq => order == Ordering::Equal,
                CompareOp::Ne => order != Ordering::Equal,
                CompareOp::Gt => order == Ordering::Greater,
                CompareOp::Ge => order != Ordering::Less,
                CompareOp::Lt => order == Ordering::Less,
                CompareOp::Le => order != Ordering::Greater,
            }
        }
    }
}

fn compare_literal(kind: ValueKind, stored: &Value, literal: &Literal) -> Option<Ordering> {
    match (kind, literal) {
        (ValueKind::String, Literal::Text(text)) => {
            Some(stored.as_str()?.to_lowercase().cmp(&text.to_lowercase()))
        }
        (ValueKind::Date, Literal::Text(text)) => Some(stored.as_str()?.cmp(text.as_str())),
        (ValueKind::Bool, Literal::Bool(b)) => Some(stored.as_bool()?.cmp(b)),
        (ValueKind::Number, Literal::Number(n)) => stored.as_f64()?.partial_cmp(n),
        (ValueKind::DateTime, Literal::DateTime(at)) => {
            Some(timestamp::parse(stored.as_str()?)?.cmp(at))
        }
        _ => None,
    }
}

/// Orders two values of one field: nulls first, strings without letter case.
fn compare_values(kind: ValueKind, a: Option<&Value>, b: Option<&Value>) -> Ordering {
    let a = a.filter(|v| !v.is_null());
    let b = b.filter(|v| !v.is_null());
    let (a, b) = match (a, b) {
        (None, None) => return Ordering::Equal,
        (None, Some(_)) => return Ordering::Less,
        (Some(_), None) => return Ordering::Greater,
        (Some(a), Some(b)) => (a, b),
    };
    match kind {
        ValueKind::Bool => a.as_bool().cmp(&b.as_bool()),
        ValueKind::Number => a.as_f64().partial_cmp(&b.as_f64()).unwrap_or(Ordering::Equal),
        ValueKind::DateTime => {
            let (ta, tb) =
                (a.as_str().and_then(timestamp::parse), b.as_str().and_then(timestamp::parse));
            ta.cmp(&tb)
        }
        _ => {
            let (sa, sb) = (a.as_str().unwrap_or_default(), b.as_str().unwrap_or_default());
            sa.to_lowercase().cmp(&sb.to_lowercase()).then_with(|| sa.cmp(sb))
        }
    }
}

/// One page of a collection after filter, order, skip and top.
pub struct Page {
    pub items: Vec<Map<String, Value>>,
    /// The skip token of the next page, when there is one.
    pub next: Option<usize>,
}

/// Applies a query to a whole collection (given in its default order) and cuts the
/// page that `query.skiptoken` points at.
pub fn page(items: Vec<Map<String, Value>>, query: &Query, page_size: usize) -> Page {
    let mut items: Vec<_> = match &query.filter {
        Some(filter) => items.into_iter().filter(|item| matches(filter, item)).collect(),
        None => items,
    };
    if !query.orderby.is_empty() {
        // A stable sort: entries equal on every key keep their default order.
        items.sort_by(|a, b| {
            query
                .orderby
                .iter()
                .map(|(field, kind, descending)| {
                    let order = compare_values(*kind, a.get(field), b.get(field));
                    if *descending { order.reverse() } else { order }
                })
                .find(|order| *order != Ordering::Equal)
                .unwrap_or(Ordering::Equal)
        });
    }

    let total = items.len().saturating_sub(query.skip).min(query.top.unwrap_or(usize::MAX));
    let start = query.skiptoken.min(total);
    let end = start.saturating_add(page_size.max(1)).min(total);
    let page: Vec<_> = items.into_iter().skip(query.skip).skip(start).take(end - start).collect();
    let items = page.into_iter().map(|item| select(item, query.select.as_deref())).collect();
    Page { items, next: (end < total).then_some(end) }
}

/// Keeps only the selected fields (and `id`, which clients always need).
pub fn select(item: Map<String, Value>, select: Option<&[String]>) -> Map<String, Value> {
    let Some(names) = select else {
        return item;
    };
    if names.iter().any(|n| n == "*") {
        return item;
    }
    item.into_iter()
        .filter(|(key, _)| key == "id" || key.starts_with('@') || names.iter().any(|n| n == key))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kinds(name: &str) -> Option<ValueKind> {
        match name {
            "displayName" => Some(ValueKind::String),
            "isPending" => Some(ValueKind::Bool),
            "issuedDate" => Some(ValueKind::Date),
            "createdDateTime" => Some(ValueKind::DateTime),
            "detail" => Some(ValueKind::Complex),
            _ => None,
        }
    }

    fn filter(text: &str) -> Result<Expr, GraphError> {
        let fields = Fields { type_name: "test", kind_of: &kinds };
        parse_filter(text, &fields, "$filter")
    }

    fn entry(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn quote_doubling_and_precedence() {
        let e = entry(json!({"displayName": "O'Brien", "isPending": false}));
        assert!(matches(&filter("displayName eq 'O''Brien'").unwrap(), &e));
        assert!(matches(&filter("isPending eq true or displayName eq 'o''brien'").unwrap(), &e));
        assert!(!matches(&filter("not (displayName eq 'O''Brien')").unwrap(), &e));
        assert!(matches(
            &filter("not(isPending eq true) and startswith(displayName,'o')").unwrap(),
            &e
        ));
    }

    #[test]
    fn dates_compare_as_dates() {
        let e = entry(
            json!({"issuedDate": "2025-04-28", "createdDateTime": "2025-04-28T10:00:00.000Z"}),
        );
        assert!(matches(
            &filter("issuedDate ge 2025-01-01 and issuedDate lt 2025-12-31").unwrap(),
            &e
        ));
        assert!(matches(&filter("createdDateTime gt 2025-04-28T09:00:00Z").unwrap(), &e));
        assert!(filter("issuedDate eq 'yesterday'").is_err());
    }

    #[test]
    fn bad_filters_name_the_problem() {
        assert!(filter("nope eq 'x'").unwrap_err().message.contains("nope"));
        assert!(filter("displayName eq 5").is_err());
        assert!(filter("detail eq 'x'").is_err());
        assert!(filter("displayName eq 'x' extra").is_err());
        assert!(filter("(displayName eq 'x'").is_err());
        assert!(filter(&"(".repeat(500)).is_err());
    }
}
