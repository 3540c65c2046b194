//! The response envelope (REFERENCE §1.1), the error catalogue and request
//! parameters read from the query string and/or a JSON body.

mod codes;
mod envelope;
mod params;

pub use codes::{Code, CodeInfo};
pub use envelope::{result_object, success, success_text, ApiError};
pub use params::Params;
