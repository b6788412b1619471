//! Throttling, injected faults, latency and the journal, over real HTTP.

mod common;

use std::time::{Duration, Instant, SystemTime};

use common::{Emu, answer};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SKILLS: &str = "/users/megan.bowen@contoso.com/profile/skills";

impl Emu {
    async fn configure(&self, config: Value) -> Value {
        let url = format!("{}/emulator/config", self.emulator.base_url());
        let response = self.http.post(url).json(&config).send().await.expect("config sent");
        assert_eq!(response.status(), StatusCode::OK, "config refused");
        response.json().await.unwrap()
    }

    async fn journal(&self) -> Vec<Value> {
        let url = format!("{}/emulator/journal", self.emulator.base_url());
        let body: Value = self.http.get(url).send().await.unwrap().json().await.unwrap();
        body["value"].as_array().expect("journal value").clone()
    }

    async fn clear_journal(&self) {
        let url = format!("{}/emulator/journal", self.emulator.base_url());
        let status = self.http.delete(url).send().await.unwrap().status();
        assert_eq!(status, StatusCode::NO_CONTENT);
    }

    /// POST a skill with a client-request-id; `Err` when the connection broke
    /// before a whole answer came.
    async fn try_create(&self, name: &str, request_id: &str) -> Result<StatusCode, String> {
        let request = self
            .http
            .post(self.url(SKILLS))
            .bearer_auth(&self.token)
            .header("client-request-id", request_id)
            .json(&json!({ "displayName": name }));
        let response = request.send().await.map_err(|e| format!("send failed: {e:?}"))?;
        let status = response.status();
        response.bytes().await.map_err(|e| format!("body failed after {status}: {e:?}"))?;
        Ok(status)
    }
}

/// Seconds a `Retry-After` value asks for.
fn retry_after_seconds(value: &str) -> f64 {
    if let Ok(seconds) = value.parse::<f64>() {
        return seconds;
    }
    let at = httpdate::parse_http_date(value).expect("Retry-After is seconds or an HTTP date");
    at.duration_since(SystemTime::now()).unwrap_or_default().as_secs_f64()
}

/// A request as some caller: `token` decides the application and tenant whose
/// buckets it draws from.
async fn call_as(emu: &Emu, token: &str, write: bool, path: &str) -> common::Answer {
    let request = if write {
        emu.http.post(emu.url(path)).json(&json!({"displayName": "x"}))
    } else {
        emu.http.get(emu.url(path))
    };
    answer(request.bearer_auth(token).send().await.expect("request sent")).await
}

/// Asserts a throttled answer: `status`, Graph's error, and a whole-seconds
/// `Retry-After` between 1 and `most` seconds; returns the wait.
fn assert_throttled(answer: &common::Answer, most: u64, what: &str) -> u64 {
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS, "{what}: {}", answer.body);
    assert_eq!(answer.error_code(), "TooManyRequests", "{what}");
    let header = answer.headers.get("retry-after").unwrap_or_else(|| panic!("{what}: no wait"));
    let wait: u64 = header.to_str().unwrap().parse().expect("whole seconds");
    assert!((1..=most).contains(&wait), "{what}: Retry-After {wait}");
    wait
}

/// Asserts an answer that was not throttled.
fn assert_passed(answer: &common::Answer, status: StatusCode, what: &str) {
    assert!(answer.headers.get("retry-after").is_none(), "{what}: {:?}", answer.headers);
    assert_eq!(answer.status, status, "{what}: {}", answer.body);
}

/// A delegated token for the demo administrator through application `client_id`.
async fn token_via_app(emu: &Emu, client_id: &str) -> String {
    let url = format!("{}/emulator/token", emu.emulator.base_url());
    let query =
        [("user", common::ADMIN), ("scopes", "User.ReadWrite.All"), ("client_id", client_id)];
    let response = emu.http.get(url).query(&query).send().await.expect("token request");
    let body: Value = response.json().await.expect("token JSON");
    body["access_token"].as_str().expect("access_token").to_owned()
}

/// An app-only reader in `tenant` (a new tenant id makes that tenant).
async fn app_reader(emu: &Emu, app: &str, tenant: &str) -> String {
    let url = format!("{}/emulator/token", emu.emulator.base_url());
    let query = [("app", app), ("tenant", tenant), ("roles", "User.Read.All")];
    let response = emu.http.get(url).query(&query).send().await.expect("token request");
    let body: Value = response.json().await.expect("token JSON");
    body["access_token"].as_str().expect("access_token").to_owned()
}

