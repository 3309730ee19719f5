//! `add`, `contacts`, `show`, `edit`, `rm`.

use tickler_core::consent::ConsentState;
use tickler_core::contact::{
    ContactDetails, ContactName, EmailAddress, Phone, Stage, Tag, ZoneName, optional_text, parse_birthday,
};
use tickler_core::touch::Channel;
use tickler_store::ContactFilter;

use crate::app::App;
use crate::args::{ContactArgs, ContactFields, EditArgs, ListContactsArgs};
use crate::failure::Outcome;
use crate::render;

pub async fn add(app: &App, args: ContactArgs) -> Outcome {
    let draft = ContactDetails::named(ContactName::parse(&args.name)?);
    let draft = apply_fields(app, draft, &args.fields).await?;
    let contact = app.store.create_contact(app.account_id(), &draft, app.now.timestamp()).await?;
    if app.json {
        return render::json(&contact);
    }
    say!("Added {}", render::contact_line(&contact).trim_start());
    Ok(())
}

pub async fn list(app: &App, args: ListContactsArgs) -> Outcome {
    let filter = ContactFilter {
        tag: args.tag.as_deref().map(Tag::parse).transpose()?,
        search: args.search.clone(),
        stage: args.stage.as_deref().map(Stage::parse).transpose()?,
        consent: args.consent.as_deref().map(ConsentState::parse).transpose()?,
        limit: Some(args.limit),
        offset: args.offset,
    };
    let contacts = app.store.contacts(app.account_id(), &filter).await?;
    if app.json {
        return render::json(&contacts);
    }
    if contacts.is_empty() {
        say!("No contacts match. Add one with: tickler add \"Ann Lee\" --email ann@acme.com");
    }
    for contact in &contacts {
        say!("{}", render::contact_line(contact));
    }
    if contacts.len() >= args.limit as usize {
        say!("(The first {}; see more with --offset {})", args.limit, args.offset + args.limit);
    }
    Ok(())
}

pub async fn show(app: &App, reference: &str) -> Outcome {
    let contact = app.store.find_contact(app.account_id(), reference).await?;
    let last_touch = app.store.last_touch(app.account_id(), contact.id).await?;
    let open: Vec<_> = app
        .store
        .follow_ups_of(app.account_id(), contact.id)
        .await?
        .into_iter()
        .filter(|f| f.state == tickler_core::follow_up::FollowUpState::Open)
        .collect();
    if app.json {
        return render::json(
            &serde_json::json!({ "contact": contact, "last_touch": last_touch, "open_follow_ups": open }),
        );
    }
    say!("{}", render::contact_details(&contact));
    if let Some(touch) = last_touch {
        say!(
            "  {:<13}{} {} ({}): {}",
            "last touch",
            touch.channel.as_str(),
            render::local_time(touch.at, &app.now),
            tickler_core::agenda::ago(touch.at, app.now.timestamp()),
            touch.summary
        );
    }
    for follow_up in open {
        say!("  {:<13}{}", "follow-up", render::follow_up_line(&follow_up));
    }
    Ok(())
}

pub async fn edit(app: &App, args: EditArgs) -> Outcome {
    let contact = app.store.find_contact(app.account_id(), &args.contact).await?;
    let mut draft = contact.details.clone();
    if let Some(name) = &args.name {
        draft.name = ContactName::parse(name)?;
    }
    for email in &args.remove_emails {
        let email = EmailAddress::parse(email)?;
        draft.emails.retain(|e| *e != email);
    }
    for tag in &args.remove_tags {
        let tag = Tag::parse(tag)?;
        draft.tags.retain(|t| *t != tag);
    }
    for field in &args.clear {
        clear(&mut draft, field)?;
    }
    let draft = apply_fields(app, draft, &args.fields).await?;
    let contact = app.store.update_contact(app.account_id(), contact.id, &draft, app.now.timestamp()).await?;
    if app.json {
        return render::json(&contact);
    }
    say!("Updated {}", render::contact_line(&contact).trim_start());
    Ok(())
}

pub async fn remove(app: &App, reference: &str) -> Outcome {
    let contact = app.store.find_contact(app.account_id(), reference).await?;
    app.store.delete_contact(app.account_id(), contact.id).await?;
    if app.json {
        return render::json(&serde_json::json!({ "deleted": contact.id }));
    }
    say!("Deleted {} (id {}) and everything recorded about them", contact.name(), contact.id);
    Ok(())
}

/// The fields `edit --clear` empties.
const CLEARABLE: [&str; 12] =
    ["org", "tz", "birthday", "stage", "source", "referred-by", "channel", "pacing", "note", "email", "phone", "tag"];

/// Empty one field of a draft (`edit --clear birthday`); emails, phones and tags are cleared whole.
fn clear(draft: &mut ContactDetails, field: &str) -> Outcome {
    match field.trim().to_lowercase().trim_start_matches("--") {
        "org" | "organisation" => draft.organisation = None,
        "tz" | "zone" => draft.zone = None,
        "birthday" => draft.birthday = None,
        "stage" => draft.stage = None,
        "source" => draft.source = None,
        "referred-by" => draft.referred_by = None,
        "channel" => draft.preferred_channel = None,
        "pacing" => draft.pacing_gap_days = None,
        "note" | "notes" => draft.notes.clear(),
        "email" | "emails" => draft.emails.clear(),
        "phone" | "phones" => draft.phones.clear(),
        "tag" | "tags" => draft.tags.clear(),
        other => {
            let message = format!("cannot clear \"{other}\"; choose one of: {}", CLEARABLE.join(", "));
            return Err(tickler_core::Error::invalid("clear", message).into());
        }
    }
    Ok(())
}

/// Parse every given field onto the draft; emails, phones and tags are added.
async fn apply_fields(app: &App, mut draft: ContactDetails, fields: &ContactFields) -> Outcome<ContactDetails> {
    for email in &fields.emails {
        draft.emails.push(EmailAddress::parse(email)?);
    }
    for phone in &fields.phones {
        draft.phones.push(Phone::parse(phone)?);
    }
    for tag in &fields.tags {
        draft.tags.push(Tag::parse(tag)?);
    }
    if fields.org.is_some() {
        draft.organisation = optional_text("org", fields.org.as_deref())?;
    }
    if let Some(zone) = &fields.zone {
        draft.zone = Some(ZoneName::parse(zone)?);
    }
    if let Some(birthday) = &fields.birthday {
        draft.birthday = Some(parse_birthday(birthday)?);
    }
    if let Some(stage) = &fields.stage {
        draft.stage = Some(Stage::parse(stage)?);
    }
    if fields.source.is_some() {
        draft.source = optional_text("source", fields.source.as_deref())?;
    }
    if let Some(referrer) = &fields.referred_by {
        draft.referred_by = Some(app.store.find_contact(app.account_id(), referrer).await?.id);
    }
    if let Some(channel) = &fields.channel {
        draft.preferred_channel = Some(Channel::parse(channel)?);
    }
    if let Some(days) = fields.pacing {
        draft.pacing_gap_days = Some(days);
    }
    if let Some(note) = &fields.note {
        draft.notes =
            if draft.notes.is_empty() { note.trim().to_string() } else { format!("{}\n{}", draft.notes, note.trim()) };
    }
    Ok(draft)
}
