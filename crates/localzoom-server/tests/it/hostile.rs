//! Property tests of the decoders through HTTP: generated bodies (JSON, form, multipart, bytes, under
//! any content type), query strings and page tokens sent to real routes with real ids. Every answer
//! is below 500, and every refusal is Zoom's `{"code","message"}` (OAuth's `{"reason","error"}`).
//! `PROPTEST_CASES` sets the number of cases per property.

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use serde_json::{json, Map, Value};

use crate::common::{spawn_with, TestApp};
use crate::meetings::create_meeting;

struct Target {
    app: TestApp,
    user: String,
    meeting: i64,
    registrant: String,
}

/// One server for every case: the properties drive many requests, each on its own state.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

fn target() -> &'static Target {
    static T: OnceLock<Target> = OnceLock::new();
    T.get_or_init(|| {
        runtime().block_on(async {
            let app = spawn_with(|c| c.rate_limits = localzoom_server::config::RateLimitMode::Off).await;
            let user = app.create_user("fuzz@example.com", "custCreate", 2).await;
            let m = create_meeting(
                &app,
                &user,
                json!({"topic": "Fuzz", "type": 2, "start_time": "2030-01-01T10:00:00Z", "settings": {"approval_type": 1}}),
            )
            .await;
            let meeting = m["id"].as_i64().unwrap();
            let (s, r) = app
                .call(
                    reqwest::Method::POST,
                    &format!("/v2/meetings/{meeting}/registrants"),
                    Some(json!({"email": "r@example.com", "first_name": "R"})),
                )
                .await;
            assert_eq!(s, 201, "{r}");
            let registrant = r["registrant_id"].as_str().unwrap().to_string();
            Target {
                app,
                user,
                meeting,
                registrant,
            }
        })
    })
}

/// Field names the services read, so generated bodies reach the rules and not only the parser.
const KEYS: &[&str] = &[
    "action",
    "user_info",
    "email",
    "type",
    "first_name",
    "last_name",
    "display_name",
    "password",
    "status",
    "duration",
    "topic",
    "start_time",
    "timezone",
    "settings",
    "approval_type",
    "registrants",
    "id",
    "occurrence_ids",
    "recurrence",
    "dept",
    "phone_number",
    "custom_attributes",
    "assistants",
    "feature_type",
    "feature_value",
    "users",
    "account_id",
    "signed_in",
    "count",
    "auto_approve",
    "questions",
    "answer",
    "x",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)),
        ".{0,40}".prop_map(Value::String),
        prop::sample::select(vec![
            "",
            "a@b.co",
            "2030-01-01T10:00:00Z",
            "1",
            "true",
            "approve",
            "custCreate"
        ])
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS.to_vec()), inner), 0..6).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<_, _>>())
            }),
        ]
    })
}

#[derive(Debug, Clone)]
enum Payload {
    Json(Value),
    RawBytes(Vec<u8>),
    Form(Vec<(String, String)>),
    Multipart(String, Vec<u8>),
}

fn payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        4 => json_value().prop_map(Payload::Json),
        2 => prop::collection::vec(any::<u8>(), 0..300).prop_map(Payload::RawBytes),
        2 => prop::collection::vec((prop::sample::select(KEYS.to_vec()).prop_map(String::from), ".{0,20}"), 0..6)
            .prop_map(Payload::Form),
        1 => ("[a-zA-Z0-9]{1,20}", prop::collection::vec(any::<u8>(), 0..300)).prop_map(|(b, bytes)| {
            let mut body = format!("--{b}\r\nContent-Disposition: form-data; name=\"pic_file\"; filename=\"x.png\"\r\n\r\n").into_bytes();
            body.extend(bytes);
            Payload::Multipart(b, body)
        }),
    ]
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop::sample::select(vec![
        None,
        Some("application/json".to_string()),
        Some("application/x-www-form-urlencoded".to_string()),
        Some("multipart/form-data; boundary=zz".to_string()),
        Some("multipart/form-data".to_string()),
        Some("text/plain".to_string()),
        Some("application/json; charset=latin1".to_string()),
    ])
}

fn routes(t: &Target) -> Vec<(reqwest::Method, String)> {
    use reqwest::Method as M;
    let (u, m, r) = (&t.user, t.meeting, &t.registrant);
    vec![
        (M::POST, "/v2/users".into()),
        (M::PATCH, format!("/v2/users/{u}")),
        (M::PUT, format!("/v2/users/{u}/status")),
        (M::PUT, format!("/v2/users/{u}/presence_status")),
        (M::PUT, format!("/v2/users/{u}/email")),
        (M::PUT, format!("/v2/users/{u}/password")),
        (M::POST, format!("/v2/users/{u}/assistants")),
        (M::POST, format!("/v2/users/{u}/schedulers")),
        (M::PATCH, format!("/v2/users/{u}/settings")),
        (M::POST, format!("/v2/users/{u}/picture")),
        (M::POST, format!("/v2/users/{u}/settings/virtual_backgrounds")),
        (M::POST, "/v2/users/features".into()),
        (M::POST, format!("/v2/users/{u}/meetings")),
        (M::PATCH, format!("/v2/meetings/{m}")),
        (M::PUT, format!("/v2/meetings/{m}/status")),
        (M::POST, format!("/v2/meetings/{m}/registrants")),
        (M::PUT, format!("/v2/meetings/{m}/registrants/status")),
        (M::PATCH, format!("/v2/meetings/{m}/registrants/questions")),
        (M::POST, format!("/v2/meetings/{m}/batch_registrants")),
        (M::GET, format!("/v2/meetings/{m}/registrants/{r}")),
        (M::PUT, "/v2/accounts/me/users/nobody/account".into()),
        (M::POST, "/_localzoom/accounts".into()),
        (M::POST, "/_localzoom/clock".into()),
        (M::PUT, "/_localzoom/ratelimits".into()),
        (M::POST, "/_localzoom/users/seed".into()),
        (M::PUT, format!("/_localzoom/users/{u}/client")),
    ]
}

