//! Request extractors with Zoom's errors instead of axum's plain-text rejections: `Body` (JSON,
//! x-www-form-urlencoded or multipart/form-data into one field map) and `QueryMap`.

use std::collections::HashMap;

use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::state::AppState;

/// A file part of a multipart body.
#[derive(Debug, Clone)]
pub struct Upload {
    pub field: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// A request body as a field map, whatever its encoding. Form and multipart values arrive as
/// strings; nested objects as JSON text. `present` is false for an empty body.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub fields: Map<String, Value>,
    pub files: Vec<Upload>,
    pub present: bool,
}

impl Body {
    /// A body of JSON fields, as services take them (seeds and the dashboard build their own).
    pub fn from_json(v: Value) -> Body {
        Body {
            fields: match v {
                Value::Object(m) => m,
                _ => Map::new(),
            },
            files: Vec::new(),
            present: true,
        }
    }

    /// The body's fields, or Zoom's 300 when there is no body at all.
    pub fn require(&self) -> Result<&Map<String, Value>, ApiError> {
        if self.present {
            Ok(&self.fields)
        } else {
            Err(ApiError::invalid_json())
        }
    }
}

/// `a=1&b=2` as a map (the last of repeated names wins); unreadable text is no pairs. For the
/// pages and OAuth endpoints, which answer missing parameters themselves.
pub fn form_pairs(raw: &[u8]) -> HashMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(raw)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

fn content_type(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn multipart_error(e: axum::extract::multipart::MultipartError, limit: usize) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::body_too_large(limit)
    } else {
        ApiError::bad_request(300, "Invalid multipart/form-data body.")
    }
}

impl FromRequest<AppState> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let limit = state.config.max_body_bytes;
        let ct = content_type(req.headers());
        if ct.starts_with("multipart/form-data") {
            let mut multipart = Multipart::from_request(req, state)
                .await
                .map_err(|_| ApiError::bad_request(300, "Invalid multipart/form-data body."))?;
            let mut body = Body {
                present: true,
                ..Body::default()
            };
            while let Some(field) = multipart.next_field().await.map_err(|e| multipart_error(e, limit))? {
                let name = field.name().unwrap_or("").to_string();
                let file_name = field.file_name().map(str::to_string);
                let part_type = field.content_type().map(str::to_string);
                let bytes = field.bytes().await.map_err(|e| multipart_error(e, limit))?;
                if name.is_empty() {
                    continue;
                }
                if file_name.is_some() {
                    body.files.push(Upload {
                        field: name,
                        file_name,
                        content_type: part_type,
                        bytes: bytes.to_vec(),
                    });
                } else {
                    let text = String::from_utf8(bytes.to_vec())
                        .map_err(|_| ApiError::bad_request(300, "Invalid multipart/form-data body."))?;
                    body.fields.insert(name, Value::String(text));
                }
            }
            return Ok(body);
        }
        let bytes = axum::body::to_bytes(req.into_body(), limit)
            .await
            .map_err(|_| ApiError::body_too_large(limit))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Body::default());
        }
        if ct.starts_with("application/x-www-form-urlencoded") {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
                .map_err(|_| ApiError::bad_request(300, "Invalid application/x-www-form-urlencoded body."))?;
            let fields = pairs.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
            return Ok(Body {
                fields,
                files: Vec::new(),
                present: true,
            });
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(fields)) => Ok(Body {
                fields,
                files: Vec::new(),
                present: true,
            }),
            _ => Err(ApiError::invalid_json()),
        }
    }
}

/// The query string as a map (last value wins); bad encoding is Zoom's 300, never a rejection page.
#[derive(Debug, Clone, Default)]
pub struct QueryMap(pub HashMap<String, String>);

impl QueryMap {
    /// The query as a field map, so the body validators check it too.
    pub fn fields(&self) -> Map<String, Value> {
        self.0
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect()
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryMap {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(raw).map_err(|_| ApiError::bad_request(300, "Invalid query string."))?;
        Ok(QueryMap(pairs.into_iter().collect()))
    }
}

/// One path parameter; a segment that is not valid UTF-8 once decoded is Zoom's 300, not axum's text.
#[derive(Debug, Clone)]
pub struct PathParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(p)| PathParam(p))
            .map_err(|_| ApiError::bad_request(300, "Invalid path parameter."))
    }
}

/// Several path parameters, in the route's order, with `PathParam`'s error.
#[derive(Debug, Clone)]
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(p)| PathParams(p))
            .map_err(|_| ApiError::bad_request(300, "Invalid path parameter."))
    }
}

/// A multipart body read field by field, for uploads whose size limit is the route's own.
pub struct MultipartBody(pub Multipart);

impl FromRequest<AppState> for MultipartBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        if !content_type(req.headers()).starts_with("multipart/form-data") {
            return Err(ApiError::bad_request(300, "Content-Type must be multipart/form-data."));
        }
        Multipart::from_request(req, state)
            .await
            .map(MultipartBody)
            .map_err(|_| ApiError::bad_request(300, "Invalid multipart/form-data body."))
    }
}

impl MultipartBody {
    /// The file in field `name`, read chunk by chunk: past `max` bytes the read stops (nothing
    /// more is buffered) and the answer is `too_big`. Other fields are skipped. `None` when the
    /// field is absent.
    pub async fn file(mut self, name: &str, max: usize, too_big: ApiError) -> Result<Option<Upload>, ApiError> {
        let invalid = || ApiError::bad_request(300, "Invalid multipart/form-data body.");
        while let Some(mut field) = self.0.next_field().await.map_err(|_| invalid())? {
            if field.name() != Some(name) {
                continue;
            }
            let file_name = field.file_name().map(str::to_string);
            let content_type = field.content_type().map(str::to_string);
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_big.clone()
                } else {
                    invalid()
                }
            })? {
                if bytes.len() + chunk.len() > max {
                    return Err(too_big);
                }
                bytes.extend_from_slice(&chunk);
            }
            return Ok(Some(Upload {
                field: name.to_string(),
                file_name,
                content_type,
                bytes,
            }));
        }
        Ok(None)
    }
}
