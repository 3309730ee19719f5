//! `serve`: the web app, JSON API and calendar feed on one address, and the
//! scheduler (plan steps, alerts, digests) beside them unless `--no-worker`.

use std::path::PathBuf;

use tickler_app::App;
use tickler_app::worker::{self, Clock, WorkerConfig};
use tickler_mail::Mailer;
use tickler_server::{AppState, Config};

use crate::args::{Global, ServeArgs};
use crate::commands::mail::{imap_config, inbound_address, secret_key, smtp_config, watch_settings};
use crate::context::{database_url, default_data_dir, now_instant, system_zone};
use crate::failure::{Failure, Outcome};

pub async fn run(global: &Global, args: &ServeArgs) -> Outcome {
    crate::logging::init(args.log_format)?;
    let config = config(global, args)?;
    let app = App::open(&config.database)
        .await?
        .with_secret_key(secret_key(&args.smtp)?)
        .with_inbound_address(inbound_address(&args.smtp)?)
        .with_public_url(global.public_url.clone());
    let mut config = config;
    if args.demo {
        let zone = match &global.tz {
            Some(zone) => tickler_core::contact::ZoneName::parse(zone)?,
            None => system_zone(),
        };
        let now = config.now.unwrap_or_else(jiff::Timestamp::now);
        config.demo_login = Some(tickler_app::demo::seed_with_login(&app, &zone, now).await?);
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|error| Failure::Refused(format!("listen: cannot listen on {}: {error}", config.listen)))?;
    let address = listener.local_addr()?;
    let metrics_listener = match config.metrics_listen {
        Some(at) => Some(
            tokio::net::TcpListener::bind(at)
                .await
                .map_err(|error| Failure::Refused(format!("metrics-listen: cannot listen on {at}: {error}")))?,
        ),
        None => None,
    };
    let url = match address.ip().is_unspecified() {
        true => format!("http://localhost:{}/", address.port()),
        false => format!("http://{address}/"),
    };
    say!("Tickler is running at {url}");
    say!("Database: {}", tickler_app::redact_database_url(&config.database));
    if let Some((email, password)) = &config.demo_login {
        say!("Sign in as {email} with password {password}");
    } else if tickler_app::users::count(&app).await? == 0 {
        say!("Open {url} to create the first user.");
    }
    if let Some(metrics) = &metrics_listener {
        say!("Metrics: http://{}/metrics", metrics.local_addr()?);
    }
    if args.no_worker {
        say!("The scheduler is not running here (--no-worker); run `tickler worker` beside it.");
    }
    say!("Press Ctrl+C to stop.");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut heartbeat = None;
    let worker = if args.no_worker {
        None
    } else {
        let mailer = Mailer::new(&smtp_config(&args.smtp)?)?;
        let imap = imap_config(&args.smtp, &args.imap)?;
        let watch = watch_settings(&args.smtp, &args.imap)?;
        let clock = match config.now {
            Some(now) => Clock::starting_at(now),
            None => Clock::system(),
        };
        let mut stopped = stopped.clone();
        let worker_app = app.clone();
        let config = WorkerConfig { imap, watch: Some(watch), ..WorkerConfig::new(clock) };
        heartbeat = Some(config.heartbeat.clone());
        Some(tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            };
            worker::run_worker(worker_app, mailer, config, shutdown).await
        }))
    };
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    });
    let state = AppState::with_worker(app.clone(), config, heartbeat);
    if let Some(metrics) = metrics_listener {
        let mut metrics_stopped = stopped.clone();
        let shutdown = async move {
            let _ = metrics_stopped.wait_for(|stop| *stop).await;
        };
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(error) = tickler_server::serve_metrics(metrics, state, shutdown).await {
                tracing::error!("the metrics listener stopped: {error}");
            }
        });
    }
    let mut web_stopped = stopped.clone();
    let web_shutdown = async move {
        let _ = web_stopped.wait_for(|stop| *stop).await;
    };
    tickler_server::serve(listener, state, web_shutdown)
        .await
        .map_err(|error| Failure::Refused(format!("server stopped: {error}")))?;
    if let Some(worker) = worker {
        match worker.await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::error!("worker stopped: {error}"),
            Err(error) => tracing::error!("worker stopped: {error}"),
        }
    }
    app.close().await;
    Ok(())
}

/// Settings: defaults, then the config file, then `TICKLER_*`, then flags.
fn config(global: &Global, args: &ServeArgs) -> Outcome<Config> {
    let database = match (&global.database, args.demo) {
        (Some(url), _) => database_url(Some(url))?,
        (None, true) => fresh_demo_file()?,
        (None, false) => database_url(None)?,
    };
    let mut config = Config::new(database.clone());
    let file = args.config.clone().or_else(|| Some(PathBuf::from("tickler.toml")).filter(|path| path.exists()));
    if let Some(path) = file {
        let text = std::fs::read_to_string(&path)
            .map_err(|error| Failure::Usage(format!("config: cannot read {}: {error}", path.display())))?;
        config.apply_file(&path, &text).map_err(Failure::Usage)?;
    }
    config.apply_env(|name| std::env::var(name).ok()).map_err(Failure::Usage)?;
    // The global flag (or TICKLER_DATABASE, read by the flag parser) wins over the file.
    if global.database.is_some() || args.demo {
        config.database = database;
    }
    if let Some(listen) = &args.listen {
        config.listen =
            tickler_server::config::parse_listen(listen).map_err(|error| Failure::Usage(format!("listen: {error}")))?;
    }
    if let Some(listen) = &args.metrics_listen {
        config.metrics_listen = Some(
            tickler_server::config::parse_listen(listen)
                .map_err(|error| Failure::Usage(format!("metrics-listen: {error}")))?,
        );
    }
    if global.now.is_some() {
        config.now = Some(now_instant(global.now.as_deref())?);
    }
    Ok(config)
}

/// A new, empty demo database file (the last demo's is replaced).
fn fresh_demo_file() -> Outcome<String> {
    let path = default_data_dir()?.join("serve-demo.db").to_string_lossy().into_owned();
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{path}{suffix}");
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(Failure::Refused(format!("database: cannot remove {file}: {error}"))),
        }
    }
    Ok(path)
}

/// Resolves on Ctrl+C or SIGTERM, so connections finish, the sends in flight are recorded and SQLite checkpoints.
pub(crate) async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
