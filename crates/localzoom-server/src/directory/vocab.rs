//! The users' vocabularies: roles, types, create actions, login types, languages and the other
//! value lists Zoom's user objects draw from.

use zoom_types::enums::CreateAction;

/// A user's role: Zoom's three built-in ones, stored (and shown as `role_id`) by Zoom's role id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Owner,
    Admin,
    Member,
}

impl Role {
    /// Zoom's `role_id`.
    pub fn id(self) -> &'static str {
        match self {
            Role::Owner => "0",
            Role::Admin => "1",
            Role::Member => "2",
        }
    }

    pub fn from_id(id: &str) -> Option<Role> {
        [Role::Owner, Role::Admin, Role::Member]
            .into_iter()
            .find(|r| r.id() == id)
    }

    /// Zoom's `role_name`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::Member => "Member",
        }
    }

    /// Owners and admins act for the whole account.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }
}
/// User type 2: Licensed (assistants, registration and paid features need it).
pub const LICENSED: i64 = 2;

/// Zoom's historical cap; larger requests are clamped and the response's `page_size` shows it.
pub const MAX_PAGE_SIZE: i64 = 300;

pub(crate) const USER_TYPES: &[i64] = &[1, 2, 4, 99];
pub(crate) const LOGIN_TYPES: &[i64] = &[0, 1, 24, 27, 97, 98, 99, 100, 101, 11, 21, 23];
pub(crate) const PHONE_LABELS: &[&str] = &["Mobile", "Office", "Home", "Fax"];
/// The languages Zoom's profile offers.
pub(crate) const LANGUAGES: &[&str] = &[
    "en-US", "de-DE", "es-ES", "fr-FR", "jp-JP", "ja-JP", "pt-PT", "pt-BR", "ru-RU", "zh-CN", "zh-TW", "ko-KO",
    "ko-KR", "it-IT", "vi-VN", "pl-PL", "tr-TR", "id-ID", "nl-NL", "sv-SE", "cs-CZ", "da-DK", "fi-FI", "hu-HU",
    "nb-NO", "ro-RO", "uk-UA", "he-IL", "ar-SA", "th-TH",
];
pub(crate) const ZOOM_ONE_TYPES: &[i64] = &[
    0,
    16,
    32,
    64,
    128,
    33554432,
    134217728,
    1073741824,
    536870912,
    268435456,
    4398046511104,
    18014398509481984,
    72057594037927936,
    576460752303423488,
    144115188075855872,
    137438953472,
    549755813888,
    274877906944,
    2199023255552,
    4294967296,
    34359738368,
    8589934592,
    68719476736,
];
pub(crate) const PLAN_UNITED_TYPES: &[&str] = &[
    "1", "2", "4", "8", "16", "32", "64", "128", "256", "512", "1024", "2048", "4096", "8192", "16384", "32768",
    "65536", "131072", "none",
];

pub(crate) fn login_types_for(action: CreateAction) -> Vec<i64> {
    match action {
        CreateAction::CustCreate => vec![99],
        CreateAction::SsoCreate => vec![101],
        _ => vec![100],
    }
}
