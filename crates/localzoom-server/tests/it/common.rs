//! `spawn_app()`, raw HTTP helpers and strict validation against the reference OpenAPI schemas.

use std::sync::OnceLock;

use localzoom_client::Client;
use localzoom_server::testing::TestDatabase;
use localzoom_server::{AccountCredentials, Config, Server};
use reqwest::Method;
use serde_json::{json, Map, Value};

pub struct TestApp {
    pub origin: String,
    pub creds: AccountCredentials,
    pub client: Client,
    pub http: reqwest::Client,
    pub token: String,
    /// Kept so the data directory lives as long as the server.
    pub _dir: tempfile::TempDir,
    /// The PostgreSQL database, when the suite runs on PostgreSQL.
    pub db: Option<std::sync::Arc<TestDatabase>>,
    pub config: Config,
    /// The server's store, to subscribe to its committed events.
    pub store: localzoom_server::store::Store,
}

pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

/// A fresh store: a data directory, or a new PostgreSQL database when `LOCALZOOM_TEST_POSTGRES_URL` is set.
pub async fn fresh_config() -> (Config, tempfile::TempDir, Option<std::sync::Arc<TestDatabase>>) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::from_env().await.map(std::sync::Arc::new);
    let config = Config {
        data_dir: Some(dir.path().to_path_buf()),
        database_url: db.as_ref().map(|d| d.url.clone()),
        port: 0,
        ..Config::default()
    };
    (config, dir, db)
}

pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let (mut config, dir, db) = fresh_config().await;
    tweak(&mut config);
    start(config, dir, db).await
}

/// Two servers over one store, as replicas behind a load balancer would be.
pub async fn spawn_replicas() -> (TestApp, TestApp) {
    let a = spawn_app().await;
    let b = start(a.config.clone(), tempfile::tempdir().unwrap(), a.db.clone()).await;
    assert_eq!(a.creds.client_id, b.creds.client_id);
    (a, b)
}

pub async fn start(config: Config, dir: tempfile::TempDir, db: Option<std::sync::Arc<TestDatabase>>) -> TestApp {
    let kept = config.clone();
    let server = Server::new(config).await.expect("server starts");
    let store = server.state().store.clone();
    let creds = server.credentials().clone();
    let (listener, addr) = localzoom_server::bind(&server).await.unwrap();
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    let origin = format!("http://{addr}");
    let client = Client::builder()
        .base_url(&origin)
        .server_to_server(&creds.account_id, &creds.client_id, &creds.client_secret)
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let token = token_for(
        &http,
        &origin,
        &creds.account_id,
        &creds.client_id,
        &creds.client_secret,
    )
    .await;
    TestApp {
        origin,
        creds,
        client,
        http,
        token,
        _dir: dir,
        db,
        config: kept,
        store,
    }
}

/// A server that stops (gracefully, its webhook worker with it) when the sender is used or dropped.
pub async fn start_stoppable(
    config: Config,
    dir: tempfile::TempDir,
    db: Option<std::sync::Arc<TestDatabase>>,
) -> (TestApp, tokio::sync::oneshot::Sender<()>) {
    let kept = config.clone();
    let server = Server::new(config).await.expect("server starts");
    let store = server.state().store.clone();
    let creds = server.credentials().clone();
    let (listener, addr) = localzoom_server::bind(&server).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.serve_with_shutdown(listener, async {
        let _ = stopped.await;
    }));
    let origin = format!("http://{addr}");
    let client = Client::builder()
        .base_url(&origin)
        .server_to_server(&creds.account_id, &creds.client_id, &creds.client_secret)
        .build()
        .unwrap();
    // No connection kept alive, so a graceful stop is not held up by an idle one.
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let token = token_for(
        &http,
        &origin,
        &creds.account_id,
        &creds.client_id,
        &creds.client_secret,
    )
    .await;
    let app = TestApp {
        origin,
        creds,
        client,
        http,
        token,
        _dir: dir,
        db,
        config: kept,
        store,
    };
    (app, stop)
}

