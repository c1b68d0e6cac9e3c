//! Zoom's limits. `quota` is the per-resource mechanism (presence updates, email changes, registrant
//! actions, daily caps): a key, a window and a count, read from the clock and held in the store so
//! every replica shares it.

pub mod quota;
