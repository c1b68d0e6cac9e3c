//! `cargo run --release -p localzoom-bench`: builds localzoom in release, starts it and a bare axum
//! server answering a fixed JSON body (the baseline: what this machine's HTTP stack can do at best),
//! drives both with the same load generator and settings, and writes BENCHMARKS.md.
//!
//! Everything runs on 127.0.0.1 and every phase is bounded in time. `BENCH_SECONDS` (default 3)
//! sets the measured time of each scenario, `BENCH_CONNECTIONS` (default 32) the concurrent
//! connections, `BENCH_MAX_USERS` (default 1000000) the largest store seeded, `BENCH_OUT` the report
//! (default BENCHMARKS.md at the workspace root).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The baseline: a bare axum server with one route and a fixed JSON body.
async fn baseline(port: u16) {
    let body = json!({"id": "KDcuGIm1QgePTO8WbOqwIQ", "email": "jchill@example.com", "type": 1}).to_string();
    let app = axum::Router::new().route(
        "/fixed",
        axum::routing::get(move || {
            let body = body.clone();
            async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    println!("listening on http://{}", listener.local_addr().unwrap());
    axum::serve(listener, app).await.unwrap();
}

/// A server child process and what its banner said.
struct Server {
    child: Child,
    origin: String,
    banner: Vec<String>,
}

impl Server {
    fn start(mut cmd: Command) -> (Server, Duration) {
        let started = Instant::now();
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut banner = Vec::new();
        let origin = loop {
            let line = lines.next().expect("server exited before listening").unwrap();
            if let Some(url) = line.trim().strip_prefix("listening on ") {
                break url.trim().to_string();
            }
            banner.push(line);
        };
        // Exec to the first 200: poll until the server answers.
        let health = if banner.is_empty() {
            format!("{origin}/fixed")
        } else {
            format!("{origin}/_localzoom/health")
        };
        wait_for_200(&health);
        let elapsed = started.elapsed();
        (Server { child, origin, banner }, elapsed)
    }

    fn value(&self, label: &str) -> String {
        let line = self.banner.iter().find(|l| l.trim_start().starts_with(label)).unwrap();
        line.split_once(':').unwrap().1.trim().to_string()
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `url` until it answers 200, with std only, so start-up is timed without a client in the way.
fn wait_for_200(url: &str) {
    use std::io::{Read, Write};
    let started = Instant::now();
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    loop {
        if let Ok(mut s) = std::net::TcpStream::connect(host) {
            let req = format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
            let mut buf = [0u8; 12];
            if s.write_all(req.as_bytes()).is_ok() && s.read_exact(&mut buf).is_ok() && &buf[9..12] == b"200" {
                return;
            }
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no 200 from {url}");
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn rss_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[derive(Clone)]
struct Row {
    scenario: String,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

/// Builds the `n`th request of a scenario.
type MakeRequest = Arc<dyn Fn(&reqwest::Client, u64) -> RequestBuilder + Send + Sync>;

/// Drives `make` with `connections` concurrent loops for `seconds` (after a short warm-up) and
/// reports throughput and latency. Only 2xx answers count as successes.
async fn load(scenario: &str, connections: usize, seconds: u64, make: MakeRequest) -> Row {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()
        .unwrap();
    let warmup = Duration::from_millis(500);
    let measure = Duration::from_secs(seconds);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let client = client.clone();
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies: Vec<u32> = Vec::new();
            let (mut ok, mut errors) = (0u64, 0u64);
            let mut n = worker as u64;
            loop {
                let now = Instant::now();
                if now.duration_since(start) > warmup + measure {
                    break;
                }
                let counted = now.duration_since(start) > warmup;
                let resp = make(&client, n).send().await;
                n += connections as u64;
                let good = match resp {
                    Ok(r) => {
                        let good = r.status().is_success();
                        let _ = r.bytes().await;
                        good
                    }
                    Err(_) => false,
                };
                if counted {
                    latencies.push(now.elapsed().as_micros().min(u32::MAX as u128) as u32);
                    if good {
                        ok += 1;
                    } else {
                        errors += 1;
                    }
                }
            }
            (latencies, ok, errors)
        }));
    }
    let mut all = Vec::new();
    let (mut ok, mut errors) = (0, 0);
    for t in tasks {
        let (l, o, e) = t.await.unwrap();
        all.extend(l);
        ok += o;
        errors += e;
    }
    all.sort_unstable();
    let pct = |p: f64| all.get(((all.len() as f64 - 1.0) * p) as usize).copied().unwrap_or(0) as f64 / 1000.0;
    let row = Row {
        scenario: scenario.to_string(),
        rps: ok as f64 / measure.as_secs_f64(),
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        errors,
    };
    eprintln!(
        "{:<48} {:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  ({} errors)",
        row.scenario, row.rps, row.p50_ms, row.p99_ms, row.errors
    );
    row
}

struct Localzoom {
    server: Server,
    token: String,
    http: reqwest::Client,
}

impl Localzoom {
    fn command(bin: &Path, data_dir: &Path) -> Command {
        let mut cmd = Command::new(bin);
        cmd.args(["serve", "--port", "0", "--data-dir"])
            .arg(data_dir)
            // The limiter stays in the path with limits high enough never to trigger.
            .args(["--rate-limit-scale", "1000000"])
            .env("LOCALZOOM_LOG", "error");
        cmd
    }

    async fn start(bin: &Path, data_dir: &Path) -> (Localzoom, Duration) {
        let (server, startup) = Server::start(Self::command(bin, data_dir));
        let http = reqwest::Client::new();
        let token = Self::fetch_token(&http, &server).await;
        (Localzoom { server, token, http }, startup)
    }

    async fn fetch_token(http: &reqwest::Client, s: &Server) -> String {
        let resp: Value = http
            .post(format!("{}/oauth/token", s.origin))
            .basic_auth(s.value("client id"), Some(s.value("client secret")))
            .query(&[
                ("grant_type", "account_credentials"),
                ("account_id", &s.value("account id")),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        resp["access_token"].as_str().unwrap().to_string()
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.server.origin))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Seeds users until the store holds `total` (in calls the server accepts).
    async fn seed_to(&self, total: u64, have: &mut u64) {
        while *have < total {
            let n = (total - *have).min(1_000_000);
            let out = self
                .call(
                    Method::POST,
                    "/_localzoom/users/seed",
                    Some(json!({"count": n, "email_prefix": format!("u{}-", *have)})),
                )
                .await;
            *have += out["created"].as_u64().unwrap();
        }
    }
}

fn markdown(
    rows: &[Row],
    baseline_rps: f64,
    extra: &[(String, String)],
    cores: usize,
    conns: usize,
    secs: u64,
) -> String {
    let date = jiff::Zoned::now().with_time_zone(jiff::tz::TimeZone::UTC).date();
    let mut out = String::new();
    out.push_str("# Benchmarks\n\n");
    out.push_str(&format!(
        "Produced by `cargo run --release -p localzoom-bench` on {date}, on a machine with {cores} cores. \
         localzoom (SQLite store, authentication on, the rate limiter in the path with `--rate-limit-scale 1000000`) \
         and the baseline (a bare axum server answering a fixed JSON body) run as separate processes on 127.0.0.1, \
         driven by the same load generator: {conns} connections, {secs} s measured after 0.5 s of warm-up per scenario. \
         The load generator shares the machine's cores with the server it drives, as it would in a CI job. \
         Ratios are to the baseline measured in the same run.\n\n"
    ));
    out.push_str("| scenario | req/s | p50 ms | p99 ms | vs baseline | errors |\n|---|---:|---:|---:|---:|---:|\n");
    for r in rows {
        out.push_str(&format!(
            "| {} | {:.0} | {:.2} | {:.2} | {:.1}% | {} |\n",
            r.scenario,
            r.rps,
            r.p50_ms,
            r.p99_ms,
            100.0 * r.rps / baseline_rps,
            r.errors
        ));
    }
    out.push_str("\n| measure | value |\n|---|---|\n");
    for (k, v) in extra {
        out.push_str(&format!("| {k} | {v} |\n"));
    }
    out.push_str("\nTargets: `GET /v2/users/{id}` at 50% or more of the baseline; durable `PATCH` at 20% or more; a deep page at most 1.5× \
                  the cost of the first page at 1M users; start-up under 50 ms to the first 200; RSS under 64 MB at 100k users.\n");
    out
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--baseline") {
        baseline(args.get(2).and_then(|p| p.parse().ok()).unwrap_or(0)).await;
        return;
    }
    let secs = env_num("BENCH_SECONDS", 3);
    let conns = env_num("BENCH_CONNECTIONS", 32) as usize;
    let max_users = env_num("BENCH_MAX_USERS", 1_000_000);
    let root = workspace_root();
    let out_path = std::env::var("BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("BENCHMARKS.md"));
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);

    eprintln!("building localzoom (release)…");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--locked", "-p", "localzoom"])
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(built.success(), "cargo build failed");
    let bin = std::env::current_exe().unwrap().with_file_name("localzoom");
    assert!(bin.exists(), "{} not built", bin.display());

    let mut rows = Vec::new();
    let mut extra: Vec<(String, String)> = Vec::new();

    // The baseline.
    let mut base_cmd = Command::new(std::env::current_exe().unwrap());
    base_cmd.args(["--baseline", "0"]);
    let (base, _) = Server::start(base_cmd);
    let url = format!("{}/fixed", base.origin);
    let baseline_row = load(
        "baseline: GET fixed JSON (bare axum)",
        conns,
        secs,
        Arc::new(move |c: &reqwest::Client, _| c.get(&url)),
    )
    .await;
    let baseline_rps = baseline_row.rps;
    rows.push(baseline_row);
    base.stop();

    // Start-up with an empty store, best of a few.
    let mut startups = Vec::new();
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let (s, t) = Server::start(Localzoom::command(&bin, dir.path()));
        startups.push(t);
        s.stop();
    }
    extra.push((
        "start-up to first 200, empty store (median of 5)".into(),
        format!("{:.1} ms", median(startups).as_secs_f64() * 1000.0),
    ));

    let dir = tempfile::tempdir().unwrap();
    let (mut lz, _) = Localzoom::start(&bin, dir.path()).await;
    let mut origin = lz.server.origin.clone();
    let mut token = lz.token.clone();
    let user = lz
        .call(
            Method::POST,
            "/v2/users",
            Some(json!({"action": "custCreate", "user_info": {"email": "bench@example.com", "type": 2}})),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();

    let (o, t, u) = (origin.clone(), token.clone(), user.clone());
    rows.push(
        load(
            "GET /v2/users/{id}",
            conns,
            secs,
            Arc::new(move |c: &reqwest::Client, _| c.get(format!("{o}/v2/users/{u}")).bearer_auth(&t)),
        )
        .await,
    );
    let (o, t, u) = (origin.clone(), token.clone(), user.clone());
    rows.push(
        load(
            "PATCH /v2/users/{id} (durable)",
            conns,
            secs,
            Arc::new(move |c: &reqwest::Client, n| {
                c.patch(format!("{o}/v2/users/{u}"))
                    .bearer_auth(&t)
                    .json(&json!({"dept": format!("d{n}")}))
            }),
        )
        .await,
    );
    let (o, t, u) = (origin.clone(), token.clone(), user.clone());
    rows.push(
        load(
            "PUT /v2/users/{id}/presence_status",
            conns,
            secs,
            Arc::new(move |c: &reqwest::Client, n| {
                let status = if n % 2 == 0 { "Away" } else { "Available" };
                c.put(format!("{o}/v2/users/{u}/presence_status"))
                    .bearer_auth(&t)
                    .json(&json!({"status": status}))
            }),
        )
        .await,
    );
    let (o, id, secret, account) = (
        origin.clone(),
        lz.server.value("client id"),
        lz.server.value("client secret"),
        lz.server.value("account id"),
    );
    rows.push(
        load(
            "POST /oauth/token",
            conns,
            secs,
            Arc::new(move |c: &reqwest::Client, _| {
                c.post(format!("{o}/oauth/token"))
                    .basic_auth(&id, Some(&secret))
                    .query(&[("grant_type", "account_credentials"), ("account_id", account.as_str())])
            }),
        )
        .await,
    );

    // Lists at growing sizes: the first page, and a page deep in the list (a next_page_token
    // taken at 90% of the users, which localzoom answers by keyset).
    let mut have = 2u64;
    let mut deep_vs_first = String::new();
    for total in [1_000u64, 100_000, 1_000_000].into_iter().filter(|t| *t <= max_users) {
        let started = Instant::now();
        lz.seed_to(total, &mut have).await;
        eprintln!("seeded {total} users in {:.1} s", started.elapsed().as_secs_f64());
        let deep_at = total * 9 / 10 / 30;
        let page = lz
            .call(
                Method::GET,
                &format!("/v2/users?page_size=30&page_number={deep_at}"),
                None,
            )
            .await;
        let deep_token = page["next_page_token"].as_str().unwrap().to_string();
        let (o, t) = (origin.clone(), token.clone());
        let first = load(
            &format!("GET /v2/users first page, {total} users"),
            conns,
            secs,
            Arc::new(move |c: &reqwest::Client, _| c.get(format!("{o}/v2/users?page_size=30")).bearer_auth(&t)),
        )
        .await;
        let (o, t) = (origin.clone(), token.clone());
        let deep = load(
            &format!(
                "GET /v2/users page {} of {}, {total} users",
                deep_at + 1,
                total / 30 + 1
            ),
            conns,
            secs,
            Arc::new(move |c: &reqwest::Client, _| {
                c.get(format!("{o}/v2/users?next_page_token={deep_token}"))
                    .bearer_auth(&t)
            }),
        )
        .await;
        if deep.rps > 0.0 && first.rps > 0.0 {
            deep_vs_first = format!(
                "{:.2}× (at {total} users, by p50 latency {:.2}×)",
                first.rps / deep.rps,
                deep.p50_ms / first.p50_ms.max(0.001)
            );
        }
        rows.push(first);
        rows.push(deep);
        if total == 100_000 {
            extra.push((
                "RSS at 100k users (peak / current)".into(),
                format!(
                    "{:.1} MB / {:.1} MB",
                    rss_kib(lz.server.pid(), "VmHWM:") as f64 / 1024.0,
                    rss_kib(lz.server.pid(), "VmRSS:") as f64 / 1024.0
                ),
            ));
            // Start-up over a 100k-user store: this server stops, three fresh ones are timed,
            // and one carries on for the larger store.
            lz.server.stop();
            let mut times = Vec::new();
            for _ in 0..3 {
                let (s, t) = Server::start(Localzoom::command(&bin, dir.path()));
                times.push(t);
                s.stop();
            }
            extra.push((
                "start-up to first 200, 100k-user store (median of 3)".into(),
                format!("{:.1} ms", median(times).as_secs_f64() * 1000.0),
            ));
            let (again, _) = Localzoom::start(&bin, dir.path()).await;
            lz = again;
            token = lz.token.clone();
            origin = lz.server.origin.clone();
        }
    }
    if !deep_vs_first.is_empty() {
        extra.push((
            "deep page cost vs first page (first req/s ÷ deep req/s)".into(),
            deep_vs_first,
        ));
    }
    extra.push((
        "RSS at the end of the run (peak / current)".into(),
        format!(
            "{:.1} MB / {:.1} MB",
            rss_kib(lz.server.pid(), "VmHWM:") as f64 / 1024.0,
            rss_kib(lz.server.pid(), "VmRSS:") as f64 / 1024.0
        ),
    ));
    lz.server.stop();

    let md = markdown(&rows, baseline_rps, &extra, cores, conns, secs);
    std::fs::write(&out_path, &md).unwrap();
    println!("{md}");
    eprintln!("wrote {}", out_path.display());
}
