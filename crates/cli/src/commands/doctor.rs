//! `doctor`: check the database, the schema, the relay, the reply mailbox,
//! the zone and the clock, one line each (OK, WARN or FAIL, with what to
//! change); exit 0 only when every check is OK. Applies no migration and
//! sends nothing (a SQLite file that is not there is created empty).

use tickler_app::doctor::{self, Check, Level};

use crate::args::{DoctorArgs, Global};
use crate::commands::mail::{imap_config, smtp_config};
use crate::context::database_url;
use crate::failure::{Failure, Outcome};
use crate::render;

pub async fn run(global: &Global, args: &DoctorArgs) -> Outcome {
    let mut checks = Vec::new();
    let (app, database) = doctor::database(&database_url(global.database.as_deref())?).await;
    checks.push(database);
    match &app {
        Some(app) => {
            checks.push(doctor::migrations(app).await);
            checks.push(doctor::clock(app).await);
        }
        None => {
            for name in ["migrations", "clock"] {
                checks.push(Check {
                    name,
                    level: Level::Fail,
                    detail: "not checked: the database does not answer".into(),
                    fix: Some("fix the database first".into()),
                });
            }
        }
    }
    checks.push(doctor::smtp(smtp_config(&args.smtp).map_err(|failure| failure.message().to_string())).await);
    checks
        .push(doctor::imap(imap_config(&args.smtp, &args.imap).map_err(|failure| failure.message().to_string())).await);
    checks.push(doctor::zone(global.tz.as_deref()));
    if let Some(app) = app {
        app.close().await;
    }
    let not_ok = checks.iter().filter(|check| check.level != Level::Ok).count();
    if global.json {
        render::json(&serde_json::json!({ "ok": not_ok == 0, "checks": checks }))?;
    } else {
        for check in &checks {
            let fix = check.fix.as_deref().map(|fix| format!(" — {fix}")).unwrap_or_default();
            say!("{:<4} {:<10} {}{fix}", check.level.word(), check.name, check.detail);
        }
    }
    match not_ok {
        0 => Ok(()),
        _ => {
            let named: Vec<&str> =
                checks.iter().filter(|check| check.level != Level::Ok).map(|check| check.name).collect();
            Err(Failure::Refused(format!("{not_ok} check(s) not OK: {}", named.join(", "))))
        }
    }
}
