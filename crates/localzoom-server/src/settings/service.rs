//! Settings, picture and virtual-background rules.

use crate::directory::lookup::UserRef;
use serde_json::{json, Value};
use zoom_types::enums::UserStatus;
use zoom_types::users::BackgroundFile;

use super::input::{FileIds, SettingsPatch, SettingsQuery};
use super::model;
use super::store::{self as settings_store, FileRow};
use crate::auth::{ops, Granted};
use crate::directory::lookup::resolve;
use crate::directory::users::{self as user_store, UserRow};
use crate::error::{ApiError, ApiResult};
use crate::events::EventKind;
use crate::extract::Upload;
use crate::state::AppState;
use crate::validate::{Check, Obj};
use zoom_types::enums::SettingsOption;

/// Zoom's limits on uploads (S-U).
pub const MAX_PICTURE_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_BACKGROUND_BYTES: usize = 15 * 1024 * 1024;
pub const MAX_BACKGROUNDS: usize = 10;

const AUTH_TYPES: &[&str] = &[
    "enforce_login",
    "enforce_login_with_domains",
    "enforce_login_with_same_account",
];

fn picture_error(message: &str) -> ApiError {
    ApiError::bad_request(120, message)
}

pub fn picture_too_big() -> ApiError {
    picture_error("File size cannot exceed 2M")
}

pub fn background_too_big() -> ApiError {
    picture_error("File size cannot exceed 15M")
}

/// `user.settings_updated` with the settings that changed between two documents, if any did.
/// Zoom's shape: `object{id, settings{…changed}}` and `old_object` alike.
pub(crate) async fn emit_settings_changed(
    tx: &mut crate::store::WriteTx,
    state: &AppState,
    me: Option<&str>,
    user: &UserRow,
    before: &Value,
    after: &Value,
) -> Result<(), crate::store::StoreError> {
    let Some((old, new)) = crate::webhooks::changes(before, after, None) else {
        return Ok(());
    };
    let wrap = |m: serde_json::Map<String, Value>| {
        let mut settings = serde_json::Map::new();
        for (_, part) in m {
            if let Value::Object(fields) = part {
                settings.extend(fields);
            }
        }
        json!({"id": user.id, "settings": settings})
    };
    let mut payload = crate::webhooks::object(wrap(new));
    payload.insert("old_object".into(), wrap(old));
    payload.insert("time_stamp".into(), json!(state.clock.now_ms()));
    let operator = crate::webhooks::operator(tx, me).await?;
    crate::webhooks::emit(
        tx,
        state,
        &user.account_id,
        EventKind::UserSettingsUpdated,
        operator,
        payload,
    )
    .await
}

/// The stored document, or the user's defaults; with the virtual backgrounds listed where Zoom
/// lists them and the features the user holds.
pub(crate) async fn document(conn: &mut sqlx::AnyConnection, user: &UserRow) -> ApiResult<Value> {
    let mut doc = match settings_store::settings(conn, &user.id).await? {
        Some(doc) => doc,
        None => model::default_for(user),
    };
    model::apply_features(&mut doc, user);
    let files: Vec<BackgroundFile> = settings_store::files_of(conn, &user.id, "vb")
        .await?
        .into_iter()
        .map(|f| BackgroundFile {
            kind: kind_of(&f.content_type).into(),
            id: f.id,
            name: f.name,
            size: f.size,
            is_default: false,
        })
        .collect();
    if let Some(slot) = doc.pointer_mut("/settings/in_meeting/virtual_background_settings/files") {
        *slot = serde_json::to_value(files).map_err(ApiError::internal)?;
    }
    Ok(doc)
}

fn kind_of(content_type: &str) -> &'static str {
    if content_type.starts_with("video/") {
        "video"
    } else {
        "image"
    }
}

pub async fn get(
    state: &AppState,
    grant: &Granted<ops::UserSettings>,
    user_id: &UserRef,
    q: SettingsQuery,
) -> ApiResult<Value> {
    let mut conn = state.store.acquire().await?;
    let user = resolve(&mut conn, &state.store, grant.account_id(), grant.me(), user_id, false).await?;
    if user.status == UserStatus::Pending {
        return Err(ApiError::bad_request(1000, "Can not access pending user settings."));
    }
    let doc = document(&mut conn, &user).await?;
    let part = match q.option {
        Some(kind @ (SettingsOption::MeetingAuthentication | SettingsOption::RecordingAuthentication)) => {
            doc["authentication"][kind.as_str()].clone()
        }
        Some(SettingsOption::MeetingSecurity) => doc["security"].clone(),
        None => doc["settings"].clone(),
    };
    if q.fields.is_empty() {
        return Ok(part);
    }
    let names: Vec<&str> = q.fields.iter().map(String::as_str).collect();
    Ok(model::filter_fields(&part, &names).unwrap_or_else(|| json!({})))
}

