//! The profile API over real HTTP: the five operations on all 19 facets, the
//! service-set fields, user addressing, and Graph-shaped errors for bad input.

mod common;

use common::{Emu, GUEST};
use graph_profile::FacetKind;
use graph_profile::schema::{self, FieldType};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The smallest valid draft of a facet: its required fields.
fn draft(kind: FacetKind) -> Value {
    let mut draft = serde_json::Map::new();
    for spec in schema::fields(kind).filter(|spec| spec.required) {
        let value = match spec.ty {
            FieldType::Email => json!("adele@contoso.com"),
            _ => json!(format!("A {kind} entry")),
        };
        draft.insert(spec.name.to_owned(), value);
    }
    Value::Object(draft)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_facet_supports_the_five_operations() {
    let emu = Emu::start().await;
    let user = "adele.vance@contoso.com";

    for kind in FacetKind::ALL {
        let collection = format!("/users/{user}/profile/{}", kind.collection());

        let created = emu.post(&collection, draft(kind)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{kind}: {}", created.body);
        let entry = &created.body;
        let id = entry["id"].as_str().expect("id").to_owned();
        assert!(entry["@odata.context"].as_str().unwrap().ends_with(&format!(
            "/$metadata#users('a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d')/profile/{}/$entity",
            kind.collection()
        )));
        for field in ["createdDateTime", "lastModifiedDateTime"] {
            let at = entry[field].as_str().expect(field);
            assert!(at.ends_with('Z') && at.len() == 24, "{field}: {at}");
        }
        for field in ["createdBy", "lastModifiedBy"] {
            assert_eq!(entry[field]["user"]["id"], "5d6f1e2a-3b4c-4d5e-8f60-71829304a5b6");
            assert_eq!(entry[field]["user"]["displayName"], "Admin");
        }
        // Every field of the type is answered, unset ones as null.
        for spec in schema::fields(kind) {
            assert!(entry.get(spec.name).is_some(), "{kind} lacks {}", spec.name);
        }
        let location = created.headers["location"].to_str().unwrap();
        assert!(location.ends_with(&format!("/profile/{}/{id}", kind.collection())));

        let got = emu.get(&format!("{collection}/{id}")).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.body, created.body, "{kind}: get differs from create");

        let listed = emu.get(&collection).await;
        assert_eq!(listed.status, StatusCode::OK);
        assert_eq!(listed.body["value"].as_array().unwrap().len(), 1);
        assert!(listed.body["@odata.context"].as_str().unwrap().ends_with(kind.collection()));

        let updated =
            emu.patch(&format!("{collection}/{id}"), json!({"allowedAudiences": "me"})).await;
        assert_eq!(updated.status, StatusCode::OK, "{kind}: {}", updated.body);
        assert_eq!(updated.body["allowedAudiences"], "me");
        assert_eq!(updated.body["createdDateTime"], entry["createdDateTime"]);
        // Fields not sent keep their values: the update answers the whole entry.
        for spec in schema::fields(kind).filter(|s| s.required) {
            assert_eq!(updated.body[spec.name], entry[spec.name]);
        }

        let deleted = emu.delete(&format!("{collection}/{id}")).await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT);
        assert!(deleted.body.is_null());
        let gone = emu.get(&format!("{collection}/{id}")).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
        assert_eq!(gone.error_code(), "itemNotFound");
    }
    emu.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certification_keeps_what_was_sent() {
    let emu = Emu::start().await;
    let draft = json!({
        "displayName": "Azure Administrator Associate",
        "certificationId": "AZ-104",
        "issuingAuthority": "Microsoft",
        "issuedDate": "2025-04-28",
        "endDate": "2026-04-28",
        "webUrl": "https://learn.microsoft.com/credentials/",
        "allowedAudiences": "contacts,organization",
        "@odata.type": "#microsoft.graph.personCertification",
    });
    let created = emu.create("/me/profile/certifications", draft.clone()).await;
    for (key, value) in draft.as_object().unwrap() {
        if !key.starts_with('@') {
            assert_eq!(&created[key], value, "{key}");
        }
    }
    assert!(created["@odata.context"].as_str().unwrap().contains("users('5d6f1e2a"));

    let id = created["id"].as_str().unwrap();
    let updated = emu
        .patch(&format!("/me/profile/certifications/{id}"), json!({"description": "Renewed"}))
        .await;
    assert_eq!(updated.body["description"], "Renewed");
    assert_eq!(updated.body["certificationId"], "AZ-104");
    assert!(
        updated.body["lastModifiedDateTime"].as_str() >= created["lastModifiedDateTime"].as_str()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_are_addressed_by_id_upn_encoded_guest_and_quoted_form() {
    let emu = Emu::start().await;
    let entry = emu
        .create(
            "/users/ann_fabrikam.com%23EXT%23@contoso.com/profile/skills",
            json!({"displayName": "Rust"}),
        )
        .await;
    let id = entry["id"].as_str().unwrap();
    assert!(
        entry["@odata.context"].as_str().unwrap().contains("c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f")
    );

    for user in [
        "c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f",
        "ANN_FABRIKAM.COM%23EXT%23@contoso.com",
        "users('ann_fabrikam.com%23EXT%23@contoso.com')",
    ] {
        let path = if user.starts_with("users(") {
            format!("/{user}/profile/skills/{id}")
        } else {
            format!("/users/{user}/profile/skills/{id}")
        };
        let got = emu.get(&path).await;
        assert_eq!(got.status, StatusCode::OK, "{path}: {}", got.body);
        assert_eq!(got.body["displayName"], "Rust");
    }

    // A bare '#' cuts the URL: what is left names no such user.
    let cut = emu.get("/users/ann_fabrikam.com#EXT#@contoso.com/profile/skills").await;
    assert_eq!(cut.status, StatusCode::NOT_FOUND);
    assert_eq!(cut.error_code(), "Request_ResourceNotFound");

    // A UPN starting with '$' works in the quoted form.
    let svc = emu
        .create(
            "/users('$svc.account@contoso.com')/profile/awards",
            json!({"displayName": "Uptime"}),
        )
        .await;
    assert!(svc["id"].is_string());
    let quoted = emu.get("/users('%24svc.account%40contoso.com')/profile/awards").await;
    assert_eq!(quoted.body["value"][0]["displayName"], "Uptime");
    let _ = GUEST;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_users_and_entries_are_404_with_graph_errors() {
    let emu = Emu::start().await;
    let answer = emu.get("/users/nobody@contoso.com/profile/awards").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.error_code(), "Request_ResourceNotFound");
    assert_eq!(
        answer.headers["request-id"],
        answer.body["error"]["innerError"]["request-id"].as_str().unwrap()
    );

    let answer = emu.get("/me/profile/awards/no-such-entry").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.error_code(), "itemNotFound");
    let answer = emu.patch("/me/profile/awards/no-such-entry", json!({"description": "x"})).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = emu.delete("/me/profile/awards/no-such-entry").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);

    let answer = emu.get("/me/profile/badges").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "BadRequest");

    // The client-request-id sent comes back, in the header and the error.
    let response = emu
        .http
        .get(emu.url("/users/nobody@contoso.com"))
        .bearer_auth(&emu.token)
        .header("client-request-id", "7d3f0c1e-0000-4000-8000-000000000001")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["client-request-id"], "7d3f0c1e-0000-4000-8000-000000000001");
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error"]["innerError"]["client-request-id"],
        "7d3f0c1e-0000-4000-8000-000000000001"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_are_400_naming_the_field() {
    let emu = Emu::start().await;
    let path = "/me/profile/certifications";
    let cases = [
        (json!({"issuedDate": "2025-04-28"}), "displayName"),
        (json!({"displayName": 42}), "displayName"),
        (json!({"displayName": "x", "colour": "blue"}), "colour"),
        (json!({"displayName": "x", "id": "mine"}), "id"),
        (json!({"displayName": "x", "createdDateTime": "2025-01-01T00:00:00Z"}), "createdDateTime"),
        (json!({"displayName": "x", "issuedDate": "2025-02-30"}), "issuedDate"),
        (json!({"displayName": "x", "issuedDate": "2025-04-28T00:00:00Z"}), "issuedDate"),
        (
            json!({"displayName": "x", "issuedDate": "2025-04-28", "endDate": "2024-01-01"}),
            "endDate",
        ),
        (json!({"displayName": "x", "webUrl": "not a url"}), "webUrl"),
        (json!({"displayName": "x", "allowedAudiences": "everybody"}), "allowedAudiences"),
        (json!({"displayName": "x".repeat(300)}), "displayName"),
        (json!({"displayName": "x", "@odata.type": "#microsoft.graph.personAward"}), "@odata.type"),
    ];
    for (body, field) in cases {
        let answer = emu.post(path, body.clone()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer.error_code(), "invalidRequest", "{body}");
        assert_eq!(answer.error_target(), field, "{body}: {}", answer.body);
        assert!(answer.message().contains(field), "{}", answer.message());
    }

    // Nothing half-written: the collection is still empty.
    let listed = emu.get(path).await;
    assert_eq!(listed.body["value"], json!([]));

    // An update that fails leaves the entry as it was.
    let entry = emu.create(path, json!({"displayName": "Kept", "issuedDate": "2025-04-28"})).await;
    let id = entry["id"].as_str().unwrap();
    let answer = emu
        .patch(&format!("{path}/{id}"), json!({"displayName": "Changed", "endDate": "2020-01-01"}))
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_target(), "endDate");
    let answer = emu.patch(&format!("{path}/{id}"), json!({"displayName": null})).await;
    assert_eq!(answer.error_target(), "displayName");
    assert_eq!(emu.get(&format!("{path}/{id}")).await.body, entry);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_content_types_and_sizes() {
    let emu = Emu::start().await;
    let path = "/me/profile/awards";

    let malformed = emu
        .send(Method::POST, path, Some("application/json"), Some(b"{\"displayName\": ".to_vec()))
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.error_code(), "BadRequest");

    let not_object =
        emu.send(Method::POST, path, Some("application/json"), Some(b"[1,2]".to_vec())).await;
    assert_eq!(not_object.status, StatusCode::BAD_REQUEST);

    let bad_utf8 = emu
        .send(
            Method::POST,
            path,
            Some("application/json"),
            Some(b"{\"displayName\": \"\xff\xfe\"}".to_vec()),
        )
        .await;
    assert_eq!(bad_utf8.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_utf8.error_code(), "BadRequest");

    let form = emu
        .send(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            Some(b"displayName=x".to_vec()),
        )
        .await;
    assert_eq!(form.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(form.error_code(), "UnsupportedMediaType");
    let none = emu.send(Method::POST, path, None, Some(b"{\"displayName\":\"x\"}".to_vec())).await;
    assert_eq!(none.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let charset = emu
        .send(
            Method::POST,
            path,
            Some("application/json; charset=utf-8"),
            Some(b"{\"displayName\":\"x\"}".to_vec()),
        )
        .await;
    assert_eq!(charset.status, StatusCode::CREATED);

    let huge =
        format!("{{\"displayName\": \"x\", \"description\": \"{}\"}}", "y".repeat(5 * 1024 * 1024));
    let too_large =
        emu.send(Method::POST, path, Some("application/json"), Some(huge.into_bytes())).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_large.error_code(), "RequestEntityTooLarge");

    let put = emu.send(Method::PUT, path, Some("application/json"), Some(b"{}".to_vec())).await;
    assert_eq!(put.status, StatusCode::METHOD_NOT_ALLOWED);

    // One entry was created (the charset one); nothing else got in.
    assert_eq!(emu.get(path).await.body["value"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_paths_are_graph_errors() {
    let emu = Emu::start().await;
    for path in [
        "/users/%FF%FE/profile/skills",
        "/users/..%2F..%2Fetc/profile/skills",
        "/users/%2e%2e/profile/skills",
        "/users/a%2Fb/profile/skills",
        "/users/a%00b/profile/skills",
        "/users//profile/skills",
        "/users('unclosed/profile/skills",
        "/users/adele.vance@contoso.com/profile/skills/x/y",
        "/groups",
    ] {
        let answer = emu.get(path).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}: {}", answer.body);
        assert_eq!(answer.error_code(), "BadRequest", "{path}");
    }
    let outside =
        emu.http.get(format!("{}/v1.0/me", emu.emulator.base_url())).send().await.unwrap();
    assert_eq!(outside.status(), StatusCode::NOT_FOUND);
    let body: Value = outside.json().await.unwrap();
    assert!(body["error"]["code"].is_string());
}

#[tokio::test]
async fn older_and_newer_type_names_and_source_shapes_are_both_accepted() {
    let emu = Emu::start().await;
    let anniversaries = "/users/adele.vance@contoso.com/profile/anniversaries";

    // The reference gives two names for an anniversary's type: both must pass.
    for (name, type_name) in [
        ("newer", "#microsoft.graph.personAnnualEvent"),
        ("older", "#microsoft.graph.personAnniversary"),
    ] {
        let body = json!({"@odata.type": type_name, "displayName": name, "date": "2020-05-01",
                          "type": "work"});
        let created = emu.create(anniversaries, body).await;
        let id = created["id"].as_str().unwrap();
        let read = emu.get(&format!("{anniversaries}/{id}")).await;
        assert_eq!(read.body["displayName"], name, "{}", read.body);

        let patch = json!({"@odata.type": type_name, "type": "birthday"});
        let patched = emu.patch(&format!("{anniversaries}/{id}"), patch).await;
        assert_eq!(patched.status, StatusCode::OK, "{type_name}: {}", patched.body);
        assert_eq!(patched.body["type"], "birthday");
    }

    // Another facet's type is still a mistake, named.
    let wrong = json!({"@odata.type": "#microsoft.graph.personAward", "displayName": "x"});
    let refused = emu.post(anniversaries, wrong).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.error_target(), "@odata.type");
    assert!(refused.message().contains("personAnniversary"), "{}", refused.body);

    // `source` in the newer (`personDataSources`, a list) and older (`personDataSource`,
    // one string) shapes; each is kept as it was sent.
    let skills = "/users/adele.vance@contoso.com/profile/skills";
    for source in [
        json!({"@odata.type": "#microsoft.graph.personDataSources", "type": ["User"]}),
        json!({"@odata.type": "#microsoft.graph.personDataSource", "type": "User"}),
        json!({"type": ["User", "Admin"]}),
        json!({"type": "User"}),
    ] {
        let created = emu.create(skills, json!({"displayName": "Rust", "source": source})).await;
        let id = created["id"].as_str().unwrap();
        let read = emu.get(&format!("{skills}/{id}")).await;
        assert_eq!(read.body["source"]["type"], source["type"], "{}", read.body);
    }
    for source in [json!({"type": 5}), json!({"type": [1]}), json!({"kind": "User"})] {
        let refused = emu.post(skills, json!({"displayName": "x", "source": source})).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{source}");
        assert_eq!(refused.error_target(), "source", "{}", refused.body);
    }
}