pub async fn token_for(http: &reqwest::Client, origin: &str, account: &str, id: &str, secret: &str) -> String {
    let resp = http
        .post(format!(
            "{origin}/oauth/token?grant_type=account_credentials&account_id={account}"
        ))
        .basic_auth(id, Some(secret))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The `field` of each entry of a 400's `errors` list, in order.
pub fn error_fields(body: &Value) -> Vec<&str> {
    body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors list: {body}"))
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

/// Status and JSON body (Null when empty).
pub async fn read(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)))
    };
    (status, body)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.origin, path)
    }

    pub fn req(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path)).bearer_auth(&self.token)
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = self.req(method, path);
        if let Some(b) = body {
            r = r.json(&b);
        }
        read(r.send().await.unwrap()).await
    }

    /// A user created through the client (setup, not a test of the wire).
    pub async fn create_user(&self, email: &str, action: &str, user_type: i64) -> String {
        let req = zoom_types::users::CreateUserRequest {
            action: action.to_string(),
            user_info: zoom_types::users::NewUserInfo {
                email: email.into(),
                user_type,
                first_name: Some("Test".into()),
                last_name: Some("User".into()),
                ..Default::default()
            },
        };
        match self.client.users().create(&req).await {
            Ok(created) => created.id,
            Err(e) => panic!("creating {email}: {e}"),
        }
    }

    /// Roles have no API in localzoom yet: tests set them in the store.
    pub async fn set_role(&self, user_id: &str, role: &str) {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let url = match &self.db {
            Some(db) => db.url.clone(),
            None => format!("sqlite://{}/localzoom.db", self._dir.path().display()),
        };
        let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
        let done = sqlx::query("UPDATE users SET role_id = $1 WHERE id = $2")
            .bind(role)
            .bind(user_id)
            .execute(&mut conn)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1);
        conn.close().await.unwrap();
    }

    /// A new token of the default app.
    pub async fn fresh_token(&self) -> String {
        token_for(
            &self.http,
            &self.origin,
            &self.creds.account_id,
            &self.creds.client_id,
            &self.creds.client_secret,
        )
        .await
    }

    /// A call with another token than the app's own.
    pub async fn call_as(&self, token: &str, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        read(r.send().await.unwrap()).await
    }

    /// A registrant added through the API (setup); its `registrant_id`.
    pub async fn add_registrant(&self, meeting: i64, email: &str) -> String {
        let (s, r) = self
            .call(
                Method::POST,
                &format!("/v2/meetings/{meeting}/registrants"),
                Some(json!({"email": email, "first_name": "R"})),
            )
            .await;
        assert_eq!(s, 201, "{r}");
        r["registrant_id"].as_str().unwrap().to_string()
    }

    /// A control-plane GET (no token).
    pub async fn control_get(&self, path: &str) -> (u16, Value) {
        read(self.http.get(self.url(path)).send().await.unwrap()).await
    }

    /// A control-plane call (no token).
    pub async fn control(&self, method: Method, path: &str, body: Value) -> (u16, Value) {
        read(
            self.http
                .request(method, self.url(path))
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Freezes the clock at `at` (RFC 3339), so windows and days are exact.
    pub async fn freeze_at(&self, at: &str) {
        let (s, body) = self
            .control(Method::POST, "/_localzoom/clock", json!({"frozen": true, "now": at}))
            .await;
        assert_eq!(s, 200, "{body}");
    }

    pub async fn set_plan(&self, plan: &str) {
        let path = format!("/_localzoom/accounts/{}", self.creds.account_id);
        let (s, body) = self.control(Method::PUT, &path, json!({ "plan": plan })).await;
        assert_eq!((s, body["plan"].as_str()), (200, Some(plan)), "{body}");
    }

    /// Freezes the clock, so limits measured in seconds are exact in tests.
    pub async fn freeze_clock(&self) {
        let resp = self
            .http
            .post(self.url("/_localzoom/clock"))
            .json(&json!({"frozen": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }

    pub async fn set_client(&self, user: &str, signed_in: bool) -> Value {
        let resp = self
            .http
            .put(self.url(&format!("/_localzoom/users/{user}/client")))
            .json(&json!({ "signed_in": signed_in }))
            .send()
            .await
            .unwrap();
        let (s, body) = read(resp).await;
        assert_eq!(s, 200, "{body}");
        body
    }

    pub async fn advance_clock(&self, seconds: i64) {
        let (s, _) = read(
            self.http
                .post(self.url("/_localzoom/clock"))
                .json(&json!({"advance_seconds": seconds}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 200);
    }

    /// A second, independent account with its own token.
    pub async fn other_account(&self) -> (Value, String) {
        let (s, acct) = read(
            self.http
                .post(self.url("/_localzoom/accounts"))
                .json(&json!({}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 201, "{acct}");
        let token = token_for(
            &self.http,
            &self.origin,
            acct["account_id"].as_str().unwrap(),
            acct["client_id"].as_str().unwrap(),
            acct["client_secret"].as_str().unwrap(),
        )
        .await;
        (acct, token)
    }

    /// An app of the default account holding only `scopes`, and a token of it.
    pub async fn token_with_scopes(&self, scopes: &[&str]) -> String {
        let (s, app) = read(
            self.http
                .post(self.url("/_localzoom/apps"))
                .json(&json!({"scopes": scopes}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 201, "{app}");
        token_for(
            &self.http,
            &self.origin,
            &self.creds.account_id,
            app["client_id"].as_str().unwrap(),
            app["client_secret"].as_str().unwrap(),
        )
        .await
    }
}

/// Unix seconds of an RFC 3339 timestamp.
pub fn parse_time(s: &str) -> i64 {
    localzoom_server::clock::parse_rfc3339_ms(s).unwrap() / 1000
}

// ---- schema validation ----

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ZoomUserAPISpec.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    })
}

fn meetings_spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ZoomMeetingsAPI.openapi.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    })
}

/// Validates against the Meetings reference, strictly. `extra` names properties the checklist
/// says Zoom returns that this operation's schema leaves out (they are allowed, as strings or ints).
pub fn assert_meeting_schema(path: &str, method: &str, status: &str, body: &Value, extra: &[&str]) {
    validate_with(meetings_spec(), path, method, status, body, &[], extra);
}

fn lookup<'a>(root: &'a Value, reference: &str) -> &'a Value {
    let mut v = root;
    for part in reference.trim_start_matches("#/").split('/') {
        v = &v[part.replace("~1", "/").replace("~0", "~")];
    }
    v
}

/// Resolves `$ref`s, merges `allOf` and flattens `oneOf`/`anyOf` of objects into their union.
fn resolve(v: &Value, root: &Value) -> Value {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                return resolve(lookup(root, r), root);
            }
            if let Some(Value::Array(parts)) = map.get("allOf") {
                let mut merged = Map::new();
                let mut props = Map::new();
                let mut required: Vec<Value> = Vec::new();
                for p in parts.iter().map(|p| resolve(p, root)) {
                    if let Some(Value::Object(pp)) = p.get("properties") {
                        props.extend(pp.clone());
                    }
                    if let Some(Value::Array(r)) = p.get("required") {
                        required.extend(r.clone());
                    }
                    for (k, val) in p.as_object().cloned().unwrap_or_default() {
                        if k != "properties" && k != "required" {
                            merged.insert(k, val);
                        }
                    }
                }
                merged.insert("type".into(), json!("object"));
                merged.insert("properties".into(), Value::Object(props));
                if !required.is_empty() {
                    merged.insert("required".into(), Value::Array(required));
                }
                return Value::Object(merged);
            }
            Value::Object(map.iter().map(|(k, v)| (k.clone(), resolve(v, root))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| resolve(i, root)).collect()),
        other => other.clone(),
    }
}

