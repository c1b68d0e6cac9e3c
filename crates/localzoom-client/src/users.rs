//! The Users API: every method of `zoom_api::users::Users`, typed. See the crate docs for the
//! method-by-method map.

use futures_util::Stream;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use zoom_types::enums::{DeleteAction, PresenceUpdate, SettingsOption, StatusAction, TokenType, UserStatus};
pub use zoom_types::users::{Assistant, BackgroundFile, FeatureFailure, FeaturesResult, Presence, Scheduler};
use zoom_types::users::{
    AssistantList, AssistantsAdded, CreateUserRequest, CreatedUser, EmailCheck, Permissions, SchedulerList,
    UpdateUserRequest, User, UserList, UserListItem, UserStatusRequest, UserSummary, UserToken, VanityCheck,
};

use crate::{segment, Client, Result};

/// Options of `GET /users`; `Default` is Zoom's default (active users, 30 per page).
///
/// ```
/// use localzoom_client::ListUsers;
/// use localzoom_client::zoom_types::enums::UserStatus;
/// let opts = ListUsers { status: Some(UserStatus::Pending), page_size: Some(300), ..Default::default() };
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default)]
pub struct ListUsers {
    /// `active` (Zoom's default), `inactive` or `pending`.
    pub status: Option<UserStatus>,
    /// Users per page (Zoom's default 30).
    pub page_size: Option<i64>,
    /// Only users of this role.
    pub role_id: Option<String>,
    /// A page by number (deprecated by Zoom; prefer the token).
    pub page_number: Option<i64>,
    /// `custom_attributes` and/or `host_key`.
    pub include_fields: Vec<String>,
    /// The token of the page to fetch.
    pub next_page_token: Option<String>,
}

impl ListUsers {
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(v) = self.status {
            q.push(("status", v.to_string()));
        }
        if let Some(v) = self.page_size {
            q.push(("page_size", v.to_string()));
        }
        if let Some(v) = &self.role_id {
            q.push(("role_id", v.clone()));
        }
        if let Some(v) = self.page_number {
            q.push(("page_number", v.to_string()));
        }
        if !self.include_fields.is_empty() {
            q.push(("include_fields", self.include_fields.join(",")));
        }
        if let Some(v) = &self.next_page_token {
            q.push(("next_page_token", v.clone()));
        }
        q
    }
}

/// Options of `DELETE /users/{userId}`.
#[derive(Debug, Clone, Default)]
pub struct DeleteUser {
    /// `disassociate` (Zoom's default) or `delete`.
    pub action: Option<DeleteAction>,
    /// Who receives the user's data.
    pub transfer_email: Option<String>,
    /// Hand the user's meetings to `transfer_email`.
    pub transfer_meeting: Option<bool>,
}

/// A user named by id or by email, as assistant and bulk-feature lists take them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The user's id.
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The user's email.
    pub email: Option<String>,
}

impl UserRef {
    /// A user by id.
    pub fn id(id: &str) -> Self {
        UserRef {
            id: Some(id.into()),
            email: None,
        }
    }

    /// A user by email.
    pub fn email(email: &str) -> Self {
        UserRef {
            id: None,
            email: Some(email.into()),
        }
    }
}

/// Options of `GET /users/{userId}/settings`.
#[derive(Debug, Clone, Default)]
pub struct SettingsQuery {
    /// A part of the settings instead of the whole document.
    pub option: Option<SettingsOption>,
    /// Keep only these fields, nested as in the full document.
    pub custom_query_fields: Vec<String>,
}

/// The Users API of a [`Client`]: `client.users()`.
///
/// ```no_run
/// # async fn demo(client: &localzoom_client::Client) -> localzoom_client::Result<()> {
/// use localzoom_client::zoom_types::enums::StatusAction;
/// let me = client.users().get("me").await?;
/// client.users().set_status("jill@example.com", StatusAction::Deactivate).await?;
/// # let _ = me; Ok(()) }
/// ```
pub struct Users<'a> {
    client: &'a Client,
}

fn user_path(user_id: &str, rest: &str) -> String {
    format!("/users/{}{rest}", segment(user_id))
}

