//! `plan …`, `enroll`, `enrollments`, `template …`: action plans, who is in
//! them, and the emails they send.

use std::io::Read;

use tickler_app::plans::{self, Change, PlanInput, Saved, StepInput, step_tone};
use tickler_core::ids::EnrollmentId;
use tickler_core::plan::{Enrollment, Plan, StepAction};
use tickler_core::tone;

use crate::args::{EnrollArgs, EnrollmentsArgs, PlanCommand, StepFields, TemplateCommand};
use crate::context::Context;
use crate::failure::{Failure, Outcome};
use crate::render;

pub async fn run(cx: &Context, command: PlanCommand) -> Outcome {
    let (app, actor) = (&cx.app, &cx.actor);
    match command {
        PlanCommand::List => {
            let plans = plans::list(app, actor).await?;
            if cx.json {
                return render::json(&plans);
            }
            for plan in &plans {
                print_plan(plan, false)?;
            }
            Ok(())
        }
        PlanCommand::Show(args) => {
            let plan = plans::find(app, actor, &args.plan).await?;
            if cx.json {
                let tone: Vec<Vec<tone::Flag>> = plan.steps.iter().map(step_tone).collect();
                return render::json(&serde_json::json!({ "plan": plan, "tone": tone }));
            }
            print_plan(&plan, true)
        }
        PlanCommand::Add(args) => {
            let input = PlanInput { name: args.name, description: Some(args.description), nurture: args.nurture };
            let plan = plans::create(app, actor, &input).await?;
            saved(cx, &Saved { plan, tone: Vec::new() })
        }
        PlanCommand::AddStep(args) => {
            saved(cx, &plans::add_step(app, actor, &args.plan, &step_input(&args.fields)?).await?)
        }
        PlanCommand::EditStep(args) => {
            saved(cx, &plans::edit_step(app, actor, &args.plan, args.step, &step_input(&args.fields)?).await?)
        }
        PlanCommand::RmStep(args) => saved(cx, &plans::remove_step(app, actor, &args.plan, args.step).await?),
        PlanCommand::Rm(args) => {
            let plan = plans::delete(app, actor, &args.plan).await?;
            if cx.json {
                return render::json(&serde_json::json!({ "deleted": plan.id }));
            }
            say!("Deleted plan \"{}\" and its enrollments.", plan.name);
            Ok(())
        }
        PlanCommand::Pause(args) => {
            changed(cx, plans::change_enrollment(app, actor, EnrollmentId::new(args.id), Change::Pause).await?)
        }
        PlanCommand::Resume(args) => {
            changed(cx, plans::change_enrollment(app, actor, EnrollmentId::new(args.id), Change::Resume).await?)
        }
        PlanCommand::Stop(args) => {
            changed(cx, plans::change_enrollment(app, actor, EnrollmentId::new(args.id), Change::Stop).await?)
        }
    }
}

pub async fn enroll(cx: &Context, args: EnrollArgs) -> Outcome {
    let sender = match &args.user {
        Some(user) => Some(super::mail_account::actor_for(cx, Some(user)).await?),
        None => None,
    };
    let (app, actor) = (&cx.app, sender.as_ref().unwrap_or(&cx.actor));
    match (&args.tag, args.targets.as_slice()) {
        (Some(tag), [plan]) => {
            let (plan, tag, bulk) = plans::enroll_tag(app, actor, tag, plan).await?;
            if cx.json {
                return render::json(&bulk);
            }
            say!("Enrolled {} contact(s) tagged #{} in \"{}\".", bulk.enrolled.len(), tag.as_str(), plan.name);
            for (name, why) in &bulk.skipped {
                say!("  skipped {name}: {why}");
            }
            Ok(())
        }
        (None, [contact, plan]) => {
            let contact = tickler_app::contacts::find(app, actor, contact).await?;
            let enrollment = plans::enroll(app, actor, contact.id, plan).await?;
            if cx.json {
                return render::json(&enrollment);
            }
            say!("Enrolled {} in \"{}\" (enrollment {}).", contact.name(), enrollment.plan_name, enrollment.id);
            say!("  first step {}", next_run(cx, &enrollment));
            Ok(())
        }
        (Some(_), _) => Err(Failure::Usage("plan: with --tag, give only the plan: enroll --tag TAG PLAN".into())),
        (None, _) => Err(Failure::Usage("plan: give the contact and the plan: enroll CONTACT PLAN".into())),
    }
}

