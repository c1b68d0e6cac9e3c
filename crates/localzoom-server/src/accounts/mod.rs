//! Accounts: the default account created on first start (owner, Server-to-Server app) and further
//! accounts made through the control plane.
//!
//! Differences from Zoom: accounts are created only through `/_localzoom/accounts`; billing,
//! master/sub-account management beyond the stored relation and account settings are not modelled.

pub mod service;
pub mod store;
