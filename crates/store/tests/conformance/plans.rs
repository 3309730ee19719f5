//! Plans, enrollments and the jobs table: starter plans once per account,
//! consent at enrollment, stop rules, pause/resume, and leased claims that
//! never hand one job to two workers.

use std::collections::HashSet;

use jiff::SignedDuration;
use tickler_core::consent::ConsentState;
use tickler_core::contact::Tag;
use tickler_core::ids::{AccountId, ContactId};
use tickler_core::plan::{EnrollmentState, PlanDraft, Step, starter_plans};
use tickler_core::promise::PromiseDraft;
use tickler_core::touch::{Channel, Outcome, TouchDraft};
use tickler_store::{Delivery, Error, MailSettings, StepRun, job_kind};
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;

fn one_step_plan(name: &str, nurture: bool) -> PlanDraft {
    PlanDraft::new(name, "", nurture, vec![Step::task("2 days", Channel::Call, "call them").unwrap()]).unwrap()
}

both!(starter_plans_are_created_once_and_stay_deleted, async |db: &TestDb| {
    let account = db.account().await;
    db.store.ensure_plan_setup(account.id, now()).await.unwrap();
    let plans = db.store.plans(account.id).await.unwrap();
    assert_eq!(plans.len(), starter_plans().len());
    let cold = db.store.find_plan(account.id, "cold").await.unwrap();
    assert_eq!(cold.name, "Cold prospect");
    assert_eq!(cold.steps, starter_plans()[1].steps);
    db.store.delete_plan(account.id, cold.id).await.unwrap();
    db.store.ensure_plan_setup(account.id, now()).await.unwrap();
    assert_eq!(db.store.plans(account.id).await.unwrap().len(), starter_plans().len() - 1);
    let duplicate = db.store.create_plan(account.id, &one_step_plan("not now", false), now()).await;
    assert!(matches!(duplicate, Err(Error::Duplicate { field: "name", .. })), "{duplicate:?}");
    assert!(matches!(db.store.find_plan(account.id, "after").await, Err(Error::Ambiguous { .. })));
});

both!(consent_decides_who_may_be_enrolled, async |db: &TestDb| {
    let account = db.account().await;
    let plan = db.store.create_plan(account.id, &one_step_plan("Calls", false), now()).await.unwrap();
    let nurture = db.store.create_plan(account.id, &one_step_plan("Nurture", true), now()).await.unwrap();
    let tag = Tag::parse("lead").unwrap();
    let mut ids = Vec::new();
    for name in ["Ann Lee", "Bob Ray", "Cleo Park"] {
        let mut details = draft(name, None);
        details.tags = vec![tag.clone()];
        ids.push(db.store.create_contact(account.id, &details, now()).await.unwrap().id);
    }
    db.store.set_consent(account.id, ids[1], ConsentState::DoNotContact, None, "no", now()).await.unwrap();
    let until = jiff::civil::date(2027, 3, 1);
    db.store.set_consent(account.id, ids[2], ConsentState::NotNow, Some(until), "busy", now()).await.unwrap();
    let bulk = db.store.enroll_tag(account.id, plan.id, &tag, now()).await.unwrap();
    assert_eq!(bulk.enrolled.len(), 1);
    assert_eq!(bulk.skipped.len(), 2);
    assert!(matches!(db.store.enroll(account.id, plan.id, ids[0], now()).await, Err(Error::Domain(_))));
    assert!(db.store.enroll(account.id, nurture.id, ids[2], now()).await.is_ok());
    assert!(db.store.enroll(account.id, nurture.id, ids[1], now()).await.is_err());
    let enrollment = &bulk.enrolled[0];
    assert_eq!(enrollment.next_run_at, Some(now() + SignedDuration::from_hours(48)));
});

