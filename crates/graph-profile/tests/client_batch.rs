//! JSON batching against a fake `$batch` endpoint that answers item by item.

mod client_support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use client_support::{certification, client, config, within};
use graph_profile::{BatchRequest, Client, ErrorKind, FacetKind, ListQuery, UserRef};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// How the fake answers one item: from its id and how often it has been seen.
type Script = dyn Fn(&Value, usize) -> (u16, Value, Value) + Send + Sync;

/// A `$batch` endpoint that answers each item by script, in reverse order (Graph
/// promises no order), and fails dependents of failed items with 424.
#[derive(Clone)]
struct FakeBatch {
    script: Arc<Script>,
    seen: Arc<Mutex<HashMap<String, usize>>>,
    batches: Arc<Mutex<Vec<Vec<Value>>>>,
}

impl FakeBatch {
    fn new(script: impl Fn(&Value, usize) -> (u16, Value, Value) + Send + Sync + 'static) -> Self {
        FakeBatch { script: Arc::new(script), seen: Arc::default(), batches: Arc::default() }
    }

    fn batches(&self) -> Vec<Vec<Value>> {
        self.batches.lock().unwrap().clone()
    }

    fn times_seen(&self, id: &str) -> usize {
        self.seen.lock().unwrap().get(id).copied().unwrap_or(0)
    }
}

impl Respond for FakeBatch {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = request.body_json().unwrap();
        let items = body["requests"].as_array().unwrap().clone();
        assert!(items.len() <= 20, "a $batch of {}", items.len());
        self.batches.lock().unwrap().push(items.clone());

        let mut statuses: HashMap<String, u16> = HashMap::new();
        let mut responses = Vec::new();
        for item in &items {
            let id = item["id"].as_str().unwrap().to_owned();
            let failed_dependency = item["dependsOn"].as_array().is_some_and(|deps| {
                deps.iter().any(|d| statuses.get(d.as_str().unwrap()).is_none_or(|s| *s >= 300))
            });
            let (status, headers, body) = if failed_dependency {
                (424, json!({}), json!({"error": {"code": "FailedDependency", "message": ""}}))
            } else {
                let mut seen = self.seen.lock().unwrap();
                let count = seen.entry(id.clone()).or_insert(0);
                *count += 1;
                (self.script)(item, *count)
            };
            statuses.insert(id.clone(), status);
            responses.push(json!({"id": id, "status": status, "headers": headers, "body": body}));
        }
        responses.reverse();
        ResponseTemplate::new(200).set_body_json(json!({ "responses": responses }))
    }
}

async fn mount(server: &MockServer, fake: &FakeBatch) {
    Mock::given(method("POST"))
        .and(path("/beta/$batch"))
        .respond_with(fake.clone())
        .mount(server)
        .await;
}

fn adele() -> UserRef {
    UserRef::new("adele.vance@contoso.com")
}

#[tokio::test]
async fn many_requests_go_twenty_to_a_batch_and_come_back_in_order() {
    let server = MockServer::start().await;
    let fake = FakeBatch::new(|item, _| {
        let id = item["id"].as_str().unwrap();
        (200, json!({}), certification(id, id))
    });
    mount(&server, &fake).await;

    let requests: Vec<BatchRequest> = (0..45)
        .map(|i| BatchRequest::get(format!("r{i}"), &adele(), FacetKind::Awards, "x", &[]).unwrap())
        .collect();
    let answers = client(&server).batch(requests).await.unwrap();

    assert_eq!(answers.len(), 45);
    for (i, answer) in answers.iter().enumerate() {
        assert_eq!(answer.id, format!("r{i}"));
        assert!(answer.is_success());
        assert_eq!(answer.body.as_ref().unwrap()["id"], format!("r{i}"));
    }
    let mut sizes: Vec<usize> = fake.batches().iter().map(Vec::len).collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [5, 20, 20]);
    assert_eq!(fake.batches()[0][0]["url"], "/users/adele.vance@contoso.com/profile/awards/x");
}

