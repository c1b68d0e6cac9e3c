//! The control plane under `/_localzoom/`: health, the clock, accounts and apps. It is how tests
//! set up and inspect localzoom; it never goes through Zoom's auth or limits.

pub mod routes;
