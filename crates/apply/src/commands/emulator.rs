//! `cda emulator serve`: a few lines around the emulator library.

use crate::cli::{EmulatorCommand, ServeArgs};
use crate::exit::Status;
use crate::interrupt::{Interrupts, Signal};

pub async fn run(command: &EmulatorCommand, interrupts: &Interrupts) -> anyhow::Result<Status> {
    match command {
        EmulatorCommand::Serve(args) => serve(args, interrupts).await,
    }
}

fn options(args: &ServeArgs) -> emulator::ServeOptions {
    let defaults = emulator::ServeOptions::default();
    emulator::ServeOptions {
        listen: args.listen,
        state_file: args.state.clone(),
        seed_file: args.seed.clone(),
        accounts: args.accounts.clone(),
        latency_ms: args.latency_ms.unwrap_or(defaults.latency_ms),
        jitter_ms: args.jitter_ms.unwrap_or(defaults.jitter_ms),
        fault_rate: args.fault_rate.unwrap_or(defaults.fault_rate),
        fault_seed: args.fault_seed.unwrap_or(defaults.fault_seed),
        qps: args.qps.or(defaults.qps),
        dialect: args.dialect,
        dialect_seed: args.dialect_seed,
    }
}

/// Serve until a signal; the first stops it cleanly (requests in flight
/// answered, state saved), a second at once (the state file is written
/// after every write anyway).
async fn serve(args: &ServeArgs, interrupts: &Interrupts) -> anyhow::Result<Status> {
    let stop = interrupts.clone();
    let served = emulator::run(options(args), async move {
        stop.stopped().await;
    });
    tokio::select! {
        served = served => served?,
        signal = interrupts.aborted() => {
            eprintln!("cda emulator: stopping at once ({signal})");
        }
    }
    Ok(interrupts
        .level()
        .signal()
        .map_or(Status::Success, Signal::status))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn serve_flags_fill_the_options() {
        let cli = Cli::try_parse_from([
            "cda",
            "emulator",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--state",
            "s.json",
            "--seed",
            "seed.yaml",
            "--account",
            "AK1:SK1:a@example.com",
            "--account",
            "AK2:SK2:b@example.com",
            "--latency-ms",
            "5",
            "--jitter-ms",
            "2",
            "--fault-rate",
            "0.1",
            "--fault-seed",
            "7",
            "--qps",
            "50",
            "--dialect",
            "shuffle",
            "--dialect-seed",
            "9",
        ])
        .unwrap();
        let Command::Emulator(EmulatorCommand::Serve(args)) = cli.command else {
            panic!("not serve")
        };
        let o = options(&args);
        assert_eq!(o.listen.port(), 0);
        assert_eq!(o.state_file.unwrap().to_str(), Some("s.json"));
        assert_eq!(o.seed_file.unwrap().to_str(), Some("seed.yaml"));
        assert_eq!(o.accounts.len(), 2);
        assert_eq!(o.accounts[1].email, "b@example.com");
        assert_eq!(
            (o.latency_ms, o.jitter_ms, o.fault_seed, o.qps),
            (5, 2, 7, Some(50))
        );
        assert!((o.fault_rate - 0.1).abs() < 1e-9);
        assert_eq!((o.dialect, o.dialect_seed), (emulator::Dialect::Shuffle, 9));
        assert!(Cli::try_parse_from(["cda", "emulator", "serve", "--dialect", "py3"]).is_err());
        assert!(Cli::try_parse_from(["cda", "emulator", "serve", "--fault-rate", "2"]).is_err());
        assert!(
            Cli::try_parse_from(["cda", "emulator", "serve", "--account", "AK:SK:nomail"]).is_err()
        );
    }
}
