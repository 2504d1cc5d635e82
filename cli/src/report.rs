//! `xianjiao report`: one self-contained HTML file a branch secretary can open
//! from a USB stick and print — a summary, SVG charts, one 评议意见表
//! (002 附件4) per member on its own A4 page, the 回头看 unit scores (附件5)
//! and respondents by group and tier (附件6), and the unit roll-up of the
//! 转段 gate with a draft 转段申请.
//!
//! This module reads the inputs; core's `output::report` (maud templates,
//! which escape every value) is the one definition of the page.

use crate::args::ReportArgs;
use crate::error::CliError;
use crate::input::{self, Problem, Target};
use crate::office;
use crate::profiles;
use xianjiao_core::output::report::{self, MemberProgress, ReportInput};
use xianjiao_core::RuleSet;

/// Scores everything and returns the HTML and whether every input row was used.
/// Rules that declare no form (000, 001, 004 give none) get the parts that need none: the votes, the
/// transition roll-up and the draft 转段申请 from the members' checklists (--profiles).
pub fn build(rs: &RuleSet, o: &ReportArgs) -> Result<(String, bool), CliError> {
    let no_form = rs.rules().forms.is_empty();
    if no_form && o.scoring.profiles.is_none() && o.votes.is_none() {
        return Err(CliError::usage(office::NO_FORM));
    }
    let mut scored = if no_form { office::without_form(rs, &o.scoring)? } else { office::score(rs, &o.scoring, false)? };
    let votes = match &o.votes {
        None => None,
        Some(path) => {
            // 回头看 votes: by default the first vote that counts respondent groups (附件6), else the first vote.
            let default = rs.rules().votes.iter().find(|v| !v.groups.is_empty()).map(|v| v.name.clone());
            let mut vc = rs.vote_counter(o.vote.as_deref().or(default.as_deref())).map_err(CliError::usage)?;
            let vin = input::read_all(std::slice::from_ref(path), Target::Votes(&mut vc))?;
            let mut v = vc.finish();
            for r in &mut v.rejected {
                let file = vin.relocate(r).unwrap_or_else(|| path.display().to_string());
                eprintln!("{file}:{}: 未计入 / not counted: {}", r.row, r.reason);
                scored.problems.push(Problem { file, row: r.row, field: r.field.clone(), reason: r.reason.clone() });
            }
            Some(v)
        }
    };
    let lookback = match &o.lookback {
        None => None,
        Some(path) => {
            let name = match &o.lookback_form {
                Some(n) => n.clone(),
                None => match rs.rules().forms.iter().find(|f| f.subject == "unit") {
                    Some(f) => f.name.clone(),
                    None => return Err(CliError::usage("规则中没有 subject: \"unit\" 的测评表,无法计算回头看 / the rules have no unit form")),
                },
            };
            let mut sc = rs.scorer(Some(&name)).map_err(CliError::usage)?;
            let lin = input::read_all(std::slice::from_ref(path), Target::Score(&mut sc))?;
            let mut r = sc.finish().map_err(CliError::failed)?;
            for x in &mut r.rejected {
                let file = lin.relocate(x).unwrap_or_else(|| path.display().to_string());
                eprintln!("{file}:{}: 未计分 / not scored: {}", x.row, x.reason);
                scored.problems.push(Problem { file, row: x.row, field: x.field.clone(), reason: x.reason.clone() });
            }
            Some(r)
        }
    };
    // A unit's vote result completes the requirements that name that vote (a gate item), unless its profile records one.
    if let Some(v) = &votes {
        if let Some(list) = scored.profiles.take() {
            scored.profiles = Some(profiles::with_votes(rs, list, v, crate::args::day(o.scoring.on.as_deref())?));
        }
    }
    let progress = scored.profiles.take();
    let profile_errors = progress.iter().flatten().filter(|p| p.list.is_err()).count();
    let clean =
        scored.problems.is_empty() && scored.report.unmatched_decisions.is_empty() && scored.unmatched_satisfaction.is_empty() && profile_errors == 0;
    let roster = match &o.roster {
        Some(p) => office::read_roster(p)?,
        None => vec![],
    };
    let x = office::results_input(&scored).map_err(CliError::failed)?;
    let members: Option<Vec<MemberProgress>> = progress.as_ref().map(|ps| {
        ps.iter().map(|p| MemberProgress { member: &p.p.member, unit: p.p.unit.as_deref(), list: p.list.as_ref().map_err(String::as_str) }).collect()
    });
    let html = report::report(&ReportInput {
        rs,
        report: &scored.report,
        results: &x,
        votes: votes.as_ref(),
        lookback: lookback.as_ref(),
        progress: members.as_deref(),
        lang: o.scoring.lang.core(),
        roster: &roster,
        phase: o.phase.as_deref(),
        to: &o.to,
        no_form,
    });
    Ok((html, clean))
}
