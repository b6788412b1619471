//! The duplicate-free create: an outcome the client cannot know is settled by reading
//! the collection back, never by sending the create blindly again.

mod client_support;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_support::{RawAction, RawRequest, RawServer, config_for, within};
use graph_profile::{Client, ErrorKind, FacetKind, UserRef};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const COLLECTION: &str = "/beta/users/adele.vance@contoso.com/profile/certifications";

/// What the fake service does with the next create.
#[derive(Clone, Copy)]
enum Post {
    /// Stores the entry, then the connection dies before the answer.
    StoreThenDrop,
    /// Stores the entry, then answers with an error status anyway.
    StoreThenFail(u16),
    /// Stores nothing and answers with an error status.
    Refuse(u16),
    /// Stores nothing; the connection dies.
    Drop,
}

/// A stateful profile collection behind a raw HTTP server.
struct FakeService {
    server: RawServer,
    entries: Arc<Mutex<Vec<Value>>>,
}

async fn fake_service(script: Vec<Post>) -> FakeService {
    let entries: Arc<Mutex<Vec<Value>>> = Arc::default();
    let script = Mutex::new(VecDeque::from(script));
    let stored = Arc::clone(&entries);

    let server = RawServer::start(move |request: &RawRequest| {
        let mut entries = stored.lock().unwrap();
        let store = |entries: &mut Vec<Value>| {
            let mut entry: Value = serde_json::from_slice(&request.body).unwrap();
            entry["id"] = json!(format!("id-{}", entries.len() + 1));
            entry["createdDateTime"] = json!(now_rfc3339());
            entries.push(entry.clone());
            entry
        };
        match request.method.as_str() {
            "GET" => RawAction::Respond(200, json!({ "value": *entries }).to_string()),
            "POST" => match script.lock().unwrap().pop_front() {
                None => RawAction::Respond(201, store(&mut entries).to_string()),
                Some(Post::StoreThenDrop) => {
                    store(&mut entries);
                    RawAction::Drop
                }
                Some(Post::StoreThenFail(status)) => {
                    store(&mut entries);
                    RawAction::Respond(status, "{}".into())
                }
                Some(Post::Refuse(status)) => RawAction::Respond(status, "{}".into()),
                Some(Post::Drop) => RawAction::Drop,
            },
            _ => RawAction::Respond(405, "{}".into()),
        }
    })
    .await;
    FakeService { server, entries }
}

fn now_rfc3339() -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::now_utc().format(&Rfc3339).unwrap()
}

fn adele() -> UserRef {
    UserRef::new("adele.vance@contoso.com")
}

fn draft() -> Value {
    json!({"displayName": "AZ-104", "issuingAuthority": "Microsoft", "issuedDate": "2025-04-28"})
}

async fn create(service: &FakeService) -> Result<Value, graph_profile::Error> {
    let client = Client::new(config_for(&service.server.uri)).unwrap();
    within(Duration::from_secs(10), client.create(&adele(), FacetKind::Certifications, draft()))
        .await
}

#[tokio::test]
async fn a_connection_lost_after_the_create_is_read_back_not_repeated() {
    let service = fake_service(vec![Post::StoreThenDrop]).await;
    let entry = create(&service).await.unwrap();
    assert_eq!(entry["id"], "id-1");
    assert_eq!(entry["displayName"], "AZ-104");
    assert_eq!(service.server.count("POST"), 1, "the create was not repeated");
    assert_eq!(service.server.count("GET"), 1, "the collection was read back once");
    assert_eq!(service.entries.lock().unwrap().len(), 1, "no duplicate");
}

