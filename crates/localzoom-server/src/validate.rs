//! Field-by-field validation that collects every bad field, so a request is rejected whole with
//! Zoom's 300 "Validation Failed." and an `errors` list. Values are read leniently, as Zoom's own
//! JSON binding does: numeric strings for integers, "true"/"false" for booleans, and JSON text for
//! nested objects (how form and multipart bodies carry them). `null` means "not given".

use serde_json::{Map, Value};
use zoom_types::FieldError;

use crate::error::ApiError;
use crate::extract::{Body, QueryMap};

/// A typed input, read from a request's fields by the route before the service is called. `read`
/// binds leniently and records every bad field in `check`, so one answer lists them all; the
/// service receives only inputs that passed (and decides what depends on stored state).
pub trait Input: Sized {
    fn read(check: &mut Check, root: &Obj) -> Self;

    /// From `root`, or Zoom's 400/300 naming every bad field.
    fn parse(root: &Obj) -> Result<Self, ApiError> {
        let mut check = Check::default();
        let input = Self::read(&mut check, root);
        check.finish()?;
        Ok(input)
    }

    /// From a request body; a missing or malformed one is Zoom's 400 before any field is read.
    fn from_body(body: &Body) -> Result<Self, ApiError> {
        Self::parse(&Obj::root(body.require()?))
    }

    /// From a request body that may be left out (every field then takes its default).
    fn from_optional_body(body: &Body) -> Result<Self, ApiError> {
        let empty = serde_json::Map::new();
        Self::parse(&Obj::root(if body.present { &body.fields } else { &empty }))
    }

    /// From a query string (its values are strings, read as leniently as body fields).
    fn from_query(q: &QueryMap) -> Result<Self, ApiError> {
        Self::parse(&Obj::root(&q.fields()))
    }
}

#[derive(Debug, Default)]
pub struct Check {
    errors: Vec<FieldError>,
}

/// An object being read, with the path prefix its fields are reported under.
#[derive(Debug, Clone)]
pub struct Obj<'a> {
    pub map: std::borrow::Cow<'a, Map<String, Value>>,
    pub prefix: String,
}

impl<'a> Obj<'a> {
    pub fn root(map: &'a Map<String, Value>) -> Self {
        Obj {
            map: std::borrow::Cow::Borrowed(map),
            prefix: String::new(),
        }
    }

