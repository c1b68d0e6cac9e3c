//! The fault suite: the real binary under abandoned requests, `kill -9`, a database that goes away,
//! broken start-up conditions and a soak with RSS sampled. On the SQLite pass it runs on a data
//! directory and on `--ephemeral`; with `LOCALZOOM_TEST_POSTGRES_URL` set, on PostgreSQL.
//! Tests take one lock so that they do not share the two cores with each other.
//!
//! Figures are printed as `fault-figures: …` lines (run with `--nocapture` to see them).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, Instant};

use common::{start_logged, Running};
use localzoom_server::testing::TestDatabase;
use serde_json::{json, Value};
use tokio::sync::Mutex;

static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// A small deterministic generator (xorshift), so a failing run can be repeated.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Where a test's server keeps its data.
enum StoreKind {
    Dir(tempfile::TempDir),
    Ephemeral,
    Postgres(TestDatabase),
}

impl StoreKind {
    fn args(&self) -> Vec<String> {
        match self {
            StoreKind::Dir(d) => vec!["--data-dir".into(), d.path().display().to_string()],
            StoreKind::Ephemeral => vec!["--ephemeral".into()],
            StoreKind::Postgres(db) => vec!["--database-url".into(), db.url.clone()],
        }
    }
    fn name(&self) -> &'static str {
        match self {
            StoreKind::Dir(_) => "sqlite",
            StoreKind::Ephemeral => "ephemeral",
            StoreKind::Postgres(_) => "postgres",
        }
    }
}

/// The stores this pass covers: PostgreSQL when the suite runs on it, else SQLite and ephemeral.
async fn stores(with_ephemeral: bool) -> Vec<StoreKind> {
    match TestDatabase::from_env().await {
        Some(db) => vec![StoreKind::Postgres(db)],
        None if with_ephemeral => vec![StoreKind::Dir(tempfile::tempdir().unwrap()), StoreKind::Ephemeral],
        None => vec![StoreKind::Dir(tempfile::tempdir().unwrap())],
    }
}

