//! The `cda` binary: everything lives in the library so it can be unit-tested;
//! `main` only hands over to [`apply::run`].

fn main() -> std::process::ExitCode {
    apply::run()
}
