//! Reports: each report's counts against figures worked out by hand from a
//! seeded history, with weeks and months cut in Honolulu (UTC−10), so a
//! Sunday 23:30 there (Monday 09:30 UTC) must count in the local week.

use jiff::Timestamp;
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use tickler_core::consent::ConsentState;
use tickler_core::contact::{Stage, ZoneName};
use tickler_core::follow_up::{Due, FollowUpDraft, Origin};
use tickler_core::ids::{AccountId, ContactId};
use tickler_core::plan::{PlanDraft, STOPPED_BY_PERSON, Step as PlanStep};
use tickler_core::promise::PromiseDraft;
use tickler_core::report::figures::{FollowUpWeek, PromiseMonth, WeekCount};
use tickler_core::report::{Period, Step};
use tickler_core::touch::{Channel, Direction, TouchDraft};
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;

const ZONE: &str = "Pacific/Honolulu";

fn zone() -> TimeZone {
    TimeZone::get(ZONE).unwrap()
}

/// `day` at `hour:minute` in Honolulu.
fn at(day: Date, hour: i8, minute: i8) -> Timestamp {
    day.at(hour, minute, 0, 0).to_zoned_datetime(zone()).unwrap().timestamp()
}

fn timed(day: Date, hour: i8) -> Due {
    Due { date: day, time: Some(jiff::civil::time(hour, 0, 0, 0)), zone: ZoneName::parse(ZONE).unwrap() }
}

fn all_day(day: Date) -> Due {
    Due { date: day, time: None, zone: ZoneName::parse(ZONE).unwrap() }
}

async fn contact(db: &TestDb, account: AccountId, name: &str, stage: Option<Stage>, added: Timestamp) -> ContactId {
    let mut details = draft(name, None);
    details.stage = stage;
    db.store.create_contact(account, &details, added).await.unwrap().id
}

/// The two weeks Monday 2 to Sunday 15 November 2026.
fn two_weeks() -> Vec<tickler_core::report::Bucket> {
    Period::new(date(2026, 11, 2), date(2026, 11, 15)).unwrap().buckets(Step::Week, &zone())
}

both!(follow_ups_count_on_time_late_and_skipped_in_the_local_week, async |db: &TestDb| {
    let account = db.account().await.id;
    let ann = contact(db, account, "Ann Lee", None, at(date(2026, 10, 1), 9, 0)).await;
    // (due, closed at, done or skipped)
    let history = [
        (all_day(date(2026, 11, 3)), at(date(2026, 11, 3), 18, 0), true), // on time (within its day)
        (timed(date(2026, 11, 4), 10), at(date(2026, 11, 4), 12, 0), true), // 2 h late
        (timed(date(2026, 11, 5), 9), at(date(2026, 11, 6), 9, 0), true), // 24 h late
        (all_day(date(2026, 11, 5)), at(date(2026, 11, 7), 6, 0), true),  // 30 h past its day's start + 24 h
        (timed(date(2026, 11, 8), 9), at(date(2026, 11, 8), 23, 30), false), // skipped Sunday 23:30 local
        (timed(date(2026, 11, 10), 9), at(date(2026, 11, 10), 8, 0), true), // on time
        (timed(date(2026, 11, 10), 9), at(date(2026, 11, 10), 9, 10), true), // 10 min late
        (timed(date(2026, 11, 11), 9), at(date(2026, 11, 11), 9, 30), true), // 30 min late
        (timed(date(2026, 11, 15), 9), at(date(2026, 11, 16), 0, 30), true), // closed the next Monday: outside
        (timed(date(2026, 11, 1), 9), at(date(2026, 11, 1), 23, 30), true), // closed the Sunday before: outside
    ];
    for (due, closed, done) in history {
        let draft = FollowUpDraft::new(ann, due, Channel::Call, "call", Origin::Manual).unwrap();
        let scheduled = db.store.schedule_follow_up(account, &draft, true, at(date(2026, 10, 1), 9, 0)).await.unwrap();
        let id = scheduled.follow_up.id;
        if done {
            db.store.complete_follow_up(account, id, None, closed).await.unwrap();
        } else {
            db.store.skip_follow_up(account, id, closed).await.unwrap();
        }
    }
    // Another account's follow-up is not counted.
    let other = db
        .store
        .create_account("Other", &tickler_core::account::Settings::new(ZoneName::parse(ZONE).unwrap()), now())
        .await
        .unwrap()
        .id;
    let bo = contact(db, other, "Bo Chen", None, at(date(2026, 10, 1), 9, 0)).await;
    let draft = FollowUpDraft::new(bo, all_day(date(2026, 11, 3)), Channel::Call, "call", Origin::Manual).unwrap();
    let id = db.store.schedule_follow_up(other, &draft, true, now()).await.unwrap().follow_up.id;
    db.store.complete_follow_up(other, id, None, at(date(2026, 11, 3), 10, 0)).await.unwrap();

    let weeks = db.store.report_follow_ups(account, &two_weeks()).await.unwrap();
    assert_eq!(
        weeks,
        [
            // Late by 2 h, 24 h, 30 h: the median is 24 h.
            FollowUpWeek {
                week: "2026-11-02".into(),
                on_time: 1,
                late: 3,
                median_late_seconds: Some(86_400),
                skipped: 1
            },
            // Late by 10 and 30 minutes: the median is their mean, 20 minutes.
            FollowUpWeek {
                week: "2026-11-09".into(),
                on_time: 1,
                late: 2,
                median_late_seconds: Some(1_200),
                skipped: 0
            },
        ]
    );
});

