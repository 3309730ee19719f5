//! `today`: the agenda — promises at risk, overdue (with how late), today, and the next days.

use jiff::ZonedDateTime;
use serde::Serialize;
use tickler_app::AgendaRow;
use tickler_app::follow_ups::{self, AgendaQuery};
use tickler_app::keep_in_touch::{self, DriftingQuery, Reconnect};
use tickler_app::promises::{self, OpenPromise};
use tickler_core::agenda::{Bucket, ago, bucket, lateness};
use tickler_core::pacing::{self, Neighbour};

use crate::args::TodayArgs;
use crate::context::Context;
use crate::failure::Outcome;
use crate::render;

/// One agenda line with what the agenda decided about it.
#[derive(Serialize)]
struct Item {
    #[serde(flatten)]
    row: AgendaRow,
    bucket: Bucket,
    late: Option<String>,
    /// The pacing rule this item breaks, if any.
    pacing: Option<String>,
}

#[derive(Serialize)]
struct Agenda {
    now: String,
    /// The follow-ups were cut at `--limit`; more are due in the window.
    truncated: bool,
    promises_at_risk: Vec<OpenPromise>,
    /// People past their keep-in-touch cadence, most overdue first.
    reconnect: Vec<Reconnect>,
    /// Plan steps waiting for a new library item, and what to add.
    library_waiting: Vec<tickler_app::library::Waiting>,
    overdue: Vec<Item>,
    today: Vec<Item>,
    upcoming: Vec<Item>,
}

/// What the agenda's lines are judged against: now, and the actor's zone and pacing default.
struct Frame<'a> {
    cx: &'a Context,
    now: ZonedDateTime,
}

pub async fn run(cx: &Context, args: &TodayArgs) -> Outcome {
    let window = AgendaQuery { days: Some(args.days), limit: Some(args.limit) };
    let found = follow_ups::agenda(&cx.app, &cx.actor, &window).await?;
    let at_risk: Vec<OpenPromise> =
        promises::open(&cx.app, &cx.actor).await?.into_iter().filter(|open| open.at_risk).collect();
    let reconnect = keep_in_touch::drifting(&cx.app, &cx.actor, &DriftingQuery { days: Some(0) }).await?.overdue;
    let app = Frame { cx, now: cx.now() };
    let rows = found.items;
    let mut agenda = Agenda {
        now: app.now.to_string(),
        truncated: found.more,
        promises_at_risk: at_risk,
        reconnect,
        library_waiting: tickler_app::library::waiting(&cx.app, &cx.actor).await?,
        overdue: Vec::new(),
        today: Vec::new(),
        upcoming: Vec::new(),
    };
    for row in rows {
        let item = judge(&app, row);
        match item.bucket {
            Bucket::Overdue => agenda.overdue.push(item),
            Bucket::Today => agenda.today.push(item),
            Bucket::Upcoming => agenda.upcoming.push(item),
        }
    }
    if cx.json {
        return render::json(&agenda);
    }
    print_text(&app, &agenda, args.days)
}

fn judge(app: &Frame<'_>, row: AgendaRow) -> Item {
    let due = &row.follow_up.due;
    let contact_zone = row
        .contact_zone
        .as_deref()
        .and_then(|name| tickler_core::contact::ZoneName::parse(name).ok())
        .unwrap_or_else(|| app.cx.actor.zone.clone())
        .time_zone();
    let gap = row.contact_gap_days.unwrap_or(app.cx.actor.account.settings.pacing_gap_days);
    let neighbours: Vec<Neighbour> =
        row.last_touch_at.iter().map(|at| Neighbour::at(*at, &contact_zone, "last touch")).collect();
    // A follow-up the contact asked for is never "too soon".
    let pacing = (!row.follow_up.agreed)
        .then(|| pacing::check(due.date_in(&contact_zone), &neighbours, gap).map(|warning| warning.message()))
        .flatten();
    Item { bucket: bucket(due, &app.now), late: lateness(due, &app.now), pacing, row }
}

