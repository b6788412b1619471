//! The authority's routes: the OAuth 2.0 token and device code endpoints, and the
//! test helpers under `/emulator/`.  Requests and answers follow Entra ID's
//! v2.0 endpoints; errors are `{"error", "error_description", "error_codes",
//! "timestamp", "trace_id", "correlation_id"}`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{Path, Query, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, PRAGMA};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use rand::Rng;
use serde_json::{Value, json};

use super::{
    Authority, Claims, DEFAULT_ROLES, DEFAULT_SCOPES, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET,
    DeviceDecision, DeviceFlow, GRAPH_AUDIENCE, RefreshGrant, random_hex,
};
use crate::state::AppState;
use crate::store::User;

/// The grant type of the device code flow.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Scopes that name no Graph permission and are left out of `scp`.
const OIDC_SCOPES: &[&str] = &["openid", "profile", "email", "offline_access"];

/// `/{tenant}/oauth2/v2.0/token`, `/{tenant}/oauth2/v2.0/devicecode`,
/// `GET /emulator/token`, `POST /emulator/devicecode/approve`,
/// `GET /emulator/devicelogin`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(device_code))
        .route("/emulator/token", get(test_token))
        .route("/emulator/devicecode/approve", post(approve))
        .route("/emulator/devicelogin", get(device_login))
}

/// An error of the sign-in endpoints, in Entra ID's shape.
#[derive(Debug)]
struct OAuthError {
    status: StatusCode,
    error: &'static str,
    code: u32,
    description: String,
}

impl OAuthError {
    fn new(error: &'static str, code: u32, description: impl Into<String>) -> OAuthError {
        let status = if error == "invalid_client" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        OAuthError { status, error, code, description: description.into() }
    }

    fn missing(parameter: &str) -> OAuthError {
        OAuthError::new(
            "invalid_request",
            900144,
            format!("The request body must contain the following parameter: '{parameter}'."),
        )
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let now = time::OffsetDateTime::now_utc();
        let timestamp = format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}Z",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second()
        );
        let body = json!({
            "error": self.error,
            "error_description": format!("AADSTS{}: {}", self.code, self.description),
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": uuid::Uuid::new_v4().to_string(),
            "correlation_id": uuid::Uuid::new_v4().to_string(),
        });
        oauth_json(self.status, &body)
    }
}

/// A JSON answer of the sign-in endpoints: never cached, as Entra ID says.
fn oauth_json(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store, no-cache"));
    headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

type Params = HashMap<String, String>;

fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn required<'a>(params: &'a Params, name: &str) -> Result<&'a str, OAuthError> {
    param(params, name).ok_or_else(|| OAuthError::missing(name))
}

/// The tenant named in the path: a tenant id, or any tenant for `common` and
/// `organizations`.
fn path_tenant(state: &AppState, segment: &str) -> Result<Option<String>, OAuthError> {
    if segment.eq_ignore_ascii_case("common") || segment.eq_ignore_ascii_case("organizations") {
        return Ok(None);
    }
    if state.store.tenant_exists(segment) {
        return Ok(Some(segment.to_owned()));
    }
    // Not yet: domain names (contoso.onmicrosoft.com); the directory does not
    // keep a tenant's domains.
    Err(OAuthError::new(
        "invalid_request",
        90002,
        format!("Tenant '{segment}' not found. Use a tenant id, 'common' or 'organizations'."),
    ))
}

/// Permission names from a `scope` parameter: the resource prefix dropped, the
/// OpenID Connect scopes left out, `.default` replaced by `defaults`.
fn parse_scopes(raw: &str, defaults: &[String]) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for part in raw.split([' ', ',']).filter(|p| !p.is_empty()) {
        let name = part.rsplit_once('/').map_or(part, |(_, name)| name);
        if OIDC_SCOPES.iter().any(|oidc| oidc.eq_ignore_ascii_case(name)) {
            continue;
        }
        let names: Vec<String> = if name.eq_ignore_ascii_case(".default") {
            defaults.to_vec()
        } else {
            vec![name.to_owned()]
        };
        for name in names {
            if !scopes.iter().any(|s| s.eq_ignore_ascii_case(&name)) {
                scopes.push(name);
            }
        }
    }
    scopes
}

fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

impl Authority {
    fn app_scopes(&self, client_id: &str) -> Vec<String> {
        let config = self.config();
        config
            .app(client_id)
            .and_then(|app| app.scopes.clone())
            .unwrap_or_else(|| DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect())
    }

    fn app_roles(&self, client_id: &str) -> Vec<String> {
        let config = self.config();
        config
            .app(client_id)
            .and_then(|app| app.roles.clone())
            .unwrap_or_else(|| DEFAULT_ROLES.iter().map(|s| s.to_string()).collect())
    }

    /// Checks a client secret against the rule in the module docs.
    fn check_secret(&self, client_id: &str, secret: &str) -> bool {
        let config = self.config();
        let expected = config.app(client_id).map_or(DEMO_CLIENT_SECRET, |app| &app.client_secret);
        constant_time_eq(expected.as_bytes(), secret.as_bytes())
    }

    fn lifetime(&self) -> i64 {
        i64::try_from(self.config().token_lifetime_seconds).unwrap_or(i64::MAX / 4)
    }

    /// A delegated token for `user`, valid for `lifetime` seconds.
    fn delegated_token(
        &self,
        base_url: &str,
        user: &User,
        client_id: &str,
        scopes: &[String],
        lifetime: i64,
    ) -> String {
        let now = now_unix();
        self.sign(&Claims {
            aud: GRAPH_AUDIENCE.to_owned(),
            iss: format!("{base_url}/{}/v2.0", user.tenant_id),
            iat: now,
            nbf: now.min(now + lifetime),
            exp: now + lifetime,
            tid: user.tenant_id.clone(),
            oid: user.id.clone(),
            sub: user.id.clone(),
            appid: client_id.to_owned(),
            upn: Some(user.user_principal_name.clone()),
            scp: Some(scopes.join(" ")),
            roles: None,
            idtyp: "user".to_owned(),
            uti: random_hex(12),
        })
    }

    /// An app-only token; the application's object id is its client id here.
    fn app_token(
        &self,
        base_url: &str,
        tenant_id: &str,
        client_id: &str,
        roles: &[String],
        lifetime: i64,
    ) -> String {
        let now = now_unix();
        self.sign(&Claims {
            aud: GRAPH_AUDIENCE.to_owned(),
            iss: format!("{base_url}/{tenant_id}/v2.0"),
            iat: now,
            nbf: now.min(now + lifetime),
            exp: now + lifetime,
            tid: tenant_id.to_owned(),
            oid: client_id.to_owned(),
            sub: client_id.to_owned(),
            appid: client_id.to_owned(),
            upn: None,
            scp: None,
            roles: Some(roles.to_vec()),
            idtyp: "app".to_owned(),
            uti: random_hex(12),
        })
    }

    fn new_refresh_token(&self, grant: RefreshGrant) -> String {
        let token = format!("rt.{}", random_hex(32));
        self.refresh_grants.lock().unwrap_or_else(|e| e.into_inner()).insert(token.clone(), grant);
        token
    }

    /// The token answer of a delegated grant, with a refresh token.
    fn delegated_answer(
        &self,
        state: &AppState,
        user: &User,
        client_id: &str,
        scopes: Vec<String>,
    ) -> Response {
        let lifetime = self.lifetime();
        let access = self.delegated_token(&state.base_url, user, client_id, &scopes, lifetime);
        let refresh = self.new_refresh_token(RefreshGrant {
            client_id: client_id.to_owned(),
            user_id: user.id.clone(),
            scopes: scopes.clone(),
        });
        oauth_json(
            StatusCode::OK,
            &json!({
                "token_type": "Bearer",
                "scope": scopes.join(" "),
                "expires_in": lifetime,
                "ext_expires_in": lifetime,
                "access_token": access,
                "refresh_token": refresh,
            }),
        )
    }
}

