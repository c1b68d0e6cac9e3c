//! A new user: Zoom's defaults for its creation action, and its insertion with a personal meeting
//! id drawn again on the rare collision.

use super::users::{self as user_store, Profile, UserRow};
use super::vocab::login_types_for;
use crate::ids;
use crate::store::{StoreError, WriteTx};

/// A new user row with Zoom's defaults for its creation action.
pub fn new_row(
    account_id: &str,
    email: &str,
    user_type: i64,
    role_id: &str,
    status: &str,
    action: &str,
    now: i64,
) -> UserRow {
    UserRow {
        seq: 0,
        id: ids::zoom_id(),
        account_id: account_id.into(),
        email: email.trim().into(),
        user_type,
        role_id: role_id.into(),
        status: status.into(),
        create_action: action.into(),
        pmi: ids::digits(10),
        created_at: now,
        updated_at: now,
        profile: Profile {
            timezone: "America/Los_Angeles".into(),
            language: "en-US".into(),
            verified: i64::from(status != "pending"),
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
        match user_store::insert(tx.conn(), &row).await {
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
