//! Meeting registrants: `/meetings/{meetingId}/registrants…`, the registration questions, the
//! status workflow and batch registration.
//!
//! Differences from Zoom:
//! - `cancel` leaves an approved registrant `denied` (the reference lists only pending, approved
//!   and denied); an action that does not fit the registrant's state is 400/300.
//! - Registering the same email again returns the earlier registrant with the new answers.
//! - No emails are sent; `registrants_confirmation_email` is validated and ignored.

pub mod input;
pub mod routes;
pub mod service;
pub mod store;
pub mod view;
