//! The account: the owner of every row, and the settings its users work by.

use serde::{Deserialize, Serialize};

use crate::contact::ZoneName;
use crate::ids::AccountId;
use crate::work_week::WorkWeek;

/// An account and its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: AccountId,
    pub name: String,
    pub settings: Settings,
}

/// What the account works by: its zone, working week and pacing default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settings {
    pub zone: ZoneName,
    pub work_week: WorkWeek,
    /// Minimum days between touches of one contact, unless the contact overrides it.
    pub pacing_gap_days: u32,
}

impl Settings {
    /// Defaults for a new account in `zone`.
    pub fn new(zone: ZoneName) -> Self {
        Settings { zone, work_week: WorkWeek::default(), pacing_gap_days: crate::pacing::DEFAULT_GAP_DAYS }
    }
}
