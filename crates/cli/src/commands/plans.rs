//! `plan …`, `enroll`, `enrollments`, `template …`: action plans, who is in
//! them, and the emails they send.

use std::io::Read;

use tickler_core::Error;
use tickler_core::contact::Tag;
use tickler_core::plan::{Enrollment, Plan, PlanDraft, Step, StepAction};
use tickler_core::tone;
use tickler_core::touch::Channel;

use crate::app::App;
use crate::args::{EnrollArgs, EnrollmentsArgs, PlanCommand, StepFields, TemplateCommand};
use crate::failure::{Failure, Outcome};
use crate::render;

pub async fn run(app: &App, command: PlanCommand) -> Outcome {
    app.store.ensure_plan_setup(app.account_id(), app.now.timestamp()).await?;
    let account = app.account_id();
    let now = app.now.timestamp();
    match command {
        PlanCommand::List => {
            let plans = app.store.plans(account).await?;
            if app.json {
                return render::json(&plans);
            }
            for plan in &plans {
                print_plan(plan, false)?;
            }
            Ok(())
        }
        PlanCommand::Show(args) => {
            let plan = app.store.find_plan(account, &args.plan).await?;
            if app.json {
                let tone: Vec<Vec<tone::Flag>> = plan.steps.iter().map(step_tone).collect();
                return render::json(&serde_json::json!({ "plan": plan, "tone": tone }));
            }
            print_plan(&plan, true)
        }
        PlanCommand::Add(args) => {
            let draft = PlanDraft::new(&args.name, &args.description, args.nurture, Vec::new())?;
            let plan = app.store.create_plan(account, &draft, now).await?;
            saved(app, &plan, None)
        }
        PlanCommand::AddStep(args) => {
            let plan = app.store.find_plan(account, &args.plan).await?;
            let step = step_from(&args.fields, None)?;
            let mut steps = plan.steps.clone();
            steps.push(step);
            let position = steps.len() - 1;
            let plan = save_steps(app, &plan, steps).await?;
            saved(app, &plan, Some(position))
        }
        PlanCommand::EditStep(args) => {
            let plan = app.store.find_plan(account, &args.plan).await?;
            let index = step_index(&plan, args.step)?;
            let mut steps = plan.steps.clone();
            steps[index] = step_from(&args.fields, Some(&plan.steps[index]))?;
            let plan = save_steps(app, &plan, steps).await?;
            saved(app, &plan, Some(index))
        }
        PlanCommand::RmStep(args) => {
            let plan = app.store.find_plan(account, &args.plan).await?;
            let index = step_index(&plan, args.step)?;
            let mut steps = plan.steps.clone();
            steps.remove(index);
            let plan = save_steps(app, &plan, steps).await?;
            saved(app, &plan, None)
        }
        PlanCommand::Rm(args) => {
            let plan = app.store.find_plan(account, &args.plan).await?;
            app.store.delete_plan(account, plan.id).await?;
            if app.json {
                return render::json(&serde_json::json!({ "deleted": plan.id }));
            }
            say!("Deleted plan \"{}\" and its enrollments.", plan.name);
            Ok(())
        }
        PlanCommand::Pause(args) => changed(app, app.store.pause_enrollment(account, args.id, now).await?),
        PlanCommand::Resume(args) => changed(app, app.store.resume_enrollment(account, args.id, now).await?),
        PlanCommand::Stop(args) => changed(app, app.store.stop_enrollment(account, args.id, now).await?),
    }
}

