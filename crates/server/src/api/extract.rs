//! Request parts read the API's way: a body, path or query that does not
//! parse is a JSON error naming the field, never axum's plain-text default.

use axum::body::{Body, Bytes};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::auth::refuse_nul;
use crate::error::Failure;

/// A JSON body.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Failure;

    async fn from_request(request: Request, state: &S) -> Result<Self, Failure> {
        // The body is read first so that, once it parses, its strings can be checked for NUL.
        let content_type = request.headers().get(header::CONTENT_TYPE).cloned();
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => too_large(),
            _ => Failure::bad_request(format!("body: {}", rejection.body_text())),
        })?;
        let mut request = Request::new(Body::from(bytes.clone()));
        if let Some(content_type) = content_type {
            request.headers_mut().insert(header::CONTENT_TYPE, content_type);
        }
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => {
                refuse_nul_in_json(&bytes)?;
                Ok(ApiJson(value))
            }
            Err(JsonRejection::JsonDataError(error)) => Err(data_error(&error.body_text())),
            Err(JsonRejection::BytesRejection(error)) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(too_large())
            }
            Err(rejection) => Err(Failure::bad_request(format!("body: {}", rejection.body_text()))),
        }
    }
}

fn too_large() -> Failure {
    Failure::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is too large")
}

/// Refuse a JSON body with a NUL character in any string, naming the top-level field it is under.
fn refuse_nul_in_json(bytes: &[u8]) -> Result<(), Failure> {
    // JSON can only carry NUL escaped; most bodies are passed over without a second parse.
    if !bytes.windows(6).any(|window| window == b"\\u0000") {
        return Ok(());
    }
    fn check(field: &str, value: &Value) -> Result<(), Failure> {
        match value {
            Value::String(text) => refuse_nul(field, text),
            Value::Array(items) => items.iter().try_for_each(|item| check(field, item)),
            Value::Object(map) => map.iter().try_for_each(|(key, item)| {
                refuse_nul(field, key)?;
                check(field, item)
            }),
            _ => Ok(()),
        }
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => map.iter().try_for_each(|(key, item)| {
            refuse_nul("body", key)?;
            check(key, item)
        }),
        Ok(value) => check("body", &value),
        Err(_) => Ok(()),
    }
}

/// Path parameters (ids).
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        Path::<T>::from_request_parts(parts, state).await.map(|Path(value)| ApiPath(value)).map_err(
            |rejection: PathRejection| {
                let mut failure = Failure::bad_request(format!("id: {}", rejection.body_text()));
                failure.field = Some("id".to_string());
                failure
            },
        )
    }
}

/// Query parameters.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection: QueryRejection| Failure::bad_request(format!("query: {}", rejection.body_text())))
    }
}

/// A body that parsed as JSON but does not fit the type: 422 naming the field.
fn data_error(text: &str) -> Failure {
    let detail = text.strip_prefix("Failed to deserialize the JSON body into the target type: ").unwrap_or(text);
    let field = match detail.split_once(": ") {
        Some((path, _)) if !path.contains(' ') && path != "." => Some(path.to_string()),
        _ => detail.split('`').nth(1).map(str::to_string),
    };
    let mut failure = Failure::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", detail.to_string());
    if let Some(field) = field.as_ref().filter(|field| !detail.starts_with(&format!("{field}:"))) {
        failure.message = format!("{field}: {detail}");
    }
    failure.field = field;
    failure
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_characters_are_refused_naming_the_field() {
        let failure = refuse_nul_in_json(br#"{"name": "ok", "emails": ["a\u0000b@example.com"]}"#).unwrap_err();
        assert_eq!(failure.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(failure.field.as_deref(), Some("emails"));
        assert!(refuse_nul_in_json(br#"{"name": "a \\u0000 is only text"}"#).is_ok());
        assert!(refuse_nul_in_json(br#"{"name": "plain"}"#).is_ok());
    }

    #[test]
    fn data_errors_name_the_field() {
        let failure = data_error(
            "Failed to deserialize the JSON body into the target type: when: invalid type: integer `5`, \
             expected a string at line 1 column 9",
        );
        assert_eq!(failure.field.as_deref(), Some("when"));
        let failure = data_error("Failed to deserialize the JSON body into the target type: missing field `what`");
        assert_eq!(failure.field.as_deref(), Some("what"));
        assert_eq!(failure.message, "what: missing field `what`");
    }
}
