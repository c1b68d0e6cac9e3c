//! Every in-scope Zoom operation with the scopes it accepts and its rate-limit label, from the
//! reference (checklist §2). Scope checks and the default app's scope list both read this table.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::http::Method;

use super::Label;

/// One Zoom operation: a token needs any one of `classic` or `granular` to call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op {
    pub method: &'static str,
    pub path: &'static str,
    pub id: &'static str,
    pub classic: &'static [&'static str],
    pub granular: &'static [&'static str],
    pub label: Label,
}

/// A Zoom operation as a type, so a service can demand proof (`Granted<O>`) that the caller holds its scope.
pub trait Operation: Send + Sync + 'static {
    const OP: Op;
}

/// Declares each served operation once: its type (for `Granted<O>`), its `Op`, and its place in `ALL`.
/// A test walks the router: every `/v2` route has an operation here and every operation a route.
macro_rules! operations {
    ($($name:ident {
        method: $method:literal, path: $path:literal, id: $id:literal, label: $label:ident,
        classic: [$($classic:literal),* $(,)?],
        granular: [$($granular:literal),* $(,)?] $(,)?
    })*) => {
        $(
            #[derive(Debug)]
            pub struct $name;
            impl Operation for $name {
                const OP: Op = Op {
                    method: $method,
                    path: $path,
                    id: $id,
                    classic: &[$($classic),*],
                    granular: &[$($granular),*],
                    label: Label::$label,
                };
            }
        )*

        /// Every operation localzoom serves, in the reference's order.
        pub const ALL: &[Op] = &[$($name::OP),*];
    };
}

