//! The benchmark of BENCHMARKS.md: the added cost of one ABI call over the same core
//! call made from Rust, for a get of one certification from the emulator.
//!
//! `cargo test --release -p graph-profile-ffi abi_get_overhead -- --ignored --nocapture`
//!
//! Both sides run against the same in-process emulator, each with its own client (own
//! runtime and connection pool), in alternating blocks so drift in the machine's load
//! falls on both alike.  The HTTP round trip dominates both; the difference of the
//! medians is the ABI's cost: argument checks, the handle lookup, writing the entry as
//! a JSON string, and `gp_string_free`.

use std::ffi::{CString, c_char};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use graph_profile_emulator::{DbLocation, EmulatorConfig, spawn_background};
use profile::{BlockingClient, ClientConfig, FacetKind, UserRef};
use serde_json::{Value, json};

use crate::client::{gp_client_free, gp_client_new};
use crate::facet::gp_get;
use crate::result::gp_result;
use crate::strings::gp_string_free;

const USER: &str = "admin@contoso.com";
const BLOCKS: usize = 40;
const CALLS_PER_BLOCK: usize = 50;

/// A token from the emulator's test route, over a plain socket.
fn fetch_token(base_url: &str) -> String {
    let address = base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("the emulator listens");
    let request = format!(
        "GET /emulator/token?user={USER}&scopes=User.ReadWrite.All HTTP/1.0\r\n\
         Host: {address}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let body = answer.split("\r\n\r\n").nth(1).expect("an HTTP answer");
    let body: Value = serde_json::from_str(body).expect("a JSON token answer");
    body["access_token"].as_str().expect("an access token").to_owned()
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * fraction).round() as usize]
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

#[test]
#[ignore = "benchmark: cargo test --release -p graph-profile-ffi abi_get_overhead -- --ignored"]
fn abi_get_overhead() {
    let emulator = spawn_background(EmulatorConfig {
        db: DbLocation::Memory,
        demo: true,
        ..EmulatorConfig::default()
    })
    .expect("the emulator starts");
    let token = fetch_token(emulator.base_url());
    let config = json!({
        "graphUrl": emulator.graph_url(),
        "auth": {"type": "token", "token": token},
    })
    .to_string();

    let core = BlockingClient::new(ClientConfig::from_json(&config).unwrap()).unwrap();
    let user = UserRef::new(USER);
    let draft = json!({"displayName": "AZ-104 Azure Administrator",
        "issuingAuthority": "Microsoft", "issuedDate": "2025-04-28"});
    let entry = core.create(&user, FacetKind::Certifications, draft, None).unwrap();
    let id = entry["id"].as_str().unwrap().to_owned();

    let config_c = CString::new(config).unwrap();
    let mut client = std::ptr::null_mut();
    let code =
        unsafe { gp_client_new(config_c.as_ptr(), None, None, std::ptr::null_mut(), &mut client) };
    assert_eq!(code, gp_result::GP_OK);
    let (user_c, facet_c, id_c) = (
        CString::new(USER).unwrap(),
        CString::new("certifications").unwrap(),
        CString::new(id.clone()).unwrap(),
    );

    let core_get = || {
        let started = Instant::now();
        let entry = core.get(&user, FacetKind::Certifications, &id, &[], None).unwrap();
        let elapsed = started.elapsed();
        assert_eq!(entry["id"], id.as_str());
        elapsed
    };
    let abi_get = || {
        let started = Instant::now();
        let mut out: *mut c_char = std::ptr::null_mut();
        let code = unsafe {
            gp_get(
                client,
                user_c.as_ptr(),
                facet_c.as_ptr(),
                id_c.as_ptr(),
                std::ptr::null(),
                std::ptr::null(),
                &mut out,
            )
        };
        let freed = unsafe { gp_string_free(out) };
        let elapsed = started.elapsed();
        assert_eq!((code, freed), (gp_result::GP_OK, gp_result::GP_OK));
        elapsed
    };

    // Warm both connection pools and caches.
    for _ in 0..200 {
        core_get();
        abi_get();
    }
    let mut core_times = Vec::new();
    let mut abi_times = Vec::new();
    for block in 0..BLOCKS {
        // Alternate which side goes first in each block.
        let order: [bool; 2] = if block % 2 == 0 { [true, false] } else { [false, true] };
        for abi_side in order {
            for _ in 0..CALLS_PER_BLOCK {
                if abi_side { abi_times.push(abi_get()) } else { core_times.push(core_get()) }
            }
        }
    }
    assert_eq!(gp_client_free(client), gp_result::GP_OK);

    core_times.sort_unstable();
    abi_times.sort_unstable();
    let entry_text = serde_json::to_string(&entry).unwrap();
    let serialise = {
        let started = Instant::now();
        for _ in 0..10_000 {
            std::hint::black_box(serde_json::to_string(std::hint::black_box(&entry)).unwrap());
        }
        started.elapsed() / 10_000
    };

    let (core_median, abi_median) = (percentile(&core_times, 0.5), percentile(&abi_times, 0.5));
    let added = micros(abi_median) - micros(core_median);
    println!("calls per side: {}", core_times.len());
    println!(
        "core get  p10 {:8.1} µs  median {:8.1} µs  p90 {:8.1} µs",
        micros(percentile(&core_times, 0.1)),
        micros(core_median),
        micros(percentile(&core_times, 0.9))
    );
    println!(
        "ABI gp_get p10 {:8.1} µs  median {:8.1} µs  p90 {:8.1} µs",
        micros(percentile(&abi_times, 0.1)),
        micros(abi_median),
        micros(percentile(&abi_times, 0.9))
    );
    println!("added by the ABI (median difference): {added:.1} µs (target ≤ 20 µs)");
    println!(
        "of which writing the {}-byte entry as JSON text: {:.1} µs",
        entry_text.len(),
        micros(serialise)
    );
    assert!(added <= 20.0, "the ABI adds {added:.1} µs to a get, over the 20 µs target");
    emulator.shutdown();
}
