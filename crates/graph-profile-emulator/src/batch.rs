//! JSON batching at `/beta/$batch`: at most 20 requests with unique ids; each runs
//! through the same dispatch as a single request, is throttled on its own (the
//! faults hook), and answers with its own status, headers and body.  A request whose
//! `dependsOn` target failed answers 424 without running.

use std::collections::HashMap;

use axum::http::header::{CONTENT_TYPE, HeaderName, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use http_body_util::BodyExt;
use serde_json::{Map, Value, json};

use crate::error::{GraphError, RequestIds, json_body};
use crate::graph::{self, Call};
use crate::journal::BatchItemRecord;

/// Most requests one batch may hold, as the service allows.
pub const MAX_BATCH_REQUESTS: usize = 20;

/// One request of the batch, as read.
struct Item {
    id: String,
    method: Method,
    /// Path and query under `/beta`, starting with `/`.
    url: String,
    headers: HeaderMap,
    body: Option<Value>,
    depends_on: Vec<String>,
}

/// `POST /beta/$batch`.
pub async fn handle(call: Call<'_>) -> Result<Response, GraphError> {
    graph::require_json(call.headers)?;
    let body = graph::json_object(&call.body)?;
    let items = read_items(body)?;
    let order = run_order(&items)?;

    let mut statuses: HashMap<&str, StatusCode> = HashMap::new();
    let mut answers: Vec<Option<Value>> = vec![None; items.len()];
    for index in order {
        let item = &items[index];
        let failed_dependency = item
            .depends_on
            .iter()
            .find(|id| statuses.get(id.as_str()).is_none_or(|s| !s.is_success()));
        let (status, answer) = match failed_dependency {
            Some(dependency) => {
                let error = GraphError::new(
                    StatusCode::FAILED_DEPENDENCY,
                    "FailedDependency",
                    format!("The request it depends on ('{dependency}') failed."),
                );
                let ids = RequestIds::for_headers(&item.headers);
                (error.status, answer_of_error(&item.id, &error, &ids))
            }
            None => run_item(&call, item).await,
        };
        statuses.insert(item.id.as_str(), status);
        answers[index] = Some(answer);
    }

    let responses: Vec<Value> = answers.into_iter().flatten().collect();
    Ok(json_body(&json!({ "responses": responses })))
}

fn read_items(mut body: Map<String, Value>) -> Result<Vec<Item>, GraphError> {
    let requests = match body.remove("requests") {
        Some(Value::Array(requests)) => requests,
        Some(_) => {
            return Err(
                GraphError::bad_request("'requests' must be an array.").with_target("requests")
            );
        }
        None => {
            return Err(GraphError::bad_request("The batch has no 'requests' array.")
                .with_target("requests"));
        }
    };
    if requests.is_empty() {
        return Err(GraphError::bad_request("The batch holds no requests.").with_target("requests"));
    }
    if requests.len() > MAX_BATCH_REQUESTS {
        return Err(GraphError::bad_request(format!(
            "The batch holds {} requests; at most {MAX_BATCH_REQUESTS} are allowed.",
            requests.len()
        ))
        .with_target("requests"));
    }

    let mut items: Vec<Item> = Vec::with_capacity(requests.len());
    for (index, request) in requests.into_iter().enumerate() {
        let item = read_item(index, request)?;
        if items.iter().any(|other| other.id == item.id) {
            return Err(GraphError::bad_request(format!(
                "The batch holds the request id '{}' more than once.",
                item.id
            ))
            .with_target("id"));
        }
        items.push(item);
    }
    for item in &items {
        for dependency in &item.depends_on {
            if !items.iter().any(|other| &other.id == dependency) {
                return Err(GraphError::bad_request(format!(
                    "Request '{}' depends on '{dependency}', which is not in the batch.",
                    item.id
                ))
                .with_target("dependsOn"));
            }
        }
    }
    Ok(items)
}

fn read_item(index: usize, request: Value) -> Result<Item, GraphError> {
    let fail = |field: &str, reason: String| {
        GraphError::bad_request(format!("Batch request {}: {reason}", index + 1)).with_target(field)
    };
    let Value::Object(mut request) = request else {
        return Err(fail("requests", "must be an object".into()));
    };

    let id = match request.remove("id") {
        Some(Value::String(id)) if !id.is_empty() => id,
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(fail("id", "needs a non-empty 'id'".into())),
    };
    let method = request
        .remove("method")
        .and_then(|m| m.as_str().map(str::to_ascii_uppercase))
        .and_then(|m| Method::from_bytes(m.as_bytes()).ok())
        .filter(|m| {
            [Method::GET, Method::POST, Method::PATCH, Method::PUT, Method::DELETE].contains(m)
        })
        .ok_or_else(|| {
            fail("method", format!("'{id}' needs a method: GET, POST, PATCH, PUT or DELETE"))
        })?;
    let url = match request.remove("url") {
        Some(Value::String(url)) => url,
        _ => return Err(fail("url", format!("'{id}' needs a 'url'"))),
    };
    if url.contains("://") {
        return Err(fail(
            "url",
            format!("'{id}' has an absolute url; urls are relative, as /users/..."),
        ));
    }
    let url = if url.starts_with('/') { url } else { format!("/{url}") };

    let mut headers = HeaderMap::new();
    match request.remove("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (name, value) in map {
                let value = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
                let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    fail("headers", format!("'{id}' has a bad header name '{name}'"))
                })?;
                let value = HeaderValue::from_str(&value).map_err(|_| {
                    fail("headers", format!("'{id}' has a bad value for header '{name}'"))
                })?;
                headers.insert(name, value);
            }
        }
        Some(_) => return Err(fail("headers", format!("'{id}': 'headers' must be an object"))),
    }

    let body = request.remove("body").filter(|b| !b.is_null());
    let depends_on = match request.remove("dependsOn") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(ids)) => ids
            .into_iter()
            .map(|d| match d {
                Value::String(s) => Ok(s),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(fail("dependsOn", format!("'{id}': 'dependsOn' must list request ids"))),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(fail("dependsOn", format!("'{id}': 'dependsOn' must be an array"))),
    };
    Ok(Item { id, method, url, headers, body, depends_on })
}

