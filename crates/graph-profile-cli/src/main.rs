//! `graph-profile`: the command line.  Each subcommand lives in its own module and
//! holds glue only; the Graph logic is in the core crate, the service in the emulator.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod emulator_cmd;

/// Manage Microsoft Graph profile entries (certifications, awards, ...) and run a
/// local Graph emulator.
#[derive(Debug, Parser)]
#[command(name = "graph-profile", version, about)]
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();

    let result = match cli.command {
        Command::Emulator(args) => emulator_cmd::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
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
