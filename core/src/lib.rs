//! # xianjiao-core
//!
//! The rules engine of Xianjiao. A locality's campaign office writes a Rhai
//! rule file (phases, steps, requirements per role, material requirements,
//! appraisal forms, votes, transition gates); this crate loads it — with the
//! parent files it `extends` — into a [`RuleSet`], reports every problem as a
//! [`Diagnostic`] with `file:line:col`, and evaluates it:
//!
//! * [`RuleSet::schedule`] — phases and steps with dates for a unit type;
//! * [`RuleSet::checklist`] — a member's requirements with their status;
//! * [`RuleSet::check_material`] — a draft's character count, parts, areas, flags;
//! * [`RuleSet::scorer`] — composite appraisal scores streamed from sheets;
//! * [`RuleSet::vote_counter`] — satisfaction rates and their triggers.
//!
//! ```
//! # fn main() -> Result<(), xianjiao_core::EvalError> {
//! use xianjiao_core::{MemorySource, RuleSet};
//! let mut src = MemorySource::new();
//! src.insert("town.rhai", r#"
//!     role("党员");
//!     form("测评表", #{ items: [["理想信念", 40], ["工作绩效", 60]], groups: [["党员互评", 60], ["群众参评", 40]] });
//! "#);
//! let rules = RuleSet::load("town.rhai", &src);
//! assert!(!rules.has_errors());
//! let mut s = rules.scorer(None)?;
//! s.add(2, "张三", "党员互评", &[Some("30"), Some("50")]);
//! s.add(3, "张三", "群众参评", &[Some("40"), Some("60")]);
//! let report = s.finish()?;
//! assert_eq!(report.members[0].composite, 88.0);
//! # Ok(())
//! # }
//! ```
//!
//! `core` does no I/O and knows nothing of JavaScript: rule text arrives through
//! a [`RuleSource`]. Rule scripts run once, at load time, under the limits of
//! [`Limits`]; evaluation reads plain data and calls Rhai only for custom
//! functions a rule file names.

#![warn(missing_docs)]

// Stages, in pipeline order (ARCHITECTURE.md has the map): rule text is loaded
// (`load`), typed and validated (`model`), evaluated (`eval`); `authoring` serves
// the people who write rule files. `sandbox` is the one security boundary.
mod authoring;
mod codes;
mod diag;
mod error;
mod eval;
mod kinds;
mod load;
mod messages;
mod model;
pub mod output;
mod ruleset;
mod sandbox;
mod sort;
mod source;

pub use authoring::api::{reference_markdown, FnDoc, FUNCTIONS};
pub use authoring::bundle::bundle;
pub use authoring::explain::{scaffold, Change, Explain, ExplainItem};
#[cfg(feature = "script")]
pub use authoring::mutate::{mutants, mutation_test, Mutant, MutationReport, Survivor};
pub use authoring::tests::TestResult;
pub use codes::{Code, Stage, CODES};
pub use diag::{Diagnostic, Location, Severity};
pub use error::{parse_day, EvalError};
pub use eval::checklist::{Checklist, GateState, Item, ItemStatus, Summary};
pub use eval::columns::{
    extra_cell, header_of_keys, is_note, merge_header, points_row, Cells, Field, Found, Resolve, Want, GROUP_COLS, ID_COLS, MEMBER_COLS,
    NOTE_PREFIXES, POINTS_LABELS, RGROUP_COLS, TIER_COLS, TOTAL_COLS,
};
pub use eval::exam::{ExamCounter, ExamReport, ExamStats};
pub use eval::material::{count_chars, Finding, ItemDate, ItemState, MaterialReport, PartState};
pub use eval::profile::Profile;
pub use eval::rows::{clean_name, is_invisible, shown, Rejection, Renamed, RowCounts, MAX_CELL_BYTES, MAX_FIELDS, MAX_NAME_BYTES, MAX_REJECTIONS};
pub use eval::schedule::{Notice, PhaseRow, Schedule, Status, StepRow};
pub use eval::score::{Decision, GroupScore, NameClash, Named, ScoreReport, Scorer, SheetAccumulator, SheetRow, SubjectScore};
pub use eval::unit_gather::{
    checklist_profile, conditions_cell, file_kind, json_inputs, oversight_list, progress_cell, review_fields, roster_fields, roster_member,
    roster_rows, spot_check_fields, visit_fields, Extra, FileNote, Gathered, RosterMember, UnitGather,
};
pub use eval::units::{
    ApplicationRecord, Counts, ExamCount, ItemCount, MemberLine, OwnFigure, SpotCheck, UnitFilter, UnitInput, UnitRecord, UnitRow, UnitTable, Visit,
    VoteLine,
};
pub use eval::vote::{Tally, VoteCounter, VoteReport};
pub use kinds::{Kind, Lock, Shape, CHANGES, COMMON_FIELDS, KINDS};
#[cfg(feature = "script")]
pub use load::locks::{markdown as lock_table_markdown, ALWAYS as LOCK_ALWAYS};
#[cfg(feature = "script")]
pub use load::registered_functions;
pub use messages::{catalogue_json, join as join_messages, word, Arg, Lang, Msg, CATALOGUE};
pub use model::{
    Announce, Area, Batch, Campaign, Due, Exam, Flag, Form, Gate, ItemClass, ItemField, ItemRule, Material, Named as NamedItem, Origin, Outcome,
    OutcomeInfo, Part, Phase, PhaseDates, Requirement, Role, Rules, Step, Vote, Window,
};
pub use ruleset::RuleSet;
pub use sandbox::Limits;
pub use sort::sort_by_key;
pub use source::{MemorySource, RuleSource, SourceError};

pub use chrono::NaiveDate;
