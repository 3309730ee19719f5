//! The library: `library add|ls|edit|rm|share`, and `{{ library.next }}` in a
//! plan's emails sent by the worker through a real SMTP server (smtp-sink):
//! each send picks a different item (never one the contact was already sent,
//! by a plan or a share), and with nothing left the step waits and says why.

use tickler_test_support::both;
use tickler_test_support::smtp_sink::{Received, SmtpSink};

use crate::common::{Tickler, array, id};

fn worker(t: &Tickler, sink: &SmtpSink) -> serde_json::Value {
    let env = [
        ("TICKLER_SMTP_HOST", "127.0.0.1".to_string()),
        ("TICKLER_SMTP_PORT", sink.port.to_string()),
        ("TICKLER_SMTP_SECURITY", "none".to_string()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(key, value)| (*key, value.as_str())).collect();
    t.run_env(&["worker", "--once", "--json"], &env).success().json()
}

/// The messages to Ann, in the order they were sent (their Date follows `--now`).
fn to_ann(sink: &SmtpSink) -> Vec<Received> {
    let mut messages: Vec<Received> =
        sink.messages().into_iter().filter(|message| message.header("to") == Some("ann@acme.com")).collect();
    messages.sort_by_key(|message| {
        jiff::fmt::rfc2822::parse(message.header("date").unwrap_or_default()).map(|date| date.timestamp()).ok()
    });
    messages
}

fn body(message: &Received) -> String {
    message.body.replace("\r\n", "\n")
}

both!(items_are_added_listed_edited_and_removed, |t: &Tickler| {
    let added = t.json(&["library", "add", "https://www.acme.com/pricing-guide", "--tag", "Pricing"]);
    assert_eq!(added["title"], "acme.com/pricing-guide", "what was typed is enough: nothing is fetched");
    assert_eq!(added["kind"], "article");
    assert_eq!(added["tags"], serde_json::json!(["pricing"]));
    let note = t.json(&[
        "library",
        "add",
        "--title",
        "Ask early",
        "--text",
        "Ask for the budget in the first call.",
        "--tag",
        "sales",
    ]);
    assert_eq!(note["kind"], "note");
    let all = array(t.json(&["library", "ls"]));
    assert_eq!(all.len(), 2);
    let pricing = array(t.json(&["library", "ls", "--tag", "pricing"]));
    assert_eq!(pricing.len(), 1);
    assert_eq!(pricing[0]["id"], added["id"]);
    let text = t.ok(&["library", "ls"]).stdout;
    assert!(text.contains("article · acme.com/pricing-guide · https://www.acme.com/pricing-guide [pricing]"), "{text}");

    let item = id(&added).to_string();
    let edited = t.json(&["library", "edit", &item, "--title", "Pricing guide", "--summary", "Three ways to price"]);
    assert_eq!(edited["title"], "Pricing guide");
    assert_eq!(edited["summary"], "Three ways to price");
    assert_eq!(edited["url"], "https://www.acme.com/pricing-guide", "fields not given are kept");
    assert_eq!(edited["tags"], serde_json::json!(["pricing"]));

    t.rejects(&["library", "add", "ftp://acme.com/x"], 2, &["url:", "http"]);
    t.rejects(&["library", "add", "--text", "no title"], 2, &["title:"]);
    t.rejects(&["library", "add", "--title", "nothing"], 2, &["url:", "text"]);
    t.rejects(&["library", "add", "https://acme.com", "--kind", "podcast"], 2, &["kind:"]);
    t.rejects(&["library", "add", "https://acme.com", "--tag", "no spaces"], 2, &["tag:"]);
    t.rejects(&["library", "edit", "999", "--title", "x"], 2, &["library item"]);

    t.ok(&["library", "rm", &item]);
    assert_eq!(array(t.json(&["library", "ls"])).len(), 1);
    t.run(&["library", "show", &item]).failure(2);
});

both!(sharing_drafts_an_email_sends_it_and_logs_the_touch, |t: &Tickler| {
    let sink = SmtpSink::start();
    t.ok(&["mail", "from", "--name", "Sam Stone", "--address", "sam@stone.example", "--signature", "Sam"]);
    t.add("Ann Lee", &["--email", "ann@acme.com", "--tag", "pricing"]);
    t.add("Bo Chen", &[]);
    let item = id(&t.json(&[
        "library",
        "add",
        "https://acme.com/pricing",
        "--title",
        "Pricing guide",
        "--summary",
        "Three ways to price a retainer.",
    ]))
    .to_string();

    let draft = t.json(&["library", "share", &item, "ann"]);
    assert_eq!(draft["to"], "ann@acme.com");
    assert_eq!(draft["subject"], "Thought you might like: Pricing guide");
    assert_eq!(draft["already_sent"], false);
    assert!(array(t.json(&["library", "show", &item])["sent_to"].clone()).is_empty(), "a draft sends nothing");

    let shared = t.json(&["library", "share", &item, "ann", "--send", "--subject", "For your pricing review"]);
    assert_eq!(shared["sent_to"], "ann@acme.com");
    let timeline = t.timeline("ann");
    assert_eq!(timeline[0]["summary"], "Shared: Pricing guide");
    assert_eq!((timeline[0]["channel"].as_str(), timeline[0]["direction"].as_str()), (Some("email"), Some("out")));
    let sent_to = array(t.json(&["library", "show", &item])["sent_to"].clone());
    assert_eq!(sent_to.len(), 1);
    assert_eq!((sent_to[0]["contact_name"].as_str(), sent_to[0]["via"].as_str()), (Some("Ann Lee"), Some("share")));
    assert_eq!(t.json(&["library", "share", &item, "ann"])["already_sent"], true);

    worker(t, &sink);
    let received = to_ann(&sink);
    assert_eq!(received.len(), 1, "the share goes out through the worker once");
    assert_eq!(received[0].header("subject"), Some("For your pricing review"));
    let text = body(&received[0]);
    assert!(
        text.contains("Hi Ann,")
            && text.contains("Pricing guide\nThree ways to price a retainer.\nhttps://acme.com/pricing"),
        "{text}"
    );
    worker(t, &sink);
    assert_eq!(to_ann(&sink).len(), 1, "a second pass sends nothing more");

    t.rejects(&["library", "share", &item, "bo", "--send"], 2, &["Bo Chen has no email address"]);
    t.ok(&["consent", "ann", "never"]);
    t.run(&["library", "share", &item, "ann", "--send"]).failure(1);
});

both!(library_next_sends_each_item_once_then_waits_and_says_why, |t: &Tickler| {
    let sink = SmtpSink::start();
    t.ok(&["mail", "from", "--name", "Sam Stone", "--address", "sam@stone.example"]);
    t.add("Ann Lee", &["--email", "ann@acme.com", "--tag", "pricing"]);
    // Added one after the other: the newest matching item goes first.
    let add = |at: &str, url: &str, title: &str, tag: &str| {
        id(&t.at(at).json(&["library", "add", url, "--title", title, "--tag", tag])).to_string()
    };
    add("2026-11-24T09:00:00-05:00", "https://acme.com/guide", "Pricing guide", "pricing");
    add("2026-11-24T09:10:00-05:00", "https://acme.com/retainers", "Retainers", "pricing");
    add("2026-11-24T09:20:00-05:00", "https://acme.com/hiring", "Hiring tips", "hiring");
    let shared = add("2026-11-24T09:30:00-05:00", "https://acme.com/shared", "Already shared", "pricing");
    t.at("2026-11-20T09:40:00-05:00").ok(&["library", "share", &shared, "ann", "--send"]);
    let before = t.at("2026-11-20T09:45:00-05:00");
    worker(&before, &sink);
    assert_eq!(to_ann(&sink).len(), 1, "the share went out");

    t.ok(&["plan", "add", "Reading list"]);
    for delay in ["same day", "1 week", "1 week"] {
        t.ok(&[
            "plan",
            "add-step",
            "Reading list",
            "--delay",
            delay,
            "--subject",
            "Worth a read: {{ library.next.title }}",
            "--body",
            "Hi {{ contact.first_name }},\n\n{{ library.next }}\n",
        ]);
    }
    let preview = t.json(&["template", "preview", "Reading list", "1", "ann"]);
    assert_eq!(preview["subject"], "Worth a read: Retainers", "the preview shows the item the step would pick");
    assert_eq!(t.json(&["library", "next", "ann"])["title"], "Retainers");
    t.ok(&["enroll", "ann", "Reading list"]);

    worker(t, &sink);
    let week = t.at("2026-12-01T10:00:00-05:00");
    worker(&week, &sink);
    let received = to_ann(&sink);
    let subjects: Vec<&str> = received.iter().filter_map(|message| message.header("subject")).collect();
    assert_eq!(
        subjects,
        ["Thought you might like: Already shared", "Worth a read: Retainers", "Worth a read: Pricing guide"],
        "two sends, two different items: the newest first, never the shared one nor the hiring one"
    );
    assert!(body(&received[1]).contains("Retainers\nhttps://acme.com/retainers"), "{}", body(&received[1]));

    // The third step: nothing new for Ann's tags. No email; the step waits and says why.
    let third = t.at("2026-12-08T10:00:00-05:00");
    let report = worker(&third, &sink);
    assert_eq!(report["sent"], 0, "{report}");
    assert_eq!(to_ann(&sink).len(), 3, "no empty email");
    let reason = "nothing new in the library for Ann's tags: add an item tagged pricing";
    let enrollments = array(third.json(&["enrollments", "--contact", "ann"]));
    assert_eq!(enrollments[0]["waiting"], reason);
    assert_eq!(enrollments[0]["state"], "active");
    let agenda = third.agenda(&[]);
    assert_eq!(agenda["library_waiting"][0]["reason"], reason, "{agenda}");
    assert!(third.ok(&["today"]).stdout.contains(reason));
    worker(&third, &sink);
    assert_eq!(to_ann(&sink).len(), 3, "a later pass still sends nothing");

    // A new item for her tags wakes the step at once.
    let later = t.at("2026-12-08T11:00:00-05:00");
    later.ok(&["library", "add", "https://acme.com/new", "--title", "New one", "--tag", "pricing"]);
    worker(&later, &sink);
    let subjects: Vec<String> =
        to_ann(&sink).iter().filter_map(|message| message.header("subject").map(str::to_string)).collect();
    assert_eq!(subjects.len(), 4);
    assert_eq!(subjects[3], "Worth a read: New one");
    let enrollments = array(later.json(&["enrollments", "--contact", "ann"]));
    assert_eq!(enrollments[0]["state"], "finished");
    let sent: Vec<(String, String)> = array(later.json(&["library", "ls"]))
        .iter()
        .flat_map(|item| {
            let detail = later.json(&["library", "show", &id(item).to_string()]);
            array(detail["sent_to"].clone()).into_iter().map(move |sent| {
                (detail["title"].as_str().unwrap().to_string(), sent["via"].as_str().unwrap().to_string())
            })
        })
        .collect();
    assert_eq!(sent.len(), 4, "each item went to Ann once: {sent:?}");
    assert!(!sent.iter().any(|(title, _)| title == "Hiring tips"));
});
