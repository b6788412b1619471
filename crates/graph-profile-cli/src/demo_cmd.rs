//! `graph-profile demo`: the whole main job on a laptop with no tenant.  Starts the
//! emulator (a SQLite file in a temporary folder), creates the sample's people
//! through `POST /users`, plans and syncs the bundled list with progress, prints the
//! expiry report and the address of a profile card preview.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use graph_profile::sync::expiry::{date_from_day_number, day_number, today};
use graph_profile::sync::{
    self, ApplyOptions, DesiredState, ExpiryOptions, PlanOptions, ReadOptions, expiry_report,
};
use graph_profile::{AuthConfig, BatchRequest, Client, ClientConfig, model::Date};
use graph_profile_emulator::faults::{FaultsConfig, RetryAfterForm, ThrottleConfig};
use graph_profile_emulator::{DbLocation, EmulatorConfig};
use serde_json::{Value, json};

use crate::output::Bars;
use crate::sync_cmd::print_report;

/// The bundled sample: about 200 people and 600 entries (see data/generate-sample.py).
const SAMPLE: &str = include_str!("../data/sample-certifications.csv");
/// The day the sample's dates are written around; the demo moves them to today.
const SAMPLE_REFERENCE: &str = "2026-12-01";
/// Writes a second the demo's emulator allows, as a tenant's limit would.
const DEMO_WRITE_LIMIT: f64 = 200.0;
/// The administrator the demo signs in as.
const ADMIN: &str = "admin@contoso.com";

/// Flags of `graph-profile demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the emulator running after the demo (until Ctrl+C), to open the card.
    #[arg(long)]
    serve: bool,

    /// Print every plan row and outcome, not the first few.
    #[arg(long)]
    full: bool,
}

pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(demo(args))
}

