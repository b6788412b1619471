//! Sign-in flows against a local sign-in host, and where tokens may and may not go.

mod client_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use client_support::{certification, config, header, requests, within};
use graph_profile::auth::{DeviceCodePrompt, TokenCache};
use graph_profile::{
    AccessToken, AuthConfig, Client, ClientConfig, ErrorKind, FacetKind, TokenProvider, UserRef,
    callback_provider,
};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header as has_header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TENANT: &str = "8f5c2d3e-0b1a-4c6d-9e7f-123456789abc";

fn token_path() -> String {
    format!("/{TENANT}/oauth2/v2.0/token")
}

/// Answers GETs of any entry when the bearer token is `token`.
async fn graph_accepting(server: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(has_header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(certification("c1", "AZ-104")))
        .mount(server)
        .await;
}

async fn get(client: &Client) -> Result<serde_json::Value, graph_profile::Error> {
    within(Duration::from_secs(15), client.get(&UserRef::Me, FacetKind::Certifications, "c1", &[]))
        .await
}

fn token_requests(seen: &[wiremock::Request]) -> Vec<String> {
    seen.iter()
        .filter(|r| r.url.path().ends_with("/oauth2/v2.0/token"))
        .map(|r| String::from_utf8(r.body.clone()).unwrap())
        .collect()
}

#[tokio::test]
async fn client_credentials_sign_in_once_and_reuse_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(token_path()))
        .and(body_string_contains("grant_type=client_credentials"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "cc-token", "token_type": "Bearer", "expires_in": 3600
        })))
        .mount(&server)
        .await;
    graph_accepting(&server, "cc-token").await;

    let mut config = config(&server);
    config.auth = AuthConfig::ClientCredentials {
        tenant_id: TENANT.into(),
        client_id: "app-1".into(),
        client_secret: "s3cret".into(),
        scopes: vec![],
    };
    let client = Client::new(config).unwrap();
    get(&client).await.unwrap();
    get(&client).await.unwrap();

    let forms = token_requests(&requests(&server).await);
    assert_eq!(forms.len(), 1, "the cached token served the second request");
    let form = &forms[0];
    assert!(form.contains("client_id=app-1"), "{form}");
    assert!(form.contains("client_secret=s3cret"), "{form}");
    // The cloud (global by default) names the resource, not the local Graph URL.
    let default_scope = "https://graph.microsoft.com/.default";
    let encoded: String = url::form_urlencoded::byte_serialize(default_scope.as_bytes()).collect();
    assert!(form.contains(&format!("scope={encoded}")), "{form}");
    assert!(!format!("{client:?}").contains("s3cret"));
}

#[tokio::test]
async fn a_refused_secret_is_unauthorized_with_the_reason() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(token_path()))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: x"
        })))
        .mount(&server)
        .await;
    let mut config = config(&server);
    config.auth = AuthConfig::ClientCredentials {
        tenant_id: TENANT.into(),
        client_id: "app-1".into(),
        client_secret: "wrong".into(),
        scopes: vec!["https://graph.microsoft.com/.default".into()],
    };
    let error = get(&Client::new(config).unwrap()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    assert!(error.to_string().contains("invalid_client"), "{error}");
    assert!(error.to_string().contains("AADSTS7000215"), "{error}");
    assert!(!error.to_string().contains("Trace ID"), "{error}");
    assert!(!error.to_string().contains("wrong"));
}

