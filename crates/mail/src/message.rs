//! One outbound email: plain text, a stable Message-ID chosen by the caller
//! (so a retry is the same message), and In-Reply-To/References so replies
//! and the plan's later emails thread with the earlier ones.

use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Mailboxes, MultiPart};

use crate::{MailError, SmtpConfig};

/// An email to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// `<…@…>`, stable across retries.
    pub message_id: String,
    pub from_name: String,
    /// Empty means the relay configuration's From.
    pub from_address: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub in_reply_to: Option<String>,
    /// The thread's earlier Message-IDs, oldest first.
    pub references: Vec<String>,
    /// The Date header: when the worker sends it, on its clock.
    pub date: std::time::SystemTime,
    /// An HTML part beside the plain text `body` (a newsletter): the message becomes multipart/alternative.
    pub html_body: Option<String>,
    /// The `List-Unsubscribe` value (`<https://…>, <mailto:…>`) of a newsletter; with it goes
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
    pub list_unsubscribe: Option<String>,
}

impl Email {
    /// Build the MIME message, falling back to the relay's From when the user has none.
    pub fn to_message(&self, config: &SmtpConfig) -> Result<Message, MailError> {
        let (name, address) = if self.from_address.trim().is_empty() {
            (config.from_name.as_str(), config.from_address.as_str())
        } else {
            (self.from_name.as_str(), self.from_address.as_str())
        };
        if address.trim().is_empty() {
            return Err(MailError::Config {
                field: "from_address",
                message: "no From address: set yours (tickler mail from …) or TICKLER_SMTP_FROM_ADDRESS".into(),
            });
        }
        let from = mailbox("from_address", name, address)?;
        let to: Mailboxes = self
            .to
            .parse()
            .map_err(|error| MailError::Config { field: "to", message: format!("{}: {error}", self.to) })?;
        let mut builder = Message::builder()
            .from(from)
            .mailbox(lettre::message::header::To::from(to))
            .subject(self.subject.clone())
            .message_id(Some(self.message_id.clone()))
            .date(self.date);
        if let Some(parent) = &self.in_reply_to {
            builder = builder.in_reply_to(parent.clone());
        }
        if !self.references.is_empty() {
            builder = builder.references(self.references.join(" "));
        }
        if let Some(unsubscribe) = &self.list_unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), unsubscribe.clone()))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_string(),
                ));
        }
        let built = match &self.html_body {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(self.body.clone(), html.clone())),
            None => builder.header(ContentType::TEXT_PLAIN).body(self.body.clone()),
        };
        built.map_err(|error| MailError::Config { field: "message", message: error.to_string() })
    }
}

fn mailbox(field: &'static str, name: &str, address: &str) -> Result<Mailbox, MailError> {
    let address = address.trim().parse().map_err(|error| MailError::Config {
        field,
        message: format!("\"{address}\" is not an email address: {error}"),
    })?;
    let name = name.trim();
    Ok(Mailbox::new((!name.is_empty()).then(|| name.to_string()), address))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_carry_their_id_and_thread() {
        let email = Email {
            message_id: "<plan.1.2.2.0@x.org>".into(),
            from_name: "Sam Stone".into(),
            from_address: "sam@x.org".into(),
            to: "ann@acme.com".into(),
            subject: "Thank you".into(),
            body: "Hi Ann,\n\nThanks.\n".into(),
            in_reply_to: Some("<plan.1.2.1.0@x.org>".into()),
            references: vec!["<plan.1.2.1.0@x.org>".into()],
            date: std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_000_000),
            html_body: None,
            list_unsubscribe: None,
        };
        let text = String::from_utf8(email.to_message(&SmtpConfig::default()).unwrap().formatted()).unwrap();
        assert!(text.contains("Message-ID: <plan.1.2.2.0@x.org>"), "{text}");
        assert!(text.contains("In-Reply-To: <plan.1.2.1.0@x.org>"), "{text}");
        assert!(text.contains("References: <plan.1.2.1.0@x.org>"), "{text}");
        assert!(text.contains("Date: Wed, 18 Nov 2026 11:06:40 +0000"), "{text}");
        assert!(
            text.contains("From: \"Sam Stone\" <sam@x.org>") || text.contains("From: Sam Stone <sam@x.org>"),
            "{text}"
        );
    }

    #[test]
    fn a_newsletter_is_multipart_with_one_click_unsubscribe() {
        let email = Email {
            message_id: "<campaign.1.2.3@x.org>".into(),
            from_name: "Sam".into(),
            from_address: "sam@x.org".into(),
            to: "ann@acme.com".into(),
            subject: "News".into(),
            body: "Hi Ann\n".into(),
            in_reply_to: None,
            references: vec![],
            date: std::time::SystemTime::now(),
            html_body: Some("<p>Hi Ann</p>".into()),
            list_unsubscribe: Some("<https://t.example/u/abc>, <mailto:sam@x.org?subject=unsubscribe>".into()),
        };
        let text = String::from_utf8(email.to_message(&SmtpConfig::default()).unwrap().formatted()).unwrap();
        // Long headers are folded; unfolded, they read as set.
        let text = text.replace("\r\n ", " ");
        assert!(
            text.contains("List-Unsubscribe: <https://t.example/u/abc>, <mailto:sam@x.org?subject=unsubscribe>"),
            "{text}"
        );
        assert!(text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{text}");
        assert!(
            text.contains("multipart/alternative") && text.contains("text/html") && text.contains("text/plain"),
            "{text}"
        );
    }

    #[test]
    fn a_missing_from_names_the_setting() {
        let email = Email {
            message_id: "<a@b>".into(),
            from_name: String::new(),
            from_address: String::new(),
            to: "ann@acme.com".into(),
            subject: "x".into(),
            body: "y".into(),
            in_reply_to: None,
            references: vec![],
            date: std::time::SystemTime::now(),
            html_body: None,
            list_unsubscribe: None,
        };
        let error = email.to_message(&SmtpConfig::default()).unwrap_err().to_string();
        assert!(error.starts_with("from_address:"), "{error}");
    }
}
