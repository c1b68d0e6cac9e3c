//! The Users API: `zoom_api::users::Users` methods as typed calls.

use reqwest::Method;
use zoom_types::users::{
    CreateUserRequest, CreatedUser, EmailCheck, UpdateUserRequest, User, UserList, UserStatusRequest, UserSummary,
};

use crate::{segment, Client, Result};

/// Options of `GET /users`; `Default` is Zoom's default (active users, 30 per page).
#[derive(Debug, Clone, Default)]
pub struct ListUsers {
    /// `active` (default), `inactive` or `pending`.
    pub status: Option<String>,
    pub page_size: Option<i64>,
    pub role_id: Option<String>,
    pub page_number: Option<i64>,
    /// `custom_attributes` and/or `host_key`.
    pub include_fields: Vec<String>,
    pub next_page_token: Option<String>,
}

impl ListUsers {
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(v) = &self.status {
            q.push(("status", v.clone()));
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
    pub action: Option<String>,
    pub transfer_email: Option<String>,
    pub transfer_meeting: Option<bool>,
}

/// The Users API of a [`Client`].
pub struct Users<'a> {
    client: &'a Client,
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

    /// Every user matching `opts`, following `next_page_token` to the end.
    pub async fn list_all(&self, opts: &ListUsers) -> Result<Vec<zoom_types::users::UserListItem>> {
        let mut opts = opts.clone();
        let mut out = Vec::new();
        loop {
            let page = self.list(&opts).await?;
            out.extend(page.users);
            if page.next_page_token.is_empty() {
                return Ok(out);
            }
            opts.next_page_token = Some(page.next_page_token);
        }
    }

    /// `POST /users`.
    pub async fn create(&self, body: &CreateUserRequest) -> Result<CreatedUser> {
        self.client.send_json(Method::POST, "/users", |r| r.json(body)).await
    }

    /// `GET /users/{userId}`: by id, email or `me`.
    pub async fn get(&self, user_id: &str) -> Result<User> {
        self.client
            .send_json(Method::GET, &format!("/users/{}", segment(user_id)), |r| r)
            .await
    }

    /// `PATCH /users/{userId}`.
    pub async fn update(&self, user_id: &str, body: &UpdateUserRequest) -> Result<()> {
        self.client
            .send(Method::PATCH, &format!("/users/{}", segment(user_id)), |r| r.json(body))
            .await
            .map(drop)
    }

    /// `DELETE /users/{userId}`.
    pub async fn delete(&self, user_id: &str, opts: &DeleteUser) -> Result<()> {
        let mut q: Vec<(&str, String)> = Vec::new();
        if let Some(a) = &opts.action {
            q.push(("action", a.clone()));
        }
        if let Some(e) = &opts.transfer_email {
            q.push(("transfer_email", e.clone()));
        }
        if let Some(t) = opts.transfer_meeting {
            q.push(("transfer_meeting", t.to_string()));
        }
        self.client
            .send(Method::DELETE, &format!("/users/{}", segment(user_id)), |r| r.query(&q))
            .await
            .map(drop)
    }

    /// `PUT /users/{userId}/status` with `activate`, `deactivate`, `clock_in` or `clock_out`.
    pub async fn set_status(&self, user_id: &str, action: &str) -> Result<()> {
        let body = UserStatusRequest { action: action.into() };
        self.client
            .send(Method::PUT, &format!("/users/{}/status", segment(user_id)), |r| {
                r.json(&body)
            })
            .await
            .map(drop)
    }

    /// `GET /users/email`: whether the email belongs to a user of the account.
    pub async fn email_exists(&self, email: &str) -> Result<bool> {
        let check: EmailCheck = self
            .client
            .send_json(Method::GET, "/users/email", |r| r.query(&[("email", email)]))
            .await?;
        Ok(check.existed_email)
    }

    /// `GET /users/summary`.
    pub async fn summary(&self) -> Result<UserSummary> {
        self.client.send_json(Method::GET, "/users/summary", |r| r).await
    }
}
