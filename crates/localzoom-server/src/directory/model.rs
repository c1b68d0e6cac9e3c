//! A new user: Zoom's defaults for its creation action, and its insertion with a personal meeting
//! id drawn again on the rare collision.

use super::users::{self as user_store, Profile, UserRow};
use zoom_types::enums::{CreateAction, UserStatus};

use super::vocab::{login_types_for, Role};
use crate::ids;
use crate::store::{StoreError, WriteTx};

/// A new user row with Zoom's defaults for its creation action.
pub fn new_row(
    account_id: &str,
    email: &str,
    user_type: i64,
    role: Role,
    status: UserStatus,
    action: CreateAction,
    now: i64,
) -> UserRow {
    UserRow {
        seq: 0,
        id: ids::zoom_id(),
        account_id: account_id.into(),
        email: email.trim().into(),
        user_type,
        role,
        status,
        create_action: action,
        pmi: ids::digits(10),
        created_at: now,
        updated_at: now,
        profile: Profile {
            timezone: "America/Los_Angeles".into(),
            language: "en-US".into(),
            verified: i64::from(status != UserStatus::Pending),
            login_types: login_types_for(action),
            pronouns_option: Some(1),
            ..Profile::default()
        },
    }
}

/// Inserts a user, drawing a new PMI if the random one is taken. A taken email stays an error.
/// Each attempt runs under a savepoint: a failed INSERT must not abort the caller's transaction.
pub async fn insert_with_fresh_pmi(tx: &mut WriteTx, mut row: UserRow) -> Result<UserRow, StoreError> {
    let mut attempts = 0;
    loop {
        tx.savepoint().await?;
        match user_store::insert(tx, &row).await {
            Ok(()) => {
                tx.release_savepoint().await?;
                return Ok(row);
            }
            Err(e) => {
                tx.rollback_to_savepoint().await?;
                if !(e.is_unique_on("pmi") && attempts < 8) {
                    return Err(e);
                }
                attempts += 1;
                row.pmi = ids::digits(10);
            }
        }
    }
}
