//! Client CPU per create → get → update → delete cycle, against a hand-written
//! reqwest + serde_json baseline in the same run; and serializing 10,000
//! certifications against serde_json on a plain struct.
//!
//! Run: `cargo bench -p graph-profile --bench client_cpu` (figures in BENCHMARKS.md).
//!
//! CPU is the measuring thread's own time on the CPU (Linux `schedstat`), so the
//! local server, which runs on other threads, is not counted.  The client runs on a
//! current-thread runtime in that thread: all its work, connection tasks included,
//! is measured.

use std::hint::black_box;
use std::time::Duration;

use graph_profile::model::{Certification, CertificationDraft, Date};
use graph_profile::{AuthConfig, Client, ClientConfig, FacetKind, UserRef};
use serde::Serialize;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const USER: &str = "adele.vance@contoso.com";
const COLLECTION: &str = "/beta/users/adele.vance@contoso.com/profile/certifications";
const CYCLES: usize = 1500;
const ROUNDS: usize = 5;
const CERTIFICATIONS: usize = 10_000;

/// Nanoseconds this thread has spent on a CPU.
fn thread_cpu_ns() -> u64 {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat")
        .expect("this benchmark reads /proc/thread-self/schedstat (Linux)");
    text.split_whitespace().next().and_then(|n| n.parse().ok()).expect("schedstat format")
}

fn stored_entry() -> Value {
    json!({
        "@odata.context":
            "https://graph.microsoft.com/beta/$metadata#users('x')/profile/certifications/$entity",
        "id": "c1", "displayName": "AZ-104 Azure Administrator", "issuingAuthority": "Microsoft",
        "issuedDate": "2025-04-28", "endDate": "2027-04-28",
        "webUrl": "https://learn.microsoft.com/credentials/certifications/azure-administrator/",
        "allowedAudiences": "organization", "isSearchable": true,
        "createdDateTime": "2025-04-28T10:11:12.123Z",
        "lastModifiedDateTime": "2025-04-28T10:11:12.123Z",
        "createdBy": {"user": {"displayName": "Admin", "id": "0b1a"}},
        "lastModifiedBy": {"user": {"displayName": "Admin", "id": "0b1a"}},
        "inference": null, "source": {"type": ["User"]}
    })
}

fn draft() -> Value {
    json!({
        "displayName": "AZ-104 Azure Administrator", "issuingAuthority": "Microsoft",
        "issuedDate": "2025-04-28", "endDate": "2027-04-28",
        "webUrl": "https://learn.microsoft.com/credentials/certifications/azure-administrator/"
    })
}

