//! A connection to the CDA API: the real endpoint with the user's
//! credentials, or the embedded emulator (`--emulator`).

use crate::cli::GlobalArgs;
use anyhow::Context as _;
use cda_api::{Client, ClientConfig, Credentials};
use std::sync::Arc;

pub struct Session {
    pub client: Arc<Client>,
    /// Account e-mail from the credentials (or the emulator's demo account),
    /// used when the desired-state file names none.
    pub account: Option<String>,
    /// Region to export when none is given (the emulator's).
    pub default_region: Option<String>,
}

impl Session {
    pub async fn connect(global: &GlobalArgs) -> anyhow::Result<Session> {
        if global.emulator {
            anyhow::bail!("--emulator is not available in this build yet");
        }
        let credentials = match &global.credentials {
            Some(path) => Credentials::from_file(path)?,
            None => Credentials::from_env()?,
        };
        let account = credentials.account.clone();
        let config = ClientConfig::new(credentials).with_endpoint(global.endpoint.clone());
        let client = Client::new(config).context("configuring the API client")?;
        Ok(Session {
            client: Arc::new(client),
            account,
            default_region: None,
        })
    }

    /// Release the session (stops the embedded emulator, saving its state).
    pub async fn close(self) {}
}
