//! `graph-profile report expiring`: certifications expired or expiring soon.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use graph_profile::sync::{ExpiryOptions, expiry_report, tenant_users};

use crate::output::{Bars, Output, print_json};
use crate::signin::SignIn;

/// Reports.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Certifications expired, or expiring within N days, for given users or the
    /// whole tenant.
    ///
    /// Examples:
    ///   graph-profile report expiring --days 60
    ///   graph-profile report expiring --user adele.vance@contoso.com --output csv > expiring.csv
    ///   graph-profile report expiring --days 30 --no-expired --output json
    #[command(verbatim_doc_comment)]
    Expiring(ExpiringArgs),
}

#[derive(Debug, Args)]
pub struct ExpiringArgs {
    /// Users to cover (repeat); none: every user of the tenant.
    #[arg(long, short)]
    user: Vec<String>,

    /// How many days ahead count as expiring soon.
    #[arg(long, default_value_t = 30)]
    days: u32,

    /// Leave out certifications already expired.
    #[arg(long)]
    no_expired: bool,

    /// The day the report is for (YYYY-MM-DD); default today (UTC).
    #[arg(long, value_name = "DATE")]
    as_of: Option<graph_profile::model::Date>,

    #[arg(long, short, value_enum, default_value = "table")]
    output: Output,

    #[command(flatten)]
    signin: SignIn,
}

pub fn run(command: ReportCommand) -> anyhow::Result<ExitCode> {
    let ReportCommand::Expiring(args) = command;
    let runtime = tokio::runtime::Runtime::new()?;
    let client = args.signin.client()?;
    let options = ExpiryOptions {
        within_days: args.days,
        include_expired: !args.no_expired,
        as_of: args.as_of,
    };
    let bars = Bars::new(args.output != Output::Table);
    let report = runtime.block_on(async {
        let users =
            if args.user.is_empty() { tenant_users(&client).await? } else { args.user.clone() };
        expiry_report(&client, &users, &options, &bars).await
    })?;
    match args.output {
        Output::Table => print!("{}", report.to_table()),
        Output::Json => print_json(&report)?,
        Output::Csv => print!("{}", report.to_csv()),
    }
    Ok(if report.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
