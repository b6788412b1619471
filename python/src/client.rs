//! `NativeClient`: the core client behind `graph_profile.Client` and `AsyncClient`.
//!
//! Entries cross as JSON text, which Python's C `json` module reads faster than
//! objects built one by one through the C API.  Every method has a blocking form
//! (GIL released, Ctrl+C honoured) and an `_async` form returning an awaitable.

use std::sync::{Arc, Mutex};

use futures::StreamExt;
use futures::stream::BoxStream;
use graph_profile::sync::{apply_from_json, expiry_from_json, plan_from_json};
use graph_profile::validate::{prepare_draft, prepare_patch};
use graph_profile::{
    BatchRequest, BatchResponse, Client, ClientConfig, Error, FacetKind, ListQuery, TokenProvider,
    UserRef,
};
use pyo3::exceptions::{PyRuntimeError, PyStopAsyncIteration};
use pyo3::prelude::*;
use serde_json::Value;

use crate::auth::{PyTokenProvider, device_code_prompt};
use crate::errors::{invalid, to_py_err};
use crate::runtime::{awaitable, wait, wait_cancellable};

/// One Graph client: its settings, its token source, and the core client made from
/// them for the current process.
#[pyclass(frozen, module = "graph_profile._native")]
pub struct NativeClient {
    config: ClientConfig,
    provider: Option<Arc<dyn TokenProvider>>,
    /// The core client and the process it was made in: a child after `fork()` makes
    /// its own, since the parent's connections belong to the parent's runtime.
    current: Mutex<Option<(u32, Client)>>,
}

impl NativeClient {
    fn client(&self) -> Result<Client, Error> {
        let pid = std::process::id();
        let mut current = self.current.lock().unwrap_or_else(|poison| poison.into_inner());
        match current.as_ref() {
            Some((made_in, client)) if *made_in == pid => Ok(client.clone()),
            _ => {
                let client = match &self.provider {
                    Some(provider) => {
                        Client::with_token_provider(self.config.clone(), Arc::clone(provider))?
                    }
                    None => Client::new(self.config.clone())?,
                };
                *current = Some((pid, client.clone()));
                Ok(client)
            }
        }
    }

    /// The client, the facet and the user of a call, or the error naming what is wrong.
    fn target(&self, facet: &str, user: &str) -> Result<(Client, FacetKind, UserRef), Error> {
        let kind = parse_facet(facet)?;
        Ok((self.client()?, kind, UserRef::new(user)))
    }
}

fn parse_facet(facet: &str) -> Result<FacetKind, Error> {
    facet.parse::<FacetKind>().map_err(|unknown| invalid("facet", unknown.to_string()))
}

fn parse_json(field: &str, text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| invalid(field, format!("not valid JSON: {e}")))
}

fn parse_query(text: &str) -> Result<ListQuery, Error> {
    serde_json::from_str(text).map_err(|e| invalid("query", e.to_string()))
}

/// A draft validated by the core, before any request goes out.
fn checked_draft(kind: FacetKind, text: &str) -> Result<Value, Error> {
    Ok(Value::Object(prepare_draft(kind, parse_json("draft", text)?)?))
}

/// A patch validated by the core, before any request goes out.
fn checked_patch(kind: FacetKind, text: &str) -> Result<Value, Error> {
    Ok(Value::Object(prepare_patch(kind, parse_json("patch", text)?)?))
}

fn to_text(value: &Value) -> String {
    value.to_string()
}

fn entries_text(entries: Vec<Value>) -> String {
    Value::Array(entries).to_string()
}

#[pymethods]
impl NativeClient {
    /// `config_json` is the core's `ClientConfig`; `token_callable` (for
    /// `auth.type = "callback"`) returns `(token, expires_on)`; `device_code_prompt`
    /// receives `(user_code, verification_uri, message, expires_in)`.
    #[new]
    #[pyo3(signature = (config_json, token_callable=None, device_code_prompt=None))]
    fn new(
        py: Python<'_>,
        config_json: &str,
        token_callable: Option<Py<PyAny>>,
        device_code_prompt: Option<Py<PyAny>>,
    ) -> PyResult<NativeClient> {
        let made = (|| {
            let mut config = ClientConfig::from_json(config_json)?;
            if let Some(prompt) = device_code_prompt {
                config = config.with_device_code_prompt(self::device_code_prompt(prompt));
            }
            let provider = token_callable.map(|callable| -> Arc<dyn TokenProvider> {
                Arc::new(PyTokenProvider::new(callable))
            });
            let native = NativeClient { config, provider, current: Mutex::new(None) };
            // Made now so that a configuration that cannot work fails here.
            native.client()?;
            Ok(native)
        })();
        made.map_err(|error| to_py_err(py, error))
    }