/// Compares secrets in time that does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `client_id` and `client_secret` from HTTP Basic authentication.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::Engine as _;
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let (id, secret) = std::str::from_utf8(&decoded).ok()?.split_once(':')?;
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    Some((decode(id), decode(secret)))
}

/// `POST /{tenant}/oauth2/v2.0/token`.
async fn token(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    form: Result<Form<Params>, FormRejection>,
) -> Response {
    let params = match form {
        Ok(Form(params)) => params,
        Err(_) => {
            return OAuthError::new(
                "invalid_request",
                900144,
                "The request body must be application/x-www-form-urlencoded.",
            )
            .into_response();
        }
    };
    let result = match param(&params, "grant_type") {
        None => Err(OAuthError::missing("grant_type")),
        Some("client_credentials") => client_credentials(&state, &tenant, &headers, &params),
        Some(DEVICE_CODE_GRANT) | Some("device_code") => device_code_grant(&state, &params),
        Some("refresh_token") => refresh_token(&state, &tenant, &params),
        Some(other) => Err(OAuthError::new(
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

fn client_credentials(
    state: &AppState,
    tenant: &str,
    headers: &HeaderMap,
    params: &Params,
) -> Result<Response, OAuthError> {
    let basic = basic_credentials(headers);
    let client_id = match (&basic, param(params, "client_id")) {
        (_, Some(id)) => id.to_owned(),
        (Some((id, _)), None) => id.clone(),
        (None, None) => return Err(OAuthError::missing("client_id")),
    };
    if param(params, "client_assertion").is_some() {
        return Err(OAuthError::new(
            "invalid_client",
            7000215,
            "The emulator accepts client secrets only, not client assertions.",
        ));
    }
    let secret = param(params, "client_secret")
        .map(str::to_owned)
        .or_else(|| basic.map(|(_, secret)| secret))
        .ok_or_else(|| {
            OAuthError::new(
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: 'client_assertion' \
                 or 'client_secret'.",
            )
        })?;
    let authority = &state.authority;
    if !authority.check_secret(&client_id, &secret) {
        return Err(OAuthError::new(
            "invalid_client",
            7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is \
             the client secret value, not the client secret ID.",
        ));
    }

    let Some(tenant_id) = path_tenant(state, tenant)? else {
        return Err(OAuthError::new(
            "invalid_request",
            90002,
            "Client credentials need a tenant id in the path, not 'common' or 'organizations'.",
        ));
    };
    let scope = required(params, "scope")?;
    if !scope.ends_with("/.default") || scope.split_whitespace().count() != 1 {
        return Err(OAuthError::new(
            "invalid_scope",
            1002012,
            format!(
                "The provided value for scope {scope} is not valid. Client credential flows \
                 must have a scope value with /.default suffixed to the resource identifier."
            ),
        ));
    }

    let roles = authority.app_roles(&client_id);
    let lifetime = authority.lifetime();
    let access = authority.app_token(&state.base_url, &tenant_id, &client_id, &roles, lifetime);
    Ok(oauth_json(
        StatusCode::OK,
        &json!({
            "token_type": "Bearer",
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": access,
        }),
    ))
}

fn device_code_grant(state: &AppState, params: &Params) -> Result<Response, OAuthError> {
    let device_code = required(params, "device_code")?;
    let client_id = required(params, "client_id")?;
    let authority = &state.authority;
    let now = Instant::now();

    let flow = {
        let mut flows = authority.device_flows.lock().unwrap_or_else(|e| e.into_inner());
        let Some(flow) = flows.get_mut(device_code) else {
            return Err(OAuthError::new(
                "invalid_grant",
                70000,
                "The provided value for the 'device_code' is not valid.",
            ));
        };
        if !flow.client_id.eq_ignore_ascii_case(client_id) {
            return Err(OAuthError::new(
                "invalid_grant",
                70000,
                "The device code was issued to another client.",
            ));
        }
        if now >= flow.expires_at {
            flows.remove(device_code);
            return Err(OAuthError::new(
                "expired_token",
                70020,
                "The provided value for the input parameter 'device_code' is expired.",
            ));
        }
        let polled_early = flow.last_poll.is_some_and(|last| {
            // A little slack, so a client polling on time never meets slow_down.
            let interval = Duration::from_millis(flow.interval_seconds * 800);
            now.saturating_duration_since(last) < interval
        });
        flow.last_poll = Some(now);
        match flow.decision {
            DeviceDecision::Pending if polled_early => {
                return Err(OAuthError::new(
                    "slow_down",
                    70016,
                    "The client polled faster than the interval it was given.",
                ));
            }
            DeviceDecision::Pending => {
                return Err(OAuthError::new(
                    "authorization_pending",
                    70016,
                    "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                ));
            }
            DeviceDecision::Declined => {
                flows.remove(device_code);
                return Err(OAuthError::new(
                    "authorization_declined",
                    70019,
                    "The user declined the sign-in.",
                ));
            }
            DeviceDecision::Approved { .. } => flows.remove(device_code),
        }
    };

    let Some(DeviceFlow { decision: DeviceDecision::Approved { user_id }, scopes, .. }) = flow
    else {
        return Err(OAuthError::new("invalid_grant", 70000, "The device code is not valid."));
    };
    let Some(user) = state.store.user_by_id(&user_id) else {
        return Err(OAuthError::new("invalid_grant", 50034, "The user account does not exist."));
    };
    Ok(authority.delegated_answer(state, &user, client_id, scopes))
}

fn refresh_token(state: &AppState, tenant: &str, params: &Params) -> Result<Response, OAuthError> {
    let refresh = required(params, "refresh_token")?;
    let client_id = required(params, "client_id")?;
    let tenant = path_tenant(state, tenant)?;
    let authority = &state.authority;

    let grant = authority
        .refresh_grants
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(refresh)
        .cloned()
        .ok_or_else(|| {
            OAuthError::new(
                "invalid_grant",
                9002313,
                "Invalid request. The refresh token is not valid.",
            )
        })?;
    if !grant.client_id.eq_ignore_ascii_case(client_id) {
        return Err(OAuthError::new(
            "invalid_grant",
            70000,
            "The refresh token was issued to another client.",
        ));
    }
    let user = state.store.user_by_id(&grant.user_id).ok_or_else(|| {
        OAuthError::new("invalid_grant", 50034, "The user account does not exist.")
    })?;
    if tenant.as_deref().is_some_and(|tenant| tenant != user.tenant_id) {
        return Err(OAuthError::new(
            "invalid_grant",
            70000,
            "The refresh token was issued in another tenant.",
        ));
    }

    let scopes = match param(params, "scope") {
        Some(scope) => parse_scopes(scope, &grant.scopes),
        None => grant.scopes.clone(),
    };
    Ok(authority.delegated_answer(state, &user, client_id, scopes))
}

/// `POST /{tenant}/oauth2/v2.0/devicecode`.
async fn device_code(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    form: Result<Form<Params>, FormRejection>,
) -> Response {
    let Ok(Form(params)) = form else {
        return OAuthError::new(
            "invalid_request",
            900144,
            "The request body must be application/x-www-form-urlencoded.",
        )
        .into_response();
    };
    start_device_flow(&state, &tenant, &params).unwrap_or_else(IntoResponse::into_response)
}

fn start_device_flow(
    state: &AppState,
    tenant: &str,
    params: &Params,
) -> Result<Response, OAuthError> {
    let client_id = required(params, "client_id")?;
    let scope = required(params, "scope")?;
    let tenant_id = path_tenant(state, tenant)?;
    let authority = &state.authority;
    let config = authority.config();

    let scopes = parse_scopes(scope, &authority.app_scopes(client_id));
    let device_code = format!("dc.{}", random_hex(32));
    let user_code = new_user_code();
    let flow = DeviceFlow {
        client_id: client_id.to_owned(),
        scopes,
        tenant_id,
        user_code: user_code.clone(),
        expires_at: Instant::now() + Duration::from_secs(config.device_code_expires_in_seconds),
        interval_seconds: config.device_code_interval_seconds,
        last_poll: None,
        decision: DeviceDecision::Pending,
    };
    {
        let mut flows = authority.device_flows.lock().unwrap_or_else(|e| e.into_inner());
        // Forget flows nobody finished, so the map stays small.
        let now = Instant::now();
        flows.retain(|_, flow| flow.expires_at > now);
        flows.insert(device_code.clone(), flow);
    }

    let verification_uri = format!("{}/emulator/devicelogin", state.base_url);
    Ok(oauth_json(
        StatusCode::OK,
        &json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": verification_uri,
            "expires_in": config.device_code_expires_in_seconds,
            "interval": config.device_code_interval_seconds,
            "message": format!(
                "To sign in, use a web browser to open the page {verification_uri} and enter \
                 the code {user_code} to authenticate."
            ),
        }),
    ))
}

/// Nine letters and digits, without the ones people confuse (0/O, 1/I).
fn new_user_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..9).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// `POST /emulator/devicecode/approve`: `{"user_code", "user", "deny"?}`.
async fn approve(
    State(state): State<AppState>,
    body: Result<Json<Value>, JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return emulator_error(
            StatusCode::BAD_REQUEST,
            "the body must be JSON: {\"user_code\", \"user\"}",
        );
    };
    let (Some(user_code), Some(user)) =
        (body.get("user_code").and_then(Value::as_str), body.get("user").and_then(Value::as_str))
    else {
        return emulator_error(StatusCode::BAD_REQUEST, "user_code and user are required strings");
    };
    let deny = body.get("deny").and_then(Value::as_bool).unwrap_or(false);
    let Some(user) = state.store.find_user(user) else {
        return emulator_error(StatusCode::NOT_FOUND, "no such user");
    };

    let wanted: String = user_code.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let mut flows = state.authority.device_flows.lock().unwrap_or_else(|e| e.into_inner());
    let Some(flow) = flows.values_mut().find(|flow| flow.user_code.eq_ignore_ascii_case(&wanted))
    else {
        return emulator_error(StatusCode::NOT_FOUND, "no pending device code has this user_code");
    };
    if flow.expires_at <= Instant::now() {
        return emulator_error(StatusCode::GONE, "the device code has expired");
    }
    if flow.tenant_id.as_deref().is_some_and(|tenant| tenant != user.tenant_id) {
        return emulator_error(
            StatusCode::BAD_REQUEST,
            "the user is not in the tenant the device code was asked for",
        );
    }
    if flow.decision != DeviceDecision::Pending {
        return emulator_error(
            StatusCode::CONFLICT,
            "the device code was already approved or declined",
        );
    }
    flow.decision = if deny {
        DeviceDecision::Declined
    } else {
        DeviceDecision::Approved { user_id: user.id.clone() }
    };
    Json(json!({ "user_code": flow.user_code, "approved": !deny })).into_response()
}

/// `GET /emulator/devicelogin`: where the device code message points a person.
async fn device_login() -> Response {
    (
        [(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))],
        "graph-profile emulator: approve a device code with\n\
         POST /emulator/devicecode/approve {\"user_code\": \"...\", \"user\": \"UPN\"}\n",
    )
        .into_response()
}

fn emulator_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": { "code": status.as_str(), "message": message } })))
        .into_response()
}

