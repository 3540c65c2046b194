//! Command-line definitions (clap derive). Kept apart from the commands so the
//! whole surface can be read in one place and turned into completions.

use cda_api::DEFAULT_ENDPOINT;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Plan and apply CTyun Cloud Dedicated Access (云专线) changes from a YAML file in git.
#[derive(Debug, Parser)]
#[command(name = "cda", version, propagate_version = true, max_term_width = 100)]
#[command(
    after_help = "Exit codes: 0 success (plan --detailed-exitcode: no changes), \
1 error, 2 changes present (plan --detailed-exitcode), 3 saved plan is stale or expired."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// CDA OpenAPI endpoint.
    #[arg(long, global = true, env = "CDA_ENDPOINT", default_value = DEFAULT_ENDPOINT, value_name = "URL")]
    pub endpoint: String,

    /// Credentials file of `ak = …` / `sk = …` lines, mode 600; default: CTYUN_AK and CTYUN_SK.
    #[arg(long, global = true, value_name = "FILE")]
    pub credentials: Option<PathBuf>,

    /// Client-side pacing of API calls per second (0 = none). The default
    /// keeps well under CTyun's throttling; tests against a local emulator
    /// turn it off.
    #[arg(
        long,
        global = true,
        env = "CDA_RATE_LIMIT",
        default_value_t = 10,
        value_name = "N"
    )]
    pub rate_limit: u32,

    /// Reads may speed up to N calls per second while the server answers
    /// without throttling, and slow down when it throttles (writes keep
    /// --rate-limit). N at or below --rate-limit keeps reads at it too.
    #[arg(
        long,
        global = true,
        env = "CDA_RATE_LIMIT_MAX",
        default_value_t = cda_api::DEFAULT_RATE_LIMIT_MAX,
        value_name = "N"
    )]
    pub rate_limit_max: u32,

    /// Where GET parameters travel: `query`, `body` or `both`. Default:
    /// both, then whichever the server accepts (docs/cli.md). Pin one only
    /// for a server cda does not yet know.
    #[arg(
        long,
        global = true,
        env = "CDA_GET_PARAMS",
        value_name = "query|body|both"
    )]
    pub get_params: Option<cda_api::GetParams>,

    /// Which gateway key gateway-scoped calls carry: `gatewayName`,
    /// `vrfName` or `both`. Default: both, then whichever the server
    /// accepts (docs/cli.md).
    #[arg(
        long,
        global = true,
        env = "CDA_GATEWAY_KEY",
        value_name = "gatewayName|vrfName|both"
    )]
    pub gateway_key: Option<cda_api::GatewayKey>,

    /// Seconds one API call may take, body included (decimals allowed).
    /// With `--read-attempts` it bounds how long cda waits on a server that
    /// does not answer: it gives up after 4 unanswered calls in a row,
    /// 42.8 s with the defaults (docs/reliability.md).
    #[arg(
        long,
        global = true,
        env = "CDA_TIMEOUT",
        default_value_t = 10.0,
        value_name = "SECONDS",
        value_parser = parse_timeout
    )]
    pub timeout: f64,

    /// Attempts per read on transient failures (5xx, throttling, timeouts);
    /// 1 = no retry. Writes are always sent once.
    #[arg(
        long,
        global = true,
        env = "CDA_READ_ATTEMPTS",
        default_value_t = 6,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..=20)
    )]
    pub read_attempts: u32,

    /// Use the embedded emulator (state in .cda/emulator-state.json) instead of CTyun.
    #[arg(long, global = true)]
    pub emulator: bool,

    /// With --emulator: what a new embedded emulator starts with, `none`
    /// (an empty account) or a seed FILE. Default: examples/emulator-seed.yaml
    /// if present, else the same estate built in. Read only when
    /// .cda/emulator-state.json is created.
    #[arg(
        long,
        global = true,
        env = "CDA_EMULATOR_SEED",
        value_name = "none|FILE"
    )]
    pub emulator_seed: Option<String>,

    /// More logging on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// When to use colours (NO_COLOR is honoured by `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