fn drop_enum(v: &mut Value, property: &str) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Object(p)) = map.get_mut("properties").and_then(|p| p.get_mut(property)) {
                p.remove("enum");
            }
            map.values_mut().for_each(|c| drop_enum(c, property));
        }
        Value::Array(items) => items.iter_mut().for_each(|c| drop_enum(c, property)),
        _ => {}
    }
}

/// Forbids undeclared properties everywhere and puts back the enums the reference only describes.
fn strict(v: &mut Value, enums: &[(&str, Value)]) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                for (name, allowed) in enums {
                    let want = if allowed[0].is_string() { "string" } else { "integer" };
                    if let Some(Value::Object(p)) = props.get_mut(*name) {
                        let items_type = p.get("items").and_then(|i| i.get("type")).cloned();
                        if p.get("type") == Some(&json!("array")) && items_type == Some(json!(want)) {
                            if let Some(Value::Object(items)) = p.get_mut("items") {
                                items.insert("enum".into(), allowed.clone());
                            }
                        } else if p.get("type") == Some(&json!(want)) {
                            p.insert("enum".into(), allowed.clone());
                        }
                    }
                }
                for p in props.values_mut() {
                    strict(p, enums);
                }
                map.entry("additionalProperties").or_insert(json!(false));
            }
            for (k, child) in map.iter_mut() {
                if k != "properties" {
                    strict(child, enums);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| strict(i, enums)),
        _ => {}
    }
}

