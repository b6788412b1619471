//! The `graph-profile` binary against an in-process emulator: sync plan and apply
//! (bad rows, exit codes, a run killed with SIGKILL and run again), entries, the
//! expiry report and completions.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use graph_profile_emulator::{DbLocation, EmulatorConfig, RunningEmulator};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_graph-profile");

struct Tenant {
    emulator: RunningEmulator,
    http: reqwest::Client,
    token: String,
}

impl Tenant {
    async fn start() -> Tenant {
        let config = EmulatorConfig { db: DbLocation::Memory, demo: true, ..Default::default() };
        let emulator = graph_profile_emulator::start(config).await.expect("emulator");
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        let url = format!(
            "{}/emulator/token?user=admin%40contoso.com&scopes=User.ReadWrite.All",
            emulator.base_url()
        );
        let body: Value = http.get(url).send().await.unwrap().json().await.unwrap();
        let token = body["access_token"].as_str().unwrap().to_owned();
        Tenant { emulator, http, token }
    }

    async fn add_users(&self, upns: &[String]) {
        for upn in upns {
            let response = self
                .http
                .post(format!("{}/users", self.emulator.graph_url()))
                .bearer_auth(&self.token)
                .json(&json!({"userPrincipalName": upn, "displayName": upn}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 201);
        }
    }

    async fn configure(&self, config: Value) {
        let url = format!("{}/emulator/config", self.emulator.base_url());
        assert!(self.http.post(url).json(&config).send().await.unwrap().status().is_success());
    }

    /// The binary with the emulator's URL and the token in its environment.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .env("GRAPH_PROFILE_GRAPH_URL", self.emulator.graph_url())
            .env("GRAPH_PROFILE_TOKEN", &self.token)
            .env_remove("GRAPH_PROFILE_CLIENT_SECRET");
        command
    }

    /// Runs the binary off the async runtime's threads (the emulator runs on them).
    async fn run(&self, args: &[&str]) -> Output {
        let mut command = self.command(args);
        tokio::task::spawn_blocking(move || command.output().expect("runs")).await.unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_apply_bad_rows_entries_and_report() {
    let tenant = Tenant::start().await;
    let users: Vec<String> = (1..=3).map(|n| format!("cli{n}@contoso.com")).collect();
    tenant.add_users(&users).await;
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        dir.path(),
        "people.csv",
        &format!(
            "user,facet,displayName,issuingAuthority,endDate\n\
             {a},certifications,CKA,CNCF,2026-12-20\n\
             {a},certifications,Bad,CNCF,2026-13-01\n\
             {b},awards,Hero,ACME,\n\
             {c},certifications,PMP,PMI,2028-01-01\n",
            a = users[0],
            b = users[1],
            c = users[2]
        ),
    );

    let plan = tenant.run(&["sync", "plan", &csv, "--output", "json"]).await;
    assert_eq!(plan.status.code(), Some(2), "{}", text(&plan.stderr));
    let plan: Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert_eq!(plan["summary"]["creates"], 3);
    assert_eq!(plan["errors"][0]["line"], 3);
    assert_eq!(plan["errors"][0]["field"], "endDate");

    let strict = tenant.run(&["sync", "apply", &csv, "--strict", "--quiet"]).await;
    assert_eq!(strict.status.code(), Some(1));

    let apply = tenant.run(&["sync", "apply", &csv, "--quiet"]).await;
    let out = text(&apply.stdout);
    assert_eq!(apply.status.code(), Some(2), "{out}\n{}", text(&apply.stderr));
    assert!(out.contains("line 3: certifications.endDate"), "{out}");
    assert!(out.contains("3 created"), "{out}");

    let again = tenant.run(&["sync", "plan", &csv]).await;
    assert!(text(&again.stdout).contains("0 to create, 0 to update, 0 to delete, 3 unchanged"));

    let list = tenant.run(&["cert", "list", "--user", &users[0], "--output", "json"]).await;
    assert!(list.status.success(), "{}", text(&list.stderr));
    let entries: Value = serde_json::from_slice(&list.stdout).unwrap();
    let id = entries[0]["id"].as_str().unwrap().to_owned();
    let update = tenant
        .run(&["cert", "update", "--user", &users[0], &id, "--set", "endDate=2027-01-05"])
        .await;
    assert!(update.status.success(), "{}", text(&update.stderr));
    let bad =
        tenant.run(&["cert", "update", "--user", &users[0], &id, "--set", "endDate=soon"]).await;
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("endDate"), "{}", text(&bad.stderr));

    let report = tenant
        .run(&["report", "expiring", "--as-of", "2026-12-10", "--days", "30", "--output", "csv"])
        .await;
    assert!(report.status.success(), "{}", text(&report.stderr));
    let lines: Vec<String> = text(&report.stdout).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].starts_with(&format!("{},expiring,26,2027-01-05,CKA", users[0])), "{lines:?}");

    let completions = tenant.run(&["completions", "bash"]).await;
    assert!(completions.status.success());
    assert!(text(&completions.stdout).contains("graph-profile"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apply_killed_mid_run_finishes_on_the_next_run_without_duplicates() {
    let tenant = Tenant::start().await;
    let users: Vec<String> = (1..=20).map(|n| format!("kill{n}@contoso.com")).collect();
    tenant.add_users(&users).await;
    tenant
        .configure(
            json!({"throttle": {"writesPerSecond": 100, "burst": 10, "retryAfter": "fractional"}}),
        )
        .await;

    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("user,facet,displayName,issuingAuthority,certificationId\n");
    for user in &users {
        for n in 0..15 {
            csv.push_str(&format!("{user},certifications,Cert {n},Issuer,C-{n}\n"));
        }
    }
    let file = write(dir.path(), "big.csv", &csv);

    let mut child =
        tenant.command(&["sync", "apply", &file, "--quiet"]).stdout(Stdio::null()).spawn().unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // SIGKILL: no chance to tidy up, as a crash or a power cut would leave it.
    child.kill().unwrap();
    let _ = tokio::task::spawn_blocking(move || child.wait()).await.unwrap();
    assert!(Path::new(&format!("{file}.sync-state.jsonl")).exists());

    let rerun = tenant.run(&["sync", "apply", &file, "--quiet", "--output", "json"]).await;
    assert!(rerun.status.success(), "{}", text(&rerun.stderr));
    let report: Value = serde_json::from_slice(&rerun.stdout).unwrap();
    assert_eq!(report["summary"]["created"], 300);
    let earlier = report["summary"]["earlierRun"].as_u64().unwrap();
    assert!(earlier > 0 && earlier < 300, "{earlier} done before the kill");

    for user in &users {
        let list = tenant.run(&["cert", "list", "--user", user, "--output", "json"]).await;
        let entries: Value = serde_json::from_slice(&list.stdout).unwrap();
        assert_eq!(entries.as_array().unwrap().len(), 15, "{user}");
    }
}
