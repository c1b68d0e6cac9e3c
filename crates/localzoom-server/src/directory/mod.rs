//! The directory: who exists. Accounts and users as stored, the user model and its vocabularies,
//! and user lookup, the one door every resource uses to turn a path's `userId` into a user. It
//! depends on no resource, so every resource can depend on it without a cycle.

pub mod accounts;
pub mod lookup;
pub mod model;
pub mod users;
pub mod vocab;
