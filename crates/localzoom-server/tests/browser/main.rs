//! End-to-end tests in a real headless browser: a person on localzoom's pages.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod consent;
mod dashboard;
mod driver;
