//! Zoom's rules for users: lookup by id, email or `me`; create actions; validated all-or-nothing
//! updates; status changes; deletion; keyset-paginated listing; summary and email checks.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use zoom_types::users::{
    CreatedUser, CustomAttribute, EmailCheck, PhoneNumber, User, UserList, UserListItem, UserSummary,
};

use super::store::{self as user_store, ListFilter, Lookup, Profile, UserRow};
use crate::accounts::store as account_store;
use crate::auth::ops;
use crate::auth::{Granted, Operation};
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::events::EventKind;
use crate::extract::{Body, QueryMap};
use crate::ids;
use crate::pagination;
use crate::ratelimit::quota::{self, Quota, Window};
use crate::ratelimit::{locks, user_create_daily};
use crate::state::AppState;
use crate::store::{StoreError, WriteTx};
use crate::validate::{is_email, Check, Obj};
use crate::webhooks;

use super::lookup::{creation_key, resolve, resolve_read};
use super::vocab::*;

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

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// The full user object of `GET /users/{userId}`.
pub fn to_user(u: &UserRow, account_number: Option<i64>, origin: &str) -> User {
    let p = &u.profile;
    let pending = u.status == "pending";
    User {
        id: Some(u.id.clone()),
        created_at: Some(rfc3339(u.created_at)),
        user_created_at: Some(rfc3339(u.created_at)),
        dept: Some(p.dept.clone()),
        email: Some(u.email.clone()),
        first_name: Some(p.first_name.clone()),
        last_name: Some(p.last_name.clone()),
        display_name: Some(p.display_name.clone()),
        last_login_time: p.last_login_time.map(rfc3339),
        pmi: Some(u.pmi),
        role_name: Some(role_name(&u.role_id).into()),
        role_id: Some(u.role_id.clone()),
        timezone: Some(p.timezone.clone()),
        user_type: u.user_type,
        use_pmi: Some(p.use_pmi),
        account_id: Some(u.account_id.clone()),
        account_number,
        cluster: Some("localzoom".into()),
        cms_user_id: Some(p.cms_user_id.clone()),
        company: non_empty(&p.company),
        cost_center: non_empty(&p.cost_center),
        custom_attributes: (!p.custom_attributes.is_empty()).then(|| p.custom_attributes.clone()),
        employee_unique_id: non_empty(&p.employee_unique_id),
        group_ids: Some(p.group_ids.clone()),
        im_group_ids: Some(Vec::new()),
        jid: Some(format!("{}@xmpp.localzoom.local", u.id.to_lowercase())),
        job_title: Some(p.job_title.clone()),
        language: Some(p.language.clone()),
        location: Some(p.location.clone()),
        login_types: (!pending).then(|| p.login_types.clone()),
        manager: non_empty(&p.manager),
        personal_meeting_url: Some(match &p.vanity_name {
            Some(v) => format!("{origin}/my/{v}"),
            None => format!("{origin}/j/{}", u.pmi),
        }),
        phone_country: Some(p.phone_country.clone()),
        phone_number: Some(p.phone_number.clone()),
        phone_numbers: (!p.phone_numbers.is_empty()).then(|| p.phone_numbers.clone()),
        pic_url: p.pic_file_id.as_ref().map(|f| format!("{origin}/p/{f}")),
        plan_united_type: p.plan_united_type.clone(),
        pronouns: non_empty(&p.pronouns),
        pronouns_option: p.pronouns_option,
        status: Some(u.status.clone()),
        vanity_url: p.vanity_name.as_ref().map(|v| format!("{origin}/my/{v}")),
        verified: Some(p.verified),
        zoom_one_type: p.zoom_one_type,
        last_client_version: None,
    }
}

