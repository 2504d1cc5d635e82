//! Concrete schedules: phases and steps with dates for one unit type, and
//! where a given day falls.

use crate::error::EvalError;
use crate::model::{Phase, Rules, Window};
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
    /// First day, when the rules give one.
    pub start: Option<NaiveDate>,
    /// Last day, when the rules give one.
    pub end: Option<NaiveDate>,
    /// Length in days, when both ends are known.
    pub days: Option<i64>,
    /// Days of extension included in `end`.
    #[serde(skip_serializing_if = "is_zero")]
    pub extend_days: i64,
    /// Status on the query day, if one was given and the dates allow it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// A notice due before a step (提前两天公示).
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    /// The step it announces.
    pub step: String,
    /// The day it is due.
    pub on: NaiveDate,
    /// What is announced.
    pub label: String,
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
    /// Batch whose dates apply, if any.
    pub batch: Option<String>,
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
    /// Notices due before steps, with their dates.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
}

/// The batch whose dates apply: the one asked for, else the entry file's.
pub(crate) fn batch_of<'a>(r: &'a Rules, asked: Option<&'a str>) -> Result<Option<&'a str>, EvalError> {
    let b = asked.filter(|b| !b.is_empty()).or(r.campaign.batch.as_deref());
    if let Some(b) = b {
        if !r.batches.iter().any(|x| x.name == b) {
            let known: Vec<_> = r.batches.iter().map(|x| x.name.as_str()).collect();
            return Err(EvalError::new("batch.unknown", format!("未知的批次 \"{b}\";可选: {} / unknown batch", known.join("、"))));
        }
    }
    Ok(b)
}

fn status(start: NaiveDate, end: NaiveDate, on: NaiveDate, done: bool) -> Status {
    if done {
        Status::Done
    } else if on > end {
        Status::Overdue
    } else if on >= start {
        Status::Current
    } else {
        Status::Upcoming
    }
}

/// Where phase `p` stands on day `on` for a unit type and batch. Its steps lie inside it (`check` warns
/// of one outside), so a phase whose start the rules do not give (001 dates only the 满意度测评 at the
/// end of 分析评议) is known to run at least from its first step's start to its last step's end.
pub(crate) fn phase_status(r: &Rules, p: &Phase, batch: Option<&str>, unit: &str, on: NaiveDate) -> Option<Status> {
    let dt = p.dates_for(batch, Some(unit));
    let windows: Vec<Window> = r.steps.iter().filter(|s| s.phase == p.name).filter_map(|s| s.window_for(unit)).collect();
    let steps_run = dt.start.is_none() && windows.iter().any(|w| w.start <= on) && windows.iter().any(|w| on <= w.end);
    match (dt.start, dt.end) {
        (Some(s), Some(e)) => Some(match status(s, e, on, false) {
            Status::Overdue => Status::Past,
            x => x,
        }),
        (Some(s), None) => Some(if on < s { Status::Upcoming } else { Status::Current }),
        (None, Some(e)) if on > e => Some(Status::Past),
        _ if steps_run => Some(Status::Current),
        _ => None,
    }
}

pub(crate) fn schedule(r: &Rules, unit: &str, batch: Option<&str>, on: Option<NaiveDate>, done: &[String]) -> Result<Schedule, EvalError> {
    let batch = batch_of(r, batch)?;
    if !r.units.is_empty() && !r.units.iter().any(|u| u.name == unit) {
        let known: Vec<_> = r.units.iter().map(|u| u.name.as_str()).collect();
        return Err(EvalError::new("unit.unknown", format!("未知的单位类型 \"{unit}\";可选: {} / unknown unit type", known.join("、"))));
    }
    let phases: Vec<PhaseRow> = r
        .phases
        .iter()
        .map(|p| {
            let dt = p.dates_for(batch, Some(unit));
            let st = on.and_then(|d| phase_status(r, p, batch, unit, d));
            PhaseRow {
                name: p.name.clone(),
                start: dt.start,
                end: dt.end,
                days: dt.start.zip(dt.end).map(|(s, e)| (e - s).num_days() + 1),
                extend_days: dt.extend_days,
                status: st,
            }
        })
        .collect();
    let mut steps = vec![];
    for p in &r.phases {
        for (i, s) in r.steps.iter().filter(|s| s.phase == p.name).enumerate() {
            let w = s.window_for(unit);
            let is_done = done.iter().any(|d| *d == s.name || *d == format!("{}/{}", s.phase, s.name));
            steps.push(StepRow {
                phase: s.phase.clone(),
                no: i + 1,
                name: s.name.clone(),
                start: w.map(|w| w.start),
                end: w.map(|w| w.end),
                note: s.note.clone(),
                status: match (on, w) {
                    (Some(d), Some(w)) => Some(status(w.start, w.end, d, is_done)),
                    _ => None,
                },
            });
        }
    }
    let current_phase = phases.iter().find(|p| p.status == Some(Status::Current)).map(|p| p.name.clone());
    let pick = |st: Status| steps.iter().filter(|s| s.status == Some(st)).map(|s| s.name.clone()).collect::<Vec<_>>();
    let mut notices = vec![];
    for s in &r.steps {
        let (Some(a), Some(w)) = (&s.announce, s.window_for(unit)) else { continue };
        if let Some(day) = w.start.checked_sub_days(chrono::Days::new(a.days_before as u64)) {
            notices.push(Notice { step: s.name.clone(), on: day, label: a.label.clone() });
        }
    }
    let mut due = pick(Status::Current);
    if let Some(d) = on {
        due.extend(notices.iter().filter(|n| n.on == d).map(|n| format!("公示:{}", n.step)));
    }
    Ok(Schedule {
        unit: unit.to_string(),
        batch: batch.map(str::to_string),
        on,
        due,
        overdue: pick(Status::Overdue),
        phases,
        steps,
        current_phase,
        notices,
    })
}
