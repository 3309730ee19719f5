//! Follow-ups: dues round-trip with their zone, pacing guards scheduling,
//! done/snooze/skip keep their history, the agenda query, bulk import.

use jiff::SignedDuration;
use jiff::civil::{Time, date};
use tickler_core::contact::ZoneName;
use tickler_core::follow_up::{Due, FollowUpDraft, FollowUpState, Origin};
use tickler_core::ids::{ContactId, FollowUpId};
use tickler_core::touch::{Channel, Outcome, TouchDraft};
use tickler_store::Error;
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;

fn new_york() -> ZoneName {
    ZoneName::parse("America/New_York").unwrap()
}

pub fn day_due(year: i16, month: i8, day: i8) -> Due {
    Due { date: date(year, month, day), time: None, zone: new_york() }
}

pub fn follow(contact_id: ContactId, due: Due) -> FollowUpDraft {
    FollowUpDraft::new(contact_id, due, Channel::Call, "send the proposal", Origin::Manual).unwrap()
}

both!(dues_round_trip_with_their_zone, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db.store.create_contact(account.id, &draft("Ann", None), now()).await.unwrap();
    let paris = Due {
        date: date(2026, 12, 1),
        time: Some(Time::constant(16, 0, 0, 0)),
        zone: ZoneName::parse("Europe/Paris").unwrap(),
    };
    let scheduled =
        db.store.schedule_follow_up(account.id, &follow(ann.id, paris.clone()), false, now()).await.unwrap();
    assert_eq!(scheduled.pacing, None);
    let read = db.store.follow_up(account.id, scheduled.follow_up.id).await.unwrap();
    assert_eq!(read.due, paris);
    assert_eq!(read.due.instant().to_string(), "2026-12-01T15:00:00Z");
    assert_eq!(read.state, FollowUpState::Open);
    assert_eq!(read.origin, Origin::Manual);
    // 09:00 local on both sides of the March DST change stays 09:00 local.
    let before = Due { date: date(2027, 3, 13), time: Some(Time::constant(9, 0, 0, 0)), zone: new_york() };
    let after = Due { date: date(2027, 3, 15), time: Some(Time::constant(9, 0, 0, 0)), zone: new_york() };
    for due in [before, after] {
        let id = db
            .store
            .schedule_follow_up(account.id, &follow(ann.id, due.clone()), true, now())
            .await
            .unwrap()
            .follow_up
            .id;
        let read = db.store.follow_up(account.id, id).await.unwrap();
        assert_eq!(read.due.time, Some(Time::constant(9, 0, 0, 0)));
        assert_eq!(read.due.instant().to_zoned_datetime(new_york().time_zone()).hour(), 9);
    }
});

both!(pacing_gap_refuses_unless_forced, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db.store.create_contact(account.id, &draft("Ann", None), now()).await.unwrap();
    let touch = TouchDraft::new(ann.id, now(), Channel::Call, "talked").unwrap();
    db.store.log_touch(account.id, &touch, now()).await.unwrap();
    let tomorrow = follow(ann.id, day_due(2026, 11, 25));
    match db.store.schedule_follow_up(account.id, &tomorrow, false, now()).await.unwrap_err() {
        Error::Pacing(warning) => {
            assert_eq!(warning.gap_days, 2);
            assert_eq!(warning.next_allowed, date(2026, 11, 26));
        }
        other => panic!("expected a pacing refusal, got {other:?}"),
    }
    assert!(db.store.follow_ups_of(account.id, ann.id).await.unwrap().is_empty(), "nothing written");
    let forced = db.store.schedule_follow_up(account.id, &tomorrow, true, now()).await.unwrap();
    assert!(forced.pacing.is_some());
    // Outside the gap no warning; another follow-up next to an open one is paced too.
    let later =
        db.store.schedule_follow_up(account.id, &follow(ann.id, day_due(2026, 12, 1)), false, now()).await.unwrap();
    assert_eq!(later.pacing, None);
    let crowded = follow(ann.id, day_due(2026, 12, 2));
    assert!(matches!(db.store.schedule_follow_up(account.id, &crowded, false, now()).await, Err(Error::Pacing(_))));
    // A contact's own gap overrides the account default.
    let mut relaxed = ann.details.clone();
    relaxed.pacing_gap_days = Some(0);
    db.store.update_contact(account.id, ann.id, &relaxed, now()).await.unwrap();
    assert!(db.store.schedule_follow_up(account.id, &crowded, false, now()).await.unwrap().pacing.is_none());
});