#[tokio::test]
async fn mixed_item_statuses_are_each_handled() {
    let server = MockServer::start().await;
    let fake = FakeBatch::new(|item, count| match item["id"].as_str().unwrap() {
        "create" => (201, json!({}), item["body"].clone()),
        "read" => (200, json!({}), certification("c1", "AZ-104")),
        "throttled" if count == 1 => {
            (429, json!({"Retry-After": "1"}), json!({"error": {"code": "TooManyRequests"}}))
        }
        "throttled" => (200, json!({}), certification("c2", "later")),
        "missing" => (
            404,
            json!({"request-id": "r-404"}),
            json!({"error": {
            "code": "Request_ResourceNotFound", "message": "no such entry"}}),
        ),
        "after-throttled" => (204, json!({}), Value::Null),
        other => panic!("unexpected item {other}"),
    });
    mount(&server, &fake).await;

    let user = adele();
    let kind = FacetKind::Certifications;
    let requests = vec![
        BatchRequest::create("create", &user, kind, json!({"displayName": "New"})).unwrap(),
        BatchRequest::get("read", &user, kind, "c1", &[]).unwrap(),
        BatchRequest::get("throttled", &user, kind, "c2", &[]).unwrap(),
        BatchRequest::get("missing", &user, kind, "gone", &[]).unwrap(),
        BatchRequest::update("after-missing", &user, kind, "gone", json!({"description": "d"}))
            .unwrap()
            .depending_on(["missing"]),
        BatchRequest::delete("after-throttled", &user, kind, "c2")
            .unwrap()
            .depending_on(["throttled"]),
    ];

    let started = Instant::now();
    let answers = within(Duration::from_secs(10), client(&server).batch(requests)).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "the item's Retry-After was honoured");

    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [201, 200, 200, 404, 424, 204]);
    let ids: Vec<&str> = answers.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["create", "read", "throttled", "missing", "after-missing", "after-throttled"]);

    let missing = answers[3].error().unwrap();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    assert_eq!(missing.code(), Some("Request_ResourceNotFound"));
    assert_eq!(missing.request_id(), Some("r-404"));
    assert_eq!(answers[4].error().unwrap().kind(), ErrorKind::FailedDependency);
    assert!(answers[5].error().is_none());

    // Only the throttled item and the one waiting on it went again, still chained.
    let batches = fake.batches();
    assert_eq!(batches.len(), 2);
    let second: Vec<&str> = batches[1].iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(second, ["throttled", "after-throttled"]);
    assert_eq!(batches[1][1]["dependsOn"], json!(["throttled"]));
    assert_eq!(fake.times_seen("create"), 1);
    assert_eq!(batches[0][0]["headers"]["Content-Type"], "application/json");
}

#[tokio::test]
async fn a_create_item_answered_503_is_read_back_before_it_is_repeated() {
    let server = MockServer::start().await;
    let fake = FakeBatch::new(|item, _| match item["id"].as_str().unwrap() {
        "stored" => (503, json!({"Retry-After": "0"}), json!({})),
        "lost" => (503, json!({"Retry-After": "0"}), json!({})),
        other => panic!("unexpected item {other}"),
    });
    mount(&server, &fake).await;
    // The collection holds the first create (it took effect, just now) but not the second.
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    Mock::given(method("GET"))
        .and(path("/beta/me/profile/awards"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            {"id": "a1", "displayName": "Stored", "createdDateTime": now}
        ]})))
        .mount(&server)
        .await;

    let requests = vec![
        BatchRequest::create(
            "stored",
            &UserRef::Me,
            FacetKind::Awards,
            json!({"displayName": "Stored"}),
        )
        .unwrap(),
        BatchRequest::create(
            "lost",
            &UserRef::Me,
            FacetKind::Awards,
            json!({"displayName": "Lost"}),
        )
        .unwrap(),
    ];
    let mut config = config(&server);
    config.retry.max_retries = 1;
    let answers = Client::new(config).unwrap().batch(requests).await.unwrap();

    assert_eq!(answers[0].status, 201);
    assert_eq!(answers[0].body.as_ref().unwrap()["id"], "a1");
    assert_eq!(fake.times_seen("stored"), 1, "found, so not sent again");
    assert_eq!(fake.times_seen("lost"), 2, "absent, so sent again");
    assert_eq!(answers[1].status, 503, "the retries ran out");
}

