//! The control plane under `/_localzoom/`: health, the clock, accounts and apps. It is how tests
//! set up and inspect localzoom; it never goes through Zoom's auth or limits.

pub mod faults;
pub mod gate;
pub mod journal;
pub mod reset;
pub mod routes;
pub mod seed;
pub mod state_doc;
pub mod tools;
