//! Who each email goes out through: the user it belongs to, through their own
//! SMTP server and From when they set one ([`crate::mail_accounts`]), else the
//! installation's relay. A user's mailer (a pool of connections to their
//! server) is built once and kept for the worker's life, keyed by user; each
//! drain re-reads a user's mail account once, the first time one of their
//! emails goes, and builds a new mailer only when the account changed.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use tickler_core::ids::UserId;
use tickler_mail::Mailer;
use tickler_store::{OutboundEmail, SendFailure};

use super::{Clock, to_email};
use crate::App;

/// The relay and each user's own mailer. Cheap to clone; clones share the mailers.
#[derive(Clone)]
pub(crate) struct Senders(Arc<Shared>);

struct Shared {
    app: App,
    relay: Mailer,
    /// Raised at each drain: a user's mail account is read again once per round.
    round: AtomicU64,
    users: tokio::sync::Mutex<HashMap<UserId, Known>>,
}

/// What was last read of one user's mail account.
struct Known {
    /// The round it was last checked in.
    round: u64,
    /// When the account was last changed (`None`: the user has none).
    changed: Option<Timestamp>,
    route: Route,
}

/// How one user's emails go out.
#[derive(Clone)]
enum Route {
    Relay,
    Own {
        mailer: Mailer,
        from_name: String,
        from_address: String,
    },
    /// Their account is set but cannot be used (a password that does not open, a bad setting): why.
    Broken(String),
}

impl Senders {
    pub(crate) fn new(app: &App, relay: &Mailer) -> Senders {
        Senders(Arc::new(Shared {
            app: app.clone(),
            relay: relay.clone(),
            round: AtomicU64::new(0),
            users: tokio::sync::Mutex::new(HashMap::new()),
        }))
    }

    /// The application the worker acts for.
    pub(crate) fn app(&self) -> &App {
        &self.0.app
    }

    /// Start a round: each user's mail account is read again the next time one of their emails goes.
    pub(crate) fn next_round(&self) {
        self.0.round.fetch_add(1, Ordering::Relaxed);
    }

    /// Hand one email to its sender's server: the relay for a notice or a plan
    /// enrolled by no user, else the user's own server (with their From) when set.
    pub(crate) async fn send(&self, email: &OutboundEmail, clock: &Clock) -> Result<String, SendFailure> {
        let failed =
            |error: tickler_mail::MailError| SendFailure { permanent: error.is_permanent(), reason: error.to_string() };
        let route = match email.user_id {
            Some(user) => self.route(user).await?,
            None => Route::Relay,
        };
        let mut message = to_email(email, clock.now());
        let mailer = match &route {
            Route::Relay => &self.0.relay,
            Route::Own { mailer, from_name, from_address } => {
                message.from_address.clone_from(from_address);
                if !from_name.is_empty() {
                    message.from_name.clone_from(from_name);
                }
                mailer
            }
            Route::Broken(reason) => {
                return Err(SendFailure {
                    permanent: false,
                    reason: format!("the sender's own mail server: {reason}"),
                });
            }
        };
        mailer.send(&message).await.map_err(failed)
    }

    /// The route of `user`'s emails, read at most once per round.
    async fn route(&self, user: UserId) -> Result<Route, SendFailure> {
        let round = self.0.round.load(Ordering::Relaxed);
        let mut users = self.0.users.lock().await;
        if let Some(known) = users.get(&user)
            && known.round == round
        {
            return Ok(known.route.clone());
        }
        let stored = self.0.app.store().mail_account_of_user(user).await.map_err(|error| SendFailure {
            permanent: false,
            reason: format!("reading the sender's mail account: {error}"),
        })?;
        let changed = stored.as_ref().map(|stored| stored.updated_at);
        if let Some(known) = users.get_mut(&user)
            && known.changed == changed
        {
            known.round = round;
            return Ok(known.route.clone());
        }
        let route = match stored.as_ref().map(|stored| crate::mail_accounts::smtp_from(&self.0.app, stored)) {
            None | Some(Ok(None)) => Route::Relay,
            Some(Ok(Some(config))) => match Mailer::new(&config) {
                Ok(mailer) => Route::Own { mailer, from_name: config.from_name, from_address: config.from_address },
                Err(error) => Route::Broken(error.to_string()),
            },
            Some(Err(error)) => Route::Broken(error.message),
        };
        users.insert(user, Known { round, changed, route: route.clone() });
        Ok(route)
    }
}
