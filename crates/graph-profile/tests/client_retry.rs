//! Retry rules against a real local HTTP server: each `Retry-After` form, backoff,
//! the attempt and total-wait caps, cancellation, and the ids kept across retries.

mod client_support;

use std::time::{Duration, Instant};

use client_support::{certification, client, config, graph_error, header, requests, within};
use graph_profile::{
    CancellationToken, Client, ErrorKind, FacetKind, RetryPolicy, UserRef, cancellable,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ENTRY_PATH: &str = "/beta/users/adele.vance@contoso.com/profile/certifications/c1";

fn adele() -> UserRef {
    UserRef::new("adele.vance@contoso.com")
}

/// Answers `first` `times` times, then 200 with an entry.
async fn server_failing_first(first: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    if times > 0 {
        Mock::given(method("GET"))
            .and(path(ENTRY_PATH))
            .respond_with(first)
            .up_to_n_times(times)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(ENTRY_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(certification("c1", "AZ-104"))
                .insert_header("request-id", "ok-req"),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

async fn get_c1(client: &Client) -> Result<serde_json::Value, graph_profile::Error> {
    client.get(&adele(), FacetKind::Certifications, "c1", &[]).await
}

#[tokio::test]
async fn retry_after_in_whole_seconds_is_honoured() {
    let throttled = ResponseTemplate::new(429).insert_header("Retry-After", "1");
    let server = server_failing_first(throttled, 1).await;

    let started = Instant::now();
    let entry = within(Duration::from_secs(10), get_c1(&client(&server))).await.unwrap();
    assert_eq!(entry["displayName"], "AZ-104");
    assert!(started.elapsed() >= Duration::from_secs(1), "waited {:?}", started.elapsed());
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_after_in_fractional_seconds_is_honoured() {
    let throttled = ResponseTemplate::new(503).insert_header("Retry-After", "0.6");
    let server = server_failing_first(throttled, 2).await;

    let started = Instant::now();
    within(Duration::from_secs(10), get_c1(&client(&server))).await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(1200), "waited {elapsed:?}");
    assert!(elapsed < Duration::from_secs(4), "waited {elapsed:?}");
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let when = std::time::SystemTime::now() + Duration::from_secs(2);
    let throttled =
        ResponseTemplate::new(429).insert_header("Retry-After", httpdate::fmt_http_date(when));
    let server = server_failing_first(throttled, 1).await;

    let started = Instant::now();
    within(Duration::from_secs(10), get_c1(&client(&server))).await.unwrap();
    // HTTP dates have whole seconds: the wait is between one and two seconds.
    assert!(started.elapsed() >= Duration::from_millis(900), "waited {:?}", started.elapsed());
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn without_retry_after_the_client_backs_off_exponentially() {
    let server = server_failing_first(ResponseTemplate::new(504), 3).await;
    let mut config = config(&server);
    config.retry = RetryPolicy {
        max_retries: 3,
        base_delay_ms: 200,
        max_delay_ms: 350,
        max_total_wait_ms: 10_000,
    };
    let client = Client::new(config).unwrap();

    let started = Instant::now();
    within(Duration::from_secs(10), get_c1(&client)).await.unwrap();
    let elapsed = started.elapsed();
    // Jittered between half and all of 200 + 350 + 350 ms (the cap holds the last two).
    assert!(elapsed >= Duration::from_millis(450), "waited {elapsed:?}");
    assert!(elapsed < Duration::from_millis(2000), "waited {elapsed:?}");

    let seen = requests(&server).await;
    assert_eq!(seen.len(), 4);
    let ids: Vec<_> = seen.iter().map(|r| header(r, "client-request-id").unwrap()).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "one client-request-id across retries");
    assert!(uuid::Uuid::parse_str(ids[0]).is_ok());
    assert_eq!(header(&seen[0], "Retry-Attempt"), None);
    assert_eq!(header(&seen[1], "Retry-Attempt"), Some("1"));
    assert_eq!(header(&seen[3], "Retry-Attempt"), Some("3"));
}

#[tokio::test]
async fn each_logical_request_gets_a_fresh_client_request_id() {
    let server = server_failing_first(ResponseTemplate::new(200), 0).await;
    let client = client(&server);
    get_c1(&client).await.unwrap();
    get_c1(&client).await.unwrap();
    let seen = requests(&server).await;
    assert_ne!(header(&seen[0], "client-request-id"), header(&seen[1], "client-request-id"));
}

#[tokio::test]
async fn the_attempt_cap_ends_in_throttled_with_the_ids() {
    let throttled = ResponseTemplate::new(429)
        .insert_header("Retry-After", "0")
        .insert_header("request-id", "svc-req-7")
        .set_body_json(graph_error("TooManyRequests", "slow down"));
    let server = server_failing_first(throttled, 100).await;

    let error = within(Duration::from_secs(10), get_c1(&client(&server))).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Throttled);
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.code(), Some("TooManyRequests"));
    assert_eq!(error.request_id(), Some("svc-req-7"));
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 4, "first attempt and three retries");
    assert_eq!(error.client_request_id(), header(&seen[0], "client-request-id"));
}

#[tokio::test]
async fn a_retry_after_past_the_total_wait_cap_gives_up_at_once() {
    let throttled = ResponseTemplate::new(429).insert_header("Retry-After", "30");
    let server = server_failing_first(throttled, 100).await;
    let mut config = config(&server);
    config.retry.max_total_wait_ms = 2_000;
    let client = Client::new(config).unwrap();

    let started = Instant::now();
    let error = within(Duration::from_secs(5), get_c1(&client)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Throttled);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(error.to_string().contains("total wait"), "{error}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_long_wait_is_cancellable() {
    let throttled = ResponseTemplate::new(429).insert_header("Retry-After", "30");
    let server = server_failing_first(throttled, 100).await;
    let mut config = config(&server);
    config.retry.max_total_wait_ms = 120_000;
    let client = Client::new(config).unwrap();

    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        trigger.cancel();
    });

    let started = Instant::now();
    let result = within(Duration::from_secs(5), cancellable(Some(&cancel), get_c1(&client))).await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(requests(&server).await.len(), 1, "nothing sent after the cancel");
}

