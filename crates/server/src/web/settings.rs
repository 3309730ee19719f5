//! The Settings page: the working week and pacing, your own mailbox (SMTP
//! and IMAP; passwords never shown) and the addresses that do work (see
//! [`super::mailbox`]), the calendar feed, API tokens, and (for admins) the
//! account's users.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::view::{failure_page, moment_text, render_status};
use super::{FormErrors, Notice, done_redirect, notice_text, place};
use crate::api::account::{feed_url, new_token};
use crate::auth::{Caller, PageCaller, PageForm};
use crate::error::{Failure, Result};
use crate::state::AppState;
use tickler_app::access;
use tickler_app::mail_accounts::{self, MailAccountInput, MailAccountView};
use tickler_app::settings::{self, SettingsInput};
use tickler_app::users::{self, UserInput};

const DAYS: [(&str, &str); 7] =
    [("mon", "Mon"), ("tue", "Tue"), ("wed", "Wed"), ("thu", "Thu"), ("fri", "Fri"), ("sat", "Sat"), ("sun", "Sun")];

/// What to show on the page beside what is stored: errors, an alert, a notice.
#[derive(Default)]
struct Feedback {
    status: Option<StatusCode>,
    errors: FormErrors,
    alert: Option<String>,
    notice: Option<String>,
    new_token: Option<String>,
    values: Option<minijinja::Value>,
    /// What was typed in the mailbox form, shown again beside its errors (never a password).
    mail_values: Option<minijinja::Value>,
    /// What was typed in the sender form, shown again beside its errors.
    sender_values: Option<minijinja::Value>,
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageCaller(caller): PageCaller,
    Query(notice): Query<Notice>,
) -> Response {
    let notice = notice_text(notice.notice.as_deref()).map(str::to_string);
    show(&state, &headers, &caller, Feedback { notice, ..Feedback::default() }).await
}

/// The page after a form whose result is shown without a redirect: its
/// notice, or its alert with the status.
pub(super) async fn show_outcome(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    outcome: std::result::Result<String, (StatusCode, String)>,
) -> Response {
    let feedback = match outcome {
        Ok(notice) => Feedback { notice: Some(notice), ..Feedback::default() },
        Err((status, alert)) => Feedback { status: Some(status), alert: Some(alert), ..Feedback::default() },
    };
    show(state, headers, caller, feedback).await
}

async fn show(state: &AppState, headers: &HeaderMap, caller: &Caller, feedback: Feedback) -> Response {
    match context(state, headers, caller).await {
        Ok((context, defaults)) => {
            let Feedback { status, errors, alert, notice, new_token, values, mail_values, sender_values } = feedback;
            // What was typed in the mailbox and sender forms wins over what is stored.
            let context = match mail_values {
                Some(typed) => minijinja::value::merge_maps([context, minijinja::context! { mail => typed }]),
                None => context,
            };
            let context = match sender_values {
                Some(typed) => minijinja::value::merge_maps([context, minijinja::context! { sender => typed }]),
                None => context,
            };
            render_status(
                state,
                status.unwrap_or(StatusCode::OK),
                "settings.html",
                Some(caller),
                minijinja::context! { errors, alert, notice, new_token, values => values.unwrap_or(defaults), ..context },
            )
        }
        Err(failure) => failure_page(state, &failure),
    }
}