fn parse_timeout(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(t) if t.is_finite() && (0.01..=600.0).contains(&t) => Ok(t),
        _ => Err(format!("{s:?}: a number of seconds from 0.01 to 600")),
    }
}

impl GlobalArgs {
    /// Applies the call settings given on the command line to `config`.
    pub fn apply_call_settings(&self, config: &mut cda_api::ClientConfig) {
        config.timeout = std::time::Duration::from_secs_f64(self.timeout);
        config.connect_timeout = config.connect_timeout.min(config.timeout);
        config.read_attempts = self.read_attempts;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a desired-state file: exit 0 when valid, 1 with every diagnostic.
    Validate(ValidateArgs),
    /// Refresh the live inventory and show what apply would change.
    Plan(PlanArgs),
    /// Execute a plan, from a desired-state file (with approval) or a saved plan.
    Apply(ApplyArgs),
    /// Render a saved plan file.
    Show(ShowArgs),
    /// Write the live estate as a desired-state file that plans to zero changes.
    Export(ExportArgs),
    /// Print the plan's actions and their order as a graph (DOT or Mermaid).
    Graph(GraphArgs),
    /// Check that cda can work with this server (read-only): exit 0 if so, 1 otherwise.
    Doctor(DoctorArgs),
    /// Run the local CDA API emulator.
    #[command(subcommand)]
    Emulator(EmulatorCommand),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Desired-state file, or a directory of them (`*.yaml`); repeatable.
    #[arg(short = 'f', long = "file", value_name = "FILE", required = true)]
    pub file: Vec<PathBuf>,
    /// `human` (snippets on stderr), `json` (one document on stdout, for
    /// editors and CI) or `github` (`::error file=…,line=…::` annotations).
    #[arg(long, value_enum, default_value_t = ValidateFormat::Human)]
    pub format: ValidateFormat,
    /// Same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    Human,
    Json,
    Github,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Desired-state file, or a directory of them (`*.yaml`); repeatable:
    /// all together are one desired state, of one region.
    #[arg(short = 'f', long = "file", value_name = "FILE", required = true)]
    pub file: Vec<PathBuf>,
    /// `dot` (Graphviz) or `mermaid`.
    #[arg(long, value_enum, default_value_t = GraphFormatArg::Dot)]
    pub format: GraphFormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormatArg {
    Dot,
    Mermaid,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Desired-state file, or a directory of them (`*.yaml`); repeatable:
    /// all together are one desired state.
    #[arg(short = 'f', long = "file", value_name = "FILE", required = true)]
    pub file: Vec<PathBuf>,
    /// Save the plan for `cda apply PLANFILE` (name it *.cdaplan).
    #[arg(long, value_name = "PLANFILE")]
    pub out: Option<PathBuf>,
    /// Print the plan as JSON on stdout instead of the human rendering.
    #[arg(long)]
    pub json: bool,
    /// Also write a Markdown summary (for merge-request comments) to FILE.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Exit 0 when there are no changes, 2 when there are, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Report drift (live changes made outside the file) without proposing changes.
    #[arg(long, conflicts_with_all = ["out", "target", "replace"])]
    pub refresh_only: bool,
    /// Also read the VPCs and routes of gateways the file neither declares
    /// nor prunes (the plan changes nothing on them, so by default they are
    /// not read).
    #[arg(long)]
    pub refresh_all: bool,
    #[command(flatten)]
    pub requested: RequestedArgs,
    /// With --out: the saved plan expires after this long (e.g. 30m, 4h, 2d).
    #[arg(long, value_name = "DURATION", requires = "out", value_parser = parse_duration)]
    pub ttl: Option<std::time::Duration>,
    /// Wait up to SECS for a change the API accepted to show in its lists
    /// (eventual consistency), and for the writes an earlier, killed apply
    /// left in flight, before giving up on them.
    #[arg(
        long,
        env = "CDA_VISIBILITY_TIMEOUT",
        default_value_t = 60,
        value_name = "SECS"
    )]
    pub visibility_timeout: u64,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["file", "planfile"]))]