    /// Every entry of a facet, as a JSON array.
    fn list(&self, py: Python<'_>, facet: &str, user: &str, query_json: &str) -> PyResult<String> {
        let call = self.target(facet, user).and_then(|t| Ok((t, parse_query(query_json)?)));
        let ((client, kind, user), query) = call.map_err(|e| to_py_err(py, e))?;
        let entries = wait(py, async move { client.list(&user, kind, &query).await })?;
        Ok(entries_text(entries))
    }

    fn list_async<'py>(
        &self,
        py: Python<'py>,
        facet: &str,
        user: &str,
        query_json: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let call = self.target(facet, user).and_then(|t| Ok((t, parse_query(query_json)?)));
        let ((client, kind, user), query) = call.map_err(|e| to_py_err(py, e))?;
        awaitable(py, async move { client.list(&user, kind, &query).await.map(entries_text) })
    }

    /// The pages of a facet, fetched as they are iterated (sync or async).
    fn pages(&self, py: Python<'_>, facet: &str, user: &str, query_json: &str) -> PyResult<Pages> {
        let call = self.target(facet, user).and_then(|t| Ok((t, parse_query(query_json)?)));
        let ((client, kind, user), query) = call.map_err(|e| to_py_err(py, e))?;
        let stream = client.list_pages(&user, kind, &query).boxed();
        Ok(Pages { stream: Arc::new(tokio::sync::Mutex::new(stream)) })
    }

    /// One entry, as a JSON object.
    #[pyo3(signature = (facet, user, id, select=Vec::new()))]
    fn get(
        &self,
        py: Python<'_>,
        facet: &str,
        user: &str,
        id: String,
        select: Vec<String>,
    ) -> PyResult<String> {
        let (client, kind, user) = self.target(facet, user).map_err(|e| to_py_err(py, e))?;
        let entry = wait(py, async move { client.get(&user, kind, &id, &select).await })?;
        Ok(to_text(&entry))
    }

    #[pyo3(signature = (facet, user, id, select=Vec::new()))]
    fn get_async<'py>(
        &self,
        py: Python<'py>,
        facet: &str,
        user: &str,
        id: String,
        select: Vec<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (client, kind, user) = self.target(facet, user).map_err(|e| to_py_err(py, e))?;
        awaitable(
            py,
            async move { client.get(&user, kind, &id, &select).await.map(|v| to_text(&v)) },
        )
    }

    /// Creates an entry from a JSON draft, validated before any request.
    fn create(
        &self,
        py: Python<'_>,
        facet: &str,
        user: &str,
        draft_json: &str,
    ) -> PyResult<String> {
        let call = self.target(facet, user).and_then(|t| Ok((checked_draft(t.1, draft_json)?, t)));
        let (draft, (client, kind, user)) = call.map_err(|e| to_py_err(py, e))?;
        let entry = wait(py, async move { client.create(&user, kind, draft).await })?;
        Ok(to_text(&entry))
    }

    fn create_async<'py>(
        &self,
        py: Python<'py>,
        facet: &str,
        user: &str,
        draft_json: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let call = self.target(facet, user).and_then(|t| Ok((checked_draft(t.1, draft_json)?, t)));
        let (draft, (client, kind, user)) = call.map_err(|e| to_py_err(py, e))?;
        awaitable(py, async move { client.create(&user, kind, draft).await.map(|v| to_text(&v)) })
    }

    /// Updates an entry with a JSON patch, validated before any request.
    fn update(
        &self,
        py: Python<'_>,
        facet: &str,
        user: &str,
        id: String,
        patch_json: &str,
    ) -> PyResult<String> {
        let call = self.target(facet, user).and_then(|t| Ok((checked_patch(t.1, patch_json)?, t)));
        let (patch, (client, kind, user)) = call.map_err(|e| to_py_err(py, e))?;
        let entry = wait(py, async move { client.update(&user, kind, &id, patch).await })?;
        Ok(to_text(&entry))
    }

    fn update_async<'py>(
        &self,
        py: Python<'py>,
        facet: &str,
        user: &str,
        id: String,
        patch_json: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let call = self.target(facet, user).and_then(|t| Ok((checked_patch(t.1, patch_json)?, t)));
        let (patch, (client, kind, user)) = call.map_err(|e| to_py_err(py, e))?;
        awaitable(
            py,
            async move { client.update(&user, kind, &id, patch).await.map(|v| to_text(&v)) },
        )
    }

    /// Deletes an entry.
    fn delete(&self, py: Python<'_>, facet: &str, user: &str, id: String) -> PyResult<()> {
        let (client, kind, user) = self.target(facet, user).map_err(|e| to_py_err(py, e))?;
        wait(py, async move { client.delete(&user, kind, &id).await })
    }

    fn delete_async<'py>(
        &self,
        py: Python<'py>,
        facet: &str,
        user: &str,
        id: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (client, kind, user) = self.target(facet, user).map_err(|e| to_py_err(py, e))?;
        awaitable(py, async move { client.delete(&user, kind, &id).await })
    }

    /// Runs many operations through Graph's `$batch` (the core groups, orders and
    /// retries them).  `requests_json` is a list of `{"op": "create" | "update" |
    /// "delete" | "get", "facet", "user", "id"?, "body"?}`; the answer has, for each
    /// in order, `(status, entry JSON or None, exception or None)`.
    fn batch<'py>(&self, py: Python<'py>, requests_json: &str) -> PyResult<Bound<'py, PyAny>> {
        let (client, requests) =
            self.batch_requests(requests_json).map_err(|e| to_py_err(py, e))?;
        let answers = wait(py, async move { client.batch(requests).await })?;
        batch_answers(py, answers)
    }

    fn batch_async<'py>(
        &self,
        py: Python<'py>,
        requests_json: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (client, requests) =
            self.batch_requests(requests_json).map_err(|e| to_py_err(py, e))?;
        let answers = async move { client.batch(requests).await.map(BatchAnswers) };
        awaitable(py, answers)
    }

    /// What a sync would do, as the core's `Plan` JSON; `request_json` is the core's
    /// `SyncRequest`.  Reads only.
    fn sync_plan(&self, py: Python<'_>, request_json: String) -> PyResult<String> {
        let client = self.client().map_err(|e| to_py_err(py, e))?;
        wait(py, async move { plan_from_json(&client, &request_json).await })
    }

    fn sync_plan_async<'py>(
        &self,
        py: Python<'py>,
        request_json: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client().map_err(|e| to_py_err(py, e))?;
        awaitable(py, async move { plan_from_json(&client, &request_json).await })
    }

    /// Carries a sync out; the core's `ApplyReport` JSON.  Ctrl+C stops it through
    /// the core's cancellation, so the resume journal holds every finished write.
    fn sync_apply(&self, py: Python<'_>, request_json: String) -> PyResult<String> {
        let client = self.client().map_err(|e| to_py_err(py, e))?;
        wait_cancellable(py, |cancel| async move {
            apply_from_json(&client, &request_json, Some(&cancel)).await
        })
    }

    /// Cancelling the awaiting task drops the apply: writes in flight are abandoned,
    /// and the journal (written as each write completes) resumes the rest.
    fn sync_apply_async<'py>(
        &self,
        py: Python<'py>,
        request_json: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client().map_err(|e| to_py_err(py, e))?;
        awaitable(py, async move { apply_from_json(&client, &request_json, None).await })
    }

    /// Certifications expired or expiring, as the core's `ExpiryReport` JSON;
    /// `request_json` is the core's `ExpiryRequest`.
    fn expiry(&self, py: Python<'_>, request_json: String) -> PyResult<String> {
        let client = self.client().map_err(|e| to_py_err(py, e))?;
        wait(py, async move { expiry_from_json(&client, &request_json).await })
    }

    fn expiry_async<'py>(
        &self,
        py: Python<'py>,
        request_json: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client().map_err(|e| to_py_err(py, e))?;
        awaitable(py, async move { expiry_from_json(&client, &request_json).await })
    }
}