pub async fn enroll(app: &App, args: EnrollArgs) -> Outcome {
    app.store.ensure_plan_setup(app.account_id(), app.now.timestamp()).await?;
    let account = app.account_id();
    let now = app.now.timestamp();
    match (&args.tag, args.targets.as_slice()) {
        (Some(tag), [plan]) => {
            let tag = Tag::parse(tag)?;
            let plan = app.store.find_plan(account, plan).await?;
            let bulk = app.store.enroll_tag(account, plan.id, &tag, now).await?;
            if app.json {
                return render::json(&bulk);
            }
            say!("Enrolled {} contact(s) tagged #{} in \"{}\".", bulk.enrolled.len(), tag.as_str(), plan.name);
            for (name, why) in &bulk.skipped {
                say!("  skipped {name}: {why}");
            }
            Ok(())
        }
        (None, [contact, plan]) => {
            let contact = app.store.find_contact(account, contact).await?;
            let plan = app.store.find_plan(account, plan).await?;
            let enrollment = app.store.enroll(account, plan.id, contact.id, now).await?;
            if app.json {
                return render::json(&enrollment);
            }
            say!("Enrolled {} in \"{}\" (enrollment {}).", contact.name(), plan.name, enrollment.id);
            say!("  first step {}", next_run(app, &enrollment));
            Ok(())
        }
        (Some(_), _) => Err(Failure::Usage("plan: with --tag, give only the plan: enroll --tag TAG PLAN".into())),
        (None, _) => Err(Failure::Usage("plan: give the contact and the plan: enroll CONTACT PLAN".into())),
    }
}

pub async fn enrollments(app: &App, args: EnrollmentsArgs) -> Outcome {
    let account = app.account_id();
    let contact = match &args.contact {
        Some(reference) => Some(app.store.find_contact(account, reference).await?),
        None => None,
    };
    let enrollments = app.store.enrollments(account, contact.as_ref().map(|c| c.id)).await?;
    if app.json {
        return render::json(&enrollments);
    }
    if enrollments.is_empty() {
        say!("No enrollments.");
    }
    for enrollment in &enrollments {
        let name = app.store.contact(account, enrollment.contact_id).await?.name().to_string();
        say!(
            "{:>5}  {name} in \"{}\": {}, step {}",
            enrollment.id,
            enrollment.plan_name,
            enrollment.state.as_str(),
            enrollment.next_step + 1
        );
        if enrollment.state.is_live() {
            say!("       next {}", next_run(app, enrollment));
        }
        if let Some(reason) = &enrollment.stop_reason {
            say!("       stopped: {reason}");
        }
    }
    Ok(())
}

pub async fn template(app: &App, command: TemplateCommand) -> Outcome {
    match command {
        TemplateCommand::Preview(args) => {
            app.store.ensure_plan_setup(app.account_id(), app.now.timestamp()).await?;
            let plan = app.store.find_plan(app.account_id(), &args.plan).await?;
            let index = step_index(&plan, args.step)?;
            let contact = app.store.find_contact(app.account_id(), &args.contact).await?;
            let rendered =
                app.store.preview_step(app.account_id(), &plan, index, &contact, app.now.timestamp()).await?;
            let flags = tone::check(&format!("{}\n{}", rendered.subject, rendered.body));
            if app.json {
                return render::json(
                    &serde_json::json!({ "subject": rendered.subject, "body": rendered.body, "tone": flags }),
                );
            }
            say!("Subject: {}", rendered.subject);
            say!();
            say!("{}", rendered.body.trim_end());
            print_tone(&flags)
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
            if app.json {
                return render::json(&flags);
            }
            if flags.is_empty() {
                say!("The tone reads well.");
            }
            print_tone(&flags)
        }
    }
}

fn step_index(plan: &Plan, step: usize) -> Outcome<usize> {
    if step == 0 || step > plan.steps.len() {
        return Err(Error::invalid(
            "step",
            format!("\"{}\" has {} step(s); number them from 1", plan.name, plan.steps.len()),
        )
        .into());
    }
    Ok(step - 1)
}

async fn save_steps(app: &App, plan: &Plan, steps: Vec<Step>) -> Outcome<Plan> {
    let draft = PlanDraft::new(&plan.name, &plan.description, plan.nurture, steps)?;
    Ok(app.store.update_plan(app.account_id(), plan.id, &draft, app.now.timestamp()).await?)
}

