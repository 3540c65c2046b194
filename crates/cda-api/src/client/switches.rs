//! Switches: `switch/list`.

use super::Client;
use crate::decode::{self, shapes};
use crate::error::Error;
use crate::request::requests;
use crate::types::*;

requests! {
    SwitchListRequest => SWITCH_LIST -> Vec<Switch> = decode::items(&shapes::SWITCHES);
}

impl Client {
    pub async fn switch_list(&self, request: &SwitchListRequest) -> Result<Vec<Switch>, Error> {
        self.send(request).await
    }
}