async fn context(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
) -> Result<(minijinja::Value, minijinja::Value)> {
    let now = caller.now(state);
    let settings = &caller.account.settings;
    let actor = caller.actor(state);
    let tokens: Vec<minijinja::Value> = access::tokens(&state.app, &actor)
        .await?
        .into_iter()
        .map(|token| {
            minijinja::context! {
                id => token.id,
                name => token.name,
                prefix => token.prefix,
                created => moment_text(token.created_at, &now),
                last_used => token.last_used_at.map(|at| moment_text(at, &now)),
                revoked => token.revoked_at.map(|at| moment_text(at, &now)),
            }
        })
        .collect();
    let users = if caller.user.is_admin { users::list(&state.app, &actor).await? } else { Vec::new() };
    let days: Vec<minijinja::Value> = DAYS
        .iter()
        .zip(settings.work_week.days)
        .map(|((key, label), on)| minijinja::context! { key, label, on })
        .collect();
    let defaults = minijinja::context! {
        zone => settings.zone.as_str(),
        work_start => settings.work_week.start.strftime("%H:%M").to_string(),
        work_end => settings.work_week.end.strftime("%H:%M").to_string(),
        pacing_gap_days => settings.pacing_gap_days,
        date_order => settings.date_order.map(|order| order.as_str()).unwrap_or(""),
    };
    let mailbox = mail_accounts::show(&state.app, &actor).await?;
    let sender = tickler_app::mail::sender(&state.app, &actor).await?;
    let context = minijinja::context! {
        sender => SenderForm::from_settings(&sender),
        review_days => tickler_core::review::ReviewDay::ALL.iter().map(|day| day.as_str()).collect::<Vec<_>>(),
        work => super::mailbox::addresses(state, &actor).await?,
        mail_watched => mailbox.imap.is_some(),
        reviewing => mailbox.unknown == mail_accounts::UnknownPolicy::Review,
        page => "settings",
        zone_order => tickler_core::when::DateOrder::for_zone(settings.zone.as_str()).as_str(),
        calendar_url => feed_url(state, headers, caller).await?,
        tokens,
        users,
        days,
        mail => MailForm::from_view(&mailbox),
        mail_passwords => minijinja::context! {
            smtp => mailbox.smtp.as_ref().is_some_and(|smtp| smtp.password_set),
            imap => mailbox.imap.as_ref().is_some_and(|imap| imap.password_set),
        },
        mail_set => mailbox.updated_at.is_some(),
    };
    Ok((context, defaults))
}

async fn sent_back(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    form: &str,
    failure: Failure,
    values: Option<minijinja::Value>,
) -> Response {
    let mut feedback = Feedback { status: Some(failure.status), values, ..Feedback::default() };
    feedback.alert = place(form, &failure, &mut feedback.errors);
    show(state, headers, caller, feedback).await
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct SettingsForm {
    zone: String,
    work_start: String,
    work_end: String,
    pacing_gap_days: String,
    date_order: String,
}

pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: PageForm<Vec<(String, String)>>,
) -> Response {
    let PageForm { caller, form: pairs } = form;
    let text = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
    let values = SettingsForm {
        zone: text("zone"),
        work_start: text("work_start"),
        work_end: text("work_end"),
        pacing_gap_days: text("pacing_gap_days"),
        date_order: text("date_order"),
    };
    let result = async {
        let gap =
            values.pacing_gap_days.trim().parse::<u32>().map_err(|_| {
                Failure::invalid("pacing_gap_days", "pacing_gap_days: give a number of days from 0 to 365")
            })?;
        let input = SettingsInput {
            zone: Some(values.zone.clone()),
            work_start: Some(values.work_start.clone()),
            work_end: Some(values.work_end.clone()),
            work_days: Some(pairs.iter().filter(|(k, _)| k == "work_days").map(|(_, v)| v.clone()).collect()),
            pacing_gap_days: Some(gap),
            date_order: Some(values.date_order.clone()),
        };
        Ok::<_, Failure>(settings::update(&state.app, &caller.actor(&state), &input).await?)
    }
    .await;
    match result {
        Ok(_) => done_redirect("/settings", "saved"),
        Err(failure) => {
            sent_back(&state, &headers, &caller, "settings", failure, Some(minijinja::Value::from_serialize(&values)))
                .await
        }
    }
}

/// The sender form as typed (hours as text, so a bad one is shown back as it was).
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct SenderForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    signature: String,
    #[serde(default)]
    digest_hour: String,
    #[serde(default)]
    review_day: String,
    #[serde(default)]
    review_hour: String,
}

impl SenderForm {
    fn from_settings(settings: &tickler_app::MailSettings) -> SenderForm {
        SenderForm {
            name: settings.from_name.clone(),
            address: settings.from_address.clone(),
            signature: settings.signature.clone(),
            digest_hour: settings.digest_hour.to_string(),
            review_day: settings.review_day.map(|day| day.as_str().to_string()).unwrap_or_default(),
            review_hour: settings.review_hour.to_string(),
        }
    }
}