both!(outcomes_stop_plans_and_pause_resume_reschedules, async |db: &TestDb| {
    let account = db.account().await;
    let plan = db.store.create_plan(account.id, &one_step_plan("Calls", false), now()).await.unwrap();
    let ann = db.store.create_contact(account.id, &draft("Ann Lee", None), now()).await.unwrap();
    let enrollment = db.store.enroll(account.id, plan.id, ann.id, now()).await.unwrap();
    let paused = db.store.pause_enrollment(account.id, enrollment.id, now()).await.unwrap();
    assert_eq!(paused.state, EnrollmentState::Paused);
    assert!(db.store.pause_enrollment(account.id, enrollment.id, now()).await.is_err());
    let later = now() + SignedDuration::from_hours(72);
    let resumed = db.store.resume_enrollment(account.id, enrollment.id, later).await.unwrap();
    assert_eq!((resumed.state, resumed.next_run_at), (EnrollmentState::Active, Some(later)));
    let mut bought = TouchDraft::new(ann.id, later, Channel::Call, "signed the order").unwrap();
    bought.outcome = Some(Outcome::Bought);
    db.store.log_touch(account.id, &bought, later).await.unwrap();
    let stopped = db.store.enrollment(account.id, enrollment.id).await.unwrap();
    assert_eq!((stopped.state, stopped.stop_reason.as_deref()), (EnrollmentState::Stopped, Some("outcome bought")));
    assert!(db.store.claim_jobs("w", later, SignedDuration::from_mins(5), 10).await.unwrap().is_empty());
    // Stopped by a person, after a fresh enrollment.
    let again = db.store.enroll(account.id, plan.id, ann.id, later).await.unwrap();
    let stopped = db.store.stop_enrollment(account.id, again.id, later).await.unwrap();
    assert_eq!(stopped.stop_reason.as_deref(), Some(tickler_core::plan::STOPPED_BY_PERSON));
});

both!(claims_are_leased_and_never_shared, async |db: &TestDb| {
    let account = db.account().await;
    for index in 0..200 {
        let key = format!("digest:{index}");
        db.store.add_job(job_kind::DIGEST, account.id, "x", &key, now()).await.unwrap();
    }
    db.store.add_job(job_kind::DIGEST, account.id, "x", "digest:0", now()).await.unwrap();
    db.store.add_job(job_kind::DIGEST, account.id, "x", "later", now() + SignedDuration::from_hours(1)).await.unwrap();
    let lease = SignedDuration::from_mins(5);
    let other = db.reopen().await;
    let mut claimers = Vec::new();
    for (index, store) in [db.store.clone(), other.clone(), db.store.clone(), other].into_iter().enumerate() {
        claimers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let batch = store.claim_jobs(&format!("w{index}"), now(), lease, 7).await.unwrap();
                if batch.is_empty() {
                    return mine;
                }
                mine.extend(batch.into_iter().map(|job| job.id));
            }
        }));
    }
    let mut seen = HashSet::new();
    for claimer in claimers {
        for id in claimer.await.unwrap() {
            assert!(seen.insert(id), "job {id} was claimed twice");
        }
    }
    assert_eq!(seen.len(), 200);
    // A crashed worker's lease runs out; the job is claimed again.
    let after = now() + SignedDuration::from_mins(6);
    let again = db.store.claim_jobs("w9", after, lease, 500).await.unwrap();
    assert_eq!(again.len(), 200);
    assert!(again.iter().all(|job| job.attempts == 2));
    for job in &again {
        db.store.finish_job(job, None, after).await.unwrap();
    }
    let late = now() + SignedDuration::from_hours(2);
    let remaining = db.store.claim_jobs("w9", late, lease, 500).await.unwrap();
    assert_eq!(remaining.len(), 1);
    assert_eq!(db.store.job_counts().await.unwrap(), vec![("done".to_string(), 200), ("pending".to_string(), 1)]);
});

/// Sam is the account's sender (no digest).
async fn sam_sends(db: &TestDb, account_id: AccountId) {
    let sender = MailSettings {
        from_name: "Sam".into(),
        from_address: "sam@stone.example".into(),
        signature: String::new(),
        digest_hour: 8,
        digest_enabled: false,
        review_day: None,
        review_hour: 16,
    };
    db.store.update_mail_settings(account_id, &sender, now()).await.unwrap();
}

