//! Password and user-token rules.

use crate::directory::lookup::UserRef;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use serde::Serialize;
use zoom_types::enums::CreateAction;
use zoom_types::enums::UserStatus;
pub use zoom_types::users::UserToken;

use super::input::{PasswordChange, TokenQuery};
use super::store as cred_store;
use crate::auth::store::{self as auth_store, TokenRow};
use crate::auth::{ops, Granted, Operation};
use crate::clock::rfc3339;
use crate::directory::lookup::resolve;
use crate::directory::users::UserRow;
use crate::directory::vocab::Role;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// How long a token from `GET /users/{userId}/token` lives by default, in seconds.
pub const DEFAULT_TOKEN_TTL: i64 = 7200;
/// API users (`custCreate`) get 90 days.
pub const API_USER_TOKEN_TTL: i64 = 90 * 24 * 3600;
pub use super::input::MAX_TOKEN_TTL;
/// `GET /users/me/zak` hands out ZAKs that live five minutes.
pub const ME_ZAK_TTL: i64 = 300;

const COMMON_PASSWORDS: &[&str] = &[
    "password1",
    "password12",
    "password123",
    "passw0rd",
    "qwerty123",
    "qwerty12",
    "abc12345",
    "abcd1234",
    "iloveyou1",
    "welcome1",
    "welcome123",
    "letmein1",
    "monkey123",
    "dragon123",
    "zoom1234",
    "zoomzoom1",
    "admin123",
    "admin1234",
    "trustno1",
    "baseball1",
    "football1",
    "sunshine1",
];

/// Zoom's basic password policy, with its codes and messages.
pub fn check_password_policy(password: &str) -> ApiResult<()> {
    let chars: Vec<char> = password.chars().collect();
    if chars.len() < 8 {
        return Err(ApiError::bad_request(1124, "Have at least 8 characters"));
    }
    if chars.len() >= 32 {
        return Err(ApiError::invalid_field("password"));
    }
    if chars.iter().all(|c| *c == chars[0]) {
        return Err(ApiError::bad_request(1130, "Password can't use the same character."));
    }
    // Six characters in a row that climb or fall by one: 'abcdef', '123456', '987654'.
    let run = |step: i64| {
        chars.windows(6).any(|w| {
            w.windows(2)
                .all(|p| i64::from(u32::from(p[1])) - i64::from(u32::from(p[0])) == step)
        })
    };
    if run(1) || run(-1) {
        return Err(ApiError::bad_request(
            1131,
            "Password can't use continuation character.Such as 'abcdef','123456'.",
        ));
    }
    if !chars.iter().any(|c| c.is_alphabetic()) {
        return Err(ApiError::bad_request(1125, "Have at least 1 letter (a, b, c...)"));
    }
    if !chars.iter().any(|c| c.is_ascii_digit()) {
        return Err(ApiError::bad_request(1126, "Have at least 1 number (1, 2, 3...)"));
    }
    if COMMON_PASSWORDS.contains(&password.to_lowercase().as_str()) {
        return Err(ApiError::bad_request(
            1136,
            "Your password is too easy to guess. Try another one.",
        ));
    }
    Ok(())
}

fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

fn matches(password: &str, stored: &str) -> bool {
    PasswordVerifier::<str>::verify_password(&Argon2::default(), password.as_bytes(), stored).is_ok()
}

type HashJob = Box<dyn FnOnce() + Send>;

/// The one thread that hashes and verifies passwords. Argon2 is CPU and memory work by design
/// (19 MiB per hash): run on tokio's blocking pool, concurrent requests would each take a thread
/// and an allocator arena, and the memory stays with the process (a soak saw RSS pass 1 GiB).
/// One thread in turn keeps both bounded; requests queue for it.
fn hasher() -> &'static std::sync::Mutex<std::sync::mpsc::Sender<HashJob>> {
    static HASHER: std::sync::OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<HashJob>>> = std::sync::OnceLock::new();
    HASHER.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<HashJob>();
        let spawned = std::thread::Builder::new()
            .name("localzoom-passwords".into())
            .spawn(move || {
                for job in rx {
                    job();
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the password thread");
        }
        std::sync::Mutex::new(tx)
    })
}

/// Runs Argon2 work on the password thread and waits for it without blocking async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job: HashJob = Box::new(move || {
        let _ = reply.send(f());
    });
    hasher()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .send(job)
        .map_err(|_| ApiError::internal("the password thread is gone"))?;
    answer
        .await
        .map_err(|_| ApiError::internal("the password thread dropped a job"))
}

async fn me_user<O: Operation>(
    state: &AppState,
    grant: &Granted<O>,
    conn: &mut sqlx::AnyConnection,
) -> ApiResult<UserRow> {
    let me = grant.me().ok_or_else(|| ApiError::bad_request(200, "No privilege."))?;
    resolve(conn, &state.store, grant.account_id(), Some(me), &UserRef::me(), false).await
}

