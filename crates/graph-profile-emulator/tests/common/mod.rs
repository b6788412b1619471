//! Helpers for the emulator's integration tests: an emulator on a free port, a
//! token for the demo administrator, and small request helpers over real HTTP.

#![allow(dead_code)]

use graph_profile_emulator::{DbLocation, EmulatorConfig, RunningEmulator};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// The demo administrator, whose token the tests use.
pub const ADMIN: &str = "admin@contoso.com";
/// The demo tenant's id.
pub const TENANT: &str = "8f5c2d3e-0b1a-4c6d-9e7f-123456789abc";
/// The demo guest, whose UPN holds `#EXT#`.
pub const GUEST: &str = "ann_fabrikam.com#EXT#@contoso.com";

/// An answer: status, headers, body (JSON, or `Null` when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    /// The Graph error code, asserting the error has Graph's shape.
    pub fn error_code(&self) -> &str {
        let error = &self.body["error"];
        assert!(error["message"].is_string(), "not a Graph error: {}", self.body);
        let inner = &error["innerError"];
        for key in ["request-id", "client-request-id", "date"] {
            assert!(
                inner[key].as_str().is_some_and(|v| !v.is_empty()),
                "innerError lacks {key}: {}",
                self.body
            );
        }
        error["code"].as_str().expect("error code")
    }

    /// The error's `target` (the field at fault).
    pub fn error_target(&self) -> &str {
        self.body["error"]["target"].as_str().unwrap_or_default()
    }

    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }
}

/// A running emulator with a client and an administrator's token.
pub struct Emu {
    pub emulator: RunningEmulator,
    pub http: reqwest::Client,
    pub token: String,
}

/// A test configuration: in memory, demo tenant, pages of 3.
pub fn test_config() -> EmulatorConfig {
    EmulatorConfig { db: DbLocation::Memory, demo: true, page_size: 3, ..Default::default() }
}

pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().expect("reqwest client")
}

impl Emu {
    /// An in-memory emulator with the demo tenant and pages of 3.
    pub async fn start() -> Emu {
        Emu::start_with(test_config()).await
    }

    pub async fn start_with(config: EmulatorConfig) -> Emu {
        let emulator = graph_profile_emulator::start(config).await.expect("emulator starts");
        let http = http_client();
        let token = token_for(&http, emulator.base_url(), ADMIN, "User.ReadWrite.All").await;
        Emu { emulator, http, token }
    }

    /// `graph_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emulator.graph_url())
    }

    /// Sends a request with the admin's token; `body` is sent as it is.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Answer {
        let url = if path.starts_with("http") { path.to_owned() } else { self.url(path) };
        let mut request = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        answer(request.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        let bytes = serde_json::to_vec(&body).unwrap();
        self.send(Method::POST, path, Some("application/json"), Some(bytes)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        let bytes = serde_json::to_vec(&body).unwrap();
        self.send(Method::PATCH, path, Some("application/json"), Some(bytes)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None, None).await
    }

    /// Creates an entry and returns it, asserting 201.
    pub async fn create(&self, path: &str, body: Value) -> Value {
        let answer = self.post(path, body).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        answer.body
    }
}

/// A delegated token from `/emulator/token`.
pub async fn token_for(http: &reqwest::Client, base_url: &str, upn: &str, scopes: &str) -> String {
    let response = http
        .get(format!("{base_url}/emulator/token"))
        .query(&[("user", upn), ("scopes", scopes)])
        .send()
        .await
        .expect("token request");
    assert!(response.status().is_success(), "token: {}", response.status());
    let body: Value = response.json().await.expect("token JSON");
    body["access_token"].as_str().expect("access_token").to_owned()
}

/// Reads a response into an [`Answer`].
pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Answer { status, headers, body }
}
