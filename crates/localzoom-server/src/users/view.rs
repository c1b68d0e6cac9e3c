//! How users look on the wire: the `zoom_types` user object and list item.

use zoom_types::enums::UserStatus;
use zoom_types::users::{User, UserListItem};

use crate::clock::rfc3339;
use crate::directory::users::UserRow;

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// The full user object of `GET /users/{userId}`.
pub fn to_user(u: &UserRow, account_number: Option<i64>, origin: &str) -> User {
    let p = &u.profile;
    let pending = u.status == UserStatus::Pending;
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
        role_name: Some(u.role.name().into()),
        role_id: Some(u.role.id().into()),
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
        status: Some(u.status.as_str().into()),
        vanity_url: p.vanity_name.as_ref().map(|v| format!("{origin}/my/{v}")),
        verified: Some(p.verified),
        zoom_one_type: p.zoom_one_type,
        last_client_version: None,
    }
}

pub fn to_list_item(u: &UserRow, include: &[String]) -> UserListItem {
    let p = &u.profile;
    UserListItem {
        id: (u.status != UserStatus::Pending).then(|| u.id.clone()),
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
        role_id: Some(u.role.id().into()),
        status: Some(u.status.as_str().into()),
        employee_unique_id: non_empty(&p.employee_unique_id),
        plan_united_type: p.plan_united_type.clone(),
        custom_attributes: include
            .iter()
            .any(|f| f == "custom_attributes")
            .then(|| p.custom_attributes.clone()),
        host_key: include.iter().any(|f| f == "host_key").then(|| p.host_key.clone()),
    }
}
