//! The one error mapping of the server: every failure becomes a status, a
//! stable code, a message for a person and, when one input caused it, the
//! field to show it beside.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tickler_store::Error as StoreError;

/// The JSON body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable code: invalid, bad_request, unauthorized, forbidden, not_found, conflict, duplicate, pacing,
    /// refused, ambiguous, too_many_requests, payload_too_large, internal.
    pub error: String,
    /// What went wrong, for a person.
    pub message: String,
    /// The input field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// A failed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    /// Seconds to wait, for 429.
    pub retry_after: Option<u64>,
}

/// Result with the server's failure.
pub type Result<T, E = Failure> = std::result::Result<T, E>;

impl Failure {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Failure { status, code, message: message.into(), field: None, retry_after: None }
    }

    /// Bad input in one field (422).
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut failure = Failure::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message);
        failure.field = Some(field.to_string());
        failure
    }

    /// A request that does not parse at all (400).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Failure::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthorized() -> Self {
        Failure::new(StatusCode::UNAUTHORIZED, "unauthorized", "sign in, or send Authorization: Bearer <token>")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Failure::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Failure::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn too_many(retry_after: u64) -> Self {
        let mut failure = Failure::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            format!("too many failed sign-ins; try again in {retry_after} seconds"),
        );
        failure.retry_after = Some(retry_after);
        failure
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        eprintln!("tickler: internal error: {detail}");
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on the server; it was logged")
    }

    /// The message without a leading "field: " (the page shows the field itself).
    pub fn message_for_field(&self) -> &str {
        match &self.field {
            Some(field) => self.message.strip_prefix(&format!("{field}: ")).unwrap_or(&self.message),
            None => &self.message,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody { error: self.code.to_string(), message: self.message.clone(), field: self.field.clone() }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<tickler_core::Error> for Failure {
    fn from(error: tickler_core::Error) -> Self {
        match &error {
            tickler_core::Error::Invalid { field, .. } => Failure::invalid(field, error.to_string()),
            tickler_core::Error::Refused(message) => Failure::new(StatusCode::CONFLICT, "refused", message.clone()),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Domain(error) => error.into(),
            StoreError::NotFound { .. } => Failure::not_found(error.to_string()),
            StoreError::Ambiguous { .. } => Failure::new(StatusCode::CONFLICT, "ambiguous", error.to_string()),
            StoreError::Duplicate { field, .. } => {
                let mut failure = Failure::new(StatusCode::CONFLICT, "duplicate", format!("{error}"));
                failure.field = Some(field.to_string());
                failure
            }
            StoreError::Pacing(warning) => Failure::new(
                StatusCode::CONFLICT,
                "pacing",
                format!("{}; send \"force\": true to schedule it anyway", warning.message()),
            ),
            StoreError::Config(_) | StoreError::Corrupt(_) | StoreError::Database { .. } | StoreError::Migrate(_) => {
                Failure::internal(error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_errors_name_their_field() {
        let failure: Failure = tickler_core::Error::invalid("email", "\"x\" is not an email address").into();
        assert_eq!(failure.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(failure.field.as_deref(), Some("email"));
        assert_eq!(failure.message_for_field(), "\"x\" is not an email address");
    }

    #[test]
    fn missing_records_are_404() {
        let failure: Failure =
            StoreError::NotFound { record: tickler_store::Record::Contact, reference: "7".into() }.into();
        assert_eq!(failure.status, StatusCode::NOT_FOUND);
    }
}
