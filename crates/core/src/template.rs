//! User email templates, rendered with minijinja in a sandbox: no loader (so
//! no includes, imports or file access), no auto-escaping (the email is plain
//! text), and only the fields listed in [`FIELDS`]. An unknown field is caught
//! when the template is saved, naming the field, not when the email is due.

use std::sync::{Arc, OnceLock};

use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use minijinja::{AutoEscape, Environment, Template, UndefinedBehavior};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::library::Item;

/// Every field a template may use.
pub const FIELDS: [&str; 24] = [
    "contact.first_name",
    "contact.name",
    "contact.organisation",
    "contact.email",
    "last_touch.summary",
    "last_touch.channel",
    "last_touch.date",
    "sender.name",
    "sender.email",
    "sender.signature",
    "promise.what",
    "promise.deadline",
    "promise.new_deadline",
    "plan.name",
    "today",
    "library.next",
    "library.next.title",
    "library.next.url",
    "library.next.summary",
    "library.next.text",
    "library.next.kind",
    "library.next.body",
    "contact",
    "sender",
];

/// How many of [`FIELDS`] an unknown-field error lists.
const LISTED: usize = 22;

/// Objects that may be tested or used whole (`{% if last_touch %}`).
const OBJECTS: [&str; 6] = ["contact", "last_touch", "sender", "promise", "plan", "library"];

/// The values a template is rendered with.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Fields {
    pub contact: ContactFields,
    pub last_touch: Option<TouchFields>,
    pub sender: SenderFields,
    pub promise: Option<PromiseFields>,
    pub plan: Option<PlanFields>,
    /// Today's date on the contact's calendar, e.g. "Tuesday 24 November 2026".
    pub today: String,
    /// The library item picked for this email (`{{ library.next }}`); `None`: nothing picked.
    #[serde(skip)]
    pub library_next: Option<Item>,
}

/// The contact's fields.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ContactFields {
    pub first_name: String,
    pub name: String,
    pub organisation: Option<String>,
    pub email: Option<String>,
}

/// The last touch with the contact.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TouchFields {
    pub summary: String,
    pub channel: String,
    pub date: String,
}

/// Who sends the email.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SenderFields {
    pub name: String,
    pub email: String,
    pub signature: String,
}

/// A promise, for "running late" drafts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PromiseFields {
    pub what: String,
    pub deadline: String,
    pub new_deadline: String,
}

/// The plan an email belongs to.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PlanFields {
    pub name: String,
}

/// A rendered subject and body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

fn environment() -> &'static Environment<'static> {
    static ENVIRONMENT: OnceLock<Environment<'static>> = OnceLock::new();
    ENVIRONMENT.get_or_init(|| {
        let mut environment = Environment::new();
        environment.set_auto_escape_callback(|_| AutoEscape::None);
        environment.set_undefined_behavior(UndefinedBehavior::Lenient);
        environment.set_keep_trailing_newline(true);
        environment
    })
}

/// Check that `source` compiles and uses only known fields; `field` names the input in the error.
pub fn check(field: &'static str, source: &str) -> Result<()> {
    compiled(field, source).map(drop)
}

/// `source` compiled, once it passed [`check`].
fn compiled<'source>(field: &'static str, source: &'source str) -> Result<Template<'source, 'source>> {
    if source.len() > 100_000 {
        return Err(Error::invalid(field, "the template is longer than 100,000 characters"));
    }
    let template = environment()
        .template_from_str(source)
        .map_err(|error| Error::invalid(field, format!("the template does not compile: {}", describe(&error))))?;
    let mut unknown: Vec<String> = template
        .undeclared_variables(true)
        .into_iter()
        .filter(|name| !FIELDS.contains(&name.as_str()) && !OBJECTS.contains(&name.as_str()))
        .collect();
    unknown.sort();
    match unknown.first() {
        None => Ok(template),
        Some(name) => Err(Error::invalid(
            field,
            format!("unknown field {{{{ {name} }}}}; the fields are: {}", FIELDS[..LISTED].join(", ")),
        )),
    }
}

/// An email's subject and body compiled once, to render for many contacts.
pub struct Compiled<'source> {
    subject: Template<'source, 'source>,
    body: Template<'source, 'source>,
    library: bool,
}

impl std::fmt::Debug for Compiled<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Compiled")
    }
}

/// Check and compile a subject and body.
pub fn compile<'source>(subject: &'source str, body: &'source str) -> Result<Compiled<'source>> {
    let (subject, body) = (compiled("subject", subject)?, compiled("body", body)?);
    let library = [&subject, &body].iter().any(|template| uses_library_in(template));
    Ok(Compiled { subject, body, library })
}

fn uses_library_in(template: &Template<'_, '_>) -> bool {
    template.undeclared_variables(false).contains("library")
}

impl Compiled<'_> {
    /// Whether the email uses the library (`{{ library.next }}` or one of its fields).
    pub fn uses_library(&self) -> bool {
        self.library
    }

    /// Render for one contact; the subject is kept to one line.
    pub fn render(&self, fields: &Fields) -> Result<Rendered> {
        let one = |field: &'static str, template: &Template<'_, '_>| -> Result<String> {
            template
                .render(context(fields))
                .map_err(|error| Error::invalid(field, format!("cannot render: {}", describe(&error))))
        };
        let subject = one("subject", &self.subject)?.split_whitespace().collect::<Vec<_>>().join(" ");
        Ok(Rendered { subject, body: one("body", &self.body)? })
    }
}

