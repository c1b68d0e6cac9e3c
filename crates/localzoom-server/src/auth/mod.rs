//! Authentication and authorisation: OAuth grants (`/oauth/*`), the token store, and the `Caller` a
//! `/v2` request carries. `Caller::authorize::<O>()` is the only way to get a `Granted<O>`, the proof
//! of scope that services demand.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub mod device_flow;
pub mod ops;
pub mod pages;
pub mod routes;
pub mod service;
pub mod store;
pub mod user_flow;
pub mod user_store;

pub use ops::{Op, Operation};

/// Zoom's rate-limit labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    Light,
    Medium,
    Heavy,
    ResourceIntensive,
}

/// Who is calling: the account a valid access token belongs to, its user (`me`) and its scopes.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: String,
    /// The user `me` stands for: the app's owner for Server-to-Server tokens.
    pub me: Option<String>,
    pub client_id: Option<String>,
    pub scopes: Vec<String>,
    /// The account's plan (`free`, `pro`, `business`): it sets the rate limits.
    pub plan: String,
    pub account_number: Option<i64>,
    /// A user-level OAuth token (authorization code or device flow): the user's consent it came from
    /// and the user's email. Without an account-level (`:admin`) scope such a caller sees only its user.
    pub user_grant: Option<UserGrant>,
}

/// What a user-level OAuth token knows of its user.
#[derive(Debug, Clone)]
pub struct UserGrant {
    pub grant_id: String,
    pub email: String,
}

impl Caller {
    /// Whether this caller may address `user_id` (an id, an email or `me`) with operation `op`:
    /// a user-level OAuth token without an `:admin` scope of `op` addresses only its own user.
    pub fn may_address(&self, op: &Op, user_id: &str) -> bool {
        let Some(grant) = &self.user_grant else { return true };
        self.acts_for_account(op)
            || user_id == "me"
            || self.me.as_deref() == Some(user_id)
            || grant.email.eq_ignore_ascii_case(user_id)
    }

    /// The scopes of `op` this caller holds.
    fn held<'a>(&'a self, op: &'a Op) -> impl Iterator<Item = &'static str> + 'a {
        op.classic
            .iter()
            .chain(op.granular.iter())
            .copied()
            .filter(|s| self.scopes.iter().any(|h| h == s))
    }

    /// Whether an account-wide (`:admin`, `:master`) scope of `op` is held: the caller then acts for
    /// the whole account, not only as `me`.
    pub fn acts_for_account(&self, op: &Op) -> bool {
        self.held(op).any(|s| s.ends_with(":admin") || s.ends_with(":master"))
    }
}

/// Proof that a caller may run operation `O`; services that act on the account take one.
#[derive(Debug)]
pub struct Granted<O: Operation> {
    account_id: String,
    me: Option<String>,
    admin: bool,
    account_number: Option<i64>,
    _op: PhantomData<O>,
}

impl<O: Operation> Granted<O> {
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    pub fn me(&self) -> Option<&str> {
        self.me.as_deref()
    }

    /// Whether an account-wide (`:admin`, `:master`) scope granted the call; otherwise the caller
    /// acts only as `me` (a user-level scope such as `meeting:write`).
    pub fn is_admin(&self) -> bool {
        self.admin
    }

    /// The account's number, as the user object shows it.
    pub fn account_number(&self) -> Option<i64> {
        self.account_number
    }
}

impl Caller {
    /// Checks the token's scopes against `O`'s (any classic or granular scope suffices);
    /// otherwise Zoom's 400/4711 naming the granular scopes.
    pub fn authorize<O: Operation>(&self) -> ApiResult<Granted<O>> {
        let op = O::OP;
        if self.held(&op).next().is_none() {
            let wanted: &[&str] = if op.granular.is_empty() {
                op.classic
            } else {
                op.granular
            };
            return Err(ApiError::missing_scopes(wanted));
        }
        Ok(Granted {
            account_id: self.account_id.clone(),
            me: self.me.clone(),
            admin: self.acts_for_account(&op),
            account_number: self.account_number,
            _op: PhantomData,
        })
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // The rate-limit layer authenticates first and leaves the caller here.
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let caller = authenticate_headers(state, &parts.headers).await?;
        if let Some(slot) = parts.extensions.get::<crate::logging::AccountSlot>() {
            slot.set(&caller.account_id);
        }
        crate::logging::note(&parts.extensions, &caller.account_id, caller.client_id.as_deref());
        Ok(caller)
    }
}

/// The caller a request's `Authorization: Bearer …` header names, or Zoom's 401/124.
pub async fn authenticate_headers(state: &AppState, headers: &HeaderMap) -> ApiResult<Caller> {
    let header = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
    let token = match header.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => token.trim(),
        _ => return Err(ApiError::invalid_token()),
    };
    service::authenticate(state, token).await
}

/// Every scope the default Server-to-Server app holds: each classic and granular `:admin` scope,
/// and `user:master` (its account is a master account once it has sub accounts).
pub fn admin_scopes() -> Vec<&'static str> {
    let mut scopes: Vec<&'static str> = ops::ALL
        .iter()
        .chain(ops::UNSERVED)
        .flat_map(|op| op.classic.iter().chain(op.granular.iter()).copied())
        .filter(|s| s.ends_with(":admin") || *s == "user:master")
        .collect();
    scopes.sort_unstable();
    scopes.dedup();
    scopes
}

/// Every scope named in the operation table (what an app may be given).
pub fn known_scopes() -> Vec<&'static str> {
    let mut scopes: Vec<&'static str> = ops::ALL
        .iter()
        .chain(ops::UNSERVED)
        .flat_map(|op| op.classic.iter().chain(op.granular.iter()).copied())
        .collect();
    scopes.sort_unstable();
    scopes.dedup();
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(scopes: &[&str]) -> Caller {
        Caller {
            account_id: "a".into(),
            me: None,
            client_id: None,
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            plan: "business".into(),
            account_number: None,
            user_grant: None,
        }
    }

    #[test]
    fn any_listed_scope_grants_and_missing_names_granular() {
        assert!(caller(&["user:read:admin"]).authorize::<ops::Users>().is_ok());
        assert!(caller(&["user:read:list_users:admin"])
            .authorize::<ops::Users>()
            .is_ok());
        let e = caller(&["meeting:read:admin"]).authorize::<ops::Users>().unwrap_err();
        assert_eq!(e.code, 4711);
        assert_eq!(
            e.message,
            "Invalid access token, does not contain scopes:[user:read:list_users:admin]."
        );
    }

    #[test]
    fn admin_scopes_cover_every_operation_with_an_admin_scope() {
        let scopes = admin_scopes();
        assert!(scopes.contains(&"user:read:list_users:admin"));
        assert!(scopes.contains(&"user:write:admin"));
        assert!(!scopes.contains(&"user:read"));
    }
}
