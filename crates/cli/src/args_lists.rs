//! The command line of newsletter lists.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum ListsCommand {
    /// Every list with how many are subscribed, waiting to confirm, and left
    List,
    /// Create a list ("tickler lists create \"Monthly letter\"")
    Create(ListCreateArgs),
    /// Add contacts to a list, recorded with why ("tickler lists add \"Monthly letter\" ann bob --reason \"asked at the fair\"")
    Add(ListMembersArgs),
    /// Take contacts off a list: they leave it (not "do not contact")
    Remove(ListMembersArgs),
    /// The members of a list, with how and when each joined or left
    Members(ListMembersQueryArgs),
}

#[derive(Debug, Args)]
pub struct ListCreateArgs {
    /// The list's name, unique ignoring case
    pub name: String,
    /// What the list is
    #[arg(long)]
    pub description: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListMembersArgs {
    /// The list: id or name
    pub list: String,
    /// The contacts: id, email or name
    #[arg(required = true)]
    pub contacts: Vec<String>,
    /// Why they join or leave
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListMembersQueryArgs {
    /// The list: id or name
    pub list: String,
    /// Only those in this state: pending, subscribed or left
    #[arg(long)]
    pub state: Option<String>,
}
