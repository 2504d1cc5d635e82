//! Concrete schedules: phases and steps with dates for one unit type, and
//! where a given day falls.

use crate::model::Rules;
use crate::EvalError;
use chrono::NaiveDate;
use serde::Serialize;

/// Where a phase or step stands on the query day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not started yet.
    Upcoming,
    /// The day falls inside its window.
    Current,
    /// Its window has ended and it is not marked done.
    Overdue,
    /// Marked done.
    Done,
    /// A phase whose dates lie in the past.
    Past,
}

/// One phase of a schedule.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseRow {
    /// Name.
    pub name: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Length in days.
    pub days: i64,
    /// Status on the query day, if one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

/// One step of a schedule.
#[derive(Debug, Clone, Serialize)]
pub struct StepRow {
    /// Phase name.
    pub phase: String,
    /// Step number inside its phase, from 1.
    pub no: usize,
    /// Step name.
    pub name: String,
    /// First day (absent when the step has no window for this unit).
    pub start: Option<NaiveDate>,
    /// Last day.
    pub end: Option<NaiveDate>,
    /// Content and requirements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Status on the query day, if one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

/// A schedule for one unit type.
#[derive(Debug, Clone, Serialize)]
pub struct Schedule {
    /// Unit type.
    pub unit: String,
    /// Query day.
    pub on: Option<NaiveDate>,
    /// Phases in order.
    pub phases: Vec<PhaseRow>,
    /// Steps in order.
    pub steps: Vec<StepRow>,
    /// The phase the query day falls in.
    pub current_phase: Option<String>,
    /// Steps whose window contains the query day (what is due now).
    pub due: Vec<String>,
    /// Steps whose window has ended and are not done.
    pub overdue: Vec<String>,
}

fn status(start: NaiveDate, end: NaiveDate, on: NaiveDate, done: bool) -> Status {
    if done { Status::Done } else if on > end { Status::Overdue } else if on >= start { Status::Current } else { Status::Upcoming }
}

pub(crate) fn schedule(r: &Rules, unit: &str, on: Option<NaiveDate>, done: &[String]) -> Result<Schedule, EvalError> {
    if !r.units.is_empty() && !r.units.iter().any(|u| u.name == unit) {
        let known: Vec<_> = r.units.iter().map(|u| u.name.as_str()).collect();
        return Err(EvalError::new("unit.unknown", format!("未知的单位类型 \"{unit}\";可选: {} / unknown unit type", known.join("、"))));
    }
    let phases: Vec<PhaseRow> = r.phases.iter().map(|p| PhaseRow {
        name: p.name.clone(), start: p.start, end: p.end, days: (p.end - p.start).num_days() + 1,
        status: on.map(|d| match status(p.start, p.end, d, false) { Status::Overdue => Status::Past, s => s }),
    }).collect();
    let mut steps = vec![];
    for p in &r.phases {
        for (i, s) in r.steps.iter().filter(|s| s.phase == p.name).enumerate() {
            let w = s.window_for(unit);
            let is_done = done.iter().any(|d| *d == s.name || *d == format!("{}/{}", s.phase, s.name));
            steps.push(StepRow {
                phase: s.phase.clone(), no: i + 1, name: s.name.clone(),
                start: w.map(|w| w.start), end: w.map(|w| w.end), note: s.note.clone(),
                status: match (on, w) { (Some(d), Some(w)) => Some(status(w.start, w.end, d, is_done)), _ => None },
            });
        }
    }
    let current_phase = on.and_then(|d| r.phases.iter().find(|p| p.start <= d && d <= p.end)).map(|p| p.name.clone());
    let pick = |st: Status| steps.iter().filter(|s| s.status == Some(st)).map(|s| s.name.clone()).collect::<Vec<_>>();
    Ok(Schedule { unit: unit.to_string(), on, due: pick(Status::Current), overdue: pick(Status::Overdue), phases, steps, current_phase })
}
