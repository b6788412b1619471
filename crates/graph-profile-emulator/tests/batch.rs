//! JSON batching over real HTTP.

mod common;

use common::Emu;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn by_id<'a>(answer: &'a Value, id: &str) -> &'a Value {
    answer["responses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no response {id} in {answer}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_item_has_its_own_status_headers_and_body() {
    let emu = Emu::start().await;
    let answer = emu
        .post(
            "/$batch",
            json!({"requests": [
                {"id": "1", "method": "POST", "url": "/me/profile/awards",
                 "headers": {"Content-Type": "application/json"},
                 "body": {"displayName": "Employee of the year"}},
                {"id": "2", "method": "GET", "url": "/me/profile/awards", "dependsOn": ["1"]},
                {"id": "3", "method": "GET", "url": "/users/nobody@contoso.com/profile/awards"},
                {"id": "4", "method": "POST", "url": "me/profile/skills",
                 "body": {"displayName": 7}},
                {"id": "5", "method": "GET", "url": "/users('adele.vance@contoso.com')"},
            ]}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let body = &answer.body;
    assert_eq!(body["responses"].as_array().unwrap().len(), 5);

    let created = by_id(body, "1");
    assert_eq!(created["status"], 201);
    assert_eq!(created["body"]["displayName"], "Employee of the year");
    assert!(created["headers"]["Content-Type"].as_str().unwrap().starts_with("application/json"));
    assert!(created["headers"]["Location"].is_string());

    let listed = by_id(body, "2");
    assert_eq!(listed["status"], 200);
    assert_eq!(listed["body"]["value"][0]["id"], created["body"]["id"]);

    assert_eq!(by_id(body, "3")["status"], 404);
    assert_eq!(by_id(body, "3")["body"]["error"]["code"], "Request_ResourceNotFound");
    assert_eq!(by_id(body, "4")["status"], 400);
    assert_eq!(by_id(body, "4")["body"]["error"]["target"], "displayName");
    assert_eq!(by_id(body, "5")["body"]["userPrincipalName"], "adele.vance@contoso.com");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dependents_of_a_failure_answer_424() {
    let emu = Emu::start().await;
    let answer = emu
        .post(
            "/$batch",
            json!({"requests": [
                {"id": "c", "method": "GET", "url": "/me/profile/awards", "dependsOn": ["b"]},
                {"id": "a", "method": "POST", "url": "/me/profile/awards", "body": {}},
                {"id": "b", "method": "POST", "url": "/me/profile/awards",
                 "body": {"displayName": "never written"}, "dependsOn": ["a"]},
                {"id": "d", "method": "GET", "url": "/me/profile/awards"},
            ]}),
        )
        .await;
    let body = &answer.body;
    assert_eq!(by_id(body, "a")["status"], 400);
    assert_eq!(by_id(body, "b")["status"], 424);
    assert_eq!(by_id(body, "b")["body"]["error"]["code"], "FailedDependency");
    assert_eq!(by_id(body, "c")["status"], 424);
    assert_eq!(by_id(body, "d")["status"], 200);
    // The dependent create did not run.
    assert_eq!(emu.get("/me/profile/awards").await.body["value"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_batches_are_refused_whole() {
    let emu = Emu::start().await;
    let get = |id: String| json!({"id": id, "method": "GET", "url": "/me/profile/skills"});

    let twenty: Vec<_> = (0..20).map(|i| get(i.to_string())).collect();
    let ok = emu.post("/$batch", json!({"requests": twenty})).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.body["responses"].as_array().unwrap().len(), 20);

    let cases = [
        json!({"requests": (0..21).map(|i| get(i.to_string())).collect::<Vec<_>>()}),
        json!({"requests": [get("1".into()), get("1".into())]}),
        json!({"requests": []}),
        json!({"nothing": true}),
        json!({"requests": [{"id": "1", "method": "GET"}]}),
        json!({"requests": [{"id": "1", "method": "BREW", "url": "/me"}]}),
        json!({"requests": [{"id": "1", "method": "GET", "url": "https://graph.microsoft.com/beta/me"}]}),
        json!({"requests": [{"id": "1", "method": "GET", "url": "/me", "dependsOn": ["9"]}]}),
        json!({"requests": [
            {"id": "1", "method": "GET", "url": "/me", "dependsOn": ["2"]},
            {"id": "2", "method": "GET", "url": "/me", "dependsOn": ["1"]}]}),
    ];
    for case in cases {
        let answer = emu.post("/$batch", case.clone()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{case}");
        assert_eq!(answer.error_code(), "BadRequest", "{case}");
    }

    let nested = emu
        .post("/$batch", json!({"requests": [{"id": "1", "method": "POST", "url": "/$batch", "body": {"requests": []}}]}))
        .await;
    assert_eq!(by_id(&nested.body, "1")["status"], 400);

    let not_json =
        emu.send(Method::POST, "/$batch", Some("text/plain"), Some(b"{}".to_vec())).await;
    assert_eq!(not_json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let get_batch = emu.get("/$batch").await;
    assert_eq!(get_batch.status, StatusCode::METHOD_NOT_ALLOWED);
}
