//! The profile card preview, in headless Chromium driven over WebDriver
//! (chromedriver), and over plain HTTP.
//!
//! Chromium and chromedriver must be installed (`.ci/install-tools.sh`); when
//! either is missing the test fails and says so.  The screenshot of the card is
//! kept in `tests/artifacts/` at the workspace root.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::Emu;
use reqwest::StatusCode;
use serde_json::{Value, json};

const ADELE: &str = "adele.vance@contoso.com";

/// The W3C WebDriver key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The flags the project runs Chromium with in tests.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=560,900",
    "--hide-scrollbars",
];

/// An executable on `PATH` (or at an absolute path), or a loud failure.
fn find_tool(names: &[&str], what: &str) -> PathBuf {
    let paths = std::env::var_os("PATH").unwrap_or_default();
    for name in names {
        if Path::new(name).is_absolute() && Path::new(name).is_file() {
            return PathBuf::from(name);
        }
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!("{what} is not installed (looked for {names:?} on PATH); run .ci/install-tools.sh");
}

/// chromedriver and one browser session; both end when dropped.
struct Browser {
    driver: Child,
    http: reqwest::Client,
    session_url: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn start() -> Browser {
        let chromium = match std::env::var("CHROMIUM") {
            Ok(path) => PathBuf::from(path),
            Err(_) => find_tool(&["chromium", "chromium-browser", "google-chrome"], "Chromium"),
        };
        let chromedriver = find_tool(&["chromedriver"], "chromedriver");

        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            probe.local_addr().unwrap().port()
        };
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let http = common::http_client();
        let base = format!("http://127.0.0.1:{port}");

        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = match http.get(format!("{base}/status")).send().await {
                Ok(response) => response.json::<Value>().await.ok(),
                Err(_) => None,
            };
            if ready.is_some_and(|status| status["value"]["ready"] == true) {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not get ready on port {port}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        let profile = tempfile::tempdir().expect("a profile folder");
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
        }}});
        let session: Value = http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .await
            .expect("new session")
            .json()
            .await
            .unwrap();
        let id = session["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("Chromium did not start: {session}"));
        let session_url = format!("{base}/session/{id}");
        Browser { driver, http, session_url, _profile: profile }
    }

    /// One WebDriver command; its `value`, failing on a WebDriver error.
    async fn command(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.session_url);
        let mut request = self.http.request(method, url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("WebDriver command sent");
        let status = response.status();
        let body: Value = response.json().await.expect("WebDriver JSON");
        assert!(status.is_success(), "WebDriver {path}: {status} {body}");
        body["value"].clone()
    }

    async fn open(&self, url: &str) {
        self.command(reqwest::Method::POST, "/url", Some(json!({ "url": url }))).await;
    }

    /// The first element matching a CSS selector.
    async fn find(&self, css: &str) -> String {
        let found = self
            .command(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        found[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}")).to_owned()
    }

    async fn click(&self, element: &str) {
        let path = format!("/element/{element}/click");
        self.command(reqwest::Method::POST, &path, Some(json!({}))).await;
    }

    async fn displayed(&self, element: &str) -> bool {
        let path = format!("/element/{element}/displayed");
        self.command(reqwest::Method::GET, &path, None).await.as_bool().expect("a boolean")
    }

    async fn text(&self, element: &str) -> String {
        let path = format!("/element/{element}/text");
        self.command(reqwest::Method::GET, &path, None).await.as_str().unwrap().to_owned()
    }

    async fn script(&self, script: &str) -> Value {
        let body = json!({ "script": script, "args": [] });
        self.command(reqwest::Method::POST, "/execute/sync", Some(body)).await
    }

    /// Saves a PNG screenshot of the page.
    async fn screenshot(&self, path: &Path) {
        let encoded = self.command(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().expect("base64 screenshot"))
            .expect("screenshot decodes");
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::create_dir_all(path.parent().unwrap()).expect("artifacts folder");
        std::fs::write(path, png).expect("screenshot written");
    }

    async fn close(mut self) {
        let url = self.session_url.clone();
        let _ = self.http.delete(url).send().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// `tests/artifacts/` at the workspace root.
fn artifacts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/artifacts")
}

/// Adele's card: a position, three skills, an award, a current and an expired
/// certification.
async fn seed_adele(emu: &Emu) {
    let profile = format!("/users/{ADELE}/profile");
    emu.create(
        &format!("{profile}/positions"),
        json!({"isCurrent": true, "detail": {"jobTitle": "Retail Manager",
               "company": {"displayName": "Contoso"}}}),
    )
    .await;
    for skill in ["Customer service", "Negotiation", "Power BI", "Visual merchandising"] {
        emu.create(&format!("{profile}/skills"), json!({ "displayName": skill })).await;
    }
    emu.create(
        &format!("{profile}/awards"),
        json!({"displayName": "Employee of the Year", "issuingAuthority": "Contoso",
               "issuedDate": "2024-12-01",
               "description": "For leading the spring launch across twelve stores."}),
    )
    .await;
    emu.create(
        &format!("{profile}/certifications"),
        json!({"displayName": "Microsoft Certified: Azure Fundamentals",
               "issuingCompany": "Microsoft", "certificationId": "AZ-900-1234",
               "issuedDate": "2022-03-10", "endDate": "2023-03-10",
               "thumbnailUrl": "https://example.com/badge.png",
               "description": "Cloud concepts, Azure services, security and pricing."}),
    )
    .await;
    emu.create(
        &format!("{profile}/certifications"),
        json!({"displayName": "Certified Retail Professional",
               "issuingAuthority": "National Retail Federation",
               "issuedDate": "2025-05-02", "endDate": "2099-05-02",
               "description": "Retail operations and customer experience."}),
    )
    .await;
}

#[tokio::test]
async fn card_in_chromium_reveals_details_on_click() {
    let emu = Emu::start().await;
    seed_adele(&emu).await;
    let browser = Browser::start().await;
    browser.open(&format!("{}/cards/{ADELE}", emu.emulator.base_url())).await;

    let name = browser.find("h1").await;
    assert_eq!(browser.text(&name).await, "Adele Vance");
    let position = browser.find(".position").await;
    assert_eq!(browser.text(&position).await, "Retail Manager \u{b7} Contoso");

    // Awards and Certifications sit below Skills.
    let order = browser
        .script(
            "return [document.getElementById('skills').getBoundingClientRect().top,
                     document.getElementById('achievements').getBoundingClientRect().top,
                     document.querySelectorAll('.chip').length,
                     document.querySelectorAll('.entry').length];",
        )
        .await;
    assert!(order[0].as_f64().unwrap() < order[1].as_f64().unwrap(), "{order}");
    assert_eq!(order[2], 4);
    assert_eq!(order[3], 3);

    // Each entry shows title and issuer; details stay hidden until selected.
    let expired = browser.find(".entry.certification.expired").await;
    let summary_text = browser.text(&expired).await;
    assert!(summary_text.contains("Microsoft Certified: Azure Fundamentals"), "{summary_text}");
    assert!(summary_text.contains("Microsoft"));
    assert!(summary_text.contains("Expired"));
    let details = browser.find(".entry.certification.expired .details").await;
    assert!(!browser.displayed(&details).await, "details shown before any click");

    let button = browser.find(".entry.certification.expired .summary").await;
    browser.click(&button).await;
    assert!(browser.displayed(&details).await, "details hidden after the click");
    let shown = browser.text(&details).await;
    for expected in [
        "Cloud concepts, Azure services, security and pricing.",
        "Date awarded",
        "March 10, 2022",
        "Expired March 10, 2023",
        "AZ-900-1234",
    ] {
        assert!(shown.contains(expected), "{expected:?} not in {shown:?}");
    }

    // Thumbnails are a placeholder: nothing is loaded from the URL given.
    let images = browser.script("return document.images.length;").await;
    assert_eq!(images, 0);

    browser.screenshot(&artifacts().join("card-adele.png")).await;

    // Selecting another entry closes the first.
    let award = browser.find(".entry.award .summary").await;
    browser.click(&award).await;
    assert!(!browser.displayed(&details).await);
    let award_details = browser.find(".entry.award .details").await;
    assert!(browser.text(&award_details).await.contains("December 1, 2024"));
    browser.close().await;
}

