//! The command line of the library: `tickler library add URL --tag pricing`.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum LibraryCommand {
    /// Add an item: a web address (or --text), with tags; nothing is fetched
    Add(LibraryAddArgs),
    /// List the items, newest first
    Ls(LibraryLsArgs),
    /// Show one item and whom it went to
    Show(LibraryIdArg),
    /// Change some fields of an item
    Edit(LibraryEditArgs),
    /// Remove an item
    Rm(LibraryIdArg),
    /// Share an item with a contact: show the drafted email, or send it through Tickler (--send)
    Share(LibraryShareArgs),
    /// What `{{ library.next }}` would give a contact now
    Next(LibraryNextArgs),
}

/// An item's fields, as flags.
#[derive(Debug, Args, Default)]
pub struct LibraryFields {
    /// The title (default: the web address)
    #[arg(long)]
    pub title: Option<String>,
    /// A line or two on why it is worth reading
    #[arg(long)]
    pub summary: Option<String>,
    /// The thing itself, for a note rather than a link
    #[arg(long)]
    pub text: Option<String>,
    /// A tag (repeat for more): the item goes to contacts sharing one; none: to anyone
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// article, tool, event, offer or note (default: article for a URL, note for a text)
    #[arg(long)]
    pub kind: Option<String>,
}

#[derive(Debug, Args)]
pub struct LibraryAddArgs {
    /// The web address (http or https)
    pub url: Option<String>,
    #[command(flatten)]
    pub fields: LibraryFields,
}

#[derive(Debug, Args)]
pub struct LibraryLsArgs {
    /// Only items with this tag
    #[arg(long)]
    pub tag: Option<String>,
}

#[derive(Debug, Args)]
pub struct LibraryIdArg {
    /// The item's id (see: tickler library ls)
    pub id: String,
}

#[derive(Debug, Args)]
pub struct LibraryEditArgs {
    /// The item's id (see: tickler library ls)
    pub id: String,
    /// A new web address
    #[arg(long)]
    pub url: Option<String>,
    /// Replace the tags with these (repeat --tag)
    #[command(flatten)]
    pub fields: LibraryFields,
}

#[derive(Debug, Args)]
pub struct LibraryShareArgs {
    /// The item's id (see: tickler library ls)
    pub id: String,
    /// The contact: id, email or part of the name
    pub contact: String,
    /// Send it through Tickler: the email is queued, the touch logged, the item recorded as sent
    #[arg(long)]
    pub send: bool,
    /// Replace the drafted subject
    #[arg(long)]
    pub subject: Option<String>,
    /// Replace the drafted body
    #[arg(long)]
    pub body: Option<String>,
}

#[derive(Debug, Args)]
pub struct LibraryNextArgs {
    /// The contact: id, email or part of the name
    pub contact: String,
}
