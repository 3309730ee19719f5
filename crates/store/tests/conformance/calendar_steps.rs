//! Plan steps on the calendar: a birthday (29 February included), a yearly
//! date, steps that repeat until their end, each repeating step on its own
//! schedule while the plan goes on, and a reply that stops them all.

use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use tickler_core::ids::ContactId;
use tickler_core::plan::{EnrollmentState, PlanDraft, Step};
use tickler_core::touch::{Channel, Direction, TouchDraft};
use tickler_store::{Error, Store};
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;

/// Run the worker's plan steps once a day at 10:00 in New York (the tests'
/// "now" time of day) from `from` until `until`.
async fn run_days(store: &Store, from: Timestamp, until: Timestamp) {
    let lease = SignedDuration::from_mins(5);
    let mut day = from;
    while day < until {
        let jobs = store.claim_jobs("calendar", day, lease, 100).await.unwrap();
        if !jobs.is_empty() {
            store.claim_plan_steps(&jobs, day).await.unwrap();
        }
        day += SignedDuration::from_hours(24);
    }
}

/// The follow-ups the plan put on a contact's agenda: (due day, what), by day.
async fn agenda(db: &TestDb, account: tickler_core::ids::AccountId, contact: ContactId) -> Vec<(String, String)> {
    let mut items: Vec<(String, String)> = db
        .store
        .follow_ups_of(account, contact)
        .await
        .unwrap()
        .into_iter()
        .map(|follow_up| {
            let what = follow_up.purpose.trim_start_matches("Calendar: ").to_string();
            (follow_up.due.date.to_string(), what)
        })
        .collect();
    items.sort();
    items
}

both!(calendar_steps_land_on_their_dates_and_repeat_until_their_end, async |db: &TestDb| {
    let account = db.account().await;
    let steps = vec![
        Step::task("same day", Channel::Call, "welcome call").unwrap(),
        Step::task("on their birthday", Channel::Postcard, "birthday card").unwrap().repeating("every year").unwrap(),
        Step::task("1 month", Channel::Call, "check-in").unwrap().repeating("monthly, 3 times").unwrap(),
        Step::task("the second monday of december", Channel::Postcard, "holiday card").unwrap(),
    ];
    let plan = PlanDraft::new("Calendar", "", false, steps).unwrap();
    let plan = db.store.create_plan(account.id, &plan, now()).await.unwrap();
    assert_eq!(plan.steps[1].repeat, "every year", "the rule is kept as written");
    let mut leap = draft("Dee Leap", None);
    leap.birthday = Some(date(1992, 2, 29));
    let dee = db.store.create_contact(account.id, &leap, now()).await.unwrap();
    let bob = db.store.create_contact(account.id, &draft("Bob Ray", None), now()).await.unwrap();
    db.store.enroll(account.id, plan.id, dee.id, now()).await.unwrap();
    db.store.enroll(account.id, plan.id, bob.id, now()).await.unwrap();
    let duplicate = db.store.enroll(account.id, plan.id, dee.id, now()).await;
    assert!(matches!(duplicate, Err(Error::Domain(_))), "{duplicate:?}");

    run_days(&db.store, now(), "2029-01-01T00:00:00Z".parse().unwrap()).await;

    let expected = |birthdays: &[&str]| {
        let mut items: Vec<(String, String)> = [
            ("2026-11-24", "welcome call"),
            ("2026-12-14", "holiday card"),
            ("2026-12-24", "check-in"),
            ("2027-01-24", "check-in"),
            ("2027-02-24", "check-in"),
        ]
        .iter()
        .chain(birthdays.iter().map(|day| (*day, "birthday card")).collect::<Vec<_>>().iter())
        .map(|(day, what)| (day.to_string(), what.to_string()))
        .collect();
        items.sort();
        items
    };
    // 29 February falls on the 28th in common years; the check-in ran three times; the holiday card once.
    assert_eq!(agenda(db, account.id, dee.id).await, expected(&["2027-02-28", "2028-02-29"]));
    // No birthday on record: the card is passed over and the rest runs as planned.
    assert_eq!(agenda(db, account.id, bob.id).await, expected(&[]));

    let live = |rows: &[tickler_core::plan::Enrollment]| {
        rows.iter().filter(|row| row.state.is_live()).cloned().collect::<Vec<_>>()
    };
    assert!(live(&db.store.enrollments(account.id, Some(bob.id)).await.unwrap()).is_empty());
    let rows = db.store.enrollments(account.id, Some(dee.id)).await.unwrap();
    let waiting = live(&rows);
    assert_eq!(waiting.len(), 1, "only the birthday card comes back: {rows:#?}");
    assert_eq!((waiting[0].repeats_step, waiting[0].occurrence), (Some(1), 3));
    // 09:00 in New York on 28 February 2029.
    assert_eq!(waiting[0].next_run_at, Some("2029-02-28T14:00:00Z".parse().unwrap()));

    // A reply stops the plan, its repeating steps with it.
    let later: Timestamp = "2029-01-02T15:00:00Z".parse().unwrap();
    let mut reply = TouchDraft::new(dee.id, later, Channel::Email, "thanks for the card").unwrap();
    reply.direction = Direction::In;
    db.store.log_touch(account.id, &reply, later).await.unwrap();
    let rows = db.store.enrollments(account.id, Some(dee.id)).await.unwrap();
    assert!(live(&rows).is_empty(), "{rows:#?}");
    assert!(rows.iter().any(|row| row.state == EnrollmentState::Stopped && row.repeats_step == Some(1)));
    run_days(&db.store, later, "2029-03-10T00:00:00Z".parse().unwrap()).await;
    assert_eq!(agenda(db, account.id, dee.id).await.len(), 7, "nothing after the reply");
});