fn print_text(app: &Frame<'_>, agenda: &Agenda, days: u32) -> Outcome {
    say!("Agenda for {}", app.now.strftime("%A %-d %B %Y, %H:%M %Z"));
    if !agenda.promises_at_risk.is_empty() {
        say!("\nPromises at risk");
        for item in &agenda.promises_at_risk {
            say!("  {}", render::promise_line(&item.promise, &item.contact_name, &app.now));
            if let Some(draft) = &item.running_late {
                crate::commands::promises::print_draft(draft)?;
            }
        }
    }
    if !agenda.library_waiting.is_empty() {
        say!("\nWaiting for the library");
        for item in &agenda.library_waiting {
            say!("  {} · {}: {}", item.contact_name, item.plan_name, item.reason);
        }
        say!("  (add one: tickler library add URL --tag TAG)");
    }
    if !agenda.reconnect.is_empty() {
        say!("\nReconnect");
        for item in &agenda.reconnect {
            say!("  {}", crate::commands::keep_in_touch::line(item));
        }
        say!("  (log a touch: tickler log ann call \"…\"; hold back: tickler reconnect ann --snooze \"in 2 weeks\")");
    }
    let sections =
        [(Bucket::Overdue, &agenda.overdue), (Bucket::Today, &agenda.today), (Bucket::Upcoming, &agenda.upcoming)];
    for (bucket, items) in sections {
        if items.is_empty() {
            continue;
        }
        let heading = match bucket {
            Bucket::Upcoming => format!("Next {}", tickler_core::agenda::plural(days.into(), "day")),
            other => other.heading().to_string(),
        };
        say!("\n{heading}");
        for item in items {
            say!("{}", line(app, item));
        }
    }
    if agenda.truncated {
        say!(
            "\n(Only the first {} follow-ups are shown; more are due. See them with --limit.)",
            agenda.overdue.len() + agenda.today.len() + agenda.upcoming.len()
        );
    }
    if agenda.overdue.is_empty() && agenda.today.is_empty() && agenda.upcoming.is_empty() {
        say!(
            "\nNothing due in the next {}. Schedule one with: tickler follow ann \"next tuesday\" --via call",
            tickler_core::agenda::plural(days.into(), "day")
        );
    }
    Ok(())
}

fn line(app: &Frame<'_>, item: &Item) -> String {
    let follow_up = &item.row.follow_up;
    let when = match (item.bucket, &item.late) {
        (Bucket::Overdue, Some(late)) => format!("{late} late"),
        (Bucket::Today, _) => follow_up.due.time.map_or("today".to_string(), |_| local_due(app, item)),
        _ => local_due(app, item),
    };
    let purpose = if follow_up.purpose.is_empty() { String::new() } else { format!(" — {}", follow_up.purpose) };
    let mut text = format!(
        "  #{:<6} {:<22} {:<9} {}{purpose}",
        follow_up.id,
        item.row.contact_name,
        follow_up.channel.as_str(),
        when
    );
    if let (Some(at), Some(channel)) = (item.row.last_touch_at, item.row.last_touch_channel) {
        let summary = item.row.last_touch_summary.as_deref().unwrap_or("");
        let summary = if summary.chars().count() > 50 {
            format!("{}…", summary.chars().take(49).collect::<String>())
        } else {
            summary.to_string()
        };
        text.push_str(&format!("\n           last: {} {}: {summary}", channel.as_str(), ago(at, app.now.timestamp())));
    } else {
        text.push_str("\n           last: never touched");
    }
    if let Some(pacing) = &item.pacing {
        text.push_str(&format!("\n           ! {pacing}"));
    }
    if item.row.email_undeliverable {
        text.push_str("\n           ! their email bounced: reach them another way");
    }
    text
}

fn local_due(app: &Frame<'_>, item: &Item) -> String {
    let due = &item.row.follow_up.due;
    match due.time {
        None => due.date.strftime("%a %Y-%m-%d").to_string(),
        Some(_) => {
            due.instant().to_zoned_datetime(app.cx.actor.zone.time_zone()).strftime("%a %Y-%m-%d %H:%M").to_string()
        }
    }
}
