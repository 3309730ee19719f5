//! `migrate`: apply the pending migrations and name them; `migrate --check`
//! changes nothing and exits 1 listing what is pending. Both refuse a
//! database migrated by a newer tickler, naming the migrations this binary lacks.

use tickler_app::{App, Migration, SchemaStatus};

use crate::args::{Global, MigrateArgs};
use crate::context::database_url;
use crate::failure::{Failure, Outcome};
use crate::render;

pub async fn run(global: &Global, args: &MigrateArgs) -> Outcome {
    let url = database_url(global.database.as_deref())?;
    let app = App::connect(&url).await?;
    let result = if args.check { check(&app, global.json).await } else { migrate(&app, global.json).await };
    app.close().await;
    result
}

/// "3 (keep in touch), 4 (mailboxes)".
fn list(migrations: &[Migration]) -> String {
    migrations.iter().map(Migration::to_string).collect::<Vec<_>>().join(", ")
}

async fn check(app: &App, json: bool) -> Outcome {
    let status = app.schema_status().await?;
    if json {
        render::json(&serde_json::json!({
            "current": status.is_current(),
            "applied": status.applied,
            "pending": status.pending,
            "unknown": status.unknown,
            "failed": status.failed,
        }))?;
    }
    match status.problem() {
        None => {
            if !json {
                say!("The schema is current: {} migration(s) applied.", status.applied.len());
            }
            Ok(())
        }
        Some(problem) => Err(Failure::Refused(format!("{problem}{}", hint(&status)))),
    }
}

/// What to do about a schema that is not current.
fn hint(status: &SchemaStatus) -> &'static str {
    if !status.unknown.is_empty() || !status.failed.is_empty() { "" } else { "; run `tickler migrate` to apply them" }
}

async fn migrate(app: &App, json: bool) -> Outcome {
    let applied = app.migrate().await?;
    let status = app.schema_status().await?;
    if json {
        return render::json(&serde_json::json!({ "applied": applied, "current": status.is_current() }));
    }
    match applied.is_empty() {
        true => say!("The schema is current: {} migration(s) applied, nothing to do.", status.applied.len()),
        false => say!("Applied {} migration(s): {}.", applied.len(), list(&applied)),
    }
    Ok(())
}
