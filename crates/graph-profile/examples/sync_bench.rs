//! The bulk sync benchmark of BENCHMARKS.md ("Bulk sync"): 10,000 entries across
//! 1,000 users into an in-process emulator limited to R writes a second (each
//! `$batch` item counting one), clean and with 5% 503s and dropped connections,
//! beside a plain sequential loop of single creates.
//!
//!     cargo run --release -p graph-profile --example sync_bench -- [R] [USERS] [PER_USER]
//!
//! Defaults: R = 200, 1,000 users, 10 entries each.  Each run starts a fresh
//! emulator; the emulator's journal is then checked: every entry written once.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use graph_profile::sync::{ApplyOptions, DesiredState, NoProgress, ReadOptions, apply};
use graph_profile::{
    AuthConfig, BatchRequest, Client, ClientConfig, FacetKind, ListQuery, RetryPolicy, UserRef,
};
use graph_profile_emulator::{DbLocation, EmulatorConfig, RunningEmulator};
use serde_json::{Value, json};

struct Setup {
    emulator: RunningEmulator,
    http: reqwest::Client,
    client: Client,
    users: Vec<String>,
}

async fn setup(users: usize) -> Setup {
    let config = EmulatorConfig { db: DbLocation::Memory, demo: true, ..Default::default() };
    let emulator = graph_profile_emulator::start(config).await.expect("emulator");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let url = format!(
        "{}/emulator/token?user=admin%40contoso.com&scopes=User.ReadWrite.All",
        emulator.base_url()
    );
    let token: Value = http.get(url).send().await.unwrap().json().await.unwrap();
    let client = Client::new(ClientConfig {
        graph_url: Some(emulator.graph_url()),
        auth: AuthConfig::Token { token: token["access_token"].as_str().unwrap().to_owned() },
        retry: RetryPolicy { max_retries: 10, ..RetryPolicy::default() },
        ..ClientConfig::default()
    })
    .expect("client");

    let users: Vec<String> = (1..=users).map(|n| format!("bench{n:04}@contoso.com")).collect();
    let requests = users
        .iter()
        .enumerate()
        .map(|(i, upn)| BatchRequest {
            id: i.to_string(),
            method: "POST".into(),
            url: "/users".into(),
            headers: Default::default(),
            body: Some(json!({"userPrincipalName": upn, "displayName": upn})),
            depends_on: Vec::new(),
        })
        .collect();
    for answer in client.batch(requests).await.expect("users") {
        assert!(answer.is_success(), "creating a user: {:?}", answer.error());
    }
    Setup { emulator, http, client, users }
}

impl Setup {
    async fn configure(&self, config: Value) {
        let url = format!("{}/emulator/config", self.emulator.base_url());
        let response = self.http.post(url).json(&config).send().await.unwrap();
        assert!(response.status().is_success(), "{}", response.text().await.unwrap());
    }

    /// Committed creates per entry id, from the emulator's journal.
    async fn creates(&self) -> HashMap<String, usize> {
        let url = format!("{}/emulator/journal", self.emulator.base_url());
        let body: Value = self.http.get(url).send().await.unwrap().json().await.unwrap();
        let mut counts = HashMap::new();
        for entry in body["value"].as_array().unwrap() {
            let path = entry["path"].as_str().unwrap_or_default();
            if entry["method"] == "POST" && path.contains("/profile/") && entry["committed"] == true
            {
                *counts
                    .entry(entry["entryId"].as_str().unwrap_or_default().to_owned())
                    .or_default() += 1;
            }
        }
        counts
    }

    async fn stored(&self) -> usize {
        let mut total = 0;
        for user in &self.users {
            let user = UserRef::new(user.as_str());
            let query = ListQuery::default();
            let list = self.client.list(&user, FacetKind::Certifications, &query);
            total += list.await.expect("list").len();
        }
        total
    }
}

fn csv(users: &[String], per_user: usize) -> String {
    let mut text =
        String::from("user,facet,displayName,issuingAuthority,certificationId,endDate\n");
    for user in users {
        for n in 0..per_user {
            text.push_str(&format!(
                "{user},certifications,Certificate {n},Authority,ID-{n:03},2027-06-30\n"
            ));
        }
    }
    text
}

fn throttle(rate: f64) -> Value {
    json!({"throttle": {"writesPerSecond": rate, "burst": rate, "retryAfter": "fractional"}})
}

