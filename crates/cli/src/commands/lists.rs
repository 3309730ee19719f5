//! `lists`: newsletter lists and who is on them.

use tickler_app::lists::{self, ListInput, MembersInput, MembersQuery};
use tickler_core::list::MembershipState;

use crate::args::ListsCommand;
use crate::context::Context;
use crate::failure::{Failure, Outcome};
use crate::render;

pub async fn run(cx: &Context, command: Option<ListsCommand>) -> Outcome {
    match command.unwrap_or(ListsCommand::List) {
        ListsCommand::List => {
            let all = lists::all(&cx.app, &cx.actor).await?;
            if cx.json {
                return render::json(&all);
            }
            if all.is_empty() {
                say!("No lists. Create one with: tickler lists create \"Monthly letter\"");
            }
            for summary in &all {
                say!(
                    "#{:<5} {:<30} {} subscribed · {} waiting to confirm · {} left",
                    summary.list.id,
                    summary.list.name.as_str(),
                    summary.subscribed,
                    summary.pending,
                    summary.left
                );
            }
            Ok(())
        }
        ListsCommand::Create(args) => {
            let input = ListInput { name: args.name, description: args.description };
            let list = lists::create(&cx.app, &cx.actor, &input).await?;
            if cx.json {
                return render::json(&list);
            }
            say!("Created list #{} {}", list.id, list.name.as_str());
            Ok(())
        }
        ListsCommand::Add(args) => {
            let input = MembersInput { contacts: args.contacts, reason: args.reason };
            let changes = lists::add(&cx.app, &cx.actor, &args.list, &input).await?;
            if cx.json {
                return render::json(&changes);
            }
            for change in &changes {
                match change.changed {
                    true => say!("Added {} to {}", change.contact_name, args.list),
                    false => say!("{} is already on {}", change.contact_name, args.list),
                }
            }
            Ok(())
        }
        ListsCommand::Remove(args) => {
            let input = MembersInput { contacts: args.contacts, reason: args.reason };
            let changes = lists::remove(&cx.app, &cx.actor, &args.list, &input).await?;
            if cx.json {
                return render::json(&changes);
            }
            for change in &changes {
                match change.changed {
                    true => say!("{} left {}", change.contact_name, args.list),
                    false => say!("{} is not on {}", change.contact_name, args.list),
                }
            }
            Ok(())
        }
        ListsCommand::Members(args) => {
            let state = args
                .state
                .as_deref()
                .map(MembershipState::parse)
                .transpose()
                .map_err(|error| Failure::Usage(format!("--{error}")))?;
            let members = lists::members(&cx.app, &cx.actor, &args.list, &MembersQuery { state }).await?;
            if cx.json {
                return render::json(&members);
            }
            if members.is_empty() {
                say!("Nobody on {}", args.list);
            }
            for member in &members {
                let membership = &member.membership;
                let reason =
                    if membership.reason.is_empty() { String::new() } else { format!(" ({})", membership.reason) };
                say!(
                    "#{:<6} {:<28} {:<10} by {}{reason} · {}",
                    membership.contact_id,
                    member.contact_name,
                    membership.state.as_str(),
                    membership.source.as_str(),
                    render::local_time(membership.changed_at, &cx.actor.now_zoned())
                );
            }
            Ok(())
        }
    }
}
