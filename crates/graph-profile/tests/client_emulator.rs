//! The client against the project's emulator over real HTTP: every demo user
//! (guest and `$` UPNs included), paging, `$batch`, injected faults and sign-in.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use graph_profile::{
    AuthConfig, BatchRequest, Client, ClientConfig, ErrorKind, FacetKind, ListQuery, RetryPolicy,
    UserRef,
};
use graph_profile_emulator::{DbLocation, EmulatorConfig, RunningEmulator};
use serde_json::{Value, json};

const TENANT: &str = "8f5c2d3e-0b1a-4c6d-9e7f-123456789abc";
const USERS: [&str; 5] = [
    "admin@contoso.com",
    "adele.vance@contoso.com",
    "megan.bowen@contoso.com",
    "ann_fabrikam.com#EXT#@contoso.com",
    "$svc.account@contoso.com",
];

struct Emulator {
    running: RunningEmulator,
    http: reqwest::Client,
}

impl Emulator {
    async fn start() -> Emulator {
        let config = EmulatorConfig {
            db: DbLocation::Memory,
            demo: true,
            page_size: 3,
            ..Default::default()
        };
        let running = graph_profile_emulator::start(config).await.expect("emulator starts");
        // This test's own reqwest client needs the provider the crate installs too.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Emulator { running, http: reqwest::Client::new() }
    }

    /// A token for the demo administrator with `User.ReadWrite.All`.
    async fn admin_token(&self) -> String {
        let url = url::Url::parse_with_params(
            &format!("{}/emulator/token", self.running.base_url()),
            [("user", "admin@contoso.com"), ("scopes", "User.ReadWrite.All")],
        )
        .unwrap();
        let answer: Value = self.http.get(url).send().await.unwrap().json().await.unwrap();
        answer["access_token"].as_str().unwrap().to_owned()
    }

    /// Every request the emulator has seen, oldest first.
    async fn journal(&self) -> Vec<Value> {
        let url = format!("{}/emulator/journal", self.running.base_url());
        let answer: Value = self.http.get(url).send().await.unwrap().json().await.unwrap();
        answer["value"].as_array().cloned().unwrap_or_default()
    }

    async fn configure(&self, settings: Value) {
        let url = format!("{}/emulator/config", self.running.base_url());
        let answer = self.http.post(url).json(&settings).send().await.unwrap();
        assert!(answer.status().is_success(), "{}", answer.text().await.unwrap());
    }

    fn config(&self, auth: AuthConfig) -> ClientConfig {
        ClientConfig {
            graph_url: Some(self.running.graph_url()),
            authority_url: Some(self.running.base_url().to_owned()),
            auth,
            retry: RetryPolicy {
                max_retries: 4,
                base_delay_ms: 20,
                max_delay_ms: 200,
                max_total_wait_ms: 20_000,
            },
            timeout_ms: 10_000,
            ..ClientConfig::default()
        }
    }

    async fn admin_client(&self) -> Client {
        let token = self.admin_token().await;
        Client::new(self.config(AuthConfig::Token { token })).unwrap()
    }
}

#[tokio::test]
async fn every_demo_user_gets_the_full_cycle() {
    let emulator = Emulator::start().await;
    let client = emulator.admin_client().await;
    let kind = FacetKind::Certifications;

    for upn in USERS {
        let user = UserRef::new(upn);
        let draft = json!({"displayName": format!("AZ-104 for {upn}"), "issuedDate": "2025-04-28",
                           "issuingAuthority": "Microsoft", "allowedAudiences": "organization"});
        let created =
            client.create(&user, kind, draft).await.unwrap_or_else(|e| panic!("{upn}: {e}"));
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["issuedDate"], "2025-04-28");

        let read = client.get(&user, kind, &id, &[]).await.unwrap();
        assert_eq!(read["displayName"], format!("AZ-104 for {upn}"));
        let updated =
            client.update(&user, kind, &id, json!({"endDate": "2027-04-28"})).await.unwrap();
        assert_eq!(updated["endDate"], "2027-04-28");
        assert_eq!(updated["issuingAuthority"], "Microsoft", "fields not sent keep their values");

        let listed = client.list(&user, kind, &ListQuery::default()).await.unwrap();
        assert_eq!(listed.len(), 1, "{upn} sees only its own entry");
        client.delete(&user, kind, &id).await.unwrap();
        let error = client.get(&user, kind, &id, &[]).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NotFound, "{upn}");
        assert!(error.request_id().is_some());
    }
}

#[tokio::test]
async fn lists_page_and_query_options_apply() {
    let emulator = Emulator::start().await;
    let client = emulator.admin_client().await;
    let user = UserRef::new("megan.bowen@contoso.com");
    let kind = FacetKind::Awards;
    for i in 0..8 {
        client.create(&user, kind, json!({"displayName": format!("Award {i}")})).await.unwrap();
    }

    let all = client.list(&user, kind, &ListQuery::default()).await.unwrap();
    assert_eq!(all.len(), 8, "pages of three, followed to the end");

    let query = ListQuery {
        select: vec!["displayName".into()],
        filter: Some(format!("displayName eq {}", ListQuery::quote("Award 5"))),
        ..ListQuery::default()
    };
    let found = client.list(&user, kind, &query).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["displayName"], "Award 5");
}