/// Whether a subject or body uses the library (`{{ library.next }}` or one of its fields):
/// such a step needs an item picked, and waits when there is none.
pub fn uses_library(subject: &str, body: &str) -> bool {
    [subject, body]
        .iter()
        .any(|source| environment().template_from_str(source).is_ok_and(|template| uses_library_in(&template)))
}

/// The values a template sees: the fields, with `library.next` as an object that prints as its text.
fn context(fields: &Fields) -> Value {
    let next = fields.library_next.clone().map_or(Value::UNDEFINED, |item| Value::from_object(Next(item)));
    minijinja::context! { library => minijinja::context! { next => next }, ..Value::from_serialize(fields) }
}

/// `{{ library.next }}`: prints as the item's ready-made text (`.text`: title, summary, then the
/// address or the note); `.title`, `.url`, `.summary`, `.kind`, and `.body` (the note's own text).
#[derive(Debug)]
struct Next(Item);

impl Object for Next {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let item = &self.0;
        Some(match key.as_str()? {
            "title" => Value::from(item.title.clone()),
            "url" => Value::from(item.url.clone().unwrap_or_default()),
            "summary" => Value::from(item.summary.clone()),
            "text" => Value::from(item.text_block()),
            "kind" => Value::from(item.kind.as_str()),
            "body" => Value::from(item.text.clone().unwrap_or_default()),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["title", "url", "summary", "text", "kind", "body"])
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.text_block())
    }
}

/// Render a subject and body; the subject is kept to one line.
pub fn render(subject: &str, body: &str, fields: &Fields) -> Result<Rendered> {
    compile(subject, body)?.render(fields)
}

fn describe(error: &minijinja::Error) -> String {
    match error.line() {
        Some(line) => format!("line {line}: {}", error.detail().unwrap_or("syntax error")),
        None => error.detail().map_or_else(|| error.to_string(), str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann() -> Fields {
        Fields {
            contact: ContactFields {
                first_name: "Ann".into(),
                name: "Ann Lee".into(),
                organisation: Some("Acme".into()),
                email: Some("ann@acme.com".into()),
            },
            sender: SenderFields { name: "Sam".into(), email: "sam@x.org".into(), signature: "Sam\nx.org".into() },
            ..Fields::default()
        }
    }

    #[test]
    fn fields_render_without_escaping() {
        let rendered =
            render("Hi {{ contact.first_name }}", "<{{ contact.organisation }}> & {{ sender.signature }}", &ann())
                .unwrap();
        assert_eq!(rendered.subject, "Hi Ann");
        assert_eq!(rendered.body, "<Acme> & Sam\nx.org");
    }

    #[test]
    fn a_missing_optional_object_renders_empty() {
        let rendered = render("x", "{% if last_touch %}seen{% endif %}[{{ promise.what }}]", &ann()).unwrap();
        assert_eq!(rendered.body, "[]");
    }

    #[test]
    fn library_next_prints_its_text_and_gives_its_fields() {
        let item = Item {
            id: crate::ids::LibraryItemId::new(7),
            title: "Pricing guide".into(),
            url: Some("https://acme.com/pricing".into()),
            text: None,
            summary: "Three ways to price.".into(),
            tags: Vec::new(),
            kind: crate::library::ItemKind::Article,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            updated_at: jiff::Timestamp::UNIX_EPOCH,
        };
        let fields = Fields { library_next: Some(item), ..ann() };
        let body =
            "Hi {{ contact.first_name }},\n{{ library.next }}\n[{{ library.next.title }}|{{ library.next.url }}]";
        let rendered = render("Read: {{ library.next.title }}", body, &fields).unwrap();
        assert_eq!(rendered.subject, "Read: Pricing guide");
        assert_eq!(
            rendered.body,
            "Hi Ann,\nPricing guide\nThree ways to price.\nhttps://acme.com/pricing\n[Pricing guide|https://acme.com/pricing]"
        );
        assert!(uses_library("x", "{% if library.next %}{{ library.next.summary }}{% endif %}"));
        assert!(!uses_library("Hi {{ contact.first_name }}", "x"));
        let parts = render("x", "{{ library.next.kind }}/{{ library.next.body }}/", &fields).unwrap();
        assert_eq!(parts.body, "article//", "a link has no note text");
        assert!(check("body", "{{ library.nxt }}").unwrap_err().to_string().contains("library.nxt"));
        let empty = render("x", "[{{ library.next }}]", &ann()).unwrap();
        assert_eq!(empty.body, "[]", "with nothing picked the field is empty");
    }

    #[test]
    fn bad_templates_name_the_field() {
        let error = check("body", "Hi {{ contact.frist_name }}").unwrap_err().to_string();
        assert!(error.starts_with("body: unknown field {{ contact.frist_name }}"), "{error}");
        let error = check("subject", "Hi {{ contact.first_name").unwrap_err().to_string();
        assert!(error.starts_with("subject: the template does not compile: line 1"), "{error}");
        let error = check("body", "{% include 'x' %}")
            .map(|_| ())
            .and_then(|_| render("x", "{% include 'x' %}", &ann()).map(|_| ()));
        assert!(error.is_err());
    }
}