both!(done_records_the_touch_in_the_same_step, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db.store.create_contact(account.id, &draft("Ann", None), now()).await.unwrap();
    let id =
        db.store.schedule_follow_up(account.id, &follow(ann.id, day_due(2026, 11, 24)), false, now()).await.unwrap();
    let id = id.follow_up.id;
    let mut touch = TouchDraft::new(ann.id, now(), Channel::Voicemail, "left a voicemail").unwrap();
    touch.outcome = Some(Outcome::Voicemail);
    let (done, logged) = db.store.complete_follow_up(account.id, id, Some(&touch), now()).await.unwrap();
    assert_eq!(done.state, FollowUpState::Done);
    assert_eq!(done.closed_at, Some(now()));
    assert_eq!(logged.unwrap().touch.summary, "left a voicemail");
    let again = db.store.complete_follow_up(account.id, id, Some(&touch), now()).await;
    assert!(matches!(again, Err(Error::Domain(tickler_core::Error::Refused(_)))));
    assert_eq!(
        db.store.touches(account.id, ann.id).await.unwrap().len(),
        1,
        "no second touch from a refused completion"
    );
    assert!(matches!(db.store.skip_follow_up(account.id, id, now()).await, Err(Error::Domain(_))));
});

both!(sending_a_follow_up_closes_it_logs_the_touch_and_queues_the_email_at_once, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db.store.create_contact(account.id, &draft("Ann", None), now()).await.unwrap();
    let id = db.store.schedule_follow_up(account.id, &follow(ann.id, day_due(2026, 11, 24)), false, now()).await;
    let id = id.unwrap().follow_up.id;
    let touch = TouchDraft::new(ann.id, now(), Channel::Email, "Emailed: the proposal").unwrap();
    let email = tickler_core::template::Rendered { subject: "The proposal".into(), body: "Hi Ann".into() };
    let (done, logged) =
        db.store.send_follow_up(account.id, id, &touch, ("ann@acme.com", &email), now()).await.unwrap();
    assert_eq!(done.state, FollowUpState::Done);
    assert_eq!(logged.touch.summary, "Emailed: the proposal");
    let queued = db.store.claim_jobs("test", now(), SignedDuration::from_secs(60), 10).await.unwrap();
    let reminders: Vec<_> = queued.iter().filter(|job| job.kind == tickler_store::JobKind::Reminder).collect();
    assert_eq!(reminders.len(), 1, "{queued:?}");
    let payload: serde_json::Value = serde_json::from_str(&reminders[0].payload).unwrap();
    assert_eq!(payload, serde_json::json!({ "to": "ann@acme.com", "subject": "The proposal", "body": "Hi Ann" }));
    let again = db.store.send_follow_up(account.id, id, &touch, ("ann@acme.com", &email), now()).await;
    assert!(matches!(again, Err(Error::Domain(tickler_core::Error::Refused(_)))), "{again:?}");
    assert_eq!(db.store.touches(account.id, ann.id).await.unwrap().len(), 1, "no second touch");
    let more = db.store.claim_jobs("test", now(), SignedDuration::from_secs(60), 10).await.unwrap();
    assert!(more.iter().all(|job| job.kind != tickler_store::JobKind::Reminder), "no second email: {more:?}");
});

both!(snoozes_move_the_due_and_keep_count, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db.store.create_contact(account.id, &draft("Ann", None), now()).await.unwrap();
    let id = db
        .store
        .schedule_follow_up(account.id, &follow(ann.id, day_due(2026, 11, 24)), false, now())
        .await
        .unwrap()
        .follow_up
        .id;
    let now_zoned = now().to_zoned_datetime(new_york().time_zone());
    let first = db.store.snooze_follow_up(account.id, id, &day_due(2026, 11, 26), &now_zoned).await.unwrap();
    assert_eq!(first.follow_up.due, day_due(2026, 11, 26));
    assert_eq!(first.follow_up.snoozes, 1);
    assert_eq!(first.pacing, None, "the follow-up is not its own neighbour");
    let timed = Due { date: date(2026, 11, 27), time: Some(Time::constant(15, 0, 0, 0)), zone: new_york() };
    let second = db.store.snooze_follow_up(account.id, id, &timed, &now_zoned).await.unwrap();
    assert_eq!(second.follow_up.due, timed);
    assert_eq!(second.follow_up.snoozes, 2);
    // Snoozing next to a touch is allowed, and reported.
    let touch = TouchDraft::new(ann.id, now(), Channel::Call, "talked").unwrap();
    db.store.log_touch(account.id, &touch, now()).await.unwrap();
    let close = db.store.snooze_follow_up(account.id, id, &day_due(2026, 11, 25), &now_zoned).await.unwrap();
    assert_eq!(close.follow_up.due, day_due(2026, 11, 25));
    assert_eq!(close.pacing.expect("inside the gap").next_allowed, date(2026, 11, 26));
    let past = db.store.snooze_follow_up(account.id, id, &day_due(2026, 11, 20), &now_zoned).await;
    assert!(matches!(past, Err(Error::Domain(tickler_core::Error::Invalid { field: "when", .. }))));
    assert_eq!(
        db.store.follow_up(account.id, id).await.unwrap().due,
        day_due(2026, 11, 25),
        "a refused snooze changes nothing"
    );
    let skipped = db.store.skip_follow_up(account.id, id, now()).await.unwrap();
    assert_eq!(skipped.state, FollowUpState::Skipped);
});

