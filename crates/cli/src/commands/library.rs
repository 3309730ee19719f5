//! `library add|ls|show|edit|rm|share|next`.

use tickler_app::library::{self, ItemInput, ItemQuery, ShareInput};
use tickler_core::library::Item;

use crate::args::{LibraryCommand, LibraryFields};
use crate::context::Context;
use crate::failure::Outcome;
use crate::render;

pub async fn run(cx: &Context, command: LibraryCommand) -> Outcome {
    match command {
        LibraryCommand::Add(args) => {
            let item = library::add(&cx.app, &cx.actor, &input(args.url, args.fields)).await?;
            if cx.json {
                return render::json(&item);
            }
            say!("Added #{}: {}", item.id, line(&item));
            Ok(())
        }
        LibraryCommand::Ls(args) => {
            let items = library::list(&cx.app, &cx.actor, &ItemQuery { tag: args.tag }).await?;
            if cx.json {
                return render::json(&items);
            }
            if items.is_empty() {
                say!("The library is empty; add an item with: tickler library add URL --tag TAG");
            }
            for item in &items {
                say!("#{:<4} {}", item.id.get(), line(item));
            }
            Ok(())
        }
        LibraryCommand::Show(args) => {
            let detail = library::get(&cx.app, &cx.actor, library::parse_id(&args.id)?).await?;
            if cx.json {
                return render::json(&detail);
            }
            say!("#{} {}", detail.item.id, line(&detail.item));
            if !detail.item.summary.is_empty() {
                say!("  {}", detail.item.summary);
            }
            if let Some(text) = &detail.item.text {
                for text_line in text.lines() {
                    say!("  | {text_line}");
                }
            }
            let now = cx.now();
            for sent in &detail.sent_to {
                say!("  sent to {} ({}, {})", sent.contact_name, sent.via, render::local_time(sent.sent_at, &now));
            }
            Ok(())
        }
        LibraryCommand::Edit(args) => {
            let id = library::parse_id(&args.id)?;
            let item = library::amend(&cx.app, &cx.actor, id, &input(args.url, args.fields)).await?;
            if cx.json {
                return render::json(&item);
            }
            say!("Saved #{}: {}", item.id, line(&item));
            Ok(())
        }
        LibraryCommand::Rm(args) => {
            let item = library::remove(&cx.app, &cx.actor, library::parse_id(&args.id)?).await?;
            if cx.json {
                return render::json(&item);
            }
            say!("Removed #{}: {}", item.id, item.title);
            Ok(())
        }
        LibraryCommand::Share(args) => {
            let id = library::parse_id(&args.id)?;
            let contact = tickler_app::contacts::find(&cx.app, &cx.actor, &args.contact).await?;
            if !args.send {
                let draft = library::draft(&cx.app, &cx.actor, id, contact.id).await?;
                if cx.json {
                    return render::json(&draft);
                }
                match &draft.to {
                    Some(to) => say!("To: {to} · send it: tickler library share {id} {} --send", contact.id),
                    None => say!("{} has no email address: share it another way", draft.contact_name),
                }
                if draft.already_sent {
                    say!("(already sent to {})", draft.contact_name);
                }
                say!("Subject: {}", draft.subject);
                for body_line in draft.body.lines() {
                    say!("| {body_line}");
                }
                return Ok(());
            }
            let input = ShareInput { contact_id: contact.id, subject: args.subject, body: args.body };
            let shared = library::share(&cx.app, &cx.actor, id, &input).await?;
            if cx.json {
                return render::json(&shared);
            }
            say!("Sent \"{}\" to {}; the touch is logged.", shared.subject, shared.sent_to);
            Ok(())
        }
        LibraryCommand::Next(args) => {
            let contact = tickler_app::contacts::find(&cx.app, &cx.actor, &args.contact).await?;
            let next = library::next_for(&cx.app, &cx.actor, contact.id).await?;
            if cx.json {
                return render::json(&next);
            }
            match next {
                Some(item) => say!("#{} {}", item.id, line(&item)),
                None => say!(
                    "{}",
                    tickler_core::library::nothing_new(contact.details.name.first_name(), &contact.details.tags)
                ),
            }
            Ok(())
        }
    }
}

fn input(url: Option<String>, fields: LibraryFields) -> ItemInput {
    ItemInput {
        title: fields.title,
        url,
        text: fields.text,
        summary: fields.summary,
        tags: fields.tags,
        kind: fields.kind,
    }
}

/// "article · Pricing guide · https://… [pricing, sales]".
fn line(item: &Item) -> String {
    let mut line = format!("{} · {}", item.kind.as_str(), item.title);
    if let Some(url) = &item.url
        && *url != item.title
    {
        line.push_str(&format!(" · {url}"));
    }
    if !item.tags.is_empty() {
        let tags: Vec<&str> = item.tags.iter().map(|tag| tag.as_str()).collect();
        line.push_str(&format!(" [{}]", tags.join(", ")));
    }
    line
}
