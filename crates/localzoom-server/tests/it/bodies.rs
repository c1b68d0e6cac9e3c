//! The wire: body encodings, nulls, unknown fields, chunked bodies, trailing slashes and every way a
//! request can be malformed, each answered with Zoom's JSON error and never a 5xx.

use futures_util::stream;
use reqwest::{multipart, Method};
use serde_json::{json, Value};

use crate::common::{read, spawn_app, spawn_with};

#[tokio::test]
async fn json_form_and_multipart_bodies_mean_the_same() {
    let app = spawn_app().await;
    let attrs = r#"[{"key":"k","name":"n","value":"v"}]"#;
    let mut results = Vec::new();
    for (i, encoding) in ["json", "form", "multipart"].into_iter().enumerate() {
        let id = app.create_user(&format!("enc{i}@example.com"), "custCreate", 1).await;
        let path = format!("/v2/users/{id}");
        let r = app.req(Method::PATCH, &path);
        let r = match encoding {
            "json" => r.json(&json!({"first_name": "Enc", "pmi": 2222222222i64 + i as i64, "use_pmi": true, "custom_attributes": serde_json::from_str::<Value>(attrs).unwrap()})),
            "form" => r.form(&[("first_name", "Enc".to_string()), ("pmi", (2222222222i64 + i as i64).to_string()), ("use_pmi", "true".into()), ("custom_attributes", attrs.into())]),
            _ => r.multipart(
                multipart::Form::new()
                    .text("first_name", "Enc")
                    .text("pmi", (2222222222i64 + i as i64).to_string())
                    .text("use_pmi", "true")
                    .text("custom_attributes", attrs),
            ),
        };
        let (s, body) = read(r.send().await.unwrap()).await;
        assert_eq!(s, 204, "{encoding}: {body}");
        let (_, u) = app.call(Method::GET, &path, None).await;
        results.push((
            u["first_name"].clone(),
            u["use_pmi"].clone(),
            u["custom_attributes"].clone(),
            u["pmi"].as_i64().unwrap() - i as i64,
        ));
    }
    assert!(results.windows(2).all(|w| w[0] == w[1]), "{results:?}");
    assert_eq!(results[0].3, 2222222222);
    // Nested objects as JSON text in form fields, for create too.
    let resp = app
        .req(Method::POST, "/v2/users")
        .form(&[
            ("action", "custCreate"),
            (
                "user_info",
                r#"{"email":"form@example.com","type":1,"first_name":"Form"}"#,
            ),
        ])
        .send()
        .await
        .unwrap();
    let (s, body) = read(resp).await;
    assert_eq!(s, 201, "{body}");
    assert_eq!(body["first_name"], "Form");
}

#[tokio::test]
async fn nulls_unknown_fields_bodiless_json_and_trailing_slashes() {
    let app = spawn_app().await;
    let id = app.create_user("n@example.com", "custCreate", 1).await;
    let (s, _) = app
        .call(
            Method::PATCH,
            &format!("/v2/users/{id}"),
            Some(json!({"first_name": null, "dept": "D", "whatever": {"x": 1}})),
        )
        .await;
    assert_eq!(s, 204);
    let (_, u) = app.call(Method::GET, &format!("/v2/users/{id}/"), None).await;
    assert_eq!(u["first_name"], "Test", "null means not given");
    assert_eq!(u["dept"], "D");
    // Content-Type: application/json without a body on GET and DELETE.
    let resp = app
        .req(Method::GET, "/v2/users/")
        .header("Content-Type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = app
        .req(Method::DELETE, &format!("/v2/users/{id}/"))
        .header("Content-Type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
}

#[tokio::test]
async fn chunked_bodies_work() {
    let app = spawn_app().await;
    let id = app.create_user("chunk@example.com", "custCreate", 1).await;
    let chunks: Vec<Result<&'static str, std::io::Error>> = vec![Ok("{\"first_"), Ok("name\": \"Chun"), Ok("ked\"}")];
    let resp = app
        .req(Method::PATCH, &format!("/v2/users/{id}"))
        .header("Content-Type", "application/json")
        .body(reqwest::Body::wrap_stream(stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let (_, u) = app.call(Method::GET, &format!("/v2/users/{id}"), None).await;
    assert_eq!(u["first_name"], "Chunked");
}

#[tokio::test]
async fn malformed_requests_get_zoom_errors() {
    let app = spawn_with(|c| c.max_body_bytes = 64 * 1024).await;
    let id = app.create_user("m@example.com", "custCreate", 1).await;
    let path = format!("/v2/users/{id}");
    let invalid_json = json!({"code": 300, "message": "Request Body should be a valid JSON object."});
    for raw in ["{bad", "[1,2]", "\"text\"", "null", "{\"first_name\": \"x\""] {
        let resp = app
            .req(Method::PATCH, &path)
            .header("Content-Type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let (s, body) = read(resp).await;
        assert_eq!((s, body), (400, invalid_json.clone()), "{raw}");
    }
    // Oversized bodies.
    let big = format!("{{\"first_name\": \"{}\"}}", "x".repeat(100 * 1024));
    let resp = app
        .req(Method::PATCH, &path)
        .header("Content-Type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    let (s, body) = read(resp).await;
    assert_eq!(s, 413);
    assert_eq!(body["code"], 300);
    let form = multipart::Form::new().text("first_name", "x".repeat(100 * 1024));
    let (s, body) = read(app.req(Method::PATCH, &path).multipart(form).send().await.unwrap()).await;
    assert_eq!(s, 413, "{body}");
    // Broken multipart.
    let resp = app
        .req(Method::PATCH, &path)
        .header("Content-Type", "multipart/form-data; boundary=XYZ")
        .body("--XYZ\r\nContent-Disposition: form-data; name=\"first_name\"\r\n\r\nunterminated")
        .send()
        .await
        .unwrap();
    let (s, body) = read(resp).await;
    assert_eq!((s, body["code"].clone()), (400, json!(300)));
    let resp = app
        .req(Method::PATCH, &path)
        .header("Content-Type", "multipart/form-data")
        .body("x")
        .send()
        .await
        .unwrap();
    let (s, body) = read(resp).await;
    assert_eq!((s, body["code"].clone()), (400, json!(300)));
    // A path segment that is not UTF-8 once decoded.
    let (s, body) = app.call(Method::GET, "/v2/users/%FF%FE", None).await;
    assert_eq!((s, body["code"].clone()), (400, json!(300)));
    // Unknown routes and methods.
    let (s, body) = app.call(Method::GET, "/v2/nothing/here", None).await;
    assert_eq!((s, body["code"].clone()), (404, json!(404)));
    let (s, body) = app.call(Method::POST, &path, Some(json!({}))).await;
    assert_eq!((s, body["code"].clone()), (405, json!(405)));
    // After all of that the user is untouched.
    let (_, u) = app.call(Method::GET, &path, None).await;
    assert_eq!(u["first_name"], "Test");
}

#[tokio::test]
async fn responses_carry_a_tracking_id() {
    let app = spawn_app().await;
    let resp = app.req(Method::GET, "/v2/users").send().await.unwrap();
    let tracking = resp
        .headers()
        .get("x-zm-trackingid")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(tracking.starts_with("v=2.0;clid=localzoom;rid=WEB_"), "{tracking}");
}
