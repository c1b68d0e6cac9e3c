//! Every client method against a live localzoom (started in-process on port 0, fresh store).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use localzoom_client::zoom_types::enums::{
    CreateAction, MeetingAction, PresenceStatus, PresenceUpdate, RegistrantAction, RegistrantStatus, SettingsOption,
    StatusAction, TokenType,
};
use localzoom_client::zoom_types::meetings::{MeetingRequest, NewRegistrant, Recurrence};
use localzoom_client::zoom_types::users::{CreateUserRequest, NewUserInfo, UpdateUserRequest};
use localzoom_client::{Client, Error, ListMeetings, ListRegistrants, ListUsers, SettingsQuery, UserRef};
use localzoom_server::testing::TestDatabase;
use localzoom_server::{AccountCredentials, Config, Server};
use serde_json::{json, Value};

struct Live {
    origin: String,
    creds: AccountCredentials,
    client: Client,
    _db: Option<TestDatabase>,
    _dir: tempfile::TempDir,
}

async fn live() -> Live {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::from_env().await;
    let config = Config {
        data_dir: Some(dir.path().to_path_buf()),
        database_url: db.as_ref().map(|d| d.url.clone()),
        port: 0,
        ..Config::default()
    };
    let server = Server::new(config).await.unwrap();
    let creds = server.credentials().clone();
    let (listener, addr) = localzoom_server::bind(&server).await.unwrap();
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    let origin = format!("http://{addr}");
    let client = client_for(&origin, &creds, None);
    Live {
        origin,
        creds,
        client,
        _db: db,
        _dir: dir,
    }
}

fn client_for(origin: &str, c: &AccountCredentials, budget: Option<Duration>) -> Client {
    let mut b = Client::builder()
        .base_url(origin)
        .server_to_server(&c.account_id, &c.client_id, &c.client_secret);
    if let Some(budget) = budget {
        b = b.retry_budget(budget);
    }
    b.build().unwrap()
}

