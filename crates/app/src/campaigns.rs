//! Campaigns: a newsletter written in Markdown for a list, previewed for any
//! contact with the tone check, scheduled with a natural-language date in
//! the account's zone, paused, resumed or cancelled. The worker sends it
//! (`worker::campaigns`); every message carries a signed one-click
//! unsubscribe link (RFC 8058) and an HTML part beside the plain text.

use pulldown_cmark::{Event, Parser, html};
use serde::{Deserialize, Serialize};
use tickler_core::campaign::{self, CampaignChange};
use tickler_core::contact::Contact;
use tickler_core::ids::{AccountId, CampaignId};
use tickler_core::intake::{self, non_blank};
use tickler_core::template::{self, Fields};
use tickler_core::tone;
use tickler_store::{Campaign, CampaignDraft, Prepared, Progress};

use crate::error::{Error, Kind, Result};
use crate::unsubscribe::{self, Purpose, Target};
use crate::{Actor, App};

/// The longest subject.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// The longest body.
pub const MAX_BODY_CHARS: usize = 100_000;

/// A new campaign, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    /// The list: id or name.
    pub list: String,
    pub subject: String,
    /// Markdown, with template fields such as `{{ contact.first_name }}`.
    pub body: String,
    /// Messages a minute (default 60, which a small relay takes).
    pub per_minute: Option<u32>,
}

/// When to send, as typed ("first tuesday of next month 9am"); none: now.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScheduleInput {
    pub when: Option<String>,
}

/// A campaign and how far it has gone.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignView {
    #[serde(flatten)]
    pub campaign: Campaign,
    pub progress: Progress,
}

/// A campaign's message as one contact would get it, with the tone advice.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preview {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Passages the tone check flags ("reproach: \"as I said\"").
    pub tone: Vec<String>,
}

fn view((campaign, progress): (Campaign, Progress)) -> CampaignView {
    CampaignView { campaign, progress }
}

/// Create a campaign as a draft, its template checked.
pub async fn create(app: &App, actor: &Actor, input: &CampaignInput) -> Result<CampaignView> {
    let subject = non_blank(Some(&input.subject)).ok_or_else(|| Error::invalid("subject", "is empty"))?;
    if subject.chars().count() > MAX_SUBJECT_CHARS {
        return Err(Error::invalid("subject", format!("is longer than {MAX_SUBJECT_CHARS} characters")));
    }
    let body =
        non_blank(Some(&input.body)).ok_or_else(|| Error::invalid("body", "is empty; write the letter in Markdown"))?;
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(Error::invalid("body", format!("is longer than {MAX_BODY_CHARS} characters")));
    }
    template::compile(subject, body)?;
    let per_minute = campaign::per_minute(input.per_minute)?;
    let list = crate::lists::find(app, actor, &input.list).await.map_err(|error| match error.kind {
        Kind::NotFound(_) => Error { field: Some("list"), ..error },
        _ => error,
    })?;
    let draft = CampaignDraft {
        list_id: list.id,
        subject: subject.to_string(),
        body: body.to_string(),
        per_minute,
        user_id: actor.user.as_ref().map(|user| user.id),
    };
    let campaign = app.store.create_campaign(actor.account_id(), &draft, actor.now).await?;
    show(app, actor, campaign.id).await
}

/// Every campaign, newest first, with its progress.
pub async fn all(app: &App, actor: &Actor) -> Result<Vec<CampaignView>> {
    Ok(app.store.campaigns(actor.account_id()).await?.into_iter().map(view).collect())
}

/// One campaign with its progress.
pub async fn show(app: &App, actor: &Actor, id: CampaignId) -> Result<CampaignView> {
    Ok(view(app.store.campaign(actor.account_id(), id).await?))
}

/// Schedule a campaign: from the phrase's moment in the account's zone, or now.
pub async fn schedule(app: &App, actor: &Actor, id: CampaignId, input: &ScheduleInput) -> Result<CampaignView> {
    let send_at = match non_blank(input.when.as_deref()) {
        None => actor.now,
        Some(phrase) => {
            let zone = &actor.account.settings.zone;
            let mut context = actor.when_context();
            context.now = actor.now.to_zoned_datetime(zone.time_zone());
            intake::future_due("when", phrase, &context, zone)?.instant()
        }
    };
    app.store.change_campaign(actor.account_id(), id, CampaignChange::Schedule, Some(send_at), actor.now).await?;
    show(app, actor, id).await
}

/// Pause, resume or cancel a campaign (`change` as typed).
pub async fn change(app: &App, actor: &Actor, id: CampaignId, change: &str) -> Result<CampaignView> {
    let change = CampaignChange::parse(change)?;
    if change == CampaignChange::Schedule {
        return Err(Error::invalid("change", "schedule a campaign with its own action, which takes when"));
    }
    app.store.change_campaign(actor.account_id(), id, change, None, actor.now).await?;
    show(app, actor, id).await
}

