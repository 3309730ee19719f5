//! Bad input: a one-line error naming the field, exit code 2 for usage errors
//! and 1 for refused actions, and nothing written.

use tickler_test_support::both;

use crate::common::*;

/// Ann Lee with an email, an open follow-up and a touch, so "nothing written" covers every table.
fn book(t: &Tickler) {
    t.add("Ann Lee", &["--email", "ann@acme.com", "--org", "Acme"]);
    t.add("Dan Brown", &[]);
    t.ok(&["log", "ann", "call", "Discussed pricing", "--at", "yesterday 3pm"]);
    t.ok(&["follow", "ann", "next tuesday", "--via", "call"]);
    assert_eq!(t.contacts().len(), 2);
}

both!(an_invalid_email_is_refused, |t: &Tickler| {
    book(t);
    t.rejects(&["add", "Bob Ray", "--email", "bob@"], 2, &["email", "\"bob@\""]);
    t.rejects(&["add", "Bob Ray", "--email", "not an address"], 2, &["email"]);
    t.rejects(&["edit", "ann", "--email", "ann-at-acme"], 2, &["email", "\"ann-at-acme\""]);
    assert_eq!(t.contacts().len(), 2);
});

both!(an_unknown_time_zone_is_refused, |t: &Tickler| {
    book(t);
    t.rejects(&["add", "Bob Ray", "--tz", "Mars/Base"], 2, &["tz", "\"Mars/Base\""]);
    t.rejects(&["edit", "ann", "--tz", "Mars/Base", "--org", "Mars Inc"], 2, &["tz", "\"Mars/Base\""]);
});

both!(an_empty_name_is_refused, |t: &Tickler| {
    book(t);
    t.rejects(&["add", ""], 2, &["name"]);
    t.rejects(&["add", "   ", "--email", "blank@acme.com"], 2, &["name"]);
    t.rejects(&["edit", "ann", "--name", " "], 2, &["name"]);
});

both!(an_unreadable_date_is_refused, |t: &Tickler| {
    book(t);
    t.rejects(&["follow", "ann", "next blursday", "--via", "call"], 2, &["when", "\"next blursday\""]);
    t.rejects(&["log", "ann", "call", "hi", "--at", "next blursday"], 2, &["at", "blursday"]);
    t.rejects(&["promise", "ann", "a quote", "--aim", "next blursday"], 2, &["aim", "blursday"]);
    t.rejects(&["consent", "ann", "not-now", "--until", "next blursday"], 2, &["until", "blursday"]);
    t.rejects(&["snooze", "1", "next blursday"], 2, &["when", "blursday"]);
    // Readable but in the past.
    t.rejects(&["follow", "ann", "yesterday"], 2, &["when", "past"]);
});

both!(an_unknown_contact_is_refused, |t: &Tickler| {
    book(t);
    for args in [
        &["show", "zed"][..],
        &["edit", "zed", "--org", "Zed Inc"],
        &["rm", "zed"],
        &["log", "zed", "call", "hi"],
        &["follow", "zed", "tomorrow"],
        &["promise", "zed", "a quote", "--aim", "in 1 hour"],
        &["consent", "zed", "never"],
        &["timeline", "zed"],
        &["add", "Bob Ray", "--referred-by", "zed"],
    ] {
        t.rejects(args, 2, &["contact", "\"zed\""]);
    }
    t.rejects(&["show", "999"], 2, &["\"999\""]);
    t.rejects(&["done", "999"], 2, &["follow-up", "999"]);
    t.rejects(&["kept", "999"], 2, &["promise", "999"]);
});

both!(a_duplicate_email_is_refused_naming_its_owner, |t: &Tickler| {
    book(t);
    let ann = id(&t.contacts()[0]);
    let owner = format!("Ann Lee (id {ann})");
    t.rejects(&["add", "Other Ann", "--email", "ann@acme.com"], 1, &["email", "ann@acme.com", &owner]);
    t.rejects(&["add", "Other Ann", "--email", "ANN@Acme.com"], 1, &["email", &owner]);
    t.rejects(&["edit", "dan", "--email", "ann@acme.com", "--org", "Brownco"], 1, &["email", &owner]);
});

both!(a_bad_channel_is_refused, |t: &Tickler| {
    book(t);
    t.rejects(&["log", "ann", "telepathy", "hi"], 2, &["channel", "\"telepathy\"", "call"]);
    t.rejects(&["follow", "ann", "friday", "--via", "pigeon"], 2, &["channel", "\"pigeon\""]);
    t.rejects(&["done", "1", "--log", "hi", "--via", "pigeon"], 2, &["channel", "\"pigeon\""]);
});

both!(a_bad_outcome_is_refused, |t: &Tickler| {
    book(t);
    t.rejects(&["log", "ann", "call", "hi", "--outcome", "maybe"], 2, &["outcome", "\"maybe\"", "not-now"]);
    t.rejects(&["done", "1", "--log", "hi", "--outcome", "maybe"], 2, &["outcome", "\"maybe\""]);
});

both!(other_bad_values_name_their_field, |t: &Tickler| {
    book(t);
    t.rejects(&["add", "Bob Ray", "--stage", "astronaut"], 2, &["stage", "\"astronaut\""]);
    t.rejects(&["add", "Bob Ray", "--birthday", "17/05/1980"], 2, &["birthday"]);
    t.rejects(&["consent", "ann", "maybe"], 2, &["consent", "\"maybe\""]);
    t.rejects(&["contacts", "--consent", "maybe"], 2, &["consent"]);
});

both!(a_bad_now_or_zone_flag_is_a_usage_error, |t: &Tickler| {
    book(t);
    let line = t.at("last tuesday").run(&["contacts"]).failure(2).error_line();
    assert!(line.contains("now") && line.contains("last tuesday"), "{line}");
    let line = t.in_zone("Mars/Base").run(&["contacts"]).failure(2).error_line();
    assert!(line.contains("Mars/Base"), "{line}");
});

both!(unknown_ids_say_where_to_find_the_right_one, |t: &Tickler| {
    t.add("Ann Lee", &[]);
    t.rejects(&["show", "zed"], 2, &["no contact matches \"zed\"", "tickler contacts"]);
    t.rejects(&["done", "4242"], 2, &["no follow-up matches \"4242\"", "tickler today"]);
    t.rejects(&["kept", "4242"], 2, &["no promise matches \"4242\"", "tickler promises"]);
});