#[tokio::test]
async fn errors_that_are_not_transient_are_not_retried() {
    let cases = [
        (400, ErrorKind::Service),
        (401, ErrorKind::Unauthorized),
        (403, ErrorKind::Forbidden),
        (404, ErrorKind::NotFound),
        (409, ErrorKind::Conflict),
        (412, ErrorKind::Conflict),
        (500, ErrorKind::Service),
    ];
    for (status, kind) in cases {
        let answer = ResponseTemplate::new(status)
            .insert_header("request-id", "svc-req")
            .set_body_json(graph_error("SomeCode", "refused"));
        let server = server_failing_first(answer, 100).await;
        let error = get_c1(&client(&server)).await.unwrap_err();
        assert_eq!(error.kind(), kind, "status {status}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.code(), Some("SomeCode"));
        assert_eq!(error.request_id(), Some("svc-req"));
        assert_eq!(error.facet(), Some(FacetKind::Certifications));
        // A 401 is retried once with a fresh token; nothing else is repeated.
        let expected = if status == 401 { 2 } else { 1 };
        assert_eq!(requests(&server).await.len(), expected, "status {status}");
    }
}

#[tokio::test]
async fn an_unknown_error_with_an_empty_message_keeps_status_and_request_id() {
    let answer = ResponseTemplate::new(500)
        .insert_header("request-id", "svc-req-unknown")
        .set_body_json(serde_json::json!({"error": {"code": "UnknownError", "message": ""}}));
    let server = server_failing_first(answer, 100).await;
    let error = get_c1(&client(&server)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Service);
    assert_eq!(error.status(), Some(500));
    assert_eq!(error.code(), Some("UnknownError"));
    assert_eq!(error.request_id(), Some("svc-req-unknown"));
    assert!(error.to_string().contains("svc-req-unknown"));
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported_as_transport() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = graph_profile::ClientConfig {
        graph_url: Some(format!("http://127.0.0.1:{port}/beta")),
        retry: RetryPolicy {
            max_retries: 2,
            base_delay_ms: 10,
            max_delay_ms: 20,
            max_total_wait_ms: 1000,
        },
        ..graph_profile::ClientConfig::default()
    };
    let client = Client::new(config).unwrap();
    let error = get_c1(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(error.client_request_id().is_some());
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_secs(3));
    let server = server_failing_first(slow, 100).await;
    let mut config = config(&server);
    config.timeout_ms = 200;
    config.retry.max_retries = 1;
    let client = Client::new(config).unwrap();
    let error = within(Duration::from_secs(5), get_c1(&client)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(requests(&server).await.len(), 2, "a timed-out read is retried");
}
