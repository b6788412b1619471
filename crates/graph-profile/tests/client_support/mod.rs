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

/// One request as the raw server read it.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub method: String,
    /// The request target exactly as sent (path and query, still encoded).
    pub target: String,
    pub body: Vec<u8>,
}

/// What the raw server does with a request: answer, or close the connection
/// without a word after reading it (the request reached the service; the answer
/// was lost).
pub enum RawAction {
    Respond(u16, String),
    Drop,
}

type RawHandler = dyn Fn(&RawRequest) -> RawAction + Send + Sync;

/// A bare HTTP/1.1 server on loopback, for failures wiremock cannot make: a
/// connection that dies after the request went out.
pub struct RawServer {
    pub uri: String,
    pub seen: std::sync::Arc<std::sync::Mutex<Vec<RawRequest>>>,
}

impl RawServer {
    pub async fn start(
        handler: impl Fn(&RawRequest) -> RawAction + Send + Sync + 'static,
    ) -> RawServer {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let uri = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let handler: std::sync::Arc<RawHandler> = std::sync::Arc::new(handler);
        let recorded = std::sync::Arc::clone(&seen);

        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else { return };
                let handler = std::sync::Arc::clone(&handler);
                let recorded = std::sync::Arc::clone(&recorded);
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let head_end = loop {
                        let Ok(n) = socket.read(&mut chunk).await else { return };
                        if n == 0 {
                            return;
                        }
                        buffer.extend_from_slice(&chunk[..n]);
                        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                            break end + 4;
                        }
                    };
                    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
                    let mut lines = head.lines();
                    let mut request_line = lines.next().unwrap_or_default().split(' ');
                    let method = request_line.next().unwrap_or_default().to_owned();
                    let target = request_line.next().unwrap_or_default().to_owned();
                    let length: usize = lines
                        .filter_map(|line| line.split_once(':'))
                        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                        .and_then(|(_, value)| value.trim().parse().ok())
                        .unwrap_or(0);
                    while buffer.len() < head_end + length {
                        let Ok(n) = socket.read(&mut chunk).await else { return };
                        if n == 0 {
                            return;
                        }
                        buffer.extend_from_slice(&chunk[..n]);
                    }
                    let request = RawRequest {
                        method,
                        target,
                        body: buffer[head_end..head_end + length].to_vec(),
                    };
                    recorded.lock().unwrap().push(request.clone());

                    match handler(&request) {
                        RawAction::Drop => drop(socket),
                        RawAction::Respond(status, body) => {
                            let answer = format!(
                                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n\
                                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                                body.len()
                            );
                            let _ = socket.write_all(answer.as_bytes()).await;
                            let _ = socket.shutdown().await;
                        }
                    }
                });
            }
        });
        RawServer { uri, seen }
    }

    pub fn seen(&self) -> Vec<RawRequest> {
        self.seen.lock().unwrap().clone()
    }

    pub fn count(&self, method: &str) -> usize {
        self.seen().iter().filter(|r| r.method == method).count()
    }
}

/// A config against any local base URI, with quick retries and no sign-in.
pub fn config_for(uri: &str) -> ClientConfig {
    ClientConfig {
        graph_url: Some(format!("{uri}/beta")),
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
