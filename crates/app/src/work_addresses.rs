//! A user's work addresses: where to BCC or forward mail to log it, and the
//! reminder addresses (`+3days`), on their own watched mailbox and on the
//! installation's inbound mailbox (with their secret, made on first use).
//! A new secret retires the old one: its addresses stop working at once.

use serde::Serialize;
use tickler_core::ids::UserId;
use tickler_core::user::User;
use tickler_core::work_address::{self, Addresses};

use crate::error::{Error, Kind, Result};
use crate::{Actor, App};

/// The user's work addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkAddresses {
    /// On their own mailbox (when Tickler watches it).
    pub own: Option<Addresses>,
    /// On the installation's inbound mailbox (when one is set up), with their secret.
    pub inbound: Option<Addresses>,
    /// Messages to these addresses ignored so far because the sender was not verified.
    pub ignored: u64,
}

/// The signed-in (or chosen) user an action on their own mail is for.
pub fn user_of(actor: &Actor) -> Result<&User> {
    actor.user.as_ref().ok_or_else(|| Error {
        kind: Kind::Invalid,
        message: "this is about one user's mail: say which user (the account has none yet: add one first)".into(),
        field: Some("user"),
    })
}

/// The user's work addresses; their secret is made the first time it is needed.
pub async fn show(app: &App, actor: &Actor) -> Result<WorkAddresses> {
    let user = user_of(actor)?;
    addresses(app, user.id, false, actor.now).await
}

/// Make a new secret: the installation-mailbox addresses change, the old ones stop working.
pub async fn renew(app: &App, actor: &Actor) -> Result<WorkAddresses> {
    let user = user_of(actor)?;
    if app.inbound_address().is_none() {
        return Err(Error {
            kind: Kind::Refused,
            message: "there is no installation inbound mailbox (set address in the [imap] section of the mail \
                      settings or TICKLER_IMAP_ADDRESS); your own mailbox's addresses need no secret"
                .into(),
            field: None,
        });
    }
    addresses(app, user.id, true, actor.now).await
}

async fn addresses(app: &App, user_id: UserId, renew: bool, now: jiff::Timestamp) -> Result<WorkAddresses> {
    // The user's own mailbox, when Tickler watches it: its login when that is an address, else their own address.
    let own = match app.store.mail_account_of_user(user_id).await? {
        Some(account) if account.settings.imap.host.is_some() => {
            let login = account.settings.imap.username.unwrap_or_default().trim().to_lowercase();
            let address = if login.contains('@') {
                Some(login)
            } else {
                app.store.own_addresses(user_id).await?.into_iter().next()
            };
            address.and_then(|address| work_address::on_own_mailbox(&address))
        }
        _ => None,
    };
    let inbound = match app.inbound_address() {
        Some(inbound) => {
            let secret = match (renew, app.store.address_secret(user_id).await?) {
                (false, Some(secret)) => secret,
                _ => {
                    let secret = new_secret();
                    app.store.replace_address_secret(user_id, &secret, now).await?;
                    secret
                }
            };
            work_address::on_inbound_mailbox(inbound, &secret)
        }
        None => None,
    };
    let ignored = app.store.mailbox_state(&crate::mailbox::ignored_key(user_id)).await?.0;
    Ok(WorkAddresses { own, inbound, ignored })
}

/// Reminder addresses that work, in the form of `address` (own mailbox or inbound).
pub(crate) async fn examples_like(app: &App, user_id: UserId, address: &str) -> Result<Vec<String>> {
    let base = work_address::PlusAddress::split(address).map(|plus| plus.base()).unwrap_or_default();
    let inbound = app.inbound_address().map(str::to_lowercase);
    let addresses = if inbound.as_deref() == Some(base.as_str()) {
        let secret = app.store.address_secret(user_id).await?.unwrap_or_default();
        work_address::on_inbound_mailbox(&base, &secret)
    } else {
        work_address::on_own_mailbox(&base)
    };
    Ok(addresses.map(|addresses| addresses.examples).unwrap_or_default())
}

fn new_secret() -> String {
    let mut bytes = [0u8; work_address::SECRET_CHARS];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    work_address::secret_from(&bytes)
}