/// `PATCH …/settings?option=meeting_authentication|recording_authentication`: switch the
/// requirement and add, update or delete one authentication profile.
fn patch_authentication(check: &mut Check, root: &Obj, target: &mut Value, flag: &str) {
    if let Some(on) = check.boolean(root, flag) {
        target[flag] = json!(on);
    }
    let Some(option) = check.object(root, "authentication_option") else {
        return;
    };
    let action = check.string(&option, "action", None).unwrap_or_else(|| "add".into());
    if !["add", "update", "delete", "show", "hide"].contains(&action.as_str()) {
        check.fail(option.path("action"));
        return;
    }
    let kind = check.string(&option, "type", None);
    if kind.as_deref().is_some_and(|k| !AUTH_TYPES.contains(&k)) {
        check.fail(option.path("type"));
    }
    let name = check.string(&option, "name", Some(128));
    let domains = check.string(&option, "domains", None);
    let default_option = check.boolean(&option, "default_option");
    let id = check.string(&option, "id", None);
    if !check.is_ok() {
        return;
    }
    let Some(list) = target["authentication_options"].as_array_mut() else {
        return;
    };
    if action == "add" {
        let (Some(name), Some(kind)) = (name, kind) else {
            check.fail_with(
                option.path("name"),
                "A new authentication option needs a name and a type.",
            );
            return;
        };
        if default_option == Some(true) {
            list.iter_mut().for_each(|o| o["default_option"] = json!(false));
        }
        list.push(
            json!({"id": crate::ids::zoom_id(), "name": name, "type": kind, "domains": domains.unwrap_or_default(),
                         "default_option": default_option.unwrap_or(false), "visible": true}),
        );
        return;
    }
    let Some(index) = id.as_deref().and_then(|id| list.iter().position(|o| o["id"] == id)) else {
        check.fail_with(option.path("id"), "No authentication option has this id.");
        return;
    };
    match action.as_str() {
        "delete" => {
            list.remove(index);
        }
        "show" | "hide" => list[index]["visible"] = json!(action == "show"),
        _ => {
            if default_option == Some(true) {
                list.iter_mut().for_each(|o| o["default_option"] = json!(false));
            }
            let o = &mut list[index];
            for (key, value) in [
                ("name", name.map(Value::String)),
                ("type", kind.map(Value::String)),
                ("domains", domains.map(Value::String)),
                ("default_option", default_option.map(Value::Bool)),
            ] {
                if let Some(v) = value {
                    o[key] = v;
                }
            }
        }
    }
}

pub async fn update(
    state: &AppState,
    grant: &Granted<ops::UserSettingsUpdate>,
    user_id: &UserRef,
    patch: SettingsPatch,
) -> ApiResult<()> {
    let map = &patch.fields;
    write_tx!(state.store, |tx| {
        let user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        if user.status == UserStatus::Pending {
            return Err(ApiError::bad_request(1120, "Invite not exist"));
        }
        let mut doc = document(tx.conn(), &user).await?;
        let before = doc.clone();
        let root = Obj::root(map);
        let mut check = Check::default();
        match patch.option {
            Some(kind @ (SettingsOption::MeetingAuthentication | SettingsOption::RecordingAuthentication)) => {
                let kind = kind.as_str();
                patch_authentication(&mut check, &root, &mut doc["authentication"][kind], kind);
            }
            Some(SettingsOption::MeetingSecurity) => {
                if let Some(Value::Object(target)) = doc.get_mut("security") {
                    model::merge(&mut check, "", map, target);
                }
            }
            None => {
                if let Some(Value::Object(target)) = doc.get_mut("settings") {
                    model::merge(&mut check, "", map, target);
                }
            }
        }
        check.finish()?;
        // The file list is derived from the files themselves; it is not stored in the document.
        if let Some(slot) = doc.pointer_mut("/settings/in_meeting/virtual_background_settings/files") {
            *slot = json!([]);
        }
        settings_store::put_settings(tx, &user.id, &doc, state.clock.now()).await?;
        emit_settings_changed(tx, state, grant.me(), &user, &before, &doc).await?;
        Ok(())
    })
}

