//! The core of cda: desired state (YAML with spans, validation), the live
//! inventory model, diff, the ordered action graph with traffic impact,
//! renderings, the plan file, and whether a write took effect judged from
//! a re-read ([`verify`]). Data in, data out: no network I/O.

pub mod action;
pub mod attributes;
pub mod desired;
pub mod diff;
pub mod export;
pub mod guard;
pub mod identity_check;
pub mod inventory;
pub mod model;
pub mod planfile;
pub mod reads;
pub mod region;
pub mod render;
pub mod schema;
#[cfg(any(test, feature = "testing"))]
#[doc(hidden)]
pub mod testing;
pub mod verify;

pub use action::{Action, ActionId, ChangeKind, Impact, Operation, Plan, ResourceKind};
pub use diff::{plan, plan_normalised, PlanError, PlanOptions};
pub use inventory::{Inventory, NormalisedInventory};
pub use model::DesiredState;

use sha2::{Digest, Sha256};

/// The one way a secret is compared: lower-hex SHA-256 of its bytes, prefixed
/// so it is never mistaken for the secret. Used for live keys at refresh and
/// for referenced keys at plan time.
pub fn secret_hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    format!("sha256:{}", hex::encode(digest))
}
