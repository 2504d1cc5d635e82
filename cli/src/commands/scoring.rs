//! Commands that read filled forms, votes and figures: `score`, `report`,
//! `exam`, `satisfaction`.

use super::io::{print_json, status, write_file};
use crate::args::{ExamArgs, ReportArgs, SatisfactionArgs, ScoreArgs};
use crate::error::{CliError, CmdResult};
use crate::fs_source::usable_rules;
use crate::input::Problem;
use crate::input::{self, Target};
use crate::office;
use crate::timing::timing;
use crate::{report, table};

/// `score`: composites, group means and outcomes (exit 1 when a row or a
/// decision or vote was not used).
pub fn score(a: ScoreArgs) -> CmdResult {
    let t0 = std::time::Instant::now();
    let rs = usable_rules(&a.scoring.rules)?;
    timing("rules", t0.elapsed());
    // The table and the CSV show composites, group means and outcomes only.
    let lean = !a.json && a.output.is_none();
    let scored = office::score(&rs, &a.scoring, lean)?;
    timing("read+score", t0.elapsed());
    let report = &scored.report;
    if let Some(out) = &a.output {
        office::write_results(&rs, &scored, out, a.scoring.lang).map_err(|e| CliError::file(out, e))?;
        eprintln!(
            "已写入 / written {}:{} 人,读入 {} 行,计分 {} 行,剔除 {} 行",
            out.display(),
            report.members.len(),
            report.rows.read,
            report.rows.scored,
            report.rows.rejected
        );
    }
    if a.json {
        let mut v = input::with_sources(report, &scored.origin, &scored.inputs);
        let other: Vec<&Problem> = scored.problems.iter().skip(report.rejected.len()).collect();
        if let (false, Some(m)) = (other.is_empty(), v.as_object_mut()) {
            m.insert("other_rejected".into(), serde_json::to_value(&other).unwrap_or_default());
        }
        if let (false, Some(m)) = (scored.unmatched_satisfaction.is_empty(), v.as_object_mut()) {
            m.insert("unmatched_satisfaction".into(), serde_json::to_value(&scored.unmatched_satisfaction).unwrap_or_default());
        }
        print_json(&v)
    } else if a.csv {
        let t = std::time::Instant::now();
        table::score_csv(report, &scored.origin);
        timing("csv", t.elapsed());
    } else if a.output.is_none() {
        table::score(report, &scored.origin)
    }
    Ok(status(scored.problems.is_empty() && report.unmatched_decisions.is_empty() && scored.unmatched_satisfaction.is_empty()))
}

/// `exam`: 参考率, 答卷回收率, 平均成绩 of a knowledge test.
pub fn exam(a: ExamArgs) -> CmdResult {
    let rs = usable_rules(&a.rules)?;
    let (report, origin) = office::exam(&rs, a.exam.as_deref(), &a.file)?;
    if a.json {
        print_json(&report)
    } else {
        table::exam(&report, &origin)
    }
    Ok(status(report.rejected.is_empty()))
}

/// `report`: the printable HTML file (exit 1 when an input row was not used).
pub fn report(a: ReportArgs) -> CmdResult {
    let rs = usable_rules(&a.scoring.rules)?;
    let (html, clean) = report::build(&rs, &a)?;
    write_file(&a.output, html)?;
    eprintln!("已写入 / written {}", a.output.display());
    Ok(status(clean))
}

/// `satisfaction`: satisfaction rates from votes.
pub fn satisfaction(a: SatisfactionArgs) -> CmdResult {
    let rs = usable_rules(&a.rules)?;
    let mut vc = rs.vote_counter(a.vote.as_deref()).map_err(CliError::usage)?;
    let inputs = input::read_all(std::slice::from_ref(&a.votes), Target::Votes(&mut vc))?;
    let mut report = vc.finish();
    let origin: Vec<Option<String>> = report.rejected.iter_mut().map(|r| inputs.relocate(r)).collect();
    if a.json {
        print_json(&input::with_sources(&report, &origin, &inputs))
    } else {
        table::votes(&report, &origin)
    }
    Ok(status(report.rejected.is_empty()))
}