async fn control(origin: &str, method: reqwest::Method, path: &str, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .request(method, format!("{origin}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap()
}

fn new_user(email: &str, user_type: i64, action: CreateAction) -> CreateUserRequest {
    CreateUserRequest {
        action: action.to_string(),
        user_info: NewUserInfo {
            email: email.into(),
            user_type,
            first_name: Some("Test".into()),
            ..Default::default()
        },
    }
}

const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6,
    0, 0, 0, 0x1F, 0x15, 0xC4, 0x89,
];

#[tokio::test]
async fn the_users_surface() {
    let lz = live().await;
    let users = lz.client.users();
    let created = users
        .create(&new_user("ann@example.com", 2, CreateAction::CustCreate))
        .await
        .unwrap();
    let bob = users
        .create(&new_user("bob@example.com", 2, CreateAction::CustCreate))
        .await
        .unwrap();
    for i in 0..3 {
        users
            .create(&new_user(&format!("x{i}@example.com"), 1, CreateAction::CustCreate))
            .await
            .unwrap();
    }
    assert_eq!(
        users.get("ann@example.com").await.unwrap().id.as_deref(),
        Some(created.id.as_str())
    );
    users
        .update(
            &created.id,
            &UpdateUserRequest {
                dept: Some("Ops".into()),
                vanity_name: Some("ann.room".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(users.get(&created.id).await.unwrap().dept.as_deref(), Some("Ops"));
    assert!(users.vanity_name_exists("ann.room").await.unwrap());
    // Pagination: one page, the stream over every page, and the collected list agree.
    let page = users
        .list(&ListUsers {
            page_size: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((page.users.len(), page.total_records), (2, 6));
    let streamed: Vec<String> = users
        .stream(&ListUsers {
            page_size: Some(2),
            ..Default::default()
        })
        .map(|u| u.unwrap().email)
        .collect()
        .await;
    assert_eq!(streamed.len(), 6);
    let all = users
        .list_all(&ListUsers {
            page_size: Some(4),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.iter().map(|u| u.email.clone()).collect::<Vec<_>>(), streamed);
    // Status, email, summary, permissions, password.
    users
        .set_status("x0@example.com", StatusAction::Deactivate)
        .await
        .unwrap();
    assert_eq!(
        users.get("x0@example.com").await.unwrap().status.as_deref(),
        Some("inactive")
    );
    users
        .set_status("x0@example.com", StatusAction::Activate)
        .await
        .unwrap();
    assert!(users.email_exists("bob@example.com").await.unwrap());
    users.update_email("x1@example.com", "x1b@example.com").await.unwrap();
    assert!(users.email_exists("x1b@example.com").await.unwrap());
    assert_eq!(users.summary().await.unwrap().total_users_count, 6);
    assert!(users
        .permissions("me")
        .await
        .unwrap()
        .contains(&"User:Edit".to_string()));
    users.set_password(&bob.id, "Tr0ub4dor&3").await.unwrap();
    // Tokens.
    assert!(!users
        .token(&bob.id, TokenType::Zak, Some(600))
        .await
        .unwrap()
        .is_empty());
    assert!(!users.zak().await.unwrap().is_empty());
    users.revoke_tokens(&bob.id).await.unwrap();
    // Presence.
    users
        .set_presence(&bob.id, PresenceUpdate::InAZoomMeeting, None)
        .await
        .unwrap();
    assert_eq!(
        users.presence(&bob.id).await.unwrap().status,
        PresenceStatus::InAMeeting
    );
    // Settings.
    users
        .update_settings(&bob.id, None, &json!({"in_meeting": {"chat": false}}))
        .await
        .unwrap();
    let part = users
        .settings(
            &bob.id,
            &SettingsQuery {
                custom_query_fields: vec!["chat".into()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(part, json!({"in_meeting": {"chat": false}}));
    let sec = users
        .settings(
            &bob.id,
            &SettingsQuery {
                option: Some(SettingsOption::MeetingSecurity),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(sec["meeting_security"].is_object());
    // Picture and virtual backgrounds.
    users.upload_picture(&bob.id, "me.png", PNG_1X1.to_vec()).await.unwrap();
    assert!(users.get(&bob.id).await.unwrap().pic_url.is_some());
    users.delete_picture(&bob.id).await.unwrap();
    let vb = users
        .upload_virtual_background(&bob.id, "bg.png", PNG_1X1.to_vec())
        .await
        .unwrap();
    assert_eq!((vb.kind.as_str(), vb.size), ("image", PNG_1X1.len() as i64));
    users
        .delete_virtual_backgrounds(&bob.id, std::slice::from_ref(&vb.id))
        .await
        .unwrap();
    // Features.
    let result = users
        .update_features("user_type", "2", &[UserRef::email("x2@example.com")])
        .await
        .unwrap();
    assert_eq!(result.success_user_ids.len(), 1);
    // Assistants and schedulers.
    let ids = users
        .add_assistants(&created.id, &[UserRef::id(&bob.id), UserRef::email("x2@example.com")])
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(users.assistants(&created.id).await.unwrap().len(), 2);
    assert_eq!(users.schedulers(&bob.id).await.unwrap()[0].id, created.id);
    users.delete_assistant(&created.id, &bob.id).await.unwrap();
    users.delete_scheduler("x2@example.com", &created.id).await.unwrap();
    users
        .add_assistants(&created.id, &[UserRef::id(&bob.id)])
        .await
        .unwrap();
    users.delete_schedulers(&bob.id).await.unwrap();
    users
        .add_assistants(&created.id, &[UserRef::id(&bob.id)])
        .await
        .unwrap();
    users.delete_assistants(&created.id).await.unwrap();
    assert!(users.assistants(&created.id).await.unwrap().is_empty());
    // Switching to a sub account.
    let sub = control(
        &lz.origin,
        reqwest::Method::POST,
        "/_localzoom/accounts",
        json!({"master_account_id": lz.creds.account_id}),
    )
    .await;
    users
        .switch_account("me", "x0@example.com", sub["account_id"].as_str().unwrap())
        .await
        .unwrap();
    // Delete, and the error a missing user gets.
    users.delete(&bob.id, &Default::default()).await.unwrap();
    match users.get(&bob.id).await {
        Err(Error::Api {
            status: 404,
            code: 1001,
            message,
            ..
        }) => assert!(message.contains(&bob.id)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn meetings_and_registrants() {
    let lz = live().await;
    let meetings = lz.client.meetings();
    let mut settings = serde_json::Map::new();
    settings.insert("approval_type".into(), json!(1));
    let m = meetings
        .create(
            "me",
            &MeetingRequest {
                topic: Some("Launch".into()),
                start_time: Some("2036-01-05T10:00:00Z".into()),
                settings: Some(settings),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((m.topic.as_str(), m.meeting_type), ("Launch", 2));
    assert_eq!(meetings.get(m.id, None).await.unwrap().uuid, m.uuid);
    meetings
        .update(
            m.id,
            &MeetingRequest {
                agenda: Some("Plan".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(meetings.get(m.id, None).await.unwrap().agenda, "Plan");
    let series = meetings
        .create(
            "me",
            &MeetingRequest {
                meeting_type: Some(8),
                start_time: Some("2036-01-05T10:00:00Z".into()),
                timezone: Some("UTC".into()),
                recurrence: Some(Recurrence {
                    kind: 1,
                    end_times: Some(3),
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let occurrences = series.occurrences.clone().unwrap_or_default();
    assert_eq!(occurrences.len(), 3);
    let second = occurrences[1].occurrence_id.clone();
    assert_eq!(
        meetings
            .get(series.id, Some(&second))
            .await
            .unwrap()
            .start_time
            .as_deref(),
        Some("2036-01-06T10:00:00Z")
    );
    meetings.delete(series.id, Some(&second)).await.unwrap();
    let left = meetings
        .get(series.id, None)
        .await
        .unwrap()
        .occurrences
        .unwrap_or_default();
    assert_eq!(left.len(), 2);
    let page = meetings
        .list(
            "me",
            &ListMeetings {
                page_size: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((page.meetings.len(), page.total_records), (1, 2));
    let all: Vec<i64> = meetings
        .stream(
            "me",
            &ListMeetings {
                page_size: Some(1),
                ..Default::default()
            },
        )
        .map(|m| m.unwrap().id)
        .collect()
        .await;
    assert_eq!(all.len(), 2);
    meetings.delete(series.id, None).await.unwrap();
    meetings.set_status(series.id, MeetingAction::Recover).await.unwrap();
    // Registrants.
    let regs = lz.client.registrants(m.id);
    regs.update_questions(&json!({"questions": [{"field_name": "org", "required": true}]}))
        .await
        .unwrap();
    assert_eq!(regs.questions().await.unwrap().questions[0].field_name, "org");
    let mut answers = serde_json::Map::new();
    answers.insert("org".into(), json!("Acme"));
    let mut ids = Vec::new();
    for who in ["ann", "bob", "cat"] {
        let added = regs
            .add(
                &NewRegistrant {
                    email: format!("{who}@example.com"),
                    first_name: who.into(),
                    answers: answers.clone(),
                    ..Default::default()
                },
                &[],
            )
            .await
            .unwrap();
        assert_eq!(added.id, m.id);
        ids.push(added.registrant_id);
    }
    let pending = regs
        .list(&ListRegistrants {
            status: Some(RegistrantStatus::Pending),
            page_size: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((pending.registrants.len(), pending.total_records), (2, 3));
    regs.set_status(
        RegistrantAction::Approve,
        &[UserRef::id(&ids[0]), UserRef::email("bob@example.com")],
    )
    .await
    .unwrap();
    let approved: Vec<String> = regs
        .stream(&ListRegistrants {
            page_size: Some(1),
            ..Default::default()
        })
        .map(|r| r.unwrap().email)
        .collect()
        .await;
    assert_eq!(approved, ["ann@example.com", "bob@example.com"]);
    assert_eq!(regs.get(&ids[0]).await.unwrap().status, "approved");
    regs.delete(&ids[2], None).await.unwrap();
    let batch = regs
        .add_batch(
            &[NewRegistrant {
                email: "dan@example.com".into(),
                first_name: "Dan".into(),
                ..Default::default()
            }],
            true,
        )
        .await
        .unwrap();
    assert_eq!(batch.len(), 1);
}

#[tokio::test]
async fn per_second_429s_are_waited_out_within_the_budget() {
    let lz = live().await;
    let path = format!("/_localzoom/accounts/{}", lz.creds.account_id);
    control(&lz.origin, reqwest::Method::PUT, &path, json!({"plan": "free"})).await;
    // Free, Light: 4 per second. Eight calls in a row need at least one wait.
    let started = Instant::now();
    for _ in 0..8 {
        lz.client.users().get("me").await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    // With no budget the 429 comes back, with Zoom's code and message.
    let impatient = client_for(&lz.origin, &lz.creds, Some(Duration::ZERO));
    let mut limited = None;
    // Twenty calls cannot all fit under four per second, wherever the second boundaries fall.
    for _ in 0..20 {
        if let Err(e) = impatient.users().get("me").await {
            limited = Some(e);
            break;
        }
    }
    match limited {
        Some(Error::Api {
            status: 429,
            code: 429,
            message,
            ..
        }) => assert!(message.contains("per-second")),
        other => panic!("{other:?}"),
    }
}