fn to_list_item(u: &UserRow, include: &[String]) -> UserListItem {
    let p = &u.profile;
    UserListItem {
        id: (u.status != "pending").then(|| u.id.clone()),
        first_name: Some(p.first_name.clone()),
        last_name: Some(p.last_name.clone()),
        display_name: Some(p.display_name.clone()),
        email: u.email.clone(),
        user_type: u.user_type,
        pmi: Some(u.pmi),
        timezone: Some(p.timezone.clone()),
        verified: Some(p.verified),
        dept: Some(p.dept.clone()),
        created_at: Some(rfc3339(u.created_at)),
        user_created_at: Some(rfc3339(u.created_at)),
        last_login_time: p.last_login_time.map(rfc3339),
        last_client_version: None,
        group_ids: Some(p.group_ids.clone()),
        im_group_ids: Some(Vec::new()),
        role_id: Some(u.role_id.clone()),
        status: Some(u.status.clone()),
        employee_unique_id: non_empty(&p.employee_unique_id),
        plan_united_type: p.plan_united_type.clone(),
        custom_attributes: include
            .iter()
            .any(|f| f == "custom_attributes")
            .then(|| p.custom_attributes.clone()),
        host_key: include.iter().any(|f| f == "host_key").then(|| p.host_key.clone()),
    }
}

fn query_obj(q: &QueryMap) -> Map<String, Value> {
    q.fields()
}

/// The query a page token carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ListCursor {
    status: String,
    role_id: Option<String>,
    include_fields: Vec<String>,
    page_size: i64,
    after_seq: i64,
    page_number: i64,
}

const USERS_RESOURCE: &str = "users";

