//! `token create`: an API token for a user, made from the command line (for
//! scripts and benchmarks that have no browser to visit the settings page).

use tickler_app::{access, users};

use crate::args::{TokenCommand, TokenCreateArgs};
use crate::context::Context;
use crate::failure::Outcome;
use crate::render;

pub async fn run(cx: &Context, command: TokenCommand) -> Outcome {
    match command {
        TokenCommand::Create(args) => create(cx, args).await,
    }
}

async fn create(cx: &Context, args: TokenCreateArgs) -> Outcome {
    let user = users::by_email(&cx.app, &args.user).await?;
    let created = access::create_token(&cx.app, &user, &args.name, cx.actor.now).await?;
    if cx.json {
        return render::json(&created);
    }
    say!(
        "API token #{} \"{}\" for {} (shown once; send it as Authorization: Bearer <token>):",
        created.token.id,
        created.token.name,
        user.email.as_str()
    );
    say!("{}", created.secret);
    Ok(())
}
