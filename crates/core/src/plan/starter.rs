//! The plans every account starts with, drawn from good follow-up practice:
//! each touch gives the contact something (thanks, a useful idea, a check on
//! how things went) rather than asking whether they saw the last one.
//! They are ordinary plans once created: users edit or delete them freely.

use super::{PlanDraft, Step};
use crate::touch::Channel;

/// The starter plans, in the order they are listed.
pub fn starter_plans() -> Vec<PlanDraft> {
    [after_meeting(), cold_prospect(), after_purchase(), client_retention(), not_now()]
        .into_iter()
        .map(|(name, description, nurture, steps)| PlanDraft {
            name: name.to_string(),
            description: description.to_string(),
            nurture,
            steps: steps.into_iter().map(|step| step.expect("starter steps are valid")).collect(),
        })
        .collect()
}

type Starter = (&'static str, &'static str, bool, Vec<crate::Result<Step>>);

fn after_meeting() -> Starter {
    (
        "After an interview or meeting",
        "A thank-you the same day, a follow-up when the date they gave passes, a check-in within a month, a holiday note in December.",
        false,
        vec![
            Step::email(
                "same day",
                "Thank you for today, {{ contact.first_name }}",
                "Hi {{ contact.first_name }},\n\n\
                 Thank you for taking the time to meet today.\
                 {% if last_touch %} I especially enjoyed our conversation about {{ last_touch.summary }}.{% endif %} \
                 It gave me a much clearer picture of what matters to you{% if contact.organisation %} and to the team at {{ contact.organisation }}{% endif %}.\n\n\
                 If anything comes up that I can help with in the meantime, or if a document or reference would be useful, \
                 I'd be glad to send it over.\n\n\
                 {{ sender.signature }}",
            ),
            Step::email(
                "1 week",
                "A thought after our conversation",
                "Hi {{ contact.first_name }},\n\n\
                 Since we spoke I've been thinking about what you described, and I wanted to share one idea \
                 that might be useful whatever you decide: it often helps to list the two or three outcomes that \
                 would make the next quarter a success, and check each option against them.\n\n\
                 If it would help to talk through next steps, I'm happy to find a time that suits you. \
                 And if you need a little longer on your side, that's completely fine.\n\n\
                 {{ sender.signature }}",
            ),
            Step::task(
                "3 weeks",
                Channel::Call,
                "Call to check in: ask how their plans are going and offer something useful",
            ),
            Step::task("Dec 10", Channel::Postcard, "Send a holiday note: handwritten, personal, no ask"),
        ],
    )
}

fn cold_prospect() -> Starter {
    (
        "Cold prospect",
        "Touches spaced out over six months, each one adding value: an introduction, a resource, an idea, a check-in.",
        false,
        vec![
            Step::email(
                "same day",
                "An idea for {% if contact.organisation %}{{ contact.organisation }}{% else %}you{% endif %}",
                "Hi {{ contact.first_name }},\n\n\
                 I work with teams like yours on keeping every client conversation moving, and I noticed something \
                 that might be worth a look: most follow-ups that go unanswered simply arrive at a busy moment, \
                 not at a bad idea.\n\n\
                 If that rings true{% if contact.organisation %} at {{ contact.organisation }}{% endif %}, \
                 I'd be happy to share what has worked for others. A one-line reply is plenty.\n\n\
                 {{ sender.signature }}",
            ),
            Step::email(
                "1 month",
                "Something you might find useful",
                "Hi {{ contact.first_name }},\n\n\
                 I came across a short guide on planning follow-ups around your clients' calendars rather than your \
                 own, and thought of you. The main takeaway: one useful message at the right moment beats three \
                 reminders.\n\n\
                 Happy to send it over if you'd like it.\n\n\
                 {{ sender.signature }}",
            ),
            Step::task("2 months", Channel::Call, "Call with one concrete idea for them; listen more than pitch"),
            Step::email(
                "3 months",
                "A quick update that may interest you",
                "Hi {{ contact.first_name }},\n\n\
                 A lot can change in a few months, so here is a brief update on what we've been working on and \
                 one lesson from it that applies to most teams: write down the next step and its date at the end \
                 of every conversation.\n\n\
                 If the timing is better now, I'd be glad to talk. If not, no problem at all.\n\n\
                 {{ sender.signature }}",
            ),
        ],
    )
}

fn after_purchase() -> Starter {
    (
        "After a purchase",
        "A check-in two to three days after delivery, then a quarterly review call for the first year.",
        false,
        vec![
            Step::email(
                "3 days",
                "How is everything going?",
                "Hi {{ contact.first_name }},\n\n\
                 Thank you again for your order. By now it should be with you, and I wanted to make sure \
                 everything arrived as expected and is working the way you hoped.\n\n\
                 Here is a tip most customers find helpful in the first week: set aside fifteen minutes to go \
                 through the basics once, and keep a note of any question that comes up. Send me the list and \
                 I'll answer all of it in one go.\n\n\
                 {{ sender.signature }}",
            ),
            Step::task("3 months", Channel::Call, "Quarterly review call: what's working, what could be better")
                .and_then(|step| step.repeating("every quarter, 4 times")),
        ],
    )
}

fn client_retention() -> Starter {
    (
        "Client retention",
        "A monthly letter on the first Tuesday, a quarterly review, a card on their birthday and a holiday card every \
         December, each on its own schedule until the plan is stopped.",
        false,
        vec![
            Step::email(
                "1 month",
                "This month: one idea worth your time",
                "Hi {{ contact.first_name }},\n\n\
                 Here is this month's short note: one idea we've seen work well for clients like you, and one \
                 thing we're improving on our side.\n\n\
                 As always, if there is anything you'd like us to look at together, just reply to this email.\n\n\
                 {{ sender.signature }}",
            )
            .and_then(|step| step.repeating("every month on the first tuesday")),
            Step::task("2 months", Channel::Call, "Quarterly review: results so far, plans for next quarter")
                .and_then(|step| step.repeating("every quarter")),
            Step::task("on their birthday", Channel::Postcard, "Birthday card: handwritten, personal")
                .and_then(|step| step.repeating("every year")),
            Step::task("Dec 10", Channel::Postcard, "Holiday card: a personal note of thanks for the year")
                .and_then(|step| step.repeating("every year")),
        ],
    )
}

fn not_now() -> Starter {
    (
        "Not now",
        "For contacts who said \"not now\": a newsletter only, then a re-ask at the agreed time.",
        true,
        vec![
            Step::email(
                "1 month",
                "A short read while the timing isn't right",
                "Hi {{ contact.first_name }},\n\n\
                 You mentioned the timing wasn't right, and that's completely understood. In the meantime, here \
                 is a short note we share with people in the same position: three questions worth answering \
                 before any decision of this kind, so that when the time comes it takes a day, not a month.\n\n\
                 No need to reply.\n\n\
                 {{ sender.signature }}",
            ),
            Step::task("2 months", Channel::Call, "Re-ask at the agreed time: has anything changed on their side?"),
        ],
    )
}
