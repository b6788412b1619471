//! The directory over real HTTP: the demo tenant, creating and reading users.

mod common;

use common::{ADMIN, Emu};
use graph_profile_emulator::demo::{DEMO_TENANT_ID, DEMO_USERS};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_tenant_has_its_people() {
    let emu = Emu::start().await;
    let mut upns = Vec::new();
    let mut url = emu.url("/users");
    loop {
        let answer = emu.get(&url).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        for user in answer.body["value"].as_array().unwrap() {
            upns.push(user["userPrincipalName"].as_str().unwrap().to_owned());
        }
        match answer.body["@odata.nextLink"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    upns.sort();
    let mut expected: Vec<_> =
        DEMO_USERS.iter().map(|u| u.user_principal_name.to_owned()).collect();
    expected.sort();
    assert_eq!(upns, expected);
    assert!(upns.iter().any(|u| u.contains("#EXT#")));
    assert_eq!(DEMO_TENANT_ID, "8f5c2d3e-0b1a-4c6d-9e7f-123456789abc");

    let me = emu.get("/me").await;
    assert_eq!(me.body["userPrincipalName"], ADMIN);
    let by_upn = emu.get("/users/adele.vance@contoso.com").await;
    let id = by_upn.body["id"].as_str().unwrap();
    assert_eq!(id.len(), 36);
    let by_id = emu.get(&format!("/users/{id}")).await;
    assert_eq!(by_id.body["displayName"], "Adele Vance");
    let guest = emu.get("/users/ann_fabrikam.com%23EXT%23%40contoso.com?$select=id").await;
    assert_eq!(guest.status, StatusCode::OK);
    assert!(guest.body.get("displayName").is_none());
    assert!(guest.body["id"].is_string());
    let svc = emu.get("/users('$svc.account@contoso.com')").await;
    assert_eq!(svc.body["mail"], "svc.account@contoso.com");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_can_be_created_once() {
    let emu = Emu::start().await;
    let created = emu
        .post(
            "/users",
            json!({"userPrincipalName": "o'brien@contoso.com", "displayName": "Pat O'Brien",
                   "mail": "pat@contoso.com", "accountEnabled": true, "mailNickname": "pat"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert!(uuid_like(&id));

    let got = emu.get("/users('o''brien@contoso.com')").await;
    assert_eq!(got.body["id"], id.as_str());
    let entry = emu
        .create(&format!("/users/{id}/profile/languages"), json!({"displayName": "Irish"}))
        .await;
    assert!(entry["id"].is_string());

    let again = emu
        .post("/users", json!({"userPrincipalName": "O'BRIEN@contoso.com", "displayName": "Twin"}))
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.error_target(), "userPrincipalName");

    for (body, field) in [
        (json!({"displayName": "No UPN"}), "userPrincipalName"),
        (json!({"userPrincipalName": "x@contoso.com"}), "displayName"),
        (json!({"userPrincipalName": "no-at-sign", "displayName": "x"}), "userPrincipalName"),
        (
            json!({"userPrincipalName": "y@contoso.com", "displayName": "x", "shoeSize": 9}),
            "shoeSize",
        ),
        (json!({"userPrincipalName": "z@contoso.com", "displayName": 5}), "displayName"),
    ] {
        let answer = emu.post("/users", body.clone()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer.error_target(), field, "{body}");
    }
    let unknown = emu.get("/users/nobody@contoso.com").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.error_code(), "Request_ResourceNotFound");
}

fn uuid_like(text: &str) -> bool {
    text.len() == 36 && text.chars().filter(|c| *c == '-').count() == 4
}
