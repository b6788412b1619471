//! `graph-profile`: the command line.  Each subcommand lives in its own module and
//! holds glue only; the Graph logic is in the core crate, the service in the emulator.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use graph_profile::FacetKind;

mod completions_cmd;
mod demo_cmd;
mod emulator_cmd;
mod entry_cmd;
mod output;
mod report_cmd;
mod signin;
mod sync_cmd;

/// Shown after the top-level --help: the main jobs, as commands to copy.
const EXAMPLES: &str = "\
Examples:
  Try everything locally, no tenant needed:
    graph-profile demo

  Sign in with an access token, then list someone's certifications:
    export GRAPH_PROFILE_TOKEN=eyJ...
    graph-profile cert list --user adele.vance@contoso.com

  Sync a certification provider's export (see what would change first):
    graph-profile sync plan certifications.csv
    graph-profile sync apply certifications.csv

  Who must renew in the next 60 days, as CSV:
    graph-profile report expiring --days 60 --output csv > renewals.csv

  Against a local emulator instead of Microsoft Graph:
    graph-profile emulator --demo --db :memory:      (prints its URL)
    graph-profile cert list --user me --graph-url http://127.0.0.1:PORT/beta

Sign-in: GRAPH_PROFILE_TOKEN, or --device-code, or --client-secret (app-only) with
--tenant and --client-id.  Run `graph-profile <command> --help` for each command.";

/// Manage Microsoft Graph profile entries (certifications, awards, ...) and run a
/// local Graph emulator.
#[derive(Debug, Parser)]
#[command(name = "graph-profile", version, about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Run a local Graph profile service (prints its base URL first, serves until
    /// Ctrl+C or SIGTERM).
    Emulator(emulator_cmd::EmulatorArgs),

    /// Certifications: list, get, create, update, delete.
    #[command(subcommand)]
    Cert(entry_cmd::EntryCommand),

    /// Awards: list, get, create, update, delete.
    #[command(subcommand)]
    Award(entry_cmd::EntryCommand),

    /// Any facet (skills, languages, ...): list, get, create, update, delete.
    ///
    /// Example: graph-profile facet skills list --user adele.vance@contoso.com
    #[command(verbatim_doc_comment)]
    Facet {
        /// The facet's collection name: skills, languages, projects, ...
        facet: graph_profile::FacetKind,
        #[command(subcommand)]
        command: entry_cmd::EntryCommand,
    },

    /// Make many profiles match a CSV or JSON list: plan, then apply.
    #[command(subcommand)]
    Sync(sync_cmd::SyncCommand),

    /// Reports across users: certifications that expire.
    #[command(subcommand)]
    Report(report_cmd::ReportCommand),

    /// The main job end to end against a local emulator, with a bundled sample list.
    Demo(demo_cmd::DemoArgs),

    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    ///
    /// Example: graph-profile completions bash > /etc/bash_completion.d/graph-profile
    #[command(verbatim_doc_comment)]
    Completions(completions_cmd::CompletionsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();

    let result = match cli.command {
        Command::Emulator(args) => emulator_cmd::run(args).map(|()| ExitCode::SUCCESS),
        Command::Cert(command) => entry_cmd::run(FacetKind::Certifications, command),
        Command::Award(command) => entry_cmd::run(FacetKind::Awards, command),
        Command::Facet { facet, command } => entry_cmd::run(facet, command),
        Command::Sync(command) => sync_cmd::run(command),
        Command::Report(command) => report_cmd::run(command),
        Command::Demo(args) => demo_cmd::run(args),
        Command::Completions(args) => completions_cmd::run::<Cli>(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("graph-profile: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr (stdout carries results), quiet unless `RUST_LOG` asks.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
