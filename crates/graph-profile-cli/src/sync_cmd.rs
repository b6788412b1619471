//! `graph-profile sync plan|apply`: glue over `graph_profile::sync`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use graph_profile::sync::{
    self, ApplyOptions, ApplyReport, DesiredState, InputFormat, Outcome, PlanOptions, ReadOptions,
    render,
};
use graph_profile::{CancellationToken, Client, FacetKind};

use crate::output::{Bars, Output, print_json};
use crate::signin::SignIn;

/// `sync` subcommands.
#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Show what `sync apply` would do; changes nothing.
    ///
    /// A row describes the existing entry with the same key (compared trimmed, spaces
    /// collapsed, case ignored): certifications by certificationId, else displayName
    /// and issuingAuthority; awards and patents by displayName and issuingAuthority;
    /// emails by address; phones by number; most other facets by displayName.
    ///
    /// Examples:
    ///   graph-profile sync plan people.csv
    ///   graph-profile sync plan people.csv --prune --output json > plan.json
    #[command(verbatim_doc_comment)]
    Plan(PlanArgs),

    /// Make the profiles match the list: create, update (and with --prune delete).
    ///
    /// Resumable: a resume journal (default: FILE.sync-state.jsonl) records every
    /// write as it completes; after an interruption, run the same command again.
    /// Exit status: 0 all done, 1 an entry failed or the run was interrupted,
    /// 2 some rows were bad (the good ones were applied unless --strict).
    ///
    /// Examples:
    ///   graph-profile sync apply people.csv
    ///   graph-profile sync apply people.csv --prune --strict
    ///   graph-profile sync apply skills.json --facet skills --output json
    #[command(verbatim_doc_comment)]
    Apply(ApplyArgs),
}

/// What every sync reads.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// The desired state: CSV (header: user,facet,displayName,...) or JSON (an array
    /// of {"user", "facet", ...fields}); `-` reads CSV from stdin.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Read FILE as csv or json (default: from its name).
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "json"])]
    pub format: Option<String>,

    /// The facet of rows without a `facet` column (e.g. certifications).
    #[arg(long, value_name = "FACET")]
    pub facet: Option<FacetKind>,

    /// Also delete entries of each listed user's listed facets that no row describes.
    #[arg(long)]
    pub prune: bool,

    /// How to print the result.
    #[arg(long, short, value_enum, default_value = "table")]
    pub output: Output,

    #[command(flatten)]
    pub signin: SignIn,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// List unchanged entries too (table output).
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Apply nothing if any row is bad.
    #[arg(long)]
    pub strict: bool,

    /// The resume journal (default: FILE.sync-state.jsonl; none for stdin).
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,

    /// Never write faster than this many entries a second.
    #[arg(long, value_name = "N")]
    pub max_rate: Option<f64>,

    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Reads the input file (or stdin) into a desired state.
pub fn read_input(input: &InputArgs) -> anyhow::Result<DesiredState> {
    let from_stdin = input.file == Path::new("-");
    let text = if from_stdin {
        std::io::read_to_string(std::io::stdin()).context("reading stdin")?
    } else {
        std::fs::read_to_string(&input.file)
            .with_context(|| format!("reading {}", input.file.display()))?
    };
    let format = match input.format.as_deref() {
        Some("json") => InputFormat::Json,
        Some(_) => InputFormat::Csv,
        None => InputFormat::from_file_name(&input.file.to_string_lossy()),
    };
    Ok(DesiredState::parse(&text, format, &ReadOptions { facet: input.facet })?)
}

pub fn run(command: SyncCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new()?;
    match command {
        SyncCommand::Plan(args) => {
            let client = args.input.signin.client()?;
            let desired = read_input(&args.input)?;
            let bars = Bars::new(args.input.output != Output::Table);
            let options = PlanOptions { prune: args.input.prune };
            let plan = runtime.block_on(sync::plan(&client, &desired, &options, &bars))?;
            match args.input.output {
                Output::Table => print!("{}", plan.to_table(args.all)),
                Output::Json => print_json(&plan)?,
                Output::Csv => print!("{}", plan_csv(&plan)),
            }
            Ok(if plan.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
        }
        SyncCommand::Apply(args) => {
            let client = args.input.signin.client()?;
            let desired = read_input(&args.input)?;
            let journal = match &args.state {
                Some(path) => Some(path.clone()),
                None if args.input.file == Path::new("-") => None,
                None => Some(journal_path(&args.input.file)),
            };
            let options = ApplyOptions {
                prune: args.input.prune,
                strict: args.strict,
                journal,
                max_rate: args.max_rate,
                ..ApplyOptions::default()
            };
            let quiet = args.quiet || args.input.output != Output::Table;
            let report = runtime.block_on(apply_with_ctrl_c(&client, &desired, &options, quiet))?;
            print_report(&report, args.input.output)?;
            Ok(exit_code(&report))
        }
    }
}

/// Runs an apply that Ctrl+C stops cleanly (the journal then resumes it).
pub async fn apply_with_ctrl_c(
    client: &Client,
    desired: &DesiredState,
    options: &ApplyOptions,
    quiet: bool,
) -> anyhow::Result<ApplyReport> {
    let cancel = CancellationToken::new();
    let on_signal = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });
    let bars = Bars::new(quiet);
    Ok(sync::apply(client, desired, options, &bars, Some(&cancel)).await?)
}

