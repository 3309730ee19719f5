//! The one error mapping of the server: every failure becomes a status, a
//! stable code, a message for a person and, when one input caused it, the
//! field to show it beside.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tickler_app::Kind;

/// The JSON body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable code: invalid, bad_request, unauthorized, forbidden, not_found, conflict, duplicate, pacing,
    /// refused, ambiguous, too_many_requests, payload_too_large, unavailable, internal.
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
        tracing::error!(target: "tickler::http", "internal error: {detail}");
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on the server; it was logged")
    }

    /// An action's error from reading a user's mail server: as [`From`], but
    /// a server that cannot be reached is named in its own words, not as "the
    /// database" (the message is the mail client's: host, port, what failed).
    pub fn from_mail(error: tickler_app::Error) -> Self {
        if error.kind == Kind::Unavailable {
            Failure::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", error.message)
        } else {
            Failure::from(error)
        }
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

impl From<tickler_app::Error> for Failure {
    /// The one mapping of an action's error to a status and a stable code.
    fn from(error: tickler_app::Error) -> Self {
        let (status, code) = match &error.kind {
            Kind::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            Kind::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Kind::Ambiguous => (StatusCode::CONFLICT, "ambiguous"),
            Kind::Duplicate => (StatusCode::CONFLICT, "duplicate"),
            Kind::Pacing(_) => (StatusCode::CONFLICT, "pacing"),
            Kind::Refused => (StatusCode::CONFLICT, "refused"),
            Kind::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            Kind::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Kind::Unavailable => {
                tracing::warn!(target: "tickler::http", "database unavailable: {}", error.message);
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
            }
            Kind::Internal => return Failure::internal(error.message),
        };
        let message = match &error.kind {
            Kind::Pacing(_) => format!(
                "{}; send \"agreed\": true if they asked for it, or \"force\": true to schedule it anyway",
                error.message
            ),
            Kind::Unavailable => "the database is not answering; try again in a moment".to_string(),
            _ => error.message,
        };
        Failure { status, code, message, field: error.field.map(str::to_string), retry_after: None }
    }
}

impl From<tickler_core::Error> for Failure {
    fn from(error: tickler_core::Error) -> Self {
        tickler_app::Error::from(error).into()
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
    fn each_kind_has_its_status() {
        let status = |kind: Kind| Failure::from(tickler_app::Error::new(kind, "x")).status.as_u16();
        assert_eq!(status(Kind::NotFound(tickler_app::Record::Contact)), 404);
        assert_eq!(status(Kind::Invalid), 422);
        assert_eq!(status(Kind::Duplicate), 409);
        assert_eq!(status(Kind::Refused), 409);
        assert_eq!(status(Kind::Forbidden), 403);
        assert_eq!(status(Kind::Unavailable), 503);
        assert_eq!(status(Kind::Internal), 500);
    }
}