fn names(list: &common::Answer) -> Vec<String> {
    let values = list.body["value"].as_array().expect("a list");
    values.iter().map(|entry| entry["displayName"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn writes_are_throttled_and_the_journal_sees_early_retries() {
    let emu = Emu::start().await;
    emu.configure(json!({
        "throttle": {"writesPerSecond": 1, "burst": 2, "retryAfter": "fractional"},
        "earlyGraceMs": 0
    }))
    .await;
    emu.clear_journal().await;

    for name in ["a", "b"] {
        assert_eq!(
            emu.post(SKILLS, json!({ "displayName": name })).await.status,
            StatusCode::CREATED
        );
    }
    let throttled = emu.post(SKILLS, json!({ "displayName": "c" })).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.error_code(), "TooManyRequests");
    let value = throttled.headers["retry-after"].to_str().unwrap().to_owned();
    assert!(value.contains('.'), "fractional form: {value}");
    let wait = retry_after_seconds(&value);
    assert!(wait > 0.0 && wait <= 1.0, "{wait}");

    // Reads are counted apart: they still pass.
    assert_eq!(emu.get(SKILLS).await.status, StatusCode::OK);

    // A write at once is early; one after the wait is not, and passes.
    let early = emu.post(SKILLS, json!({ "displayName": "c" })).await;
    assert_eq!(early.status, StatusCode::TOO_MANY_REQUESTS);
    tokio::time::sleep(Duration::from_secs_f64(retry_after_seconds(
        early.headers["retry-after"].to_str().unwrap(),
    )))
    .await;
    assert_eq!(emu.post(SKILLS, json!({ "displayName": "c" })).await.status, StatusCode::CREATED);

    let journal = emu.journal().await;
    let writes: Vec<_> = journal.iter().filter(|e| e["method"] == "POST").collect();
    let statuses: Vec<_> = writes.iter().map(|e| e["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [201, 201, 429, 429, 201]);
    let early: Vec<_> = writes.iter().map(|e| e["early"].as_bool().unwrap()).collect();
    assert_eq!(early, [false, false, false, true, false]);
    assert_eq!(writes[2]["fault"], "throttled");
    assert_eq!(writes[2]["retryAfter"].as_str(), Some(value.as_str()));
    assert_eq!(writes[2]["committed"], false);
    assert_eq!(writes[0]["committed"], true);
    assert!(writes[0]["entryId"].is_string());
    assert!(journal.iter().any(|e| e["method"] == "GET" && e["status"] == 200));
    assert_eq!(names(&emu.get(SKILLS).await), ["a", "b", "c"]);
}

#[tokio::test]
async fn retry_after_comes_in_each_form_and_503_too() {
    let emu = Emu::start().await;
    let cases = [
        (json!({"fault": "throttle", "retryAfterSeconds": 2, "retryAfter": "seconds"}), 429),
        (json!({"fault": "throttle", "retryAfterSeconds": 1.25, "retryAfter": "fractional"}), 429),
        (json!({"fault": "throttle", "retryAfterSeconds": 3, "retryAfter": "httpDate"}), 429),
        (json!({"fault": "throttle", "status": 503, "retryAfterSeconds": 1}), 503),
        (json!({"fault": "error", "status": 504}), 504),
    ];
    for (fault, status) in cases {
        emu.configure(json!({ "inject": [fault.clone()] })).await;
        let answer = emu.get(SKILLS).await;
        assert_eq!(answer.status.as_u16(), status, "{fault}");
        answer.error_code();
        let header = answer.headers.get("retry-after").map(|v| v.to_str().unwrap().to_owned());
        match fault["retryAfter"].as_str() {
            Some("seconds") => assert_eq!(header.as_deref(), Some("2")),
            Some("fractional") => assert_eq!(header.as_deref(), Some("1.250")),
            Some("httpDate") => {
                let wait = retry_after_seconds(&header.expect("date"));
                assert!((2.0..=4.0).contains(&wait), "{wait}");
            }
            _ if status == 504 => assert_eq!(header, None),
            _ => assert_eq!(header.as_deref(), Some("1")),
        }
        // Used up: the next request passes.
        assert_eq!(emu.get(SKILLS).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn random_errors_repeat_with_the_seed() {
    let emu = Emu::start().await;
    let run = |seed: u64| {
        let emu = &emu;
        async move {
            emu.configure(json!({"seed": seed, "errors": {"rate": 0.4, "statuses": [503, 504]}}))
                .await;
            let mut statuses = Vec::new();
            for _ in 0..30 {
                statuses.push(emu.get(SKILLS).await.status.as_u16());
            }
            statuses
        }
    };

    let first = run(1234).await;
    assert!(first.contains(&503) && first.contains(&504) && first.contains(&200), "{first:?}");

    // Another seed in between, so the repeat below cannot come from a generator
    // that was simply never moved.
    let other = run(99).await;
    assert_ne!(first, other, "a different seed gives a different run");
    assert!(other.contains(&200) && other.iter().any(|s| *s >= 500), "{other:?}");

    let again = run(1234).await;
    assert_eq!(first, again, "the same seed repeats the run");

    emu.configure(json!({"seed": 5, "errors": {"rate": 0.0}})).await;
    assert_eq!(emu.get(SKILLS).await.status, StatusCode::OK);
}

#[tokio::test]
async fn connections_drop_before_and_after_a_write() {
    let emu = Emu::start().await;
    emu.configure(json!({"inject": [{"on": "write", "fault": "dropBeforeWrite"}]})).await;
    emu.clear_journal().await;
    let lost = emu.try_create("before", "req-before").await;
    let error = lost.expect_err("no answer");
    assert!(error.starts_with("send failed"), "no status line either: {error}");
    assert!(names(&emu.get(SKILLS).await).is_empty(), "nothing was written");

    emu.configure(json!({"inject": [{"on": "write", "fault": "dropAfterWrite"}]})).await;
    let lost = emu.try_create("after", "req-after").await;
    let error = lost.expect_err("no answer");
    assert!(error.starts_with("send failed"), "no status line either: {error}");
    let listed = emu.get(SKILLS).await;
    assert_eq!(names(&listed), ["after"], "the write was committed once");

    let journal = emu.journal().await;
    let before = journal.iter().find(|e| e["clientRequestId"] == "req-before").unwrap();
    assert_eq!(before["fault"], "dropBeforeWrite");
    assert_eq!(before["committed"], false);
    assert!(before["status"].is_null());
    let after = journal.iter().find(|e| e["clientRequestId"] == "req-after").unwrap();
    assert_eq!(after["fault"], "dropAfterWrite");
    assert_eq!(after["committed"], true);
    assert_eq!(after["status"], 201);
    assert_eq!(after["entryId"], listed.body["value"][0]["id"]);

    // The server is unharmed: the next write is answered.
    assert_eq!(emu.post(SKILLS, json!({"displayName": "next"})).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn latency_is_added() {
    let emu = Emu::start().await;
    emu.configure(json!({"latency": {"ms": 300}})).await;
    let started = Instant::now();
    assert_eq!(emu.get(SKILLS).await.status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
    emu.configure(json!({"latency": {"ms": 0}})).await;
    let started = Instant::now();
    emu.get(SKILLS).await;
    assert!(started.elapsed() < Duration::from_millis(250));
}

#[tokio::test]
async fn batch_items_are_throttled_one_by_one() {
    let emu = Emu::start().await;
    emu.configure(json!({"throttle": {"writesPerSecond": 0.5, "burst": 1}})).await;
    emu.clear_journal().await;
    let requests: Vec<Value> = (1..=3)
        .map(|i| {
            json!({"id": i.to_string(), "method": "POST", "url": SKILLS,
                   "headers": {"Content-Type": "application/json"},
                   "body": {"displayName": format!("s{i}")}})
        })
        .collect();
    let batch = emu.post("/$batch", json!({ "requests": requests })).await;
    assert_eq!(batch.status, StatusCode::OK, "{}", batch.body);
    let responses = batch.body["responses"].as_array().unwrap();
    let mut statuses: Vec<_> = responses.iter().map(|r| r["status"].as_u64().unwrap()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 429, 429]);
    for throttled in responses.iter().filter(|r| r["status"] == 429) {
        let headers = throttled["headers"].as_object().unwrap();
        let retry = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("retry-after"));
        let wait: f64 = retry.expect("item Retry-After").1.as_str().unwrap().parse().unwrap();
        assert!(wait >= 1.0, "{wait}");
    }
    assert_eq!(names(&emu.get(SKILLS).await).len(), 1);

    let journal = emu.journal().await;
    let items: Vec<_> = journal.iter().filter(|e| e["batchItemId"].is_string()).collect();
    assert_eq!(items.len(), 3, "{journal:#?}");
    assert_eq!(items.iter().filter(|e| e["committed"] == true).count(), 1);
    assert!(items.iter().all(|e| e["path"].as_str().unwrap().starts_with("/beta/users/")));
    let written = items.iter().find(|e| e["status"] == 201).unwrap();
    assert!(written["entryId"].is_string());
    let whole = journal.iter().find(|e| e["path"] == "/beta/$batch").expect("the batch");
    assert_eq!(whole["status"], 200);
    assert!(whole.get("committed").is_none(), "the batch itself writes nothing: {whole}");
}

#[tokio::test]
async fn bad_config_is_refused_naming_the_field() {
    let emu = Emu::start().await;
    let url = format!("{}/emulator/config", emu.emulator.base_url());
    for (body, field) in [
        (json!({"errors": {"rate": 3}}), "errors.rate"),
        (json!({"throttle": {"writesPerSecond": -1}}), "writesPerSecond"),
        (json!({"thrttle": {}}), "thrttle"),
        (json!({"auth": {"tokenLifetimeSeconds": 0}}), "tokenLifetimeSeconds"),
    ] {
        let response = emu.http.post(&url).json(&body).send().await.unwrap();
        let answer = answer(response).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(answer.message().contains(field), "{field}: {}", answer.body);
    }
    let config: Value = emu.http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(config["errors"]["rate"], 0.0);
    assert_eq!(config["auth"]["appOnlyWrites"], false);
    assert_eq!(config["throttle"]["status"], 429);
}

#[tokio::test]
async fn a_whole_batch_can_be_dropped_after_its_items_ran() {
    let emu = Emu::start().await;
    emu.configure(json!({"seed": 3, "drops": {"afterWriteRate": 1.0}})).await;
    emu.clear_journal().await;
    let requests: Vec<Value> = (1..=2)
        .map(|i| {
            json!({"id": i.to_string(), "method": "POST", "url": SKILLS,
                   "headers": {"Content-Type": "application/json"},
                   "body": {"displayName": format!("s{i}")}})
        })
        .collect();
    let sent = emu
        .http
        .post(emu.url("/$batch"))
        .bearer_auth(&emu.token)
        .json(&json!({ "requests": requests }))
        .send()
        .await;
    assert!(sent.is_err(), "the batch was answered: {sent:?}");

    emu.configure(json!({"drops": {"afterWriteRate": 0.0}})).await;
    assert_eq!(names(&emu.get(SKILLS).await), ["s1", "s2"], "both items were committed");
    let journal = emu.journal().await;
    let whole = journal.iter().find(|e| e["path"] == "/beta/$batch").expect("the batch");
    assert_eq!(whole["fault"], "dropAfterWrite");
    assert_eq!(journal.iter().filter(|e| e["committed"] == true).count(), 2);
}

#[tokio::test]
async fn a_retry_of_the_same_request_before_its_wait_is_flagged() {
    let emu = Emu::start().await;
    emu.configure(json!({"earlyGraceMs": 0, "inject": [{"fault": "throttle",
        "retryAfterSeconds": 30}]}))
        .await;
    emu.clear_journal().await;
    for id in ["same", "same", "other"] {
        let request = emu.http.get(emu.url(SKILLS)).bearer_auth(&emu.token);
        request.header("client-request-id", id).send().await.unwrap();
    }
    let journal = emu.journal().await;
    let flags: Vec<_> =
        journal.iter().map(|e| (e["early"].clone(), e["retryEarly"].clone())).collect();
    assert_eq!(
        flags,
        [(json!(false), json!(false)), (json!(true), json!(true)), (json!(true), json!(false))]
    );
}

#[tokio::test]
async fn reads_are_throttled_while_writes_pass() {
    let emu = Emu::start().await;
    let token = emu.token.clone();
    emu.configure(json!({"throttle": {"readsPerSecond": 1, "burst": 2, "retryAfter": "seconds"}}))
        .await;

    for n in 0..2 {
        assert_passed(&call_as(&emu, &token, false, SKILLS).await, StatusCode::OK, &format!("{n}"));
    }
    let wait = assert_throttled(&call_as(&emu, &token, false, SKILLS).await, 1, "third read");

    // Writes have their own bucket, unlimited here: they pass while reads wait.
    for n in 0..5 {
        let write = call_as(&emu, &token, true, SKILLS).await;
        assert_passed(&write, StatusCode::CREATED, &format!("write {n}"));
    }
    assert_throttled(&call_as(&emu, &token, false, SKILLS).await, 1, "read during the wait");

    // The wait it gave is enough.
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_passed(&call_as(&emu, &token, false, SKILLS).await, StatusCode::OK, "after the wait");
}

#[tokio::test]
async fn writes_are_throttled_while_reads_pass_with_both_limited() {
    let emu = Emu::start().await;
    let token = emu.token.clone();
    emu.configure(json!({"throttle": {"readsPerSecond": 50, "writesPerSecond": 0.5,
        "burst": 2, "retryAfter": "seconds"}}))
        .await;

    for n in 0..2 {
        let write = call_as(&emu, &token, true, SKILLS).await;
        assert_passed(&write, StatusCode::CREATED, &format!("write {n}"));
    }
    let wait = assert_throttled(&call_as(&emu, &token, true, SKILLS).await, 2, "third write");
    assert_eq!(wait, 2, "an empty bucket at half a write a second refills in two seconds");

    // Reads draw on their own bucket, whose limit is not reached.
    assert_passed(&call_as(&emu, &token, false, SKILLS).await, StatusCode::OK, "read");
    assert_throttled(&call_as(&emu, &token, true, SKILLS).await, 2, "write during the wait");
    assert_passed(&call_as(&emu, &token, false, SKILLS).await, StatusCode::OK, "read again");

    tokio::time::sleep(Duration::from_secs(wait)).await;
    let write = call_as(&emu, &token, true, SKILLS).await;
    assert_passed(&write, StatusCode::CREATED, "write after the wait");
    assert_eq!(names(&emu.get(SKILLS).await).len(), 3, "throttled writes wrote nothing");
}

#[tokio::test]
async fn each_app_in_a_tenant_has_its_own_bucket() {
    let emu = Emu::start().await;
    emu.configure(json!({"throttle": {"readsPerSecond": 0.5, "burst": 2}})).await;
    let first = token_via_app(&emu, "11111111-1111-4111-8111-111111111111").await;
    let second = token_via_app(&emu, "22222222-2222-4222-8222-222222222222").await;

    for n in 0..2 {
        assert_passed(&call_as(&emu, &first, false, SKILLS).await, StatusCode::OK, &format!("{n}"));
    }
    assert_throttled(&call_as(&emu, &first, false, SKILLS).await, 2, "first app, third read");

    // The same user in the same tenant through another application: a fresh bucket.
    for n in 0..2 {
        let read = call_as(&emu, &second, false, SKILLS).await;
        assert_passed(&read, StatusCode::OK, &format!("second app, read {n}"));
    }
    assert_throttled(&call_as(&emu, &second, false, SKILLS).await, 2, "second app, third read");
    assert_throttled(&call_as(&emu, &first, false, SKILLS).await, 2, "first app still waits");
}

#[tokio::test]
async fn a_tenant_limit_is_shared_by_its_apps_and_not_by_other_tenants() {
    let emu = Emu::start().await;
    let other_tenant = "0a0b0c0d-1111-4222-8333-444455556666";
    let first = app_reader(&emu, "app-one", common::TENANT).await;
    let second = app_reader(&emu, "app-two", common::TENANT).await;
    let elsewhere = app_reader(&emu, "app-one", other_tenant).await;
    // Each application may read 5 at once, the tenant 3 in all.
    emu.configure(json!({"throttle": {"readsPerSecond": 0.5, "burst": 5,
        "perTenant": {"readsPerSecond": 0.5, "burst": 3}}}))
        .await;

    for n in 0..2 {
        assert_passed(&call_as(&emu, &first, false, SKILLS).await, StatusCode::OK, &format!("{n}"));
    }
    assert_passed(&call_as(&emu, &second, false, SKILLS).await, StatusCode::OK, "second app");

    // The tenant's 3 are used: both apps now wait, though each has reads left of its own.
    assert_throttled(&call_as(&emu, &second, false, SKILLS).await, 2, "second app, tenant full");
    assert_throttled(&call_as(&emu, &first, false, SKILLS).await, 2, "first app, tenant full");

    // The same application in another tenant draws on that tenant's bucket.
    for n in 0..3 {
        let read = call_as(&emu, &elsewhere, false, "/users").await;
        assert_passed(&read, StatusCode::OK, &format!("other tenant, read {n}"));
    }
    assert_throttled(&call_as(&emu, &elsewhere, false, "/users").await, 2, "other tenant full");
}