/// The order to run the items in: each after what it depends on, otherwise as given.
fn run_order(items: &[Item]) -> Result<Vec<usize>, GraphError> {
    let mut done: Vec<bool> = vec![false; items.len()];
    let mut order = Vec::with_capacity(items.len());
    while order.len() < items.len() {
        let ready = (0..items.len()).find(|&i| {
            !done[i]
                && items[i]
                    .depends_on
                    .iter()
                    .all(|d| items.iter().position(|other| &other.id == d).is_some_and(|j| done[j]))
        });
        let Some(next) = ready else {
            return Err(GraphError::bad_request("The batch's dependsOn references form a cycle.")
                .with_target("dependsOn"));
        };
        done[next] = true;
        order.push(next);
    }
    Ok(order)
}

/// Runs one item: the throttling hook, then the ordinary dispatch.
async fn run_item(call: &Call<'_>, item: &Item) -> (StatusCode, Value) {
    // The item carries the batch's credentials and ids unless it names its own.
    let mut headers = call.headers.clone();
    headers.remove(CONTENT_TYPE);
    headers.remove(axum::http::header::CONTENT_LENGTH);
    headers.remove("client-request-id");
    for (name, value) in &item.headers {
        headers.insert(name.clone(), value.clone());
    }
    if item.body.is_some() && !headers.contains_key(CONTENT_TYPE) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    let ids = RequestIds::for_headers(&headers);
    let state = call.state;

    if let Some(error) = state.faults.check_batch_item(&headers, &item.method, &item.url) {
        let retry_after = error.headers.iter().find(|(name, _)| name == RETRY_AFTER);
        state.journal.record_item(BatchItemRecord {
            method: &item.method,
            path: &item.url,
            item_id: Some(&item.id),
            status: error.status,
            client_request_id: &ids.client_request_id,
            retry_after: retry_after.and_then(|(_, value)| value.to_str().ok()),
            body: None,
        });
        return (error.status, answer_of_error(&item.id, &error, &ids));
    }

    let body = match &item.body {
        // A string body is sent as it is (a client may send pre-serialised JSON).
        Some(Value::String(text)) => bytes::Bytes::from(text.clone().into_bytes()),
        Some(value) => bytes::Bytes::from(serde_json::to_vec(value).unwrap_or_default()),
        None => bytes::Bytes::new(),
    };
    let (path, query) = match item.url.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (item.url.as_str(), None),
    };
    let path = strip_version(path);
    let response =
        match Box::pin(graph::dispatch(state, &item.method, path, query, &headers, body, true))
            .await
        {
            Ok(response) => response,
            Err(error) => error.to_response(&ids),
        };
    let status = response.status();
    let answer = answer_of_response(&item.id, response).await;
    state.journal.record_item(BatchItemRecord {
        method: &item.method,
        path: &item.url,
        item_id: Some(&item.id),
        status,
        client_request_id: &ids.client_request_id,
        retry_after: None,
        body: answer.get("body"),
    });
    (status, answer)
}

/// An item url may name the version (`/beta/users/...`); the batch is already there.
fn strip_version(path: &str) -> &str {
    match path.get(..6) {
        Some(prefix) if prefix.eq_ignore_ascii_case("/beta/") => &path[5..],
        _ => path,
    }
}

fn answer_of_error(id: &str, error: &GraphError, ids: &RequestIds) -> Value {
    let mut headers = Map::new();
    headers.insert("Content-Type".into(), json!("application/json"));
    headers.insert("request-id".into(), json!(ids.request_id));
    headers.insert("client-request-id".into(), json!(ids.client_request_id));
    for (name, value) in &error.headers {
        if let Ok(value) = value.to_str() {
            headers.insert(title_case(name.as_str()), json!(value));
        }
    }
    json!({ "id": id, "status": error.status.as_u16(), "headers": headers, "body": error.body(ids) })
}

async fn answer_of_response(id: &str, response: Response) -> Value {
    let (parts, body) = response.into_parts();
    let mut headers = Map::new();
    for (name, value) in &parts.headers {
        if name == axum::http::header::CONTENT_LENGTH {
            continue;
        }
        if let Ok(value) = value.to_str() {
            headers.insert(title_case(name.as_str()), json!(value));
        }
    }
    let bytes = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let mut answer = json!({ "id": id, "status": parts.status.as_u16(), "headers": headers });
    if !bytes.is_empty() {
        answer["body"] = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    }
    answer
}

/// `retry-after` → `Retry-After`, as the service writes header names in batch answers;
/// `request-id` and `client-request-id` stay as they are.
fn title_case(name: &str) -> String {
    if name.ends_with("request-id") {
        return name.to_owned();
    }
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}
