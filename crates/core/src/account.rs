//! The account: the owner of every row, and the settings its users work by.

use serde::{Deserialize, Serialize};

use crate::contact::ZoneName;
use crate::ids::AccountId;
use crate::when::DateOrder;
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

/// What the account works by: its zone, working week, pacing default and
/// the order it writes numeric dates in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settings {
    pub zone: ZoneName,
    pub work_week: WorkWeek,
    /// Minimum days between touches of one contact, unless the contact overrides it.
    pub pacing_gap_days: u32,
    /// How "3/4/2027" is read; `None` follows the zone's country (see [`Settings::date_order`]).
    #[serde(default)]
    pub date_order: Option<DateOrder>,
}

impl Settings {
    /// Defaults for a new account in `zone`.
    pub fn new(zone: ZoneName) -> Self {
        Settings {
            zone,
            work_week: WorkWeek::default(),
            pacing_gap_days: crate::pacing::DEFAULT_GAP_DAYS,
            date_order: None,
        }
    }

    /// The date order in force: the one chosen, else the zone country's.
    pub fn date_order(&self) -> DateOrder {
        self.date_order.unwrap_or_else(|| DateOrder::for_zone(self.zone.as_str()))
    }
}