both!(promises_count_by_the_month_of_the_told_deadline, async |db: &TestDb| {
    let account = db.account().await.id;
    let bo = contact(db, account, "Bo Chen", None, at(date(2026, 9, 1), 9, 0)).await;
    let zone_name = ZoneName::parse(ZONE).unwrap();
    // (aim, told, kept at)
    let history = [
        (at(date(2026, 10, 10), 12, 0), at(date(2026, 10, 12), 17, 0), Some(at(date(2026, 10, 10), 11, 0))), // by the aim
        (at(date(2026, 10, 20), 12, 0), at(date(2026, 10, 22), 17, 0), Some(at(date(2026, 10, 21), 9, 0))), // by told only
        // Told 31 October 23:30 local (1 November UTC): an October promise, kept late.
        (at(date(2026, 10, 31), 12, 0), at(date(2026, 10, 31), 23, 30), Some(at(date(2026, 11, 2), 9, 0))),
        (at(date(2026, 11, 19), 12, 0), at(date(2026, 11, 20), 17, 0), None), // open past its deadline on the 24th
        (at(date(2026, 11, 27), 12, 0), at(date(2026, 11, 28), 17, 0), None), // open, not yet due
    ];
    for (aim, told, kept) in history {
        let draft = PromiseDraft::new(bo, "send the quote", aim, told, zone_name.clone()).unwrap();
        let promise = db.store.create_promise(account, &draft, at(date(2026, 10, 1), 9, 0)).await.unwrap();
        if let Some(kept) = kept {
            db.store.keep_promise(account, promise.id, kept).await.unwrap();
        }
    }
    let months = Period::new(date(2026, 10, 1), date(2026, 11, 30)).unwrap().buckets(Step::Month, &zone());
    let now = at(date(2026, 11, 24), 10, 0);
    let figures = db.store.report_promises(account, &months, now).await.unwrap();
    assert_eq!(
        figures,
        [
            PromiseMonth {
                month: "2026-10".into(),
                due: 3,
                kept_by_told: 2,
                kept_by_aim: 1,
                late: 1,
                overdue: 0,
                renegotiated: 0
            },
            PromiseMonth {
                month: "2026-11".into(),
                due: 2,
                kept_by_told: 0,
                kept_by_aim: 0,
                late: 0,
                overdue: 1,
                renegotiated: 0
            },
        ]
    );
});

