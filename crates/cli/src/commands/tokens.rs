//! `token create`: an API token for a user, made from the command line (for
//! scripts and benchmarks that have no browser to visit the settings page).

use tickler_core::contact::EmailAddress;
use tickler_server::api::account::create_api_token;

use crate::app::App;
use crate::args::{TokenCommand, TokenCreateArgs};
use crate::failure::{Failure, Outcome};
use crate::render;

pub async fn run(app: &App, command: TokenCommand) -> Outcome {
    match command {
        TokenCommand::Create(args) => create(app, args).await,
    }
}

async fn create(app: &App, args: TokenCreateArgs) -> Outcome {
    let email = EmailAddress::parse(&args.user)?;
    let Some(credentials) = app.store.credentials(&email).await? else {
        return Err(Failure::Usage(format!(
            "no user signs in with {}; see them with: tickler user list",
            email.as_str()
        )));
    };
    let created =
        create_api_token(&app.store, &credentials.user, &args.name, app.now.timestamp()).await.map_err(|failure| {
            match failure.status.as_u16() {
                400 | 422 => Failure::Usage(failure.message),
                _ => Failure::Refused(failure.message),
            }
        })?;
    if app.json {
        return render::json(&created);
    }
    say!(
        "API token #{} \"{}\" for {} (shown once; send it as Authorization: Bearer <token>):",
        created.token.id,
        created.token.name,
        credentials.user.email.as_str()
    );
    say!("{}", created.secret);
    Ok(())
}
