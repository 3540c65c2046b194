//! `--capture FILE` / `--from-capture FILE`: every exchange of a run as
//! JSON lines, redacted, so a user can attach it to a bug report and
//! `cda doctor --from-capture` can judge it again offline.
//!
//! Line 1 is a [`Header`] (what was asked); each further line is one
//! [`Probe`]: why it was sent (placement, gateway key or read), to which
//! endpoint, the variant tried, and the exchange itself.

use anyhow::Context as _;
use cda_api::Exchange;
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::Path;

/// Why an exchange was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ProbeKind {
    /// Which GET parameter placement the server accepts.
    Placement,
    /// Which gateway key the server accepts.
    GatewayKey,
    /// One read as cda would make it.
    Read,
}

/// One exchange and why it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Probe {
    pub probe: ProbeKind,
    /// Endpoint name (`gateway_list`, `vpc_list`, …).
    pub endpoint: String,
    /// `query`/`body`/`both`, `gatewayName`/`vrfName`/`both`, or `read`.
    pub variant: String,
    pub exchange: Exchange,
}

/// The first line of a capture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Header {
    /// cda version that wrote it.
    pub cda_doctor: String,
    /// Base URL the run talked to.
    pub endpoint: String,
    /// `--gateway` as given.
    #[serde(default)]
    pub gateway: Option<String>,
}

/// Writes the header and every probe, already redacted, one JSON object
/// per line; the file is created with mode 600 (it names the estate).
pub fn write(path: &Path, header: &Header, probes: &[Probe]) -> anyhow::Result<()> {
    let mut text = serde_json::to_string(header)?;
    text.push('\n');
    for probe in probes {
        text.push_str(&serde_json::to_string(probe)?);
        text.push('\n');
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating the capture {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("writing the capture {}", path.display()))
}

/// Reads a capture written by [`write`].
pub fn read(path: &Path) -> anyhow::Result<(Header, Vec<Probe>)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the capture {}", path.display()))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, first)) = lines.next() else {
        anyhow::bail!("{}: the capture is empty", path.display());
    };
    let header: Header = serde_json::from_str(first)
        .with_context(|| format!("{}:1: not a cda doctor capture header", path.display()))?;
    let probes = lines
        .map(|(i, line)| {
            serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not a captured exchange", path.display(), i + 1))
        })
        .collect::<anyhow::Result<Vec<Probe>>>()?;
    Ok((header, probes))
}
