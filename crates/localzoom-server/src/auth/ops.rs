//! Every in-scope Zoom operation with the scopes it accepts and its rate-limit label, from the
//! reference (checklist §2). Scope checks and the default app's scope list both read this table.

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

#[derive(Debug)]
pub struct Users;
impl Operation for Users {
    const OP: Op = Op {
        method: "GET",
        path: "/users",
        id: "users",
        classic: &["user:read", "user:write", "user:read:admin", "user:write:admin"],
        granular: &["user:read:list_users:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct UserCreate;
impl Operation for UserCreate {
    const OP: Op = Op {
        method: "POST",
        path: "/users",
        id: "userCreate",
        classic: &["user:write", "user:write:admin"],
        granular: &["user:write:user:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct UserEmail;
impl Operation for UserEmail {
    const OP: Op = Op {
        method: "GET",
        path: "/users/email",
        id: "userEmail",
        classic: &["user:read", "user:write", "user:read:admin", "user:write:admin"],
        granular: &["user:read:email", "user:read:email:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct BulkUpdateFeature;
impl Operation for BulkUpdateFeature {
    const OP: Op = Op {
        method: "POST",
        path: "/users/features",
        id: "bulkUpdateFeature",
        classic: &["user:write", "user:write:admin"],
        granular: &["user:write:feature:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct UserZak;
impl Operation for UserZak {
    const OP: Op = Op {
        method: "GET",
        path: "/users/me/zak",
        id: "userZak",
        classic: &["user_zak:read"],
        granular: &["user:read:zak", "user:read:zak:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct UserSummary;
impl Operation for UserSummary {
    const OP: Op = Op {
        method: "GET",
        path: "/users/summary",
        id: "userSummary",
        classic: &["user:read", "user:write", "user:read:admin", "user:write:admin"],
        granular: &["user:read:summary:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct UserVanityName;
impl Operation for UserVanityName {
    const OP: Op = Op {
        method: "GET",
        path: "/users/vanity_name",
        id: "userVanityName",
        classic: &["user:read", "user:write", "user:read:admin", "user:write:admin"],
        granular: &["user:read:pm_room", "user:read:pm_room:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct User;
impl Operation for User {
    const OP: Op = Op {
        method: "GET",
        path: "/users/{userId}",
        id: "user",
        classic: &[
            "user:read",
            "user:write",
            "user:read:admin",
            "user:write:admin",
            "user_profile",
            "user_info:read",
        ],
        granular: &["user:read:user", "user:read:user:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct UserDelete;
impl Operation for UserDelete {
    const OP: Op = Op {
        method: "DELETE",
        path: "/users/{userId}",
        id: "userDelete",
        classic: &["user:write:admin", "user:write"],
        granular: &["user:delete:user", "user:delete:user:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct UserUpdate;
impl Operation for UserUpdate {
    const OP: Op = Op {
        method: "PATCH",
        path: "/users/{userId}",
        id: "userUpdate",
        classic: &["user:write:admin", "user:write"],
        granular: &["user:update:user", "user:update:user:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct UserAssistants;
impl Operation for UserAssistants {
    const OP: Op = Op {
        method: "GET",
        path: "/users/{userId}/assistants",
        id: "userAssistants",
        classic: &[
            "user:read",
            "user:write",
            "user:read:admin",
            "user:write:admin",
            "user_profile",
        ],
        granular: &["user:read:list_assistants", "user:read:list_assistants:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct UserAssistantCreate;
impl Operation for UserAssistantCreate {
    const OP: Op = Op {
        method: "POST",
        path: "/users/{userId}/assistants",
        id: "userAssistantCreate",
        classic: &["user:write:admin", "user:write"],
        granular: &["user:write:assistant", "user:write:assistant:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct UserAssistantsDelete;
impl Operation for UserAssistantsDelete {
    const OP: Op = Op {
        method: "DELETE",
        path: "/users/{userId}/assistants",
        id: "userAssistantsDelete",
        classic: &["user:write:admin", "user:write"],
        granular: &["user:delete:assistant", "user:delete:assistant:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct UserAssistantDelete;
impl Operation for UserAssistantDelete {
    const OP: Op = Op {
        method: "DELETE",
        path: "/users/{userId}/assistants/{assistantId}",
        id: "userAssistantDelete",
        classic: &["user:write:admin", "user:write"],
        granular: &["user:delete:assistant", "user:delete:assistant:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct ListCollaborationDevices;
impl Operation for ListCollaborationDevices {
    const OP: Op = Op {
        method: "GET",
        path: "/users/{userId}/collaboration_devices",
        id: "listCollaborationDevices",
        classic: &["user:read", "user:write", "user:read:admin", "user:write:admin"],
        granular: &[
            "user:read:list_collaboration_devices",
            "user:read:list_collaboration_devices:admin",
        ],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct GetCollaborationDevice;
impl Operation for GetCollaborationDevice {
    const OP: Op = Op {
        method: "GET",
        path: "/users/{userId}/collaboration_devices/{collaborationDeviceId}",
        id: "getCollaborationDevice",
        classic: &["user:read", "user:write", "user:read:admin", "user:write:admin"],
        granular: &["user:read:collaboration_device", "user:read:collaboration_device:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct UserEmailUpdate;
impl Operation for UserEmailUpdate {
    const OP: Op = Op {
        method: "PUT",
        path: "/users/{userId}/email",
        id: "userEmailUpdate",
        classic: &["user:write:admin", "user:write"],
        granular: &["user:update:email", "user:update:email:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct GetUserMeetingTemplates;
impl Operation for GetUserMeetingTemplates {
    const OP: Op = Op {
        method: "GET",
        path: "/users/{userId}/meeting_templates/{meetingTemplateId}",
        id: "getUserMeetingTemplates",
        classic: &["user:read:admin", "user:read"],
        granular: &[],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct UserPassword;
impl Operation for UserPassword {
    const OP: Op = Op {
        method: "PUT",
        path: "/users/{userId}/password",
        id: "userPassword",
        classic: &["user:write:admin", "user:write"],
        granular: &["user:update:password", "user:update:password:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct UserPermission;
impl Operation for UserPermission {
    const OP: Op = Op {
        method: "GET",
        path: "/users/{userId}/permissions",
        id: "userPermission",
        classic: &[
            "user:read",
            "user:write",
            "user:read:admin",
            "user:write:admin",
            "user_profile",
        ],
        granular: &["user:read:list_permissions", "user:read:list_permissions:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct UserPicture;
impl Operation for UserPicture {
    const OP: Op = Op {
        method: "POST",
        path: "/users/{userId}/picture",
        id: "userPicture",
        classic: &["user:write:admin", "user:write"],
        granular: &["user:write:profile_picture", "user:write:profile_picture:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct UserPictureDelete;
impl Operation for UserPictureDelete {
    const OP: Op = Op {
        method: "DELETE",
        path: "/users/{userId}/picture",
        id: "userPictureDelete",
        classic: &["user:write:admin", "user:write"],
        granular: &[],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct UserSchedulers;
impl Operation for UserSchedulers {
    const OP: Op = Op {
        method: "GET",
        path: "/users/{userId}/schedulers",
        id: "userSchedulers",
        classic: &[
            "user:read",
            "user:write",
            "user:read:admin",
            "user:write:admin",
            "user_profile",
        ],
        granular: &["user:read:list_schedulers", "user:read:list_schedulers:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct UserSchedulersDelete;
impl Operation for UserSchedulersDelete {
    const OP: Op = Op {
        method: "DELETE",
        path: "/users/{userId}/schedulers",
        id: "userSchedulersDelete",
        classic: &["user:write:admin", "user:write"],
        granular: &["user:delete:scheduler", "user:delete:scheduler:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct UserSchedulerDelete;
impl Operation for UserSchedulerDelete {
    const OP: Op = Op {
        method: "DELETE",
        path: "/users/{userId}/schedulers/{schedulerId}",
        id: "userSchedulerDelete",
        classic: &["user:write:admin", "user:write"],
        granular: &["user:delete:scheduler", "user:delete:scheduler:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct UserSettings;
impl Operation for UserSettings {
    const OP: Op = Op {
        method: "GET",
        path: "/users/{userId}/settings",
        id: "userSettings",
        classic: &["user:read", "user:write", "user:read:admin", "user:write:admin"],
        granular: &["user:read:settings", "user:read:settings:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct UserSettingsUpdate;
impl Operation for UserSettingsUpdate {
    const OP: Op = Op {
        method: "PATCH",
        path: "/users/{userId}/settings",
        id: "userSettingsUpdate",
        classic: &["user:write:admin", "user:write"],
        granular: &["user:update:settings", "user:update:settings:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct UploadVbUser;
impl Operation for UploadVbUser {
    const OP: Op = Op {
        method: "POST",
        path: "/users/{userId}/settings/virtual_backgrounds",
        id: "uploadVBuser",
        classic: &["user:write:admin", "user:write"],
        granular: &[
            "user:write:virtual_background_files",
            "user:write:virtual_background_files:admin",
        ],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct DelUserVb;
impl Operation for DelUserVb {
    const OP: Op = Op {
        method: "DELETE",
        path: "/users/{userId}/settings/virtual_backgrounds",
        id: "delUserVB",
        classic: &["user:write:admin", "user:write"],
        granular: &[
            "user:delete:virtual_background_files",
            "user:delete:virtual_background_files:admin",
        ],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct UserStatus;
impl Operation for UserStatus {
    const OP: Op = Op {
        method: "PUT",
        path: "/users/{userId}/status",
        id: "userStatus",
        classic: &["user:write:admin", "user:write"],
        granular: &["user:update:status", "user:update:status:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct UserToken;
impl Operation for UserToken {
    const OP: Op = Op {
        method: "GET",
        path: "/users/{userId}/token",
        id: "userToken",
        classic: &[
            "user:read",
            "user:write",
            "user:read:admin",
            "user:write:admin",
            "user_profile",
        ],
        granular: &["user:read:token", "user:read:token:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct UserSsoTokenDelete;
impl Operation for UserSsoTokenDelete {
    const OP: Op = Op {
        method: "DELETE",
        path: "/users/{userId}/token",
        id: "userSSOTokenDelete",
        classic: &["user:write:admin", "user:write"],
        granular: &["user:delete:token", "user:delete:token:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct GetUserPresenceStatus;
impl Operation for GetUserPresenceStatus {
    const OP: Op = Op {
        method: "GET",
        path: "/users/{userId}/presence_status",
        id: "getUserPresenceStatus",
        classic: &["user:read", "user:read:admin"],
        granular: &["user:read:presence_status", "user:read:presence_status:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct UpdatePresenceStatus;
impl Operation for UpdatePresenceStatus {
    const OP: Op = Op {
        method: "PUT",
        path: "/users/{userId}/presence_status",
        id: "updatePresenceStatus",
        classic: &["user:write", "user:write:admin"],
        granular: &["user:update:presence_status", "user:update:presence_status:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct Meeting;
impl Operation for Meeting {
    const OP: Op = Op {
        method: "GET",
        path: "/meetings/{meetingId}",
        id: "meeting",
        classic: &["meeting:read", "meeting:read:admin"],
        granular: &["meeting:read:meeting", "meeting:read:meeting:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct MeetingDelete;
impl Operation for MeetingDelete {
    const OP: Op = Op {
        method: "DELETE",
        path: "/meetings/{meetingId}",
        id: "meetingDelete",
        classic: &["meeting:write:admin", "meeting:write"],
        granular: &["meeting:delete:meeting", "meeting:delete:meeting:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct MeetingUpdate;
impl Operation for MeetingUpdate {
    const OP: Op = Op {
        method: "PATCH",
        path: "/meetings/{meetingId}",
        id: "meetingUpdate",
        classic: &["meeting:write", "meeting:write:admin"],
        granular: &["meeting:update:meeting:admin", "meeting:update:meeting"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct Meetings;
impl Operation for Meetings {
    const OP: Op = Op {
        method: "GET",
        path: "/users/{userId}/meetings",
        id: "meetings",
        classic: &["meeting:read:admin", "meeting:read"],
        granular: &["meeting:read:list_meetings", "meeting:read:list_meetings:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct MeetingCreate;
impl Operation for MeetingCreate {
    const OP: Op = Op {
        method: "POST",
        path: "/users/{userId}/meetings",
        id: "meetingCreate",
        classic: &["meeting:write:admin", "meeting:write"],
        granular: &["meeting:write:meeting", "meeting:write:meeting:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct MeetingRegistrants;
impl Operation for MeetingRegistrants {
    const OP: Op = Op {
        method: "GET",
        path: "/meetings/{meetingId}/registrants",
        id: "meetingRegistrants",
        classic: &["meeting:read:admin", "meeting:read"],
        granular: &["meeting:read:list_registrants", "meeting:read:list_registrants:admin"],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct MeetingRegistrantCreate;
impl Operation for MeetingRegistrantCreate {
    const OP: Op = Op {
        method: "POST",
        path: "/meetings/{meetingId}/registrants",
        id: "meetingRegistrantCreate",
        classic: &["meeting:write:admin", "meeting:write"],
        granular: &["meeting:write:registrant", "meeting:write:registrant:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct MeetingRegistrantsQuestionsGet;
impl Operation for MeetingRegistrantsQuestionsGet {
    const OP: Op = Op {
        method: "GET",
        path: "/meetings/{meetingId}/registrants/questions",
        id: "meetingRegistrantsQuestionsGet",
        classic: &["meeting:read", "meeting:read:admin"],
        granular: &[
            "meeting:read:list_registration_questions",
            "meeting:read:list_registration_questions:admin",
        ],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct MeetingRegistrantQuestionUpdate;
impl Operation for MeetingRegistrantQuestionUpdate {
    const OP: Op = Op {
        method: "PATCH",
        path: "/meetings/{meetingId}/registrants/questions",
        id: "meetingRegistrantQuestionUpdate",
        classic: &["meeting:write", "meeting:write:admin"],
        granular: &[
            "meeting:update:registration_question",
            "meeting:update:registration_question:admin",
        ],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct MeetingRegistrantStatus;
impl Operation for MeetingRegistrantStatus {
    const OP: Op = Op {
        method: "PUT",
        path: "/meetings/{meetingId}/registrants/status",
        id: "meetingRegistrantStatus",
        classic: &["meeting:write:admin", "meeting:write"],
        granular: &[
            "meeting:update:registrant_status",
            "meeting:update:registrant_status:admin",
        ],
        label: Label::Medium,
    };
}

#[derive(Debug)]
pub struct MeetingRegistrantGet;
impl Operation for MeetingRegistrantGet {
    const OP: Op = Op {
        method: "GET",
        path: "/meetings/{meetingId}/registrants/{registrantId}",
        id: "meetingRegistrantGet",
        classic: &["meeting:read:admin", "meeting:read"],
        granular: &["meeting:read:registrant", "meeting:read:registrant:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct MeetingRegistrantDelete;
impl Operation for MeetingRegistrantDelete {
    const OP: Op = Op {
        method: "DELETE",
        path: "/meetings/{meetingId}/registrants/{registrantId}",
        id: "meetingregistrantdelete",
        classic: &["meeting:write:admin", "meeting:write"],
        granular: &["meeting:delete:registrant", "meeting:delete:registrant:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct AddBatchRegistrants;
impl Operation for AddBatchRegistrants {
    const OP: Op = Op {
        method: "POST",
        path: "/meetings/{meetingId}/batch_registrants",
        id: "addBatchRegistrants",
        classic: &["meeting:write", "meeting:write:admin"],
        granular: &[
            "meeting:write:batch_registrants",
            "meeting:write:batch_registrants:admin",
        ],
        label: Label::Heavy,
    };
}

#[derive(Debug)]
pub struct MeetingStatus;
impl Operation for MeetingStatus {
    const OP: Op = Op {
        method: "PUT",
        path: "/meetings/{meetingId}/status",
        id: "meetingStatus",
        classic: &["meeting:write:admin", "meeting:write"],
        granular: &["meeting:update:status", "meeting:update:status:admin"],
        label: Label::Light,
    };
}

#[derive(Debug)]
pub struct SwitchUserAccount;
impl Operation for SwitchUserAccount {
    const OP: Op = Op {
        method: "PUT",
        path: "/accounts/{accountId}/users/{userId}/account",
        id: "switchUserAccount",
        classic: &["user:master"],
        granular: &[],
        label: Label::Light,
    };
}

/// Every operation, in the reference's order.
pub const ALL: &[Op] = &[
    Users::OP,
    UserCreate::OP,
    UserEmail::OP,
    BulkUpdateFeature::OP,
    UserZak::OP,
    UserSummary::OP,
    UserVanityName::OP,
    User::OP,
    UserDelete::OP,
    UserUpdate::OP,
    UserAssistants::OP,
    UserAssistantCreate::OP,
    UserAssistantsDelete::OP,
    UserAssistantDelete::OP,
    ListCollaborationDevices::OP,
    GetCollaborationDevice::OP,
    UserEmailUpdate::OP,
    GetUserMeetingTemplates::OP,
    UserPassword::OP,
    UserPermission::OP,
    UserPicture::OP,
    UserPictureDelete::OP,
    UserSchedulers::OP,
    UserSchedulersDelete::OP,
    UserSchedulerDelete::OP,
    UserSettings::OP,
    UserSettingsUpdate::OP,
    UploadVbUser::OP,
    DelUserVb::OP,
    UserStatus::OP,
    UserToken::OP,
    UserSsoTokenDelete::OP,
    GetUserPresenceStatus::OP,
    UpdatePresenceStatus::OP,
    Meeting::OP,
    MeetingDelete::OP,
    MeetingUpdate::OP,
    Meetings::OP,
    MeetingCreate::OP,
    MeetingRegistrants::OP,
    MeetingRegistrantCreate::OP,
    MeetingRegistrantsQuestionsGet::OP,
    MeetingRegistrantQuestionUpdate::OP,
    MeetingRegistrantStatus::OP,
    MeetingRegistrantGet::OP,
    MeetingRegistrantDelete::OP,
    AddBatchRegistrants::OP,
    MeetingStatus::OP,
    SwitchUserAccount::OP,
];
