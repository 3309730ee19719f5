//! `mail account show|set|clear|test`: a user's own SMTP server and mailbox
//! (`--user EMAIL`, else the account's first user); `mail key`, a new
//! secret key to seal the stored passwords with; and `mail rekey`, the stored
//! passwords sealed again under a new key. Passwords are read from
//! standard input or a file, never from a flag's value (which `ps` shows).

use std::io::Read;

use tickler_app::mail_accounts::{self, MailAccountInput, MailAccountView, MailServerView};
use tickler_app::{Actor, SecretKey, users};

use crate::args::{MailAccountCommand, MailAccountSetArgs};
use crate::context::Context;
use crate::failure::{Failure, Outcome};
use crate::render;

pub async fn run(cx: &Context, command: MailAccountCommand) -> Outcome {
    match command {
        MailAccountCommand::Show(args) => {
            let actor = actor_for(cx, args.user.as_deref()).await?;
            print(cx, &mail_accounts::show(&cx.app, &actor).await?)
        }
        MailAccountCommand::Set(args) => {
            let actor = actor_for(cx, args.user.as_deref()).await?;
            let input = input(&args)?;
            print(cx, &mail_accounts::update(&cx.app, &actor, &input).await?)
        }
        MailAccountCommand::Clear(args) => {
            let actor = actor_for(cx, args.user.as_deref()).await?;
            let view = mail_accounts::clear(&cx.app, &actor).await?;
            if cx.json {
                return render::json(&view);
            }
            say!("Removed the mail account of {}: their emails go through the relay.", view.user_email);
            Ok(())
        }
        MailAccountCommand::Test(args) => {
            let actor = actor_for(cx, args.account.user.as_deref()).await?;
            let sent = mail_accounts::send_test(&cx.app, &actor, &args.to).await?;
            if cx.json {
                return render::json(&sent);
            }
            say!("Sent to {} through {}.", sent.to, sent.server);
            say!("The server answered: {}", sent.answer);
            Ok(())
        }
    }
}

/// `mail rekey`: every stored password sealed again under the current key,
/// opened with the old one from `TICKLER_OLD_SECRET_KEY` (an environment
/// variable, as the current key: a flag's value is shown by `ps`).
pub async fn rekey(cx: &Context) -> Outcome {
    let old = std::env::var("TICKLER_OLD_SECRET_KEY").unwrap_or_default();
    if old.trim().is_empty() {
        return Err(Failure::Usage(
            "TICKLER_OLD_SECRET_KEY: not set; put the key the passwords were sealed with there, and the new one in \
             TICKLER_SECRET_KEY (or secret_key in the --mail-config file)"
                .into(),
        ));
    }
    let old = SecretKey::parse(&old).map_err(|error| {
        Failure::Usage(format!("TICKLER_OLD_SECRET_KEY{}", error.message.strip_prefix("secret_key").unwrap_or("")))
    })?;
    let report = mail_accounts::reseal(&cx.app, &old).await?;
    let done = format!(
        "Sealed {} password{} again under the current key; {} already opened with it.",
        report.resealed,
        if report.resealed == 1 { "" } else { "s" },
        report.current
    );
    if !report.unopened.is_empty() {
        let one = report.unopened.len() == 1;
        return Err(Failure::Refused(format!(
            "{} stored password{} with neither key, left as {} (set {} again with `tickler mail account set`): {}. {done}",
            report.unopened.len(),
            if one { " opens" } else { "s open" },
            if one { "it is" } else { "they are" },
            if one { "it" } else { "them" },
            report.unopened.join(", ")
        )));
    }
    if cx.json {
        return render::json(&report);
    }
    say!("{done}");
    Ok(())
}

/// `mail key`: a new key, and where to put it.
pub fn key(json: bool) -> Outcome {
    let key = SecretKey::generate()?.to_base64();
    if json {
        return render::json(&serde_json::json!({ "secret_key": key }));
    }
    say!("{key}");
    say!();
    say!("A new secret key. The mail passwords people store are sealed with it, and only it opens them:");
    say!("keep it secret, keep a copy, and give the same key to every `tickler serve` and `tickler worker`");
    say!("of this database, in one of");
    say!("  TICKLER_SECRET_KEY={key}");
    say!("  secret_key = {key}    (at the top of the --mail-config file, before any [section])");
    say!("A backup holds the passwords sealed: they open after a restore only where this key is set.");
    Ok(())
}

/// The actor as the user named by `--user`, else the account's first user.
pub(crate) async fn actor_for(cx: &Context, user: Option<&str>) -> Outcome<Actor> {
    let user = users::pick(&cx.app, &cx.actor, user).await?;
    Ok(Actor { user: Some(user), ..cx.actor.clone() })
}