#[tokio::test]
async fn a_connection_lost_before_the_create_took_effect_repeats_it_once() {
    let service = fake_service(vec![Post::Drop]).await;
    let entry = create(&service).await.unwrap();
    assert_eq!(entry["id"], "id-1");
    assert_eq!(service.server.count("POST"), 2);
    assert_eq!(service.entries.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_gateway_error_after_the_create_took_effect_is_read_back() {
    for status in [503, 504] {
        let service = fake_service(vec![Post::StoreThenFail(status)]).await;
        let entry = create(&service).await.unwrap();
        assert_eq!(entry["id"], "id-1", "status {status}");
        assert_eq!(service.server.count("POST"), 1, "status {status}");
        assert_eq!(service.entries.lock().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_gateway_error_before_the_create_took_effect_repeats_it() {
    let service = fake_service(vec![Post::Refuse(503), Post::Refuse(504)]).await;
    let entry = create(&service).await.unwrap();
    assert_eq!(entry["id"], "id-1");
    assert_eq!(service.server.count("POST"), 3);
    assert_eq!(service.server.count("GET"), 2);
    assert_eq!(service.entries.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_throttled_create_is_repeated_without_reading_back() {
    let service = fake_service(vec![Post::Refuse(429)]).await;
    create(&service).await.unwrap();
    assert_eq!(service.server.count("POST"), 2);
    assert_eq!(service.server.count("GET"), 0, "a 429 is refused before any work");
}

#[tokio::test]
async fn a_server_error_is_read_back_but_never_repeated() {
    // 500 is outside the retry rules: found means done, absent means the error.
    let service = fake_service(vec![Post::StoreThenFail(500)]).await;
    assert_eq!(create(&service).await.unwrap()["id"], "id-1");

    let service = fake_service(vec![Post::Refuse(500)]).await;
    let error = create(&service).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Service);
    assert_eq!(error.status(), Some(500));
    assert_eq!(service.server.count("POST"), 1);
    assert!(service.entries.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_identical_entry_made_before_the_create_does_not_count_as_it() {
    let service = fake_service(vec![Post::Drop]).await;
    // The user already holds the very same certification, entered a year ago: finding
    // it must not be taken for the lost create, or the new entry would never be made.
    let mut earlier = draft();
    earlier["id"] = json!("earlier");
    earlier["createdDateTime"] = json!("2025-04-28T10:00:00Z");
    service.entries.lock().unwrap().push(earlier);

    let entry = create(&service).await.unwrap();
    assert_eq!(entry["id"], "id-2");
    assert_eq!(service.server.count("POST"), 2, "the lost create was repeated");
    assert_eq!(service.entries.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn an_entry_that_differs_does_not_count_as_the_create() {
    let service = fake_service(vec![Post::Drop]).await;
    // The user already has a certification with the same name but another date.
    service.entries.lock().unwrap().push(json!({
        "id": "old", "displayName": "AZ-104", "issuingAuthority": "Microsoft",
        "issuedDate": "2020-01-01"
    }));
    let entry = create(&service).await.unwrap();
    assert_eq!(entry["id"], "id-2");
    assert_eq!(service.server.count("POST"), 2);
}

#[tokio::test]
async fn a_create_that_timed_out_after_storing_is_read_back() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(COLLECTION))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let stored = json!({"id": "slow-1", "displayName": "AZ-104", "issuingAuthority": "Microsoft",
                        "issuedDate": "2025-04-28"});
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": [stored] })))
        .mount(&server)
        .await;

    let mut config = config_for(&server.uri());
    config.timeout_ms = 300;
    let client = Client::new(config).unwrap();
    let entry = within(
        Duration::from_secs(10),
        client.create(&adele(), FacetKind::Certifications, draft()),
    )
    .await
    .unwrap();
    assert_eq!(entry["id"], "slow-1");
    let posts = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 1);
}

#[tokio::test]
async fn an_invalid_draft_sends_nothing() {
    let service = fake_service(vec![]).await;
    let client = Client::new(config_for(&service.server.uri)).unwrap();
    let error = client
        .create(&adele(), FacetKind::Certifications, json!({"issuedDate": "2025-04-28"}))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert_eq!(error.facet(), Some(FacetKind::Certifications));
    assert_eq!(error.field(), Some("displayName"));

    let error = client
        .create(
            &adele(),
            FacetKind::Certifications,
            json!({"displayName": "x", "issuedDate": "2025-05-01", "endDate": "2025-04-01"}),
        )
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("endDate"));
    assert!(service.server.seen().is_empty());
}

#[tokio::test]
async fn service_set_fields_are_not_sent() {
    let service = fake_service(vec![]).await;
    let client = Client::new(config_for(&service.server.uri)).unwrap();
    let mut read_back = draft();
    read_back["id"] = json!("abc");
    read_back["createdDateTime"] = json!("2025-04-28T10:11:12Z");
    client.create(&adele(), FacetKind::Certifications, read_back).await.unwrap();

    let sent: Value = serde_json::from_slice(&service.server.seen()[0].body).unwrap();
    assert_eq!(sent, draft());
}