/// A campaign's message as `contact` would get it now (its unsubscribe link included; under
/// `https://tickler.invalid` until the installation's public address is set).
pub async fn preview(app: &App, actor: &Actor, id: CampaignId, contact: &str) -> Result<Preview> {
    let base_url = app.public_url().unwrap_or("https://tickler.invalid");
    let (campaign, _) = app.store.campaign(actor.account_id(), id).await?;
    let contact = crate::contacts::find(app, actor, contact).await?;
    let mut fields = app.store.template_fields(actor.account_id(), &contact, actor.now).await?;
    // The item `{{ library.next }}` would pick for them now; nothing is recorded until the worker sends.
    if template::uses_library(&campaign.subject, &campaign.body) {
        fields.library_next = app.store.peek_next_library_item(actor.account_id(), &contact).await?;
    }
    let target = Target { account_id: actor.account_id(), list_id: campaign.list_id, contact_id: contact.id };
    let token = unsubscribe::sign(app, Purpose::Unsubscribe, &target, actor.now).await?;
    let link = format!("{}/u/{token}", base_url.trim_end_matches('/'));
    let mailto = Some(fields.sender.email.as_str()).filter(|address| address.contains('@')).or(app.inbound_address());
    let prepared = render(&campaign, &fields, &link, mailto).map_err(Error::refused)?;
    let tone = tone::check(&format!("{}\n{}", prepared.subject, prepared.text))
        .into_iter()
        .map(|flag| format!("{}: \"{}\"", flag.rule, flag.found))
        .collect();
    Ok(Preview { subject: prepared.subject, text: prepared.text, html: prepared.html, tone })
}

/// Where a test send went.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestSend {
    pub to: String,
    /// Whose message it is (the contact it was rendered for).
    pub rendered_for: String,
}

/// Send a campaign's message, as `contact` would get it, to yourself (`to`:
/// the signed-in user's address, else the account's From) through the outbox
/// and the worker, with its HTML part and unsubscribe header; "[Test]" before the subject.
pub async fn test_send(app: &App, actor: &Actor, id: CampaignId, contact: &str, to: Option<&str>) -> Result<TestSend> {
    let to = match non_blank(to) {
        Some(to) => {
            tickler_core::contact::EmailAddress::parse(to).map_err(|error| Error::from(error).renamed("email", "to"))?
        }
        None => {
            let own = match &actor.user {
                Some(user) => user.email.as_str().to_string(),
                None => app.store.mail_settings(actor.account_id()).await?.from_address,
            };
            tickler_core::contact::EmailAddress::parse(&own).map_err(|_| {
                Error::invalid("to", "give the address to send the test to (you have no From address set)")
            })?
        }
    };
    let preview = preview(app, actor, id, contact).await?;
    let (campaign, _) = app.store.campaign(actor.account_id(), id).await?;
    let found = crate::contacts::find(app, actor, contact).await?;
    let fields = app.store.template_fields(actor.account_id(), &found, actor.now).await?;
    let base_url = app.public_url().unwrap_or("https://tickler.invalid");
    let target = Target { account_id: actor.account_id(), list_id: campaign.list_id, contact_id: found.id };
    let token = unsubscribe::sign(app, Purpose::Unsubscribe, &target, actor.now).await?;
    let link = format!("{base_url}/u/{token}");
    let mailto = Some(fields.sender.email.as_str()).filter(|address| address.contains('@')).or(app.inbound_address());
    let payload = serde_json::json!({
        "to": to.as_str(),
        "subject": format!("[Test] {}", preview.subject),
        "body": preview.text,
        "html": preview.html,
        "list_unsubscribe": unsubscribe::header_value(&link, mailto),
    });
    let key = format!("campaign-test:{}:{}:{}", id, found.id, actor.now.as_millisecond());
    app.store
        .add_job(tickler_store::JobKind::Reminder, actor.account_id(), &payload.to_string(), &key, actor.now)
        .await?;
    Ok(TestSend { to: to.as_str().to_string(), rendered_for: found.name().to_string() })
}

/// Render a campaign's message: the template with the contact's fields, then
/// the Markdown to HTML (raw HTML in it shown as text, never run), each part
/// ending with the unsubscribe link.
pub fn render(
    campaign: &Campaign,
    fields: &Fields,
    link: &str,
    mailto: Option<&str>,
) -> std::result::Result<Prepared, String> {
    let rendered = template::render(&campaign.subject, &campaign.body, fields).map_err(|error| error.to_string())?;
    let events = Parser::new(&rendered.body).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut body = String::new();
    html::push_html(&mut body, events);
    let escaped = escape(link);
    let html = format!(
        "<!doctype html><html><body>{body}<hr><p style=\"font-size:small\">You get this as a member of “{}”. \
         <a href=\"{escaped}\">Unsubscribe</a></p></body></html>",
        escape(&campaign.list_name)
    );
    let text = format!(
        "{}\n\n-- \nYou get this as a member of \"{}\". Unsubscribe: {link}\n",
        rendered.body.trim_end(),
        campaign.list_name
    );
    let list_unsubscribe = unsubscribe::header_value(link, mailto);
    Ok(Prepared { subject: rendered.subject, text, html, list_unsubscribe })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The renderer of the worker's claims: each message with its contact's signed unsubscribe link under `key`.
pub(crate) fn renderer<'a>(
    key: &'a [u8],
    base_url: &'a str,
    inbound: Option<&'a str>,
    account_id: AccountId,
) -> impl Fn(&Campaign, &Contact, &Fields) -> std::result::Result<Prepared, String> + Sync + 'a {
    move |campaign: &Campaign, contact: &Contact, fields: &Fields| {
        let target = Target { account_id, list_id: campaign.list_id, contact_id: contact.id };
        let token = unsubscribe::sign_with(key, Purpose::Unsubscribe, &target).map_err(|error| error.message)?;
        let link = format!("{}/u/{token}", base_url.trim_end_matches('/'));
        let mailto = Some(fields.sender.email.as_str()).filter(|address| address.contains('@')).or(inbound);
        render(campaign, fields, &link, mailto)
    }
}