pub struct ApplyArgs {
    /// Desired-state file, or a directory of them (`*.yaml`); repeatable:
    /// plan, show the plan, ask for approval, apply.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Vec<PathBuf>,
    /// A plan saved with `cda plan --out` (no prompt; refused with exit 3 if stale).
    #[arg(value_name = "PLANFILE")]
    pub planfile: Option<PathBuf>,
    /// Do not ask for approval (required when stdin is not a terminal).
    #[arg(long)]
    pub auto_approve: bool,
    /// With -f: also read the VPCs and routes of gateways the files neither
    /// declare nor prune (as `cda plan --refresh-all`).
    #[arg(long, conflicts_with = "planfile")]
    pub refresh_all: bool,
    /// Print the exact ordered calls (method, path, redacted body) and send no write.
    #[arg(long)]
    pub dry_run: bool,
    /// Actions executed at once (writes to one gateway are always serialised).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..), value_name = "N")]
    pub parallelism: u16,
    /// Abort before any call when the plan deletes or replaces more than N objects.
    #[arg(long, value_name = "N")]
    pub max_destroy: Option<usize>,
    /// Apply a plan that deletes or replaces more than 20% of the managed
    /// live objects it read (and more than 3), which is refused otherwise.
    #[arg(long)]
    pub allow_mass_destroy: bool,
    #[command(flatten)]
    pub requested: RequestedArgs,
    /// Journal file (JSON lines); default .cda/journal/<UTC time ms>-<pid>.jsonl.
    #[arg(long, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// Also hold a lock shared by every runner, a PostgreSQL advisory lock
    /// keyed by region and account, for the whole apply (docs/gitops.md).
    #[arg(
        long,
        env = "CDA_LOCK_URL",
        hide_env_values = true,
        value_name = "postgres://…"
    )]
    pub lock_url: Option<String>,
    /// Wait up to this long (e.g. 90s, 10m) for a lock another apply holds,
    /// this directory's or the shared one, instead of failing at once.
    #[arg(
        long,
        env = "CDA_LOCK_TIMEOUT",
        default_value = "0s",
        value_name = "DURATION",
        value_parser = parse_duration
    )]
    pub lock_timeout: std::time::Duration,
    /// Wait up to SECS for a change the API accepted to show in its lists
    /// (eventual consistency), and for the writes an earlier, killed apply
    /// left in flight, before giving up on them.
    #[arg(
        long,
        env = "CDA_VISIBILITY_TIMEOUT",
        default_value_t = 60,
        value_name = "SECS"
    )]
    pub visibility_timeout: u64,
}

/// `--target` and `--replace`, with addresses as the plan prints them.
#[derive(Debug, Args)]
pub struct RequestedArgs {
    /// Plan only this object and what it needs (repeatable): a partial
    /// plan, for emergencies. A saved plan records its targets.
    #[arg(long = "target", value_name = "ADDRESS", requires = "file")]
    pub target: Vec<String>,
    /// Replace this object even where nothing forces it (repeatable), e.g.
    /// to re-attach a VPC or reset a BGP route's sessions.
    #[arg(long = "replace", value_name = "ADDRESS", requires = "file")]
    pub replace: Vec<String>,
}