    pub fn path(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

impl Check {
    pub fn fail(&mut self, field: impl Into<String>) {
        self.fail_with(field, "Invalid field.");
    }

    pub fn fail_with(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let field = field.into();
        if !self.errors.iter().any(|e| e.field == field) {
            self.errors.push(FieldError {
                field,
                message: message.into(),
            });
        }
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// A check that goes on from failures an input kept (see `into_errors`).
    pub fn resume(errors: Vec<FieldError>) -> Self {
        Check { errors }
    }

    /// The failures so far, for an input that answers them together with later ones.
    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.errors))
        }
    }

    pub fn required(&mut self, obj: &Obj, key: &str) -> bool {
        if obj.has(key) {
            true
        } else {
            self.fail_with(obj.path(key), "This field is required.");
            false
        }
    }

    /// A required string of at most `max` characters.
    pub fn required_string(&mut self, obj: &Obj, key: &str, max: Option<usize>) -> Option<String> {
        if self.required(obj, key) {
            self.string(obj, key, max)
        } else {
            None
        }
    }

    /// A string of at most `max` characters.
    pub fn string(&mut self, obj: &Obj, key: &str, max: Option<usize>) -> Option<String> {
        let s = match obj.get(key)? {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => {
                self.fail(obj.path(key));
                return None;
            }
        };
        if max.is_some_and(|m| s.chars().count() > m) {
            self.fail(obj.path(key));
            return None;
        }
        Some(s)
    }

    /// An email address (trimmed) of at most `max` characters; present but empty or malformed fails
    /// on this field, so no email field anywhere stores "" or a non-address.
    pub fn email(&mut self, obj: &Obj, key: &str, max: Option<usize>) -> Option<String> {
        let s = self.string(obj, key, max)?;
        let s = s.trim();
        if !is_email(s) {
            self.fail(obj.path(key));
            return None;
        }
        Some(s.to_string())
    }

    pub fn int(&mut self, obj: &Obj, key: &str) -> Option<i64> {
        let v = match obj.get(key)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        if v.is_none() {
            self.fail(obj.path(key));
        }
        v
    }

    /// A JSON number (or a numeric string, as form bodies carry it).
    pub fn number(&mut self, obj: &Obj, key: &str) -> Option<f64> {
        let v = match obj.get(key)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        if v.is_none() {
            self.fail(obj.path(key));
        }
        v
    }

    pub fn int_in(&mut self, obj: &Obj, key: &str, allowed: &[i64]) -> Option<i64> {
        let v = self.int(obj, key)?;
        if allowed.contains(&v) {
            Some(v)
        } else {
            self.fail(obj.path(key));
            None
        }
    }

    /// One of a Zoom enumeration's wire spellings.
    pub fn one_of<E: std::str::FromStr>(&mut self, obj: &Obj, key: &str) -> Option<E> {
        let s = self.string(obj, key, None)?;
        match s.parse() {
            Ok(v) => Some(v),
            Err(_) => {
                self.fail(obj.path(key));
                None
            }
        }
    }

    /// One of an enumeration's spellings, or `default` when the field is not given (or fails).
    pub fn one_of_or<E: std::str::FromStr>(&mut self, obj: &Obj, key: &str, default: E) -> E {
        if obj.has(key) {
            self.one_of(obj, key).unwrap_or(default)
        } else {
            default
        }
    }

    pub fn boolean(&mut self, obj: &Obj, key: &str) -> Option<bool> {
        let v = match obj.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) => match s.trim() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if v.is_none() {
            self.fail(obj.path(key));
        }
        v
    }

    /// A nested JSON value (object or array), also accepted as JSON text.
    fn nested(&mut self, obj: &Obj, key: &str) -> Option<Value> {
        match obj.get(key)? {
            Value::String(text) => match serde_json::from_str::<Value>(text) {
                Ok(v @ (Value::Object(_) | Value::Array(_))) => Some(v),
                _ => {
                    self.fail(obj.path(key));
                    None
                }
            },
            v => Some(v.clone()),
        }
    }

    pub fn object<'b>(&mut self, obj: &Obj, key: &str) -> Option<Obj<'b>> {
        match self.nested(obj, key)? {
            Value::Object(map) => Some(Obj {
                map: std::borrow::Cow::Owned(map),
                prefix: format!("{}.", obj.path(key)),
            }),
            _ => {
                self.fail(obj.path(key));
                None
            }
        }
    }

    /// A required array of at most `max` objects; empty when it is missing or bad (and failed).
    pub fn required_objects<'b>(&mut self, obj: &Obj, key: &str, max: usize) -> Vec<Obj<'b>> {
        if self.required(obj, key) {
            self.objects(obj, key, max).unwrap_or_default()
        } else {
            Vec::new()
        }
    }

    /// An array of objects of at most `max` items.
    pub fn objects<'b>(&mut self, obj: &Obj, key: &str, max: usize) -> Option<Vec<Obj<'b>>> {
        let items = match self.nested(obj, key)? {
            Value::Array(items) if items.len() <= max => items,
            _ => {
                self.fail(obj.path(key));
                return None;
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Value::Object(map) => out.push(Obj {
                    map: std::borrow::Cow::Owned(map),
                    prefix: format!("{}[{i}].", obj.path(key)),
                }),
                _ => self.fail(format!("{}[{i}]", obj.path(key))),
            }
        }
        Some(out)
    }
}

/// A plausible email address: one `@`, a dotted domain, no spaces or quotes.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && s.len() <= 128
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collects_every_bad_field() {
        let v =
            json!({"pmi": "12x", "use_pmi": "maybe", "first_name": "Ann", "nested": "{\"a\":1}", "arr": "not json"});
        let map = v.as_object().cloned().unwrap_or_default();
        let root = Obj::root(&map);
        let mut c = Check::default();
        assert_eq!(c.int(&root, "pmi"), None);
        assert_eq!(c.boolean(&root, "use_pmi"), None);
        assert_eq!(c.string(&root, "first_name", Some(64)).as_deref(), Some("Ann"));
        assert!(c.object(&root, "nested").is_some());
        assert!(c.objects(&root, "arr", 3).is_none());
        let e = c.finish().unwrap_err();
        let fields: Vec<_> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["pmi", "use_pmi", "arr"]);
    }

    #[test]
    fn lenient_scalars_and_null_is_absent() {
        let v = json!({"n": "42", "b": "true", "z": null});
        let map = v.as_object().cloned().unwrap_or_default();
        let root = Obj::root(&map);
        let mut c = Check::default();
        assert_eq!(c.int(&root, "n"), Some(42));
        assert_eq!(c.boolean(&root, "b"), Some(true));
        assert_eq!(c.string(&root, "z", None), None);
        assert!(c.is_ok());
    }

    #[test]
    fn emails() {
        assert!(is_email("a.b+c@example.com"));
        assert!(!is_email("a b@example.com"));
        assert!(!is_email("x}H-BwfF@h.qxj\"}"));
        assert!(!is_email("nobody@localhost"));
    }
}