impl NativeClient {
    fn batch_requests(&self, text: &str) -> Result<(Client, Vec<BatchRequest>), Error> {
        let items = match parse_json("requests", text)? {
            Value::Array(items) => items,
            _ => return Err(invalid("requests", "must be a list")),
        };
        let text_of = |item: &Value, key: &str| -> Result<String, Error> {
            item.get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| invalid(key, "missing in a batch request"))
        };
        let mut requests = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let id = (index + 1).to_string();
            let kind = parse_facet(&text_of(item, "facet")?)?;
            let user = UserRef::new(text_of(item, "user")?);
            let body = item.get("body").cloned().unwrap_or(Value::Null);
            let request = match text_of(item, "op")?.as_str() {
                "create" => BatchRequest::create(id, &user, kind, body)?,
                "update" => BatchRequest::update(id, &user, kind, &text_of(item, "id")?, body)?,
                "delete" => BatchRequest::delete(id, &user, kind, &text_of(item, "id")?)?,
                "get" => BatchRequest::get(id, &user, kind, &text_of(item, "id")?, &[])?,
                other => return Err(invalid("op", format!("unknown batch operation '{other}'"))),
            };
            requests.push(request);
        }
        Ok((self.client()?, requests))
    }
}

/// Batch answers in request order, turned into Python values when the GIL is held.
struct BatchAnswers(Vec<BatchResponse>);

