//! The daily digest and the promise-at-risk alert: what the user reads each
//! morning (overdue, today, promises at risk, plan tasks), and the drafted
//! "running late" message that offers a new, reasonable deadline before the
//! old one passes. Pure text composition; the worker sends it.

use jiff::ZonedDateTime;
use serde::Serialize;

use crate::promise::Promise;
use crate::running_late;
use crate::template::Rendered;
use crate::work_week::WorkWeek;

/// One agenda line of the digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DigestItem {
    pub contact: String,
    pub purpose: String,
    pub channel: String,
    /// "2 days late", "09:30", "today".
    pub when: String,
    /// Put on the agenda by a plan step.
    pub plan_task: bool,
}

/// A promise at risk (or past the deadline told) with its new deadline and the drafted message to the contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AtRisk {
    pub contact: String,
    pub what: String,
    pub told: String,
    pub new_told: String,
    pub draft: Rendered,
    /// The deadline told to the contact has passed.
    pub past: bool,
}

/// The promise at risk, with a light, specific "running late" draft (see [`crate::running_late`]).
pub fn at_risk(
    promise: &Promise,
    contact_name: &str,
    first_name: &str,
    signature: &str,
    now: &ZonedDateTime,
    work_week: &WorkWeek,
) -> AtRisk {
    let zone = now.time_zone().clone();
    let told = promise.told.to_zoned_datetime(zone);
    let (_, new_told) = running_late::new_deadlines(promise, now, work_week);
    AtRisk {
        contact: contact_name.to_string(),
        what: promise.what.clone(),
        told: told.strftime("%a %Y-%m-%d %H:%M").to_string(),
        new_told: new_told.strftime("%a %Y-%m-%d %H:%M").to_string(),
        draft: running_late::draft(promise, first_name, signature, &new_told),
        past: promise.told <= now.timestamp(),
    }
}

/// The alert sent when a promise becomes at risk.
pub fn alert(risk: &AtRisk) -> Rendered {
    Rendered {
        subject: format!("Promise at risk: {} for {}", risk.what, risk.contact),
        body: format!(
            "You told {} you would deliver \"{}\" by {}. That deadline is at risk.\n\n\
             Let them know before it passes. A new deadline of {} is reasonable; here is a draft:\n\n\
             Subject: {}\n\n{}\n",
            risk.contact, risk.what, risk.told, risk.new_told, risk.draft.subject, risk.draft.body
        ),
    }
}