async fn demo(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let folder = tempfile::tempdir().context("creating a temporary folder")?;
    let config = EmulatorConfig {
        db: DbLocation::File(folder.path().join("emulator.sqlite3")),
        demo: true,
        faults: FaultsConfig {
            throttle: ThrottleConfig {
                writes_per_second: Some(DEMO_WRITE_LIMIT),
                retry_after: RetryAfterForm::Fractional,
                ..ThrottleConfig::default()
            },
            ..FaultsConfig::default()
        },
        ..EmulatorConfig::default()
    };
    let emulator = graph_profile_emulator::start(config).await?;
    let base = emulator.base_url().to_owned();
    println!("1. Emulator running at {base} (data in {})", folder.path().display());
    println!("   It allows {DEMO_WRITE_LIMIT} writes a second, as a tenant's throttling would.");

    let token = demo_token(&base).await?;
    let client = Client::new(ClientConfig {
        graph_url: Some(emulator.graph_url()),
        auth: AuthConfig::Token { token },
        ..ClientConfig::default()
    })?;

    let sample = shift_dates(SAMPLE)?;
    let desired = DesiredState::from_csv(&sample, &ReadOptions::default())?;
    if !desired.errors.is_empty() {
        bail!("the bundled sample has bad rows: {:?}", desired.errors);
    }
    let people: BTreeSet<String> = desired.entries.iter().map(|e| e.user.clone()).collect();
    create_people(&client, &people).await?;
    println!(
        "2. Created {} people through POST /users; the sample holds {} entries \
         (dates moved to today).",
        people.len(),
        desired.entries.len()
    );

    println!("\n3. The plan (nothing is changed yet):\n");
    let bars = Bars::new(false);
    let plan = sync::plan(&client, &desired, &PlanOptions::default(), &bars).await?;
    print_first(&plan.to_table(false), args.full);

    println!("\n4. Syncing:\n");
    let report = sync::apply(&client, &desired, &ApplyOptions::default(), &bars, None).await?;
    print_report_short(&report, args.full)?;

    println!("\n5. Certifications expired or expiring within 30 days:\n");
    let users: Vec<String> = people.iter().cloned().collect();
    let options = ExpiryOptions { within_days: 30, ..ExpiryOptions::default() };
    let expiry = expiry_report(&client, &users, &options, &Bars::new(true)).await?;
    print_first(&expiry.to_table(), args.full);

    let card_user = expiry
        .certifications
        .first()
        .map_or_else(|| people.iter().next().cloned().unwrap_or_default(), |c| c.user.clone());
    println!("\n6. Profile card preview: {base}/cards/{card_user}");
    println!("\nDone in {:.1} s.", started.elapsed().as_secs_f64());

    if args.serve {
        println!("The emulator keeps running; press Ctrl+C to stop it.");
        tokio::signal::ctrl_c().await?;
    } else {
        println!(
            "The emulator stops with the demo: run `graph-profile demo --serve` to keep it up \
             and open that address."
        );
    }
    emulator.shutdown().await;
    Ok(if report.succeeded() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// A token for the demo administrator from the emulator's test route.
async fn demo_token(base: &str) -> anyhow::Result<String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let url = format!(
        "{base}/emulator/token?user={}&scopes=User.ReadWrite.All",
        ADMIN.replace('@', "%40")
    );
    let body: Value = reqwest::get(url).await?.error_for_status()?.json().await?;
    body["access_token"].as_str().map(str::to_owned).context("the emulator gave no token")
}

/// Creates each person (`first.last@contoso.com` → "First Last") in batches.
async fn create_people(client: &Client, people: &BTreeSet<String>) -> anyhow::Result<()> {
    let requests: Vec<BatchRequest> = people
        .iter()
        .enumerate()
        .map(|(i, upn)| BatchRequest {
            id: i.to_string(),
            method: "POST".into(),
            url: "/users".into(),
            headers: Default::default(),
            body: Some(json!({
                "userPrincipalName": upn,
                "displayName": display_name(upn),
                "accountEnabled": true,
            })),
            depends_on: Vec::new(),
        })
        .collect();
    for answer in client.batch(requests).await? {
        if let Some(error) = answer.error() {
            bail!("creating a person failed: {error}");
        }
    }
    Ok(())
}

fn display_name(upn: &str) -> String {
    let local = upn.split('@').next().unwrap_or(upn);
    local
        .split('.')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Moves every date cell of the sample by the days from its reference day to today.
fn shift_dates(text: &str) -> anyhow::Result<String> {
    let reference: Date = SAMPLE_REFERENCE.parse()?;
    let shift = day_number(today()) - day_number(reference);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in reader.records() {
        let record = record?;
        let cells: Vec<String> = record
            .iter()
            .map(|cell| match cell.parse::<Date>() {
                Ok(date) => date_from_day_number(day_number(date) + shift).to_string(),
                Err(_) => cell.to_owned(),
            })
            .collect();
        writer.write_record(&cells)?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// The apply report, cut like the plan unless `full`.
fn print_report_short(report: &sync::ApplyReport, full: bool) -> anyhow::Result<()> {
    if full {
        return print_report(report, crate::output::Output::Table);
    }
    let s = report.summary;
    let stats = &report.stats;
    println!(
        "{} created, {} updated, {} unchanged, {} failed in {:.1} s: {} batches, {} throttled \
         (429) and waited for, pace at the end {:.0}/s",
        s.created,
        s.updated,
        s.unchanged,
        s.failed,
        stats.write_ms as f64 / 1000.0,
        stats.batches,
        stats.throttled,
        stats.final_rate
    );
    Ok(())
}

/// Prints the first lines of a long table, then how many more there are.
fn print_first(text: &str, full: bool) {
    const SHOWN: usize = 12;
    let lines: Vec<&str> = text.lines().collect();
    let table_end = lines.iter().position(|line| line.is_empty()).unwrap_or(lines.len());
    if full || table_end <= SHOWN + 1 {
        print!("{text}");
        return;
    }
    for line in &lines[..=SHOWN] {
        println!("{line}");
    }
    println!("… {} more rows (--full shows them all)", table_end - SHOWN - 1);
    for line in &lines[table_end..] {
        println!("{line}");
    }
}
