//! Helpers for the sync tests: an in-process emulator with the demo tenant, users
//! created through `POST /users`, a client signed in as the demo administrator, and
//! the emulator's control routes (faults, journal).
#![allow(dead_code)]

use std::collections::HashMap;

use graph_profile::sync::{DesiredState, ReadOptions};
use graph_profile::{AuthConfig, Client, ClientConfig, FacetKind, ListQuery, RetryPolicy, UserRef};
use graph_profile_emulator::{DbLocation, EmulatorConfig, RunningEmulator};
use serde_json::{Value, json};

/// The demo administrator, whose token the tests use.
pub const ADMIN: &str = "admin@contoso.com";

/// An emulator, a plain HTTP client for its control routes, and a Graph client.
pub struct Tenant {
    pub emulator: RunningEmulator,
    pub http: reqwest::Client,
    pub client: Client,
    token: String,
}

impl Tenant {
    /// An in-memory emulator with the demo tenant and `page_size` entries a page.
    pub async fn start(page_size: usize) -> Tenant {
        let config =
            EmulatorConfig { db: DbLocation::Memory, demo: true, page_size, ..Default::default() };
        let emulator = graph_profile_emulator::start(config).await.expect("emulator starts");
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();

        let url = format!(
            "{}/emulator/token?user={}&scopes=User.ReadWrite.All",
            emulator.base_url(),
            ADMIN.replace('@', "%40")
        );
        let body: Value =
            http.get(url).send().await.expect("token request").json().await.expect("token JSON");
        let token = body["access_token"].as_str().expect("access_token").to_owned();

        let config = ClientConfig {
            graph_url: Some(emulator.graph_url()),
            auth: AuthConfig::Token { token: token.clone() },
            retry: RetryPolicy {
                max_retries: 6,
                base_delay_ms: 50,
                max_delay_ms: 1_000,
                max_total_wait_ms: 30_000,
            },
            max_concurrency: 4,
            timeout_ms: 20_000,
            ..ClientConfig::default()
        };
        let client = Client::new(config).expect("client");
        Tenant { emulator, http, client, token }
    }

    /// Creates users through `POST /beta/users`.
    pub async fn add_users(&self, upns: &[String]) {
        for upn in upns {
            let name = upn.split('@').next().unwrap_or(upn);
            let response = self
                .http
                .post(format!("{}/users", self.emulator.graph_url()))
                .bearer_auth(&self.token)
                .json(&json!({ "userPrincipalName": upn, "displayName": name }))
                .send()
                .await
                .expect("create user");
            assert_eq!(response.status().as_u16(), 201, "creating {upn}");
        }
    }

    /// Replaces fault sections through `POST /emulator/config`.
    pub async fn configure(&self, config: Value) {
        let response = self
            .http
            .post(format!("{}/emulator/config", self.emulator.base_url()))
            .json(&config)
            .send()
            .await
            .expect("configure");
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "configure: {status} {body}");
    }

    /// Turns every fault and limit off.
    pub async fn calm(&self) {
        self.configure(json!({
            "throttle": {}, "errors": {"rate": 0.0}, "drops": {}, "latency": {}, "inject": []
        }))
        .await;
    }

    /// Every journal entry so far.
    pub async fn journal(&self) -> Vec<Value> {
        let body: Value = self
            .http
            .get(format!("{}/emulator/journal", self.emulator.base_url()))
            .send()
            .await
            .expect("journal")
            .json()
            .await
            .expect("journal JSON");
        body["value"].as_array().cloned().unwrap_or_default()
    }

    /// Every entry of a user's facet.
    pub async fn entries(&self, user: &str, facet: FacetKind) -> Vec<Value> {
        self.client.list(&UserRef::new(user), facet, &ListQuery::default()).await.expect("list")
    }
}

/// `count` users named `person{n}@contoso.com`.
pub fn users(count: usize) -> Vec<String> {
    (1..=count).map(|n| format!("person{n}@contoso.com")).collect()
}

/// A CSV with `per_user` certifications for each user; `end_year` sets every
/// end date, so a second CSV with another year changes every entry.
pub fn certifications_csv(users: &[String], per_user: usize, end_year: u32) -> String {
    let mut csv = String::from(
        "user,facet,displayName,issuingAuthority,certificationId,issuedDate,endDate\n",
    );
    for user in users {
        for n in 0..per_user {
            csv.push_str(&format!(
                "{user},certifications,Certificate {n},Authority {},CERT-{n:03},2024-01-{:02},{end_year}-06-30\n",
                n % 3,
                n % 28 + 1
            ));
        }
    }
    csv
}

pub fn desired(csv: &str) -> DesiredState {
    DesiredState::from_csv(csv, &ReadOptions::default()).expect("CSV header")
}

/// Committed writes to profile entries in the emulator's journal: (method, entry id)
/// → how many times.
pub fn committed_writes(journal: &[Value]) -> HashMap<(String, String), usize> {
    let mut counts = HashMap::new();
    for entry in journal {
        let path = entry["path"].as_str().unwrap_or_default();
        if !path.contains("/profile/") || entry["committed"] != json!(true) {
            continue;
        }
        let method = entry["method"].as_str().unwrap_or_default().to_owned();
        let id = entry["entryId"].as_str().unwrap_or_default().to_owned();
        *counts.entry((method, id)).or_insert(0) += 1;
    }
    counts
}

/// Asserts each user's certifications hold each key once and `per_user` in all.
pub async fn assert_each_key_once(tenant: &Tenant, users: &[String], per_user: usize) {
    for user in users {
        let entries = tenant.entries(user, FacetKind::Certifications).await;
        let mut ids: Vec<&str> =
            entries.iter().filter_map(|e| e["certificationId"].as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(entries.len(), per_user, "{user}: {} entries", entries.len());
        assert_eq!(ids.len(), per_user, "{user}: keys repeat");
    }
}
