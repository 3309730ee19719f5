//! `backup FILE` and `restore FILE [--merge]`: every record of the account
//! as one JSON document, and back. A restore refuses a database that holds
//! records unless merging, and a bad file writes nothing.

use std::io::Write;

use tickler_app::export;

use crate::args::{BackupArgs, RestoreArgs};
use crate::context::Context;
use crate::failure::{Failure, Outcome};
use crate::render;

pub async fn backup(cx: &Context, args: BackupArgs) -> Outcome {
    let counts = if args.file == "-" {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        export::backup(&cx.app, &cx.actor, &mut out).await?
    } else {
        // Written beside the target and renamed when complete, so a failed backup never leaves half a file.
        let partial = format!("{}.partial", args.file);
        let file = std::fs::File::create(&partial)
            .map_err(|error| Failure::Refused(format!("file: cannot write {partial}: {error}")))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        let counts = export::backup(&cx.app, &cx.actor, &mut out).await;
        let finished = counts.is_ok() && out.flush().is_ok();
        drop(out);
        if !finished {
            let _ = std::fs::remove_file(&partial);
        }
        let counts = counts?;
        std::fs::rename(&partial, &args.file)
            .map_err(|error| Failure::Refused(format!("file: cannot write {}: {error}", args.file)))?;
        counts
    };
    if args.file == "-" {
        return Ok(());
    }
    if cx.json {
        return render::json(&serde_json::json!({ "file": args.file, "sections": counts }));
    }
    let records: u64 = counts.values().sum();
    say!("Backed up {records} records to {} ({} contacts).", args.file, counts.get("contacts").copied().unwrap_or(0));
    Ok(())
}

pub async fn restore(cx: &Context, args: RestoreArgs) -> Outcome {
    let summary = if args.file == "-" {
        export::restore(&cx.app, &cx.actor, std::io::stdin().lock(), args.merge).await?
    } else {
        let file = std::fs::File::open(&args.file)
            .map_err(|error| Failure::Usage(format!("file: cannot read {}: {error}", args.file)))?;
        export::restore(&cx.app, &cx.actor, file, args.merge).await?
    };
    if cx.json {
        return render::json(&summary);
    }
    let records: u64 = summary.restored.values().sum();
    let contacts = summary.restored.get("contacts").copied().unwrap_or(0);
    say!("Restored {records} records from {} ({contacts} contacts).", args.file);
    if summary.contacts_already_present > 0 {
        say!(
            "{} contacts of the backup were already here (same email) and were kept as they are, with their records.",
            summary.contacts_already_present
        );
    }
    if !summary.users_not_found.is_empty() {
        say!(
            "No user here signs in as {}: their mail accounts were left out and their plans' emails go through the \
             relay. Add them (tickler user add) and restore again to keep them.",
            summary.users_not_found.join(", ")
        );
    }
    std::io::stdout().flush()?;
    Ok(())
}