both!(the_agenda_lists_open_items_due_before_the_window_end, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db.store.create_contact(account.id, &draft("Ann Lee", None), now()).await.unwrap();
    let bob = db.store.create_contact(account.id, &draft("Bob Stone", None), now()).await.unwrap();
    let older = TouchDraft::new(ann.id, now() - SignedDuration::from_hours(72), Channel::Email, "sent deck").unwrap();
    let newer = TouchDraft::new(ann.id, now() - SignedDuration::from_hours(48), Channel::Call, "pricing call").unwrap();
    db.store.log_touch(account.id, &newer, now()).await.unwrap();
    db.store.log_touch(account.id, &older, now()).await.unwrap();
    let overdue =
        db.store.schedule_follow_up(account.id, &follow(bob.id, day_due(2026, 11, 20)), true, now()).await.unwrap();
    let today =
        db.store.schedule_follow_up(account.id, &follow(ann.id, day_due(2026, 11, 24)), true, now()).await.unwrap();
    let beyond =
        db.store.schedule_follow_up(account.id, &follow(bob.id, day_due(2026, 12, 20)), true, now()).await.unwrap();
    let done =
        db.store.schedule_follow_up(account.id, &follow(bob.id, day_due(2026, 11, 23)), true, now()).await.unwrap();
    db.store.complete_follow_up(account.id, done.follow_up.id, None, now()).await.unwrap();
    let other = db.store.create_account("other", &account.settings, now()).await.unwrap();
    let stranger = db.store.create_contact(other.id, &draft("Stranger", None), now()).await.unwrap();
    db.store.schedule_follow_up(other.id, &follow(stranger.id, day_due(2026, 11, 24)), true, now()).await.unwrap();

    let until = "2026-12-02T05:00:00Z".parse().unwrap();
    let rows = db.store.agenda(account.id, until, 100).await.unwrap();
    let ids: Vec<FollowUpId> = rows.iter().map(|row| row.follow_up.id).collect();
    assert_eq!(ids, vec![overdue.follow_up.id, today.follow_up.id]);
    assert!(!ids.contains(&beyond.follow_up.id));
    let ann_row = &rows[1];
    assert_eq!(ann_row.contact_name, "Ann Lee");
    assert_eq!(ann_row.last_touch_summary.as_deref(), Some("pricing call"), "the latest touch by time, not by entry");
    assert_eq!(ann_row.last_touch_channel, Some(Channel::Call));
    assert_eq!(rows[0].last_touch_at, None);
    assert_eq!(db.store.agenda(account.id, until, 1).await.unwrap().len(), 1, "the limit applies");
});

both!(bulk_import_is_all_or_nothing, async |db: &TestDb| {
    let account = db.account().await;
    let ann = db.store.create_contact(account.id, &draft("Ann", None), now()).await.unwrap();
    let bob = db.store.create_contact(account.id, &draft("Bob", None), now()).await.unwrap();
    let drafts: Vec<FollowUpDraft> = (0..2_500)
        .map(|i| {
            follow(if i % 2 == 0 { ann.id } else { bob.id }, day_due(2027, 1 + (i % 12) as i8, 1 + (i % 28) as i8))
        })
        .collect();
    assert_eq!(db.store.import_follow_ups(account.id, &drafts, now()).await.unwrap(), 2_500);
    assert_eq!(db.store.follow_ups_of(account.id, ann.id).await.unwrap().len(), 1_250);
    db.store
        .set_consent(account.id, bob.id, tickler_core::consent::ConsentState::DoNotContact, None, "asked", now())
        .await
        .unwrap();
    let refused = db.store.import_follow_ups(account.id, &drafts, now()).await;
    assert!(matches!(refused, Err(Error::Domain(tickler_core::Error::Refused(_)))));
    let open_for_ann = db.store.follow_ups_of(account.id, ann.id).await.unwrap();
    assert_eq!(open_for_ann.len(), 1_250, "a refused import writes nothing");
    let unknown = vec![follow(ContactId::new(999_999), day_due(2027, 1, 1))];
    assert!(matches!(db.store.import_follow_ups(account.id, &unknown, now()).await, Err(Error::NotFound { .. })));
});