pub async fn set_password(
    state: &AppState,
    grant: &Granted<ops::UserPassword>,
    user_id: &UserRef,
    change: PasswordChange,
) -> ApiResult<()> {
    let password = change.password;
    let mut conn = state.store.acquire().await?;
    let caller = me_user(state, grant, &mut conn).await?;
    if !caller.role.is_admin() {
        return Err(ApiError::bad_request(200, "No privilege."));
    }
    let user = resolve(&mut conn, &state.store, grant.account_id(), grant.me(), user_id, false).await?;
    if user.status == UserStatus::Pending {
        return Err(ApiError::bad_request(1120, "Invite not exist"));
    }
    if user.create_action == CreateAction::SsoCreate {
        return Err(ApiError::bad_request(
            1123,
            "Can only update password of Zoom work email account",
        ));
    }
    if user.role == Role::Admin && user.id != caller.id {
        return Err(ApiError::bad_request(1117, "Can not update Admin's password"));
    }
    check_password_policy(&password)?;
    let old = cred_store::password_hash(&mut conn, &user.id).await?;
    drop(conn);
    let new_hash = blocking(move || {
        let same = old.is_some_and(|old| matches(&password, &old));
        (same, hash(&password))
    })
    .await?;
    let new_hash = match new_hash {
        (true, _) => {
            return Err(ApiError::bad_request(
                300,
                "Your new password can not match the old password.",
            ));
        }
        (false, hashed) => hashed.map_err(ApiError::internal)?,
    };
    write_tx!(state.store, |tx| {
        // Re-read under the write lock: the user may have gone meanwhile.
        let user = resolve(
            tx.conn(),
            &state.store,
            grant.account_id(),
            grant.me(),
            &UserRef::new(user.id.clone()),
            true,
        )
        .await?;
        cred_store::set_password_hash(tx, &user.id, &new_hash, state.clock.now()).await?;
        Ok(())
    })
}

async fn issue(state: &AppState, user: &UserRow, kind: &str, ttl: i64) -> ApiResult<UserToken> {
    let now = state.clock.now();
    let row = TokenRow {
        token: crate::ids::secret(48),
        kind: kind.into(),
        client_id: None,
        account_id: user.account_id.clone(),
        user_id: Some(user.id.clone()),
        scopes: String::new(),
        issued_at: now,
        expires_at: now + ttl,
        revoked_at: None,
        grant_id: None,
    };
    auth_store::insert_token(&state.store, &row).await?;
    Ok(UserToken { token: row.token })
}

pub async fn user_token(
    state: &AppState,
    grant: &Granted<ops::UserToken>,
    user_id: &UserRef,
    q: TokenQuery,
) -> ApiResult<UserToken> {
    let TokenQuery { kind, ttl } = q;
    let mut conn = state.store.acquire().await?;
    let user = resolve(&mut conn, &state.store, grant.account_id(), grant.me(), user_id, false).await?;
    drop(conn);
    if user.status == UserStatus::Pending {
        return Err(ApiError::bad_request(1120, "Invite not exist"));
    }
    let ttl = ttl.unwrap_or(if user.create_action == CreateAction::CustCreate {
        API_USER_TOKEN_TTL
    } else {
        DEFAULT_TOKEN_TTL
    });
    issue(state, &user, kind.as_str(), ttl).await
}

pub async fn me_zak(state: &AppState, grant: &Granted<ops::UserZak>) -> ApiResult<UserToken> {
    let mut conn = state.store.acquire().await?;
    let me = grant.me().ok_or_else(|| ApiError::user_not_found("me"))?;
    let user = resolve(
        &mut conn,
        &state.store,
        grant.account_id(),
        Some(me),
        &UserRef::me(),
        false,
    )
    .await?;
    drop(conn);
    issue(state, &user, "zak", ME_ZAK_TTL).await
}

pub async fn revoke_user_tokens(
    state: &AppState,
    grant: &Granted<ops::UserSsoTokenDelete>,
    user_id: &UserRef,
) -> ApiResult<()> {
    write_tx!(state.store, |tx| {
        let user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        cred_store::revoke_user_tokens(tx, &user.id, state.clock.now()).await?;
        Ok(())
    })
}

/// Control plane: what localzoom knows of a token it issued.
#[derive(Debug, Serialize)]
pub struct TokenView {
    pub kind: String,
    pub valid: bool,
    /// `valid`, `expired`, `revoked` or `user_deleted`.
    pub state: &'static str,
    pub account_id: String,
    pub user_id: Option<String>,
    pub client_id: Option<String>,
    pub issued_at: String,
    pub expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

pub async fn inspect(state: &AppState, token: &str) -> ApiResult<TokenView> {
    let row = auth_store::token(&state.store, token)
        .await?
        .ok_or_else(|| ApiError::not_found(404, "Token does not exist."))?;
    let mut conn = state.store.acquire().await?;
    let user_exists = match &row.user_id {
        Some(id) => cred_store::user_exists(&mut conn, id).await?,
        None => true,
    };
    let now = state.clock.now();
    let token_state = if row.revoked_at.is_some() {
        "revoked"
    } else if !user_exists {
        "user_deleted"
    } else if now >= row.expires_at {
        "expired"
    } else {
        "valid"
    };
    Ok(TokenView {
        kind: row.kind,
        valid: token_state == "valid",
        state: token_state,
        account_id: row.account_id,
        user_id: row.user_id,
        client_id: row.client_id,
        issued_at: rfc3339(row.issued_at),
        expires_at: rfc3339(row.expires_at),
        revoked_at: row.revoked_at.map(rfc3339),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_first_rule_broken() {
        let code = |p: &str| check_password_policy(p).err().map(|e| e.code);
        assert_eq!(code("a1b2c3"), Some(1124));
        assert_eq!(code("aaaaaaaaaa"), Some(1130));
        assert_eq!(code("xabcdefx9"), Some(1131));
        assert_eq!(code("x9876543x"), Some(1131));
        assert_eq!(code("onlyletters"), Some(1126));
        assert_eq!(code("1357924680"), Some(1125));
        assert_eq!(code("Password123"), Some(1136));
        assert_eq!(code(&"a1".repeat(16)), Some(300));
        assert_eq!(code("Tr0ub4dor&3"), None);
    }

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash("Tr0ub4dor&3").unwrap();
        let b = hash("Tr0ub4dor&3").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(matches("Tr0ub4dor&3", &a));
        assert!(!matches("Tr0ub4dor&4", &a));
    }
}
