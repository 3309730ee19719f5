//! Action plans: an ordered list of steps, each a delay after the previous
//! one or a date on the calendar (a birthday, "Dec 10", a holiday), and
//! either an email sent automatically or a task that lands on the agenda. A
//! step may repeat ("every 3 months"): its first run comes in order, then it
//! comes back on its own while the plan goes on. An enrollment is one contact
//! walking through one plan; stop rules end it when the contact answers,
//! decides, or asks not to be contacted.

mod repeat;
mod starter;
mod timing;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

pub use repeat::{Every, REPEAT_EXAMPLES, Repeat, RepeatEnd};
pub use starter::starter_plans;
pub use timing::{Anchors, TIMING_EXAMPLES, Timing};

use crate::error::{Error, Result};
use crate::ids::{ContactId, EnrollmentId, PlanId};
use crate::names::parse_named;
use crate::template;
use crate::touch::{Channel, Direction, Outcome};
use crate::work_week::WorkWeek;

/// Longest plan name, in characters.
pub const MAX_NAME: usize = 120;
/// Most steps in one plan: a sequence longer than this is a newsletter, not a plan.
pub const MAX_STEPS: usize = 50;

/// What a step does when it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum StepAction {
    /// An email rendered from a template and sent automatically.
    Email { subject: String, body: String },
    /// A task for the user ("call", "handwritten note", "postcard"), put on the agenda.
    Task { text: String },
}

impl StepAction {
    /// The stored kind name.
    pub fn kind(&self) -> &'static str {
        match self {
            StepAction::Email { .. } => "email",
            StepAction::Task { .. } => "task",
        }
    }
}

/// One step of a plan; valid by construction (its delay parses, its template compiles).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Step {
    /// When the step runs, as the user wrote it: a delay counted from the previous step
    /// ("3 business days") or a date on the calendar ("on their birthday", "Dec 10", "thanksgiving").
    pub delay: String,
    /// How the step comes back, as the user wrote it ("every 3 months", "every year, 4 times"); empty: once.
    #[serde(default)]
    pub repeat: String,
    pub channel: Channel,
    #[serde(flatten)]
    pub action: StepAction,
}

impl Step {
    /// An email step; the subject and body must be valid templates.
    pub fn email(delay: &str, subject: &str, body: &str) -> Result<Step> {
        template::check("subject", subject)?;
        template::check("body", body)?;
        if subject.trim().is_empty() {
            return Err(Error::invalid("subject", "an email step needs a subject"));
        }
        if body.trim().is_empty() {
            return Err(Error::invalid("body", "an email step needs a body"));
        }
        Step::checked(delay, Channel::Email, StepAction::Email { subject: subject.trim().into(), body: body.into() })
    }

    /// A task step put on the agenda, done by the user through `channel`.
    pub fn task(delay: &str, channel: Channel, text: &str) -> Result<Step> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::invalid("task", "say what to do, e.g. \"call to ask how the first week went\""));
        }
        Step::checked(delay, channel, StepAction::Task { text: text.into() })
    }

    fn checked(delay: &str, channel: Channel, action: StepAction) -> Result<Step> {
        Timing::parse(delay).map_err(|error| Error::invalid("delay", error))?;
        Ok(Step { delay: delay.trim().to_string(), repeat: String::new(), channel, action })
    }

    /// The same step coming back as `repeat` says ("every 3 months"; blank: once).
    pub fn repeating(self, repeat: &str) -> Result<Step> {
        let rule = Repeat::parse(repeat).map_err(|error| Error::invalid("repeat", error))?;
        let repeat = if rule.is_some() { repeat.trim().to_string() } else { String::new() };
        Ok(Step { repeat, ..self })
    }

    /// When the step runs (valid by construction; a stored value that no longer parses counts as "same day").
    pub fn timing(&self) -> Timing {
        Timing::parse(&self.delay).unwrap_or(Timing::After(crate::when::Delay::Days(0)))
    }

    /// How the step comes back; `None` when it runs once.
    pub fn repetition(&self) -> Option<Repeat> {
        Repeat::parse(&self.repeat).ok().flatten()
    }

    /// The first run of this step when the previous one ran at `previous`, on the
    /// calendar of `zone`; `None` when its date is unknown (no birthday on record).
    pub fn first_run(
        &self,
        previous: Timestamp,
        anchors: &Anchors,
        zone: &TimeZone,
        work_week: &WorkWeek,
    ) -> Option<Timestamp> {
        let first = self.timing().first(previous, anchors, zone, work_week)?;
        Some(self.repetition().map_or(first, |repeat| repeat.align(first, zone)))
    }

    /// The run after the one at `previous` (the `runs`-th so far) of a repeating step;
    /// `None` once it is over or when the step runs once.
    pub fn next_run(
        &self,
        previous: Timestamp,
        runs: u32,
        anchors: &Anchors,
        zone: &TimeZone,
        work_week: &WorkWeek,
    ) -> Option<Timestamp> {
        self.repetition()?.next(previous, runs, &self.timing(), anchors, zone, work_week)
    }

    /// One line for listings: "2 days · email \"Thank you\" · every 3 months".
    pub fn summary(&self) -> String {
        let what = match &self.action {
            StepAction::Email { subject, .. } => format!("email \"{subject}\""),
            StepAction::Task { text } => format!("{}: {text}", self.channel.as_str()),
        };
        match self.repeat.as_str() {
            "" => format!("{} · {what}", self.delay),
            repeat => format!("{} · {what} · {repeat}", self.delay),
        }
    }
}

