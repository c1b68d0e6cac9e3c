//! localzoom-server: a stateful emulator of Zoom's REST API v2, as a library.
//! `Server::new(config)` opens the store and bootstraps the default account; `serve` runs it.

#![deny(clippy::unwrap_used, clippy::expect_used)]

// First, so that `write_tx!` is in scope in every module after it.
#[macro_use]
pub mod store;
pub mod accounts;
pub mod assistants;
pub mod auth;
pub mod clock;
pub mod config;
pub mod control;
pub mod credentials;
pub mod directory;
#[cfg(feature = "embedded")]
pub mod embedded;
pub mod error;
pub mod events;
pub mod extract;
pub mod ids;
pub mod locks;
pub mod logging;
pub mod meetings;
pub mod pagination;
pub mod presence;
pub mod ratelimit;
pub mod registrants;
pub mod runtime;
pub mod settings;
pub mod state;
pub mod testing;
pub mod ui;
pub mod users;
pub mod validate;
pub mod webhooks;

use std::net::SocketAddr;

use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::{middleware, Router, ServiceExt};
use tokio::net::TcpListener;
use tower::Layer;
use tower_http::normalize_path::NormalizePathLayer;

pub use accounts::service::AccountCredentials;
pub use config::Config;
use error::ApiError;
pub use state::AppState;
use store::{Store, StoreError};

/// A ready server: store open, migrations applied, default account in place.
pub struct Server {
    state: AppState,
    credentials: AccountCredentials,
    seeded: Option<SeedOutcome>,
}

/// What became of `--seed FILE` at start.
#[derive(Debug, Clone)]
pub enum SeedOutcome {
    /// Applied to the new store; the ids it created.
    Applied(serde_json::Value),
    /// Left alone: the store already had data.
    Skipped,
}

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0} (change --seed)")]
    Seed(String),
}

impl Server {
    pub async fn new(config: Config) -> Result<Self, StartError> {
        let seed = match &config.seed {
            Some(path) => Some(control::seed::read_file(path).map_err(StartError::Seed)?),
            None => None,
        };
        let store = Store::open(&config).await?;
        let state = AppState::new(store, config);
        runtime::init(&state).await?;
        let credentials = accounts::service::bootstrap(&state).await?;
        let seeded = match seed {
            Some(doc) if control::seed::store_is_new(&state).await? => {
                let ids = control::seed::apply(&state, &doc).await.map_err(|e| {
                    let fields: Vec<String> = e.errors.iter().map(|f| format!("{}: {}", f.field, f.message)).collect();
                    StartError::Seed(format!(
                        "the seed document was refused: {} {}",
                        e.message,
                        fields.join("; ")
                    ))
                })?;
                Some(SeedOutcome::Applied(ids))
            }
            Some(_) => Some(SeedOutcome::Skipped),
            None => None,
        };
        Ok(Server {
            state,
            credentials,
            seeded,
        })
    }

    /// What became of `--seed FILE`, when one was given.
    pub fn seeded(&self) -> Option<&SeedOutcome> {
        self.seeded.as_ref()
    }

    /// The default account's ids and its Server-to-Server app's credentials.
    pub fn credentials(&self) -> &AccountCredentials {
        &self.credentials
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Every route, from each resource's `routes()`.
    pub fn router(&self) -> Router {
        Router::new()
            .merge(auth::routes::routes())
            .merge(auth::pages::routes())
            .merge(users::routes::routes())
            .merge(presence::routes::routes())
            .merge(assistants::routes::routes())
            .merge(credentials::routes::routes())
            .merge(accounts::routes::routes())
            .merge(meetings::routes::routes())
            .merge(registrants::routes::routes())
            .merge(settings::routes::routes())
            .merge(control::index())
            .merge(ui::routes(&self.state))
            .fallback(|| async { ApiError::route_not_found() })
            .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
            .layer(DefaultBodyLimit::max(self.state.config.max_body_bytes))
            .layer(middleware::from_fn_with_state(
                self.state.clone(),
                ratelimit::layer::enforce,
            ))
            .layer(middleware::from_fn_with_state(
                self.state.clone(),
                ratelimit::faults::oauth_layer,
            ))
            .layer(middleware::from_fn_with_state(self.state.clone(), runtime::sync))
            .layer(middleware::from_fn(logging::log_requests))
            .layer(middleware::from_fn_with_state(
                self.state.clone(),
                control::journal::record,
            ))
            .layer(middleware::from_fn(control::gate::json_bodies))
            .layer(middleware::from_fn_with_state(
                self.state.clone(),
                control::gate::require_token,
            ))
            .layer(middleware::from_fn(run_to_completion))
            .with_state(self.state.clone())
    }

    /// Serves on `listener` until `shutdown` resolves.
    pub async fn serve_with_shutdown(
        self,
        listener: TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // Trailing slashes are trimmed before routing, so `/v2/users/` is `/v2/users`.
        let app = NormalizePathLayer::trim_trailing_slash().layer(self.router());
        if let Ok(addr) = listener.local_addr() {
            let _ = self.state.bound_origin.set(format!("http://{addr}"));
        }
        // Webhook deliveries run beside the server and stop with it.
        let worker = tokio::spawn(webhooks::worker::run(self.state.clone()));
        let _stop_worker = AbortOnDrop(worker);
        axum::serve(listener, ServiceExt::<Request>::into_make_service(app))
            .with_graceful_shutdown(shutdown)
            .await
    }

    /// The address the server will listen on.
    pub fn bind_address(&self) -> String {
        format!("{}:{}", self.state.config.host, self.state.config.port)
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs each request on its own task, so a client that hangs up or times out cannot cancel a
/// handler halfway through a store call: the request finishes (or rolls back) as if it had
/// stayed, and only its answer is lost. A panic in a handler is answered as Zoom's 500.
async fn run_to_completion(req: Request, next: middleware::Next) -> axum::response::Response {
    match tokio::spawn(next.run(req)).await {
        Ok(response) => response,
        Err(e) => axum::response::IntoResponse::into_response(ApiError::internal(e)),
    }
}

/// Binds the configured address; the returned address carries the real port (for `--port 0`).
pub async fn bind(server: &Server) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(server.bind_address()).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}