/// A step from the flags, on top of `base` when editing one.
fn step_from(fields: &StepFields, base: Option<&Step>) -> Outcome<Step> {
    let delay = match (&fields.delay, base) {
        (Some(delay), _) => delay.clone(),
        (None, Some(base)) => base.delay.clone(),
        (None, None) => {
            return Err(Error::invalid("delay", "give --delay, e.g. \"same day\" or \"3 business days\"").into());
        }
    };
    let body = match (&fields.body, &fields.body_file) {
        (Some(_), Some(_)) => return Err(Error::invalid("body", "give --body or --body-file, not both").into()),
        (Some(body), None) => Some(body.clone()),
        (None, Some(path)) => Some(read_body(path)?),
        (None, None) => None,
    };
    let via = fields.via.as_deref().map(Channel::parse).transpose()?;
    let (base_email, base_task) = match base.map(|step| &step.action) {
        Some(StepAction::Email { subject, body }) => (Some((subject.clone(), body.clone())), None),
        Some(StepAction::Task { text }) => (None, Some(text.clone())),
        None => (None, None),
    };
    if let Some(text) = &fields.task {
        if fields.subject.is_some() || body.is_some() {
            return Err(
                Error::invalid("task", "a step is an email (--subject, --body) or a task (--task), not both").into()
            );
        }
        let channel = via.or(base.filter(|_| base_task.is_some()).map(|step| step.channel)).unwrap_or(Channel::Call);
        return Ok(Step::task(&delay, channel, text)?);
    }
    if fields.subject.is_some() || body.is_some() || base_email.is_some() {
        let (base_subject, base_body) = base_email.unwrap_or_default();
        let subject = fields.subject.clone().unwrap_or(base_subject);
        let body = body.unwrap_or(base_body);
        if subject.trim().is_empty() {
            return Err(Error::invalid("subject", "an email step needs --subject").into());
        }
        if body.trim().is_empty() {
            return Err(Error::invalid("body", "an email step needs --body or --body-file").into());
        }
        return Ok(Step::email(&delay, &subject, &body)?);
    }
    match (base_task, base) {
        (Some(text), Some(step)) => Ok(Step::task(&delay, via.unwrap_or(step.channel), &text)?),
        _ => Err(Error::invalid("step", "give --subject and --body for an email, or --task for a task").into()),
    }
}

fn read_body(path: &str) -> Outcome<String> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|error| Failure::Usage(format!("body-file: cannot read {path}: {error}")))
}

fn step_tone(step: &Step) -> Vec<tone::Flag> {
    match &step.action {
        StepAction::Email { subject, body } => tone::check(&format!("{subject}\n{body}")),
        StepAction::Task { .. } => Vec::new(),
    }
}

fn saved(app: &App, plan: &Plan, step: Option<usize>) -> Outcome {
    let flags = step.and_then(|index| plan.steps.get(index)).map(step_tone).unwrap_or_default();
    if app.json {
        return render::json(&serde_json::json!({ "plan": plan, "tone": flags }));
    }
    print_plan(plan, false)?;
    print_tone(&flags)
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

fn changed(app: &App, enrollment: Enrollment) -> Outcome {
    if app.json {
        return render::json(&enrollment);
    }
    say!("Enrollment {} in \"{}\" is {}.", enrollment.id, enrollment.plan_name, enrollment.state.as_str());
    if enrollment.state.is_live() {
        say!("  next {}", next_run(app, &enrollment));
    }
    Ok(())
}

fn next_run(app: &App, enrollment: &Enrollment) -> String {
    let when = enrollment
        .next_run_at
        .map(|at| at.to_zoned_datetime(app.zone.time_zone()).strftime("%a %Y-%m-%d %H:%M %Z").to_string())
        .unwrap_or_else(|| "—".into());
    match &enrollment.waiting {
        Some(reason) => format!("{when} (waiting: {reason})"),
        None => when,
    }
}
