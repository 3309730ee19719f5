//! `demo`: a fresh database with a small, realistic book of contacts, then today's agenda.

use crate::app::{App, database_url, default_data_dir};
use crate::args::{DemoArgs, Global, TodayArgs};
use crate::failure::{Failure, Outcome};

pub async fn run(global: &Global, args: &DemoArgs) -> Outcome {
    let url = match &global.database {
        Some(url) => database_url(Some(url))?,
        None => default_data_dir()?.join("demo.db").to_string_lossy().into_owned(),
    };
    let is_file = tickler_store::Backend::of_url(&url) == tickler_store::Backend::Sqlite;
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
    let app = App::open_at(global, &url).await?;
    if app.store.count_contacts(app.account_id()).await? == 0 {
        app.store.seed_demo(&app.account, &app.zone, &app.now).await?;
    } else if !global.json {
        say!("Keeping the existing demo data in {url}");
    }
    if !global.json {
        say!("Demo database: {url}\n");
    }
    super::today::run(&app, &TodayArgs { days: 7, limit: 500 }).await?;
    if !global.json {
        say!("\nTry: tickler --database {url} contacts");
        say!("     tickler --database {url} timeline ann");
    }
    Ok(())
}
