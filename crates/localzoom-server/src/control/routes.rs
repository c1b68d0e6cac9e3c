//! `/_localzoom/*` handlers.

use crate::directory::lookup::UserPath;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;

use crate::accounts::service as accounts;
use crate::auth::store::AppRow;
use crate::clock::{parse_rfc3339_ms, rfc3339};
use crate::error::ApiResult;
use crate::extract::{Body, PathParam, QueryMap};
use crate::state::AppState;
use crate::validate::{Check, Obj};

/// State and seed documents may be far larger than an API body: an export of 100k users is ~200 MB.
const DOCUMENT_LIMIT: usize = 1024 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_localzoom/health", get(health))
        .route("/_localzoom/clock", get(clock).post(set_clock))
        .route("/_localzoom/accounts", get(list_accounts).post(create_account))
        .route(
            "/_localzoom/accounts/{account_id}",
            get(get_account).put(update_account).delete(delete_account),
        )
        .route("/_localzoom/reset", post(reset))
        .route(
            "/_localzoom/seed",
            post(seed).layer(axum::extract::DefaultBodyLimit::max(DOCUMENT_LIMIT)),
        )
        .route(
            "/_localzoom/state",
            get(export_state)
                .put(import_state)
                .layer(axum::extract::DefaultBodyLimit::max(DOCUMENT_LIMIT)),
        )
        .route("/_localzoom/apps/{client_id}", axum::routing::delete(delete_app))
        .route("/_localzoom/users/{user_id}", get(inspect_user))
        .route("/_localzoom/ratelimits", get(ratelimits).put(set_ratelimits))
        .route("/_localzoom/latency", get(latency).put(set_latency))
        .route("/_localzoom/apps", get(list_apps).post(create_app))
}

