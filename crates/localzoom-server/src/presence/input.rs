//! Presence's typed inputs, read by the routes (`validate::Input`).

use zoom_types::enums::PresenceStatus;

use crate::validate::{Check, Input, Obj};

/// How long Do Not Disturb lasts when no duration is given, in minutes.
pub const DND_DEFAULT_MINUTES: i64 = 20;

/// Zoom's PUT vocabulary, mapped to the statuses GET reports.
const PUT_TO_STATE: &[(&str, &str)] = &[
    ("Away", "Away"),
    ("Available", "Available"),
    ("In_Calendar_Event", "In_A_Calendar_Event"),
    ("Presenting", "Presenting"),
    ("In_A_Zoom_Meeting", "In_A_Meeting"),
    ("On_A_Call", "In_A_Call"),
    ("Out_of_Office", "Out_of_Office"),
    ("Busy", "Busy"),
    ("Do_Not_Disturb", "Do_Not_Disturb"),
    // Zoom's own SDK spells it this way.
    ("Do_No_Disturb", "Do_Not_Disturb"),
];

/// `PUT /users/{userId}/presence_status`: the status, as GET will report it, and for Do Not
/// Disturb how many minutes it lasts.
pub struct PresenceChange {
    pub status: PresenceStatus,
    pub dnd_minutes: i64,
}

impl Input for PresenceChange {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let wanted = check.required_string(root, "status", None);
        let mapped: Option<PresenceStatus> = wanted.as_deref().and_then(|w| {
            PUT_TO_STATE
                .iter()
                .find(|(put, _)| *put == w)
                .and_then(|(_, s)| s.parse().ok())
        });
        if wanted.is_some() && mapped.is_none() {
            check.fail("status");
        }
        // Duration matters only for DND; for any other status Zoom ignores it, whatever it holds.
        let dnd_minutes = if mapped == Some(PresenceStatus::DoNotDisturb) {
            match check.int(root, "duration") {
                Some(m) if (1..=1440).contains(&m) => m,
                Some(_) => {
                    check.fail_with("duration", "Duration value must be between 1 and 1440 minutes.");
                    DND_DEFAULT_MINUTES
                }
                None => DND_DEFAULT_MINUTES,
            }
        } else {
            DND_DEFAULT_MINUTES
        };
        PresenceChange {
            // Only used when every check passed, and `status` is required.
            status: mapped.unwrap_or(PresenceStatus::Available),
            dnd_minutes,
        }
    }
}

/// Control plane: `PUT /_localzoom/users/{userId}/client`.
pub struct ClientChange {
    pub signed_in: bool,
}

impl Input for ClientChange {
    fn read(check: &mut Check, root: &Obj) -> Self {
        let signed_in = if check.required(root, "signed_in") {
            check.boolean(root, "signed_in")
        } else {
            None
        };
        ClientChange {
            signed_in: signed_in.unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zoom_types::enums::PresenceUpdate;

    #[test]
    fn every_put_status_maps_to_a_get_status() {
        for (put, get) in PUT_TO_STATE {
            assert!(get.parse::<PresenceStatus>().is_ok(), "{put} -> {get}");
        }
        for update in PresenceUpdate::ALL {
            assert!(PUT_TO_STATE.iter().any(|(put, _)| *put == update.as_str()), "{update}");
        }
    }
}
