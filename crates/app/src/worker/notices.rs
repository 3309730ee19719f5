//! The user's own emails: the daily digest and promise-at-risk alerts,
//! composed by `core::digest` from the agenda and the open promises.

use jiff::Timestamp;
use tickler_core::agenda::{Bucket, bucket, lateness, window_end};
use tickler_core::contact::ContactName;
use tickler_core::digest::{self, AtRisk, DigestItem};
use tickler_core::follow_up::Origin;
use tickler_core::ids::{AccountId, PromiseId};
use tickler_core::review::{self, WeekReview};
use tickler_core::template::Rendered;
use tickler_store::{Job, Store};

/// What a notice job comes to: the address and the email, or nothing to send.
pub type Notice = Option<(String, Rendered)>;

/// The digest of `job`'s account at `now`, or `None` when there is nothing to report or no address.
pub async fn digest(store: &Store, job: &Job, now: Timestamp) -> Result<Notice, tickler_store::Error> {
    let account = store.account(job.account_id).await?;
    let settings = store.mail_settings(job.account_id).await?;
    if settings.from_address.is_empty() {
        return Ok(None);
    }
    let now = now.to_zoned_datetime(account.settings.zone.time_zone());
    let rows = store.agenda(job.account_id, window_end(&now, 1), 500).await?;
    let (mut overdue, mut today) = (Vec::new(), Vec::new());
    for row in rows {
        let place = bucket(&row.follow_up.due, &now);
        let item = DigestItem {
            contact: row.contact_name.clone(),
            purpose: row.follow_up.purpose.clone(),
            channel: row.follow_up.channel.as_str().to_string(),
            when: lateness(&row.follow_up.due, &now)
                .map(|late| format!("{late} late"))
                .or_else(|| row.follow_up.due.time.map(|time| time.strftime("%H:%M").to_string()))
                .unwrap_or_else(|| "today".into()),
            plan_task: row.follow_up.origin == Origin::PlanStep,
        };
        match place {
            Bucket::Overdue => overdue.push(item),
            Bucket::Today => today.push(item),
            Bucket::Upcoming => {}
        }
    }
    let risks = at_risk(store, job.account_id, &settings.signature, &now, &account.settings.work_week, None).await?;
    let day = now.strftime("%A %-d %B %Y").to_string();
    Ok(digest::compose(&day, &overdue, &today, &risks).map(|rendered| (settings.from_address, rendered)))
}

/// The alert for the promise named by `job`, while it is open and at risk.
pub async fn promise_alert(store: &Store, job: &Job, now: Timestamp) -> Result<Notice, tickler_store::Error> {
    let promise_id = PromiseId::new(job.payload.parse().unwrap_or_default());
    let account = store.account(job.account_id).await?;
    let settings = store.mail_settings(job.account_id).await?;
    let now = now.to_zoned_datetime(account.settings.zone.time_zone());
    let risks =
        at_risk(store, job.account_id, &settings.signature, &now, &account.settings.work_week, Some(promise_id))
            .await?;
    Ok(risks
        .first()
        .filter(|risk| !settings.from_address.is_empty() && !risk.past)
        .map(|risk| (settings.from_address, digest::alert(risk))))
}

/// A reminder a user asked for by mailing a reminder address (or the answer
/// to one that could not be read): composed when the mail was read.
pub fn reminder(job: &Job) -> Notice {
    let payload: serde_json::Value = serde_json::from_str(&job.payload).ok()?;
    let text = |field: &str| payload.get(field).and_then(serde_json::Value::as_str).map(str::to_string);
    let to = text("to").filter(|to| to.contains('@'))?;
    Some((to, Rendered { subject: text("subject").unwrap_or_default(), body: text("body").unwrap_or_default() }))
}

/// The HTML part and unsubscribe header a reminder's payload may carry (a newsletter's test send).
pub fn reminder_extra(job: &Job) -> tickler_store::NoticeExtra {
    let payload: Option<serde_json::Value> = serde_json::from_str(&job.payload).ok();
    let text = |field: &str| {
        payload.as_ref().and_then(|payload| payload.get(field)).and_then(serde_json::Value::as_str).map(str::to_string)
    };
    tickler_store::NoticeExtra { html: text("html"), list_unsubscribe: text("list_unsubscribe") }
}

async fn at_risk(
    store: &Store,
    account_id: AccountId,
    signature: &str,
    now: &jiff::ZonedDateTime,
    work_week: &tickler_core::work_week::WorkWeek,
    only: Option<PromiseId>,
) -> Result<Vec<AtRisk>, tickler_store::Error> {
    Ok(store
        .open_promises(account_id)
        .await?
        .into_iter()
        .filter(|(promise, _)| only.is_none_or(|id| id == promise.id))
        // At risk, or past the deadline told: both are the digest's to mention.
        .filter(|(promise, _)| promise.is_at_risk(now.timestamp()))
        .map(|(promise, name)| {
            let first = ContactName::parse(&name).map(|n| n.first_name().to_string()).unwrap_or_else(|_| name.clone());
            digest::at_risk(&promise, &name, &first, signature, now, work_week)
        })
        .collect())
}

/// The weekly review of `job`'s account at `now`: the seven days up to now (follow-ups done on time, late,
/// skipped), the follow-ups that slipped past due, the open promises told for the coming week (or already
/// past), and the people drifting; `None` without an address, with the review turned off, or with nothing to say.
pub async fn review(store: &Store, job: &Job, now: Timestamp) -> Result<Notice, tickler_store::Error> {
    let account = store.account(job.account_id).await?;
    let settings = store.mail_settings(job.account_id).await?;
    if settings.from_address.is_empty() || settings.review_day.is_none() {
        return Ok(None);
    }
    let zone = account.settings.zone.time_zone();
    let now = now.to_zoned_datetime(zone.clone());
    let first_day = now.date().checked_sub(jiff::Span::new().days(6)).unwrap_or(now.date());
    let week = tickler_core::report::Bucket {
        label: first_day.to_string(),
        start: tickler_core::report::day_start(first_day, &zone),
        end: now.timestamp(),
    };
    let counts = store.report_follow_ups(account.id, &[week]).await?;
    let mut review = WeekReview { first_day: Some(first_day), last_day: Some(now.date()), ..WeekReview::default() };
    if let Some(counts) = counts.first() {
        (review.done_on_time, review.done_late, review.skipped) = (counts.on_time, counts.late, counts.skipped);
    }
    for row in store.agenda(account.id, now.timestamp(), 500).await? {
        if let Some(late) = lateness(&row.follow_up.due, &now) {
            review.slipped.push(format!(
                "{} · {} · {} ({late} late)",
                row.contact_name,
                row.follow_up.channel.as_str(),
                row.follow_up.purpose
            ));
        }
    }
    let next_week = now.timestamp() + jiff::SignedDuration::from_hours(7 * 24);
    for (promise, name) in store.open_promises(account.id).await? {
        if promise.told < next_week {
            let told = promise.told.to_zoned_datetime(zone.clone()).strftime("%a %Y-%m-%d %H:%M").to_string();
            let words = if promise.told <= now.timestamp() { "was due" } else { "told for" };
            review.at_risk_next_week.push(format!("{name}: \"{}\" {words} {told}", promise.what));
        }
    }
    let drifting = crate::keep_in_touch::drifting_in(store, &account, &now, 0).await?;
    review.drifting = drifting.overdue.into_iter().map(|reconnect| reconnect.line).collect();
    Ok(review::compose(&review).map(|rendered| (settings.from_address, rendered)))
}
