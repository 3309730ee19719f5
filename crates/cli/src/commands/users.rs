//! `user add`, `user list`: the people who sign in to the web app.

use std::io::{IsTerminal, Read};

use tickler_app::users::{self, UserInput};

use crate::args::{UserAddArgs, UserCommand};
use crate::context::Context;
use crate::failure::Outcome;
use crate::render;

pub async fn run(cx: &Context, command: UserCommand) -> Outcome {
    match command {
        UserCommand::Add(args) => add(cx, args).await,
        UserCommand::List => list(cx).await,
    }
}

async fn add(cx: &Context, args: UserAddArgs) -> Outcome {
    let stdin = std::io::stdin();
    let (password, made_up) = if stdin.is_terminal() {
        (tickler_app::secret::random_secret()[..20].to_string(), true)
    } else {
        let mut text = String::new();
        stdin.lock().read_to_string(&mut text)?;
        (text.trim_end_matches(['\r', '\n']).to_string(), false)
    };
    let input = UserInput { email: args.email.clone(), name: args.name.clone(), password, admin: args.admin };
    let user = match &args.new_account {
        Some(name) => users::add_account(&cx.app, name, &input, &cx.actor.zone, cx.actor.now).await?.1,
        None => users::add(&cx.app, &cx.actor, &input).await?,
    };
    if cx.json {
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

async fn list(cx: &Context) -> Outcome {
    let users = users::list(&cx.app, &cx.actor).await?;
    if cx.json {
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
