//! Sign-in and token checks: a minimal authority and [`authorize`], which every
//! Graph handler calls.
//!
//! # The authority
//!
//! `/{tenant}/oauth2/v2.0/token` and `/{tenant}/oauth2/v2.0/devicecode` answer
//! like Entra ID (form-encoded requests, the same JSON and error names), for the
//! grants `client_credentials`, `urn:ietf:params:oauth:grant-type:device_code`
//! and `refresh_token`.  `{tenant}` is a tenant id, or `common` /
//! `organizations` for the device code flow (the tenant is then the approving
//! user's).
//!
//! Applications: every client id is accepted.  An application registered in
//! the configuration (`auth.apps`, at start or through `POST /emulator/config`)
//! must present its own `clientSecret`; any other client id, including the demo
//! application [`DEMO_CLIENT_ID`], uses the secret [`DEMO_CLIENT_SECRET`]
//! (`demo-secret`).  The device code and refresh token grants need no secret
//! (public clients).  The secret may come as `client_secret` in the form or as
//! HTTP Basic authentication.
//!
//! Permissions granted: for delegated grants, the scopes asked for (the
//! `https://graph.microsoft.com/` prefix and `openid`, `profile`, `email`,
//! `offline_access` dropped); `.default` means the application's `scopes`
//! (default `User.Read User.ReadWrite.All`).  For client credentials, the
//! scope must be `https://graph.microsoft.com/.default` and the token carries
//! the application's `roles` (default `User.Read.All User.ReadWrite.All`).
//! Delegated grants also return a `refresh_token`.
//!
//! For tests, `GET /emulator/token?user=UPN&scopes=A B` hands out a delegated
//! token directly (default scope `User.ReadWrite.All`), and
//! `GET /emulator/token?app=CLIENT_ID&roles=A B&tenant=TID` an app-only one (a
//! tenant id not yet known creates that tenant: how tests make a second one);
//! `expires_in=N` (seconds, may be 0 or negative for an expired token).  A
//! pending device code is approved with `POST /emulator/devicecode/approve`
//! `{"user_code": "...", "user": "UPN or id"}` (`"deny": true` declines it).
//!
//! # Checks
//!
//! No, malformed, foreign or expired token: 401 `InvalidAuthenticationToken`.
//! Delegated `User.ReadWrite` writes only the caller's own profile,
//! `User.ReadWrite.All` anyone's in the tenant; reads need `User.Read` (own) or
//! `User.Read.All` (anyone's), or the matching ReadWrite scope.  App-only
//! tokens read with the role `User.Read.All` or `User.ReadWrite.All`, and write
//! profiles with `User.ReadWrite.All` only when `appOnlyWrites` is on (off by
//! default, as Microsoft's current documentation says).  Otherwise 403
//! `Authorization_RequestDenied`.  Tenants never see each other: the handler
//! answers 404 for a user outside the caller's tenant.

mod endpoints;
mod token;

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use std::time::Instant;

use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::error::GraphError;
use crate::state::AppState;

pub use endpoints::routes;
pub use token::{Claims, GRAPH_APP_ID, GRAPH_AUDIENCE, Signer, TokenProblem, peek_claims};

/// The demo application's client id.
pub const DEMO_CLIENT_ID: &str = "00000000-0000-0000-0000-0000000000a1";

/// The secret of the demo application and of every unregistered client id.
pub const DEMO_CLIENT_SECRET: &str = "demo-secret";

/// Delegated permissions `.default` grants an application without its own list.
pub const DEFAULT_SCOPES: &[&str] = &["User.Read", "User.ReadWrite.All"];

/// Application permissions an application without its own list gets.
pub const DEFAULT_ROLES: &[&str] = &["User.Read.All", "User.ReadWrite.All"];

/// Sign-in settings: `auth` in `/emulator/config`, `--auth JSON` at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct AuthConfig {
    /// Let app-only tokens write profiles.  Off by default: Microsoft's current
    /// documentation says application permissions cannot write profiles
    /// (older documentation said they could).
    pub app_only_writes: bool,
    /// Registered applications, each with its own secret and permissions.
    pub apps: Vec<AppRegistration>,
    /// Lifetime of access tokens, in seconds.
    pub token_lifetime_seconds: u64,
    /// The `interval` a device code asks clients to poll at, in seconds.
    pub device_code_interval_seconds: u64,
    /// How long a device code stays valid, in seconds.
    pub device_code_expires_in_seconds: u64,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            app_only_writes: false,
            apps: Vec::new(),
            token_lifetime_seconds: 3600,
            device_code_interval_seconds: 5,
            device_code_expires_in_seconds: 900,
        }
    }
}

/// An application registered with the emulator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppRegistration {
    /// The application (client) id.
    pub client_id: String,
    /// Its secret for client credentials.
    pub client_secret: String,
    /// Application permissions for app-only tokens; default [`DEFAULT_ROLES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// Delegated permissions `.default` grants; default [`DEFAULT_SCOPES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
}