/// The digest email, or `None` when there is nothing to say. `at_risk` holds
/// the open promises at risk and those past the deadline told (`past`); a day
/// whose only item is such a promise still has a digest.
pub fn compose(day: &str, overdue: &[DigestItem], today: &[DigestItem], at_risk: &[AtRisk]) -> Option<Rendered> {
    if overdue.is_empty() && today.is_empty() && at_risk.is_empty() {
        return None;
    }
    let mut body = format!("Your follow-ups for {day}.\n");
    let mut section = |title: &str, items: &[DigestItem]| {
        if items.is_empty() {
            return;
        }
        body.push_str(&format!("\n{title} ({})\n", items.len()));
        for item in items {
            let plan = if item.plan_task { " [plan]" } else { "" };
            body.push_str(&format!(
                "  - {} · {} · {} ({}){plan}\n",
                item.contact, item.channel, item.purpose, item.when
            ));
        }
    };
    section("Overdue", overdue);
    section("Today", today);
    let (past, risky): (Vec<&AtRisk>, Vec<&AtRisk>) = at_risk.iter().partition(|risk| risk.past);
    let mut promises = |title: &str, told: &str, risks: &[&AtRisk]| {
        if risks.is_empty() {
            return;
        }
        body.push_str(&format!("\n{title} ({})\n", risks.len()));
        for risk in risks {
            body.push_str(&format!(
                "  - {}: \"{}\" {told} {}; offer {}. Draft:\n    Subject: {}\n{}",
                risk.contact,
                risk.what,
                risk.told,
                risk.new_told,
                risk.draft.subject,
                risk.draft.body.lines().map(|line| format!("    {line}\n")).collect::<String>()
            ));
        }
    };
    promises("Promises at risk", "told for", &risky);
    promises("Promises past the deadline you told them", "was due", &past);
    let tasks = overdue.iter().chain(today).filter(|item| item.plan_task).count();
    let subject = format!(
        "Today: {} follow-up{}{}{}{}",
        overdue.len() + today.len(),
        if overdue.len() + today.len() == 1 { "" } else { "s" },
        if tasks > 0 { format!(", {tasks} from plans") } else { String::new() },
        if risky.is_empty() { String::new() } else { format!(", {} promise(s) at risk", risky.len()) },
        if past.is_empty() { String::new() } else { format!(", {} promise(s) past due", past.len()) }
    );
    Some(Rendered { subject, body })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::ZoneName;
    use crate::ids::{ContactId, PromiseId};
    use crate::promise::PromiseState;

    #[test]
    fn a_late_promise_gets_a_later_reasonable_deadline_and_a_light_draft() {
        let now: ZonedDateTime = "2026-11-24T15:00:00-05:00[America/New_York]".parse().unwrap();
        let promise = Promise {
            id: PromiseId::new(1),
            contact_id: ContactId::new(1),
            what: "the revised quote".into(),
            aim: "2026-11-24T19:00:00Z".parse().unwrap(),
            told: "2026-11-24T22:00:00Z".parse().unwrap(),
            zone: ZoneName::parse("America/New_York").unwrap(),
            state: PromiseState::Open,
            created_at: "2026-11-24T14:00:00Z".parse().unwrap(),
            closed_at: None,
        };
        let risk = at_risk(&promise, "Ann Lee", "Ann", "Sam", &now, &WorkWeek::default());
        assert_eq!(risk.new_told, "Wed 2026-11-25 11:00");
        assert!(risk.draft.body.contains("by 11:00 am on Wednesday 25 November"), "{}", risk.draft.body);
        assert!(!risk.past);
        assert!(crate::tone::check(&risk.draft.body).is_empty());
        assert!(alert(&risk).body.contains("Wed 2026-11-25 11:00"));
    }

    #[test]
    fn the_digest_lists_each_section_and_says_nothing_when_empty() {
        assert_eq!(compose("Tuesday", &[], &[], &[]), None);
        let item = |plan_task| DigestItem {
            contact: "Ann Lee".into(),
            purpose: "call back".into(),
            channel: "call".into(),
            when: "today".into(),
            plan_task,
        };
        let digest = compose("Tuesday", &[item(false)], &[item(true), item(false)], &[]).unwrap();
        assert_eq!(digest.subject, "Today: 3 follow-ups, 1 from plans");
        assert!(
            digest.body.contains("Overdue (1)") && digest.body.contains("Today (2)") && digest.body.contains("[plan]")
        );
    }

    #[test]
    fn a_day_with_only_a_promise_at_risk_or_past_due_has_a_digest() {
        let now: ZonedDateTime = "2026-11-25T09:00:00-05:00[America/New_York]".parse().unwrap();
        let promise = |what: &str, told: &str| Promise {
            id: PromiseId::new(1),
            contact_id: ContactId::new(1),
            what: what.into(),
            aim: "2026-11-24T19:00:00Z".parse().unwrap(),
            told: told.parse().unwrap(),
            zone: ZoneName::parse("America/New_York").unwrap(),
            state: PromiseState::Open,
            created_at: "2026-11-24T14:00:00Z".parse().unwrap(),
            closed_at: None,
        };
        let late = at_risk(
            &promise("send the quote", "2026-11-24T22:00:00Z"),
            "Ann Lee",
            "Ann",
            "",
            &now,
            &WorkWeek::default(),
        );
        assert!(late.past);
        let digest = compose("Wednesday", &[], &[], std::slice::from_ref(&late)).expect("a digest goes out");
        assert_eq!(digest.subject, "Today: 0 follow-ups, 1 promise(s) past due");
        assert!(digest.body.contains("Promises past the deadline you told them (1)"), "{}", digest.body);
        assert!(digest.body.contains("I told you I would send the quote by"), "the draft is in it: {}", digest.body);
        let soon =
            at_risk(&promise("the deck", "2026-11-25T22:00:00Z"), "Bo Chen", "Bo", "", &now, &WorkWeek::default());
        let digest = compose("Wednesday", &[], &[], &[soon, late]).unwrap();
        assert!(digest.body.contains("Promises at risk (1)") && digest.body.contains("A quick update on the deck"));
        assert!(digest.subject.ends_with("1 promise(s) at risk, 1 promise(s) past due"), "{}", digest.subject);
    }
}