/// An hour typed in a form: 0 to 23, or the field's error.
fn hour(field: &'static str, text: &str) -> std::result::Result<u32, Failure> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|hour| *hour < 24)
        .ok_or_else(|| Failure::invalid(field, format!("{field}: give an hour from 0 to 23")))
}

/// Save who the account's emails come from, the digest's hour and the weekly review.
pub async fn save_sender(State(state): State<AppState>, headers: HeaderMap, form: PageForm<SenderForm>) -> Response {
    let PageForm { caller, form } = form;
    let result = async {
        let input = tickler_app::mail::SenderInput {
            name: Some(form.name.clone()),
            address: Some(form.address.clone()).filter(|address| !address.trim().is_empty()),
            signature: Some(form.signature.clone()),
            digest_hour: Some(hour("digest_hour", &form.digest_hour)?),
            review_day: Some(if form.review_day.trim().is_empty() {
                "off".to_string()
            } else {
                form.review_day.clone()
            }),
            review_hour: Some(hour("review_hour", &form.review_hour)?),
        };
        Ok::<_, Failure>(tickler_app::mail::update_sender(&state.app, &caller.actor(&state), &input).await?)
    }
    .await;
    match result {
        Ok(_) => done_redirect("/settings", "saved"),
        Err(failure) => {
            let mut feedback = Feedback {
                status: Some(failure.status),
                sender_values: Some(minijinja::Value::from_serialize(&form)),
                ..Feedback::default()
            };
            feedback.alert = place("sender", &failure, &mut feedback.errors);
            show(&state, &headers, &caller, feedback).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    name: String,
}

pub async fn create_token(State(state): State<AppState>, headers: HeaderMap, form: PageForm<TokenForm>) -> Response {
    let PageForm { caller, form } = form;
    match new_token(&state, &caller, &form.name).await {
        // Shown on this response only: the page is not a redirect, so a reload does not show it again.
        Ok(created) => {
            show(&state, &headers, &caller, Feedback { new_token: Some(created.secret), ..Feedback::default() }).await
        }
        Err(failure) => sent_back(&state, &headers, &caller, "token", failure, None).await,
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: PageForm<super::ReturnTo>,
) -> Response {
    match access::revoke_token(&state.app, &form.caller.actor(&state), id).await {
        Ok(_) => done_redirect("/settings", "revoked"),
        Err(error) => failure_page(&state, &error.into()),
    }
}

pub async fn rotate_calendar(State(state): State<AppState>, form: PageForm<super::ReturnTo>) -> Response {
    match access::rotate_calendar_secret(&state.app, &form.caller.actor(&state)).await {
        Ok(_) => done_redirect("/settings", "rotated"),
        Err(error) => failure_page(&state, &error.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    name: Option<String>,
    email: String,
    password: String,
    admin: Option<String>,
}

pub async fn add_user(State(state): State<AppState>, headers: HeaderMap, form: PageForm<UserForm>) -> Response {
    let PageForm { caller, form } = form;
    let input = UserInput {
        email: form.email.clone(),
        name: form.name.clone(),
        password: form.password.clone(),
        admin: form.admin.as_deref() == Some("true"),
    };
    match users::add(&state.app, &caller.actor(&state), &input).await {
        Ok(_) => done_redirect("/settings", "user"),
        Err(error) if error.kind == tickler_app::Kind::Forbidden => failure_page(&state, &error.into()),
        Err(error) => sent_back(&state, &headers, &caller, "user", error.into(), None).await,
    }
}

/// The mailbox form's fields as text, as shown and as posted. The password
/// fields are never filled in, serialized or shown by `Debug`: an empty one
/// keeps the stored password.
#[derive(Default, Deserialize, Serialize)]
pub struct MailForm {
    #[serde(default)]
    smtp_host: String,
    #[serde(default)]
    smtp_port: String,
    #[serde(default)]
    smtp_security: String,
    #[serde(default)]
    smtp_username: String,
    #[serde(default, skip_serializing)]
    smtp_password: String,
    #[serde(default)]
    from_name: String,
    #[serde(default)]
    from_address: String,
    #[serde(default)]
    imap_host: String,
    #[serde(default)]
    imap_port: String,
    #[serde(default)]
    imap_security: String,
    #[serde(default)]
    imap_username: String,
    #[serde(default, skip_serializing)]
    imap_password: String,
    #[serde(default)]
    inbox_folder: String,
    #[serde(default)]
    sent_folder: String,
    #[serde(default)]
    unknown: String,
}

impl std::fmt::Debug for MailForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailForm")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password_given", &!self.smtp_password.is_empty())
            .field("imap_host", &self.imap_host)
            .field("imap_username", &self.imap_username)
            .field("imap_password_given", &!self.imap_password.is_empty())
            .finish_non_exhaustive()
    }
}

impl MailForm {
    fn from_view(view: &MailAccountView) -> MailForm {
        let smtp = view.smtp.as_ref();
        let imap = view.imap.as_ref();
        MailForm {
            smtp_host: smtp.map(|side| side.host.clone()).unwrap_or_default(),
            smtp_port: smtp.map(|side| side.port.to_string()).unwrap_or_default(),
            smtp_security: smtp.map(|side| side.security.clone()).unwrap_or_default(),
            smtp_username: smtp.and_then(|side| side.username.clone()).unwrap_or_default(),
            smtp_password: String::new(),
            from_name: view.from_name.clone(),
            from_address: view.from_address.clone(),
            imap_host: imap.map(|side| side.host.clone()).unwrap_or_default(),
            imap_port: imap.map(|side| side.port.to_string()).unwrap_or_default(),
            imap_security: imap.map(|side| side.security.clone()).unwrap_or_default(),
            imap_username: imap.and_then(|side| side.username.clone()).unwrap_or_default(),
            imap_password: String::new(),
            inbox_folder: view.inbox_folder.clone(),
            sent_folder: view.sent_folder.clone().unwrap_or_default(),
            unknown: view.unknown.as_str().to_string(),
        }
    }

    /// The action's input: every field as typed, but an empty password keeps the stored one.
    fn input(&self) -> Result<MailAccountInput> {
        let port = |field: &str, text: &str| -> Result<u16> {
            match text.trim() {
                "" => Ok(0),
                text => text.parse::<u16>().map_err(|_| {
                    Failure::invalid(field, format!("{field}: \"{text}\" is not a port; give a number from 1 to 65535"))
                }),
            }
        };
        let password = |text: &str| (!text.is_empty()).then(|| text.to_string());
        Ok(MailAccountInput {
            smtp_host: Some(self.smtp_host.clone()),
            smtp_port: Some(port("smtp_port", &self.smtp_port)?),
            smtp_security: Some(self.smtp_security.clone()),
            smtp_username: Some(self.smtp_username.clone()),
            smtp_password: password(&self.smtp_password),
            from_name: Some(self.from_name.clone()),
            from_address: Some(self.from_address.clone()),
            imap_host: Some(self.imap_host.clone()),
            imap_port: Some(port("imap_port", &self.imap_port)?),
            imap_security: Some(self.imap_security.clone()),
            imap_username: Some(self.imap_username.clone()),
            imap_password: password(&self.imap_password),
            inbox_folder: Some(self.inbox_folder.clone()),
            sent_folder: Some(self.sent_folder.clone()),
            unknown: Some(self.unknown.clone()),
        })
    }
}

pub async fn save_mail_account(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: PageForm<MailForm>,
) -> Response {
    let PageForm { caller, form } = form;
    let result = async {
        let input = form.input()?;
        Ok::<_, Failure>(mail_accounts::update(&state.app, &caller.actor(&state), &input).await?)
    }
    .await;
    match result {
        Ok(_) => done_redirect("/settings", "mailbox"),
        Err(failure) => {
            let mut feedback = Feedback {
                status: Some(failure.status),
                mail_values: Some(minijinja::Value::from_serialize(&form)),
                ..Feedback::default()
            };
            feedback.alert = place("mail", &failure, &mut feedback.errors);
            show(&state, &headers, &caller, feedback).await
        }
    }
}

pub async fn clear_mail_account(State(state): State<AppState>, form: PageForm<super::ReturnTo>) -> Response {
    match mail_accounts::clear(&state.app, &form.caller.actor(&state)).await {
        Ok(_) => done_redirect("/settings", "mailbox-removed"),
        Err(error) => failure_page(&state, &error.into()),
    }
}