both!(repeating_steps_pause_resume_and_stop_with_their_plan, async |db: &TestDb| {
    let account = db.account().await;
    let steps = vec![
        Step::task("Dec 10", Channel::Postcard, "holiday card").unwrap().repeating("every year").unwrap(),
        Step::task("on their birthday", Channel::Postcard, "birthday card").unwrap().repeating("every year").unwrap(),
    ];
    let plan = PlanDraft::new("Cards", "", false, steps).unwrap();
    let plan = db.store.create_plan(account.id, &plan, now()).await.unwrap();
    let mut details = draft("Ann Lee", None);
    details.birthday = Some(date(1980, 4, 12));
    let ann = db.store.create_contact(account.id, &details, now()).await.unwrap();
    let walk = db.store.enroll(account.id, plan.id, ann.id, now()).await.unwrap();
    // Every step repeats: the plan's own walk is over at once, each card on its own schedule.
    assert_eq!(walk.state, EnrollmentState::Finished);
    let rows = db.store.enrollments(account.id, Some(ann.id)).await.unwrap();
    let mut next: Vec<_> = rows.iter().filter(|row| row.state.is_live()).map(|row| row.next_run_at).collect();
    next.sort();
    assert_eq!(
        next,
        vec![Some("2026-12-10T14:00:00Z".parse().unwrap()), Some("2027-04-12T13:00:00Z".parse().unwrap())]
    );
    let card = rows.iter().find(|row| row.state.is_live()).unwrap();
    let paused = db.store.pause_enrollment(account.id, card.id, now()).await.unwrap();
    assert_eq!(paused.state, EnrollmentState::Paused);
    let rows = db.store.enrollments(account.id, Some(ann.id)).await.unwrap();
    assert_eq!(rows.iter().filter(|row| row.state == EnrollmentState::Paused).count(), 2, "{rows:#?}");
    db.store.resume_enrollment(account.id, card.id, now()).await.unwrap();
    db.store.stop_enrollment(account.id, card.id, now()).await.unwrap();
    let rows = db.store.enrollments(account.id, Some(ann.id)).await.unwrap();
    assert_eq!(rows.iter().filter(|row| row.state == EnrollmentState::Stopped).count(), 2, "{rows:#?}");
    // Stopped, the plan can be started again.
    db.store.enroll(account.id, plan.id, ann.id, now()).await.unwrap();

    // A contact without a birthday in a plan of birthday steps only: refused, saying why.
    let only_birthday = vec![Step::task("on their birthday", Channel::Postcard, "card").unwrap()];
    let birthday_plan = PlanDraft::new("Birthday", "", false, only_birthday).unwrap();
    let birthday_plan = db.store.create_plan(account.id, &birthday_plan, now()).await.unwrap();
    let bob = db.store.create_contact(account.id, &draft("Bob Ray", None), now()).await.unwrap();
    let refused = db.store.enroll(account.id, birthday_plan.id, bob.id, now()).await.unwrap_err().to_string();
    assert!(refused.contains("birthday") && refused.contains("Bob Ray"), "{refused}");
});
