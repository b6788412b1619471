//! The profile API: list, get, create, update and delete on the 19 facet collections
//! under `/users/{user}/profile/{facet}` and `/me/profile/{facet}`.

use axum::http::header::LOCATION;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use graph_profile::FacetKind;
use graph_profile::schema;
use serde_json::{Map, Value, json};

use crate::auth::{Access, Caller};
use crate::directory::next_link;
use crate::entry_rules::{self, Write};
use crate::error::{GraphError, json_body};
use crate::graph::{self, Call};
use crate::odata::{self, Allowed, Fields};
use crate::paths::UserSegment;
use crate::state::AppState;
use crate::store::User;
use crate::timestamp;

fn facet_from(segment: &str) -> Result<FacetKind, GraphError> {
    segment.parse().map_err(|_| graph::unknown_segment(segment))
}

fn query_fields(
    facet: FacetKind,
    type_name: &str,
    run: impl FnOnce(&Fields<'_>) -> Result<odata::Query, GraphError>,
) -> Result<odata::Query, GraphError> {
    let kind_of = move |name: &str| {
        schema::field_spec(facet, name).map(|spec| entry_rules::value_kind(spec.ty))
    };
    run(&Fields { type_name, kind_of: &kind_of })
}

fn parse_query(
    call: &Call<'_>,
    facet: FacetKind,
    allowed: Allowed,
) -> Result<odata::Query, GraphError> {
    let type_name = format!("microsoft.graph.{}", facet.entity_type());
    query_fields(facet, &type_name, |fields| odata::parse_query(&call.query, allowed, fields))
}

/// `@odata.context` of a user's facet collection, with `/$entity` for one entry.
fn context(state: &AppState, user: &User, facet: FacetKind, entity: bool) -> String {
    format!(
        "{}/$metadata#users('{}')/profile/{}{}",
        state.graph_url(),
        user.id,
        facet.collection(),
        if entity { "/$entity" } else { "" }
    )
}

/// `GET` (list) and `POST` (create) on a facet collection.
pub async fn collection(
    call: Call<'_>,
    user: UserSegment,
    facet: &str,
) -> Result<Response, GraphError> {
    let facet = facet_from(facet)?;
    match *call.method {
        Method::GET => list(call, user, facet).await,
        Method::POST => create(call, user, facet).await,
        _ => Err(graph::method_not_allowed_for(&call)),
    }
}

/// `GET`, `PATCH` and `DELETE` on one entry.
pub async fn entry(
    call: Call<'_>,
    user: UserSegment,
    facet: &str,
    id: &str,
) -> Result<Response, GraphError> {
    let facet = facet_from(facet)?;
    match *call.method {
        Method::GET => get(call, user, facet, id),
        Method::PATCH => update(call, user, facet, id).await,
        Method::DELETE => delete(call, user, facet, id).await,
        _ => Err(graph::method_not_allowed_for(&call)),
    }
}

async fn list(call: Call<'_>, user: UserSegment, facet: FacetKind) -> Result<Response, GraphError> {
    let (user, _caller) = graph::resolve_user(&call, &user, Access::Read)?;
    let query = parse_query(&call, facet, Allowed::List)?;

    let entries = call.state.store.list_entries(&user.id, facet).map_err(graph::store_failure)?;
    let page = odata::page(entries, &query, call.state.config.page_size);

    let mut body = Map::new();
    body.insert("@odata.context".into(), json!(context(call.state, &user, facet, false)));
    body.insert("value".into(), Value::Array(page.items.into_iter().map(Value::Object).collect()));
    if let Some(next) = page.next {
        body.insert(
            "@odata.nextLink".into(),
            json!(next_link(&call, &call.state.graph_url(), next)),
        );
    }
    Ok(json_body(&Value::Object(body)))
}

fn get(
    call: Call<'_>,
    user: UserSegment,
    facet: FacetKind,
    id: &str,
) -> Result<Response, GraphError> {
    let (user, _caller) = graph::resolve_user(&call, &user, Access::Read)?;
    let query = parse_query(&call, facet, Allowed::Get)?;

    let stored = call
        .state
        .store
        .get_entry_json(&user.id, facet, id)
        .map_err(graph::store_failure)?
        .ok_or_else(|| GraphError::entry_not_found(facet.collection(), id))?;
    let context = context(call.state, &user, facet, true);

    if query.select.is_none() {
        // The stored text is the entry as answered: put the context in front of it
        // without parsing it (the common read, kept cheap).
        let context = serde_json::to_string(&context).unwrap_or_default();
        let rest = stored.strip_prefix('{').unwrap_or(&stored);
        let separator = if rest.trim_start().starts_with('}') { "" } else { "," };
        let text = format!("{{\"@odata.context\":{context}{separator}{rest}");
        return Ok(json_text(StatusCode::OK, text));
    }

    let entry: Map<String, Value> =
        serde_json::from_str(&stored).map_err(|_| GraphError::internal("stored entry"))?;
    Ok(json_body(&with_context(context, odata::select(entry, query.select.as_deref()))))
}

fn json_text(status: StatusCode, text: String) -> Response {
    let mut response = (status, text).into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static(crate::error::GRAPH_JSON),
    );
    response
}

