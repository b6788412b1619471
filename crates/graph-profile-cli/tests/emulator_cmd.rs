//! `graph-profile emulator`: the first stdout line is the base URL, the flags reach
//! the server, and SIGTERM stops it cleanly.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A GET over plain HTTP/1.1, answered as (status, JSON body).
fn get(base_url: &str, path: &str, token: Option<&str>) -> (u16, Value) {
    let address = base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("connect");
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\n{auth}Connection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    let (head, body) = reply.split_once("\r\n\r\n").expect("a complete answer");
    let status = head[9..12].parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[test]
fn the_emulator_subcommand_serves_the_demo_tenant_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_graph-profile"))
        .args(["emulator", "--db", ":memory:", "--demo", "--page-size", "2"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("graph-profile starts");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let base_url = line.trim().to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "first line: {line:?}");

    let path = "/emulator/token?user=admin@contoso.com&scopes=User.Read.All";
    let (status, token) = get(&base_url, path, None);
    assert_eq!(status, 200);
    let token = token["access_token"].as_str().expect("a token").to_owned();

    let (status, users) = get(&base_url, "/beta/users", Some(&token));
    assert_eq!(status, 200);
    assert_eq!(users["value"].as_array().unwrap().len(), 2, "--page-size 2 applies");
    assert!(users["@odata.nextLink"].is_string());
    let (status, _) = get(&base_url, "/beta/users", None);
    assert_eq!(status, 401);

    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(exit.code(), Some(0));
}
