//! Campaign claims: only inside the account's sending hours, nothing while
//! paused, "not now" receives while "never", leavers and bounced addresses
//! are skipped at claim time, and each (campaign, contact) is rendered once.

use jiff::{SignedDuration, Timestamp};
use tickler_core::campaign::CampaignChange;
use tickler_core::consent::ConsentState;
use tickler_core::list::{ListName, MembershipSource};
use tickler_store::{CampaignDraft, CampaignRun, ChangedBy, Delivery, MembershipChange, Prepared};
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;

fn prepare(
    _: &tickler_store::Campaign,
    contact: &tickler_core::contact::Contact,
    fields: &tickler_core::template::Fields,
) -> Result<Prepared, String> {
    Ok(Prepared {
        subject: format!("For {}", fields.contact.first_name),
        text: format!("Hello {}", contact.name()),
        html: "<p>Hello</p>".into(),
        list_unsubscribe: "<https://t.example/u/x>".into(),
    })
}

async fn claim(db: &TestDb, at: Timestamp) -> Vec<CampaignRun> {
    let jobs = db.store.claim_jobs("test", at, SignedDuration::from_mins(5), 10).await.unwrap();
    let mut runs = Vec::new();
    for job in jobs {
        let run = db.store.claim_campaign(&job, at, &prepare).await.unwrap();
        if let CampaignRun::Send { emails, next_at } = &run {
            let deliveries: Vec<Delivery> = emails
                .iter()
                .map(|email| Delivery { job: job.clone(), email: email.clone(), result: Ok(()) })
                .collect();
            db.store.record_campaign_sends(&job, &deliveries, *next_at, at).await.unwrap();
        }
        runs.push(run);
    }
    runs
}

both!(a_campaign_goes_inside_sending_hours_to_those_who_may_receive_it, async |db: &TestDb| {
    let account = db.account().await.id;
    let store = &db.store;
    let list = store.create_list(account, &ListName::parse("Letter").unwrap(), "", "k", now()).await.unwrap();
    let by = ChangedBy { user_id: None, reason: "", now: now() };
    let mut ids = Vec::new();
    for (name, email) in [
        ("Ann", "ann@acme.com"),
        ("Bob", "bob@acme.com"),
        ("Cy", "cy@acme.com"),
        ("Di", "di@acme.com"),
        ("Ed", "ed@acme.com"),
    ] {
        let contact = store.create_contact(account, &draft(name, Some(email)), now()).await.unwrap();
        store
            .change_membership(account, list.id, contact.id, MembershipChange::Join(MembershipSource::User), by)
            .await
            .unwrap();
        ids.push(contact.id);
    }
    let draft_campaign =
        CampaignDraft { list_id: list.id, subject: "s".into(), body: "b".into(), per_minute: 60, user_id: None };
    let campaign = store.create_campaign(account, &draft_campaign, now()).await.unwrap();
    // Saturday 28 November, 11:00 in New York: outside the working week.
    let saturday: Timestamp = "2026-11-28T16:00:00Z".parse().unwrap();
    store.change_campaign(account, campaign.id, CampaignChange::Schedule, Some(saturday), saturday).await.unwrap();
    let runs = claim(db, saturday).await;
    match &runs[..] {
        [CampaignRun::Held(hold)] => {
            assert_eq!(hold.until, "2026-11-30T14:00:00Z".parse::<Timestamp>().unwrap(), "Monday 9:00")
        }
        other => panic!("expected a hold, got {other:?}"),
    }
    // Until Monday: Bob says "not now" (still gets it), Cy "never", Di leaves, Ed's address bounces; the campaign pauses.
    store
        .set_consent(account, ids[1], ConsentState::NotNow, Some(jiff::civil::date(2027, 3, 1)), "", saturday)
        .await
        .unwrap();
    store.set_consent(account, ids[2], ConsentState::DoNotContact, None, "", saturday).await.unwrap();
    store
        .change_membership(
            account,
            list.id,
            ids[3],
            MembershipChange::Leave(MembershipSource::Unsubscribe),
            ChangedBy { now: saturday, ..by },
        )
        .await
        .unwrap();
    store.record_bounce(account, "ed@acme.com", true, "550 unknown", saturday).await.unwrap();
    store.change_campaign(account, campaign.id, CampaignChange::Pause, None, saturday).await.unwrap();
    let monday: Timestamp = "2026-11-30T14:30:00Z".parse().unwrap();
    assert!(matches!(&claim(db, monday).await[..], [CampaignRun::Closed(_)]), "a paused campaign sends nothing");
    store.change_campaign(account, campaign.id, CampaignChange::Resume, None, monday).await.unwrap();
    let runs = claim(db, monday).await;
    let [CampaignRun::Send { emails, .. }] = &runs[..] else { panic!("expected sends, got {runs:?}") };
    let to: Vec<&str> = emails.iter().map(|email| email.to.as_str()).collect();
    assert_eq!(to, ["ann@acme.com", "bob@acme.com"], "not-now receives; never, the leaver and the bounced do not");
    assert!(emails.iter().all(|email| email.list_unsubscribe.as_deref() == Some("<https://t.example/u/x>")));
    let later = monday + SignedDuration::from_mins(5);
    assert!(matches!(&claim(db, later).await[..], [CampaignRun::Closed(_)]), "then it is done");
    let (shown, progress) = store.campaign(account, campaign.id).await.unwrap();
    assert_eq!(shown.state.as_str(), "done");
    assert_eq!((progress.sent, progress.skipped, progress.waiting, progress.unsubscribed), (2, 2, 0, 1));
    assert_eq!(store.outbox(account, None).await.unwrap().len(), 2, "one outbox row per message sent");
});