/// The action's input from the flags: `--clear` empties fields first, then the flags set theirs.
fn input(args: &MailAccountSetArgs) -> Outcome<MailAccountInput> {
    let mut input = MailAccountInput::default();
    let empty = || Some(String::new());
    for field in &args.clear {
        match field.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "smtp" => {
                (input.smtp_host, input.smtp_security, input.smtp_username, input.smtp_password) =
                    (empty(), empty(), empty(), empty());
                input.smtp_port = Some(0);
            }
            "imap" => {
                (input.imap_host, input.imap_security, input.imap_username, input.imap_password) =
                    (empty(), empty(), empty(), empty());
                input.imap_port = Some(0);
            }
            "smtp-port" => input.smtp_port = Some(0),
            "smtp-security" => input.smtp_security = empty(),
            "smtp-username" => input.smtp_username = empty(),
            "smtp-password" => input.smtp_password = empty(),
            "from-name" => input.from_name = empty(),
            "from-address" => input.from_address = empty(),
            "imap-port" => input.imap_port = Some(0),
            "imap-security" => input.imap_security = empty(),
            "imap-username" => input.imap_username = empty(),
            "imap-password" => input.imap_password = empty(),
            "inbox-folder" => input.inbox_folder = empty(),
            "sent-folder" => input.sent_folder = empty(),
            other => {
                return Err(Failure::Usage(format!(
                    "clear: \"{other}\" is not a field; choose smtp, imap, smtp-port, smtp-security, smtp-username, \
                     smtp-password, from-name, from-address, imap-port, imap-security, imap-username, imap-password, \
                     inbox-folder or sent-folder"
                )));
            }
        }
    }
    let set = |place: &mut Option<String>, value: &Option<String>| {
        if let Some(value) = value {
            *place = Some(value.clone());
        }
    };
    set(&mut input.smtp_host, &args.smtp_host);
    set(&mut input.smtp_security, &args.smtp_security);
    set(&mut input.smtp_username, &args.smtp_username);
    set(&mut input.from_name, &args.from_name);
    set(&mut input.from_address, &args.from_address);
    set(&mut input.imap_host, &args.imap_host);
    set(&mut input.imap_security, &args.imap_security);
    set(&mut input.imap_username, &args.imap_username);
    set(&mut input.inbox_folder, &args.inbox_folder);
    set(&mut input.sent_folder, &args.sent_folder);
    set(&mut input.unknown, &args.unknown);
    input.smtp_port = args.smtp_port.or(input.smtp_port);
    input.imap_port = args.imap_port.or(input.imap_port);
    if args.smtp_password_stdin && args.imap_password_stdin {
        return Err(Failure::Usage(
            "imap-password-stdin: standard input holds one password; give the other with --imap-password-file".into(),
        ));
    }
    let smtp = password("smtp-password", args.smtp_password_stdin, args.smtp_password_file.as_deref())?;
    let imap = password("imap-password", args.imap_password_stdin, args.imap_password_file.as_deref())?;
    input.smtp_password = smtp.or(input.smtp_password);
    input.imap_password = imap.or(input.imap_password);
    if input.is_empty() {
        return Err(Failure::Usage(
            "nothing to set: give --smtp-host, --imap-host or another field (see: tickler mail account set --help)"
                .into(),
        ));
    }
    Ok(input)
}

/// A password from standard input or a file: its first line, whole (spaces kept).
fn password(flag: &str, stdin: bool, file: Option<&str>) -> Outcome<Option<String>> {
    let text = match (stdin, file) {
        (true, Some(_)) => {
            return Err(Failure::Usage(format!("{flag}: give it on standard input or in a file, not both")));
        }
        (true, None) => {
            let mut text = String::new();
            std::io::stdin()
                .lock()
                .read_to_string(&mut text)
                .map_err(|error| Failure::Usage(format!("{flag}-stdin: cannot read standard input: {error}")))?;
            text
        }
        (false, Some(path)) => std::fs::read_to_string(path)
            .map_err(|error| Failure::Usage(format!("{flag}-file: cannot read {path}: {error}")))?,
        (false, None) => return Ok(None),
    };
    let line = text.lines().next().unwrap_or_default().to_string();
    if line.is_empty() {
        let source = if stdin { "standard input" } else { "the file" };
        return Err(Failure::Usage(format!(
            "{flag}: {source} holds no password; to remove the stored one use --clear {flag}"
        )));
    }
    Ok(Some(line))
}

fn print(cx: &Context, view: &MailAccountView) -> Outcome {
    if cx.json {
        return render::json(view);
    }
    let server = |server: &MailServerView| {
        let login = match &server.username {
            Some(name) => format!(" as {name}"),
            None => String::new(),
        };
        let password = if server.password_set { "password set" } else { "no password" };
        format!("{}:{} ({}){login}, {password}", server.host, server.port, server.security)
    };
    say!("Mail account of {}", view.user_email);
    match &view.smtp {
        Some(smtp) => say!("  SMTP     {}", server(smtp)),
        None => say!("  SMTP     not set: plan emails go through the installation's relay"),
    }
    match (view.from_name.as_str(), view.from_address.as_str()) {
        ("", "") => say!("  From     not set: the account's sender name, and your SMTP username when it is an address"),
        (name, "") => say!("  From     {name}, and your SMTP username when it is an address"),
        ("", address) => say!("  From     the account's sender name <{address}>"),
        (name, address) => say!("  From     {name} <{address}>"),
    }
    match &view.imap {
        Some(imap) => {
            say!("  IMAP     {}", server(imap));
            let sent = view.sent_folder.as_deref().unwrap_or("the folder marked \\Sent");
            say!("  Folders  inbox {}, sent {sent}", view.inbox_folder);
        }
        None => say!("  IMAP     not set: no mailbox is watched"),
    }
    say!("  Mail from people who are not contacts: {}", view.unknown.as_str());
    Ok(())
}
