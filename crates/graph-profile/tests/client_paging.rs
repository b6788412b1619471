//! Lists across pages, query options, and the exact paths hostile user ids produce.

mod client_support;

use client_support::{certification, client, header, requests};
use futures::StreamExt;
use graph_profile::{ErrorKind, FacetKind, ListQuery, UserRef};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const COLLECTION: &str = "/beta/me/profile/certifications";

/// Three pages: two entries, none, one; the links are opaque tokens.
async fn three_pages() -> MockServer {
    let server = MockServer::start().await;
    let next =
        |token: &str| format!("{}/beta/me/profile/certifications?$skiptoken={token}", server.uri());
    let page = |entries: Vec<serde_json::Value>, next: Option<String>| {
        let mut body = json!({"@odata.context": "x", "value": entries});
        if let Some(next) = next {
            body["@odata.nextLink"] = json!(next);
        }
        ResponseTemplate::new(200).set_body_json(body)
    };

    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(query_param("$skiptoken", "p2"))
        .respond_with(page(vec![], Some(next("p3%2Bx"))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(query_param("$skiptoken", "p3+x"))
        .respond_with(page(vec![certification("c", "Third")], None))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(query_param("$top", "2"))
        .respond_with(page(
            vec![certification("a", "First"), certification("b", "Second")],
            Some(next("p2")),
        ))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn list_follows_every_next_link_through_an_empty_page() {
    let server = three_pages().await;
    let query = ListQuery { top: Some(2), ..ListQuery::default() };
    let entries =
        client(&server).list(&UserRef::Me, FacetKind::Certifications, &query).await.unwrap();
    let names: Vec<_> = entries.iter().map(|e| e["displayName"].as_str().unwrap()).collect();
    assert_eq!(names, ["First", "Second", "Third"]);

    let seen = requests(&server).await;
    assert_eq!(seen.len(), 3);
    // The link is used as given, not rebuilt: its encoding reaches the server intact.
    assert_eq!(seen[2].url.query(), Some("$skiptoken=p3%2Bx"));
    let ids: Vec<_> = seen.iter().map(|r| header(r, "client-request-id").unwrap()).collect();
    assert!(ids[0] != ids[1] && ids[1] != ids[2], "each page is its own request");
}

#[tokio::test]
async fn list_pages_streams_the_pages_as_sent() {
    let server = three_pages().await;
    let query = ListQuery { top: Some(2), ..ListQuery::default() };
    let client = client(&server);
    let pages: Vec<_> =
        client.list_pages(&UserRef::Me, FacetKind::Certifications, &query).collect().await;
    let sizes: Vec<usize> = pages.into_iter().map(|page| page.unwrap().len()).collect();
    assert_eq!(sizes, [2, 0, 1]);
}

#[tokio::test]
async fn query_options_reach_the_server_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&server)
        .await;
    let query = ListQuery {
        select: vec!["id".into(), "displayName".into()],
        filter: Some(format!("displayName eq {}", ListQuery::quote("O'Brien & Sons"))),
        orderby: Some("displayName desc".into()),
        top: Some(5),
        skip: Some(10),
    };
    client(&server).list(&UserRef::Me, FacetKind::Awards, &query).await.unwrap();

    let seen = requests(&server).await;
    assert_eq!(seen[0].url.path(), "/beta/me/profile/awards");
    let pairs: Vec<(String, String)> = seen[0].url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        [
            ("$select".into(), "id,displayName".into()),
            ("$filter".into(), "displayName eq 'O''Brien & Sons'".into()),
            ("$orderby".into(), "displayName desc".into()),
            ("$top".into(), "5".into()),
            ("$skip".into(), "10".into()),
        ]
    );
    assert!(!seen[0].url.query().unwrap().contains('+'), "spaces go as %20");
}

#[tokio::test]
async fn a_page_without_value_is_a_service_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": []})))
        .mount(&server)
        .await;
    let error = client(&server)
        .list(&UserRef::Me, FacetKind::Awards, &ListQuery::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Service);
}

#[tokio::test]
async fn a_next_link_to_the_same_page_stops_instead_of_looping() {
    let server = MockServer::start().await;
    let same = format!("{}/beta/me/profile/awards", server.uri());
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"value": [], "@odata.nextLink": same})),
        )
        .mount(&server)
        .await;
    let result = client(&server).list(&UserRef::Me, FacetKind::Awards, &ListQuery::default()).await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Service);
}

/// Every hostile user id lands on exactly the path Graph expects.
#[tokio::test]
async fn hostile_user_ids_reach_the_server_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(certification("x", "X")))
        .mount(&server)
        .await;
    let client = client(&server);

    let cases = [
        ("ann_fabrikam.com#EXT#@contoso.com", "/beta/users/ann_fabrikam.com%23EXT%23@contoso.com"),
        ("$svc.account@contoso.com", "/beta/users('$svc.account@contoso.com')"),
        ("$o'neil@contoso.com", "/beta/users('$o''neil@contoso.com')"),
        ("a/b@contoso.com", "/beta/users/a%2Fb@contoso.com"),
        ("what?@contoso.com", "/beta/users/what%3F@contoso.com"),
        ("100%@contoso.com", "/beta/users/100%25@contoso.com"),
        ("a+b@contoso.com", "/beta/users/a%2Bb@contoso.com"),
        ("o'brien@contoso.com", "/beta/users/o%27brien@contoso.com"),
        ("zoë.müller@contoso.com", "/beta/users/zo%C3%AB.m%C3%BCller@contoso.com"),
        ("me", "/beta/me"),
        (
            "9f5c2d3e-0b1a-4c6d-9e7f-123456789abc",
            "/beta/users/9f5c2d3e-0b1a-4c6d-9e7f-123456789abc",
        ),
    ];
    for (user, _) in cases {
        client.get(&UserRef::new(user), FacetKind::Skills, "id/1#?", &[]).await.unwrap();
    }

    let seen = requests(&server).await;
    for ((user, expected), request) in cases.iter().zip(&seen) {
        assert_eq!(request.url.path(), format!("{expected}/profile/skills/id%2F1%23%3F"), "{user}");
        assert_eq!(request.url.query(), None, "{user}");
    }
}

#[tokio::test]
async fn a_dot_segment_user_or_id_is_refused_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let error = client.get(&UserRef::new(".."), FacetKind::Skills, "1", &[]).await.unwrap_err();
    assert_eq!((error.kind(), error.field()), (ErrorKind::Validation, Some("user")));
    let error = client.delete(&UserRef::Me, FacetKind::Skills, "..").await.unwrap_err();
    assert_eq!((error.kind(), error.field()), (ErrorKind::Validation, Some("id")));
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn get_sends_select() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(certification("x", "X")))
        .mount(&server)
        .await;
    let select = ["id".to_owned(), "displayName".to_owned()];
    client(&server).get(&UserRef::Me, FacetKind::Awards, "x", &select).await.unwrap();
    let seen = requests(&server).await;
    assert_eq!(seen[0].url.query(), Some("$select=id,displayName"));
}