both!(touches_consent_and_stages_count_per_local_week, async |db: &TestDb| {
    let account = db.account().await.id;
    let before = at(date(2026, 10, 1), 9, 0);
    let ann = contact(db, account, "Ann Lee", None, before).await;
    let cy = contact(db, account, "Cy Nash", None, before).await;
    let di = contact(db, account, "Di Park", None, before).await;
    contact(db, account, "Ex Client", Some(Stage::Client), before).await;
    contact(db, account, "Yu Prospect", Some(Stage::Prospect), at(date(2026, 11, 4), 9, 0)).await;
    contact(db, account, "Zed Sunday", None, at(date(2026, 11, 8), 23, 30)).await;
    contact(db, account, "Wu Later", Some(Stage::Prospect), at(date(2026, 11, 20), 9, 0)).await;

    let touch = |when: Timestamp, channel: Channel, direction: Direction| {
        let mut draft = TouchDraft::new(ann, when, channel, "talked").unwrap();
        draft.direction = direction;
        draft
    };
    for draft in [
        touch(at(date(2026, 11, 3), 9, 0), Channel::Email, Direction::Out),
        touch(at(date(2026, 11, 8), 23, 30), Channel::Email, Direction::Out),
        touch(at(date(2026, 11, 4), 9, 0), Channel::Call, Direction::Out),
        touch(at(date(2026, 11, 9), 0, 30), Channel::Email, Direction::In),
        touch(at(date(2026, 11, 16), 0, 30), Channel::Email, Direction::In), // the next week: outside
    ] {
        db.store.log_touch(account, &draft, draft.at).await.unwrap();
    }
    db.store.set_consent(account, cy, ConsentState::NotNow, None, "busy", at(date(2026, 11, 3), 9, 0)).await.unwrap();
    db.store
        .set_consent(account, di, ConsentState::DoNotContact, None, "asked", at(date(2026, 11, 8), 23, 30))
        .await
        .unwrap();
    db.store.set_consent(account, cy, ConsentState::Active, None, "back", at(date(2026, 11, 10), 9, 0)).await.unwrap();
    // Ann moves from no stage to prospect in the first week and to client in the second; a rename moves nothing.
    let mut details = db.store.contact(account, ann).await.unwrap().details;
    for (stage, when) in [
        (Some(Stage::Prospect), at(date(2026, 11, 5), 9, 0)),
        (Some(Stage::Prospect), at(date(2026, 11, 6), 9, 0)),
        (Some(Stage::Client), at(date(2026, 11, 10), 9, 0)),
    ] {
        details.stage = stage;
        details.notes = format!("as of {when}");
        db.store.update_contact(account, ann, &details, when).await.unwrap();
    }

    let count = |week: &str, name: &str, count: i64| WeekCount { week: week.into(), name: name.into(), count };
    assert_eq!(
        db.store.report_touches(account, &two_weeks()).await.unwrap(),
        [count("2026-11-02", "call out", 1), count("2026-11-02", "email out", 2), count("2026-11-09", "email in", 1)]
    );
    assert_eq!(
        db.store.report_consent(account, &two_weeks()).await.unwrap(),
        [count("2026-11-02", "never", 1), count("2026-11-02", "not-now", 1), count("2026-11-09", "active", 1)]
    );
    // Cy, Di and Zed (added Sunday 23:30 local) have no stage; Ann is a prospect at the end of the first
    // week and a client at the end of the second; Wu comes after the period.
    assert_eq!(
        db.store.report_stages(account, &two_weeks()).await.unwrap(),
        [
            count("2026-11-02", "client", 1),
            count("2026-11-02", "none", 3),
            count("2026-11-02", "prospect", 2),
            count("2026-11-09", "client", 2),
            count("2026-11-09", "none", 3),
            count("2026-11-09", "prospect", 1),
        ]
    );
});

