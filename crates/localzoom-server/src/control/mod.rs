//! The control plane under `/_localzoom/` (`index` lists every route): health, the clock, accounts,
//! apps, reset, seed, state, journal, faults. It is how tests set up and inspect localzoom; it never
//! goes through Zoom's auth or limits.

pub mod gate;
pub mod journal;
pub mod reset;
pub mod routes;
pub mod seed;
pub mod state_doc;
mod state_tables;
pub mod tools;

use axum::Router;

use crate::state::AppState;

/// Every `/_localzoom/*` API route in one index: the control plane's own (state, clock, accounts,
/// apps, journal, faults) and those each resource contributes. The dashboard (`ui::routes`, which
/// uses the control plane) is merged beside it in `Server::router`. The gate in `gate.rs` guards
/// them all but the health check and the dashboard's sign-in.
pub fn index() -> Router<AppState> {
    Router::new()
        .merge(routes::routes())
        .merge(tools::routes())
        .merge(crate::users::routes::control_routes())
        .merge(crate::presence::routes::control_routes())
        .merge(crate::credentials::routes::control_routes())
        .merge(crate::meetings::routes::control_routes())
        .merge(crate::webhooks::routes::control_routes())
}