/// Sends one request and checks the answer's shape; returns an error naming what was wrong.
async fn check(req: reqwest::RequestBuilder, what: &str) -> Result<(), String> {
    let resp = req.send().await.map_err(|e| format!("{what}: no answer: {e}"))?;
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.map_err(|e| format!("{what}: {e}"))?;
    if status >= 500 {
        return Err(format!("{what}: {status} {}", String::from_utf8_lossy(&bytes)));
    }
    if status >= 400 {
        let body: Value = serde_json::from_slice(&bytes)
            .map_err(|_| format!("{what}: {status} is not JSON: {}", String::from_utf8_lossy(&bytes)))?;
        let zoom = body["code"].is_i64() && body["message"].is_string();
        let oauth = body["reason"].is_string() && body["error"].is_string();
        if !(zoom || oauth) {
            return Err(format!("{what}: {status} without Zoom's error body: {body}"));
        }
    }
    Ok(())
}

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

#[test]
fn generated_bodies_never_get_a_5xx_and_refusals_are_zoom_shaped() {
    let t = target();
    let routes = routes(t);
    let mut runner = TestRunner::new(cases(400));
    let strategy = (0..routes.len(), payload(), content_type());
    runner
        .run(&strategy, |(i, p, ct)| {
            let (method, path) = &routes[i];
            let app = &t.app;
            let mut req = app.req(method.clone(), path);
            if !path.starts_with("/v2") {
                req = app.http.request(method.clone(), app.url(path));
            }
            req = match &p {
                Payload::Json(v) => req.body(serde_json::to_vec(v).unwrap()),
                Payload::RawBytes(b) => req.body(b.clone()),
                Payload::Form(kv) => req.body(serde_urlencoded::to_string(kv).unwrap()),
                Payload::Multipart(_, b) => req.body(b.clone()),
            };
            let ct = match (&p, ct) {
                (Payload::Multipart(b, _), Some(c)) if c.starts_with("multipart") => {
                    Some(format!("multipart/form-data; boundary={b}"))
                }
                (_, c) => c,
            };
            if let Some(c) = &ct {
                req = req.header("content-type", c);
            }
            let what = format!("{method} {path} ({ct:?}) {p:?}");
            runtime().block_on(check(req, &what)).map_err(TestCaseError::fail)
        })
        .unwrap();
}

#[test]
fn generated_queries_and_page_tokens_never_get_a_5xx() {
    let t = target();
    let (u, m) = (&t.user, t.meeting);
    let lists = [
        "/v2/users".to_string(),
        format!("/v2/users/{u}/meetings"),
        format!("/v2/meetings/{m}/registrants"),
        format!("/v2/users/{u}/settings"),
        "/v2/users/email".to_string(),
        "/v2/users/vanity_name".to_string(),
        format!("/v2/users/{u}/token"),
        format!("/v2/users/{u}"),
        format!("/v2/meetings/{m}"),
        "/v2/users/summary".to_string(),
    ];
    let keys = prop::sample::select(vec![
        "page_size",
        "page_number",
        "next_page_token",
        "status",
        "role_id",
        "include_fields",
        "type",
        "from",
        "to",
        "timezone",
        "occurrence_id",
        "option",
        "login_type",
        "custom_query_fields",
        "email",
        "vanity_name",
        "encrypted_email",
        "search_by_unique_id",
        "ttl",
        "show_previous_occurrences",
        "x",
    ]);
    // Raw query text: percent escapes (valid or not), repeated keys, odd characters.
    let raw = prop::collection::vec((keys, "[ -~]{0,24}"), 0..5).prop_map(|kv| {
        kv.into_iter()
            .map(|(k, v)| format!("{k}={}", v.replace([' ', '#'], "+")))
            .collect::<Vec<_>>()
            .join("&")
    });
    let mut runner = TestRunner::new(cases(300));
    runner
        .run(&(0..lists.len(), raw), |(i, q)| {
            let path = format!("{}?{q}", lists[i]);
            let req = t.app.req(reqwest::Method::GET, &path);
            runtime()
                .block_on(check(req, &format!("GET {path}")))
                .map_err(TestCaseError::fail)
        })
        .unwrap();
}