// The worker renders exactly what the preview shows: the newest touch by
// time (not by entry) and the open promise due first, in the contact's zone.
both!(claimed_emails_render_the_last_touch_and_the_first_promise, async |db: &TestDb| {
    let account = db.account().await;
    sam_sends(db, account.id).await;
    let steps = vec![
        Step::email("same day", "Re: {{ last_touch.summary }}", "{{ promise.what }} by {{ promise.deadline }}")
            .unwrap(),
    ];
    let plan =
        db.store.create_plan(account.id, &PlanDraft::new("Render", "", false, steps).unwrap(), now()).await.unwrap();
    let ann = db.store.create_contact(account.id, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap();
    let bob = db.store.create_contact(account.id, &draft("Bob Ray", Some("bob@ray.example")), now()).await.unwrap();
    let touch = |contact: ContactId, hours: i64, summary: &str| {
        TouchDraft::new(contact, now() - SignedDuration::from_hours(hours), Channel::Meeting, summary).unwrap()
    };
    // Meetings (not outreach, so no pacing gap), logged out of order: the newest by time is "pricing call".
    db.store.log_touch(account.id, &touch(ann.id, 2, "pricing call"), now()).await.unwrap();
    db.store.log_touch(account.id, &touch(ann.id, 30, "first meeting"), now()).await.unwrap();
    db.store.log_touch(account.id, &touch(bob.id, 1, "bob's call"), now()).await.unwrap();
    let zone = account.settings.zone.clone();
    let promise = |contact: ContactId, what: &str, days: i64| {
        let told = now() + SignedDuration::from_hours(24 * days);
        PromiseDraft::new(contact, what, told - SignedDuration::from_hours(1), told, zone.clone()).unwrap()
    };
    db.store.create_promise(account.id, &promise(ann.id, "send the revised quote", 5), now()).await.unwrap();
    db.store.create_promise(account.id, &promise(ann.id, "send the case study", 2), now()).await.unwrap();
    db.store.enroll(account.id, plan.id, ann.id, now()).await.unwrap();
    db.store.enroll(account.id, plan.id, bob.id, now()).await.unwrap();
    let preview = db.store.preview_step(account.id, &plan, 0, &ann, now()).await.unwrap();
    assert_eq!(preview.subject, "Re: pricing call");
    assert!(preview.body.starts_with("send the case study by "), "{}", preview.body);
    let jobs = db.store.claim_jobs("w", now(), SignedDuration::from_mins(5), 10).await.unwrap();
    let runs = db.store.claim_plan_steps(&jobs, now()).await.unwrap();
    let emails: Vec<_> = runs
        .iter()
        .filter_map(|run| match run {
            StepRun::Send(email) => Some(email),
            _ => None,
        })
        .collect();
    assert_eq!(emails.len(), 2, "{runs:?}");
    let to_ann = emails.iter().find(|email| email.to == "ann@acme.com").unwrap();
    assert_eq!((to_ann.subject.as_str(), to_ann.body.as_str()), (preview.subject.as_str(), preview.body.as_str()));
    let to_bob = emails.iter().find(|email| email.to == "bob@ray.example").unwrap();
    assert_eq!(to_bob.subject, "Re: bob's call", "each contact renders with their own history");
    assert_eq!(to_bob.body.trim(), "by", "no promise: the fields are empty");
});

// A worker that died after the server took an email, and after marking it
// delivered, but before recording the batch: the step's next claim records
// it (touch, enrollment moved on, job closed) and does not send it again.
both!(a_delivered_email_is_recorded_once_and_not_sent_again, async |db: &TestDb| {
    let account = db.account().await;
    let mut settings = account.settings.clone();
    settings.pacing_gap_days = 0;
    db.store.update_settings(account.id, &settings).await.unwrap();
    sam_sends(db, account.id).await;
    let steps = vec![Step::email("same day", "Hello {{ contact.first_name }}", "Hi {{ contact.first_name }}").unwrap()];
    let plan =
        db.store.create_plan(account.id, &PlanDraft::new("Once", "", false, steps).unwrap(), now()).await.unwrap();
    let ann = db.store.create_contact(account.id, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap();
    let enrollment = db.store.enroll(account.id, plan.id, ann.id, now()).await.unwrap();
    let lease = SignedDuration::from_mins(5);
    let jobs = db.store.claim_jobs("dead", now(), lease, 10).await.unwrap();
    let runs = db.store.claim_plan_steps(&jobs, now()).await.unwrap();
    let [StepRun::Send(email)] = runs.as_slice() else { panic!("{runs:?}") };
    assert_eq!((email.subject.as_str(), email.attempts), ("Hello Ann", 1));
    db.store.mark_delivered(&[(email.outbox_id, "250 2.0.0 Ok: queued as X".into())], now()).await.unwrap();
    // The worker dies here. Its lease runs out and another claims the step.
    let later = now() + SignedDuration::from_mins(6);
    let jobs = db.store.claim_jobs("next", later, lease, 10).await.unwrap();
    let runs = db.store.claim_plan_steps(&jobs, later).await.unwrap();
    let [StepRun::Sent(again)] = runs.as_slice() else { panic!("{runs:?}") };
    assert_eq!((again.outbox_id, again.message_id.as_str()), (email.outbox_id, email.message_id.as_str()));
    let delivery = Delivery { job: jobs[0].clone(), email: (**again).clone(), result: Ok(()) };
    db.store.record_sends(&[delivery], later).await.unwrap();
    let enrollment = db.store.enrollment(account.id, enrollment.id).await.unwrap();
    assert_eq!(enrollment.state, EnrollmentState::Finished);
    assert_eq!(db.store.touches(account.id, ann.id).await.unwrap().len(), 1);
    let outbox = db.store.outbox(account.id, Some(ann.id)).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].1, "sent");
    assert!(db.store.claim_jobs("next", later + lease * 2, lease, 10).await.unwrap().is_empty());
});

