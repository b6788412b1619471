//! The calls into the core, kept in one place: `BlockingClient`, the sync entry points,
//! and the host callbacks wrapped as the core's token provider and device code prompt.

use std::ffi::c_void;
use std::sync::{Arc, Mutex};

use profile::auth::DeviceCodePrompt;
use profile::sync::{self, ExpiryRequest, SyncRequest};
use profile::{
    AuthConfig, BatchRequest, BatchResponse, BlockingClient, CancellationToken, ClientConfig,
    FacetKind, ListQuery, UserRef,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::client::{SINKS, gp_device_code_callback, gp_token_callback};
use crate::guard::{FfiResult, in_callback, parse_json};
use crate::last_error::{FfiError, c_string_lossy};
use crate::result::gp_result;

/// The host's callbacks given to `gp_client_new`.
pub(crate) struct HostCallbacks {
    pub(crate) token_callback: gp_token_callback,
    pub(crate) device_code_callback: gp_device_code_callback,
    pub(crate) user_data: *mut c_void,
}

/// The host's user-data pointer, carried to callbacks on library threads.
#[derive(Clone, Copy)]
struct UserData(*mut c_void);

// SAFETY: the header tells the host that callbacks run on library threads with this
// pointer; the library never reads through it.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

/// One client of the core.
pub(crate) struct Backend {
    client: BlockingClient,
}

impl Backend {
    /// A client from `ClientConfig` JSON text and the host's callbacks.
    pub(crate) fn new(config_text: &str, callbacks: HostCallbacks) -> FfiResult<Backend> {
        let config = read_config(config_text)?;
        let user_data = UserData(callbacks.user_data);

        let config = match (&config.auth, callbacks.device_code_callback) {
            (AuthConfig::DeviceCode { .. }, None) => {
                return Err(FfiError::new(
                    gp_result::GP_ERR_NULL_ARGUMENT,
                    "argument 'device_code_callback' is NULL, but auth.type is 'deviceCode'",
                ));
            }
            (AuthConfig::DeviceCode { .. }, Some(prompt)) => {
                config.with_device_code_prompt(move |shown| show_prompt(prompt, user_data, shown))
            }
            _ => config,
        };

        let client = match (&config.auth, callbacks.token_callback) {
            (AuthConfig::Callback, None) => {
                return Err(FfiError::new(
                    gp_result::GP_ERR_NULL_ARGUMENT,
                    "argument 'token_callback' is NULL, but auth.type is 'callback'",
                ));
            }
            (AuthConfig::Callback, Some(callback)) => {
                let provider =
                    profile::callback_provider(move || ask_for_token(callback, user_data));
                BlockingClient::with_token_provider(config, provider)?
            }
            _ => BlockingClient::new(config)?,
        };
        tracing::debug!(target: "graph_profile::ffi", "client made");
        Ok(Backend { client })
    }

    pub(crate) fn list(
        &self,
        user: &str,
        facet: FacetKind,
        query: Option<Value>,
        cancel: Option<CancellationToken>,
    ) -> FfiResult<Vec<Value>> {
        let query: ListQuery = match query {
            Some(query) => strict_value(query, "query_json", gp_result::GP_ERR_INVALID_JSON)?,
            None => ListQuery::default(),
        };
        Ok(self.client.list(&UserRef::new(user), facet, &query, cancel.as_ref())?)
    }

    pub(crate) fn get(
        &self,
        user: &str,
        facet: FacetKind,
        id: &str,
        select: Vec<String>,
        cancel: Option<CancellationToken>,
    ) -> FfiResult<Value> {
        Ok(self.client.get(&UserRef::new(user), facet, id, &select, cancel.as_ref())?)
    }

    pub(crate) fn create(
        &self,
        user: &str,
        facet: FacetKind,
        draft: Value,
        cancel: Option<CancellationToken>,
    ) -> FfiResult<Value> {
        Ok(self.client.create(&UserRef::new(user), facet, draft, cancel.as_ref())?)
    }

    pub(crate) fn update(
        &self,
        user: &str,
        facet: FacetKind,
        id: &str,
        patch: Value,
        cancel: Option<CancellationToken>,
    ) -> FfiResult<Value> {
        Ok(self.client.update(&UserRef::new(user), facet, id, patch, cancel.as_ref())?)
    }

    pub(crate) fn delete(
        &self,
        user: &str,
        facet: FacetKind,
        id: &str,
        cancel: Option<CancellationToken>,
    ) -> FfiResult<()> {
        Ok(self.client.delete(&UserRef::new(user), facet, id, cancel.as_ref())?)
    }

    /// Sends a batch given as a JSON array of items, each either an operation
    /// (`{"id", "operation", "user", "facet", ...}`) or a raw Graph batch request
    /// (`{"id", "method", "url", ...}`).  Answers one object per item, in order.
    pub(crate) fn batch(
        &self,
        requests_text: &str,
        cancel: Option<CancellationToken>,
    ) -> FfiResult<Vec<Value>> {
        let items: Vec<Value> = parse_json(requests_text, "requests_json")?;
        let requests = items
            .into_iter()
            .enumerate()
            .map(|(index, item)| batch_request(index, item))
            .collect::<FfiResult<Vec<_>>>()?;
        let responses = self.client.batch(requests, cancel.as_ref())?;
        Ok(responses.into_iter().map(batch_answer).collect())
    }
}

impl Backend {
    /// Plans a sync described by `SyncRequest` JSON: the `Plan` as JSON.  Reads only.
    pub(crate) fn sync_plan(
        &self,
        request: &str,
        cancel: Option<CancellationToken>,
    ) -> FfiResult<String> {
        check_request::<SyncRequest>(request)?;
        let client = self.client.client();
        Ok(self.client.run(cancel.as_ref(), sync::plan_from_json(client, request))?)
    }

    /// Applies a sync described by `SyncRequest` JSON: the `ApplyReport` as JSON.
    ///
    /// A cancellation is `GP_ERR_CANCELLED` at every stage, as for the other calls.  The
    /// core watches the token only while writing and then answers a report marked
    /// `interrupted`; `run` also stops the reading before it, so the two are made one.
    pub(crate) fn sync_apply(
        &self,
        request: &str,
        cancel: Option<CancellationToken>,
    ) -> FfiResult<String> {
        check_request::<SyncRequest>(request)?;
        let client = self.client.client();
        let cancel = cancel.as_ref();

        let result = self.client.run(cancel, sync::apply_from_json(client, request, cancel));
        let cancelled = match &result {
            Ok(report) => {
                cancel.is_some_and(CancellationToken::is_cancelled) && interrupted(report)
            }
            Err(error) => error.kind() == profile::ErrorKind::Cancelled,
        };
        if cancelled {
            return Err(FfiError::new(
                gp_result::GP_ERR_CANCELLED,
                "the sync was cancelled; the writes done before are in the journal, when the \
                 request names one: run the same request again to finish",
            ));
        }
        Ok(result?)
    }

    /// The certification expiry report for `ExpiryRequest` JSON: the `ExpiryReport` as JSON.
    pub(crate) fn expiry_report(
        &self,
        request: &str,
        cancel: Option<CancellationToken>,
    ) -> FfiResult<String> {
        check_request::<ExpiryRequest>(request)?;
        let client = self.client.client();
        Ok(self.client.run(cancel.as_ref(), sync::expiry_from_json(client, request))?)
    }
}

/// Checks a sync or expiry request before the core reads it: text that is no JSON, the
/// wrong shape, or a key the request does not have (a misspelt `"prun"` would otherwise
/// plan without pruning) is `GP_ERR_INVALID_JSON`, as for every JSON argument.
fn check_request<T: Serialize + DeserializeOwned>(text: &str) -> FfiResult<()> {
    let value: Value = parse_json(text, "request_json")?;
    if !value.is_object() {
        return Err(FfiError::new(
            gp_result::GP_ERR_INVALID_JSON,
            "argument 'request_json' has the wrong shape: expected a JSON object",
        ));
    }
    strict_value::<T>(value, "request_json", gp_result::GP_ERR_INVALID_JSON).map(drop)
}

/// Whether an `ApplyReport` in JSON says the run was interrupted.
fn interrupted(report: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Interrupted {
        #[serde(default)]
        interrupted: bool,
    }
    serde_json::from_str::<Interrupted>(report).is_ok_and(|report| report.interrupted)
}

/// Reads `ClientConfig` JSON: bad JSON is `GP_ERR_INVALID_JSON`; JSON the core cannot
/// use, including a top-level key it does not know, is `GP_ERR_CONFIG`.
fn read_config(text: &str) -> FfiResult<ClientConfig> {
    let value: Value = parse_json(text, "config_json")?;
    let config: ClientConfig = strict_value(value, "config_json", gp_result::GP_ERR_CONFIG)?;
    Ok(config)
}

/// Deserialises `value` into `T`, refusing top-level keys `T` does not have.
///
/// The core's option types ignore unknown keys; across the ABI a misspelt option
/// (`"filtre"`, `"graphURL"`) must not be dropped silently.  A key that does not come
/// back when `T` is serialised again is either an alias (`orderBy`) or unknown: it is
/// unknown when leaving it out parses to the same `T`.
fn strict_value<T: Serialize + DeserializeOwned>(
    value: Value,
    name: &str,
    code: gp_result,
) -> FfiResult<T> {
    let wrong_shape = |error: serde_json::Error| {
        FfiError::new(code, format!("argument '{name}' has the wrong shape: {error}"))
    };
    let given = match &value {
        Value::Object(object) => object.clone(),
        _ => Map::new(),
    };
    let parsed: T = serde_json::from_value(value).map_err(wrong_shape)?;
    let Ok(Value::Object(known)) = serde_json::to_value(&parsed) else {
        return Ok(parsed);
    };

    for key in given.keys().filter(|key| !known.contains_key(*key)) {
        let mut without = given.clone();
        without.remove(key);
        let ignored = serde_json::from_value::<T>(Value::Object(without))
            .ok()
            .and_then(|other| serde_json::to_value(other).ok())
            .is_some_and(|other| other == Value::Object(known.clone()));
        if ignored {
            let mut names: Vec<&str> = known.keys().map(String::as_str).collect();
            names.sort_unstable();
            return Err(FfiError::new(
                code,
                format!(
                    "argument '{name}': unknown key '{key}'; expected one of {}",
                    names.join(", ")
                ),
            ));
        }
    }
    Ok(parsed)
}

/// One item of `gp_batch`'s input, as the core's `BatchRequest`.
fn batch_request(index: usize, item: Value) -> FfiResult<BatchRequest> {
    let name = format!("requests_json[{index}]");
    let Value::Object(mut object) = item else {
        return Err(FfiError::new(
            gp_result::GP_ERR_INVALID_JSON,
            format!("argument '{name}' is not a JSON object"),
        ));
    };
    let Some(operation) = object.remove("operation") else {
        // A raw Graph batch request, for what the operations do not cover.
        return serde_json::from_value(Value::Object(object)).map_err(|error| {
            FfiError::new(
                gp_result::GP_ERR_INVALID_JSON,
                format!("argument '{name}' has the wrong shape: {error}"),
            )
        });
    };

    let item: BatchOperation = parse_json(&Value::Object(object).to_string(), &name)?;
    let kind: FacetKind = item.facet.parse().map_err(|unknown| {
        FfiError::new(gp_result::GP_ERR_UNKNOWN_FACET, format!("argument '{name}': {unknown}"))
    })?;
    let user = UserRef::new(item.user);
    let entry_id = || {
        item.entry_id.as_deref().ok_or_else(|| {
            FfiError::new(
                gp_result::GP_ERR_INVALID_JSON,
                format!("argument '{name}': operation {operation} needs 'entryId'"),
            )
        })
    };
    let body = || item.body.clone().unwrap_or(Value::Object(Map::new()));

    let request = match operation.as_str() {
        Some("list") => {
            let query = match item.query.clone() {
                Some(query) => strict_value(query, &name, gp_result::GP_ERR_INVALID_JSON)?,
                None => ListQuery::default(),
            };
            BatchRequest::list(item.id.clone(), &user, kind, &query)?
        }
        Some("get") => BatchRequest::get(item.id.clone(), &user, kind, entry_id()?, &item.select)?,
        Some("create") => BatchRequest::create(item.id.clone(), &user, kind, body())?,
        Some("update") => BatchRequest::update(item.id.clone(), &user, kind, entry_id()?, body())?,
        Some("delete") => BatchRequest::delete(item.id.clone(), &user, kind, entry_id()?)?,
        _ => {
            return Err(FfiError::new(
                gp_result::GP_ERR_INVALID_JSON,
                format!(
                    "argument '{name}': operation {operation} is none of \
                     list, get, create, update, delete"
                ),
            ));
        }
    };
    Ok(request.depending_on(item.depends_on))
}

/// An operation item of `gp_batch`: the facet-level form, without URLs.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BatchOperation {
    id: String,
    user: String,
    facet: String,
    #[serde(default)]
    entry_id: Option<String>,
    /// The draft of a create, the patch of an update.
    #[serde(default)]
    body: Option<Value>,
    #[serde(default)]
    query: Option<Value>,
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    depends_on: Vec<String>,
}

