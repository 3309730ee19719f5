//! The page templates, compiled into the binary, and the environment that
//! renders them (auto-escaping every value a person typed).

use minijinja::Environment;

/// Every page template, compiled into the binary.
const TEMPLATES: [(&str, &str); 26] = [
    ("base.html", include_str!("templates/base.html")),
    ("forms.html", include_str!("templates/forms.html")),
    ("sign_in.html", include_str!("templates/sign_in.html")),
    ("today.html", include_str!("templates/today.html")),
    ("contacts.html", include_str!("templates/contacts.html")),
    ("contact.html", include_str!("templates/contact.html")),
    ("contact_form.html", include_str!("templates/contact_form.html")),
    ("settings.html", include_str!("templates/settings.html")),
    ("error.html", include_str!("templates/error.html")),
    ("import.html", include_str!("templates/import.html")),
    ("plans.html", include_str!("templates/plans.html")),
    ("plan.html", include_str!("templates/plan.html")),
    ("review.html", include_str!("templates/review.html")),
    ("drifting.html", include_str!("templates/drifting.html")),
    ("focus.html", include_str!("templates/focus.html")),
    ("reports.html", include_str!("templates/reports.html")),
    ("library.html", include_str!("templates/library.html")),
    ("library_item.html", include_str!("templates/library_item.html")),
    ("library_share.html", include_str!("templates/library_share.html")),
    ("unsubscribe.html", include_str!("templates/unsubscribe.html")),
    ("lists.html", include_str!("templates/lists.html")),
    ("list.html", include_str!("templates/list.html")),
    ("campaigns.html", include_str!("templates/campaigns.html")),
    ("campaign.html", include_str!("templates/campaign.html")),
    ("sign_up.html", include_str!("templates/sign_up.html")),
    ("sign_up_confirm.html", include_str!("templates/sign_up_confirm.html")),
];

/// The page templates; `.html` templates escape every value unless marked safe.
pub fn environment() -> Environment<'static> {
    let mut environment = Environment::new();
    // A form shown for the first time has no `values` or `errors`: missing means empty, not a failure.
    environment.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    for (name, source) in TEMPLATES {
        environment.add_template(name, source).expect("page templates parse");
    }
    environment
}
