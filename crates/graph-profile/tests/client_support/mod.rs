//! Helpers shared by the client tests: a wiremock server and a client pointed at it.
#![allow(dead_code)]

use std::time::Duration;

use graph_profile::{AuthConfig, Client, ClientConfig, RetryPolicy};
use serde_json::{Value, json};
use wiremock::{MockServer, Request};

/// A config against `server` with a static token and quick retries.
pub fn config(server: &MockServer) -> ClientConfig {
    ClientConfig {
        graph_url: Some(format!("{}/beta", server.uri())),
        authority_url: Some(server.uri()),
        auth: AuthConfig::Token { token: "test-token-123".into() },
        retry: RetryPolicy {
            max_retries: 3,
            base_delay_ms: 10,
            max_delay_ms: 50,
            max_total_wait_ms: 10_000,
        },
        timeout_ms: 5_000,
        ..ClientConfig::default()
    }
}

pub fn client(server: &MockServer) -> Client {
    Client::new(config(server)).expect("client")
}

/// The requests the server saw, in order.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

pub fn certification(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "displayName": name,
        "issuedDate": "2025-04-28",
        "createdDateTime": "2025-04-28T10:11:12Z",
        "allowedAudiences": "organization"
    })
}

pub fn graph_error(code: &str, message: &str) -> Value {
    json!({"error": {"code": code, "message": message,
        "innerError": {"date": "2025-04-28T10:11:12", "request-id": "inner-req"}}})
}

/// Runs `f` and fails the test if it takes longer than `limit`.
pub async fn within<T>(limit: Duration, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, f).await.expect("took too long")
}
