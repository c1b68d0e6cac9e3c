//! Zoom's enumerations, spelled as Zoom spells them on the wire.

use serde::{Deserialize, Serialize};

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[doc = concat!("`", $wire, "`")] #[serde(rename = $wire)] $variant),+
        }

        impl $name {
            /// Every value, in Zoom's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling Zoom uses.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    other => Err(format!(
                        "{other:?} is not one of {}",
                        [$($wire),+].join(", ")
                    )),
                }
            }
        }
    };
}

wire_enum! {
    /// A user's status (`GET /users?status=`).
    UserStatus { Active = "active", Inactive = "inactive", Pending = "pending" }
}

wire_enum! {
    /// How `POST /users` creates a user.
    CreateAction { Create = "create", AutoCreate = "autoCreate", CustCreate = "custCreate", SsoCreate = "ssoCreate" }
}

wire_enum! {
    /// `DELETE /users/{userId}?action=`.
    DeleteAction { Disassociate = "disassociate", Delete = "delete" }
}

wire_enum! {
    /// `PUT /users/{userId}/status` actions.
    StatusAction { Activate = "activate", Deactivate = "deactivate", ClockIn = "clock_in", ClockOut = "clock_out" }
}

wire_enum! {
    /// The statuses `GET /users/{userId}/presence_status` reports.
    PresenceStatus {
        Away = "Away",
        Available = "Available",
        Offline = "Offline",
        InAMeeting = "In_A_Meeting",
        InACall = "In_A_Call",
        InACalendarEvent = "In_A_Calendar_Event",
        Presenting = "Presenting",
        OutOfOffice = "Out_of_Office",
        Busy = "Busy",
        DoNotDisturb = "Do_Not_Disturb",
    }
}

wire_enum! {
    /// The statuses `PUT /users/{userId}/presence_status` takes (Zoom's PUT vocabulary differs
    /// from its GET vocabulary).
    PresenceUpdate {
        Away = "Away",
        Available = "Available",
        InCalendarEvent = "In_Calendar_Event",
        Presenting = "Presenting",
        InAZoomMeeting = "In_A_Zoom_Meeting",
        OnACall = "On_A_Call",
        OutOfOffice = "Out_of_Office",
        Busy = "Busy",
        DoNotDisturb = "Do_Not_Disturb",
    }
}

wire_enum! {
    /// `GET /users/{userId}/token?type=`.
    TokenType { Token = "token", Zak = "zak", OnBehalf = "onbehalf" }
}

wire_enum! {
    /// `GET /users/{userId}/settings?option=`.
    SettingsOption {
        MeetingAuthentication = "meeting_authentication",
        RecordingAuthentication = "recording_authentication",
        MeetingSecurity = "meeting_security",
    }
}

wire_enum! {
    /// `GET /users/{userId}/meetings?type=`.
    MeetingListType {
        Scheduled = "scheduled",
        Live = "live",
        Upcoming = "upcoming",
        UpcomingMeetings = "upcoming_meetings",
        PreviousMeetings = "previous_meetings",
    }
}

wire_enum! {
    /// A registrant's status.
    RegistrantStatus { Pending = "pending", Approved = "approved", Denied = "denied" }
}

wire_enum! {
    /// `PUT /meetings/{meetingId}/registrants/status` actions.
    RegistrantAction { Approve = "approve", Cancel = "cancel", Deny = "deny" }
}

wire_enum! {
    /// A meeting's `status`.
    MeetingStatus { Waiting = "waiting", Started = "started" }
}

wire_enum! {
    /// `PUT /meetings/{meetingId}/status` actions.
    MeetingAction { End = "end", Recover = "recover" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        assert_eq!(
            serde_json::to_string(&PresenceUpdate::InAZoomMeeting).unwrap(),
            "\"In_A_Zoom_Meeting\""
        );
        assert_eq!("autoCreate".parse::<CreateAction>(), Ok(CreateAction::AutoCreate));
        assert!("nope".parse::<UserStatus>().is_err());
        assert_eq!(StatusAction::ClockIn.to_string(), "clock_in");
    }
}