/// One answer of `gp_batch`: the core's response plus, on failure, the same error detail
/// `gp_last_error_json` gives for a single call.
fn batch_answer(response: BatchResponse) -> Value {
    let error = response.error().map(|error| FfiError::from(error).to_json());
    let mut answer = json!({
        "id": response.id,
        "status": response.status,
        "headers": response.headers,
        "body": response.body,
    });
    if let Some(error) = error {
        answer["error"] = error;
    }
    answer
}

/// Calls the host's token callback with a fresh sink and reads its answer.
fn ask_for_token(
    callback: unsafe extern "C" fn(*mut c_void, *mut crate::client::gp_token_sink),
    user_data: UserData,
) -> Result<String, String> {
    let answer = Arc::new(Mutex::new(None));
    let sink = SINKS.insert_shared(Arc::clone(&answer));
    // SAFETY: the host gave this callback and user data for exactly this use.
    in_callback(|| unsafe { callback(user_data.0, sink) });
    let _ = SINKS.remove(sink, "sink");

    let answer = answer.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
    answer.unwrap_or_else(|| Err("it returned without calling gp_token_sink_set_token".into()))
}

/// Calls the host's device code callback with the prompt as JSON.
fn show_prompt(
    callback: unsafe extern "C" fn(*mut c_void, *const std::ffi::c_char),
    user_data: UserData,
    prompt: &DeviceCodePrompt,
) {
    let text = json!({
        "message": prompt.message,
        "userCode": prompt.user_code,
        "verificationUri": prompt.verification_uri,
        "expiresInSeconds": prompt.expires_in.as_secs(),
    })
    .to_string();
    let text = c_string_lossy(&text);
    // SAFETY: the host gave this callback and user data for exactly this use; the
    // text lives until it returns.
    in_callback(|| unsafe { callback(user_data.0, text.as_ptr()) });
}