impl<'py> IntoPyObject<'py> for BatchAnswers {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        batch_answers(py, self.0)
    }
}

fn batch_answers(py: Python<'_>, mut answers: Vec<BatchResponse>) -> PyResult<Bound<'_, PyAny>> {
    // Ids are the 1-based positions given above; answers come in any order.
    answers.sort_by_key(|answer| answer.id.parse::<usize>().unwrap_or(usize::MAX));
    let rows = answers
        .into_iter()
        .map(|answer| {
            let status = answer.status;
            let failure = answer.error().map(|error| to_py_err(py, error).into_value(py));
            let body = answer.body.as_ref().filter(|_| failure.is_none()).map(to_text);
            (status, body, failure)
        })
        .collect::<Vec<_>>();
    rows.into_pyobject(py).map(Bound::into_any)
}

type PageStream = BoxStream<'static, Result<Vec<Value>, Error>>;

/// The pages of one listing; each page is a JSON array.
#[pyclass(frozen, module = "graph_profile._native")]
pub struct Pages {
    stream: Arc<tokio::sync::Mutex<PageStream>>,
}

#[pymethods]
impl Pages {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<String>> {
        let mut stream = self.stream.try_lock().map_err(|_| PyRuntimeError::new_err(BUSY))?;
        let page = wait(py, async { stream.next().await.transpose() })?;
        Ok(page.map(entries_text))
    }

    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let stream = Arc::clone(&self.stream);
        pyo3_async_runtimes::generic::future_into_py::<crate::runtime::ProcessRuntime, _, _>(
            py,
            async move {
                let mut stream = stream.try_lock().map_err(|_| PyRuntimeError::new_err(BUSY))?;
                match stream.next().await {
                    Some(Ok(page)) => Ok(entries_text(page)),
                    Some(Err(error)) => Err(Python::attach(|py| to_py_err(py, error))),
                    None => Err(PyStopAsyncIteration::new_err(())),
                }
            },
        )
    }
}

const BUSY: &str = "these pages are being read by another call; iterate them from one place";

/// Validates a draft (JSON text) as a create would, without sending it; returns the
/// JSON that would be sent.
#[pyfunction]
pub fn check_draft(py: Python<'_>, facet: &str, draft_json: &str) -> PyResult<String> {
    let checked = parse_facet(facet).and_then(|kind| checked_draft(kind, draft_json));
    checked.map(|v| to_text(&v)).map_err(|e| to_py_err(py, e))
}

/// Validates a patch (JSON text) as an update would, without sending it.
#[pyfunction]
pub fn check_patch(py: Python<'_>, facet: &str, patch_json: &str) -> PyResult<String> {
    let checked = parse_facet(facet).and_then(|kind| checked_patch(kind, patch_json));
    checked.map(|v| to_text(&v)).map_err(|e| to_py_err(py, e))
}

/// The `.default` scope of the Graph host a configuration points at
/// (`https://graph.microsoft.com/.default`), for token callables that take scopes.
#[pyfunction]
pub fn default_scope(py: Python<'_>, config_json: &str) -> PyResult<String> {
    let url = ClientConfig::from_json(config_json).and_then(|c| c.resolved_graph_url());
    let url = url.map_err(|e| to_py_err(py, e))?;
    Ok(format!("{}/.default", url.origin().ascii_serialization()))
}

/// The collection name of a facet named in any letter case (`"Skills"` is
/// `"skills"`); an unknown name is a validation error naming the field `facet`.
#[pyfunction]
pub fn check_facet(py: Python<'_>, name: &str) -> PyResult<&'static str> {
    parse_facet(name).map(FacetKind::collection).map_err(|e| to_py_err(py, e))
}
