//! Evaluation: reads the typed [`Rules`](crate::model::Rules) (never rule text)
//! and answers the questions members, branches and offices ask. Rhai runs here
//! only through `hooks`, when a rule names a custom function.
//!
//! Imports run one way: `rows` and `profile` are leaves; `schedule` ←
//! `checklist` ← `score::record` ← `score`; `vote` and `exam` read `rows`;
//! `hooks` knows no evaluator.

pub(crate) mod checklist;
pub(crate) mod columns;
pub(crate) mod exam;
#[cfg(feature = "script")]
pub(crate) mod hooks;
#[cfg(not(feature = "script"))]
#[path = "hooks_lite.rs"]
pub(crate) mod hooks;
pub(crate) mod material;
pub(crate) mod profile;
pub(crate) mod rows;
pub(crate) mod schedule;
pub(crate) mod score;
pub(crate) mod unit_gather;
pub(crate) mod units;
pub(crate) mod vote;
