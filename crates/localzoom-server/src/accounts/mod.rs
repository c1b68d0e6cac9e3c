//! Accounts: the default account created on first start (owner, Server-to-Server app), further
//! accounts made through the control plane, and moving users between a master's accounts
//! (`PUT /v2/accounts/{accountId}/users/{userId}/account`).
//!
//! Differences from Zoom: accounts are created only through `/_localzoom/accounts`; billing,
//! master/sub-account management beyond the stored relation and account settings are not modelled;
//! moving a user needs no managed-domain check.

pub mod input;
pub mod routes;
pub mod service;