/// A renderer that prints the library item `{{ library.next }}` picked, as the app's does.
fn with_item(
    _: &tickler_store::Campaign,
    _: &tickler_core::contact::Contact,
    fields: &tickler_core::template::Fields,
) -> Result<Prepared, String> {
    let title = fields.library_next.as_ref().map(|item| item.title.clone()).unwrap_or_default();
    Ok(Prepared { subject: "News".into(), text: title, html: String::new(), list_unsubscribe: String::new() })
}

// `{{ library.next }}` in a campaign: each member gets the newest item for their tags that they
// have not had, recorded in the claiming transaction; with nothing new, their message is left out.
both!(a_campaign_with_library_next_sends_each_member_a_new_item, async |db: &TestDb| {
    let account = db.account().await.id;
    let store = &db.store;
    let item = |title: &str, tag: &str| {
        let url = format!("https://example.com/{}", title.replace(' ', "-"));
        let tags = vec![tag.to_string()];
        tickler_core::library::ItemDraft::new(&tickler_core::library::TypedItem {
            title: Some(title),
            url: Some(&url),
            tags: &tags,
            ..Default::default()
        })
        .unwrap()
    };
    store.add_library_item(account, &item("Pricing guide", "pricing"), now()).await.unwrap();
    store
        .add_library_item(account, &item("Hiring checklist", "hiring"), now() + SignedDuration::from_mins(1))
        .await
        .unwrap();
    let list = store.create_list(account, &ListName::parse("Letter").unwrap(), "", "k", now()).await.unwrap();
    let by = ChangedBy { user_id: None, reason: "", now: now() };
    for (name, email, tag) in
        [("Ann", "ann@acme.com", "pricing"), ("Bob", "bob@acme.com", "hiring"), ("Cy", "cy@acme.com", "legal")]
    {
        let mut details = draft(name, Some(email));
        details.tags = vec![tickler_core::contact::Tag::parse(tag).unwrap()];
        let contact = store.create_contact(account, &details, now()).await.unwrap();
        store
            .change_membership(account, list.id, contact.id, MembershipChange::Join(MembershipSource::User), by)
            .await
            .unwrap();
    }
    let body = "This month: {{ library.next.title }}";
    let campaign_draft =
        CampaignDraft { list_id: list.id, subject: "News".into(), body: body.into(), per_minute: 60, user_id: None };
    let campaign = store.create_campaign(account, &campaign_draft, now()).await.unwrap();
    let monday: Timestamp = "2026-11-30T15:00:00Z".parse().unwrap();
    store.change_campaign(account, campaign.id, CampaignChange::Schedule, Some(monday), monday).await.unwrap();
    let jobs = store.claim_jobs("test", monday, SignedDuration::from_mins(5), 10).await.unwrap();
    let [job] = &jobs[..] else { panic!("one campaign job: {jobs:?}") };
    let run = store.claim_campaign(job, monday, &with_item).await.unwrap();
    let CampaignRun::Send { emails, .. } = &run else { panic!("expected sends, got {run:?}") };
    let sent: Vec<(&str, &str)> = emails.iter().map(|email| (email.to.as_str(), email.body.as_str())).collect();
    assert_eq!(sent, [("ann@acme.com", "Pricing guide"), ("bob@acme.com", "Hiring checklist")]);
    let (_, progress) = store.campaign(account, campaign.id).await.unwrap();
    assert_eq!(progress.skipped, 1, "Cy's tags match nothing new: left out");
    // The items are recorded as sent to them: the next pick for Ann has nothing left.
    let ann = store.find_contact(account, "ann@acme.com").await.unwrap();
    assert_eq!(store.peek_next_library_item(account, &ann).await.unwrap(), None);
});