#[tokio::test]
async fn an_item_throttled_past_the_retries_is_reported_throttled() {
    let server = MockServer::start().await;
    let fake = FakeBatch::new(|_, _| {
        (
            429,
            json!({"Retry-After": "0"}),
            json!({"error": {"code": "TooManyRequests", "message": "x"}}),
        )
    });
    mount(&server, &fake).await;
    let requests = vec![
        BatchRequest::list("l", &UserRef::Me, FacetKind::Skills, &ListQuery::default()).unwrap(),
    ];
    let answers = client(&server).batch(requests).await.unwrap();
    assert_eq!(answers[0].error().unwrap().kind(), ErrorKind::Throttled);
    assert_eq!(fake.times_seen("l"), 4, "first try and three retries");
}

#[tokio::test]
async fn batches_run_concurrently_up_to_the_limit() {
    let server = MockServer::start().await;
    let fake = FakeBatch::new(|_, _| (200, json!({}), json!({})));
    Mock::given(method("POST"))
        .and(path("/beta/$batch"))
        .respond_with(DelayedBatch(fake.clone()))
        .mount(&server)
        .await;
    let requests = || -> Vec<BatchRequest> {
        (0..60)
            .map(|i| {
                BatchRequest::delete(format!("{i}"), &UserRef::Me, FacetKind::Skills, "x").unwrap()
            })
            .collect()
    };

    let mut serial = config(&server);
    serial.max_concurrency = 1;
    let started = Instant::now();
    Client::new(serial).unwrap().batch(requests()).await.unwrap();
    let serial_time = started.elapsed();

    let mut parallel = config(&server);
    parallel.max_concurrency = 3;
    let started = Instant::now();
    Client::new(parallel).unwrap().batch(requests()).await.unwrap();
    let parallel_time = started.elapsed();

    assert!(serial_time >= Duration::from_millis(900), "serial took {serial_time:?}");
    assert!(parallel_time < Duration::from_millis(700), "parallel took {parallel_time:?}");
}

/// The fake, answering each batch after 300 ms.
struct DelayedBatch(FakeBatch);

impl Respond for DelayedBatch {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.respond(request).set_delay(Duration::from_millis(300))
    }
}

#[tokio::test]
async fn input_that_cannot_be_sent_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let client = client(&server);
    let get = |id: &str| BatchRequest::get(id, &UserRef::Me, FacetKind::Skills, "x", &[]).unwrap();

    let error = client.batch(vec![get("a"), get("a")]).await.unwrap_err();
    assert_eq!((error.kind(), error.field()), (ErrorKind::Validation, Some("id")));

    let error = client.batch(vec![get("a").depending_on(["nope"])]).await.unwrap_err();
    assert_eq!(error.field(), Some("dependsOn"));

    // A raw request (as the bindings pass it) is validated like a create.
    let raw: BatchRequest = serde_json::from_value(json!({
        "id": "1", "method": "POST", "url": "/me/profile/certifications",
        "body": {"displayName": "x", "webUrl": "not a url"}
    }))
    .unwrap();
    let error = client.batch(vec![raw]).await.unwrap_err();
    assert_eq!(error.facet(), Some(FacetKind::Certifications));
    assert_eq!(error.field(), Some("webUrl"));

    assert!(server.received_requests().await.unwrap().is_empty());
    assert!(client.batch(vec![]).await.unwrap().is_empty());
}