async fn health(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(json!({"status": "ok"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unavailable"}))).into_response()
        }
    }
}

#[derive(Serialize)]
struct ClockView {
    now: String,
    frozen: bool,
}

fn clock_view(state: &AppState) -> ClockView {
    ClockView {
        now: rfc3339(state.clock.now()),
        frozen: state.clock.is_frozen(),
    }
}

async fn clock(State(state): State<AppState>) -> Json<ClockView> {
    Json(clock_view(&state))
}

const MAX_CLOCK_JUMP_SECONDS: u64 = 100 * 365 * 24 * 3600;

/// `{"advance_seconds": N}`, `{"now": "RFC 3339"}` and/or `{"frozen": bool}`; validated before any is applied.
async fn set_clock(State(state): State<AppState>, body: Body) -> ApiResult<Json<ClockView>> {
    let root = Obj::root(body.require()?);
    let mut check = Check::default();
    let advance = check.int(&root, "advance_seconds");
    let now = check.string(&root, "now", None).and_then(|s| {
        let parsed = parse_rfc3339_ms(&s);
        if parsed.is_none() {
            check.fail("now");
        }
        parsed
    });
    if advance.is_some_and(|a| a.unsigned_abs() > MAX_CLOCK_JUMP_SECONDS) {
        check.fail_with("advance_seconds", "The clock moves at most 100 years at a time.");
    }
    if now.is_some_and(|at| !(0..=4_102_444_800_000).contains(&at)) {
        check.fail_with("now", "The clock stays between 1970 and 2100.");
    }
    let frozen = check.boolean(&root, "frozen");
    if advance.is_none() && now.is_none() && frozen.is_none() && check.is_ok() {
        check.fail_with("advance_seconds", "Give advance_seconds, now or frozen.");
    }
    check.finish()?;
    crate::runtime::update(&state, |s| {
        if let Some(f) = frozen {
            s.clock.set_frozen(f);
        }
        if let Some(at) = now {
            s.clock.set_ms(at);
        }
        if let Some(secs) = advance {
            s.clock.advance_ms(secs.saturating_mul(1000));
        }
    })
    .await?;
    Ok(Json(clock_view(&state)))
}

async fn create_account(State(state): State<AppState>, body: Body) -> ApiResult<Response> {
    let empty = serde_json::Map::new();
    let root = Obj::root(if body.present { &body.fields } else { &empty });
    let mut check = Check::default();
    let plan = check.string(&root, "plan", None);
    let owner_email = check.string(&root, "owner_email", Some(128));
    let master = check.string(&root, "master_account_id", None);
    check.finish()?;
    let creds = accounts::create_account(&state, None, plan, owner_email, master).await?;
    Ok((StatusCode::CREATED, Json(creds)).into_response())
}

async fn list_accounts(State(state): State<AppState>) -> ApiResult<Response> {
    let accounts = crate::directory::accounts::all(state.store.pool()).await?;
    let views: Vec<serde_json::Value> = accounts.into_iter().map(account_json).collect();
    Ok(Json(json!({ "accounts": views })).into_response())
}

async fn delete_account(State(state): State<AppState>, PathParam(account_id): PathParam) -> ApiResult<StatusCode> {
    crate::control::reset::delete_account(&state, &account_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /_localzoom/reset[?account_id=ID]`.
async fn reset(State(state): State<AppState>, q: QueryMap) -> ApiResult<StatusCode> {
    // A present but empty account_id names no account: it never means "everything".
    match q.get("account_id") {
        Some(id) => crate::control::reset::reset_account(&state, id).await?,
        None => crate::control::reset::reset_all(&state).await?,
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn seed(State(state): State<AppState>, body: Body) -> ApiResult<Response> {
    let doc = serde_json::Value::Object(body.require()?.clone());
    let created = crate::control::seed::apply(&state, &doc).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn export_state(State(state): State<AppState>) -> ApiResult<Response> {
    Ok(Json(crate::control::state_doc::export(&state).await?).into_response())
}

async fn import_state(State(state): State<AppState>, body: Body) -> ApiResult<StatusCode> {
    let doc = serde_json::Value::Object(body.require()?.clone());
    crate::control::state_doc::import(&state, &doc).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_app(State(state): State<AppState>, PathParam(client_id): PathParam) -> ApiResult<StatusCode> {
    crate::control::reset::delete_app(&state, &client_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn inspect_user(State(state): State<AppState>, UserPath(user_id): UserPath) -> ApiResult<Response> {
    Ok(Json(crate::control::reset::inspect_user(&state, &user_id).await?).into_response())
}

async fn get_account(State(state): State<AppState>, PathParam(account_id): PathParam) -> ApiResult<Response> {
    let account = accounts::get_account(&state, &account_id).await?;
    Ok(account_view(account))
}

/// `{"plan": "free|pro|business"}`: the plan sets the account's rate limits.
async fn update_account(
    State(state): State<AppState>,
    PathParam(account_id): PathParam,
    body: Body,
) -> ApiResult<Response> {
    let root = Obj::root(body.require()?);
    let mut check = Check::default();
    let plan = check.required_string(&root, "plan", None);
    check.finish()?;
    let plan = plan.ok_or_else(|| crate::error::ApiError::invalid_field("plan"))?;
    let account = accounts::set_plan(&state, &account_id, &plan).await?;
    Ok(account_view(account))
}

fn account_view(account: crate::directory::accounts::AccountRow) -> Response {
    Json(account_json(account)).into_response()
}

fn account_json(account: crate::directory::accounts::AccountRow) -> serde_json::Value {
    json!({
        "id": account.id,
        "account_number": account.account_number,
        "plan": account.plan,
        "owner_id": account.owner_id,
        "master_account_id": account.master_account_id,
        "created_at": rfc3339(account.created_at),
        "default": account.is_default,
    })
}

#[derive(Serialize)]
struct SwitchesView {
    enabled: bool,
    scale: f64,
}

async fn ratelimits(State(state): State<AppState>) -> Json<SwitchesView> {
    let s = state.switches();
    Json(SwitchesView {
        enabled: s.enabled,
        scale: s.scale,
    })
}

/// `{"enabled": bool, "scale": N}`, either or both; every replica sharing the store follows.
async fn set_ratelimits(State(state): State<AppState>, body: Body) -> ApiResult<Json<SwitchesView>> {
    let root = Obj::root(body.require()?);
    let mut check = Check::default();
    let enabled = check.boolean(&root, "enabled");
    let scale = check.number(&root, "scale");
    if scale.is_some_and(|s| !crate::runtime::valid_scale(s)) {
        check.fail_with(
            "scale",
            format!(
                "The scale is a number above 0 and at most {}.",
                crate::runtime::MAX_SCALE
            ),
        );
    }
    if enabled.is_none() && scale.is_none() && check.is_ok() {
        check.fail_with("enabled", "Give enabled, scale or both.");
    }
    check.finish()?;
    let s = crate::runtime::update(&state, |s| {
        if let Some(e) = enabled {
            s.limits.enabled = e;
        }
        if let Some(x) = scale {
            s.limits.scale = x;
        }
    })
    .await?
    .limits;
    Ok(Json(SwitchesView {
        enabled: s.enabled,
        scale: s.scale,
    }))
}

async fn latency(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(json!({ "latency_ms": state.latencies() }))
}

const MAX_LATENCY_MS: i64 = 60_000;

/// `{"operation": "userDelete", "ms": 500}`: the operation (by Zoom's operation id) waits that long
/// while it holds its lock key, so tests can meet Zoom's concurrent-request 429s. 0 clears it.
/// Kept per process.
async fn set_latency(State(state): State<AppState>, body: Body) -> ApiResult<Json<serde_json::Value>> {
    let root = Obj::root(body.require()?);
    let mut check = Check::default();
    let operation = check.required_string(&root, "operation", None);
    if operation.as_deref().is_some_and(|o| !crate::auth::ops::is_known_id(o)) {
        check.fail("operation");
    }
    let ms = if check.required(&root, "ms") {
        check.int(&root, "ms")
    } else {
        None
    };
    if ms.is_some_and(|m| !(0..=MAX_LATENCY_MS).contains(&m)) {
        check.fail_with("ms", "Latency is 0 to 60000 milliseconds.");
    }
    check.finish()?;
    let (Some(operation), Some(ms)) = (operation, ms) else {
        return Err(crate::error::ApiError::invalid_field("operation"));
    };
    let all = state.set_latency_ms(&operation, ms.unsigned_abs());
    Ok(Json(json!({ "latency_ms": all })))
}

#[derive(Serialize)]
struct AppView {
    client_id: String,
    client_secret: String,
    account_id: String,
    name: String,
    scopes: Vec<String>,
    secret_token: String,
    /// `server_to_server` or `oauth`.
    #[serde(rename = "type")]
    kind: &'static str,
    redirect_uris: Vec<String>,
}

impl From<AppRow> for AppView {
    fn from(a: AppRow) -> Self {
        AppView {
            client_id: a.client_id,
            client_secret: a.client_secret,
            account_id: a.account_id,
            name: a.name,
            scopes: a.scopes.split_whitespace().map(str::to_string).collect(),
            secret_token: a.secret_token,
            kind: if a.kind == crate::auth::store::KIND_OAUTH {
                "oauth"
            } else {
                "server_to_server"
            },
            redirect_uris: a.redirect_uris.split_whitespace().map(str::to_string).collect(),
        }
    }
}

/// A Server-to-Server app with the scopes given (any the operation table knows), for testing scope errors.
async fn create_app(State(state): State<AppState>, body: Body) -> ApiResult<Response> {
    let root = Obj::root(body.require()?);
    let mut check = Check::default();
    let account_id = check.string(&root, "account_id", None);
    let oauth = match root.map.get("type") {
        None | Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::String(t)) if t == "server_to_server" => false,
        Some(serde_json::Value::String(t)) if t == "oauth" => true,
        Some(_) => {
            check.fail("type");
            false
        }
    };
    let name = check
        .string(&root, "name", Some(128))
        .unwrap_or_else(|| if oauth { "OAuth app" } else { "Server-to-Server app" }.into());
    let redirect_uris: Vec<String> = match root.map.get("redirect_uris") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, u)| match u.as_str() {
                Some(u) => Some(u.to_string()),
                None => {
                    check.fail(format!("redirect_uris[{i}]"));
                    None
                }
            })
            .collect(),
        Some(_) => {
            check.fail("redirect_uris");
            Vec::new()
        }
    };
    let known = crate::auth::known_scopes();
    let scopes: Vec<String> = match root.map.get("scopes") {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match s.as_str() {
                Some(s) if known.contains(&s) => Some(s.to_string()),
                _ => {
                    check.fail(format!("scopes[{i}]"));
                    None
                }
            })
            .collect(),
        Some(serde_json::Value::String(s)) => s
            .split_whitespace()
            .filter_map(|s| {
                if !known.contains(&s) {
                    check.fail("scopes");
                }
                known.contains(&s).then(|| s.to_string())
            })
            .collect(),
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(_) => {
            check.fail("scopes");
            Vec::new()
        }
    };
    // Its format is the service's rule; here only its type.
    let secret_token = match root.map.get("secret_token") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(t)) => Some(t.clone()),
        Some(_) => {
            check.fail("secret_token");
            None
        }
    };
    check.finish()?;
    let app = crate::auth::service::create_app(
        &state,
        crate::auth::service::NewApp {
            account_id,
            name,
            oauth,
            scopes,
            redirect_uris,
            credentials: None,
            secret_token,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(AppView::from(app))).into_response())
}

async fn list_apps(State(state): State<AppState>, q: QueryMap) -> ApiResult<Response> {
    let apps = crate::auth::service::list_apps(&state, q.get("account_id")).await?;
    Ok(Json(json!({"apps": apps.into_iter().map(AppView::from).collect::<Vec<_>>()})).into_response())
}
