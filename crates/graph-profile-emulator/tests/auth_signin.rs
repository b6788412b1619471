//! Sign-in and permission checks over real HTTP: the token and device code
//! endpoints, `/emulator/token`, and what each kind of token may do.

mod common;

use std::time::Duration;

use common::{ADMIN, Emu, answer, token_for};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const TENANT: &str = "8f5c2d3e-0b1a-4c6d-9e7f-123456789abc";
const ADELE: &str = "adele.vance@contoso.com";
const MEGAN: &str = "megan.bowen@contoso.com";

/// A request with the given token (or none).
async fn call(
    emu: &Emu,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> common::Answer {
    let mut request = emu.http.request(method, emu.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    answer(request.send().await.expect("request sent")).await
}

async fn form(emu: &Emu, path: &str, fields: &[(&str, &str)]) -> (StatusCode, Value) {
    let url = format!("{}{path}", emu.emulator.base_url());
    let response = emu.http.post(url).form(fields).send().await.expect("sent");
    let status = response.status();
    (status, response.json().await.expect("JSON answer"))
}

async fn app_token(emu: &Emu, app: &str, tenant: &str, roles: &str) -> String {
    let url = format!("{}/emulator/token", emu.emulator.base_url());
    let query = [("app", app), ("tenant", tenant), ("roles", roles)];
    let response = emu.http.get(url).query(&query).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

fn skill(name: &str) -> Value {
    json!({ "displayName": name })
}

#[tokio::test]
async fn missing_bad_and_expired_tokens_are_401() {
    let emu = Emu::start().await;
    let path = "/me/profile/skills";

    let none = call(&emu, Method::GET, path, None, None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.error_code(), "InvalidAuthenticationToken");
    assert!(none.headers.contains_key("www-authenticate"));

    let garbage = call(&emu, Method::GET, path, Some("not.a.token"), None).await;
    assert_eq!(garbage.status, StatusCode::UNAUTHORIZED);
    assert_eq!(garbage.error_code(), "InvalidAuthenticationToken");

    // A token signed by another emulator (another key) is refused too.
    let other = Emu::start().await;
    let foreign = call(&emu, Method::GET, path, Some(&other.token), None).await;
    assert_eq!(foreign.status, StatusCode::UNAUTHORIZED);

    let url = format!("{}/emulator/token", emu.emulator.base_url());
    let query = [("user", ADMIN), ("scopes", "User.ReadWrite.All"), ("expires_in", "1")];
    let body: Value = emu.http.get(url).query(&query).send().await.unwrap().json().await.unwrap();
    let short = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(body["expires_in"], 1);
    assert_eq!(call(&emu, Method::GET, path, Some(&short), None).await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = call(&emu, Method::GET, path, Some(&short), None).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert!(expired.message().contains("expired"), "{}", expired.body);
}

#[tokio::test]
async fn delegated_scopes_decide_whose_profile() {
    let emu = Emu::start().await;
    let base = emu.emulator.base_url();
    let own = token_for(&emu.http, base, ADELE, "User.ReadWrite").await;
    let reader = token_for(&emu.http, base, ADELE, "User.Read").await;
    let read_all = token_for(&emu.http, base, ADELE, "User.Read.All").await;
    let adele = format!("/users/{ADELE}/profile/skills");
    let megan = format!("/users/{MEGAN}/profile/skills");

    // User.ReadWrite: own profile only, by /me or by name.
    let created = call(&emu, Method::POST, "/me/profile/skills", Some(&own), Some(skill("Rust")));
    assert_eq!(created.await.status, StatusCode::CREATED);
    let by_name = call(&emu, Method::POST, &adele, Some(&own), Some(skill("Go"))).await;
    assert_eq!(by_name.status, StatusCode::CREATED);
    let others = call(&emu, Method::POST, &megan, Some(&own), Some(skill("C"))).await;
    assert_eq!(others.status, StatusCode::FORBIDDEN);
    assert_eq!(others.error_code(), "Authorization_RequestDenied");

    // User.Read reads its own, not others'; it cannot write.
    let listed = call(&emu, Method::GET, "/me/profile/skills", Some(&reader), None).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.body["value"].as_array().unwrap().len(), 2);
    let status = call(&emu, Method::GET, &megan, Some(&reader), None).await.status;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let status = call(&emu, Method::POST, &adele, Some(&reader), Some(skill("x"))).await.status;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // User.Read.All reads anyone's, writes nothing.
    let status = call(&emu, Method::GET, &megan, Some(&read_all), None).await.status;
    assert_eq!(status, StatusCode::OK);
    let status = call(&emu, Method::POST, &megan, Some(&read_all), Some(skill("x"))).await.status;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // User.ReadWrite.All (the administrator's token) writes anyone's.
    let status = call(&emu, Method::POST, &megan, Some(&emu.token), Some(skill("C"))).await.status;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn app_only_writes_follow_the_switch() {
    let emu = Emu::start().await;
    let app =
        app_token(&emu, "11111111-2222-3333-4444-555555555555", TENANT, "User.ReadWrite.All").await;
    let megan = format!("/users/{MEGAN}/profile/skills");

    assert_eq!(call(&emu, Method::GET, &megan, Some(&app), None).await.status, StatusCode::OK);
    let refused = call(&emu, Method::POST, &megan, Some(&app), Some(skill("x"))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.error_code(), "Authorization_RequestDenied");
    let me = call(&emu, Method::GET, "/me/profile/skills", Some(&app), None).await;
    assert_eq!(me.status, StatusCode::BAD_REQUEST);

    let config = format!("{}/emulator/config", emu.emulator.base_url());
    let posted = emu.http.post(&config).json(&json!({"auth": {"appOnlyWrites": true}}));
    let posted: Value = posted.send().await.unwrap().json().await.unwrap();
    assert_eq!(posted["auth"]["appOnlyWrites"], true);
    let allowed = call(&emu, Method::POST, &megan, Some(&app), Some(skill("x"))).await;
    assert_eq!(allowed.status, StatusCode::CREATED);

    let reader = app_token(&emu, "reader-app", TENANT, "User.Read.All").await;
    let status = call(&emu, Method::POST, &megan, Some(&reader), Some(skill("y"))).await.status;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn tenants_never_see_each_other() {
    let emu = Emu::start().await;
    let other_tenant = "0a0b0c0d-1111-4222-8333-444455556666";
    let other_admin = app_token(&emu, "other-app", other_tenant, "User.ReadWrite.All").await;
    let created = call(
        &emu,
        Method::POST,
        "/users",
        Some(&other_admin),
        Some(json!({"userPrincipalName": "zoe@fabrikam.com", "displayName": "Zoe"})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let zoe_id = created.body["id"].as_str().unwrap().to_owned();
    let zoe =
        token_for(&emu.http, emu.emulator.base_url(), "zoe@fabrikam.com", "User.ReadWrite.All")
            .await;

    // Contoso's administrator cannot reach Zoe, by id or by name; nor Zoe Contoso.
    for path in [format!("/users/{zoe_id}/profile/skills"), "/users/zoe@fabrikam.com".to_owned()] {
        let hidden = call(&emu, Method::GET, &path, Some(&emu.token), None).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{path}: {}", hidden.body);
    }
    let write = format!("/users/{MEGAN}/profile/skills");
    let hidden = call(&emu, Method::POST, &write, Some(&zoe), Some(skill("x"))).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let own = call(&emu, Method::POST, "/me/profile/skills", Some(&zoe), Some(skill("x"))).await;
    assert_eq!(own.status, StatusCode::CREATED);
}

#[tokio::test]
async fn client_credentials_follow_the_secret_rule() {
    let emu = Emu::start().await;
    let token_path = format!("/{TENANT}/oauth2/v2.0/token");
    let demo = "00000000-0000-0000-0000-0000000000a1";
    let scope = "https://graph.microsoft.com/.default";
    let grant = |id: &'static str, secret: &'static str| {
        [
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
            ("scope", scope),
        ]
    };

    let (status, body) = form(&emu, &token_path, &grant(demo, "demo-secret")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    let token = body["access_token"].as_str().unwrap();
    let megan = format!("/users/{MEGAN}/profile/skills");
    assert_eq!(call(&emu, Method::GET, &megan, Some(token), None).await.status, StatusCode::OK);

    let (status, body) = form(&emu, &token_path, &grant(demo, "wrong")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_client");
    assert!(body["error_description"].as_str().unwrap().starts_with("AADSTS7000215"));

    // A registered app has its own secret; demo-secret no longer opens it.
    let config = format!("{}/emulator/config", emu.emulator.base_url());
    let apps = json!({"auth": {"apps": [{"clientId": "my-app", "clientSecret": "s3cret",
        "roles": ["User.Read.All"]}]}});
    assert!(emu.http.post(&config).json(&apps).send().await.unwrap().status().is_success());
    let (status, _) = form(&emu, &token_path, &grant("my-app", "demo-secret")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = form(&emu, &token_path, &grant("my-app", "s3cret")).await;
    assert_eq!(status, StatusCode::OK);
    let reader = body["access_token"].as_str().unwrap();
    let status = call(&emu, Method::POST, &megan, Some(reader), Some(skill("x"))).await.status;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Secrets may also come by HTTP Basic authentication.
    let url = format!("{}{token_path}", emu.emulator.base_url());
    let basic = emu.http.post(url).basic_auth("my-app", Some("s3cret"));
    let basic = basic.form(&[("grant_type", "client_credentials"), ("scope", scope)]);
    assert_eq!(basic.send().await.unwrap().status(), StatusCode::OK);

    let bad_scope = [
        ("grant_type", "client_credentials"),
        ("client_id", demo),
        ("client_secret", "demo-secret"),
        ("scope", "User.Read"),
    ];
    let (status, body) = form(&emu, &token_path, &bad_scope).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_scope")));
    let (_, body) = form(&emu, &token_path, &[("grant_type", "password")]).await;
    assert_eq!(body["error"], "unsupported_grant_type");
    let (_, body) = form(&emu, &token_path, &[("client_id", demo)]).await;
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn device_code_flow_with_approval_and_refresh() {
    let emu = Emu::start().await;
    let base = emu.emulator.base_url().to_owned();
    let config = format!("{base}/emulator/config");
    let fast = json!({"auth": {"deviceCodeIntervalSeconds": 1}});
    assert!(emu.http.post(&config).json(&fast).send().await.unwrap().status().is_success());

    let client = "00000000-0000-0000-0000-0000000000a1";
    let scope = "https://graph.microsoft.com/User.ReadWrite offline_access";
    let (status, code) = form(
        &emu,
        "/organizations/oauth2/v2.0/devicecode",
        &[("client_id", client), ("scope", scope)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{code}");
    for key in ["device_code", "user_code", "verification_uri", "message"] {
        assert!(code[key].is_string(), "{key} missing: {code}");
    }
    assert_eq!(code["interval"], 1);
    assert!(code["expires_in"].as_u64().unwrap() > 0);
    let device_code = code["device_code"].as_str().unwrap();
    let user_code = code["user_code"].as_str().unwrap();
    assert!(code["message"].as_str().unwrap().contains(user_code));

    let token_path = "/organizations/oauth2/v2.0/token";
    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", client),
        ("device_code", device_code),
    ];
    let (status, body) = form(&emu, token_path, &poll).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("authorization_pending"))
    );
    let (_, body) = form(&emu, token_path, &poll).await;
    assert_eq!(body["error"], "slow_down", "polled at once after the first poll");

    let approve = emu.http.post(format!("{base}/emulator/devicecode/approve"));
    let approve = approve.json(&json!({"user_code": user_code, "user": ADELE}));
    assert_eq!(approve.send().await.unwrap().status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let (status, body) = form(&emu, token_path, &poll).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["scope"], "User.ReadWrite");
    let access = body["access_token"].as_str().unwrap();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    let own = call(&emu, Method::POST, "/me/profile/skills", Some(access), Some(skill("Rust")));
    assert_eq!(own.await.status, StatusCode::CREATED);

    // The code is used up.
    let (_, body) = form(&emu, token_path, &poll).await;
    assert_eq!(body["error"], "invalid_grant");

    let renew =
        [("grant_type", "refresh_token"), ("client_id", client), ("refresh_token", &refresh)];
    let (status, body) = form(&emu, &format!("/{TENANT}/oauth2/v2.0/token"), &renew).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let renewed = body["access_token"].as_str().unwrap();
    let listed = call(&emu, Method::GET, "/me/profile/skills", Some(renewed), None).await;
    assert_eq!(listed.body["value"][0]["displayName"], "Rust");
    let stolen =
        [("grant_type", "refresh_token"), ("client_id", "another"), ("refresh_token", &refresh)];
    let (_, body) = form(&emu, token_path, &stolen).await;
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn device_codes_expire_and_can_be_declined() {
    let emu = Emu::start().await;
    let base = emu.emulator.base_url().to_owned();
    let config = format!("{base}/emulator/config");
    let short = json!({"auth": {"deviceCodeIntervalSeconds": 0, "deviceCodeExpiresInSeconds": 1}});
    assert!(emu.http.post(&config).json(&short).send().await.unwrap().status().is_success());
    let client = "cli-app";
    let start = [("client_id", client), ("scope", "User.Read")];
    let token_path = format!("/{TENANT}/oauth2/v2.0/token");

    let (_, first) = form(&emu, &format!("/{TENANT}/oauth2/v2.0/devicecode"), &start).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", client),
        ("device_code", first["device_code"].as_str().unwrap()),
    ];
    let (_, body) = form(&emu, &token_path, &poll).await;
    assert_eq!(body["error"], "expired_token");

    let (_, second) = form(&emu, &format!("/{TENANT}/oauth2/v2.0/devicecode"), &start).await;
    let deny = json!({"user_code": second["user_code"], "user": ADELE, "deny": true});
    let approve = emu.http.post(format!("{base}/emulator/devicecode/approve")).json(&deny);
    assert_eq!(approve.send().await.unwrap().status(), StatusCode::OK);
    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", client),
        ("device_code", second["device_code"].as_str().unwrap()),
    ];
    let (_, body) = form(&emu, &token_path, &poll).await;
    assert_eq!(body["error"], "authorization_declined");

    let unknown = json!({"user_code": "NOPE", "user": ADELE});
    let approve = emu.http.post(format!("{base}/emulator/devicecode/approve")).json(&unknown);
    assert_eq!(approve.send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

/// The header and claims of a JWT, read without checking the signature (the key
/// lives only in the emulator); `call` with the token checks that.
fn jwt_parts(token: &str) -> (Value, Value) {
    use base64::Engine as _;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT has three parts: {token}");
    let decode = |part: &str| -> Value {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .expect("base64url without padding");
        serde_json::from_slice(&bytes).expect("JSON")
    };
    (decode(parts[0]), decode(parts[1]))
}

/// The same token with its claims replaced and the old signature kept.
fn with_claims(token: &str, claims: &Value) -> String {
    use base64::Engine as _;
    let parts: Vec<&str> = token.split('.').collect();
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(claims).unwrap());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

/// The claims every emulator token carries, whoever it is for.
fn assert_common_claims(header: &Value, claims: &Value, tenant: &str) {
    assert_eq!(header["alg"], "HS256");
    assert_eq!(header["typ"], "JWT");
    assert_eq!(claims["tid"], tenant, "{claims}");
    assert_eq!(claims["aud"], "https://graph.microsoft.com");
    assert!(claims["iss"].as_str().unwrap().ends_with(&format!("/{tenant}/v2.0")), "{claims}");
    let (iat, nbf, exp) = (&claims["iat"], &claims["nbf"], &claims["exp"]);
    let (iat, nbf, exp) = (iat.as_i64().unwrap(), nbf.as_i64().unwrap(), exp.as_i64().unwrap());
    assert!(nbf <= iat && iat < exp, "{claims}");
}

#[tokio::test]
async fn issued_tokens_carry_tenant_object_user_and_permissions() {
    let emu = Emu::start().await;
    let base = emu.emulator.base_url().to_owned();
    let adele_id = call(&emu, Method::GET, &format!("/users/{ADELE}"), Some(&emu.token), None)
        .await
        .body["id"]
        .as_str()
        .expect("Adele's id")
        .to_owned();

    // Delegated, from /emulator/token: the user's ids and name, the scopes asked for.
    let delegated = token_for(&emu.http, &base, ADELE, "User.Read User.ReadWrite").await;
    let (header, claims) = jwt_parts(&delegated);
    assert_common_claims(&header, &claims, TENANT);
    assert_eq!(claims["oid"], adele_id.as_str());
    assert_eq!(claims["upn"], ADELE);
    assert_eq!(claims["scp"], "User.Read User.ReadWrite");
    assert_eq!(claims["idtyp"], "user");
    assert!(claims.get("roles").is_none(), "a delegated token has no roles: {claims}");

    // The claims are what the emulator acts on, and they are signed: widening the
    // scopes by hand breaks the token.
    let own = call(&emu, Method::GET, "/me/profile/skills", Some(&delegated), None).await;
    assert_eq!(own.status, StatusCode::OK);
    let mut widened = claims.clone();
    widened["scp"] = json!("User.ReadWrite.All");
    let forged = with_claims(&delegated, &widened);
    let refused = call(&emu, Method::GET, "/me/profile/skills", Some(&forged), None).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);

    // App-only, from /emulator/token: the application's ids and roles, no user.
    let other_tenant = "0a0b0c0d-1111-4222-8333-444455556666";
    let app = app_token(&emu, "reader-app", other_tenant, "User.Read.All").await;
    let (header, claims) = jwt_parts(&app);
    assert_common_claims(&header, &claims, other_tenant);
    assert_eq!(claims["oid"], "reader-app");
    assert_eq!(claims["appid"], "reader-app");
    assert_eq!(claims["roles"], json!(["User.Read.All"]));
    assert_eq!(claims["idtyp"], "app");
    assert!(claims.get("scp").is_none() && claims.get("upn").is_none(), "{claims}");

    // App-only, from the token endpoint by client credentials: `.default` gives the
    // default roles.
    let demo = "00000000-0000-0000-0000-0000000000a1";
    let (status, body) = form(
        &emu,
        &format!("/{TENANT}/oauth2/v2.0/token"),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", demo),
            ("client_secret", "demo-secret"),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (header, claims) = jwt_parts(body["access_token"].as_str().unwrap());
    assert_common_claims(&header, &claims, TENANT);
    assert_eq!(claims["oid"], demo);
    assert_eq!(claims["appid"], demo);
    assert_eq!(claims["roles"], json!(["User.Read.All", "User.ReadWrite.All"]));
    assert_eq!(claims["idtyp"], "app");
    assert!(claims.get("scp").is_none() && claims.get("upn").is_none(), "{claims}");

    // Delegated, from the token endpoint by refresh token: the same user claims.
    let url = format!("{base}/emulator/token");
    let query = [("user", ADELE), ("scopes", "User.Read")];
    let first: Value = emu.http.get(url).query(&query).send().await.unwrap().json().await.unwrap();
    let (status, body) = form(
        &emu,
        &format!("/{TENANT}/oauth2/v2.0/token"),
        &[
            ("grant_type", "refresh_token"),
            ("client_id", demo),
            ("refresh_token", first["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (header, claims) = jwt_parts(body["access_token"].as_str().unwrap());
    assert_common_claims(&header, &claims, TENANT);
    assert_eq!(claims["oid"], adele_id.as_str());
    assert_eq!(claims["upn"], ADELE);
    assert_eq!(claims["scp"], "User.Read");
    assert!(claims.get("roles").is_none(), "{claims}");
}
