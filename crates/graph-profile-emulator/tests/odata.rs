//! OData query options over real HTTP: $select, $filter, $orderby, $top, $skip,
//! server paging, and refusal of what is not supported.

mod common;

use common::Emu;
use reqwest::StatusCode;
use serde_json::{Value, json};

const PATENTS: &str = "/users/megan.bowen@contoso.com/profile/patents";

async fn seeded() -> Emu {
    let emu = Emu::start().await;
    for (name, date, pending, authority) in [
        ("Widget", "2021-03-01", false, "USPTO"),
        ("O'Brien gear", "2023-07-15", true, "EPO"),
        ("Gadget", "2022-11-30", false, "EPO"),
        ("gizmo", "2020-01-05", true, "USPTO"),
        ("Thing", "2024-06-01", false, "JPO"),
    ] {
        emu.create(
            PATENTS,
            json!({"displayName": name, "issuedDate": date, "isPending": pending,
                   "issuingAuthority": authority, "number": format!("N-{name}")}),
        )
        .await;
    }
    emu
}

/// Every display name of a query's result, following nextLink.
async fn names(emu: &Emu, query: &str) -> Vec<String> {
    let mut url = format!("{}{PATENTS}?{query}", emu.emulator.graph_url());
    let mut names = Vec::new();
    loop {
        let answer = emu.get(&url).await;
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.body);
        for item in answer.body["value"].as_array().unwrap() {
            names.push(item["displayName"].as_str().unwrap_or("<none>").to_owned());
        }
        match answer.body["@odata.nextLink"].as_str() {
            Some(next) => url = next.to_owned(),
            None => return names,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_order_is_creation_and_pages_follow() {
    let emu = seeded().await;
    let first = emu.get(PATENTS).await;
    assert_eq!(first.body["value"].as_array().unwrap().len(), 3);
    let next = first.body["@odata.nextLink"].as_str().expect("a next page");
    assert!(next.starts_with(&emu.emulator.graph_url()));
    assert_eq!(names(&emu, "").await, ["Widget", "O'Brien gear", "Gadget", "gizmo", "Thing"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_on_strings_booleans_and_dates() {
    let emu = seeded().await;
    let cases: &[(&str, &[&str])] = &[
        ("$filter=displayName eq 'O''Brien gear'", &["O'Brien gear"]),
        ("$filter=displayName eq 'GADGET'", &["Gadget"]),
        ("$filter=displayName ne 'Widget'", &["O'Brien gear", "Gadget", "gizmo", "Thing"]),
        ("$filter=isPending eq true", &["O'Brien gear", "gizmo"]),
        (
            "$filter=issuedDate ge 2022-01-01 and issuedDate lt 2024-01-01",
            &["O'Brien gear", "Gadget"],
        ),
        ("$filter=issuedDate gt 2023-07-15 or issuedDate le 2020-01-05", &["gizmo", "Thing"]),
        ("$filter=not (issuingAuthority eq 'EPO')", &["Widget", "gizmo", "Thing"]),
        ("$filter=startswith(displayName,'g')", &["Gadget", "gizmo"]),
        ("$filter=contains(displayName,'brien')", &["O'Brien gear"]),
        (
            "$filter=(issuingAuthority eq 'EPO' or issuingAuthority eq 'JPO') and isPending eq false",
            &["Gadget", "Thing"],
        ),
        ("$filter=description eq null", &["Widget", "O'Brien gear", "Gadget", "gizmo", "Thing"]),
        ("$filter=createdDateTime gt 2000-01-01T00:00:00Z and displayName eq 'Thing'", &["Thing"]),
    ];
    for (query, expected) in cases {
        assert_eq!(names(&emu, query).await, *expected, "{query}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_on_several_keys_and_cuts_with_top_and_skip() {
    let emu = seeded().await;
    assert_eq!(
        names(&emu, "$orderby=issuingAuthority desc,issuedDate asc").await,
        ["gizmo", "Widget", "Thing", "Gadget", "O'Brien gear"]
    );
    assert_eq!(
        names(&emu, "$orderby=displayName").await,
        ["Gadget", "gizmo", "O'Brien gear", "Thing", "Widget"]
    );
    assert_eq!(names(&emu, "$orderby=issuedDate desc&$top=2").await, ["Thing", "O'Brien gear"]);
    assert_eq!(
        names(&emu, "$orderby=issuedDate&$skip=1&$top=3").await,
        ["Widget", "Gadget", "O'Brien gear"]
    );
    assert_eq!(names(&emu, "$skip=4").await, ["Thing"]);
    assert!(names(&emu, "$top=0").await.is_empty());
    // Paging inside $top: pages of 3, four entries in all.
    let first = emu.get(&format!("{PATENTS}?$top=4")).await;
    assert_eq!(first.body["value"].as_array().unwrap().len(), 3);
    assert!(first.body["@odata.nextLink"].is_string());
    assert_eq!(names(&emu, "$top=4").await.len(), 4);
    // The beta endpoint takes options without '$' too.
    assert_eq!(names(&emu, "top=1&orderby=displayName desc").await, ["Widget"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn select_keeps_the_named_fields() {
    let emu = seeded().await;
    let answer = emu.get(&format!("{PATENTS}?$select=displayName,number&$top=1")).await;
    let item = answer.body["value"][0].as_object().unwrap();
    let mut keys: Vec<_> = item.keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["displayName", "id", "number"]);

    let id = item["id"].as_str().unwrap();
    let one = emu.get(&format!("{PATENTS}/{id}?$select=issuedDate")).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.body["issuedDate"], "2021-03-01");
    assert!(one.body.get("displayName").is_none());
    assert!(one.body["@odata.context"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_or_bad_options_are_refused() {
    let emu = seeded().await;
    let cases = [
        ("$search=\"widget\"", "$search"),
        ("$expand=createdBy", "$expand"),
        ("$count=true", "$count"),
        ("$frobnicate=1", "$frobnicate"),
        ("$top=-1", "$top"),
        ("$top=many", "$top"),
        ("$skip=x", "$skip"),
        ("$select=displayName,shoeSize", "$select"),
        ("$orderby=shoeSize", "$orderby"),
        ("$orderby=displayName sideways", "$orderby"),
        ("$orderby=detail", "$orderby"),
        ("$filter=shoeSize eq 1", "$filter"),
        ("$filter=displayName eq 5", "$filter"),
        ("$filter=isPending eq 'yes'", "$filter"),
        ("$filter=issuedDate eq 2025-02-30", "$filter"),
        ("$filter=displayName eq 'unclosed", "$filter"),
        ("$filter=displayName eq 'x' and", "$filter"),
        ("$filter=(displayName eq 'x'", "$filter"),
        ("$filter=displayName has 'x'", "$filter"),
        ("$filter=endswith(isPending,'x')", "$filter"),
        ("$filter=categories/any(c:c eq 'x')", "$filter"),
        ("$top=1&$top=2", "$top"),
        ("$skiptoken=abc", "$skiptoken"),
    ];
    for (query, target) in cases {
        let answer = emu.get(&format!("{PATENTS}?{query}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}: {}", answer.body);
        assert_eq!(answer.error_code(), "BadRequest", "{query}");
        assert_eq!(answer.error_target(), target, "{query}");
    }
    // On a single entry only $select is served.
    let list = emu.get(&format!("{PATENTS}?$top=1")).await;
    let id = list.body["value"][0]["id"].as_str().unwrap();
    let answer = emu.get(&format!("{PATENTS}/{id}?$filter=isPending eq true")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    // Custom options (no '$', not an OData name) are ignored, as OData says.
    let custom = emu.get(&format!("{PATENTS}?tracking=on")).await;
    assert_eq!(custom.status, StatusCode::OK);
    let _: Value = custom.body;
}