fn with_context(context: String, entry: Map<String, Value>) -> Value {
    let mut out = Map::with_capacity(entry.len() + 1);
    out.insert("@odata.context".into(), Value::String(context));
    out.extend(entry);
    Value::Object(out)
}

/// `createdBy` / `lastModifiedBy`: who made the change, as an identity set.
fn identity_set(state: &AppState, caller: &Caller) -> Value {
    let user = caller.user_id.as_deref().map(|id| {
        let name = state.store.user_by_id(id).map(|u| u.display_name.clone());
        json!({ "displayName": name, "id": id })
    });
    let application = caller.app_id.as_deref().map(|id| json!({ "displayName": null, "id": id }));
    json!({ "application": application, "device": null, "user": user })
}

async fn create(
    call: Call<'_>,
    user: UserSegment,
    facet: FacetKind,
) -> Result<Response, GraphError> {
    let (user, caller) = graph::resolve_user(&call, &user, Access::Write)?;
    parse_query(&call, facet, Allowed::Get)?;
    graph::require_json(call.headers)?;
    let body = graph::json_object(&call.body)?;
    let mut fields = entry_rules::check_body(facet, body, Write::Create)?;

    // Every field of the type, in the table's order, as Graph answers them.
    let now = timestamp::now();
    let by = identity_set(call.state, &caller);
    let id = uuid::Uuid::new_v4().to_string();
    let mut entry = Map::new();
    for spec in schema::fields(facet) {
        let value = match spec.name {
            "id" => json!(id),
            "createdDateTime" | "lastModifiedDateTime" => json!(now),
            "createdBy" | "lastModifiedBy" => by.clone(),
            // Not documented; the service's examples show entries visible to the organisation.
            "allowedAudiences" => fields
                .remove(spec.name)
                .filter(|v| !v.is_null())
                .unwrap_or_else(|| json!("organization")),
            name => fields.remove(name).unwrap_or(Value::Null),
        };
        entry.insert(spec.name.to_owned(), value);
    }
    entry_rules::check_date_order(facet, &entry)?;

    let store = call.state.store.clone();
    let user_id = user.id.clone();
    let stored = entry.clone();
    graph::blocking(move || {
        store.insert_entry(&user_id, facet, &stored).map_err(graph::store_failure)
    })
    .await?;

    let location =
        format!("{}/users/{}/profile/{}/{id}", call.state.graph_url(), user.id, facet.collection());
    let mut response = (
        StatusCode::CREATED,
        json_body(&with_context(context(call.state, &user, facet, true), entry)),
    )
        .into_response();
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(LOCATION, location);
    }
    Ok(response)
}

async fn update(
    call: Call<'_>,
    user: UserSegment,
    facet: FacetKind,
    id: &str,
) -> Result<Response, GraphError> {
    let (user, caller) = graph::resolve_user(&call, &user, Access::Write)?;
    parse_query(&call, facet, Allowed::Get)?;
    graph::require_json(call.headers)?;
    let body = graph::json_object(&call.body)?;
    let patch = entry_rules::check_body(facet, body, Write::Update)?;

    let now = timestamp::now();
    let by = identity_set(call.state, &caller);
    let store = call.state.store.clone();
    let (user_id, entry_id) = (user.id.clone(), id.to_owned());
    let updated = graph::blocking(move || {
        store.update_entry(&user_id, facet, &entry_id, |mut entry| {
            for (key, value) in patch {
                entry.insert(key, value);
            }
            entry.insert("lastModifiedDateTime".into(), json!(now));
            entry.insert("lastModifiedBy".into(), by);
            entry_rules::check_date_order(facet, &entry)?;
            Ok::<_, GraphError>(entry)
        })
    })
    .await?
    .ok_or_else(|| GraphError::entry_not_found(facet.collection(), id))?;

    Ok(json_body(&with_context(context(call.state, &user, facet, true), updated)))
}

async fn delete(
    call: Call<'_>,
    user: UserSegment,
    facet: FacetKind,
    id: &str,
) -> Result<Response, GraphError> {
    let (user, _caller) = graph::resolve_user(&call, &user, Access::Write)?;
    parse_query(&call, facet, Allowed::Get)?;

    let store = call.state.store.clone();
    let (user_id, entry_id) = (user.id.clone(), id.to_owned());
    let deleted = graph::blocking(move || {
        store.delete_entry(&user_id, facet, &entry_id).map_err(graph::store_failure)
    })
    .await?;
    if !deleted {
        return Err(GraphError::entry_not_found(facet.collection(), id));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
