//! The library on the web: the list with a form to add an item, one item's
//! page (edit, whom it went to, share it), and the drafted email of a share,
//! editable before it goes out through Tickler. The contact page offers the
//! same share from its side.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tickler_app::contacts;
use tickler_app::library::{self, ItemInput, ItemQuery, ShareInput};
use tickler_core::ids::{ContactId, LibraryItemId};
use tickler_core::library::{Item, ItemKind};

use super::view::{failure_page, moment_text, render_status};
use super::{FormErrors, done_redirect, notice_text, place};
use crate::auth::{Caller, PageCaller, PageForm};
use crate::error::{Failure, Result};
use crate::state::AppState;

/// An item's form as posted: tags separated by commas or spaces.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ItemForm {
    title: Option<String>,
    url: Option<String>,
    text: Option<String>,
    summary: Option<String>,
    tags: Option<String>,
    kind: Option<String>,
}

impl ItemForm {
    fn input(&self) -> ItemInput {
        let tags = self.tags.as_deref().unwrap_or_default();
        ItemInput {
            title: self.title.clone(),
            url: self.url.clone(),
            text: self.text.clone(),
            summary: self.summary.clone(),
            tags: tags.split([',', ' ']).filter(|tag| !tag.trim().is_empty()).map(str::to_string).collect(),
            kind: self.kind.clone(),
        }
    }

    fn of(item: &Item) -> ItemForm {
        ItemForm {
            title: Some(item.title.clone()),
            url: item.url.clone(),
            text: item.text.clone(),
            summary: Some(item.summary.clone()),
            tags: Some(item.tags.iter().map(|tag| tag.as_str()).collect::<Vec<_>>().join(", ")),
            kind: Some(item.kind.as_str().to_string()),
        }
    }
}

/// The list's query: a tag to filter by, a notice to show.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    tag: Option<String>,
    notice: Option<String>,
}

fn kinds() -> Vec<&'static str> {
    ItemKind::ALL.iter().map(|kind| kind.as_str()).collect()
}