impl RequestedArgs {
    /// The addresses in the form planning takes, each once.
    pub fn requested(&self) -> plan::action::Requested {
        let unique = |list: &[String]| {
            let mut out: Vec<String> = Vec::with_capacity(list.len());
            for a in list {
                if !out.contains(a) {
                    out.push(a.clone());
                }
            }
            out
        };
        plan::action::Requested {
            targets: unique(&self.target),
            replace: unique(&self.replace),
        }
    }
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A plan saved with `cda plan --out`.
    #[arg(value_name = "PLANFILE")]
    pub planfile: PathBuf,
    /// Print the plan as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to FILE instead of stdout.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Resource pool (`regionID`) to export; default: the emulator's, else required.
    #[arg(long, env = "CDA_REGION", value_name = "REGION")]
    pub region: Option<String>,
    /// Account e-mail sent as `account`; default: the emulator's demo account.
    #[arg(long, env = "CDA_ACCOUNT", value_name = "EMAIL")]
    pub account: Option<String>,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Desired-state file, or a directory of them (`*.yaml`); repeatable:
    /// also check that live names match the files' the way the plan will
    /// (the identity sanity check), read-only.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "from_capture"
    )]
    pub file: Vec<PathBuf>,
    /// Gateway whose per-gateway reads are checked; default: the first listed.
    #[arg(long, value_name = "NAME")]
    pub gateway: Option<String>,
    /// Resource pool (`regionID`) sent with the list calls.
    #[arg(long, env = "CDA_REGION", value_name = "REGION")]
    pub region: Option<String>,
    /// Write every exchange, redacted, as JSON lines to FILE (for a bug report).
    #[arg(long, value_name = "FILE", conflicts_with = "from_capture")]
    pub capture: Option<PathBuf>,
    /// Judge a capture offline instead of calling the API.
    #[arg(long, value_name = "FILE")]
    pub from_capture: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum EmulatorCommand {
    /// Serve the CDA API locally until Ctrl-C (state saved on exit).
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Persist state to FILE after every write and load it at start.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Seed an empty state from an inventory file (YAML or JSON).
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Accepted account (repeatable); default: the demo account, printed at start.
    #[arg(long = "account", value_name = "AK:SK:EMAIL", value_parser = emulator::parse_account)]
    pub accounts: Vec<emulator::Account>,
    /// Fixed latency added to every API response.
    #[arg(long, value_name = "N")]
    pub latency_ms: Option<u64>,
    /// Random extra latency up to N ms.
    #[arg(long, value_name = "N")]
    pub jitter_ms: Option<u64>,
    /// Probability (0–1) that a request fails with a transient fault.
    #[arg(long, value_name = "P", value_parser = parse_probability)]
    pub fault_rate: Option<f64>,
    /// Seed for deterministic faults and jitter.
    #[arg(long, value_name = "S")]
    pub fault_seed: Option<u64>,
    /// Hard request-rate limit per second (excess gets a throttling error).
    #[arg(long, value_name = "N")]
    pub qps: Option<u32>,
    /// How the server speaks: reference (tolerant, default), go, py4, doc
    /// (one public source each, strict) or shuffle (per endpoint, from the seed).
    #[arg(long, value_name = "DIALECT", default_value = "reference", value_parser = emulator::parse_dialect)]
    pub dialect: emulator::Dialect,
    /// Seed of `--dialect shuffle`: same seed, same behaviour per endpoint.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub dialect_seed: u64,
}

/// Terraform's flags take one dash (`-auto-approve`, `-out=x`); cda's long
/// options take two. The first argument spelt the Terraform way, with the
/// spelling cda understands: `("-auto-approve", "--auto-approve")`. Checked
/// before clap, which would read `-out` as `-o ut` or report the `a` of
/// `-auto-approve` as unknown.
pub fn terraform_spelling(args: &[std::ffi::OsString]) -> Option<(String, String)> {
    use clap::CommandFactory;
    // Terraform's `-target` and `-replace` are cda's `--target` and
    // `--replace` too.
    let mut longs: std::collections::BTreeSet<String> = ["target", "replace"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    collect_longs(&Cli::command(), &mut longs);
    args.iter()
        .skip(1)
        .map_while(|a| a.to_str().filter(|a| *a != "--"))
        .find_map(|arg| {
            let rest = arg.strip_prefix('-').filter(|r| !r.starts_with('-'))?;
            let (name, value) = match rest.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (rest, None),
            };
            if name.chars().count() < 2 || !longs.contains(name) {
                return None;
            }
            let suggestion = match value {
                Some(value) => format!("--{name}={value}"),
                None => format!("--{name}"),
            };
            Some((arg.to_owned(), suggestion))
        })
}

