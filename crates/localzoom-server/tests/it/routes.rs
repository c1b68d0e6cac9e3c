//! The operation table and the router agree: every `/v2` route registered in the source has an
//! operation (so its scopes are checked and it is counted), and every operation answers on its
//! route (an unauthenticated call reaches the rate-limit layer, which asks for a token).

use localzoom_server::auth::ops::{ALL, UNSERVED};
use localzoom_server::ratelimit::layer::operation;
use reqwest::Method;

use crate::common::{read, spawn_app};

/// `(METHOD, path)` of every `.route("/v2…", get(…).post(…))` in the server's source files.
fn routes_in_source() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut routes = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let Some(path) = rest.trim_start().strip_prefix('"').and_then(|r| r.split('"').next()) else {
                continue;
            };
            if !path.starts_with("/v2") {
                continue;
            }
            // The method router ends at the call's closing parenthesis.
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map(|(i, _)| i)
                .unwrap();
            let call = &rest[..end];
            for method in ["get", "post", "put", "patch", "delete"] {
                let found = call.match_indices(&format!("{method}(")).any(|(i, _)| {
                    i == 0 || !call.as_bytes()[i - 1].is_ascii_alphanumeric() && call.as_bytes()[i - 1] != b'_'
                });
                if found {
                    routes.push((method.to_uppercase(), path.to_string()));
                }
            }
        }
    }
    routes
}

#[test]
fn every_v2_route_has_an_operation() {
    let routes = routes_in_source();
    assert!(routes.len() >= ALL.len(), "the walk found {} routes", routes.len());
    let missing: Vec<_> = routes
        .iter()
        .filter(|(m, p)| operation(&m.parse::<Method>().unwrap(), p).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an operation (no scopes, no limits): {missing:?}"
    );
    let shape = |p: &str| {
        p.split('/')
            .map(|seg| if seg.starts_with('{') { "{}" } else { seg })
            .collect::<Vec<_>>()
            .join("/")
    };
    for op in UNSERVED {
        let path = shape(&format!("/v2{}", op.path));
        assert!(
            !routes.iter().any(|(m, p)| m == op.method && shape(p) == path),
            "{} has a route but is listed as unserved",
            op.id
        );
    }
}

/// A path of `op` with its `{parameters}` filled in.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg {
            "{userId}" => "me",
            "{meetingId}" => "81234567890",
            s if s.starts_with('{') => "x1",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_operation_answers_on_its_route() {
    let app = spawn_app().await;
    for op in ALL {
        let method: Method = op.method.parse().unwrap();
        let url = app.url(&format!("/v2{}", concrete(op.path)));
        let (status, body) = read(app.http.request(method, &url).send().await.unwrap()).await;
        assert_eq!(
            (status, body["code"].as_i64()),
            (401, Some(124)),
            "{} {} ({}): {body}",
            op.method,
            op.path,
            op.id
        );
    }
}
