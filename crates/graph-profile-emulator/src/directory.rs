//! The directory: `GET/POST /users` and `GET /users/{id or upn}`, just enough for
//! tests to create people and resolve principal names to ids.

use axum::http::header::LOCATION;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::auth::{self, Access, Target};
use crate::error::{GraphError, json_body};
use crate::graph::{self, Call};
use crate::odata::{self, Allowed, Fields, ValueKind};
use crate::paths::UserSegment;
use crate::store::{StoreError, User};

const USER_TYPE: &str = "microsoft.graph.user";

fn user_field(name: &str) -> Option<ValueKind> {
    matches!(name, "id" | "userPrincipalName" | "displayName" | "mail").then_some(ValueKind::String)
}

const USER_FIELDS: Fields<'static> = Fields { type_name: USER_TYPE, kind_of: &user_field };

/// A user as Graph shows one.
fn user_json(user: &User) -> Map<String, Value> {
    let value = json!({
        "id": user.id,
        "userPrincipalName": user.user_principal_name,
        "displayName": user.display_name,
        "mail": user.mail,
    });
    match value {
        Value::Object(map) => map,
        _ => unreachable!("a json! object is an object"),
    }
}

/// `GET /users` (the caller's tenant) and `POST /users`.
pub async fn collection(call: Call<'_>) -> Result<Response, GraphError> {
    match *call.method {
        Method::GET => list(call),
        Method::POST => create(call).await,
        _ => Err(graph::method_not_allowed_for(&call)),
    }
}

fn list(call: Call<'_>) -> Result<Response, GraphError> {
    let caller = auth::authorize(call.state, call.headers, Target::Directory, Access::Read)?;
    let query = odata::parse_query(&call.query, Allowed::List, &USER_FIELDS)?;

    let users: Vec<_> =
        call.state.store.users_in_tenant(&caller.tenant_id).iter().map(|u| user_json(u)).collect();
    let page = odata::page(users, &query, call.state.config.page_size);

    let graph_url = call.state.graph_url();
    let mut body = Map::new();
    body.insert("@odata.context".into(), json!(format!("{graph_url}/$metadata#users")));
    body.insert("value".into(), Value::Array(page.items.into_iter().map(Value::Object).collect()));
    if let Some(next) = page.next {
        body.insert("@odata.nextLink".into(), json!(next_link(&call, &graph_url, next)));
    }
    Ok(json_body(&Value::Object(body)))
}

/// The URL of the page starting at `skiptoken`: the request's own URL with its
/// options, and the token replaced.
pub fn next_link(call: &Call<'_>, graph_url: &str, skiptoken: usize) -> String {
    let mut query: Vec<&str> = call
        .query
        .iter()
        .filter(|pair| !pair.name.trim_start_matches('$').eq_ignore_ascii_case("skiptoken"))
        .map(|pair| pair.raw.as_str())
        .collect();
    let token = format!("$skiptoken={skiptoken}");
    query.push(&token);
    format!("{graph_url}{}?{}", call.raw_path, query.join("&"))
}

async fn create(call: Call<'_>) -> Result<Response, GraphError> {
    let caller = auth::authorize(call.state, call.headers, Target::Directory, Access::Write)?;
    odata::parse_query(&call.query, Allowed::Get, &USER_FIELDS)?;
    graph::require_json(call.headers)?;
    let body = graph::json_object(&call.body)?;

    let mut upn = None;
    let mut display_name = None;
    let mut mail = None;
    for (key, value) in &body {
        match key.as_str() {
            "userPrincipalName" => upn = Some(required_text(key, value)?),
            "displayName" => display_name = Some(required_text(key, value)?),
            "mail" if value.is_null() => {}
            "mail" => mail = Some(required_text(key, value)?),
            // Real Graph needs these to create a user; the emulator accepts and drops them.
            "accountEnabled" | "mailNickname" | "passwordProfile" | "userType" => {}
            key if key.starts_with("@odata.") => {}
            "id" => return Err(GraphError::invalid_field("id", "it is set by the service")),
            other => {
                return Err(GraphError::invalid_field(
                    other,
                    format!("the type '{USER_TYPE}' has no such property"),
                ));
            }
        }
    }
    let upn =
        upn.ok_or_else(|| GraphError::invalid_field("userPrincipalName", "it is required"))?;
    let display_name =
        display_name.ok_or_else(|| GraphError::invalid_field("displayName", "it is required"))?;
    match upn.rsplit_once('@') {
        Some((name, domain)) if !name.is_empty() && domain.contains('.') => {}
        _ => {
            return Err(GraphError::invalid_field(
                "userPrincipalName",
                "expected name@domain, such as adele.vance@contoso.com",
            ));
        }
    }

    let user = User {
        id: uuid::Uuid::new_v4().to_string(),
        tenant_id: caller.tenant_id,
        user_principal_name: upn,
        display_name,
        mail,
    };
    let store = call.state.store.clone();
    let user = graph::blocking(move || {
        store.create_user(user).map_err(|error| match error {
            StoreError::Conflict(what) => GraphError::new(
                StatusCode::BAD_REQUEST,
                "Request_BadRequest",
                format!("Another object with the same value for property {what} already exists."),
            )
            .with_target("userPrincipalName"),
            other => graph::store_failure(other),
        })
    })
    .await?;

    let graph_url = call.state.graph_url();
    let mut out = Map::new();
    out.insert("@odata.context".into(), json!(format!("{graph_url}/$metadata#users/$entity")));
    out.extend(user_json(&user));
    let mut response = (StatusCode::CREATED, json_body(&Value::Object(out))).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("{graph_url}/users/{}", user.id)) {
        response.headers_mut().insert(LOCATION, location);
    }
    Ok(response)
}

fn required_text(field: &str, value: &Value) -> Result<String, GraphError> {
    match value.as_str().map(str::trim) {
        Some(text) if !text.is_empty() && text.chars().count() <= 256 => Ok(text.to_owned()),
        Some(_) => Err(GraphError::invalid_field(field, "expected 1 to 256 characters")),
        None => Err(GraphError::invalid_field(field, format!("expected a string, got {value}"))),
    }
}

/// `GET /users/{id or upn}`, `GET /me`.
pub async fn user(call: Call<'_>, user: UserSegment) -> Result<Response, GraphError> {
    if call.method != Method::GET {
        return Err(graph::method_not_allowed_for(&call));
    }
    let (user, _caller) = graph::resolve_user(&call, &user, Access::Read)?;
    let query = odata::parse_query(&call.query, Allowed::Get, &USER_FIELDS)?;

    let mut out = Map::new();
    let graph_url = call.state.graph_url();
    out.insert("@odata.context".into(), json!(format!("{graph_url}/$metadata#users/$entity")));
    out.extend(odata::select(user_json(&user), query.select.as_deref()));
    Ok(json_body(&Value::Object(out)))
}
