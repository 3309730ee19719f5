//! `campaign`: newsletters to a list.

use std::io::Read;

use tickler_app::campaigns::{self, CampaignInput, CampaignView, ScheduleInput};
use tickler_core::ids::CampaignId;

use crate::args::CampaignCommand;
use crate::context::Context;
use crate::failure::{Failure, Outcome};
use crate::render;

pub async fn run(cx: &Context, command: CampaignCommand) -> Outcome {
    let (app, actor) = (&cx.app, &cx.actor);
    let shown = match command {
        CampaignCommand::List => {
            let all = campaigns::all(app, actor).await?;
            if cx.json {
                return render::json(&all);
            }
            if all.is_empty() {
                say!("No campaigns. Write one with: tickler campaign create \"Monthly letter\" --subject … --body …");
            }
            for view in &all {
                say!("{}", line(view));
            }
            return Ok(());
        }
        CampaignCommand::Create(args) => {
            let body = if args.body == "-" {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text).map_err(|error| Failure::Usage(format!("body: {error}")))?;
                text
            } else {
                args.body
            };
            let input = CampaignInput { list: args.list, subject: args.subject, body, per_minute: args.per_minute };
            campaigns::create(app, actor, &input).await?
        }
        CampaignCommand::Show(args) => campaigns::show(app, actor, CampaignId::new(args.id)).await?,
        CampaignCommand::Preview(args) => {
            let preview = campaigns::preview(app, actor, CampaignId::new(args.id), &args.contact).await?;
            if cx.json {
                return render::json(&preview);
            }
            say!("Subject: {}\n\n{}", preview.subject, preview.text);
            for flag in &preview.tone {
                say!("tone: {flag}");
            }
            return Ok(());
        }
        CampaignCommand::Test(args) => {
            let sent =
                campaigns::test_send(app, actor, CampaignId::new(args.id), &args.contact, args.to.as_deref()).await?;
            if cx.json {
                return render::json(&sent);
            }
            say!("Queued a test to {} (rendered for {}); the worker sends it", sent.to, sent.rendered_for);
            return Ok(());
        }
        CampaignCommand::Schedule(args) => {
            campaigns::schedule(app, actor, CampaignId::new(args.id), &ScheduleInput { when: args.when }).await?
        }
        CampaignCommand::Pause(args) => campaigns::change(app, actor, CampaignId::new(args.id), "pause").await?,
        CampaignCommand::Resume(args) => campaigns::change(app, actor, CampaignId::new(args.id), "resume").await?,
        CampaignCommand::Cancel(args) => campaigns::change(app, actor, CampaignId::new(args.id), "cancel").await?,
    };
    if cx.json {
        return render::json(&shown);
    }
    say!("{}", line(&shown));
    Ok(())
}

/// One campaign: id, state, list, subject, when and progress.
fn line(view: &CampaignView) -> String {
    let (campaign, progress) = (&view.campaign, &view.progress);
    let when = campaign.send_at.map(|at| format!(" from {at}")).unwrap_or_default();
    format!(
        "#{:<5} {:<9} {} · \"{}\"{when} · {} sent, {} waiting, {} failed, {} skipped, {} unsubscribed",
        campaign.id,
        campaign.state.as_str(),
        campaign.list_name,
        campaign.subject,
        progress.sent,
        progress.waiting,
        progress.failed,
        progress.skipped,
        progress.unsubscribed
    )
}