impl AuthConfig {
    /// Checks the settings; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        if self.token_lifetime_seconds == 0 {
            return Err("auth.tokenLifetimeSeconds: must be above 0".to_owned());
        }
        if self.device_code_expires_in_seconds == 0 {
            return Err("auth.deviceCodeExpiresInSeconds: must be above 0".to_owned());
        }
        for app in &self.apps {
            if app.client_id.trim().is_empty() {
                return Err("auth.apps.clientId: must not be empty".to_owned());
            }
        }
        Ok(())
    }

    fn app(&self, client_id: &str) -> Option<&AppRegistration> {
        self.apps.iter().find(|app| app.client_id.eq_ignore_ascii_case(client_id))
    }
}

/// A device code waiting for its user.
#[derive(Debug, Clone)]
struct DeviceFlow {
    client_id: String,
    scopes: Vec<String>,
    /// The tenant named in the request path, when it named one.
    tenant_id: Option<String>,
    user_code: String,
    expires_at: Instant,
    interval_seconds: u64,
    last_poll: Option<Instant>,
    decision: DeviceDecision,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum DeviceDecision {
    Pending,
    Approved { user_id: String },
    Declined,
}

/// What a refresh token stands for.
#[derive(Debug, Clone)]
struct RefreshGrant {
    client_id: String,
    user_id: String,
    scopes: Vec<String>,
}

/// Signs the emulator's tokens and checks them; holds device codes and
/// refresh tokens in memory (they do not survive a restart, as the key does not).
#[derive(Debug)]
pub struct Authority {
    signer: Signer,
    config: RwLock<AuthConfig>,
    device_flows: Mutex<HashMap<String, DeviceFlow>>,
    refresh_grants: Mutex<HashMap<String, RefreshGrant>>,
}

impl Authority {
    /// An authority for the given settings, with a fresh signing key.  Users and
    /// tenants are read from `AppState::store` when a request needs them.
    pub fn new(config: &AuthConfig) -> Authority {
        Authority {
            signer: Signer::random(),
            config: RwLock::new(config.clone()),
            device_flows: Mutex::new(HashMap::new()),
            refresh_grants: Mutex::new(HashMap::new()),
        }
    }

    /// The settings now in force.
    pub fn config(&self) -> AuthConfig {
        self.config.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Replaces the settings (already validated).  Tokens already given stay valid.
    pub fn set_config(&self, config: AuthConfig) {
        *self.config.write().unwrap_or_else(|e| e.into_inner()) = config;
    }

    /// Checks a bearer token: its claims, or the 401 to answer.
    pub fn verify(&self, headers: &HeaderMap) -> Result<Claims, GraphError> {
        let Some(token) = bearer_token(headers) else {
            return Err(unauthorized("Access token is empty."));
        };
        self.signer.verify(token).map_err(|problem| unauthorized(problem.message()))
    }

    /// Signs claims; used by the sign-in endpoints.
    fn sign(&self, claims: &Claims) -> String {
        self.signer.sign(claims)
    }
}

/// The token of an `Authorization: Bearer ...` header.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn unauthorized(message: &str) -> GraphError {
    GraphError::new(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", message).with_header(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"\", error=\"invalid_token\""),
    )
}

fn forbidden(message: &str) -> GraphError {
    GraphError::new(StatusCode::FORBIDDEN, "Authorization_RequestDenied", message)
}

/// A random token-like string: `bytes` random bytes as lowercase hex.
fn random_hex(bytes: usize) -> String {
    let mut raw = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut raw);
    raw.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a request means to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// GET.
    Read,
    /// POST, PATCH, PUT, DELETE.
    Write,
}

/// Whose data a request touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The signed-in user (`/me/...`); app-only callers have none.
    Me,
    /// A user, by object id, already resolved by the handler.  The handler also checks
    /// that the user lives in `Caller::tenant_id` (404 otherwise): tenants never see
    /// each other.
    User(String),
    /// The tenant's directory as a whole (`GET/POST /users`).
    Directory,
}

/// Who is calling, from the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's tenant.
    pub tenant_id: String,
    /// The signed-in user's object id; `None` for app-only tokens.
    pub user_id: Option<String>,
    /// The client application's id, when the token names one.
    pub app_id: Option<String>,
    /// True for an app-only token.
    pub app_only: bool,
}

impl Caller {
    fn from_claims(claims: &Claims) -> Caller {
        let app_only = claims.is_app_only();
        Caller {
            tenant_id: claims.tid.clone(),
            user_id: (!app_only).then(|| claims.oid.clone()),
            app_id: Some(claims.appid.clone()).filter(|id| !id.is_empty()),
            app_only,
        }
    }
}

/// Checks the request's bearer token for `access` to `target`: 401 when it is
/// missing, malformed or expired, 403 when its permissions do not allow the access
/// (400 for `/me` with an app-only token, as Graph answers).
pub fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    target: Target,
    access: Access,
) -> Result<Caller, GraphError> {
    let claims = state.authority.verify(headers)?;
    let caller = Caller::from_claims(&claims);
    let app_only_writes =
        state.authority.config.read().unwrap_or_else(|e| e.into_inner()).app_only_writes;
    check_permissions(&claims, &caller, &target, access, app_only_writes)?;
    Ok(caller)
}

