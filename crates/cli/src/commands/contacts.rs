//! `add`, `contacts`, `show`, `edit`, `rm`.

use tickler_app::contacts::{self, ContactChanges, ContactInput, ContactQuery};

use crate::args::{ContactArgs, ContactFields, EditArgs, ListContactsArgs};
use crate::context::Context;
use crate::failure::Outcome;
use crate::render;

/// The changes the flags ask for: lists grow, a note is added below the notes.
fn changes(fields: &ContactFields) -> ContactChanges {
    ContactChanges {
        set: ContactInput {
            organisation: fields.org.clone(),
            zone: fields.zone.clone(),
            birthday: fields.birthday.clone(),
            stage: fields.stage.clone(),
            source: fields.source.clone(),
            preferred_channel: fields.channel.clone(),
            pacing_gap_days: fields.pacing,
            cadence: fields.cadence.clone(),
            ..ContactInput::default()
        },
        add_emails: fields.emails.clone(),
        add_phones: fields.phones.clone(),
        add_tags: fields.tags.clone(),
        referred_by: fields.referred_by.clone(),
        add_note: fields.note.clone(),
        ..ContactChanges::default()
    }
}

pub async fn add(cx: &Context, args: ContactArgs) -> Outcome {
    let mut changes = changes(&args.fields);
    changes.set.name = Some(args.name);
    let contact = contacts::create(&cx.app, &cx.actor, &changes).await?;
    if cx.json {
        return render::json(&contact);
    }
    say!("Added {}", render::contact_line(&contact).trim_start());
    Ok(())
}

pub async fn list(cx: &Context, args: ListContactsArgs) -> Outcome {
    let query = ContactQuery {
        q: args.search.clone(),
        tag: args.tag.clone(),
        stage: args.stage.clone(),
        consent: args.consent.clone(),
        limit: Some(args.limit),
        offset: Some(args.offset),
    };
    let page = contacts::list(&cx.app, &cx.actor, &query).await?;
    if cx.json {
        return render::json(&page.items);
    }
    if page.items.is_empty() {
        say!("No contacts match. Add one with: tickler add \"Ann Lee\" --email ann@acme.com");
    }
    for contact in &page.items {
        say!("{}", render::contact_line(contact));
    }
    if let Some(next) = page.next_offset {
        say!("(The first {}; see more with --offset {next})", page.items.len());
    }
    Ok(())
}

pub async fn show(cx: &Context, reference: &str) -> Outcome {
    let contact = contacts::find(&cx.app, &cx.actor, reference).await?;
    let summary = contacts::summary(&cx.app, &cx.actor, contact.id).await?;
    if cx.json {
        return render::json(&summary);
    }
    let now = cx.now();
    say!("{}", render::contact_details(&summary.contact));
    if let Some(touch) = &summary.last_touch {
        say!(
            "  {:<13}{} {} ({}): {}",
            "last touch",
            touch.channel.as_str(),
            render::local_time(touch.at, &now),
            tickler_core::agenda::ago(touch.at, now.timestamp()),
            touch.summary
        );
    }
    for follow_up in &summary.open_follow_ups {
        say!("  {:<13}{}", "follow-up", render::follow_up_line(follow_up));
    }
    for bounced in &summary.undeliverable {
        say!(
            "  {:<13}{} bounced {} ({}): no automatic email goes there",
            "undeliverable",
            bounced.email,
            render::local_time(bounced.since, &now),
            bounced.reason
        );
    }
    Ok(())
}

pub async fn edit(cx: &Context, args: EditArgs) -> Outcome {
    let contact = contacts::find(&cx.app, &cx.actor, &args.contact).await?;
    let mut changes = changes(&args.fields);
    changes.set.name = args.name;
    changes.remove_emails = args.remove_emails;
    changes.remove_tags = args.remove_tags;
    changes.clear = args.clear;
    let contact = contacts::update(&cx.app, &cx.actor, contact.id, &changes).await?;
    if cx.json {
        return render::json(&contact);
    }
    say!("Updated {}", render::contact_line(&contact).trim_start());
    Ok(())
}

pub async fn remove(cx: &Context, reference: &str) -> Outcome {
    let contact = contacts::find(&cx.app, &cx.actor, reference).await?;
    contacts::remove(&cx.app, &cx.actor, contact.id).await?;
    if cx.json {
        return render::json(&serde_json::json!({ "deleted": contact.id }));
    }
    say!("Deleted {} (id {}) and everything recorded about them", contact.name(), contact.id);
    Ok(())
}