pub async fn list(state: &AppState, grant: &Granted<ops::Users>, q: &QueryMap) -> ApiResult<UserList> {
    let account_id = grant.account_id();
    let (cursor, offset) = match q.get("next_page_token").filter(|t| !t.is_empty()) {
        Some(token) => (
            pagination::redeem::<ListCursor>(state, account_id, USERS_RESOURCE, token).await?,
            0,
        ),
        None => {
            let map = query_obj(q);
            let root = Obj::root(&map);
            let mut check = Check::default();
            let status = check.string(&root, "status", None).unwrap_or_else(|| "active".into());
            if !["active", "inactive", "pending"].contains(&status.as_str()) {
                check.fail("status");
            }
            let role_id = check.string(&root, "role_id", None).filter(|r| !r.is_empty());
            let include_fields: Vec<String> = check
                .string(&root, "include_fields", None)
                .map(|s| {
                    s.split(',')
                        .map(|f| f.trim().to_string())
                        .filter(|f| !f.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            if include_fields
                .iter()
                .any(|f| f != "custom_attributes" && f != "host_key")
            {
                check.fail("include_fields");
            }
            let (page_size, page_number) = pagination::page_params(&mut check, &root, MAX_PAGE_SIZE);
            check.finish()?;
            let offset = pagination::offset(page_size, page_number);
            (
                ListCursor {
                    status,
                    role_id,
                    include_fields,
                    page_size,
                    after_seq: 0,
                    page_number,
                },
                offset,
            )
        }
    };
    let filter = ListFilter {
        account_id: account_id.into(),
        status: cursor.status.clone(),
        role_id: cursor.role_id.clone(),
    };
    let mut rows = user_store::list(&state.store, &filter, cursor.after_seq, offset, cursor.page_size + 1).await?;
    let total = user_store::count(&state.store, &filter).await?;
    let next_page_token =
        pagination::next_page(state, account_id, USERS_RESOURCE, &mut rows, cursor.page_size, |last| {
            ListCursor {
                after_seq: last.seq,
                page_number: cursor.page_number + 1,
                ..cursor.clone()
            }
        })
        .await?;
    Ok(UserList {
        next_page_token,
        page_count: Some(pagination::page_count(total, cursor.page_size)),
        page_number: Some(cursor.page_number),
        page_size: cursor.page_size,
        total_records: total,
        users: rows.iter().map(|u| to_list_item(u, &cursor.include_fields)).collect(),
    })
}

pub async fn create(state: &AppState, grant: &Granted<ops::UserCreate>, body: &Body) -> ApiResult<CreatedUser> {
    let map = body.require()?;
    let root = Obj::root(map);
    let mut check = Check::default();
    let action = if check.required(&root, "action") {
        check.string(&root, "action", None)
    } else {
        None
    };
    if action.as_ref().is_some_and(|a| !CREATE_ACTIONS.contains(&a.as_str())) {
        check.fail("action");
    }
    let info = if check.required(&root, "user_info") {
        check.object(&root, "user_info")
    } else {
        None
    };
    let mut email = None;
    let mut user_type = None;
    let (mut first, mut last, mut display) = (None, None, None);
    if let Some(info) = &info {
        if check.required(info, "email") {
            email = check.email(info, "email", Some(128));
        }
        if check.required(info, "type") {
            user_type = check.int_in(info, "type", USER_TYPES);
        }
        if user_type == Some(99) && action.as_deref().is_some_and(|a| a != "ssoCreate") {
            check.fail_with(info.path("type"), "User type 99 can only be set with ssoCreate.");
        }
        first = check.string(info, "first_name", Some(64));
        last = check.string(info, "last_name", Some(64));
        display = check.string(info, "display_name", Some(128));
        if let Some(pw) = check.string(info, "password", Some(32)) {
            if pw.chars().count() < 8 {
                check.fail(info.path("password"));
            }
        }
        if let Some(feature) = check.object(info, "feature") {
            check.boolean(&feature, "zoom_phone");
            check.int_in(&feature, "zoom_one_type", ZOOM_ONE_TYPES);
        }
        if let Some(p) = check.string(info, "plan_united_type", None) {
            if !PLAN_UNITED_TYPES.contains(&p.as_str()) {
                check.fail(info.path("plan_united_type"));
            }
        }
    }
    check.finish()?;
    let (Some(action), Some(email), Some(user_type)) = (action, email, user_type) else {
        return Err(ApiError::invalid_json());
    };
    let status = if action == "create" { "pending" } else { "active" };
    let mut row = new_row(
        grant.account_id(),
        &email,
        user_type,
        ROLE_MEMBER,
        status,
        &action,
        state.clock.now(),
    );
    row.profile.first_name = first.unwrap_or_default();
    row.profile.last_name = last.unwrap_or_default();
    row.profile.display_name = display.unwrap_or_else(|| {
        let full = format!("{} {}", row.profile.first_name, row.profile.last_name)
            .trim()
            .to_string();
        if full.is_empty() {
            email.split('@').next().unwrap_or_default().to_string()
        } else {
            full
        }
    });
    let lock_key = creation_key(&email);
    let created = locks::with_lock(
        state,
        &lock_key,
        "create",
        <ops::UserCreate as Operation>::OP.id,
        async {
            write_tx!(state.store, |tx| {
                if action == "create" {
                    let plan = account_store::by_id(tx.conn(), grant.account_id())
                        .await?
                        .map(|a| a.plan)
                        .unwrap_or_default();
                    let cap = Quota {
                        limit: user_create_daily(&plan),
                        window: Window::UtcDay,
                    };
                    let key = format!("user-create-daily:{}", grant.account_id());
                    if quota::take(state, tx, &key, cap).await?.is_err() {
                        return Err(ApiError::user_create_daily_limit(state.switches().scaled(cap.limit)));
                    }
                }
                let row = match insert_with_fresh_pmi(tx, row.clone()).await {
                    Err(e) if e.is_unique_on("email") => return Err(ApiError::email_taken(&email)),
                    other => other?,
                };
                let operator = webhooks::operator(tx, grant.me()).await?;
                let mut payload = webhooks::object(webhooks::user_object(&row));
                payload.insert("creation_type".into(), serde_json::Value::String(action.clone()));
                webhooks::emit(tx, state, grant.account_id(), EventKind::UserCreated, operator, payload).await?;
                Ok(row)
            })
        },
    );
    let row = created.await?;
    Ok(CreatedUser {
        id: row.id,
        first_name: Some(row.profile.first_name),
        last_name: Some(row.profile.last_name),
        email: row.email,
        user_type: row.user_type,
    })
}

pub async fn get(
    state: &AppState,
    grant: &Granted<ops::User>,
    user_id: &str,
    q: &QueryMap,
    origin: &str,
) -> ApiResult<User> {
    let map = query_obj(q);
    let root = Obj::root(&map);
    let mut check = Check::default();
    check.int_in(&root, "login_type", LOGIN_TYPES);
    check.boolean(&root, "encrypted_email");
    check.boolean(&root, "search_by_unique_id");
    check.finish()?;
    let user = resolve_read(state, grant.account_id(), grant.me(), user_id).await?;
    let mut out = to_user(&user, grant.account_number(), origin);
    if user.status == "pending" {
        // Zoom shows a pending user's creation time as the time of the call.
        out.created_at = Some(rfc3339(state.clock.now()));
    }
    Ok(out)
}

fn is_timezone(s: &str) -> bool {
    let valid_part = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || "_+-".contains(c));
    let parts: Vec<&str> = s.split('/').collect();
    (1..=3).contains(&parts.len())
        && parts.iter().all(|p| valid_part(p))
        && parts[0].starts_with(|c: char| c.is_ascii_uppercase())
        && (parts.len() > 1 || ["UTC", "GMT"].contains(&parts[0]) || parts[0].starts_with("Etc"))
}

fn is_vanity_name(s: &str) -> bool {
    (5..=40).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
}

fn is_phone_number(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
}

fn is_country(s: &str) -> bool {
    s.len() == 2 && s.chars().all(|c| c.is_ascii_alphabetic())
}

/// Reads a PATCH body into a new version of `user`; every bad field is reported, nothing applied.
fn apply_patch(check: &mut Check, root: &Obj, user: &mut UserRow) {
    let p = &mut user.profile;
    if let Some(v) = check.string(root, "first_name", Some(64)) {
        p.first_name = v;
    }
    if let Some(v) = check.string(root, "last_name", Some(64)) {
        p.last_name = v;
    }
    if let Some(v) = check.string(root, "display_name", Some(128)) {
        p.display_name = v;
    }
    if let Some(t) = check.int_in(root, "type", USER_TYPES) {
        if t == 99 && user.create_action != "ssoCreate" {
            check.fail_with("type", "User type 99 can only be set for users created with ssoCreate.");
        } else {
            user.user_type = t;
        }
    }
    if let Some(pmi) = check.int(root, "pmi") {
        if (1_000_000_000..=9_999_999_999).contains(&pmi) {
            user.pmi = pmi;
        } else {
            check.fail("pmi");
        }
    }
    if let Some(v) = check.boolean(root, "use_pmi") {
        p.use_pmi = v;
    }
    if let Some(v) = check.string(root, "timezone", None) {
        if is_timezone(&v) {
            p.timezone = v
        } else {
            check.fail("timezone")
        }
    }
    if let Some(v) = check.string(root, "language", None) {
        match LANGUAGES.iter().find(|l| l.eq_ignore_ascii_case(&v)) {
            Some(l) => p.language = l.to_string(),
            None => check.fail("language"),
        }
    }
    if let Some(v) = check.string(root, "dept", None) {
        p.dept = v;
    }
    if let Some(v) = check.string(root, "vanity_name", None) {
        if v.is_empty() {
            p.vanity_name = None;
        } else if is_vanity_name(&v) {
            p.vanity_name = Some(v);
        } else {
            check.fail("vanity_name");
        }
    }
    if let Some(v) = check.string(root, "host_key", None) {
        if (6..=10).contains(&v.len()) && v.chars().all(|c| c.is_ascii_digit()) {
            p.host_key = v
        } else {
            check.fail("host_key")
        }
    }
    if let Some(v) = check.string(root, "cms_user_id", None) {
        p.cms_user_id = v;
    }
    if let Some(v) = check.string(root, "job_title", Some(128)) {
        p.job_title = v;
    }
    if let Some(v) = check.string(root, "company", Some(255)) {
        p.company = v;
    }
    if let Some(v) = check.string(root, "location", Some(256)) {
        p.location = v;
    }
    if let Some(v) = check.string(root, "cost_center", None) {
        p.cost_center = v;
    }
    if let Some(v) = check.string(root, "pronouns", None) {
        p.pronouns = v;
    }
    if let Some(v) = check.int_in(root, "pronouns_option", &[1, 2, 3]) {
        p.pronouns_option = Some(v);
    }
    if let Some(v) = check.string(root, "manager", None) {
        if v.is_empty() || is_email(&v) {
            p.manager = v
        } else {
            check.fail("manager")
        }
    }
    if let Some(v) = check.string(root, "phone_country", None) {
        if v.is_empty() || is_country(&v) {
            p.phone_country = v.to_uppercase()
        } else {
            check.fail("phone_country")
        }
    }
    if let Some(v) = check.string(root, "phone_number", None) {
        if v.is_empty() || is_phone_number(&v) {
            p.phone_number = v
        } else {
            check.fail("phone_number")
        }
    }
    if let Some(items) = check.objects(root, "phone_numbers", 3) {
        let mut numbers = Vec::new();
        for item in &items {
            let label = check.string(item, "label", None);
            if label.as_deref().is_some_and(|l| !PHONE_LABELS.contains(&l)) {
                check.fail(item.path("label"));
            }
            let number = check.string(item, "number", None);
            if number.as_deref().is_some_and(|n| !is_phone_number(n)) {
                check.fail(item.path("number"));
            }
            let country = check.string(item, "country", None);
            if country.as_deref().is_some_and(|c| !is_country(c)) {
                check.fail(item.path("country"));
            }
            let code = check.string(item, "code", None);
            if code
                .as_deref()
                .is_some_and(|c| c.is_empty() || !c.trim_start_matches('+').chars().all(|d| d.is_ascii_digit()))
            {
                check.fail(item.path("code"));
            }
            numbers.push(PhoneNumber {
                code,
                country: country.map(|c| c.to_uppercase()),
                label,
                number,
                verified: Some(false),
            });
        }
        p.phone_numbers = numbers;
    }
    if let Some(items) = check.objects(root, "custom_attributes", 5) {
        let mut attrs = Vec::new();
        for item in &items {
            let key = check.string(item, "key", Some(64));
            let name = check.string(item, "name", Some(128));
            let value = check.string(item, "value", Some(256));
            if key.as_deref().is_none_or(str::is_empty) {
                check.fail(item.path("key"));
            }
            attrs.push(CustomAttribute {
                key: key.unwrap_or_default(),
                name: name.unwrap_or_default(),
                value: value.unwrap_or_default(),
            });
        }
        p.custom_attributes = attrs;
    }
    if let Some(v) = check.string(root, "group_id", None) {
        let valid =
            !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if user.status != "pending" || !valid {
            check.fail_with(
                "group_id",
                "Only pending users can be added to a group this way; the value must be a group id.",
            );
        } else if !p.group_ids.contains(&v) {
            p.group_ids.push(v);
        }
    }
    if let Some(v) = check.int_in(root, "zoom_one_type", ZOOM_ONE_TYPES) {
        p.zoom_one_type = (v != 0).then_some(v);
    }
    if let Some(v) = check.string(root, "plan_united_type", None) {
        if PLAN_UNITED_TYPES.contains(&v.as_str()) {
            p.plan_united_type = (v != "none").then_some(v);
        } else {
            check.fail("plan_united_type");
        }
    }
    if let Some(feature) = check.object(root, "feature") {
        if let Some(v) = check.boolean(&feature, "zoom_phone") {
            p.zoom_phone = v;
        }
    }
    if let Some(v) = check.string(root, "about_me", Some(150)) {
        let lower = v.to_lowercase();
        if lower.contains('<') || lower.contains("http://") || lower.contains("https://") || lower.contains("www.") {
            check.fail("about_me");
        } else {
            p.about_me = v;
        }
    }
    if let Some(v) = check.string(root, "linkedin_url", None) {
        if v.is_empty() || (v.contains("linkedin.com") && !v.chars().any(char::is_whitespace)) {
            p.linkedin_url = v;
        } else {
            check.fail("linkedin_url");
        }
    }
}

pub async fn update(
    state: &AppState,
    grant: &Granted<ops::UserUpdate>,
    user_id: &str,
    q: &QueryMap,
    body: &Body,
) -> ApiResult<()> {
    let map = body.require()?;
    let query = query_obj(q);
    write_tx!(state.store, |tx| {
        let mut user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        let before = user.clone();
        let mut check = Check::default();
        let query_root = Obj::root(&query);
        check.int_in(&query_root, "login_type", LOGIN_TYPES);
        check.boolean(&query_root, "remove_tsp_credentials");
        apply_patch(&mut check, &Obj::root(map), &mut user);
        check.finish()?;
        user.updated_at = state.clock.now();
        match user_store::update(tx.conn(), &user).await {
            Err(e) if e.is_unique_on("pmi") => {
                return Err(ApiError::validation(vec![zoom_types::FieldError {
                    field: "pmi".into(),
                    message: "This personal meeting ID is already in use.".into(),
                }]))
            }
            Err(e) if e.is_unique_on("vanity") => {
                return Err(ApiError::validation(vec![zoom_types::FieldError {
                    field: "vanity_name".into(),
                    message: "This personal meeting room name is already in use.".into(),
                }]))
            }
            other => other?,
        }
        emit_updated(tx, state, grant.me(), &before, &user).await?;
        Ok(())
    })
}

/// `user.updated` with the fields that changed (old and new), if any did.
pub async fn emit_updated(
    tx: &mut WriteTx,
    state: &AppState,
    me: Option<&str>,
    before: &UserRow,
    after: &UserRow,
) -> Result<(), StoreError> {
    let view = |u: &UserRow| serde_json::to_value(to_user(u, None, "")).unwrap_or_default();
    if let Some((old, new)) = webhooks::changes(&view(before), &view(after), Some(after.id.clone().into())) {
        let operator = webhooks::operator(tx, me).await?;
        let payload = webhooks::update_payload(old, new);
        webhooks::emit(tx, state, &after.account_id, EventKind::UserUpdated, operator, payload).await?;
    }
    Ok(())
}

pub async fn set_status(
    state: &AppState,
    grant: &Granted<ops::UserStatus>,
    user_id: &str,
    body: &Body,
) -> ApiResult<()> {
    let map = body.require()?;
    let root = Obj::root(map);
    let mut check = Check::default();
    let action = if check.required(&root, "action") {
        check.string(&root, "action", None)
    } else {
        None
    };
    if action
        .as_deref()
        .is_some_and(|a| !["activate", "deactivate", "clock_in", "clock_out"].contains(&a))
    {
        check.fail("action");
    }
    check.finish()?;
    let action = action.unwrap_or_default();
    write_tx!(state.store, |tx| {
        let mut user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        if matches!(user.role_id.as_str(), ROLE_OWNER | ROLE_ADMIN) {
            return Err(ApiError::bad_request(
                200,
                "Zoom Room and Admin users' status can not be activated or deactivated.",
            ));
        }
        if user.status == "pending" {
            return Err(ApiError::bad_request(1120, "Invite not exist"));
        }
        let wanted = match action.as_str() {
            "activate" => "active",
            "deactivate" => "inactive",
            // Clocking in or out changes no account state localzoom models.
            _ => return Ok(()),
        };
        if user.status != wanted {
            user.status = wanted.into();
            user.updated_at = state.clock.now();
            user_store::update(tx.conn(), &user).await?;
            // A deactivated user is logged out of every Zoom client; an activated one signs back in.
            let signed_in = wanted == "active";
            let operator = webhooks::operator(tx, grant.me()).await?;
            let event = if signed_in {
                EventKind::UserActivated
            } else {
                EventKind::UserDeactivated
            };
            let payload = webhooks::object(webhooks::user_object(&user));
            webhooks::emit(tx, state, grant.account_id(), event, operator, payload).await?;
            crate::presence::service::set_signed_in(tx, state, &user, signed_in).await?;
        }
        Ok(())
    })
}

pub async fn delete(state: &AppState, grant: &Granted<ops::UserDelete>, user_id: &str, q: &QueryMap) -> ApiResult<()> {
    let query = query_obj(q);
    let root = Obj::root(&query);
    let mut check = Check::default();
    let action = check
        .string(&root, "action", None)
        .unwrap_or_else(|| "disassociate".into());
    if action != "disassociate" && action != "delete" {
        check.fail("action");
    }
    check.boolean(&root, "encrypted_email");
    let transfer_meeting = check.boolean(&root, "transfer_meeting").unwrap_or(false);
    for flag in [
        "transfer_webinar",
        "transfer_recording",
        "transfer_whiteboard",
        "transfer_clipfiles",
        "transfer_notes",
        "transfer_visitors",
        "transfer_docs",
    ] {
        check.boolean(&root, flag);
    }
    let transfer_email = check.string(&root, "transfer_email", None).filter(|e| !e.is_empty());
    check.finish()?;
    let target = resolve_read(state, grant.account_id(), grant.me(), user_id).await?;
    let key = format!("user-delete:{}", target.id);
    let what = if action == "delete" { "delete" } else { "disassociate" };
    locks::with_lock(state, &key, what, <ops::UserDelete as Operation>::OP.id, async {
        delete_locked(state, grant, user_id, &action, transfer_email, transfer_meeting).await
    })
    .await
}

async fn delete_locked(
    state: &AppState,
    grant: &Granted<ops::UserDelete>,
    user_id: &str,
    action: &str,
    transfer_email: Option<String>,
    transfer_meeting: bool,
) -> ApiResult<()> {
    write_tx!(state.store, |tx| {
        let user = resolve(tx.conn(), &state.store, grant.account_id(), grant.me(), user_id, true).await?;
        if user.role_id == ROLE_OWNER {
            return Err(ApiError::bad_request(
                200,
                "The account owner can not be deleted or disassociated.",
            ));
        }
        if user.status == "pending" && action == "delete" {
            return Err(ApiError::bad_request(
                300,
                "To delete pending user in the account, use disassociate.",
            ));
        }
        if let Some(email) = &transfer_email {
            if email.eq_ignore_ascii_case(&user.email) {
                return Err(ApiError::bad_request(
                    300,
                    "The transfer-to email address cannot be the same as the unlinked or deleted user's email address.",
                ));
            }
            let target = resolve(tx.conn(), &state.store, grant.account_id(), None, email, false).await?;
            if transfer_meeting {
                crate::meetings::store::transfer_host(tx.conn(), grant.account_id(), &user.id, &target.id).await?;
            }
        }
        // Meetings not handed over go with their host (and their registrants with them).
        user_store::delete(tx.conn(), user.seq).await?;
        let operator = webhooks::operator(tx, grant.me()).await?;
        let event = if action == "delete" {
            EventKind::UserDeleted
        } else {
            EventKind::UserDisassociated
        };
        let payload = webhooks::object(webhooks::user_object(&user));
        webhooks::emit(tx, state, grant.account_id(), event, operator, payload).await?;
        Ok(())
    })
}

pub async fn email_exists(state: &AppState, grant: &Granted<ops::UserEmail>, q: &QueryMap) -> ApiResult<EmailCheck> {
    let email = q
        .get("email")
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| ApiError::invalid_field("email"))?;
    let mut conn = state.store.acquire().await?;
    let user = user_store::find(
        &mut *conn,
        &state.store,
        Some(grant.account_id()),
        Lookup::Email(email),
        false,
    )
    .await?;
    // Zoom answers false for users outside the account and for SSO sign-ups.
    Ok(EmailCheck {
        existed_email: user.is_some_and(|u| u.create_action != "ssoCreate"),
    })
}

pub async fn summary(state: &AppState, grant: &Granted<ops::UserSummary>) -> ApiResult<UserSummary> {
    let mut s = UserSummary::default();
    for (user_type, status, n) in user_store::counts_by_type_and_status(&state.store, grant.account_id()).await? {
        if status == "pending" {
            s.pending_users_count += n;
            continue;
        }
        match user_type {
            1 => s.basic_users_count += n,
            2 => s.licensed_users_count += n,
            3 => s.on_prem_users_count += n,
            _ => s.join_only_users_count += n,
        }
    }
    s.total_users_count = s.licensed_users_count
        + s.basic_users_count
        + s.on_prem_users_count
        + s.join_only_users_count
        + s.room_users_count;
    Ok(s)
}

/// The most users one control-plane seeding call creates.
pub const MAX_SEED: i64 = 1_000_000;
const SEED_BATCH: usize = 200;

/// Control plane: `count` active users (`{prefix}{n}@{domain}`) in `account_id` (the default
/// account if none), inserted in batches, for load tests and benchmarks.
pub async fn seed(state: &AppState, body: &Body) -> ApiResult<serde_json::Value> {
    let empty = Map::new();
    let root = Obj::root(if body.present { &body.fields } else { &empty });
    let mut check = Check::default();
    let count = if check.required(&root, "count") {
        check.int(&root, "count")
    } else {
        None
    };
    if count.is_some_and(|c| !(1..=MAX_SEED).contains(&c)) {
        check.fail_with("count", format!("count is 1 to {MAX_SEED}."));
    }
    let user_type = check.int_in(&root, "type", &[1, 2, 4]).unwrap_or(1);
    let account_id = check.string(&root, "account_id", None);
    let account_id = account_id.as_deref();
    let prefix = check
        .string(&root, "email_prefix", Some(64))
        .unwrap_or_else(|| format!("seed-{}-", ids::alnum(6).to_lowercase()));
    let domain = check
        .string(&root, "domain", Some(60))
        .unwrap_or_else(|| "example.com".into());
    if !is_email(&format!("{prefix}0@{domain}")) {
        check.fail("email_prefix");
    }
    check.finish()?;
    let count = count.unwrap_or(0);
    let now = state.clock.now();
    let account = {
        let mut conn = state.store.acquire().await?;
        match account_id {
            Some(id) => crate::accounts::store::by_id(&mut *conn, id).await?,
            None => crate::accounts::store::default_account(&mut conn).await?,
        }
        .ok_or_else(|| ApiError::account_not_found(account_id))?
    };
    // One transaction for the whole call: a taken email anywhere leaves nothing behind.
    write_tx!(state.store, |tx| {
        let mut made = 0i64;
        while made < count {
            let n = (count - made).min(SEED_BATCH as i64);
            let mut batch: Vec<UserRow> = (made..made + n)
                .map(|i| {
                    let mut row = new_row(
                        &account.id,
                        &format!("{prefix}{i}@{domain}"),
                        user_type,
                        ROLE_MEMBER,
                        "active",
                        "custCreate",
                        now,
                    );
                    row.profile.first_name = "Seed".into();
                    row.profile.last_name = i.to_string();
                    row.profile.display_name = format!("Seed {i}");
                    row
                })
                .collect();
            let mut attempts = 0;
            loop {
                tx.savepoint().await?;
                match user_store::insert_many(tx.conn(), &batch).await {
                    Ok(()) => {
                        tx.release_savepoint().await?;
                        break;
                    }
                    Err(e) => {
                        tx.rollback_to_savepoint().await?;
                        if e.is_unique_on("email") {
                            return Err(ApiError::email_taken(&format!("{prefix}…@{domain}")));
                        }
                        // A random PMI met a taken one: draw the batch's PMIs again.
                        if !(e.is_unique_on("pmi") && attempts < 8) {
                            return Err(e.into());
                        }
                        attempts += 1;
                        batch.iter_mut().for_each(|u| u.pmi = ids::digits(10));
                    }
                }
            }
            made += n;
        }
        Ok(serde_json::json!({"account_id": account.id, "created": made, "email_prefix": prefix, "domain": domain}))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(is_timezone("America/Los_Angeles"));
        assert!(is_timezone("UTC"));
        assert!(is_timezone("America/Argentina/Buenos_Aires"));
        assert!(!is_timezone("in nuelit99-25518892falseanim ipsum in"));
        assert!(is_vanity_name("jill.chill"));
        assert!(!is_vanity_name("in nuelit99"));
        assert!(is_phone_number("+1 (555) 010-0000"));
        assert!(!is_phone_number("eiusmod ipsum enim"));
    }
}