both!(plan_steps_count_sends_replies_and_stops, async |db: &TestDb| {
    let account = db.account().await.id;
    let before = at(date(2026, 10, 1), 9, 0);
    let steps = vec![
        PlanStep::task("2 days", Channel::Email, "first note").unwrap(),
        PlanStep::task("1 week", Channel::Email, "second note").unwrap(),
    ];
    let plan = db.store.create_plan(account, &PlanDraft::new("Cold", "", false, steps).unwrap(), before).await.unwrap();
    let mut enrollments = Vec::new();
    for name in ["E One", "E Two", "E Three", "E Four"] {
        let id = contact(db, account, name, None, before).await;
        enrollments.push((id, db.store.enroll(account, plan.id, id, before).await.unwrap().id));
    }
    let pool = db.store.pool();
    // (enrollment, step, sent at, replied)
    let sends = [
        (0, 0, at(date(2026, 11, 3), 9, 0), true),
        (1, 0, at(date(2026, 11, 3), 9, 0), false),
        (1, 1, at(date(2026, 11, 10), 9, 0), true),
        (2, 0, at(date(2026, 11, 4), 9, 0), false),
        (3, 0, at(date(2026, 10, 20), 9, 0), false), // before the period
    ];
    for (number, (which, step, sent, replied)) in sends.into_iter().enumerate() {
        let (contact_id, enrollment_id) = enrollments[which];
        let row: (i64,) = sqlx::query_as(
            "INSERT INTO outbox (account_id, contact_id, enrollment_id, step, dedupe_key, message_id, to_address, \
             subject, body, state, created_at, sent_at) VALUES ($1, $2, $3, $4, $5, $6, 'x@example.com', 's', 'b', \
             'sent', $7, $7) RETURNING id",
        )
        .bind(account.get())
        .bind(contact_id.get())
        .bind(enrollment_id.get())
        .bind(step)
        .bind(format!("report-test-{number}"))
        .bind(format!("<report-{number}@example.com>"))
        .bind(sent.as_second())
        .fetch_one(pool)
        .await
        .unwrap();
        if replied {
            sqlx::query(
                "INSERT INTO inbound_emails (account_id, message_id, contact_id, outbox_id, subject, received_at, \
                 created_at) VALUES ($1, $2, $3, $4, 'Re: s', $5, $5)",
            )
            .bind(account.get())
            .bind(format!("<reply-{number}@example.com>"))
            .bind(contact_id.get())
            .bind(row.0)
            .bind(sent.as_second() + 3600)
            .execute(pool)
            .await
            .unwrap();
        }
    }
    // E One and E Three are stopped before their second step; E Four after the period.
    for (which, stopped) in
        [(0, at(date(2026, 11, 5), 9, 0)), (2, at(date(2026, 11, 12), 9, 0)), (3, at(date(2026, 11, 20), 9, 0))]
    {
        sqlx::query("UPDATE enrollments SET next_step = 1 WHERE id = $1")
            .bind(enrollments[which].1.get())
            .execute(pool)
            .await
            .unwrap();
        db.store.stop_enrollment(account, enrollments[which].1, stopped).await.unwrap();
    }
    let (start, end) = Period::new(date(2026, 11, 2), date(2026, 11, 15)).unwrap().span(&zone());
    let figures = db.store.report_plans(account, start, end).await.unwrap();
    let summary: Vec<(i64, i64, i64, Option<i64>, i64, String)> =
        figures.iter().map(|f| (f.step, f.sent, f.replied, f.reply_rate, f.stopped, f.stop_reasons.clone())).collect();
    assert_eq!(
        summary,
        [(1, 3, 1, Some(33), 0, String::new()), (2, 1, 1, Some(100), 2, format!("{STOPPED_BY_PERSON} 2"))]
    );
    assert!(figures.iter().all(|f| f.plan == "Cold"));
});