/// The permission rules of [`authorize`], apart from the token check.
fn check_permissions(
    claims: &Claims,
    caller: &Caller,
    target: &Target,
    access: Access,
    app_only_writes: bool,
) -> Result<(), GraphError> {
    let granted = claims.permissions();
    let has =
        |wanted: &[&str]| granted.iter().any(|p| wanted.iter().any(|w| w.eq_ignore_ascii_case(p)));

    if caller.app_only {
        if *target == Target::Me {
            return Err(GraphError::bad_request(
                "/me request is only valid with delegated authentication flow.",
            ));
        }
        return match access {
            Access::Read if has(&["User.Read.All", "User.ReadWrite.All"]) => Ok(()),
            Access::Read => Err(forbidden("Insufficient privileges to complete the operation.")),
            Access::Write if !has(&["User.ReadWrite.All"]) => {
                Err(forbidden("Insufficient privileges to complete the operation."))
            }
            Access::Write if *target == Target::Directory || app_only_writes => Ok(()),
            Access::Write => Err(forbidden(
                "Application permissions are not supported for writing profile data; \
                 sign in a user (delegated permissions).",
            )),
        };
    }

    let own = match target {
        Target::Me => true,
        Target::User(id) => caller.user_id.as_deref().is_some_and(|me| me.eq_ignore_ascii_case(id)),
        Target::Directory => false,
    };
    let allowed = match access {
        Access::Read => {
            has(&["User.Read.All", "User.ReadWrite.All"])
                || (*target == Target::Directory && has(&["User.ReadBasic.All"]))
                || (own && has(&["User.Read", "User.ReadWrite"]))
        }
        Access::Write => has(&["User.ReadWrite.All"]) || (own && has(&["User.ReadWrite"])),
    };
    if allowed {
        Ok(())
    } else {
        Err(forbidden("Insufficient privileges to complete the operation."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(scp: Option<&str>, roles: Option<&[&str]>, oid: &str) -> Claims {
        Claims {
            aud: GRAPH_AUDIENCE.to_owned(),
            iss: String::new(),
            iat: 0,
            nbf: 0,
            exp: 0,
            tid: "t".to_owned(),
            oid: oid.to_owned(),
            sub: oid.to_owned(),
            appid: "app".to_owned(),
            upn: None,
            scp: scp.map(str::to_owned),
            roles: roles.map(|r| r.iter().map(|s| s.to_string()).collect()),
            idtyp: if roles.is_some() { "app" } else { "user" }.to_owned(),
            uti: String::new(),
        }
    }

    fn check(claims: &Claims, target: Target, access: Access, switch: bool) -> Option<u16> {
        let caller = Caller::from_claims(claims);
        check_permissions(claims, &caller, &target, access, switch).err().map(|e| e.status.as_u16())
    }

    #[test]
    fn delegated_rules() {
        let own = claims(Some("User.ReadWrite"), None, "me");
        let me = Target::User("me".to_owned());
        let other = Target::User("other".to_owned());
        assert_eq!(check(&own, Target::Me, Access::Write, false), None);
        assert_eq!(check(&own, me.clone(), Access::Write, false), None);
        assert_eq!(check(&own, other.clone(), Access::Write, false), Some(403));
        assert_eq!(check(&own, other.clone(), Access::Read, false), Some(403));

        let all = claims(Some("User.ReadWrite.All"), None, "me");
        assert_eq!(check(&all, other.clone(), Access::Write, false), None);
        assert_eq!(check(&all, Target::Directory, Access::Write, false), None);

        let read = claims(Some("User.Read"), None, "me");
        assert_eq!(check(&read, Target::Me, Access::Read, false), None);
        assert_eq!(check(&read, Target::Me, Access::Write, false), Some(403));
        assert_eq!(check(&read, other.clone(), Access::Read, false), Some(403));
        let read_all = claims(Some("User.Read.All"), None, "me");
        assert_eq!(check(&read_all, other.clone(), Access::Read, false), None);
        assert_eq!(check(&read_all, other, Access::Write, false), Some(403));
    }

    #[test]
    fn app_only_rules() {
        let app = claims(None, Some(&["User.ReadWrite.All"]), "app");
        let user = Target::User("u".to_owned());
        assert_eq!(check(&app, user.clone(), Access::Read, false), None);
        assert_eq!(check(&app, user.clone(), Access::Write, false), Some(403));
        assert_eq!(check(&app, user.clone(), Access::Write, true), None);
        assert_eq!(check(&app, Target::Me, Access::Read, true), Some(400));
        let reader = claims(None, Some(&["User.Read.All"]), "app");
        assert_eq!(check(&reader, user, Access::Write, true), Some(403));
    }

    #[test]
    fn bearer_header_forms() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_token(&headers), None);
        headers.insert(AUTHORIZATION, HeaderValue::from_static("bearer  abc "));
        assert_eq!(bearer_token(&headers), Some("abc"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&headers), None);
    }
}
