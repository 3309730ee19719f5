//! `worker`: run the scheduler alone (`--once` for what is due now).

use jiff::SignedDuration;
use tickler_app::worker::{self, Clock, WorkerConfig};
use tickler_mail::Mailer;

use crate::args::WorkerArgs;
use crate::commands::mail::{imap_config, smtp_config, watch_settings};
use crate::context::Context;
use crate::failure::{Failure, Outcome};
use crate::render;

pub async fn run(cx: &Context, args: WorkerArgs) -> Outcome {
    crate::logging::init(args.log_format)?;
    let mailer = Mailer::new(&smtp_config(&args.smtp)?)?;
    // With --now the calendar is fixed at that instant and time runs on from it, so leases still expire.
    let clock = match std::env::args().any(|arg| arg == "--now" || arg.starts_with("--now="))
        || std::env::var_os("TICKLER_NOW").is_some()
    {
        true => Clock::starting_at(cx.actor.now),
        false => Clock::system(),
    };
    let mut config = WorkerConfig::new(clock);
    config.batch = args.batch.max(1);
    config.lease = SignedDuration::from_secs(i64::from(args.lease_seconds.max(1)));
    config.concurrency = args.concurrency.max(1);
    config.lanes = args.lanes.max(1);
    config.imap = imap_config(&args.smtp, &args.imap)?;
    let watch = watch_settings(&args.smtp, &args.imap)?;
    let app = cx.app.clone().with_inbound_address(watch.inbound.clone());
    let cx = &Context { app, actor: cx.actor.clone(), json: cx.json };
    config.watch = Some(watch);
    if args.once {
        // Replies first: one that arrived since the last run stops its plan before the next email goes.
        let replies = match &config.imap {
            Some(imap) => {
                Some(worker::check_replies(&cx.app, imap, &config.clock).await.map_err(tickler_app::Error::from)?)
            }
            None => None,
        };
        // Then each user's own mailbox, once; one that fails is reported and the rest go on.
        let mut synced = Vec::new();
        for mailbox in tickler_app::mail_accounts::watched_mailboxes(&cx.app).await? {
            match tickler_app::mailbox::sync(&cx.app, &mailbox, cx.app.inbound_address(), &config.clock, &mut |_| {})
                .await
            {
                Ok(report) => synced.push(report),
                Err(error) => tracing::warn!(user_id = mailbox.user_id.get(), "reading the mailbox: {error}"),
            }
        }
        let report = worker::drain(&cx.app, &mailer, &config).await.map_err(tickler_app::Error::from)?;
        if cx.json {
            return render::json(&serde_json::json!({
                "claimed": report.claimed, "sent": report.sent, "held": report.held,
                "closed": report.closed, "failed": report.failed,
                "replies": replies.as_ref().map(|replies| replies.replies.len()),
                "mailboxes": synced,
            }));
        }
        if let Some(replies) = &replies {
            say!(
                "Read {} new message(s) in {}: {} reply(ies) recorded.",
                replies.read,
                replies.mailbox,
                replies.replies.len()
            );
        }
        for report in &synced {
            say!(
                "Read {} new message(s) in {}: {} received and {} sent email(s) logged.",
                report.read,
                report.mailbox,
                report.received,
                report.sent
            );
        }
        say!(
            "Claimed {} job(s): {} email(s) sent, {} waiting, {} closed, {} failed.",
            report.claimed,
            report.sent,
            report.held,
            report.closed,
            report.failed
        );
        return Ok(());
    }
    if let Some(listen) = &args.metrics_listen {
        serve_metrics(cx, listen).await?;
    }
    tracing::info!(owner = %config.owner, "worker running; stop with Ctrl-C or SIGTERM");
    let shutdown = crate::commands::serve::shutdown_signal();
    Ok(worker::run_worker(cx.app.clone(), mailer, config, shutdown).await.map_err(tickler_app::Error::from)?)
}

/// Serve `/metrics` on `listen` beside the worker, for as long as the process runs.
async fn serve_metrics(cx: &Context, listen: &str) -> Outcome {
    let at = tickler_server::config::parse_listen(listen)
        .map_err(|error| Failure::Usage(format!("metrics-listen: {error}")))?;
    let listener = tokio::net::TcpListener::bind(at)
        .await
        .map_err(|error| Failure::Refused(format!("metrics-listen: cannot listen on {at}: {error}")))?;
    let address = listener.local_addr()?;
    let state = tickler_server::AppState::new(cx.app.clone(), tickler_server::Config::new(String::new()));
    tokio::spawn(async move {
        if let Err(error) = tickler_server::serve_metrics(listener, state, std::future::pending()).await {
            tracing::error!("the metrics listener stopped: {error}");
        }
    });
    tracing::info!("metrics at http://{address}/metrics");
    Ok(())
}