#[tokio::test]
async fn card_in_chromium_shows_markup_in_names_as_text() {
    let emu = Emu::start().await;
    let hostile = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'\
                   </script> Lee";
    let created = emu
        .post("/users", json!({"userPrincipalName": "lee@contoso.com", "displayName": hostile}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    emu.create(
        "/users/lee@contoso.com/profile/awards",
        json!({"displayName": "</li><script>document.title='pwned'</script>",
               "issuingAuthority": "\"><b>bold</b>"}),
    )
    .await;

    let browser = Browser::start().await;
    browser.open(&format!("{}/cards/lee@contoso.com", emu.emulator.base_url())).await;
    let seen = browser
        .script(
            "return [document.title, document.querySelector('h1').textContent,
                     document.scripts.length, document.images.length,
                     document.querySelectorAll('b').length,
                     document.querySelector('.entry .title').textContent];",
        )
        .await;
    // Had any of it run, the title would be just "pwned".
    assert_eq!(seen[0], format!("{hostile} - profile card"), "markup ran: {seen}");
    assert_eq!(seen[1], hostile);
    assert_eq!(seen[2], 1, "only the card's own script");
    assert_eq!(seen[3], 0);
    assert_eq!(seen[4], 0);
    assert_eq!(seen[5], "</li><script>document.title='pwned'</script>");
    browser.close().await;
}

#[tokio::test]
async fn card_over_http_is_self_contained_html() {
    let emu = Emu::start().await;
    seed_adele(&emu).await;
    let url = format!("{}/cards/{}", emu.emulator.base_url(), "adele.vance%40contoso.com");
    let response = emu.http.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'none'") && policy.contains("script-src 'nonce-"));
    let html = response.text().await.unwrap();
    assert!(html.contains("Awards and Certifications"));
    assert!(!html.contains("example.com"), "the thumbnail URL is not used");

    // The guest's #EXT# name, sent as %23, and an unknown user.
    let guest = format!("{}/cards/ann_fabrikam.com%23EXT%23@contoso.com", emu.emulator.base_url());
    assert_eq!(emu.http.get(guest).send().await.unwrap().status(), StatusCode::OK);
    let unknown = format!("{}/cards/nobody@contoso.com", emu.emulator.base_url());
    assert_eq!(emu.http.get(unknown).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}