/// Where a plan's walk goes from step `from` on, the previous step having run at `previous`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Walk {
    /// Repeating steps reached on the way: each starts its own schedule (step, first run),
    /// and the walk goes straight on, the steps after one counting from the same `previous`.
    pub forks: Vec<(u32, Timestamp)>,
    /// The next step the walk waits for, and when it runs; `None`: the walk is over.
    pub next: Option<(u32, Timestamp)>,
}

/// The walk from step `from`: repeating steps fork off, a step whose date is
/// unknown (a birthday not on record) is passed over, and the first other
/// step is where the walk waits.
pub fn walk(
    steps: &[Step],
    from: usize,
    previous: Timestamp,
    anchors: &Anchors,
    zone: &TimeZone,
    work_week: &WorkWeek,
) -> Walk {
    let mut walk = Walk::default();
    for (index, step) in steps.iter().enumerate().skip(from) {
        let (Ok(index), Some(at)) = (u32::try_from(index), step.first_run(previous, anchors, zone, work_week)) else {
            continue;
        };
        if step.repeat.is_empty() {
            walk.next = Some((index, at));
            break;
        }
        walk.forks.push((index, at));
    }
    walk
}

/// A plan to create or replace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDraft {
    pub name: String,
    pub description: String,
    /// A nurture plan also runs for "not now" contacts (newsletters and the re-ask).
    pub nurture: bool,
    pub steps: Vec<Step>,
}

impl PlanDraft {
    /// Check the name and the number of steps.
    pub fn new(name: &str, description: &str, nurture: bool, steps: Vec<Step>) -> Result<PlanDraft> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(Error::invalid("name", "a plan needs a name, e.g. \"After interview\""));
        }
        if name.chars().count() > MAX_NAME {
            return Err(Error::invalid("name", format!("is longer than {MAX_NAME} characters")));
        }
        if steps.len() > MAX_STEPS {
            return Err(Error::invalid("steps", format!("a plan has at most {MAX_STEPS} steps")));
        }
        Ok(PlanDraft { name, description: description.trim().to_string(), nurture, steps })
    }
}

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: PlanId,
    pub name: String,
    pub description: String,
    pub nurture: bool,
    pub steps: Vec<Step>,
}

/// The life of an enrollment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum EnrollmentState {
    Active,
    Paused,
    Stopped,
    Finished,
}

impl EnrollmentState {
    /// Every state.
    pub const ALL: [EnrollmentState; 4] =
        [EnrollmentState::Active, EnrollmentState::Paused, EnrollmentState::Stopped, EnrollmentState::Finished];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EnrollmentState::Active => "active",
            EnrollmentState::Paused => "paused",
            EnrollmentState::Stopped => "stopped",
            EnrollmentState::Finished => "finished",
        }
    }

    /// Read a stored state.
    pub fn parse(raw: &str) -> Result<Self> {
        parse_named("state", raw, &Self::ALL, Self::as_str)
    }

    /// Whether the enrollment still has steps to run (now or after a resume).
    pub fn is_live(self) -> bool {
        matches!(self, EnrollmentState::Active | EnrollmentState::Paused)
    }
}

/// A contact in a plan: where they are and when the next step runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrollment {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: EnrollmentId,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub plan_id: PlanId,
    pub plan_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub contact_id: ContactId,
    pub state: EnrollmentState,
    /// Index of the next step to run (0-based).
    pub next_step: u32,
    /// When the next step is due; `None` once stopped or finished.
    pub next_run_at: Option<Timestamp>,
    /// Why the next step is waiting (outside business hours, pacing gap, a send failure).
    pub waiting: Option<String>,
    /// Why the enrollment stopped.
    pub stop_reason: Option<String>,
    /// For the runs of a repeating step after its first: the step (0-based) this row repeats.
    #[serde(default)]
    pub repeats_step: Option<u32>,
    /// Which run of the repeating step this is (the first run, in the plan's order, is 1).
    #[serde(default = "first_occurrence")]
    pub occurrence: u32,
    pub started_at: Timestamp,
    pub updated_at: Timestamp,
}

