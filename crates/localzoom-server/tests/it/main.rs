//! Integration tests: each starts a real localzoom on port 0 with a fresh store and talks HTTP to it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod assistants;
mod attributes;
mod bodies;
mod common;
mod control;
mod control_plane;
mod credentials;
mod dashboard;
mod events;
mod hostile;
mod layers;
mod meetings;
mod oauth;
mod presence;
mod ratelimits;
mod registrants;
mod reliability;
mod replicas;
mod routes;
mod seeds;
mod settings;
mod state;
mod user_oauth;
mod users;
mod webhooks;
