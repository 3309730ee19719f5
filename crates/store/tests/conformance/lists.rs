//! Lists: membership is its own consent. "Not now" stays on the list, "never"
//! cannot be added, someone who left cannot be put back by a user, every
//! change records how, who, why and when, and lists come back from a backup.

use tickler_core::consent::ConsentState;
use tickler_core::list::{ListName, MembershipSource, MembershipState};
use tickler_store::{Backup, ChangedBy, Error, MembershipChange};
use tickler_test_support::both;

use crate::common::{TestDb, now};
use crate::contacts::draft;

fn by(reason: &str) -> ChangedBy<'_> {
    ChangedBy { user_id: None, reason, now: now() }
}

const JOIN: MembershipChange = MembershipChange::Join(MembershipSource::User);
const LEAVE: MembershipChange = MembershipChange::Leave(MembershipSource::User);

both!(membership_is_its_own_consent, async |db: &TestDb| {
    let account = db.account().await.id;
    let store = &db.store;
    let letter =
        store.create_list(account, &ListName::parse("Monthly letter").unwrap(), "", "k1", now()).await.unwrap();
    let duplicate = store.create_list(account, &ListName::parse("monthly LETTER").unwrap(), "", "k2", now()).await;
    assert!(matches!(duplicate, Err(Error::Duplicate { field: "name", .. })), "{duplicate:?}");
    let ann = store.create_contact(account, &draft("Ann", Some("ann@acme.com")), now()).await.unwrap();
    let bob = store.create_contact(account, &draft("Bob", Some("bob@acme.com")), now()).await.unwrap();
    let cy = store.create_contact(account, &draft("Cy", Some("cy@acme.com")), now()).await.unwrap();

    let joined =
        store.change_membership(account, letter.id, ann.id, JOIN, by("met at the fair")).await.unwrap().unwrap();
    assert_eq!(
        (joined.state, joined.source, joined.reason.as_str()),
        (MembershipState::Subscribed, MembershipSource::User, "met at the fair")
    );
    assert_eq!(
        store.change_membership(account, letter.id, ann.id, JOIN, by("again")).await.unwrap(),
        None,
        "already on it"
    );
    store.change_membership(account, letter.id, bob.id, JOIN, by("")).await.unwrap();

    // "Not now" is follow-up consent only: Bob stays subscribed.
    store
        .set_consent(account, bob.id, ConsentState::NotNow, Some(jiff::civil::date(2027, 3, 1)), "busy", now())
        .await
        .unwrap();
    // "Never" cannot be added.
    store.set_consent(account, cy.id, ConsentState::DoNotContact, None, "asked", now()).await.unwrap();
    let refused = store.change_membership(account, letter.id, cy.id, JOIN, by("")).await;
    assert!(matches!(refused, Err(Error::Domain(tickler_core::Error::Refused(_)))), "{refused:?}");

    // Leaving is not "never", and a user cannot put back someone who left.
    let left = store.change_membership(account, letter.id, ann.id, LEAVE, by("asked by phone")).await.unwrap().unwrap();
    assert_eq!(left.state, MembershipState::Left);
    assert_eq!(store.contact(account, ann.id).await.unwrap().consent.state, ConsentState::Active);
    let back = store.change_membership(account, letter.id, ann.id, JOIN, by("")).await;
    assert!(matches!(back, Err(Error::Domain(tickler_core::Error::Refused(_)))), "{back:?}");
    // Only a sign-up may, and it waits for confirmation.
    let signed = MembershipChange::Join(MembershipSource::SignUp);
    let pending = store.change_membership(account, letter.id, ann.id, signed, by("form")).await.unwrap().unwrap();
    assert_eq!(pending.state, MembershipState::Pending);
    let confirmed =
        store.change_membership(account, letter.id, ann.id, MembershipChange::Confirm, by("")).await.unwrap();
    assert_eq!(confirmed.unwrap().state, MembershipState::Subscribed);

    let summary = store.lists(account).await.unwrap();
    assert_eq!(summary.len(), 1);
    assert_eq!((summary[0].subscribed, summary[0].pending, summary[0].left), (2, 0, 0));
    let members = store.members(account, letter.id, Some(MembershipState::Subscribed)).await.unwrap();
    let names: Vec<&str> = members.iter().map(|member| member.contact_name.as_str()).collect();
    assert_eq!(names, ["Ann", "Bob"]);
    assert_eq!(members[1].consent, ConsentState::NotNow);
    assert_eq!(store.find_list(account, "MONTHLY letter").await.unwrap().id, letter.id);
    assert_eq!(store.find_list(account, &letter.id.to_string()).await.unwrap().id, letter.id);
    assert!(matches!(store.find_list(account, "nope").await, Err(Error::NotFound { .. })));
    assert_eq!(store.memberships(account, ann.id).await.unwrap()[0].0.id, letter.id);
    assert_eq!(store.list_by_public_key("k1").await.unwrap(), (account, letter.clone()));
});

both!(a_backup_carries_lists_and_memberships, async |db: &TestDb| {
    let account = db.account().await.id;
    let store = &db.store;
    let letter =
        store.create_list(account, &ListName::parse("Product news").unwrap(), "what ships", "pk", now()).await.unwrap();
    let ann = store.create_contact(account, &draft("Ann", Some("ann@acme.com")), now()).await.unwrap();
    store.change_membership(account, letter.id, ann.id, JOIN, by("asked")).await.unwrap();
    let mut file = Vec::new();
    store.write_backup(account, &mut file, now()).await.unwrap();
    let target = TestDb::open(db.backend()).await;
    let target_account = target.account().await.id;
    let summary =
        target.store.restore_backup(target_account, &Backup::from_reader(&file[..]).unwrap(), false).await.unwrap();
    assert_eq!(summary.restored["lists"], 1);
    assert_eq!(summary.restored["list_members"], 1);
    let restored = target.store.find_list(target_account, "product news").await.unwrap();
    assert_eq!(restored.description, "what ships");
    let members = target.store.members(target_account, restored.id, None).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].membership.reason, "asked");
});

both!(the_installation_secret_is_made_once, async |db: &TestDb| {
    let first = db.store.installation_secret("link", || "one".into(), now()).await.unwrap();
    let second = db.store.installation_secret("link", || "two".into(), now()).await.unwrap();
    assert_eq!((first.as_str(), second.as_str()), ("one", "one"));
});
