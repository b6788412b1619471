//! The typed front, the blocking front, and what the logs hold (and never hold).

mod client_support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use client_support::{certification, config, requests};
use graph_profile::model::{CertificationDraft, CertificationPatch, Date, Patch};
use graph_profile::{
    BlockingClient, CancellationToken, Client, ErrorKind, FacetKind, ListQuery, UserRef,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const COLLECTION: &str = "/beta/users/adele.vance@contoso.com/profile/certifications";

fn adele() -> UserRef {
    UserRef::new("adele.vance@contoso.com")
}

/// The five operations on one certification, each answered as Graph does.
async fn crud_server() -> MockServer {
    let server = MockServer::start().await;
    let stored = json!({
        "id": "c1", "displayName": "AZ-104", "issuedDate": "2025-04-28",
        "allowedAudiences": "organization", "createdDateTime": "2025-04-28T10:11:12Z",
        "futureField": {"kept": true}
    });
    Mock::given(method("POST"))
        .and(path(COLLECTION))
        .respond_with(ResponseTemplate::new(201).set_body_json(stored.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [stored.clone()]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{COLLECTION}/c1")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(stored.clone())
                .insert_header("request-id", "req-get"),
        )
        .mount(&server)
        .await;
    let mut updated = stored.clone();
    updated["endDate"] = json!("2027-04-28");
    updated.as_object_mut().unwrap().remove("description");
    Mock::given(method("PATCH"))
        .and(path(format!("{COLLECTION}/c1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(updated))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{COLLECTION}/c1")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

fn body(request: &wiremock::Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

#[tokio::test]
async fn the_typed_front_creates_reads_updates_and_deletes() {
    let server = crud_server().await;
    let client = Client::new(config(&server)).unwrap();
    let certifications = client.certifications(adele());

    let issued: Date = "2025-04-28".parse().unwrap();
    let draft = CertificationDraft::new("AZ-104").issued_date(issued);
    let created = certifications.create(&draft).await.unwrap();
    assert_eq!(created.display_name.as_deref(), Some("AZ-104"));
    assert_eq!(created.item.id.as_deref(), Some("c1"));

    let listed = certifications.list(&ListQuery::default()).await.unwrap();
    assert_eq!(listed.len(), 1);
    let read = certifications.get("c1").await.unwrap();
    assert_eq!(read.issued_date, Some(issued));

    let mut patch = CertificationPatch::new().end_date("2027-04-28".parse::<Date>().unwrap());
    patch.description = Patch::Null;
    let updated = certifications.update("c1", &patch).await.unwrap();
    assert_eq!(updated.end_date.map(|d| d.to_string()).as_deref(), Some("2027-04-28"));

    certifications.delete("c1").await.unwrap();

    let seen = requests(&server).await;
    let methods: Vec<&str> = seen.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["POST", "GET", "GET", "PATCH", "DELETE"]);
    assert_eq!(body(&seen[0]), json!({"displayName": "AZ-104", "issuedDate": "2025-04-28"}));
    assert_eq!(body(&seen[3]), json!({"endDate": "2027-04-28", "description": null}));
    assert_eq!(seen[0].headers.get("content-type").unwrap().to_str().unwrap(), "application/json");
}

#[tokio::test]
async fn an_update_answered_204_reads_the_entry_back() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(certification("c1", "read")))
        .mount(&server)
        .await;
    let client = Client::new(config(&server)).unwrap();
    let entry = client
        .update(&UserRef::Me, FacetKind::Certifications, "c1", json!({"description": "d"}))
        .await
        .unwrap();
    assert_eq!(entry["displayName"], "read");
}

#[tokio::test]
async fn a_delete_repeated_after_a_lost_answer_counts_a_404_as_done() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(504))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(404))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = Client::new(config(&server)).unwrap();
    client.delete(&UserRef::Me, FacetKind::Awards, "a1").await.unwrap();

    // A plain 404 on the first attempt is still an error.
    let error = client.delete(&UserRef::Me, FacetKind::Awards, "a1").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
}

#[test]
fn the_blocking_client_runs_the_same_operations() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(crud_server());
    let client = BlockingClient::new(config(&server)).unwrap();
    let user = adele();
    let kind = FacetKind::Certifications;

    let created = client.create(&user, kind, json!({"displayName": "AZ-104"}), None).unwrap();
    assert_eq!(created["id"], "c1");
    assert_eq!(client.list(&user, kind, &ListQuery::default(), None).unwrap().len(), 1);
    let pages: Vec<_> = client.list_pages(&user, kind, &ListQuery::default(), None).collect();
    assert_eq!(pages.len(), 1);
    assert_eq!(client.get(&user, kind, "c1", &[], None).unwrap()["displayName"], "AZ-104");
    client.update(&user, kind, "c1", json!({"endDate": "2027-04-28"}), None).unwrap();
    client.delete(&user, kind, "c1", None).unwrap();

    let error = client.create(&user, kind, json!({"description": "x"}), None).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation);
}

#[test]
fn a_blocking_call_is_cancelled_from_another_thread() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "30"))
            .mount(&server)
            .await;
        server
    });
    let mut config = config(&server);
    config.retry.max_total_wait_ms = 120_000;
    let client = BlockingClient::new(config).unwrap();

    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        trigger.cancel();
    });
    let started = Instant::now();
    let error = client.get(&UserRef::Me, FacetKind::Awards, "a1", &[], Some(&cancel)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(3));
    canceller.join().unwrap();

    // `run` takes any future.
    let cancelled = CancellationToken::new();
    cancelled.cancel();
    let error = client
        .run(Some(&cancelled), client.client().get(&UserRef::Me, FacetKind::Awards, "a1", &[]))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Cancelled);
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn each_attempt_logs_one_debug_line_without_user_token_or_body() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "0")
                .insert_header("request-id", "req-throttled"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(certification("c1", "Secret Project Cert"))
                .insert_header("request-id", "req-created"),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let client = Client::new(config(&server)).unwrap();
    client
        .create(&adele(), FacetKind::Certifications, json!({"displayName": "Secret Project Cert"}))
        .await
        .unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = log.lines().filter(|l| l.contains("graph request")).collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(lines[0].contains("DEBUG"), "{log}");
    assert!(lines[0].contains("method=POST") && lines[0].contains("path=profile/certifications"));
    assert!(lines[0].contains("status=429") && lines[0].contains("attempt=1"), "{log}");
    assert!(lines[0].contains("request_id=\"req-throttled\""), "{log}");
    assert!(lines[1].contains("status=201") && lines[1].contains("attempt=2"), "{log}");
    assert!(lines[1].contains("elapsed_ms="), "{log}");
    for secret in ["test-token-123", "adele", "Secret Project"] {
        assert!(!log.contains(secret), "the log holds {secret:?}: {log}");
    }
}