pub async fn enrollments(cx: &Context, args: EnrollmentsArgs) -> Outcome {
    let contact = match &args.contact {
        Some(reference) => Some(tickler_app::contacts::find(&cx.app, &cx.actor, reference).await?),
        None => None,
    };
    let enrollments = plans::enrollments(&cx.app, &cx.actor, contact.as_ref().map(|c| c.id)).await?;
    if cx.json {
        return render::json(&enrollments);
    }
    if enrollments.is_empty() {
        say!("No enrollments.");
    }
    for enrollment in &enrollments {
        let name = tickler_app::contacts::get(&cx.app, &cx.actor, enrollment.contact_id).await?.name().to_string();
        say!(
            "{:>5}  {name} in \"{}\": {}, step {}",
            enrollment.id,
            enrollment.plan_name,
            enrollment.state.as_str(),
            enrollment.next_step + 1
        );
        if enrollment.state.is_live() {
            say!("       next {}", next_run(cx, enrollment));
        }
        if let Some(reason) = &enrollment.stop_reason {
            say!("       stopped: {reason}");
        }
    }
    Ok(())
}

pub async fn template(cx: &Context, command: TemplateCommand) -> Outcome {
    match command {
        TemplateCommand::Preview(args) => {
            let plan = plans::find(&cx.app, &cx.actor, &args.plan).await?;
            let index = plans::step_index(&plan, args.step)?;
            let contact = tickler_app::contacts::find(&cx.app, &cx.actor, &args.contact).await?;
            let preview = plans::preview_step(&cx.app, &cx.actor, &plan, index, contact.id).await?;
            if cx.json {
                return render::json(&preview);
            }
            say!("Subject: {}", preview.subject);
            say!();
            say!("{}", preview.body.trim_end());
            print_tone(&preview.tone)
        }
        TemplateCommand::Tone(args) => {
            let text = match args.text {
                Some(text) => text,
                None => {
                    let mut text = String::new();
                    std::io::stdin().read_to_string(&mut text)?;
                    text
                }
            };
            let flags = tone::check(&text);
            if cx.json {
                return render::json(&flags);
            }
            if flags.is_empty() {
                say!("The tone reads well.");
            }
            print_tone(&flags)
        }
    }
}

/// The step the flags describe; `--body-file` is read here.
fn step_input(fields: &StepFields) -> Outcome<StepInput> {
    let body = match (&fields.body, &fields.body_file) {
        (Some(_), Some(_)) => return Err(Failure::Usage("body: give --body or --body-file, not both".into())),
        (Some(body), None) => Some(body.clone()),
        (None, Some(path)) => Some(read_body(path)?),
        (None, None) => None,
    };
    Ok(StepInput {
        delay: fields.delay.clone(),
        repeat: fields.repeat.clone(),
        channel: fields.via.clone(),
        subject: fields.subject.clone(),
        body,
        task: fields.task.clone(),
    })
}

fn read_body(path: &str) -> Outcome<String> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|error| Failure::Usage(format!("body-file: cannot read {path}: {error}")))
}

fn saved(cx: &Context, saved: &Saved) -> Outcome {
    if cx.json {
        return render::json(saved);
    }
    print_plan(&saved.plan, false)?;
    print_tone(&saved.tone)
}

fn print_plan(plan: &Plan, full: bool) -> Outcome {
    let nurture = if plan.nurture { " [nurture: also for not-now contacts]" } else { "" };
    say!(
        "{:>5}  {} ({} step{}){nurture}",
        plan.id,
        plan.name,
        plan.steps.len(),
        if plan.steps.len() == 1 { "" } else { "s" }
    );
    if full && !plan.description.is_empty() {
        say!("       {}", plan.description);
    }
    for (index, step) in plan.steps.iter().enumerate() {
        say!("       {}. {}", index + 1, step.summary());
        if let (true, StepAction::Email { body, .. }) = (full, &step.action) {
            for line in body.lines() {
                say!("            | {line}");
            }
            for flag in step_tone(step) {
                say!("          tone: {}", flag.message());
            }
        }
    }
    Ok(())
}

fn print_tone(flags: &[tone::Flag]) -> Outcome {
    for flag in flags {
        say!("tone: {}", flag.message());
    }
    Ok(())
}

fn changed(cx: &Context, enrollment: Enrollment) -> Outcome {
    if cx.json {
        return render::json(&enrollment);
    }
    say!("Enrollment {} in \"{}\" is {}.", enrollment.id, enrollment.plan_name, enrollment.state.as_str());
    if enrollment.state.is_live() {
        say!("  next {}", next_run(cx, &enrollment));
    }
    Ok(())
}

fn next_run(cx: &Context, enrollment: &Enrollment) -> String {
    let when = enrollment
        .next_run_at
        .map(|at| at.to_zoned_datetime(cx.actor.zone.time_zone()).strftime("%a %Y-%m-%d %H:%M %Z").to_string())
        .unwrap_or_else(|| "—".into());
    match &enrollment.waiting {
        Some(reason) => format!("{when} (waiting: {reason})"),
        None => when,
    }
}