/// Device code: the prompt gets the code; polling honours pending and slow_down.
#[tokio::test]
async fn device_code_polls_until_the_user_signs_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/devicecode")))
        .and(body_string_contains("client_id=public-app"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "device_code": "dc-1", "user_code": "ABCD-EFGH",
            "verification_uri": "https://microsoft.com/devicelogin",
            "expires_in": 900, "interval": 0,
            "message": "To sign in, use a web browser to open the page \
                        https://microsoft.com/devicelogin and enter the code ABCD-EFGH."
        })))
        .mount(&server)
        .await;
    let polling = |priority: u8, times: u64, answer: ResponseTemplate| {
        let mock = Mock::given(method("POST"))
            .and(path(token_path()))
            .and(body_string_contains("device_code=dc-1"))
            .respond_with(answer)
            .with_priority(priority);
        if times > 0 { mock.up_to_n_times(times) } else { mock }
    };
    let refusal = |code: &str| ResponseTemplate::new(400).set_body_json(json!({"error": code}));
    polling(1, 2, refusal("authorization_pending")).mount(&server).await;
    polling(2, 1, refusal("slow_down")).mount(&server).await;
    polling(
        3,
        0,
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "dc-token", "refresh_token": "dc-refresh", "expires_in": 3600
        })),
    )
    .mount(&server)
    .await;
    graph_accepting(&server, "dc-token").await;

    let prompts: Arc<Mutex<Vec<DeviceCodePrompt>>> = Arc::default();
    let shown = Arc::clone(&prompts);
    let mut config = config(&server);
    config.auth = AuthConfig::DeviceCode {
        tenant_id: TENANT.into(),
        client_id: "public-app".into(),
        scopes: vec!["User.ReadWrite.All".into(), "offline_access".into()],
    };
    let config = config.with_device_code_prompt(move |prompt| {
        shown.lock().unwrap().push(prompt.clone());
    });

    let started = Instant::now();
    get(&Client::new(config).unwrap()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(5), "slow_down added five seconds");

    let prompts = prompts.lock().unwrap();
    assert_eq!(prompts.len(), 1);
    assert_eq!(prompts[0].user_code, "ABCD-EFGH");
    assert_eq!(prompts[0].verification_uri, "https://microsoft.com/devicelogin");
    assert!(prompts[0].message.contains("ABCD-EFGH"));

    let polls = token_requests(&requests(&server).await);
    assert_eq!(polls.len(), 4, "two pending, one slow_down, one success");
    assert!(polls[0].contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"));
}

#[tokio::test]
async fn an_expired_device_code_is_unauthorized() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/devicecode")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "device_code": "dc-2", "user_code": "X", "verification_uri": "https://x",
            "expires_in": 1, "interval": 0
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(token_path()))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "expired_token"})))
        .mount(&server)
        .await;
    let mut config = config(&server);
    config.auth =
        AuthConfig::DeviceCode { tenant_id: TENANT.into(), client_id: "c".into(), scopes: vec![] };
    let config = config.with_device_code_prompt(|_| {});
    let error = get(&Client::new(config).unwrap()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    assert!(error.to_string().contains("expired_token"), "{error}");
}

#[test]
fn device_code_without_a_prompt_is_a_config_error() {
    let config = ClientConfig {
        auth: AuthConfig::DeviceCode {
            tenant_id: "t".into(),
            client_id: "c".into(),
            scopes: vec![],
        },
        ..ClientConfig::default()
    };
    assert_eq!(Client::new(config).unwrap_err().kind(), ErrorKind::Config);
}

/// A refresh token is redeemed when the cached token nears expiry, and the rotated
/// refresh token is the one used next.
#[tokio::test]
async fn refresh_tokens_rotate_and_renew_before_expiry() {
    let server = MockServer::start().await;
    for (old, new, access) in [("rt-1", "rt-2", "at-1"), ("rt-2", "rt-3", "at-2")] {
        Mock::given(method("POST"))
            .and(path(token_path()))
            .and(body_string_contains("grant_type=refresh_token"))
            .and(body_string_contains(format!("refresh_token={old}").as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                // Inside the five-minute renewal margin: every request renews.
                "access_token": access, "refresh_token": new, "expires_in": 120
            })))
            .mount(&server)
            .await;
        graph_accepting(&server, access).await;
    }

    let mut config = config(&server);
    config.auth = AuthConfig::RefreshToken {
        tenant_id: TENANT.into(),
        client_id: "public-app".into(),
        refresh_token: "rt-1".into(),
        scopes: vec!["User.ReadWrite.All".into()],
    };
    let client = Client::new(config).unwrap();
    get(&client).await.unwrap();
    get(&client).await.unwrap();

    let seen = requests(&server).await;
    let gets: Vec<_> = seen.iter().filter(|r| r.method.as_str() == "GET").collect();
    assert_eq!(header(gets[0], "authorization"), Some("Bearer at-1"));
    assert_eq!(header(gets[1], "authorization"), Some("Bearer at-2"));
}

/// A provider that counts its calls and hands out short-lived tokens.
struct Counting(AtomicUsize, Duration);

impl TokenProvider for Counting {
    fn token(&self) -> futures::future::BoxFuture<'_, Result<AccessToken, graph_profile::Error>> {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        let expires = std::time::SystemTime::now() + self.1;
        Box::pin(async move { Ok(AccessToken::new(format!("t{n}"), Some(expires))) })
    }
}