struct Row {
    name: &'static str,
    elapsed: Duration,
    throttled: String,
    stored: usize,
    distinct: usize,
    twice: usize,
}

async fn run_sync(
    name: &'static str,
    rate: f64,
    users: usize,
    per_user: usize,
    faults: bool,
) -> Row {
    let setup = setup(users).await;
    let mut config = throttle(rate);
    if faults {
        config["seed"] = json!(5);
        config["errors"] = json!({"rate": 0.05, "statuses": [503], "retryAfterSeconds": 0.1, "retryAfter": "fractional"});
        config["drops"] = json!({"beforeWriteRate": 0.025, "afterWriteRate": 0.025});
    }
    setup.configure(config).await;

    let desired =
        DesiredState::from_csv(&csv(&setup.users, per_user), &ReadOptions::default()).unwrap();
    let started = Instant::now();
    let report = apply(&setup.client, &desired, &ApplyOptions::default(), &NoProgress, None)
        .await
        .expect("apply");
    let elapsed = started.elapsed();
    assert!(report.succeeded(), "{name}: {:?}", report.summary);

    setup.configure(json!({"throttle": {}, "errors": {"rate": 0.0}, "drops": {}})).await;
    let creates = setup.creates().await;
    Row {
        name,
        elapsed,
        throttled: format!("{} (read back {})", report.stats.throttled, report.stats.read_backs),
        stored: setup.stored().await,
        distinct: creates.len(),
        twice: creates.values().filter(|n| **n > 1).count(),
    }
}

async fn run_loop(rate: f64, users: usize, per_user: usize) -> Row {
    let setup = setup(users).await;
    setup.configure(throttle(rate)).await;
    let started = Instant::now();
    for user in &setup.users {
        let user_ref = UserRef::new(user.as_str());
        for n in 0..per_user {
            let draft = json!({"displayName": format!("Certificate {n}"), "issuingAuthority": "Authority",
                               "certificationId": format!("ID-{n:03}"), "endDate": "2027-06-30"});
            setup.client.create(&user_ref, FacetKind::Certifications, draft).await.expect("create");
        }
    }
    let elapsed = started.elapsed();
    setup.configure(json!({"throttle": {}})).await;
    let creates = setup.creates().await;
    Row {
        name: "sequential loop of single creates (client retries)",
        elapsed,
        throttled: "-".into(),
        stored: setup.stored().await,
        distinct: creates.len(),
        twice: creates.values().filter(|n| **n > 1).count(),
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rate: f64 = args.first().map_or(200.0, |a| a.parse().expect("R"));
    let users: usize = args.get(1).map_or(1000, |a| a.parse().expect("USERS"));
    let per_user: usize = args.get(2).map_or(10, |a| a.parse().expect("PER_USER"));
    let total = users * per_user;
    let floor = total as f64 / rate;

    let rows = vec![
        run_sync("sync apply, clean", rate, users, per_user, false).await,
        run_sync("sync apply, 5% 503s + 5% dropped connections", rate, users, per_user, true).await,
        run_loop(rate, users, per_user).await,
    ];

    println!("{total} entries, {users} users, R = {rate} writes/s, floor {floor:.1} s\n");
    println!("| run | time | × floor | 429s | entries stored | created once | created twice |");
    println!("|---|---|---|---|---|---|---|");
    for row in &rows {
        println!(
            "| {} | {:.1} s | {:.3} | {} | {} | {} | {} |",
            row.name,
            row.elapsed.as_secs_f64(),
            row.elapsed.as_secs_f64() / floor,
            row.throttled,
            row.stored,
            row.distinct,
            row.twice
        );
    }

    // Nothing lost, nothing made twice, in every run; the time target is the syncs'.
    let mut met = true;
    for row in &rows {
        if row.stored != total || row.distinct != total || row.twice != 0 {
            println!("FAILED: {}: {} stored, {} twice", row.name, row.stored, row.twice);
            met = false;
        }
    }
    for row in rows.iter().take(2) {
        let ratio = row.elapsed.as_secs_f64() / floor;
        println!("{}: {ratio:.3} x floor (target 1.15)", row.name);
        met &= ratio <= 1.15;
    }
    if !met {
        std::process::exit(1);
    }
}