// A batch claims each step once, in the jobs' order, and two plans due at
// once for one contact send one email: the other waits out the pacing gap.
both!(a_batch_sends_one_email_per_contact_inside_the_gap, async |db: &TestDb| {
    let account = db.account().await;
    sam_sends(db, account.id).await;
    let email_plan = |name: &str| {
        PlanDraft::new(name, "", false, vec![Step::email("same day", name, "Hi {{ contact.first_name }}").unwrap()])
            .unwrap()
    };
    let first = db.store.create_plan(account.id, &email_plan("First"), now()).await.unwrap();
    let second = db.store.create_plan(account.id, &email_plan("Second"), now()).await.unwrap();
    let ann = db.store.create_contact(account.id, &draft("Ann Lee", Some("ann@acme.com")), now()).await.unwrap();
    let bob = db.store.create_contact(account.id, &draft("Bob Ray", Some("bob@ray.example")), now()).await.unwrap();
    for (plan, contact) in [(&first, &ann), (&second, &ann), (&first, &bob)] {
        db.store.enroll(account.id, plan.id, contact.id, now()).await.unwrap();
    }
    let jobs = db.store.claim_jobs("w", now(), SignedDuration::from_mins(5), 10).await.unwrap();
    assert_eq!(jobs.len(), 3);
    let runs = db.store.claim_plan_steps(&jobs, now()).await.unwrap();
    let to: Vec<&str> = runs
        .iter()
        .filter_map(|run| match run {
            StepRun::Send(email) => Some(email.to.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(to.iter().filter(|to| **to == "ann@acme.com").count(), 1, "{runs:?}");
    assert_eq!(to.iter().filter(|to| **to == "bob@ray.example").count(), 1, "{runs:?}");
    assert_eq!(
        runs.iter().filter(|run| matches!(run, StepRun::Held(hold) if hold.reason.contains("pacing gap"))).count(),
        1
    );
    // Another worker's batch sees Ann's email in flight (not yet sent or recorded) and holds a third plan's step.
    let third = db.store.create_plan(account.id, &email_plan("Third"), now()).await.unwrap();
    db.store.enroll(account.id, third.id, ann.id, now()).await.unwrap();
    let jobs = db.store.claim_jobs("v", now(), SignedDuration::from_mins(5), 10).await.unwrap();
    assert_eq!(jobs.len(), 1);
    let runs = db.store.claim_plan_steps(&jobs, now()).await.unwrap();
    assert!(matches!(&runs[..], [StepRun::Held(hold)] if hold.reason.contains("pacing gap")), "{runs:?}");
});
