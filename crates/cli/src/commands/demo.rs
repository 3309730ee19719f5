//! `demo`: a fresh database with a small, realistic book of contacts, then today's agenda.

use crate::args::{DemoArgs, Global, TodayArgs};
use crate::context::{Context, database_url, default_data_dir};
use crate::failure::{Failure, Outcome};

pub async fn run(global: &Global, args: &DemoArgs) -> Outcome {
    let url = match &global.database {
        Some(url) => database_url(Some(url))?,
        None => default_data_dir()?.join("demo.db").to_string_lossy().into_owned(),
    };
    let is_file = tickler_app::is_sqlite_url(&url);
    if is_file && !args.keep {
        for suffix in ["", "-wal", "-shm"] {
            let path = format!("{url}{suffix}");
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(Failure::Refused(format!("database: cannot remove {path}: {error}"))),
            }
        }
    }
    let cx = Context::open_at(global, &url).await?;
    if !tickler_app::demo::seed_book(&cx.app, &cx.actor).await? && !global.json {
        say!("Keeping the existing demo data in {url}");
    }
    if !global.json {
        say!("Demo database: {url}\n");
    }
    super::today::run(&cx, &TodayArgs { days: 7, limit: 500 }).await?;
    if !global.json {
        say!("\nTry: tickler --database {url} contacts");
        say!("     tickler --database {url} timeline ann");
    }
    Ok(())
}