impl<'a> Users<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Users { client }
    }

    /// `GET /users`: one page.
    pub async fn list(&self, opts: &ListUsers) -> Result<UserList> {
        let q = opts.query();
        self.client.send_json(Method::GET, "/users", |r| r.query(&q)).await
    }

    /// Every user matching `opts`, page after page, following `next_page_token`.
    pub fn stream(&self, opts: &ListUsers) -> impl Stream<Item = Result<UserListItem>> + 'a {
        let client = self.client;
        crate::paginate(opts.clone(), move |opts| async move {
            let page = Users { client }.list(&opts).await?;
            let next = (!page.next_page_token.is_empty()).then(|| ListUsers {
                next_page_token: Some(page.next_page_token.clone()),
                ..opts
            });
            Ok((page.users, next))
        })
    }

    /// Every user matching `opts`, collected.
    pub async fn list_all(&self, opts: &ListUsers) -> Result<Vec<UserListItem>> {
        crate::collect(self.stream(opts)).await
    }

    /// `POST /users`.
    pub async fn create(&self, body: &CreateUserRequest) -> Result<CreatedUser> {
        self.client.send_json(Method::POST, "/users", |r| r.json(body)).await
    }

    /// `GET /users/{userId}`: by id, email or `me`.
    pub async fn get(&self, user_id: &str) -> Result<User> {
        self.client.send_json(Method::GET, &user_path(user_id, ""), |r| r).await
    }

    /// `PATCH /users/{userId}`.
    pub async fn update(&self, user_id: &str, body: &UpdateUserRequest) -> Result<()> {
        self.client
            .send_unit(Method::PATCH, &user_path(user_id, ""), |r| r.json(body))
            .await
    }

    /// `DELETE /users/{userId}`.
    pub async fn delete(&self, user_id: &str, opts: &DeleteUser) -> Result<()> {
        let mut q: Vec<(&str, String)> = Vec::new();
        if let Some(a) = opts.action {
            q.push(("action", a.to_string()));
        }
        if let Some(e) = &opts.transfer_email {
            q.push(("transfer_email", e.clone()));
        }
        if let Some(t) = opts.transfer_meeting {
            q.push(("transfer_meeting", t.to_string()));
        }
        self.client
            .send_unit(Method::DELETE, &user_path(user_id, ""), |r| r.query(&q))
            .await
    }

    /// `PUT /users/{userId}/status`.
    pub async fn set_status(&self, user_id: &str, action: StatusAction) -> Result<()> {
        let body = UserStatusRequest {
            action: action.to_string(),
        };
        self.client
            .send_unit(Method::PUT, &user_path(user_id, "/status"), |r| r.json(&body))
            .await
    }

    /// `GET /users/email`: whether the email belongs to a user of the account.
    pub async fn email_exists(&self, email: &str) -> Result<bool> {
        let check: EmailCheck = self
            .client
            .send_json(Method::GET, "/users/email", |r| r.query(&[("email", email)]))
            .await?;
        Ok(check.existed_email)
    }

    /// `PUT /users/{userId}/email`.
    pub async fn update_email(&self, user_id: &str, email: &str) -> Result<()> {
        self.client
            .send_unit(Method::PUT, &user_path(user_id, "/email"), |r| {
                r.json(&json!({ "email": email }))
            })
            .await
    }

    /// `GET /users/vanity_name`: whether a personal meeting room name is taken.
    pub async fn vanity_name_exists(&self, name: &str) -> Result<bool> {
        let v: VanityCheck = self
            .client
            .send_json(Method::GET, "/users/vanity_name", |r| r.query(&[("vanity_name", name)]))
            .await?;
        Ok(v.existed)
    }

    /// `GET /users/summary`.
    pub async fn summary(&self) -> Result<UserSummary> {
        self.client.send_json(Method::GET, "/users/summary", |r| r).await
    }

    /// `GET /users/{userId}/assistants`.
    pub async fn assistants(&self, user_id: &str) -> Result<Vec<Assistant>> {
        let v: AssistantList = self
            .client
            .send_json(Method::GET, &user_path(user_id, "/assistants"), |r| r)
            .await?;
        Ok(v.assistants)
    }

    /// `POST /users/{userId}/assistants`: the ids now assistants.
    pub async fn add_assistants(&self, user_id: &str, assistants: &[UserRef]) -> Result<Vec<String>> {
        let v: AssistantsAdded = self
            .client
            .send_json(Method::POST, &user_path(user_id, "/assistants"), |r| {
                r.json(&json!({ "assistants": assistants }))
            })
            .await?;
        Ok(v.ids.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect())
    }

    /// `DELETE /users/{userId}/assistants`: all of them.
    pub async fn delete_assistants(&self, user_id: &str) -> Result<()> {
        self.client
            .send_unit(Method::DELETE, &user_path(user_id, "/assistants"), |r| r)
            .await
    }

    /// `DELETE /users/{userId}/assistants/{assistantId}`.
    pub async fn delete_assistant(&self, user_id: &str, assistant_id: &str) -> Result<()> {
        let path = user_path(user_id, &format!("/assistants/{}", segment(assistant_id)));
        self.client.send_unit(Method::DELETE, &path, |r| r).await
    }

    /// `GET /users/{userId}/schedulers`.
    pub async fn schedulers(&self, user_id: &str) -> Result<Vec<Scheduler>> {
        let v: SchedulerList = self
            .client
            .send_json(Method::GET, &user_path(user_id, "/schedulers"), |r| r)
            .await?;
        Ok(v.schedulers)
    }

    /// `DELETE /users/{userId}/schedulers`: all of them.
    pub async fn delete_schedulers(&self, user_id: &str) -> Result<()> {
        self.client
            .send_unit(Method::DELETE, &user_path(user_id, "/schedulers"), |r| r)
            .await
    }

    /// `DELETE /users/{userId}/schedulers/{schedulerId}`.
    pub async fn delete_scheduler(&self, user_id: &str, scheduler_id: &str) -> Result<()> {
        let path = user_path(user_id, &format!("/schedulers/{}", segment(scheduler_id)));
        self.client.send_unit(Method::DELETE, &path, |r| r).await
    }

    /// `PUT /users/{userId}/password`.
    pub async fn set_password(&self, user_id: &str, password: &str) -> Result<()> {
        self.client
            .send_unit(Method::PUT, &user_path(user_id, "/password"), |r| {
                r.json(&json!({ "password": password }))
            })
            .await
    }

    /// `GET /users/{userId}/permissions`.
    pub async fn permissions(&self, user_id: &str) -> Result<Vec<String>> {
        let v: Permissions = self
            .client
            .send_json(Method::GET, &user_path(user_id, "/permissions"), |r| r)
            .await?;
        Ok(v.permissions)
    }

    /// `GET /users/{userId}/token`: a token, ZAK or on-behalf token; `ttl` in seconds.
    pub async fn token(&self, user_id: &str, kind: TokenType, ttl: Option<i64>) -> Result<String> {
        let mut q = vec![("type", kind.to_string())];
        if let Some(t) = ttl {
            q.push(("ttl", t.to_string()));
        }
        let v: UserToken = self
            .client
            .send_json(Method::GET, &user_path(user_id, "/token"), |r| r.query(&q))
            .await?;
        Ok(v.token)
    }

    /// `GET /users/me/zak`: a ZAK for the token's user, valid five minutes.
    pub async fn zak(&self) -> Result<String> {
        let v: UserToken = self.client.send_json(Method::GET, "/users/me/zak", |r| r).await?;
        Ok(v.token)
    }

    /// `DELETE /users/{userId}/token`: revokes the tokens issued for the user.
    pub async fn revoke_tokens(&self, user_id: &str) -> Result<()> {
        self.client
            .send_unit(Method::DELETE, &user_path(user_id, "/token"), |r| r)
            .await
    }

    /// `GET /users/{userId}/presence_status`.
    pub async fn presence(&self, user_id: &str) -> Result<Presence> {
        self.client
            .send_json(Method::GET, &user_path(user_id, "/presence_status"), |r| r)
            .await
    }

    /// `PUT /users/{userId}/presence_status`; `duration` (minutes) only for Do-Not-Disturb.
    pub async fn set_presence(&self, user_id: &str, status: PresenceUpdate, duration: Option<i64>) -> Result<()> {
        let mut body = json!({ "status": status });
        if let Some(d) = duration {
            body["duration"] = json!(d);
        }
        self.client
            .send_unit(Method::PUT, &user_path(user_id, "/presence_status"), |r| r.json(&body))
            .await
    }

    /// `GET /users/{userId}/settings`: the document, or the part `option` names.
    pub async fn settings(&self, user_id: &str, query: &SettingsQuery) -> Result<Value> {
        let mut q: Vec<(&str, String)> = Vec::new();
        if let Some(o) = query.option {
            q.push(("option", o.to_string()));
        }
        if !query.custom_query_fields.is_empty() {
            q.push(("custom_query_fields", query.custom_query_fields.join(",")));
        }
        self.client
            .send_json(Method::GET, &user_path(user_id, "/settings"), |r| r.query(&q))
            .await
    }

    /// `PATCH /users/{userId}/settings`: merges `patch` into the document (or the `option` part).
    pub async fn update_settings(&self, user_id: &str, option: Option<SettingsOption>, patch: &Value) -> Result<()> {
        let q: Vec<(&str, String)> = option.map(|o| ("option", o.to_string())).into_iter().collect();
        self.client
            .send_unit(Method::PATCH, &user_path(user_id, "/settings"), |r| {
                r.query(&q).json(patch)
            })
            .await
    }

    /// `POST /users/{userId}/picture`: jpg/jpeg, gif or png, at most 2 MB.
    pub async fn upload_picture(&self, user_id: &str, file_name: &str, bytes: Vec<u8>) -> Result<()> {
        let (name, data) = (file_name.to_string(), bytes);
        self.client
            .send_unit(Method::POST, &user_path(user_id, "/picture"), move |r| {
                let part = reqwest::multipart::Part::bytes(data.clone()).file_name(name.clone());
                r.multipart(reqwest::multipart::Form::new().part("pic_file", part))
            })
            .await
    }

    /// `DELETE /users/{userId}/picture`.
    pub async fn delete_picture(&self, user_id: &str) -> Result<()> {
        self.client
            .send_unit(Method::DELETE, &user_path(user_id, "/picture"), |r| r)
            .await
    }

    /// `POST /users/{userId}/settings/virtual_backgrounds`.
    pub async fn upload_virtual_background(
        &self,
        user_id: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<BackgroundFile> {
        let (name, data) = (file_name.to_string(), bytes);
        self.client
            .send_json(
                Method::POST,
                &user_path(user_id, "/settings/virtual_backgrounds"),
                move |r| {
                    let part = reqwest::multipart::Part::bytes(data.clone()).file_name(name.clone());
                    r.multipart(reqwest::multipart::Form::new().part("file", part))
                },
            )
            .await
    }

    /// `DELETE /users/{userId}/settings/virtual_backgrounds?file_ids=…`.
    pub async fn delete_virtual_backgrounds(&self, user_id: &str, file_ids: &[String]) -> Result<()> {
        let ids = file_ids.join(",");
        self.client
            .send_unit(
                Method::DELETE,
                &user_path(user_id, "/settings/virtual_backgrounds"),
                |r| r.query(&[("file_ids", ids.as_str())]),
            )
            .await
    }

    /// `POST /users/features`: one feature for up to 30 users.
    pub async fn update_features(
        &self,
        feature_type: &str,
        feature_value: &str,
        users: &[UserRef],
    ) -> Result<FeaturesResult> {
        let body = json!({"feature_type": feature_type, "feature_value": feature_value, "users": users});
        self.client
            .send_json(Method::POST, "/users/features", |r| r.json(&body))
            .await
    }

    /// `PUT /accounts/{accountId}/users/{userId}/account`: moves a user to sub account `target`
    /// (`account_id` may be `me`, the master).
    pub async fn switch_account(&self, account_id: &str, user_id: &str, target: &str) -> Result<()> {
        let path = format!("/accounts/{}/users/{}/account", segment(account_id), segment(user_id));
        self.client
            .send_unit(Method::PUT, &path, |r| r.json(&json!({ "account_id": target })))
            .await
    }
}
