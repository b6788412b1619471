//! Requests per second and latency of the emulator, file-backed: GET of one entry and
//! creates.  Run with
//!
//! ```text
//! cargo run --release -p graph-profile-emulator --example bench -- [SECONDS] [CONNECTIONS]
//! ```
//!
//! The emulator runs on its own two-worker runtime (as `spawn_background` starts it);
//! the load comes from keep-alive HTTP/1.1 connections driven by one thread, written
//! by hand so the client costs as little as possible of the shared cores.

use std::time::{Duration, Instant};

use graph_profile_emulator::{DbLocation, EmulatorConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One keep-alive connection.
struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    async fn open(address: &str) -> std::io::Result<Connection> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Connection { stream, buffer: Vec::with_capacity(16 * 1024) })
    }

    /// Sends one request and reads its answer: status and body.
    async fn round_trip(&mut self, request: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
        self.stream.write_all(request).await?;
        let header_end = loop {
            if let Some(at) = find(&self.buffer, b"\r\n\r\n") {
                break at + 4;
            }
            self.fill().await?;
        };
        let head = String::from_utf8_lossy(&self.buffer[..header_end]).into_owned();
        let status: u16 = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
            })
            .unwrap_or(0);
        while self.buffer.len() < header_end + length {
            self.fill().await?;
        }
        let body = self.buffer[header_end..header_end + length].to_vec();
        self.buffer.drain(..header_end + length);
        Ok((status, body))
    }

    async fn fill(&mut self) -> std::io::Result<()> {
        let mut chunk = [0u8; 16 * 1024];
        let read = self.stream.read(&mut chunk).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        self.buffer.extend_from_slice(&chunk[..read]);
        Ok(())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn request(method: &str, address: &str, path: &str, token: &str, body: Option<&str>) -> Vec<u8> {
    let mut text =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n");
    if let Some(body) = body {
        text.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
    } else {
        text.push_str("\r\n");
    }
    text.into_bytes()
}

/// What one run measured.
struct Figures {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies_us: Vec<u32>,
}

impl Figures {
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let index = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        f64::from(self.latencies_us[index]) / 1000.0
    }

    fn print(&self, name: &str) {
        println!(
            "| {name} | {:.0} | {:.2} | {:.2} | {} | {} |",
            self.requests as f64 / self.elapsed.as_secs_f64(),
            self.percentile(0.50),
            self.percentile(0.99),
            self.requests,
            self.errors
        );
    }
}

/// Drives `connections` connections for `duration`, each sending `make(n)` in turn.
async fn run(
    address: &str,
    connections: usize,
    duration: Duration,
    expect: u16,
    make: impl Fn(usize) -> Vec<u8> + Clone + 'static,
) -> Figures {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let make = make.clone();
        let address = address.to_owned();
        tasks.push(tokio::task::spawn_local(async move {
            let mut connection = Connection::open(&address).await.expect("connect");
            let (mut latencies, mut errors) = (Vec::new(), 0usize);
            let mut n = worker * 1_000_000;
            while Instant::now() < deadline {
                let request = make(n);
                n += 1;
                let sent = Instant::now();
                match connection.round_trip(&request).await {
                    Ok((status, _)) if status == expect => {
                        latencies.push(sent.elapsed().as_micros() as u32);
                    }
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        connection = Connection::open(&address).await.expect("reconnect");
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut figures =
        Figures { requests: 0, errors: 0, elapsed: Duration::ZERO, latencies_us: Vec::new() };
    for task in tasks {
        let (latencies, errors) = task.await.expect("worker");
        figures.requests += latencies.len();
        figures.errors += errors;
        figures.latencies_us.extend(latencies);
    }
    figures.elapsed = started.elapsed();
    figures.latencies_us.sort_unstable();
    figures
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let connections: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(32);
    let duration = Duration::from_secs(seconds);

    let dir = tempfile_dir();
    let db = dir.join("bench.sqlite3");
    let config =
        EmulatorConfig { db: DbLocation::File(db.clone()), demo: true, ..Default::default() };
    let emulator = graph_profile_emulator::spawn_background(config).expect("emulator starts");
    let address = emulator.base_url().trim_start_matches("http://").to_owned();

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        let mut connection = Connection::open(&address).await.expect("connect");
        let token_request = format!(
            "GET /emulator/token?user=admin@contoso.com&scopes=User.ReadWrite.All HTTP/1.1\r\n\
             Host: {address}\r\n\r\n"
        );
        let (_, body) = connection.round_trip(token_request.as_bytes()).await.expect("token");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("token JSON");
        let token = body["access_token"].as_str().expect("access_token").to_owned();

        let draft = r#"{"displayName":"Azure Administrator Associate","issuedDate":"2025-04-28","issuingAuthority":"Microsoft"}"#;
        let create = request("POST", &address, "/beta/me/profile/certifications", &token, Some(draft));
        let (status, body) = connection.round_trip(&create).await.expect("create");
        assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
        let entry: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let id = entry["id"].as_str().unwrap().to_owned();

        println!("file-backed SQLite at {}, {connections} keep-alive connections, {seconds} s each", db.display());
        println!();
        println!("| operation | requests/s | p50 ms | p99 ms | requests | errors |");
        println!("|---|---|---|---|---|---|");

        let get = request("GET", &address, &format!("/beta/me/profile/certifications/{id}"), &token, None);
        let figures = run(&address, connections, duration, 200, move |_| get.clone()).await;
        figures.print("GET one entry");

        let (address2, token2) = (address.clone(), token.clone());
        let figures = run(&address, connections, duration, 201, move |n| {
            let body = format!(r#"{{"displayName":"Skill {n}","proficiency":"expert"}}"#);
            request("POST", &address2, "/beta/me/profile/skills", &token2, Some(&body))
        })
        .await;
        figures.print("create (POST skills)");
    });

    emulator.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh folder for the database under the system's temporary folder.
fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("graph-profile-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    dir
}
