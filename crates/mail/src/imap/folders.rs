//! Which folder holds the mail the user sends: the one the server marks
//! `\Sent` (RFC 6154 SPECIAL-USE), else the one named as mail clients name it
//! ("Sent", "Sent Items", "INBOX.Sent", "[Gmail]/Sent Mail", …), else none.
//!
//! async-imap's LIST takes a reference and a pattern only, so the LIST
//! commands are sent as they are and their answers read here: with
//! SPECIAL-USE or LIST-EXTENDED, `LIST (SPECIAL-USE) "" "*"` lists the
//! special-use folders alone; every server answers `LIST "" "*"`, and many
//! put the special-use attributes in it too. Untagged news of the open folder
//! that arrives in between (a new message's EXISTS) is not kept; the next
//! EXAMINE, FETCH or IDLE reports the folder as it is.

use async_imap::imap_proto::{MailboxDatum, NameAttribute, Response, Status};

use super::{Inbox, failure, within};
use crate::MailError;

/// The names given to the sent folder, best first: lower case, `/` for the server's hierarchy delimiter.
const SENT_NAMES: [&str; 9] = [
    "sent",
    "sent items",
    "sent messages",
    "sent mail",
    "inbox/sent",
    "inbox/sent items",
    "inbox/sent messages",
    "[gmail]/sent mail",
    "[google mail]/sent mail",
];

/// A folder as LIST named it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Folder {
    /// As the server spells it (modified UTF-7 when not ASCII): what EXAMINE takes.
    name: String,
    /// The hierarchy delimiter, when the server has a hierarchy.
    delimiter: Option<String>,
    /// Marked `\Sent`.
    sent: bool,
    /// Neither `\Noselect` nor `\NonExistent`.
    selectable: bool,
}

impl Inbox {
    /// The folder the user's sent mail is kept in, as the server names it (for
    /// [`Inbox::examine`]): the one marked `\Sent`, else the first by name
    /// among "Sent", "Sent Items", "Sent Messages", "Sent Mail" (also below
    /// INBOX) and Gmail's "[Gmail]/Sent Mail", compared without case and
    /// whatever the hierarchy delimiter; `None` when there is none of them.
    pub async fn sent_folder(&mut self) -> Result<Option<String>, MailError> {
        if self.abilities.special_use || self.abilities.list_extended {
            // A server may announce SPECIAL-USE without the LIST selection option: a refusal only means "ask plainly".
            let special = self.list("LIST (SPECIAL-USE) \"\" \"*\"").await?.unwrap_or_default();
            if let Some(sent) = special.into_iter().find(|folder| folder.sent && folder.selectable) {
                return Ok(Some(sent.name));
            }
        }
        let Some(folders) = self.list("LIST \"\" \"*\"").await? else {
            return Err(MailError::Permanent(format!(
                "imap {}:{}: the server refused to list the folders",
                self.config.host, self.config.port
            )));
        };
        Ok(sent_folder_in(&folders))
    }

    /// Send one LIST command and read the folders it answers; `None` when the server refuses it (NO, BAD).
    async fn list(&mut self, command: &str) -> Result<Option<Vec<Folder>>, MailError> {
        let (session, config) = self.parts()?;
        let listed = within(config, "listing the folders", async {
            let tag =
                session.run_command(command).await.map_err(|error| failure(config, "listing the folders", error))?;
            let mut folders = Vec::new();
            loop {
                let closed = || {
                    MailError::Transient(format!(
                        "imap {}:{}: the server closed the connection while listing the folders",
                        config.host, config.port
                    ))
                };
                let response = session
                    .read_response()
                    .await
                    .map_err(|error| MailError::Transient(format!("imap {}:{}: {error}", config.host, config.port)))?
                    .ok_or_else(closed)?;
                match response.parsed() {
                    Response::MailboxData(MailboxDatum::List(list)) => folders.push(Folder {
                        name: list.name.to_string(),
                        delimiter: list.delimiter.as_ref().map(|delimiter| delimiter.to_string()),
                        sent: list.name_attributes.contains(&NameAttribute::Sent),
                        selectable: !list.name_attributes.iter().any(|attribute| match attribute {
                            NameAttribute::NoSelect => true,
                            NameAttribute::Extension(name) => name.eq_ignore_ascii_case("\\NonExistent"),
                            _ => false,
                        }),
                    }),
                    Response::Done { tag: done, status, .. } if *done == tag => {
                        return Ok((*status == Status::Ok).then_some(folders));
                    }
                    Response::Data { status: Status::Bye, .. } => return Err(closed()),
                    _ => {}
                }
            }
        })
        .await;
        self.settle(listed)
    }
}

/// The sent folder among `folders`: the first selectable one marked `\Sent`,
/// else the selectable one whose name comes first in [`SENT_NAMES`].
fn sent_folder_in(folders: &[Folder]) -> Option<String> {
    let selectable = || folders.iter().filter(|folder| folder.selectable);
    if let Some(flagged) = selectable().find(|folder| folder.sent) {
        return Some(flagged.name.clone());
    }
    selectable()
        .filter_map(|folder| {
            let plain = plain_name(folder);
            SENT_NAMES.iter().position(|name| *name == plain).map(|rank| (rank, folder))
        })
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, folder)| folder.name.clone())
}

/// A folder's name in lower case with `/` for its hierarchy delimiter: `INBOX.Sent` → `inbox/sent`.
fn plain_name(folder: &Folder) -> String {
    let name = folder.name.to_lowercase();
    match folder.delimiter.as_deref() {
        Some(delimiter) if !delimiter.is_empty() && delimiter != "/" => name.replace(delimiter, "/"),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str, delimiter: &str) -> Folder {
        Folder { name: name.into(), delimiter: Some(delimiter.into()), sent: false, selectable: true }
    }

    #[test]
    fn the_flagged_folder_wins_over_the_names() {
        let mut flagged = folder("Gesendet", "/");
        flagged.sent = true;
        assert_eq!(sent_folder_in(&[folder("INBOX", "/"), folder("Sent", "/"), flagged]), Some("Gesendet".into()));
    }

    #[test]
    fn without_a_flag_the_common_names_are_found_whatever_the_case_and_delimiter() {
        let cases: [(&[Folder], Option<&str>); 8] = [
            (&[folder("INBOX", "/"), folder("Sent", "/")], Some("Sent")),
            (&[folder("INBOX", "."), folder("INBOX.Sent", ".")], Some("INBOX.Sent")),
            (&[folder("INBOX", "/"), folder("SENT ITEMS", "/")], Some("SENT ITEMS")),
            (
                &[folder("[Gmail]", "/"), folder("[Gmail]/Sent Mail", "/"), folder("INBOX", "/")],
                Some("[Gmail]/Sent Mail"),
            ),
            (&[folder("Sent Messages", "."), folder("Sent", ".")], Some("Sent")),
            (&[folder("INBOX", "/"), folder("Archive/Sent", "/"), folder("Sent-old", "/")], None),
            (&[folder("INBOX", "/"), folder("INBOX/Sent Items", "/")], Some("INBOX/Sent Items")),
            (&[], None),
        ];
        for (folders, expected) in cases {
            assert_eq!(sent_folder_in(folders).as_deref(), expected, "{folders:?}");
        }
    }

    #[test]
    fn a_folder_that_cannot_be_opened_is_passed_over() {
        let mut sent = folder("Sent", "/");
        sent.selectable = false;
        sent.sent = true;
        assert_eq!(sent_folder_in(&[sent.clone(), folder("Sent Items", "/")]), Some("Sent Items".into()));
        assert_eq!(sent_folder_in(&[sent]), None);
    }
}
