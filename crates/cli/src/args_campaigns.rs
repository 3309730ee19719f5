//! The command line of newsletter campaigns.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// Every campaign with its progress (sent, waiting, failed, skipped, unsubscribed)
    List,
    /// Write a campaign for a list, in Markdown (a draft until scheduled)
    Create(CampaignCreateArgs),
    /// One campaign and its progress
    Show(CampaignRef),
    /// The message as a contact would get it, with the tone check
    Preview(CampaignPreviewArgs),
    /// Send the message, as a contact would get it, to yourself (the worker sends it; "[Test]" before the subject)
    Test(CampaignTestArgs),
    /// Send from a natural-language moment in the account's zone ("first tuesday of next month 9am"), or now
    Schedule(CampaignScheduleArgs),
    /// Pause sending; resume carries on where it stopped
    Pause(CampaignRef),
    /// Resume a paused campaign
    Resume(CampaignRef),
    /// Stop a campaign for good
    Cancel(CampaignRef),
}

#[derive(Debug, Args)]
pub struct CampaignRef {
    /// The campaign's id
    pub id: i64,
}

#[derive(Debug, Args)]
pub struct CampaignCreateArgs {
    /// The list: id or name
    pub list: String,
    #[arg(long)]
    pub subject: String,
    /// The letter in Markdown (template fields such as {{ contact.first_name }} work); `-` reads standard input
    #[arg(long)]
    pub body: String,
    /// Messages a minute (default 60)
    #[arg(long)]
    pub per_minute: Option<u32>,
}

#[derive(Debug, Args)]
pub struct CampaignPreviewArgs {
    pub id: i64,
    /// The contact: id, email or name
    pub contact: String,
}

#[derive(Debug, Args)]
pub struct CampaignScheduleArgs {
    pub id: i64,
    /// When ("first tuesday of next month 9am"); default now
    pub when: Option<String>,
}

#[derive(Debug, Args)]
pub struct CampaignTestArgs {
    pub id: i64,
    /// The contact it is rendered for: id, email or name
    pub contact: String,
    /// Where to send it (default: your From address)
    #[arg(long)]
    pub to: Option<String>,
}
