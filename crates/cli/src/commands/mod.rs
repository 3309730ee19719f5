//! One module per group of commands; `run` dispatches.

mod backup;
mod campaigns;
mod consent;
mod contacts;
mod demo;
mod doctor;
mod export;
mod follow_ups;
mod import;
mod keep_in_touch;
mod library;
mod lists;
mod mail;
mod mail_account;
mod mailbox;
mod migrate;
mod plans;
mod progress;
mod promises;
mod reports;
mod serve;
mod settings;
mod timeline;
mod today;
mod tokens;
mod touches;
mod users;
mod when;
mod worker;

use crate::args::{Cli, Command, MailAccountCommand, MailCommand};
use crate::context::Context;
use crate::failure::Outcome;

/// Run one parsed command line.
pub async fn run(cli: Cli) -> Outcome {
    let global = cli.global;
    if let Command::When(args) = &cli.command {
        return when::run(&global, args);
    }
    if let Command::Demo(args) = &cli.command {
        return demo::run(&global, args).await;
    }
    if let Command::Serve(args) = &cli.command {
        return serve::run(&global, args).await;
    }
    if let Command::Migrate(args) = &cli.command {
        return migrate::run(&global, args).await;
    }
    if let Command::Doctor(args) = &cli.command {
        return doctor::run(&global, args).await;
    }
    if let Command::Mail(MailCommand::Key) = &cli.command {
        return mail_account::key(global.json);
    }
    // The secret key, for the commands that seal or open stored passwords.
    let key_source = match &cli.command {
        Command::Mail(MailCommand::Account(command)) => Some(match command {
            MailAccountCommand::Show(args) | MailAccountCommand::Clear(args) => &args.smtp,
            MailAccountCommand::Set(args) => &args.smtp,
            MailAccountCommand::Test(args) => &args.account.smtp,
        }),
        Command::Mail(MailCommand::Addresses(args)) => Some(&args.smtp),
        Command::Mail(MailCommand::Rekey(args)) => Some(&args.smtp),
        Command::Mail(MailCommand::Check(args)) => Some(&args.smtp),
        Command::Worker(args) => Some(&args.smtp),
        _ => None,
    };
    let secret_key = key_source.map(mail::secret_key).transpose()?.flatten();
    let app = Context::open(&global).await?.with_secret_key(secret_key);
    let result = match cli.command {
        Command::Add(args) => contacts::add(&app, args).await,
        Command::Contacts(args) => contacts::list(&app, args).await,
        Command::Show(args) => contacts::show(&app, &args.contact).await,
        Command::Edit(args) => contacts::edit(&app, args).await,
        Command::Rm(args) => contacts::remove(&app, &args.contact).await,
        Command::Log(args) => touches::log(&app, args).await,
        Command::Follow(args) => follow_ups::follow(&app, args).await,
        Command::Today(args) => today::run(&app, &args).await,
        Command::Drifting(args) => keep_in_touch::drifting(&app, &args).await,
        Command::Report(args) => reports::run(&app, &args).await,
        Command::Cadence(args) => keep_in_touch::cadence(&app, args).await,
        Command::Reconnect(args) => keep_in_touch::reconnect(&app, args).await,
        Command::Done(args) => follow_ups::done(&app, args).await,
        Command::Snooze(args) => follow_ups::snooze(&app, args).await,
        Command::Skip(args) => follow_ups::skip(&app, args.id).await,
        Command::Email(args) => follow_ups::email(&app, args).await,
        Command::Promise(args) => promises::promise(&app, args).await,
        Command::Promises => promises::list(&app).await,
        Command::Kept(args) => promises::kept(&app, args.id).await,
        Command::Late(args) => promises::late(&app, args).await,
        Command::Consent(args) => consent::run(&app, args).await,
        Command::Timeline(args) => timeline::run(&app, &args.contact).await,
        Command::Settings(args) => settings::run(&app, args).await,
        Command::Import(args) => import::run(&app, args).await,
        Command::Export(args) => export::run(&app, args).await,
        Command::Backup(args) => backup::backup(&app, args).await,
        Command::Restore(args) => backup::restore(&app, args).await,
        Command::Plan(command) => plans::run(&app, command).await,
        Command::Lists { command } => lists::run(&app, command).await,
        Command::Campaign(command) => campaigns::run(&app, command).await,
        Command::Enroll(args) => plans::enroll(&app, args).await,
        Command::Enrollments(args) => plans::enrollments(&app, args).await,
        Command::Template(command) => plans::template(&app, command).await,
        Command::Library(command) => library::run(&app, command).await,
        Command::Mail(command) => mail::run(&app, command).await,
        Command::Worker(args) => worker::run(&app, args).await,
        Command::User(command) => users::run(&app, command).await,
        Command::Token(command) => tokens::run(&app, command).await,
        Command::When(_) | Command::Demo(_) | Command::Serve(_) | Command::Migrate(_) | Command::Doctor(_) => Ok(()),
    };
    // Closing checkpoints SQLite's write-ahead log, leaving one tidy file.
    app.app.close().await;
    result
}
