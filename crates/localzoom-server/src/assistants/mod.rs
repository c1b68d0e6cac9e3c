//! Scheduling privileges: a user's assistants (`/users/{userId}/assistants`) and, the same relation
//! read from the other side, an assistant's schedulers (`/users/{userId}/schedulers`).
//!
//! Differences from Zoom: assistants must be in the same account (Zoom also allows accounts of the
//! same organisation); the co-host option and On-prem licences are not modelled (type 2 only).

pub mod input;
pub mod routes;
pub mod service;
pub mod store;
