//! `user add`, `user list`: the people who sign in to the web app.

use std::io::{IsTerminal, Read};

use tickler_server::users::{UserInput, add_account, add_user};

use crate::app::App;
use crate::args::{UserAddArgs, UserCommand};
use crate::failure::{Failure, Outcome};
use crate::render;

pub async fn run(app: &App, command: UserCommand) -> Outcome {
    match command {
        UserCommand::Add(args) => add(app, args).await,
        UserCommand::List => list(app).await,
    }
}

async fn add(app: &App, args: UserAddArgs) -> Outcome {
    let stdin = std::io::stdin();
    let (password, made_up) = if stdin.is_terminal() {
        (tickler_server::auth::secret::random_secret()[..20].to_string(), true)
    } else {
        let mut text = String::new();
        stdin.lock().read_to_string(&mut text)?;
        (text.trim_end_matches(['\r', '\n']).to_string(), false)
    };
    let input = UserInput { email: args.email.clone(), name: args.name.clone(), password, admin: args.admin };
    let now = app.now.timestamp();
    let fail = |failure: tickler_server::error::Failure| match failure.status.as_u16() {
        400 | 422 => Failure::Usage(failure.message),
        _ => Failure::Refused(failure.message),
    };
    let user = match &args.new_account {
        Some(name) => add_account(&app.store, name, &input, &app.zone, now).await.map_err(fail)?.1,
        None => add_user(&app.store, app.account_id(), &input, now).await.map_err(fail)?,
    };
    if app.json {
        return render::json(&user);
    }
    say!(
        "Added {} <{}>{} to account {}",
        user.name,
        user.email.as_str(),
        if user.is_admin { " (admin)" } else { "" },
        user.account_id
    );
    if made_up {
        say!("Password (shown once): {}", input.password);
    }
    Ok(())
}

async fn list(app: &App) -> Outcome {
    let users = app.store.users(app.account_id()).await?;
    if app.json {
        return render::json(&users);
    }
    if users.is_empty() {
        say!("No users yet: run `tickler serve` and open it in a browser, or `tickler user add EMAIL --admin`.");
    }
    for user in users {
        say!("#{} {} <{}>{}", user.id, user.name, user.email.as_str(), if user.is_admin { " admin" } else { "" });
    }
    Ok(())
}