#[tokio::test]
async fn a_create_whose_connection_drops_after_the_write_is_not_duplicated() {
    let emulator = Emulator::start().await;
    let client = emulator.admin_client().await;
    emulator
        .configure(json!({"inject": [
            {"on": "write", "pathContains": "/profile/skills", "fault": "dropAfterWrite", "count": 1}
        ]}))
        .await;

    let user = UserRef::new("adele.vance@contoso.com");
    let created =
        client.create(&user, FacetKind::Skills, json!({"displayName": "Rust"})).await.unwrap();
    let listed = client.list(&user, FacetKind::Skills, &ListQuery::default()).await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["id"], created["id"]);
}

#[tokio::test]
async fn throttled_requests_are_retried_in_every_retry_after_form() {
    let emulator = Emulator::start().await;
    let client = emulator.admin_client().await;
    let user = UserRef::new("adele.vance@contoso.com");
    for form in ["seconds", "fractional", "httpDate", "none"] {
        emulator
            .configure(json!({"inject": [
                {"fault": "throttle", "retryAfterSeconds": 0.3, "retryAfter": form, "count": 2}
            ]}))
            .await;
        let before = emulator.journal().await.len();
        let entries = client.list(&user, FacetKind::Skills, &ListQuery::default()).await;
        assert!(entries.is_ok(), "{form}: {entries:?}");

        // Two 429s, then the answer, all under one client-request-id; none of the
        // retries came before the wait the emulator asked for had run out.
        let requests: Vec<Value> = emulator.journal().await.split_off(before);
        let statuses: Vec<u64> = requests.iter().filter_map(|r| r["status"].as_u64()).collect();
        assert_eq!(statuses, [429, 429, 200], "{form}: {requests:?}");
        let ids: std::collections::HashSet<&str> =
            requests.iter().filter_map(|r| r["clientRequestId"].as_str()).collect();
        assert_eq!(ids.len(), 1, "{form}: one logical request, one client-request-id");
        assert!(
            requests.iter().all(|r| r["retryEarly"] == false),
            "{form}: a retry came before its Retry-After ran out: {requests:?}"
        );
    }
}

#[tokio::test]
async fn a_batch_of_creates_and_reads_comes_back_in_order() {
    let emulator = Emulator::start().await;
    let client = emulator.admin_client().await;
    let user = UserRef::new("ann_fabrikam.com#EXT#@contoso.com");
    let kind = FacetKind::Certifications;

    let mut requests: Vec<BatchRequest> = (0..25)
        .map(|i| {
            BatchRequest::create(
                format!("c{i}"),
                &user,
                kind,
                json!({"displayName": format!("C{i}")}),
            )
            .unwrap()
        })
        .collect();
    requests.push(BatchRequest::get("missing", &user, kind, "no-such-id", &[]).unwrap());
    let answers = client.batch(requests).await.unwrap();

    assert_eq!(answers.len(), 26);
    for (i, answer) in answers.iter().take(25).enumerate() {
        assert_eq!(answer.id, format!("c{i}"));
        assert_eq!(answer.status, 201, "{answer:?}");
        assert_eq!(answer.body.as_ref().unwrap()["displayName"], format!("C{i}"));
    }
    assert_eq!(answers[25].error().unwrap().kind(), ErrorKind::NotFound);
    assert_eq!(client.list(&user, kind, &ListQuery::default()).await.unwrap().len(), 25);
}

#[tokio::test]
async fn client_credentials_and_device_code_sign_in_at_the_emulator() {
    let emulator = Emulator::start().await;

    let app = AuthConfig::ClientCredentials {
        tenant_id: TENANT.into(),
        client_id: "00000000-0000-0000-0000-0000000000a1".into(),
        client_secret: "demo-secret".into(),
        scopes: vec![],
    };
    let client = Client::new(emulator.config(app)).unwrap();
    let user = UserRef::new("megan.bowen@contoso.com");
    client.list(&user, FacetKind::Skills, &ListQuery::default()).await.unwrap();

    emulator.configure(json!({"auth": {"deviceCodeIntervalSeconds": 1}})).await;
    let base = emulator.running.base_url().to_owned();
    let prompts: Arc<Mutex<Vec<String>>> = Arc::default();
    let shown = Arc::clone(&prompts);
    let http = emulator.http.clone();
    let config = emulator
        .config(AuthConfig::DeviceCode {
            tenant_id: TENANT.into(),
            client_id: "00000000-0000-0000-0000-0000000000a1".into(),
            scopes: vec![
                "https://graph.microsoft.com/User.ReadWrite".into(),
                "offline_access".into(),
            ],
        })
        .with_device_code_prompt(move |prompt| {
            shown.lock().unwrap().push(prompt.user_code.clone());
            // The user approves in a browser; here, through the emulator's endpoint.
            let approve = http
                .post(format!("{base}/emulator/devicecode/approve"))
                .json(&json!({"user_code": prompt.user_code, "user": "adele.vance@contoso.com"}));
            tokio::spawn(async move { approve.send().await.unwrap() });
        });
    let client = Client::new(config).unwrap();
    let created = tokio::time::timeout(
        Duration::from_secs(20),
        client.create(&UserRef::Me, FacetKind::Skills, json!({"displayName": "Go"})),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(created["displayName"], "Go");
    assert_eq!(prompts.lock().unwrap().len(), 1);
}