/// The enums of the Users reference (checklist Appendix A).
pub fn user_enums() -> Vec<(&'static str, Value)> {
    vec![
        ("type", json!([1, 2, 4, 99])),
        ("status", json!(["active", "inactive", "pending"])),
        ("verified", json!([0, 1])),
        ("pronouns_option", json!([1, 2, 3])),
        ("login_types", json!([0, 1, 24, 27, 97, 98, 99, 100, 101, 11, 21, 23])),
    ]
}

/// Validates `body` against the reference response schema of `method path` at `status`
/// (`"default"` for error bodies), strictly.
pub fn assert_schema(path: &str, method: &str, status: &str, body: &Value) {
    assert_schema_with(path, method, status, body, &user_enums());
}

/// The GET presence vocabulary.
pub fn presence_enums() -> Vec<(&'static str, Value)> {
    vec![(
        "status",
        json!([
            "Away",
            "Available",
            "Offline",
            "In_A_Meeting",
            "In_A_Call",
            "In_A_Calendar_Event",
            "Presenting",
            "Out_of_Office",
            "Busy",
            "Do_Not_Disturb"
        ]),
    )]
}

/// `assert_schema` with the enums to enforce.
pub fn assert_schema_with(path: &str, method: &str, status: &str, body: &Value, enums: &[(&str, Value)]) {
    validate_with(spec(), path, method, status, body, enums, &[]);
}

fn validate_with(
    root: &Value,
    path: &str,
    method: &str,
    status: &str,
    body: &Value,
    enums: &[(&str, Value)],
    extra: &[&str],
) {
    let op = &root["paths"][path][method];
    assert!(op.is_object(), "no operation {method} {path} in the reference");
    let schema = &op["responses"][status]["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "no {status} schema for {method} {path}");
    let mut schema = resolve(schema, root);
    // The Meetings reference lists `weekly_days` as one digit while its own description (and Zoom)
    // take several, comma-separated ("2,4"): that enum is dropped.
    drop_enum(&mut schema, "weekly_days");
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        for name in extra {
            props.insert(name.to_string(), json!({"type": ["string", "integer"]}));
        }
    }
    strict(&mut schema, enums);
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status} does not match the reference: {errors:#?}\nbody: {body:#}"
    );
}

#[test]
fn the_validator_rejects_undeclared_fields_and_bad_enums() {
    let ok = json!({"email": "a@b.co", "first_name": "A", "id": "x", "last_name": "B", "type": 1});
    assert_schema("/users", "post", "201", &ok);
    let extra = json!({"email": "a@b.co", "id": "x", "type": 1, "surprise": true});
    assert!(std::panic::catch_unwind(|| assert_schema("/users", "post", "201", &extra)).is_err());
    let bad_enum = json!({"email": "a@b.co", "id": "x", "type": 3});
    assert!(std::panic::catch_unwind(|| assert_schema("/users", "post", "201", &bad_enum)).is_err());
}