fn first_occurrence() -> u32 {
    1
}

/// Why a touch stops the contact's plans: they replied, or decided.
pub fn stop_reason_for_touch(direction: Direction, outcome: Option<Outcome>) -> Option<String> {
    match outcome {
        Some(Outcome::Replied) => Some("replied".to_string()),
        Some(outcome @ (Outcome::NotNow | Outcome::Never | Outcome::MeetingBooked | Outcome::Bought)) => {
            Some(format!("outcome {}", outcome.as_str()))
        }
        _ if direction == Direction::In => Some("replied".to_string()),
        _ => None,
    }
}

/// The reason recorded when a person stops an enrollment.
pub const STOPPED_BY_PERSON: &str = "stopped by a person";
/// The reason recorded when the contact became do-not-contact.
pub const STOPPED_DO_NOT_CONTACT: &str = "contact is do-not-contact";
/// The reason recorded when a "not now" contact is in a plan that is not a nurture plan.
pub const STOPPED_NOT_NOW: &str = "contact said not now";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_check_their_delay_and_template() {
        assert!(Step::email("2 days", "Hi", "Hello {{ contact.first_name }}").is_ok());
        let error = Step::email("soonish", "Hi", "x").unwrap_err().to_string();
        assert!(error.starts_with("delay:"), "{error}");
        let error = Step::email("2 days", "Hi", "Hello {{ contact.frist_name }}").unwrap_err().to_string();
        assert!(error.starts_with("body:") && error.contains("contact.frist_name"), "{error}");
        assert!(Step::task("1 week", Channel::Call, " ").is_err());
    }

    #[test]
    fn the_next_run_counts_from_the_previous_step_in_the_zone() {
        let step = Step::task("3 business days", Channel::Call, "call").unwrap();
        let friday = "2026-11-27T15:00:00Z".parse::<Timestamp>().unwrap();
        let zone = TimeZone::get("America/New_York").unwrap();
        let next = step.first_run(friday, &Anchors::default(), &zone, &WorkWeek::default());
        assert_eq!(next, Some("2026-12-02T15:00:00Z".parse::<Timestamp>().unwrap()));
    }

    #[test]
    fn steps_without_a_known_date_are_passed_over() {
        let steps = vec![
            Step::task("on their birthday", Channel::Postcard, "card").unwrap().repeating("every year").unwrap(),
            Step::task("Dec 10", Channel::Postcard, "holiday card").unwrap(),
        ];
        let now = "2026-12-01T12:00:00Z".parse::<Timestamp>().unwrap();
        let zone = TimeZone::UTC;
        let at = |text: &str| text.parse::<Timestamp>().unwrap();
        let found = walk(&steps, 0, now, &Anchors::default(), &zone, &WorkWeek::default());
        assert_eq!(found, Walk { forks: vec![], next: Some((1, at("2026-12-10T09:00:00Z"))) });
        // With a birthday on record the card forks off on its own schedule and the walk goes on.
        let ann = Anchors { birthday: Some(jiff::civil::date(1980, 12, 5)) };
        let found = walk(&steps, 0, now, &ann, &zone, &WorkWeek::default());
        assert_eq!(found.forks, vec![(0, at("2026-12-05T09:00:00Z"))]);
        assert_eq!(found.next, Some((1, at("2026-12-10T09:00:00Z"))));
        assert_eq!(walk(&steps, 2, now, &ann, &zone, &WorkWeek::default()), Walk::default());
        let error =
            Step::task("2 days", Channel::Call, "x").unwrap().repeating("now and then").unwrap_err().to_string();
        assert!(error.starts_with("repeat:"), "{error}");
    }

    #[test]
    fn replies_and_decisions_stop_plans() {
        assert_eq!(stop_reason_for_touch(Direction::In, None).as_deref(), Some("replied"));
        assert_eq!(stop_reason_for_touch(Direction::Out, Some(Outcome::Bought)).as_deref(), Some("outcome bought"));
        assert_eq!(stop_reason_for_touch(Direction::Out, Some(Outcome::NoAnswer)), None);
        assert_eq!(stop_reason_for_touch(Direction::Out, None), None);
    }

    #[test]
    fn starter_plans_are_valid_and_light() {
        let plans = starter_plans();
        assert_eq!(plans.len(), 5);
        for plan in &plans {
            assert!(!plan.steps.is_empty(), "{}", plan.name);
            for step in &plan.steps {
                if let StepAction::Email { subject, body } = &step.action {
                    let flags = crate::tone::check(&format!("{subject}\n{body}"));
                    assert!(flags.is_empty(), "{}: {flags:?}", plan.name);
                }
            }
        }
    }
}