async fn launch(store: &StoreKind, extra: &[&str], log: Option<&Path>) -> Running {
    let mut args: Vec<String> = store.args();
    args.extend(["--rate-limits".into(), "off".into()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    start_logged(&args, &[("LOCALZOOM_LOG", "debug,sqlx=warn")], log).await
}

/// A client that waits long enough for anything the server does under load.
fn patient() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn json_of(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let body = resp.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

/// What the clients saw acknowledged (a 2xx received), and what they sent that may or may not
/// have been applied.
#[derive(Default, Clone)]
struct Ledger {
    users_created: BTreeSet<String>,
    users_deleted: BTreeSet<String>,
    /// (meeting id, registrant emails) of batches acknowledged.
    batches_acked: Vec<(i64, Vec<String>)>,
    /// Every batch sent, acknowledged or not: each must be all there or all absent.
    batches_sent: Vec<(i64, Vec<String>)>,
    /// (prefix, count) of seeding calls sent.
    seeds_sent: Vec<(String, i64)>,
    seeds_acked: BTreeSet<String>,
    /// (user id, meeting ids) of hosts deleted with their meetings handed to the owner.
    transfers_sent: Vec<(String, String, Vec<i64>)>,
    tokens: Vec<String>,
    passwords: Vec<String>,
}

/// Counts of what happened, for the figures.
#[derive(Default)]
struct Counts {
    sent: AtomicU64,
    acked: AtomicU64,
    abandoned: AtomicU64,
    refused: AtomicU64,
    server_errors: AtomicU64,
}

struct Load {
    origin: String,
    token: String,
    owner_email: String,
    account: String,
    client_id: String,
    client_secret: String,
    ledger: StdMutex<Ledger>,
    counts: Counts,
    /// Meetings open for registration (approval automatic), made before the load starts.
    meetings: Vec<i64>,
}

impl Load {
    /// Sends one request; `abandon_after` gives up on it (a client time-out) mid-flight.
    async fn send(
        &self,
        http: &reqwest::Client,
        req: reqwest::RequestBuilder,
        abandon: Option<Duration>,
    ) -> Option<(u16, Value)> {
        let _ = http;
        self.counts.sent.fetch_add(1, Ordering::Relaxed);
        let req = match abandon {
            Some(t) => req.timeout(t),
            None => req,
        };
        match req.send().await {
            Ok(resp) => {
                let (s, body) = json_of(resp).await;
                if (200..300).contains(&s) {
                    self.counts.acked.fetch_add(1, Ordering::Relaxed);
                } else if s >= 500 {
                    self.counts.server_errors.fetch_add(1, Ordering::Relaxed);
                    eprintln!("server error {s}: {body}");
                } else {
                    self.counts.refused.fetch_add(1, Ordering::Relaxed);
                }
                Some((s, body))
            }
            Err(_) => {
                self.counts.abandoned.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    async fn step(&self, http: &reqwest::Client, rng: &mut Rng, worker: u64, n: u64) {
        // About a third of requests are abandoned after 1–30 ms, mid-request for most.
        let abandon = (rng.below(3) == 0).then(|| Duration::from_millis(1 + rng.below(30)));
        let o = &self.origin;
        let tag = format!("w{worker}n{n}");
        match rng.below(10) {
            0 | 1 => {
                let email = format!("{tag}@faults.example.com");
                let req = http.post(format!("{o}/v2/users")).bearer_auth(&self.token).json(
                    &json!({"action": "custCreate", "user_info": {"email": email, "type": 2, "first_name": "F"}}),
                );
                if let Some((s, body)) = self.send(http, req, abandon).await {
                    if s == 201 {
                        let id = body["id"].as_str().unwrap().to_string();
                        self.ledger.lock().unwrap().users_created.insert(id);
                    }
                }
            }
            2 => {
                // A host with two meetings, deleted with the meetings handed to the owner.
                let email = format!("{tag}-host@faults.example.com");
                let req = http.post(format!("{o}/v2/users")).bearer_auth(&self.token).json(
                    &json!({"action": "custCreate", "user_info": {"email": email, "type": 2, "first_name": "H"}}),
                );
                let Some((201, body)) = self.send(http, req, None).await else {
                    return;
                };
                let id = body["id"].as_str().unwrap().to_string();
                self.ledger.lock().unwrap().users_created.insert(id.clone());
                let mut meetings = Vec::new();
                for i in 0..2 {
                    let req = http
                        .post(format!("{o}/v2/users/{id}/meetings"))
                        .bearer_auth(&self.token)
                        .json(&json!({"topic": format!("{tag}-{i}"), "type": 2, "start_time": "2031-01-01T10:00:00Z"}));
                    if let Some((201, m)) = self.send(http, req, None).await {
                        meetings.push(m["id"].as_i64().unwrap());
                    }
                }
                self.ledger
                    .lock()
                    .unwrap()
                    .transfers_sent
                    .push((id.clone(), email, meetings));
                let req = http
                    .delete(format!(
                        "{o}/v2/users/{id}?action=delete&transfer_email={}&transfer_meeting=true",
                        self.owner_email
                    ))
                    .bearer_auth(&self.token);
                if let Some((204, _)) = self.send(http, req, abandon).await {
                    self.ledger.lock().unwrap().users_deleted.insert(id);
                }
            }
            3 => {
                let meeting = self.meetings[rng.below(self.meetings.len() as u64) as usize];
                let emails: Vec<String> = (0..3).map(|i| format!("{tag}-r{i}@faults.example.com")).collect();
                let regs: Vec<Value> = emails.iter().map(|e| json!({"email": e, "first_name": "R"})).collect();
                self.ledger.lock().unwrap().batches_sent.push((meeting, emails.clone()));
                let req = http
                    .post(format!("{o}/v2/meetings/{meeting}/batch_registrants"))
                    .bearer_auth(&self.token)
                    .json(&json!({"auto_approve": true, "registrants": regs}));
                if let Some((201, _)) = self.send(http, req, abandon).await {
                    self.ledger.lock().unwrap().batches_acked.push((meeting, emails));
                }
            }
            4 => {
                let prefix = format!("seed-{tag}-");
                let count = 5;
                self.ledger.lock().unwrap().seeds_sent.push((prefix.clone(), count));
                let req = http
                    .post(format!("{o}/_localzoom/users/seed"))
                    .json(&json!({"count": count, "email_prefix": prefix, "domain": "faults.example.com"}));
                if let Some((201, _)) = self.send(http, req, abandon).await {
                    self.ledger.lock().unwrap().seeds_acked.insert(prefix);
                }
            }
            5 => {
                let req = http
                    .post(format!(
                        "{o}/oauth/token?grant_type=account_credentials&account_id={}",
                        self.account
                    ))
                    .basic_auth(&self.client_id, Some(&self.client_secret));
                if let Some((200, body)) = self.send(http, req, abandon).await {
                    let t = body["access_token"].as_str().unwrap().to_string();
                    self.ledger.lock().unwrap().tokens.push(t);
                }
            }
            6 => {
                let password = format!("Pw{}x{}Q", rng.next() % 1_000_000, worker);
                self.ledger.lock().unwrap().passwords.push(password.clone());
                let req = http
                    .put(format!("{o}/v2/users/me/password"))
                    .bearer_auth(&self.token)
                    .json(&json!({ "password": password }));
                self.send(http, req, abandon).await;
            }
            7 => {
                let status = ["Available", "Away", "Do_Not_Disturb"][rng.below(3) as usize];
                let req = http
                    .put(format!("{o}/v2/users/me/presence_status"))
                    .bearer_auth(&self.token)
                    .json(&json!({ "status": status }));
                self.send(http, req, abandon).await;
            }
            _ => {
                let req = http.get(format!("{o}/v2/users?page_size=300")).bearer_auth(&self.token);
                self.send(http, req, abandon).await;
            }
        }
    }
}

impl Load {
    /// Mixed traffic that leaves the data about as it found it (what it creates it deletes), so a
    /// soak measures the server and not the growth of its data: users created, read, changed and
    /// deleted; meetings changed and read; registrants added and deleted; tokens; presence; lists.
    async fn steady_step(&self, http: &reqwest::Client, rng: &mut Rng, worker: u64, n: u64) {
        let o = &self.origin;
        let t = &self.token;
        let tag = format!("s{worker}n{n}");
        match rng.below(6) {
            0 => {
                let req = http.post(format!("{o}/v2/users")).bearer_auth(t).json(
                    &json!({"action": "custCreate", "user_info": {"email": format!("{tag}@soak.example.com"), "type": 2}}),
                );
                let Some((201, body)) = self.send(http, req, None).await else {
                    return;
                };
                let id = body["id"].as_str().unwrap().to_string();
                self.send(http, http.get(format!("{o}/v2/users/{id}")).bearer_auth(t), None)
                    .await;
                let patch = http
                    .patch(format!("{o}/v2/users/{id}"))
                    .bearer_auth(t)
                    .json(&json!({"dept": tag}));
                self.send(http, patch, None).await;
                let del = http.delete(format!("{o}/v2/users/{id}?action=delete")).bearer_auth(t);
                self.send(http, del, None).await;
            }
            1 => {
                // Meetings are deleted softly (`recover` brings them back), so the soak changes
                // existing ones rather than piling up deleted rows.
                let meeting = self.meetings[rng.below(self.meetings.len() as u64) as usize];
                let patch = http
                    .patch(format!("{o}/v2/meetings/{meeting}"))
                    .bearer_auth(t)
                    .json(&json!({"topic": tag, "duration": 30 + rng.below(60)}));
                self.send(http, patch, None).await;
                self.send(
                    http,
                    http.get(format!("{o}/v2/meetings/{meeting}")).bearer_auth(t),
                    None,
                )
                .await;
            }
            2 => {
                let meeting = self.meetings[rng.below(self.meetings.len() as u64) as usize];
                let req = http
                    .post(format!("{o}/v2/meetings/{meeting}/registrants"))
                    .bearer_auth(t)
                    .json(&json!({"email": format!("{tag}@soak.example.com"), "first_name": "S"}));
                let Some((201, r)) = self.send(http, req, None).await else {
                    return;
                };
                let rid = r["registrant_id"].as_str().unwrap();
                let del = http
                    .delete(format!("{o}/v2/meetings/{meeting}/registrants/{rid}"))
                    .bearer_auth(t);
                self.send(http, del, None).await;
            }
            3 => {
                let req = http
                    .post(format!(
                        "{o}/oauth/token?grant_type=account_credentials&account_id={}",
                        self.account
                    ))
                    .basic_auth(&self.client_id, Some(&self.client_secret));
                self.send(http, req, None).await;
            }
            4 => {
                let status = ["Available", "Away"][rng.below(2) as usize];
                let req = http
                    .put(format!("{o}/v2/users/me/presence_status"))
                    .bearer_auth(t)
                    .json(&json!({ "status": status }));
                self.send(http, req, None).await;
            }
            _ => {
                let req = http.get(format!("{o}/v2/users?page_size=300")).bearer_auth(t);
                self.send(http, req, None).await;
            }
        }
    }
}

/// Prepares a load against `s`: a token and meetings open for registration.
async fn prepare(s: &Running) -> Load {
    let token = s.token().await;
    let http = patient();
    let mut meetings = Vec::new();
    for i in 0..3 {
        let resp = http
            .post(format!("{}/v2/users/me/meetings", s.origin))
            .bearer_auth(&token)
            .json(&json!({"topic": format!("open {i}"), "type": 2, "start_time": "2031-01-01T10:00:00Z", "settings": {"approval_type": 0}}))
            .send()
            .await
            .unwrap();
        let (st, m) = json_of(resp).await;
        assert_eq!(st, 201, "{m}");
        meetings.push(m["id"].as_i64().unwrap());
    }
    Load {
        origin: s.origin.clone(),
        token,
        owner_email: s.value("owner").split_whitespace().next().unwrap().to_string(),
        account: s.value("account id"),
        client_id: s.value("client id"),
        client_secret: s.value("client secret"),
        ledger: StdMutex::new(Ledger::default()),
        counts: Counts::default(),
        meetings,
    }
}

/// Runs `workers` concurrent clients for `length` (the fault mix, which keeps adding data).
async fn run_load(load: &Arc<Load>, workers: u64, length: Duration, seed: u64) {
    run_mix(load, workers, length, seed, false).await
}

async fn run_mix(load: &Arc<Load>, workers: u64, length: Duration, seed: u64, steady: bool) {
    let stop = Instant::now() + length;
    let mut tasks = Vec::new();
    for w in 0..workers {
        let load = load.clone();
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut rng = Rng(seed.wrapping_mul(2654435761).wrapping_add(w * 7919 + 1));
            let mut n = 0;
            while Instant::now() < stop {
                if steady {
                    load.steady_step(&http, &mut rng, w, n).await;
                } else {
                    load.step(&http, &mut rng, w, n).await;
                }
                n += 1;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

async fn get(http: &reqwest::Client, origin: &str, token: &str, path: &str) -> (u16, Value) {
    json_of(
        http.get(format!("{origin}{path}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Checks the store against what the clients saw: every acknowledged write there, every
/// multi-row write all there or all absent. Returns how many acknowledged writes were checked.
async fn verify(s: &Running, load: &Load) -> usize {
    let http = patient();
    let token = s.token().await;
    let o = &s.origin;
    let ledger = load.ledger.lock().unwrap().clone();
    let mut checked = 0;
    for id in &ledger.users_created {
        let (st, body) = get(&http, o, &token, &format!("/v2/users/{id}")).await;
        let deleted = ledger.users_deleted.contains(id);
        if deleted {
            assert_eq!(st, 404, "acknowledged delete of {id} not applied: {body}");
        } else if !ledger.transfers_sent.iter().any(|(u, _, _)| u == id) {
            assert_eq!(st, 200, "acknowledged user {id} missing: {body}");
        }
        checked += 1;
    }
    for (user, _email, meetings) in &ledger.transfers_sent {
        let (st, _) = get(&http, o, &token, &format!("/v2/users/{user}")).await;
        let gone = st == 404;
        for m in meetings {
            let (ms, meeting) = get(&http, o, &token, &format!("/v2/meetings/{m}")).await;
            assert_eq!(ms, 200, "meeting {m} of {user} lost: {meeting}");
            let host = meeting["host_id"].as_str().unwrap();
            if gone {
                assert_ne!(host, user, "deleted host {user} still hosts {m}");
            } else {
                assert_eq!(host, user, "meeting {m} moved but its host {user} is still there");
            }
        }
    }
    for (meeting, emails) in &ledger.batches_sent {
        let (st, list) = get(
            &http,
            o,
            &token,
            &format!("/v2/meetings/{meeting}/registrants?status=approved&page_size=300"),
        )
        .await;
        assert_eq!(st, 200, "{list}");
        let mut all = list["registrants"].as_array().unwrap().clone();
        let mut next = list["next_page_token"].as_str().unwrap_or("").to_string();
        while !next.is_empty() {
            let (_, more) = get(
                &http,
                o,
                &token,
                &format!("/v2/meetings/{meeting}/registrants?next_page_token={next}"),
            )
            .await;
            all.extend(more["registrants"].as_array().unwrap().iter().cloned());
            next = more["next_page_token"].as_str().unwrap_or("").to_string();
        }
        let present = emails
            .iter()
            .filter(|e| all.iter().any(|r| r["email"] == e.as_str()))
            .count();
        let acked = ledger.batches_acked.iter().any(|(m, e)| m == meeting && e == emails);
        assert!(
            present == 0 || present == emails.len(),
            "batch {emails:?} half-applied ({present} of {})",
            emails.len()
        );
        if acked {
            assert_eq!(present, emails.len(), "acknowledged batch {emails:?} missing");
            checked += 1;
        }
    }
    for (prefix, count) in &ledger.seeds_sent {
        let mut present = 0;
        for i in 0..*count {
            let (st, _) = get(&http, o, &token, &format!("/v2/users/{prefix}{i}@faults.example.com")).await;
            if st == 200 {
                present += 1;
            }
        }
        assert!(
            present == 0 || present == *count,
            "seed {prefix} half-applied: {present} of {count}"
        );
        if ledger.seeds_acked.contains(prefix) {
            assert_eq!(present, *count, "acknowledged seed {prefix} missing");
            checked += 1;
        }
    }
    checked
}

/// Tokens, secrets and passwords never reach the log.
fn assert_log_clean(log: &Path, load: &Load) {
    let text = std::fs::read_to_string(log).unwrap();
    assert!(text.contains("request"), "the log has no request lines: is logging on?");
    let ledger = load.ledger.lock().unwrap();
    let mut secrets: Vec<&str> = vec![&load.client_secret, &load.token];
    secrets.extend(ledger.tokens.iter().map(String::as_str));
    secrets.extend(ledger.passwords.iter().map(String::as_str));
    for secret in secrets {
        assert!(!text.contains(secret), "a secret reached the log: {}…", &secret[..4]);
    }
}

#[tokio::test]
async fn abandoned_requests_leave_every_acknowledged_write_and_no_half_write() {
    let _one = ONE_AT_A_TIME.lock().await;
    let seconds: u64 = std::env::var("LOCALZOOM_FAULT_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    for store in stores(true).await {
        let logdir = tempfile::tempdir().unwrap();
        let log = logdir.path().join("server.log");
        let mut s = launch(&store, &[], Some(&log)).await;
        let load = Arc::new(prepare(&s).await);
        run_load(&load, 16, Duration::from_secs(seconds), 42).await;
        // Abandoned requests run to completion on the server; give the last ones a moment.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (st, list) = get(&patient(), &s.origin, &s.token().await, "/v2/users").await;
        assert_eq!(st, 200, "the server does not answer normally after the load: {list}");
        let checked = verify(&s, &load).await;
        assert_log_clean(&log, &load);
        let c = &load.counts;
        println!(
            "fault-figures: aborted-requests store={} sent={} acknowledged={} abandoned={} refused={} 5xx={} acknowledged-writes-checked={}",
            store.name(),
            c.sent.load(Ordering::Relaxed),
            c.acked.load(Ordering::Relaxed),
            c.abandoned.load(Ordering::Relaxed),
            c.refused.load(Ordering::Relaxed),
            c.server_errors.load(Ordering::Relaxed),
            checked
        );
        assert!(
            c.abandoned.load(Ordering::Relaxed) > 50,
            "too few requests were abandoned to prove anything"
        );
        assert!(checked > 20, "too few acknowledged writes to prove anything");
        assert_eq!(c.server_errors.load(Ordering::Relaxed), 0, "the server answered 5xx");
        s.child.kill().await.unwrap();
    }
}

#[tokio::test]
async fn kill_9_under_write_load_loses_no_acknowledged_write() {
    let _one = ONE_AT_A_TIME.lock().await;
    for store in stores(false).await {
        let rounds = 3;
        let mut all_created: BTreeSet<String> = BTreeSet::new();
        for round in 0..rounds {
            let mut s = launch(&store, &[], None).await;
            let token = s.token().await;
            let created = Arc::new(StdMutex::new(Vec::<String>::new()));
            let stop = Arc::new(AtomicBool::new(false));
            let mut writers = Vec::new();
            for w in 0..4 {
                let (origin, token, created, stop) = (s.origin.clone(), token.clone(), created.clone(), stop.clone());
                writers.push(tokio::spawn(async move {
                    let http = reqwest::Client::new();
                    let mut n = 0;
                    while !stop.load(Ordering::Relaxed) {
                        let email = format!("k{round}w{w}n{n}@kill.example.com");
                        n += 1;
                        let resp = http
                            .post(format!("{origin}/v2/users"))
                            .bearer_auth(&token)
                            .json(&json!({"action": "custCreate", "user_info": {"email": email, "type": 1}}))
                            .send()
                            .await;
                        match resp {
                            Ok(r) if r.status() == 201 => {
                                let body: Value = match r.json().await {
                                    Ok(b) => b,
                                    Err(_) => break,
                                };
                                created.lock().unwrap().push(body["id"].as_str().unwrap().to_string());
                            }
                            Ok(_) => {}
                            Err(_) => break,
                        }
                    }
                }));
            }
            tokio::time::sleep(Duration::from_millis(1500)).await;
            // SIGKILL, while the writers are mid-request.
            s.child.kill().await.unwrap();
            stop.store(true, Ordering::Relaxed);
            for w in writers {
                w.await.unwrap();
            }
            all_created.extend(created.lock().unwrap().iter().cloned());
            assert!(
                created.lock().unwrap().len() > 10,
                "round {round}: too few writes before the kill"
            );
        }
        // On the same data: every acknowledged write is there, and the trigger-kept count agrees
        // with the rows.
        let mut s = launch(&store, &[], None).await;
        let token = s.token().await;
        let http = patient();
        for id in &all_created {
            let (st, body) = get(&http, &s.origin, &token, &format!("/v2/users/{id}")).await;
            assert_eq!(st, 200, "acknowledged user {id} lost across kill -9: {body}");
        }
        let (_, first) = get(&http, &s.origin, &token, "/v2/users?page_size=300").await;
        let total = first["total_records"].as_i64().unwrap();
        let mut listed = first["users"].as_array().unwrap().len() as i64;
        let mut next = first["next_page_token"].as_str().unwrap_or("").to_string();
        while !next.is_empty() {
            let (_, page) = get(&http, &s.origin, &token, &format!("/v2/users?next_page_token={next}")).await;
            listed += page["users"].as_array().unwrap().len() as i64;
            next = page["next_page_token"].as_str().unwrap_or("").to_string();
        }
        assert_eq!(total, listed, "total_records disagrees with the rows after kill -9");
        assert!(
            listed > all_created.len() as i64,
            "the owner and the created users are listed"
        );
        println!(
            "fault-figures: kill-9 store={} rounds={rounds} acknowledged={} found={} total_records={total}",
            store.name(),
            all_created.len(),
            all_created.len()
        );
        s.child.kill().await.unwrap();
    }
}

/// A TCP proxy between localzoom and PostgreSQL that the test can cut (every connection closed,
/// new ones refused at once) and restore.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    generation: Arc<AtomicU64>,
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let generation = Arc::new(AtomicU64::new(0));
        let (up2, gen2) = (up.clone(), generation.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let (up3, gen3, target) = (up2.clone(), gen2.clone(), target.clone());
                tokio::spawn(async move {
                    let born = gen3.load(Ordering::SeqCst);
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    let cut = async {
                        while up3.load(Ordering::SeqCst) && gen3.load(Ordering::SeqCst) == born {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut => {}
                    }
                });
            }
        });
        Proxy { port, up, generation }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `host:port` of a `postgres://user@host:port/db` URL, and the URL with them replaced.
fn via_proxy(url: &str, port: u16) -> (String, String) {
    let after = url.find("://").unwrap() + 3;
    let rest = &url[after..];
    let at = rest.find('@').map(|i| i + 1).unwrap_or(0);
    let host_end = rest[at..].find('/').map(|i| i + at).unwrap_or(rest.len());
    let hostport = &rest[at..host_end];
    let target = if hostport.contains(':') {
        hostport.to_string()
    } else {
        format!("{hostport}:5432")
    };
    let proxied = format!("{}{}127.0.0.1:{port}{}", &url[..after], &rest[..at], &rest[host_end..]);
    (target, proxied)
}

#[tokio::test]
async fn a_database_that_goes_away_gets_503_and_localzoom_recovers() {
    let Some(db) = TestDatabase::from_env().await else {
        println!("fault-figures: database-away skipped (runs on the PostgreSQL pass)");
        return;
    };
    let _one = ONE_AT_A_TIME.lock().await;
    let (target, proxied) = via_proxy(&db.url, 0);
    let proxy = Proxy::start(target).await;
    let (_, proxied) = via_proxy(&proxied, proxy.port);
    let mut s = start_logged(
        &[
            "--database-url",
            &proxied,
            "--rate-limits",
            "off",
            "--db-timeout-ms",
            "2000",
        ],
        &[],
        None,
    )
    .await;
    let token = s.token().await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let acked = Arc::new(StdMutex::new(Vec::<String>::new()));
    let seen = Arc::new(StdMutex::new(Vec::<(u16, Value, Duration)>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (origin, token, acked, seen, stop, http) = (
            s.origin.clone(),
            token.clone(),
            acked.clone(),
            seen.clone(),
            stop.clone(),
            http.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let started = Instant::now();
                let resp = http
                    .post(format!("{origin}/v2/users"))
                    .bearer_auth(&token)
                    .json(&json!({"action": "custCreate", "user_info": {"email": format!("away{w}n{n}@db.example.com"), "type": 1}}))
                    .send()
                    .await
                    .expect("every request is answered (no hang past the client's 15 s)");
                let status = resp.status().as_u16();
                let body: Value = resp.json().await.unwrap_or(Value::Null);
                if status == 201 {
                    acked.lock().unwrap().push(body["id"].as_str().unwrap().to_string());
                }
                seen.lock().unwrap().push((status, body, started.elapsed()));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let terminated = db.terminate_connections().await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    // The network to the database goes away.
    proxy.cut();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let health = http
        .get(format!("{}/_localzoom/health", s.origin))
        .send()
        .await
        .unwrap();
    let (hs, hb) = json_of(health).await;
    assert_eq!((hs, hb["status"].as_str()), (503, Some("unavailable")), "{hb}");
    let started = Instant::now();
    let (st, body) = json_of(
        http.get(format!("{}/v2/users", s.origin))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let waited = started.elapsed();
    assert_eq!((st, body["code"].as_i64()), (503, Some(503)), "{body}");
    assert!(body["message"].is_string(), "{body}");
    // The dashboard and the OAuth endpoints answer 503 too (a page, the OAuth body), never a 500.
    let page = http
        .get(format!("{}/_localzoom/ui/users", s.origin))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 503);
    let consent = http
        .get(format!(
            "{}/oauth/authorize?response_type=code&client_id=x&redirect_uri=http://x/cb",
            s.origin
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(consent.status(), 503);
    let (ts, tb) = json_of(
        http.post(format!("{}/oauth/token", s.origin))
            .basic_auth(s.value("client id"), Some(s.value("client secret")))
            .form(&[("grant_type", "refresh_token"), ("refresh_token", "r")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (ts, tb["error"].as_str()),
        (503, Some("temporarily_unavailable")),
        "{tb}"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    proxy.restore();
    // localzoom recovers by itself.
    let recovered = Instant::now();
    loop {
        let resp = http
            .get(format!("{}/_localzoom/health", s.origin))
            .send()
            .await
            .unwrap();
        if resp.status() == 200 {
            break;
        }
        assert!(
            recovered.elapsed() < Duration::from_secs(20),
            "no recovery 20 s after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recovery = recovered.elapsed();
    tokio::time::sleep(Duration::from_millis(800)).await;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    let seen = seen.lock().unwrap().clone();
    let unavailable = seen.iter().filter(|(s, _, _)| *s == 503).count();
    for (status, body, took) in seen.iter() {
        assert!(
            *status == 201 || *status == 503,
            "only success or 503 while the database comes and goes, got {status}: {body}"
        );
        if *status == 503 {
            assert_eq!(body["code"], 503, "{body}");
            assert!(*took < Duration::from_secs(10), "a 503 took {took:?}");
        }
    }
    assert!(unavailable > 0, "the cut was never seen");
    let acked = acked.lock().unwrap().clone();
    let token = s.token().await;
    for id in &acked {
        let (st, body) = get(&patient(), &s.origin, &token, &format!("/v2/users/{id}")).await;
        assert_eq!(st, 200, "acknowledged user {id} lost: {body}");
    }
    println!(
        "fault-figures: database-away terminated={terminated} requests={} acknowledged={} found={} answered-503={unavailable} first-503-after={waited:?} recovered-in={recovery:?}",
        seen.len(),
        acked.len(),
        acked.len()
    );
    s.child.kill().await.unwrap();
}

/// Runs `serve` with `args` and expects it to stop at once with one clear line naming `flag`.
async fn refuses_to_start(args: &[&str], flag: &str) -> String {
    let out = tokio::time::timeout(
        Duration::from_secs(30),
        tokio::process::Command::new(env!("CARGO_BIN_EXE_localzoom"))
            .arg("serve")
            .args(args)
            .env_remove("LOCALZOOM_DATABASE_URL")
            .env_remove("LOCALZOOM_DATA_DIR")
            .env_remove("LOCALZOOM_PORT")
            .output(),
    )
    .await
    .expect("a start-up fault stops the server within 30 s")
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "{args:?} started: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{args:?}: one line expected, got:\n{stderr}");
    assert!(lines[0].starts_with("localzoom: "), "{stderr}");
    assert!(lines[0].contains(flag), "{args:?}: the line names no {flag}: {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
    lines[0].to_string()
}

#[tokio::test]
async fn start_up_faults_stop_with_one_line_naming_the_flag() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    // A data directory that cannot be created (a file is in the way; root ignores permissions).
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"x").unwrap();
    let unwritable = blocker.join("data");
    refuses_to_start(
        &["--port", "0", "--data-dir", unwritable.to_str().unwrap()],
        "--data-dir",
    )
    .await;
    // A corrupt database file.
    let corrupt = dir.path().join("corrupt");
    std::fs::create_dir_all(&corrupt).unwrap();
    std::fs::write(corrupt.join("localzoom.db"), vec![0x5a; 8192]).unwrap();
    let line = refuses_to_start(&["--port", "0", "--data-dir", corrupt.to_str().unwrap()], "--data-dir").await;
    assert!(line.contains("not a database") || line.contains("corrupt"), "{line}");
    // PostgreSQL that cannot be reached, or refuses the credentials.
    refuses_to_start(
        &[
            "--port",
            "0",
            "--db-timeout-ms",
            "1000",
            "--database-url",
            "postgres://postgres@127.0.0.1:1/test",
        ],
        "--database-url",
    )
    .await;
    if let Ok(pg) = std::env::var("LOCALZOOM_TEST_POSTGRES_URL") {
        let (target, _) = via_proxy(&pg, 0);
        let wrong = format!("postgres://no_such_role_localzoom@{target}/test");
        let line = refuses_to_start(&["--port", "0", "--database-url", &wrong], "--database-url").await;
        assert!(line.contains("authentication") || line.contains("role"), "{line}");
    }
    // A port in use.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let line = refuses_to_start(&["--ephemeral", "--port", &port], "--port").await;
    assert!(line.contains(&port), "{line}");
    println!("fault-figures: start-up faults=5 (unwritable dir, corrupt file, unreachable and misauthenticated PostgreSQL, port in use)");
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// Mixed traffic that leaves the data as it was, for `LOCALZOOM_SOAK_SECONDS` (default 60; CI),
/// with RSS sampled every second: after warm-up (the first third), the peak of the last third stays
/// within 10% of the peak of the middle third.
#[tokio::test]
async fn memory_stays_bounded_under_a_soak() {
    let _one = ONE_AT_A_TIME.lock().await;
    let seconds: u64 = std::env::var("LOCALZOOM_SOAK_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let store = stores(false).await.into_iter().next().unwrap();
    let mut s = launch(&store, &[], None).await;
    let pid = s.child.id().unwrap();
    let load = Arc::new(prepare(&s).await);
    let sampler = {
        let stop = Instant::now() + Duration::from_secs(seconds);
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while Instant::now() < stop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                samples.push(rss_kib(pid));
            }
            samples
        })
    };
    run_mix(&load, 8, Duration::from_secs(seconds), 7, true).await;
    let samples = sampler.await.unwrap();
    // Warm-up is the first third (caches, allocator arenas and the journal fill). RSS has stopped
    // growing when the peak of the last third is within 10% of the peak of the middle third: a
    // leak keeps raising the peak from one third to the next.
    let third = samples.len() / 3;
    let first = *samples[third..2 * third].iter().max().unwrap();
    let peak = *samples[2 * third..].iter().max().unwrap();
    let bound = first + first / 10;
    println!(
        "fault-figures: soak store={} seconds={seconds} requests={} rss-peak-middle-third={first}KiB rss-peak-last-third={peak}KiB bound={bound}KiB samples={samples:?}",
        store.name(),
        load.counts.sent.load(Ordering::Relaxed)
    );
    assert_eq!(load.counts.server_errors.load(Ordering::Relaxed), 0);
    assert!(
        peak <= bound,
        "RSS grew past warm-up: {first} KiB then up to {peak} KiB"
    );
    s.child.kill().await.unwrap();
}