/// `GET /emulator/token`: a token for tests, without a sign-in.
///
/// `user=UPN|id&scopes=A B` (default `User.ReadWrite.All`) for a delegated
/// token with a refresh token; `app=CLIENT_ID&roles=A B&tenant=TID` for an
/// app-only one (`tenant` defaults to the demo tenant; a tenant id not yet known
/// creates that tenant, empty); `client_id=` names the
/// application of a delegated token (default the demo application);
/// `expires_in=SECONDS` (default the configured lifetime; 0 or negative gives
/// an expired token).
async fn test_token(State(state): State<AppState>, Query(params): Query<Params>) -> Response {
    let authority = &state.authority;
    let lifetime = match param(&params, "expires_in").map(str::parse::<i64>) {
        None => authority.lifetime(),
        Some(Ok(seconds)) if seconds.abs() <= 10 * 365 * 86_400 => seconds,
        Some(_) => {
            return emulator_error(StatusCode::BAD_REQUEST, "expires_in: not a number of seconds");
        }
    };
    let scopes_param = param(&params, "scopes").or_else(|| param(&params, "scope"));

    match (param(&params, "user"), param(&params, "app")) {
        (Some(user), None) => {
            let Some(user) = state.store.find_user(user) else {
                return emulator_error(StatusCode::NOT_FOUND, "user: no such user");
            };
            let client_id = param(&params, "client_id").unwrap_or(DEMO_CLIENT_ID);
            let scopes = parse_scopes(
                scopes_param.unwrap_or("User.ReadWrite.All"),
                &authority.app_scopes(client_id),
            );
            let access =
                authority.delegated_token(&state.base_url, &user, client_id, &scopes, lifetime);
            let refresh = authority.new_refresh_token(RefreshGrant {
                client_id: client_id.to_owned(),
                user_id: user.id.clone(),
                scopes: scopes.clone(),
            });
            oauth_json(
                StatusCode::OK,
                &json!({
                    "access_token": access,
                    "token_type": "Bearer",
                    "expires_in": lifetime,
                    "scope": scopes.join(" "),
                    "refresh_token": refresh,
                }),
            )
        }
        (None, Some(app)) => {
            let tenant_id = param(&params, "tenant").unwrap_or(crate::demo::DEMO_TENANT_ID);
            if !state.store.tenant_exists(tenant_id) {
                // A new tenant id makes a new, empty tenant: how tests get a
                // second tenant (its users then come from POST /beta/users).
                if uuid::Uuid::parse_str(tenant_id).is_err() {
                    return emulator_error(
                        StatusCode::BAD_REQUEST,
                        "tenant: not a tenant id (GUID)",
                    );
                }
                let store = state.store.clone();
                let id = tenant_id.to_owned();
                let created =
                    tokio::task::spawn_blocking(move || store.ensure_tenant(&id, &id)).await;
                if !matches!(created, Ok(Ok(()))) {
                    return emulator_error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "the tenant could not be created",
                    );
                }
            }
            let roles = match param(&params, "roles") {
                Some(roles) => {
                    roles.split([' ', ',']).filter(|r| !r.is_empty()).map(str::to_owned).collect()
                }
                None => authority.app_roles(app),
            };
            let access = authority.app_token(&state.base_url, tenant_id, app, &roles, lifetime);
            oauth_json(
                StatusCode::OK,
                &json!({ "access_token": access, "token_type": "Bearer", "expires_in": lifetime }),
            )
        }
        _ => emulator_error(StatusCode::BAD_REQUEST, "give either user=UPN or app=CLIENT_ID"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_normalised() {
        let defaults = vec!["User.Read".to_owned(), "User.ReadWrite.All".to_owned()];
        assert_eq!(
            parse_scopes(
                "https://graph.microsoft.com/User.ReadWrite offline_access openid",
                &defaults
            ),
            ["User.ReadWrite"]
        );
        assert_eq!(
            parse_scopes("https://graph.microsoft.com/.default User.Read", &defaults),
            defaults
        );
    }

    #[test]
    fn user_codes_are_nine_clear_characters() {
        let code = new_user_code();
        assert_eq!(code.len(), 9);
        assert!(code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
        assert!(!code.contains(['0', 'O', '1', 'I']));
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(constant_time_eq(b"demo-secret", b"demo-secret"));
        assert!(!constant_time_eq(b"demo-secret", b"demo-secreT"));
        assert!(!constant_time_eq(b"demo", b"demo-secret"));
    }
}