fn file_row(user: &UserRow, kind: &str, upload: &Upload, content_type: &str, now: i64) -> FileRow {
    FileRow {
        id: crate::ids::zoom_id(),
        user_id: user.id.clone(),
        kind: kind.into(),
        name: upload
            .file_name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "file".into()),
        content_type: content_type.into(),
        size: upload.bytes.len() as i64,
        created_at: now,
    }
}

/// `POST /users/{userId}/picture`: jpg/jpeg, gif or png, judged by the bytes, at most 2 MB.
pub async fn upload_picture(
    state: &AppState,
    grant: &Granted<ops::UserPicture>,
    user_id: &UserRef,
    upload: Option<Upload>,
) -> ApiResult<()> {
    let upload = upload
        .filter(|u| !u.bytes.is_empty())
        .ok_or_else(|| picture_error("File is empty"))?;
    let content_type = match model::sniff(&upload.bytes) {
        Some((ct, "image")) => ct,
        _ => return Err(picture_error("Only jpg/jpeg, gif or png image file can be uploaded.")),
    };
    let now = state.clock.now();
    write_tx!(state.store, |tx| {
        let mut user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        settings_store::delete_files(tx, &user.id, "picture", None).await?;
        let row = file_row(&user, "picture", &upload, content_type, now);
        settings_store::insert_file(tx, &row, &upload.bytes).await?;
        user.profile.pic_file_id = Some(row.id);
        user.updated_at = now;
        user_store::update(tx, &user).await?;
        Ok(())
    })
}

pub async fn delete_picture(
    state: &AppState,
    grant: &Granted<ops::UserPictureDelete>,
    user_id: &UserRef,
) -> ApiResult<()> {
    write_tx!(state.store, |tx| {
        let mut user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        settings_store::delete_files(tx, &user.id, "picture", None).await?;
        user.profile.pic_file_id = None;
        user.updated_at = state.clock.now();
        user_store::update(tx, &user).await?;
        Ok(())
    })
}

/// `POST …/settings/virtual_backgrounds`: an image (jpg, gif, png) or video (mp4, mov), at most
/// 15 MB, at most 10 per user.
pub async fn upload_background(
    state: &AppState,
    grant: &Granted<ops::UploadVbUser>,
    user_id: &UserRef,
    upload: Option<Upload>,
) -> ApiResult<BackgroundFile> {
    let upload = upload
        .filter(|u| !u.bytes.is_empty())
        .ok_or_else(|| picture_error("File is empty"))?;
    let Some((content_type, kind)) = model::sniff(&upload.bytes) else {
        return Err(picture_error(
            "Only jpg/jpeg, gif or png image files, or mp4 or mov video files can be uploaded.",
        ));
    };
    let now = state.clock.now();
    write_tx!(state.store, |tx| {
        let user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        if settings_store::files_of(tx.conn(), &user.id, "vb").await?.len() >= MAX_BACKGROUNDS {
            return Err(ApiError::bad_request(
                300,
                "A user profile cannot exceed more than 10 Virtual Background files.",
            ));
        }
        let row = file_row(&user, "vb", &upload, content_type, now);
        settings_store::insert_file(tx, &row, &upload.bytes).await?;
        Ok(BackgroundFile {
            id: row.id,
            name: row.name,
            kind: kind.to_string(),
            size: row.size,
            is_default: false,
        })
    })
}

pub async fn delete_backgrounds(
    state: &AppState,
    grant: &Granted<ops::DelUserVb>,
    user_id: &UserRef,
    files: FileIds,
) -> ApiResult<()> {
    let ids = files.0;
    write_tx!(state.store, |tx| {
        let user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        let held: Vec<String> = settings_store::files_of(tx.conn(), &user.id, "vb")
            .await?
            .into_iter()
            .map(|f| f.id)
            .collect();
        if let Some(unknown) = ids.iter().find(|id| !held.contains(id)) {
            return Err(ApiError::bad_request(
                300,
                format!("Virtual background file does not exist: {unknown}."),
            ));
        }
        settings_store::delete_files(tx, &user.id, "vb", Some(&ids)).await?;
        Ok(())
    })
}

/// `GET /p/{fileId}`: a profile picture, as `pic_url` points to it.
pub async fn picture(state: &AppState, file_id: &str) -> ApiResult<(String, Vec<u8>)> {
    settings_store::picture(&state.store, file_id)
        .await?
        .ok_or_else(ApiError::route_not_found)
}
