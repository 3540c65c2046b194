//! The `cda` binary: everything lives in the library so it can be unit-tested;
//! `main` only hands over to [`cda_cli::run`].

fn main() -> std::process::ExitCode {
    cda_cli::run()
}