#[tokio::test]
async fn the_cache_keeps_a_token_until_shortly_before_it_expires() {
    let inner = Arc::new(Counting(AtomicUsize::new(0), Duration::from_millis(1500)));
    let cache = TokenCache::with_margin(inner.clone(), Duration::from_secs(1));
    assert_eq!(cache.token().await.unwrap().secret(), "t1");
    assert_eq!(cache.token().await.unwrap().secret(), "t1");
    tokio::time::sleep(Duration::from_millis(600)).await;
    // Now within the margin of expiry: renewed although not yet expired.
    assert_eq!(cache.token().await.unwrap().secret(), "t2");
    cache.invalidate();
    assert_eq!(cache.token().await.unwrap().secret(), "t3");
}

#[tokio::test]
async fn a_refused_token_is_replaced_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(has_header("authorization", "Bearer old"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    graph_accepting(&server, "new").await;

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let provider = callback_provider(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        Ok(if n == 0 { "old".to_owned() } else { "new".to_owned() })
    });
    let client = Client::with_token_provider(config(&server), provider).unwrap();
    get(&client).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_failing_callback_is_unauthorized_and_sends_nothing() {
    let server = MockServer::start().await;
    let provider = callback_provider(|| Err("the vault is locked".to_owned()));
    let client = Client::with_token_provider(config(&server), provider).unwrap();
    let error = get(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    assert!(error.to_string().contains("the vault is locked"));
    assert!(requests(&server).await.is_empty());
}

#[test]
fn no_token_goes_over_plain_http_to_a_host_that_is_not_loopback() {
    let token = AuthConfig::Token { token: "secret".into() };
    let remote = ClientConfig {
        graph_url: Some("http://graph.example.com/beta".into()),
        auth: token.clone(),
        ..ClientConfig::default()
    };
    let error = Client::new(remote).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(!error.to_string().contains("secret"));

    let provider = callback_provider(|| Ok("secret".into()));
    let remote = ClientConfig {
        graph_url: Some("http://10.1.2.3:8080/beta".into()),
        ..ClientConfig::default()
    };
    assert_eq!(
        Client::with_token_provider(remote, provider).unwrap_err().kind(),
        ErrorKind::Config
    );

    // Secrets for the sign-in host follow the same rule.
    let sign_in = ClientConfig {
        authority_url: Some("http://login.example.com".into()),
        auth: AuthConfig::ClientCredentials {
            tenant_id: "t".into(),
            client_id: "c".into(),
            client_secret: "s".into(),
            scopes: vec![],
        },
        ..ClientConfig::default()
    };
    assert_eq!(Client::new(sign_in).unwrap_err().kind(), ErrorKind::Config);

    // Loopback and https are fine; so is plain http without any token.
    for url in ["http://127.0.0.1:5000/beta", "http://localhost:5000/beta", "http://[::1]:5/beta"] {
        let local = ClientConfig {
            graph_url: Some(url.into()),
            auth: token.clone(),
            ..ClientConfig::default()
        };
        assert!(Client::new(local).is_ok(), "{url}");
    }
    let anonymous = ClientConfig {
        graph_url: Some("http://graph.example.com/beta".into()),
        ..ClientConfig::default()
    };
    assert!(Client::new(anonymous).is_ok());
}

#[tokio::test]
async fn a_redirect_to_another_host_drops_the_token() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(certification("c1", "moved")))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/me/profile/certifications/c1"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("Location", format!("{}/moved", elsewhere.uri())),
        )
        .mount(&server)
        .await;

    let entry = get(&client_support::client(&server)).await.unwrap();
    assert_eq!(entry["displayName"], "moved");
    let first = requests(&server).await;
    assert_eq!(header(&first[0], "authorization"), Some("Bearer test-token-123"));
    let moved = requests(&elsewhere).await;
    assert_eq!(moved.len(), 1);
    assert_eq!(header(&moved[0], "authorization"), None, "the token stayed home");
    assert!(header(&moved[0], "client-request-id").is_some());
}

#[tokio::test]
async fn a_redirect_within_the_graph_host_keeps_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/me/profile/certifications/c1"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/beta/elsewhere"))
        .mount(&server)
        .await;
    graph_accepting(&server, "test-token-123").await;
    get(&client_support::client(&server)).await.unwrap();
    let seen = requests(&server).await;
    assert_eq!(seen[1].url.path(), "/beta/elsewhere");
    assert_eq!(header(&seen[1], "authorization"), Some("Bearer test-token-123"));
}
