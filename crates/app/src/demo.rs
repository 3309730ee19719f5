//! The demo: ten contacts with their history, follow-ups due around today,
//! promises, and a login for the web app.

use jiff::Timestamp;
use tickler_core::contact::ZoneName;

use crate::error::Result;
use crate::users::{self, UserInput};
use crate::{Actor, App};

/// The demo's login.
pub const DEMO_EMAIL: &str = "demo@tickler.example";
/// The demo's password.
pub const DEMO_PASSWORD: &str = "tickler-demo";

/// Fill the actor's account with the demo book when it has no contacts; whether it did.
pub async fn seed_book(app: &App, actor: &Actor) -> Result<bool> {
    if app.store.count_contacts(actor.account_id()).await? > 0 {
        return Ok(false);
    }
    app.store.seed_demo(&actor.account, &actor.zone, &actor.now_zoned()).await?;
    Ok(true)
}

/// Fill an empty installation with the demo book (in `zone`) and its login; the login's email and password.
pub async fn seed_with_login(app: &App, zone: &ZoneName, now: Timestamp) -> Result<(String, String)> {
    let account = app.default_account(zone, now).await?;
    let actor = Actor::new(account, None, now);
    seed_book(app, &actor).await?;
    if users::count(app).await? == 0 {
        let input = UserInput {
            email: DEMO_EMAIL.to_string(),
            name: Some("Demo".to_string()),
            password: DEMO_PASSWORD.to_string(),
            admin: true,
        };
        users::add_first(app, &input, &actor.zone, now).await?;
    }
    Ok((DEMO_EMAIL.to_string(), DEMO_PASSWORD.to_string()))
}