fn item_value(item: &Item) -> minijinja::Value {
    minijinja::context! {
        id => item.id,
        title => item.title.clone(),
        url => item.url.clone(),
        text => item.text.clone(),
        summary => item.summary.clone(),
        kind => item.kind.as_str(),
        tags => item.tags.iter().map(|tag| tag.as_str().to_string()).collect::<Vec<_>>(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(query): Query<ListQuery>,
) -> Response {
    let notice = notice_text(query.notice.as_deref());
    show_list(&state, &caller, query.tag, StatusCode::OK, Feedback { notice, ..Feedback::default() }).await
}

/// What a page sent back shows beside its form.
#[derive(Default)]
struct Feedback {
    errors: FormErrors,
    values: Option<minijinja::Value>,
    alert: Option<String>,
    notice: Option<&'static str>,
}

async fn show_list(
    state: &AppState,
    caller: &Caller,
    tag: Option<String>,
    status: StatusCode,
    feedback: Feedback,
) -> Response {
    let actor = caller.actor(state);
    let items = match library::list(&state.app, &actor, &ItemQuery { tag: tag.clone() }).await {
        Ok(items) => items,
        Err(error) => return failure_page(state, &error.into()),
    };
    let items: Vec<minijinja::Value> = items.iter().map(item_value).collect();
    let Feedback { errors, values, alert, notice } = feedback;
    render_status(
        state,
        status,
        "library.html",
        Some(caller),
        minijinja::context! { page => "library", items, tag, kinds => kinds(), errors, values, alert, notice },
    )
}

pub async fn create(State(state): State<AppState>, form: PageForm<ItemForm>) -> Response {
    let PageForm { caller, form } = form;
    match library::add(&state.app, &caller.actor(&state), &form.input()).await {
        Ok(item) => done_redirect(&format!("/library/{}", item.id), "library-added"),
        Err(error) => {
            let failure: Failure = error.into();
            let mut feedback =
                Feedback { values: Some(minijinja::Value::from_serialize(&form)), ..Feedback::default() };
            feedback.alert = place("item", &failure, &mut feedback.errors);
            show_list(&state, &caller, None, failure.status, feedback).await
        }
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<LibraryItemId>,
    Query(query): Query<ListQuery>,
) -> Response {
    let notice = notice_text(query.notice.as_deref());
    show_item(&state, &caller, id, StatusCode::OK, Feedback { notice, ..Feedback::default() }).await
}

async fn item_context(state: &AppState, caller: &Caller, id: LibraryItemId) -> Result<minijinja::Value> {
    let actor = caller.actor(state);
    let detail = library::get(&state.app, &actor, id).await?;
    let now = caller.now(state);
    let sent: Vec<minijinja::Value> = detail
        .sent_to
        .iter()
        .map(|sent| {
            minijinja::context! {
                contact_id => sent.contact_id,
                contact_name => sent.contact_name.clone(),
                via => sent.via.clone(),
                when => moment_text(sent.sent_at, &now),
            }
        })
        .collect();
    Ok(minijinja::context! {
        page => "library",
        item => item_value(&detail.item),
        form => minijinja::Value::from_serialize(ItemForm::of(&detail.item)),
        sent,
        kinds => kinds(),
    })
}

async fn show_item(
    state: &AppState,
    caller: &Caller,
    id: LibraryItemId,
    status: StatusCode,
    feedback: Feedback,
) -> Response {
    match item_context(state, caller, id).await {
        Ok(context) => {
            let Feedback { errors, values, alert, notice } = feedback;
            render_status(
                state,
                status,
                "library_item.html",
                Some(caller),
                minijinja::context! { errors, values, alert, notice, ..context },
            )
        }
        Err(failure) => failure_page(state, &failure),
    }
}

pub async fn edit(State(state): State<AppState>, Path(id): Path<LibraryItemId>, form: PageForm<ItemForm>) -> Response {
    let PageForm { caller, form } = form;
    match library::edit(&state.app, &caller.actor(&state), id, &form.input()).await {
        Ok(_) => done_redirect(&format!("/library/{id}"), "saved"),
        Err(error) => {
            let failure: Failure = error.into();
            if failure.status == StatusCode::NOT_FOUND {
                return failure_page(&state, &failure);
            }
            let mut feedback =
                Feedback { values: Some(minijinja::Value::from_serialize(&form)), ..Feedback::default() };
            feedback.alert = place("item", &failure, &mut feedback.errors);
            show_item(&state, &caller, id, failure.status, feedback).await
        }
    }
}

/// A form with nothing but its CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

pub async fn delete(State(state): State<AppState>, Path(id): Path<LibraryItemId>, form: PageForm<Empty>) -> Response {
    let PageForm { caller, .. } = form;
    match library::remove(&state.app, &caller.actor(&state), id).await {
        Ok(_) => done_redirect("/library", "library-removed"),
        Err(error) => failure_page(&state, &error.into()),
    }
}

/// Which item to share with whom: the contact by id, email or name.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ShareQuery {
    item: Option<String>,
    contact: Option<String>,
}

/// The drafted email of a share, to edit before sending.
pub async fn share_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(query): Query<ShareQuery>,
) -> Response {
    let actor = caller.actor(&state);
    let item = match library::parse_id(query.item.as_deref().unwrap_or_default()) {
        Ok(item) => item,
        Err(error) => return failure_page(&state, &Failure::from(error)),
    };
    let contact = match contacts::find(&state.app, &actor, query.contact.as_deref().unwrap_or_default()).await {
        Ok(contact) => contact,
        Err(error) => {
            let failure: Failure = error.into();
            let mut feedback = Feedback::default();
            feedback.errors.insert("share.contact".to_string(), failure.message.clone());
            return show_item(&state, &caller, item, failure.status, feedback).await;
        }
    };
    show_share(&state, &caller, item, contact.id, StatusCode::OK, None, FormErrors::new(), None).await
}

#[allow(clippy::too_many_arguments)]
async fn show_share(
    state: &AppState,
    caller: &Caller,
    item: LibraryItemId,
    contact: ContactId,
    status: StatusCode,
    values: Option<minijinja::Value>,
    errors: FormErrors,
    alert: Option<String>,
) -> Response {
    let draft = match library::draft(&state.app, &caller.actor(state), item, contact).await {
        Ok(draft) => draft,
        Err(error) => return failure_page(state, &error.into()),
    };
    render_status(
        state,
        status,
        "library_share.html",
        Some(caller),
        minijinja::context! { page => "library", draft, values, errors, alert },
    )
}

/// The share as posted: the drafted email, perhaps edited.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ShareForm {
    item: i64,
    contact: i64,
    subject: Option<String>,
    body: Option<String>,
}

pub async fn share(State(state): State<AppState>, form: PageForm<ShareForm>) -> Response {
    let PageForm { caller, form } = form;
    let (item, contact) = (LibraryItemId::new(form.item), ContactId::new(form.contact));
    let input = ShareInput { contact_id: contact, subject: form.subject.clone(), body: form.body.clone() };
    match library::share(&state.app, &caller.actor(&state), item, &input).await {
        Ok(_) => done_redirect(&format!("/contacts/{contact}"), "library-shared"),
        Err(error) => {
            let failure: Failure = error.into();
            if failure.status == StatusCode::NOT_FOUND {
                return failure_page(&state, &failure);
            }
            let mut errors = FormErrors::new();
            let alert = place("share", &failure, &mut errors);
            let values = Some(minijinja::Value::from_serialize(&form));
            show_share(&state, &caller, item, contact, failure.status, values, errors, alert).await
        }
    }
}

/// The contact page's library section: what they were sent, and the items to share.
pub async fn contact_section(state: &AppState, caller: &Caller, id: ContactId) -> Result<minijinja::Value> {
    let actor = caller.actor(state);
    let now = caller.now(state);
    let sent: Vec<minijinja::Value> = library::sent_to_contact(&state.app, &actor, id)
        .await?
        .iter()
        .map(|sent| {
            minijinja::context! {
                item_id => sent.item_id,
                title => sent.item_title.clone(),
                via => sent.via.clone(),
                when => moment_text(sent.sent_at, &now),
            }
        })
        .collect();
    let items: Vec<minijinja::Value> = library::list(&state.app, &actor, &ItemQuery::default())
        .await?
        .iter()
        .map(|item| minijinja::context! { id => item.id, title => item.title.clone() })
        .collect();
    let next = library::next_for(&state.app, &actor, id).await?.map(|item| item.title);
    Ok(minijinja::context! { sent, items, next })
}