/// `people.csv` → `people.csv.sync-state.jsonl`.
fn journal_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".sync-state.jsonl");
    PathBuf::from(name)
}

pub fn exit_code(report: &ApplyReport) -> ExitCode {
    if !report.succeeded() {
        ExitCode::FAILURE
    } else if report.summary.bad_rows > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// The report: every changed or failed entry, the bad rows, and the counts.
pub fn print_report(report: &ApplyReport, output: Output) -> anyhow::Result<()> {
    match output {
        Output::Json => return print_json(report),
        Output::Csv => {
            print!("{}", report_csv(report));
            return Ok(());
        }
        Output::Table => {}
    }

    let mut table = render::Table::new(["OUTCOME", "USER", "FACET", "KEY", "LINE", "ID / ERROR"]);
    for outcome in &report.outcomes {
        if outcome.outcome == Outcome::Unchanged {
            continue;
        }
        let mut word = outcome.outcome.as_str().to_owned();
        if outcome.earlier_run {
            word.push_str(" (earlier run)");
        }
        table.row([
            word,
            outcome.user.clone(),
            outcome.facet.to_string(),
            outcome.key.to_string(),
            outcome.line.map(|l| l.to_string()).unwrap_or_default(),
            outcome.error.clone().or_else(|| outcome.entry_id.clone()).unwrap_or_default(),
        ]);
    }
    if !table.is_empty() {
        print!("{}", table.render());
    }
    if !report.errors.is_empty() {
        println!("\nBad rows ({}), not applied:", report.errors.len());
        for error in &report.errors {
            println!("  {error}");
        }
    }
    for note in &report.notes {
        println!("note: {note}");
    }
    let s = report.summary;
    let stats = &report.stats;
    println!(
        "\n{} created, {} updated, {} deleted, {} unchanged, {} failed, {} not done, {} bad rows",
        s.created, s.updated, s.deleted, s.unchanged, s.failed, s.not_done, s.bad_rows
    );
    println!(
        "{} batches in {:.1} s, {} throttled (429), {} read back, pace at the end {:.0}/s",
        stats.batches,
        stats.write_ms as f64 / 1000.0,
        stats.throttled,
        stats.read_backs,
        stats.final_rate
    );
    if report.interrupted {
        println!("Interrupted: run the same command again to finish (nothing will be redone).");
    }
    Ok(())
}

fn plan_csv(plan: &sync::Plan) -> String {
    let rows: Vec<[String; 8]> = plan
        .items
        .iter()
        .flat_map(|item| {
            let base = |field: &str, old: String, new: String| {
                [
                    item.action.as_str().to_owned(),
                    item.user.clone(),
                    item.facet.to_string(),
                    item.key.to_string(),
                    item.line.map(|l| l.to_string()).unwrap_or_default(),
                    field.to_owned(),
                    old,
                    new,
                ]
            };
            if item.changes.is_empty() {
                vec![base("", String::new(), String::new())]
            } else {
                item.changes
                    .iter()
                    .map(|c| {
                        base(&c.field, render::short_value(&c.old), render::short_value(&c.new))
                    })
                    .collect()
            }
        })
        .collect();
    render::to_csv(["action", "user", "facet", "key", "line", "field", "old", "new"], &rows)
}

fn report_csv(report: &ApplyReport) -> String {
    let rows: Vec<[String; 8]> = report
        .outcomes
        .iter()
        .map(|o| {
            [
                o.outcome.as_str().to_owned(),
                o.user.clone(),
                o.facet.to_string(),
                o.key.to_string(),
                o.line.map(|l| l.to_string()).unwrap_or_default(),
                o.entry_id.clone().unwrap_or_default(),
                o.earlier_run.to_string(),
                o.error.clone().unwrap_or_default(),
            ]
        })
        .collect();
    render::to_csv(["outcome", "user", "facet", "key", "line", "id", "earlierRun", "error"], &rows)
}
