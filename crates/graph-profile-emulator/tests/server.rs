//! The server as a process and as a library: the first stdout line is the base URL,
//! SIGTERM stops it cleanly, the file database survives restarts and `kill -9`, and
//! thousands of connections at once get answers, not a crash.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{ADMIN, Emu, http_client, token_for};
use graph_profile_emulator::{DbLocation, EmulatorConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BIN: &str = env!("CARGO_BIN_EXE_graph-profile-emulator");

/// Starts the emulator binary and reads the base URL from its first stdout line.
fn spawn(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("emulator binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).expect("first line");
    let url = line.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "first line: {line:?}");
    (child, url)
}

#[test]
fn the_binary_prints_its_url_and_stops_on_sigterm_and_ctrl_c() {
    for signal in ["-TERM", "-INT"] {
        let (mut child, url) = spawn(&["--db", ":memory:", "--demo"]);
        let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
        assert_ne!(port, 0);

        let status = Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
        assert!(status.success());
        let exit = wait_with_timeout(&mut child, Duration::from_secs(10));
        assert_eq!(exit.code(), Some(0), "clean exit on {signal}");
    }
}

#[test]
fn the_default_database_lives_in_the_data_folder() {
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .env("XDG_DATA_HOME", data.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("emulator binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert!(line.starts_with("http://"));
    assert!(data.path().join("graph-profile").join("emulator.sqlite3").is_file());
    child.kill().unwrap();
    child.wait().unwrap();
}

fn wait_with_timeout(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("the emulator did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_background_emulator_serves_synchronous_callers() {
    let config = EmulatorConfig { db: DbLocation::Memory, demo: true, ..Default::default() };
    let emulator = graph_profile_emulator::spawn_background(config).expect("starts");
    assert!(emulator.graph_url().ends_with("/beta"));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let http = http_client();
        let token = token_for(&http, emulator.base_url(), ADMIN, "User.Read.All").await;
        let me = http
            .get(format!("{}/me", emulator.graph_url()))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), StatusCode::OK);
    });
    emulator.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_database_is_read_back_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = EmulatorConfig {
        db: DbLocation::File(dir.path().join("nested").join("graph.sqlite3")),
        demo: true,
        page_size: 50,
        ..Default::default()
    };

    let emu = Emu::start_with(config.clone()).await;
    let user = emu
        .post(
            "/users",
            json!({"userPrincipalName": "new.hire@contoso.com", "displayName": "New Hire"}),
        )
        .await;
    assert_eq!(user.status, StatusCode::CREATED);
    let kept = emu
        .create(
            "/users/new.hire@contoso.com/profile/certifications",
            json!({"displayName": "Kept", "issuedDate": "2025-04-28"}),
        )
        .await;
    let changed = emu.create("/me/profile/awards", json!({"displayName": "Before"})).await;
    let changed_id = changed["id"].as_str().unwrap();
    emu.patch(&format!("/me/profile/awards/{changed_id}"), json!({"displayName": "After"})).await;
    let dropped = emu.create("/me/profile/awards", json!({"displayName": "Dropped"})).await;
    emu.delete(&format!("/me/profile/awards/{}", dropped["id"].as_str().unwrap())).await;
    emu.emulator.shutdown().await;

    // Started again on the same file (and seeding the demo again changes nothing).
    let emu = Emu::start_with(config).await;
    let got = emu
        .get(&format!(
            "/users/new.hire@contoso.com/profile/certifications/{}",
            kept["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    // The same entry; only the context's port differs, as the server got a new one.
    let without_context = |mut entry: Value| {
        entry.as_object_mut().unwrap().remove("@odata.context");
        entry
    };
    assert_eq!(without_context(got.body), without_context(kept));
    let awards = emu.get("/me/profile/awards").await;
    let awards = awards.body["value"].as_array().unwrap();
    assert_eq!(awards.len(), 1);
    assert_eq!(awards[0]["displayName"], "After");
    assert_eq!(emu.get("/users").await.body["value"].as_array().unwrap().len(), 6);
    emu.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answered_writes_survive_kill_dash_nine() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("killed.sqlite3");
    let db_arg = db.to_str().unwrap().to_owned();
    let (mut child, url) = spawn(&["--db", &db_arg, "--demo", "--page-size", "100000"]);

    let http = http_client();
    let token = token_for(&http, &url, ADMIN, "User.ReadWrite.All").await;
    let answered: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let mut writers = Vec::new();
    for writer in 0..8 {
        let (http, token, url, answered) =
            (http.clone(), token.clone(), url.clone(), answered.clone());
        writers.push(tokio::spawn(async move {
            for n in 0.. {
                let name = format!("writer {writer} entry {n}");
                let sent = http
                    .post(format!("{url}/beta/me/profile/skills"))
                    .bearer_auth(&token)
                    .json(&json!({"displayName": name, "categories": ["kill-test"]}))
                    .send()
                    .await;
                let Ok(response) = sent else { return };
                if response.status() != StatusCode::CREATED {
                    return;
                }
                let Ok(body) = response.json::<Value>().await else { return };
                answered.lock().unwrap().push((body["id"].as_str().unwrap().to_owned(), name));
            }
        }));
    }

    // Let the writers get going, then kill the process without warning.  A server that
    // stops answering, or writers that all gave up, fail the test instead of hanging it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let count = answered.lock().unwrap().len();
        if count >= 200 {
            break;
        }
        let stopped = writers.iter().all(|writer| writer.is_finished());
        if stopped || tokio::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            let why = if stopped { "every writer stopped" } else { "60 seconds passed" };
            panic!("only {count} of 200 writes were answered before {why}");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().expect("kill -9");
    child.wait().unwrap();
    for writer in writers {
        let stopped = tokio::time::timeout(Duration::from_secs(30), writer).await;
        stopped.expect("a writer stops once the server is gone").unwrap();
    }
    let answered = answered.lock().unwrap().clone();

    let (mut child, url) = spawn(&["--db", &db_arg, "--page-size", "100000"]);
    let token = token_for(&http, &url, ADMIN, "User.Read").await;
    let listed: Value = http
        .get(format!("{url}/beta/me/profile/skills"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stored = listed["value"].as_array().unwrap();
    for (id, name) in &answered {
        let entry = stored.iter().find(|e| e["id"] == id.as_str());
        let entry = entry.unwrap_or_else(|| panic!("answered write {id} was lost"));
        assert_eq!(entry["displayName"], name.as_str());
    }
    // Nothing half-written: every stored entry is whole.
    for entry in stored {
        assert!(entry["displayName"].as_str().unwrap().starts_with("writer "));
        assert_eq!(entry["categories"], json!(["kill-test"]));
        assert!(entry["createdDateTime"].is_string());
    }
    assert!(stored.len() >= answered.len());
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_connections_get_answers_not_a_crash() {
    let emu =
        Emu::start_with(EmulatorConfig { max_concurrent_requests: 64, ..common::test_config() })
            .await;
    let address = emu.emulator.base_url().trim_start_matches("http://").to_owned();
    let request = format!(
        "GET /beta/me/profile/skills HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        emu.token
    );

    let mut tasks = Vec::new();
    for _ in 0..3000 {
        let (address, request) = (address.clone(), request.clone());
        tasks.push(tokio::spawn(async move {
            let mut stream = tokio::net::TcpStream::connect(&address).await.ok()?;
            stream.write_all(request.as_bytes()).await.ok()?;
            let mut reply = Vec::new();
            tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut reply))
                .await
                .ok()?
                .ok()?;
            Some(String::from_utf8_lossy(&reply).starts_with("HTTP/1.1 200"))
        }));
    }
    let mut answered = 0;
    for task in tasks {
        if task.await.unwrap() == Some(true) {
            answered += 1;
        }
    }
    assert_eq!(answered, 3000, "every connection was answered");

    // And it still serves.
    assert_eq!(emu.get("/me").await.status, StatusCode::OK);
    emu.emulator.shutdown().await;
}