/// A server on its own threads answering the four requests as Graph does.
fn start_server() -> (tokio::runtime::Runtime, MockServer) {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let server = runtime.block_on(async {
        let server = MockServer::builder().disable_request_recording().start().await;
        let entry = stored_entry();
        Mock::given(method("POST"))
            .and(path(COLLECTION))
            .respond_with(ResponseTemplate::new(201).set_body_json(entry.clone()))
            .mount(&server)
            .await;
        let item = format!("{COLLECTION}/c1");
        Mock::given(method("GET"))
            .and(path(item.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(entry.clone()))
            .mount(&server)
            .await;
        Mock::given(method("PATCH"))
            .and(path(item.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(entry))
            .mount(&server)
            .await;
        Mock::given(method("DELETE"))
            .and(path(item.as_str()))
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
        server
    });
    (runtime, server)
}

/// The same four requests, written by hand with reqwest and serde_json.
async fn baseline_cycle(http: &reqwest::Client, base: &str) {
    let collection = format!("{base}/users/{USER}/profile/certifications");
    let created: Value = http
        .post(&collection)
        .bearer_auth("token")
        .json(&draft())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let item = format!("{collection}/{id}");

    let read: Value =
        http.get(&item).bearer_auth("token").send().await.unwrap().json().await.unwrap();
    black_box(read);
    let updated: Value = http
        .patch(&item)
        .bearer_auth("token")
        .json(&json!({"description": "renewed"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    black_box(updated);
    let status = http.delete(&item).bearer_auth("token").send().await.unwrap().status();
    assert_eq!(status.as_u16(), 204);
}

async fn client_cycle(client: &Client, user: &UserRef) {
    let kind = FacetKind::Certifications;
    let created = client.create(user, kind, draft()).await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    black_box(client.get(user, kind, &id, &[]).await.unwrap());
    black_box(client.update(user, kind, &id, json!({"description": "renewed"})).await.unwrap());
    client.delete(user, kind, &id).await.unwrap();
}

async fn typed_cycle(client: &Client, user: &UserRef) {
    let certifications = client.certifications(user.clone());
    let draft = CertificationDraft::new("AZ-104 Azure Administrator")
        .issuing_authority("Microsoft")
        .issued_date("2025-04-28".parse::<Date>().unwrap())
        .end_date("2027-04-28".parse::<Date>().unwrap())
        .web_url("https://learn.microsoft.com/credentials/certifications/azure-administrator/");
    let created = certifications.create(&draft).await.unwrap();
    let id = created.item.id.clone().unwrap();
    black_box(certifications.get(&id).await.unwrap());
    let patch = graph_profile::model::CertificationPatch::new().description("renewed");
    black_box(certifications.update(&id, &patch).await.unwrap());
    certifications.delete(&id).await.unwrap();
}

/// CPU nanoseconds per cycle of `cycle`, run `CYCLES` times on this thread.
fn measure<F, Fut>(runtime: &tokio::runtime::Runtime, cycle: F) -> f64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    runtime.block_on(async {
        let start = thread_cpu_ns();
        for _ in 0..CYCLES {
            cycle().await;
        }
        (thread_cpu_ns() - start) as f64 / CYCLES as f64
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn cycles() {
    let (_server_runtime, server) = start_server();
    let base = format!("{}/beta", server.uri());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();

    let config = ClientConfig {
        graph_url: Some(base.clone()),
        auth: AuthConfig::Token { token: "token".into() },
        ..ClientConfig::default()
    };
    let client = Client::new(config).unwrap();
    // After Client::new: it installs the rustls provider reqwest needs.
    let http = reqwest::Client::builder().timeout(Duration::from_secs(100)).build().unwrap();
    let user = UserRef::new(USER);

    // Warm up connections, allocator and caches.
    for _ in 0..200 {
        runtime.block_on(baseline_cycle(&http, &base));
        runtime.block_on(client_cycle(&client, &user));
        runtime.block_on(typed_cycle(&client, &user));
    }

    let (mut baseline, mut json_ops, mut typed) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        baseline.push(measure(&runtime, || baseline_cycle(&http, &base)));
        json_ops.push(measure(&runtime, || client_cycle(&client, &user)));
        typed.push(measure(&runtime, || typed_cycle(&client, &user)));
    }
    let baseline = median(baseline);
    let json_ops = median(json_ops);
    let typed = median(typed);

    println!("create -> get -> update -> delete, CPU per cycle (median of {ROUNDS} x {CYCLES}):");
    println!("  reqwest + serde_json baseline   {:8.1} us", baseline / 1000.0);
    println!(
        "  Client (JSON operations)        {:8.1} us  {:.2}x",
        json_ops / 1000.0,
        json_ops / baseline
    );
    println!(
        "  FacetApi<Certification> (typed) {:8.1} us  {:.2}x",
        typed / 1000.0,
        typed / baseline
    );
}

/// The same fields as `Certification`, as a plain struct that, like the model,
/// leaves unset fields out.
#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct PlainCertification {
    id: String,
    display_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    certification_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    issuing_authority: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuing_company: Option<String>,
    issued_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date: Option<String>,
    end_date: String,
    web_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_url: Option<String>,
    allowed_audiences: String,
    is_searchable: bool,
    created_date_time: String,
}

fn plain(i: usize) -> PlainCertification {
    PlainCertification {
        id: format!("cert-{i}"),
        display_name: format!("AZ-{i} Azure Administrator"),
        certification_id: Some(format!("CRT-{i}")),
        description: None,
        issuing_authority: "Microsoft".into(),
        issuing_company: None,
        issued_date: "2025-04-28".into(),
        start_date: None,
        end_date: "2027-04-28".into(),
        web_url: "https://learn.microsoft.com/credentials/".into(),
        thumbnail_url: None,
        allowed_audiences: "organization".into(),
        is_searchable: true,
        created_date_time: "2025-04-28T10:11:12.123Z".into(),
    }
}

fn serialization() {
    let plains: Vec<PlainCertification> = (0..CERTIFICATIONS).map(plain).collect();
    // The typed model read from the same JSON, as a client holds entries.
    let typed: Vec<Certification> =
        serde_json::from_slice(&serde_json::to_vec(&plains).unwrap()).unwrap();
    let same = serde_json::to_value(&typed).unwrap() == serde_json::to_value(&plains).unwrap();
    assert!(same, "the model and the plain struct must write the same JSON");

    let time = |f: &dyn Fn() -> usize| {
        let mut runs = Vec::new();
        for _ in 0..15 {
            let start = thread_cpu_ns();
            black_box(f());
            runs.push((thread_cpu_ns() - start) as f64);
        }
        median(runs)
    };
    let plain_ns = time(&|| serde_json::to_vec(black_box(&plains)).unwrap().len());
    let typed_ns = time(&|| serde_json::to_vec(black_box(&typed)).unwrap().len());
    println!("serializing {CERTIFICATIONS} certifications to JSON (median of 15):");
    println!("  serde_json, plain struct        {:8.2} ms", plain_ns / 1e6);
    println!(
        "  graph_profile::model            {:8.2} ms  {:.2}x",
        typed_ns / 1e6,
        typed_ns / plain_ns
    );

    // Not a target, reported for context: reading them back.
    let bytes = serde_json::to_vec(&plains).unwrap();
    let read_ns = time(&|| serde_json::from_slice::<Vec<Certification>>(&bytes).unwrap().len());
    let value_ns = time(&|| serde_json::from_slice::<Vec<Value>>(&bytes).unwrap().len());
    println!(
        "  (reading back: model {:.2} ms, serde_json::Value {:.2} ms)",
        read_ns / 1e6,
        value_ns / 1e6
    );
}

fn main() {
    cycles();
    serialization();
}
