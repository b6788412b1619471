//! `graph-profile emulator`: starts the local Graph service and prints its base URL as
//! the first line of stdout, so scripts can read it.

use std::io::Write;
use std::net::SocketAddr;

use anyhow::Context;
use clap::Args;
use graph_profile_emulator::auth::AuthConfig;
use graph_profile_emulator::faults::FaultsConfig;
use graph_profile_emulator::{DbLocation, EmulatorConfig};

/// Flags of `graph-profile emulator`.
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,

    /// SQLite database file, or `:memory:` to keep nothing.  Default: emulator.sqlite3 in
    /// the user's data folder.
    #[arg(long, value_name = "PATH")]
    db: Option<String>,

    /// Seed the demo tenant (admin@contoso.com and a few people, one a guest).
    #[arg(long)]
    demo: bool,

    /// Entries per page of a list before `@odata.nextLink`.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    page_size: u32,

    /// Largest request body accepted, in bytes (larger ones get 413).
    #[arg(long, default_value_t = 4 * 1024 * 1024)]
    max_body_bytes: usize,

    /// Sign-in settings as JSON, as `auth` in /emulator/config.
    #[arg(long, value_name = "JSON")]
    auth: Option<String>,

    /// Throttling and fault settings as JSON, as `faults` in /emulator/config.
    #[arg(long, value_name = "JSON")]
    faults: Option<String>,

    /// Seed for the random faults, so runs repeat (overrides the one in --faults).
    #[arg(long)]
    seed: Option<u64>,

    /// Let app-only tokens write profiles (the service has said both).
    #[arg(long)]
    app_only_writes: bool,
}

impl EmulatorArgs {
    fn config(self) -> anyhow::Result<EmulatorConfig> {
        let mut auth: AuthConfig = match &self.auth {
            Some(json) => serde_json::from_str(json).context("--auth is not valid settings")?,
            None => AuthConfig::default(),
        };
        if self.app_only_writes {
            auth.app_only_writes = true;
        }
        auth.validate().map_err(|e| anyhow::anyhow!("--auth: {e}"))?;
        let mut faults: FaultsConfig = match &self.faults {
            Some(json) => serde_json::from_str(json).context("--faults is not valid settings")?,
            None => FaultsConfig::default(),
        };
        if let Some(seed) = self.seed {
            faults.seed = seed;
        }
        faults.validate().map_err(|e| anyhow::anyhow!("--faults: {e}"))?;

        Ok(EmulatorConfig {
            listen: self.listen,
            db: self.db.as_deref().map_or(DbLocation::Default, DbLocation::parse),
            demo: self.demo,
            page_size: self.page_size as usize,
            max_body_bytes: self.max_body_bytes,
            auth,
            faults,
            ..EmulatorConfig::default()
        })
    }
}

/// Runs the emulator until Ctrl+C or SIGTERM.
pub fn run(args: EmulatorArgs) -> anyhow::Result<()> {
    let config = args.config()?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let emulator = graph_profile_emulator::start(config).await?;
        let stop = StopSignal::install()?;

        let mut stdout = std::io::stdout();
        writeln!(stdout, "{}", emulator.base_url())?;
        stdout.flush()?;

        stop.wait().await?;
        tracing::info!("stopping the emulator");
        emulator.shutdown().await;
        Ok(())
    })
}

/// Ctrl+C and SIGTERM, watched from before the URL is printed: a script that reads
/// the URL and stops the emulator at once must not kill it before it can clean up.
struct StopSignal {
    #[cfg(unix)]
    signals: (tokio::signal::unix::Signal, tokio::signal::unix::Signal),
}

impl StopSignal {
    fn install() -> anyhow::Result<StopSignal> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let term = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
            let int = signal(SignalKind::interrupt()).context("cannot watch Ctrl+C")?;
            Ok(StopSignal { signals: (term, int) })
        }
        #[cfg(not(unix))]
        Ok(StopSignal {})
    }

    async fn wait(self) -> anyhow::Result<()> {
        #[cfg(unix)]
        {
            let (mut term, mut int) = self.signals;
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
            Ok(())
        }
        #[cfg(not(unix))]
        tokio::signal::ctrl_c().await.context("cannot watch Ctrl+C")
    }
}