fn collect_longs(command: &clap::Command, into: &mut std::collections::BTreeSet<String>) {
    into.extend(
        command
            .get_arguments()
            .filter_map(|a| a.get_long())
            .map(str::to_owned),
    );
    for sub in command.get_subcommands() {
        collect_longs(sub, into);
    }
}

/// `90s`, `30m`, `4h`, `2d`.
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("expected a number and a unit (s, m, h, d), got {s:?}"))?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        _ => return Err(format!("unknown unit {unit:?}: use s, m, h or d")),
    };
    Ok(std::time::Duration::from_secs(secs))
}

fn parse_probability(s: &str) -> Result<f64, String> {
    let p: f64 = s.parse().map_err(|e| format!("{e}"))?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err("must be between 0 and 1".into())
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate the script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn apply_needs_exactly_one_source() {
        assert!(Cli::try_parse_from(["cda", "apply"]).is_err());
        assert!(Cli::try_parse_from(["cda", "apply", "-f", "a.yaml", "p.plan"]).is_err());
        let cli = Cli::try_parse_from(["cda", "apply", "p.plan", "--emulator"]).unwrap();
        assert!(cli.global.emulator);
        match cli.command {
            Command::Apply(a) => {
                assert_eq!(a.planfile, Some(PathBuf::from("p.plan")));
                assert!(a.file.is_empty());
                assert_eq!(a.parallelism, 10);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s").unwrap().as_secs(), 90);
        assert_eq!(parse_duration("30m").unwrap().as_secs(), 1800);
        assert_eq!(parse_duration("2d").unwrap().as_secs(), 172_800);
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("h").is_err());
    }

    fn spelling(args: &[&str]) -> Option<(String, String)> {
        let args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
        terraform_spelling(&args)
    }

    #[test]
    fn terraform_flags_with_one_dash_get_the_two_dash_spelling() {
        let cases = [
            (
                &["cda", "apply", "-f", "s.yaml", "-auto-approve"][..],
                "-auto-approve",
                "--auto-approve",
            ),
            (
                &["cda", "plan", "-f", "s.yaml", "-out=x"],
                "-out=x",
                "--out=x",
            ),
            (
                &["cda", "plan", "-detailed-exitcode", "-f", "s.yaml"],
                "-detailed-exitcode",
                "--detailed-exitcode",
            ),
            (&["cda", "plan", "-json"], "-json", "--json"),
            (
                &["cda", "plan", "-target=gateway.gw1"],
                "-target=gateway.gw1",
                "--target=gateway.gw1",
            ),
        ];
        for (args, given, wanted) in cases {
            assert_eq!(
                spelling(args),
                Some((given.into(), wanted.into())),
                "{args:?}"
            );
        }
        // Short options, clusters, values and unknown words are clap's.
        for args in [
            &["cda", "plan", "-f", "s.yaml", "-vv"][..],
            &["cda", "plan", "-fs.yaml"],
            &["cda", "plan", "-f", "s.yaml", "--out", "x"],
            &["cda", "plan", "-f", "s.yaml", "-bogus"],
            &["cda", "apply", "--", "-auto-approve"],
        ] {
            assert_eq!(spelling(args), None, "{args:?}");
        }
    }

    #[test]
    fn parallelism_zero_is_rejected() {
        assert!(
            Cli::try_parse_from(["cda", "apply", "-f", "a.yaml", "--parallelism", "0"]).is_err()
        );
    }
}
