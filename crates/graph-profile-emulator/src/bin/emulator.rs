//! `graph-profile-emulator`: the emulator alone, for this crate's tests (they kill it
//! and start it again).  People use `graph-profile emulator`, which takes the same
//! flags: `--listen ADDR`, `--db PATH|:memory:`, `--demo`, `--page-size N`.

use std::io::Write;
use std::process::ExitCode;

use graph_profile_emulator::{DbLocation, EmulatorConfig};

fn main() -> ExitCode {
    let mut config = EmulatorConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let result = match arg.as_str() {
            "--listen" => value("--listen").and_then(|v| {
                v.parse().map(|a| config.listen = a).map_err(|e| format!("--listen: {e}"))
            }),
            "--db" => value("--db").map(|v| config.db = DbLocation::parse(&v)),
            "--page-size" => value("--page-size").and_then(|v| {
                v.parse().map(|n| config.page_size = n).map_err(|e| format!("--page-size: {e}"))
            }),
            "--demo" => {
                config.demo = true;
                Ok(())
            }
            other => Err(format!("unknown argument '{other}'")),
        };
        if let Err(message) = result {
            eprintln!("graph-profile-emulator: {message}");
            return ExitCode::from(2);
        }
    }

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("graph-profile-emulator: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let emulator = match graph_profile_emulator::start(config).await {
            Ok(emulator) => emulator,
            Err(error) => {
                eprintln!("graph-profile-emulator: {error}");
                return ExitCode::FAILURE;
            }
        };
        let stop = StopSignal::install();
        println!("{}", emulator.base_url());
        let _ = std::io::stdout().flush();
        stop.wait().await;
        emulator.shutdown().await;
        ExitCode::SUCCESS
    })
}

/// Ctrl+C and SIGTERM, watched from before the URL is printed: a script that reads
/// the URL and stops the emulator at once must not kill it before it can clean up.
struct StopSignal {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl StopSignal {
    fn install() -> StopSignal {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = signal(SignalKind::terminate())
                .and_then(|term| Ok((term, signal(SignalKind::interrupt())?)))
                .ok();
            StopSignal { signals }
        }
        #[cfg(not(unix))]
        StopSignal {}
    }

    async fn wait(self) {
        #[cfg(unix)]
        if let Some((mut term, mut int)) = self.signals {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}