operations! {
    Users { method: "GET", path: "/users", id: "users", label: Medium,
        classic: ["user:read", "user:write", "user:read:admin", "user:write:admin"],
        granular: ["user:read:list_users:admin"] }
    UserCreate { method: "POST", path: "/users", id: "userCreate", label: Light,
        classic: ["user:write", "user:write:admin"],
        granular: ["user:write:user:admin"] }
    UserEmail { method: "GET", path: "/users/email", id: "userEmail", label: Light,
        classic: ["user:read", "user:write", "user:read:admin", "user:write:admin"],
        granular: ["user:read:email", "user:read:email:admin"] }
    BulkUpdateFeature { method: "POST", path: "/users/features", id: "bulkUpdateFeature", label: Medium,
        classic: ["user:write", "user:write:admin"],
        granular: ["user:write:feature:admin"] }
    UserZak { method: "GET", path: "/users/me/zak", id: "userZak", label: Light,
        classic: ["user_zak:read"],
        granular: ["user:read:zak", "user:read:zak:admin"] }
    UserSummary { method: "GET", path: "/users/summary", id: "userSummary", label: Medium,
        classic: ["user:read", "user:write", "user:read:admin", "user:write:admin"],
        granular: ["user:read:summary:admin"] }
    UserVanityName { method: "GET", path: "/users/vanity_name", id: "userVanityName", label: Light,
        classic: ["user:read", "user:write", "user:read:admin", "user:write:admin"],
        granular: ["user:read:pm_room", "user:read:pm_room:admin"] }
    User { method: "GET", path: "/users/{userId}", id: "user", label: Light,
        classic: ["user:read", "user:write", "user:read:admin", "user:write:admin", "user_profile", "user_info:read"],
        granular: ["user:read:user", "user:read:user:admin"] }
    UserDelete { method: "DELETE", path: "/users/{userId}", id: "userDelete", label: Light,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:delete:user", "user:delete:user:admin"] }
    UserUpdate { method: "PATCH", path: "/users/{userId}", id: "userUpdate", label: Light,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:update:user", "user:update:user:admin"] }
    UserAssistants { method: "GET", path: "/users/{userId}/assistants", id: "userAssistants", label: Medium,
        classic: ["user:read", "user:write", "user:read:admin", "user:write:admin", "user_profile"],
        granular: ["user:read:list_assistants", "user:read:list_assistants:admin"] }
    UserAssistantCreate { method: "POST", path: "/users/{userId}/assistants", id: "userAssistantCreate", label: Medium,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:write:assistant", "user:write:assistant:admin"] }
    UserAssistantsDelete { method: "DELETE", path: "/users/{userId}/assistants", id: "userAssistantsDelete", label: Light,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:delete:assistant", "user:delete:assistant:admin"] }
    UserAssistantDelete { method: "DELETE", path: "/users/{userId}/assistants/{assistantId}", id: "userAssistantDelete", label: Light,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:delete:assistant", "user:delete:assistant:admin"] }
    UserEmailUpdate { method: "PUT", path: "/users/{userId}/email", id: "userEmailUpdate", label: Light,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:update:email", "user:update:email:admin"] }
    UserPassword { method: "PUT", path: "/users/{userId}/password", id: "userPassword", label: Medium,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:update:password", "user:update:password:admin"] }
    UserPermission { method: "GET", path: "/users/{userId}/permissions", id: "userPermission", label: Light,
        classic: ["user:read", "user:write", "user:read:admin", "user:write:admin", "user_profile"],
        granular: ["user:read:list_permissions", "user:read:list_permissions:admin"] }
    UserPicture { method: "POST", path: "/users/{userId}/picture", id: "userPicture", label: Medium,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:write:profile_picture", "user:write:profile_picture:admin"] }
    UserPictureDelete { method: "DELETE", path: "/users/{userId}/picture", id: "userPictureDelete", label: Medium,
        classic: ["user:write:admin", "user:write"],
        granular: [] }
    UserSchedulers { method: "GET", path: "/users/{userId}/schedulers", id: "userSchedulers", label: Medium,
        classic: ["user:read", "user:write", "user:read:admin", "user:write:admin", "user_profile"],
        granular: ["user:read:list_schedulers", "user:read:list_schedulers:admin"] }
    UserSchedulersDelete { method: "DELETE", path: "/users/{userId}/schedulers", id: "userSchedulersDelete", label: Light,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:delete:scheduler", "user:delete:scheduler:admin"] }
    UserSchedulerDelete { method: "DELETE", path: "/users/{userId}/schedulers/{schedulerId}", id: "userSchedulerDelete", label: Light,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:delete:scheduler", "user:delete:scheduler:admin"] }
    UserSettings { method: "GET", path: "/users/{userId}/settings", id: "userSettings", label: Medium,
        classic: ["user:read", "user:write", "user:read:admin", "user:write:admin"],
        granular: ["user:read:settings", "user:read:settings:admin"] }
    UserSettingsUpdate { method: "PATCH", path: "/users/{userId}/settings", id: "userSettingsUpdate", label: Medium,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:update:settings", "user:update:settings:admin"] }
    UploadVbUser { method: "POST", path: "/users/{userId}/settings/virtual_backgrounds", id: "uploadVBuser", label: Medium,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:write:virtual_background_files", "user:write:virtual_background_files:admin"] }
    DelUserVb { method: "DELETE", path: "/users/{userId}/settings/virtual_backgrounds", id: "delUserVB", label: Light,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:delete:virtual_background_files", "user:delete:virtual_background_files:admin"] }
    UserStatus { method: "PUT", path: "/users/{userId}/status", id: "userStatus", label: Light,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:update:status", "user:update:status:admin"] }
    UserToken { method: "GET", path: "/users/{userId}/token", id: "userToken", label: Light,
        classic: ["user:read", "user:write", "user:read:admin", "user:write:admin", "user_profile"],
        granular: ["user:read:token", "user:read:token:admin"] }
    UserSsoTokenDelete { method: "DELETE", path: "/users/{userId}/token", id: "userSSOTokenDelete", label: Light,
        classic: ["user:write:admin", "user:write"],
        granular: ["user:delete:token", "user:delete:token:admin"] }
    GetUserPresenceStatus { method: "GET", path: "/users/{userId}/presence_status", id: "getUserPresenceStatus", label: Medium,
        classic: ["user:read", "user:read:admin"],
        granular: ["user:read:presence_status", "user:read:presence_status:admin"] }
    UpdatePresenceStatus { method: "PUT", path: "/users/{userId}/presence_status", id: "updatePresenceStatus", label: Medium,
        classic: ["user:write", "user:write:admin"],
        granular: ["user:update:presence_status", "user:update:presence_status:admin"] }
    Meeting { method: "GET", path: "/meetings/{meetingId}", id: "meeting", label: Light,
        classic: ["meeting:read", "meeting:read:admin"],
        granular: ["meeting:read:meeting", "meeting:read:meeting:admin"] }
    MeetingDelete { method: "DELETE", path: "/meetings/{meetingId}", id: "meetingDelete", label: Light,
        classic: ["meeting:write:admin", "meeting:write"],
        granular: ["meeting:delete:meeting", "meeting:delete:meeting:admin"] }
    MeetingUpdate { method: "PATCH", path: "/meetings/{meetingId}", id: "meetingUpdate", label: Light,
        classic: ["meeting:write", "meeting:write:admin"],
        granular: ["meeting:update:meeting:admin", "meeting:update:meeting"] }
    Meetings { method: "GET", path: "/users/{userId}/meetings", id: "meetings", label: Medium,
        classic: ["meeting:read:admin", "meeting:read"],
        granular: ["meeting:read:list_meetings", "meeting:read:list_meetings:admin"] }
    MeetingCreate { method: "POST", path: "/users/{userId}/meetings", id: "meetingCreate", label: Medium,
        classic: ["meeting:write:admin", "meeting:write"],
        granular: ["meeting:write:meeting", "meeting:write:meeting:admin"] }
    MeetingRegistrants { method: "GET", path: "/meetings/{meetingId}/registrants", id: "meetingRegistrants", label: Medium,
        classic: ["meeting:read:admin", "meeting:read"],
        granular: ["meeting:read:list_registrants", "meeting:read:list_registrants:admin"] }
    MeetingRegistrantCreate { method: "POST", path: "/meetings/{meetingId}/registrants", id: "meetingRegistrantCreate", label: Light,
        classic: ["meeting:write:admin", "meeting:write"],
        granular: ["meeting:write:registrant", "meeting:write:registrant:admin"] }
    MeetingRegistrantsQuestionsGet { method: "GET", path: "/meetings/{meetingId}/registrants/questions", id: "meetingRegistrantsQuestionsGet", label: Light,
        classic: ["meeting:read", "meeting:read:admin"],
        granular: ["meeting:read:list_registration_questions", "meeting:read:list_registration_questions:admin"] }
    MeetingRegistrantQuestionUpdate { method: "PATCH", path: "/meetings/{meetingId}/registrants/questions", id: "meetingRegistrantQuestionUpdate", label: Light,
        classic: ["meeting:write", "meeting:write:admin"],
        granular: ["meeting:update:registration_question", "meeting:update:registration_question:admin"] }
    MeetingRegistrantStatus { method: "PUT", path: "/meetings/{meetingId}/registrants/status", id: "meetingRegistrantStatus", label: Medium,
        classic: ["meeting:write:admin", "meeting:write"],
        granular: ["meeting:update:registrant_status", "meeting:update:registrant_status:admin"] }
    MeetingRegistrantGet { method: "GET", path: "/meetings/{meetingId}/registrants/{registrantId}", id: "meetingRegistrantGet", label: Light,
        classic: ["meeting:read:admin", "meeting:read"],
        granular: ["meeting:read:registrant", "meeting:read:registrant:admin"] }
    MeetingRegistrantDelete { method: "DELETE", path: "/meetings/{meetingId}/registrants/{registrantId}", id: "meetingregistrantdelete", label: Light,
        classic: ["meeting:write:admin", "meeting:write"],
        granular: ["meeting:delete:registrant", "meeting:delete:registrant:admin"] }
    AddBatchRegistrants { method: "POST", path: "/meetings/{meetingId}/batch_registrants", id: "addBatchRegistrants", label: Heavy,
        classic: ["meeting:write", "meeting:write:admin"],
        granular: ["meeting:write:batch_registrants", "meeting:write:batch_registrants:admin"] }
    MeetingStatus { method: "PUT", path: "/meetings/{meetingId}/status", id: "meetingStatus", label: Light,
        classic: ["meeting:write:admin", "meeting:write"],
        granular: ["meeting:update:status", "meeting:update:status:admin"] }
    SwitchUserAccount { method: "PUT", path: "/accounts/{accountId}/users/{userId}/account", id: "switchUserAccount", label: Light,
        classic: ["user:master"],
        granular: [] }
}

/// Operations of the reference that localzoom does not serve (they have no route). Their scopes still
/// count, so apps and tokens carry the scopes they carry at Zoom.
pub const UNSERVED: &[Op] = &[
    // ListCollaborationDevices
    Op {
        method: "GET",
        path: "/users/{userId}/collaboration_devices",
        id: "listCollaborationDevices",
        classic: &["user:read", "user:write", "user:read:admin", "user:write:admin"],
        granular: &[
            "user:read:list_collaboration_devices",
            "user:read:list_collaboration_devices:admin",
        ],
        label: Label::Medium,
    },
    // GetCollaborationDevice
    Op {
        method: "GET",
        path: "/users/{userId}/collaboration_devices/{collaborationDeviceId}",
        id: "getCollaborationDevice",
        classic: &["user:read", "user:write", "user:read:admin", "user:write:admin"],
        granular: &["user:read:collaboration_device", "user:read:collaboration_device:admin"],
        label: Label::Medium,
    },
    // GetUserMeetingTemplates
    Op {
        method: "GET",
        path: "/users/{userId}/meeting_templates/{meetingTemplateId}",
        id: "getUserMeetingTemplates",
        classic: &["user:read:admin", "user:read"],
        granular: &[],
        label: Label::Medium,
    },
];

/// Whether `id` names an operation of the reference (served or not): what fault rules and latency
/// settings may name.
pub fn is_known_id(id: &str) -> bool {
    ALL.iter().chain(UNSERVED).any(|op| op.id == id)
}

/// `{name}` segments all look alike, so `/v2/users/{user_id}` finds `/users/{userId}`.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.starts_with('{') { "{}" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// The operation a matched route serves, from the operation table.
pub fn operation(method: &Method, route: &str) -> Option<&'static Op> {
    static TABLE: OnceLock<HashMap<(&'static str, String), &'static Op>> = OnceLock::new();
    let table = TABLE.get_or_init(|| ALL.iter().map(|op| ((op.method, shape(op.path)), op)).collect());
    let path = route.strip_prefix("/v2")?;
    table.get(&(method.as_str(), shape(path))).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_find_their_operations() {
        let get = |p| operation(&Method::GET, p).map(|o| o.id);
        assert_eq!(get("/v2/users/{user_id}"), Some("user"));
        assert_eq!(get("/v2/users/me/zak"), Some("userZak"));
        assert_eq!(get("/v2/users"), Some("users"));
        assert_eq!(
            operation(&Method::PUT, "/v2/users/{user_id}/presence_status").map(|o| o.id),
            Some("updatePresenceStatus")
        );
        assert_eq!(get("/_localzoom/clock"), None);
        assert_eq!(get("/users/{user_id}"), None);
    }
}
