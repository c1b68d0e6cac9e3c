//! User lookup, the one door every resource uses to turn a path's `userId` (`me`, an email or an
//! id) into a user of the caller's account.

use super::users::{self as user_store, Lookup, UserRow};
use crate::error::{ApiError, ApiResult};
use crate::locks;
use crate::state::AppState;
use crate::store::Store;

/// A user as a path (or a body) names one: `me`, an email address, or an id. Only `resolve` turns
/// it into a user of the caller's account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserRef(String);

impl UserRef {
    pub fn new(name: impl Into<String>) -> Self {
        UserRef(name.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The caller's own user.
    pub fn me() -> Self {
        UserRef::new("me")
    }
}

impl AsRef<str> for UserRef {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for UserRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `{user_id}` of a route, as a `UserRef`, with `PathParam`'s error.
pub struct UserPath(pub UserRef);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for UserPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        let crate::extract::PathParam(name) = crate::extract::PathParam::from_request_parts(parts, state).await?;
        Ok(UserPath(UserRef::new(name)))
    }
}

/// Finds the user a path's `userId` names: `me`, an email, or an id, within the caller's account.
/// Another account's user is exactly as missing as one that does not exist.
pub async fn resolve(
    conn: &mut sqlx::AnyConnection,
    store: &Store,
    account_id: &str,
    me: Option<&str>,
    user: &UserRef,
    lock: bool,
) -> ApiResult<UserRow> {
    let user_id = user.as_str();
    let lookup = if user_id == "me" {
        Lookup::Id(me.ok_or_else(|| ApiError::user_not_found(user_id))?)
    } else {
        Lookup::of(user_id)
    };
    match user_store::find(&mut *conn, store, Some(account_id), lookup, lock).await? {
        Some(user) => Ok(user),
        // A user whose creation is in flight is locked, not missing.
        None if matches!(lookup, Lookup::Email(_)) && locks::is_held(conn, &creation_key(user_id)).await? => {
            Err(ApiError::concurrent_request("create"))
        }
        None => Err(ApiError::user_not_found(user_id)),
    }
}

/// The lock key a user's creation holds, by email (unique across localzoom).
pub(crate) fn creation_key(email: &str) -> String {
    format!("user-create:{}", user_store::email_key(email))
}

/// The control plane names users of any account, by id or email.
pub async fn resolve_any_account(conn: &mut sqlx::AnyConnection, store: &Store, user: &UserRef) -> ApiResult<UserRow> {
    user_store::find(conn, store, None, Lookup::of(user.as_str()), true)
        .await?
        .ok_or_else(|| ApiError::user_not_found(user.as_str()))
}

pub(crate) async fn resolve_read(
    state: &AppState,
    account_id: &str,
    me: Option<&str>,
    user: &UserRef,
) -> ApiResult<UserRow> {
    let mut conn = state.store.acquire().await?;
    resolve(&mut conn, &state.store, account_id, me, user, false).await
}
