//! For the people who write rule files: in-file tests (`tests`), mutation
//! testing (`mutate`), what a file changes (`explain`, `scaffold`) and the
//! reference of the rule functions (`api`).

pub(crate) mod api;
pub(crate) mod bundle;
pub(crate) mod explain;
#[cfg(feature = "script")]
pub(crate) mod mutate;
pub(crate) mod tests;
