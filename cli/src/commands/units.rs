//! `units`: the unit table of a 先教办 or a 督导组 (issue 23). Every input file
//! is accounted for: read, refused with a reason, or a duplicate of one read.

use super::io::{print_json, status, write_file};
use crate::args::UnitsArgs;
use crate::error::{CliError, CmdResult};
use crate::fs_source::usable_rules;
use std::collections::BTreeMap;
use std::path::PathBuf;
use xianjiao_core::output::units::{
    exam_text, gate_text, html, items_text, own_text, record_html, record_workbook, visits_text, vote_text, workbook,
};
use xianjiao_core::{oversight_list, parse_day, FileNote, Gathered, UnitGather, UnitTable};

fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = vec![];
    for p in paths {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
            entries.sort();
            out.extend(expand(&entries));
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// `units`.
pub fn units(a: UnitsArgs) -> CmdResult {
    let t0 = std::time::Instant::now();
    let rs = usable_rules(&a.rules)?;
    let on = a.on.as_deref().map(parse_day).transpose().map_err(CliError::usage)?;
    let mut oversight = match &a.oversight {
        Some(p) => oversight_list(&std::fs::read_to_string(p).map_err(|e| CliError::file(p, e))?).map_err(|e| CliError::file(p, e))?,
        None => BTreeMap::new(),
    };
    let mut g = UnitGather::new();
    for path in expand(&a.inputs) {
        let name = path.display().to_string();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                g.refuse(&name, format!("读不出 / unreadable: {e}"));
                continue;
            }
        };
        xianjiao_reader::units::read_unit_file(&mut g, &rs, &name, &bytes);
    }
    let clean = g.clean();
    let got = g.finish();
    for note in got.fill_oversight(&mut oversight) {
        eprintln!("{note}");
    }
    let Gathered { inputs, notes, .. } = got;
    let mut table = rs.unit_table(&a.level, &inputs, on, &oversight);
    let filter = xianjiao_core::UnitFilter { overdue: a.overdue, buke: a.buke, not_applied: a.not_applied };
    table.rows.retain(|r| filter.keeps(r));
    let elapsed = t0.elapsed();
    if std::env::var_os("XIANJIAO_TIMING").is_some() {
        eprintln!("units: {} rows, {} members, {:.3} s", table.rows.len(), table.total.counts.members, elapsed.as_secs_f64());
    }
    if let Some(out) = &a.output {
        let ext = out.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "json" => write_file(out, serde_json::to_vec_pretty(&table).map_err(CliError::failed)?)?,
            "xlsx" => {
                write_file(out, workbook(&table, &notes).and_then(|w| xianjiao_core::output::xlsx::to_xlsx(&w)).map_err(|e| CliError::file(out, e))?)?
            }
            "html" => write_file(out, html(&table))?,
            _ => return Err(CliError::usage("-o 应为 .json、.xlsx 或 .html / -o takes .json, .xlsx or .html")),
        }
        eprintln!("已写入 / written {}", out.display());
    }
    if let Some(out) = &a.record {
        let group = a.group.as_deref();
        if let Some(g) = group {
            if !table.rows.iter().flat_map(|r| std::iter::once(r).chain(&r.details)).any(|r| r.oversight.as_deref() == Some(g)) {
                return Err(CliError::usage(format!("没有单位属于督导组“{g}”/ no unit is overseen by {g}")));
            }
        }
        let ext = out.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" => write_file(out, xianjiao_core::output::xlsx::to_xlsx(&record_workbook(&table, group)).map_err(|e| CliError::file(out, e))?)?,
            "html" => write_file(out, record_html(&table, group))?,
            _ => return Err(CliError::usage("--record 应为 .xlsx 或 .html / --record takes .xlsx or .html")),
        }
        eprintln!("已写入 / written {}", out.display());
    }
    if a.json {
        print_json(&serde_json::json!({ "files": notes, "table": table }));
    } else if a.output.is_none() {
        print_text(&table, &notes);
    }
    Ok(status(clean))
}

fn print_text(t: &UnitTable, notes: &[FileNote]) {
    for n in notes {
        println!("{} {}{}", n.state, n.file, n.reason.as_deref().map(|r| format!(":{r}")).unwrap_or_default());
    }
    println!();
    for r in t.rows.iter().chain(std::iter::once(&t.total)) {
        println!(
            "{}\t{} 个支部 {} 名党员\t{}\t{}\t{}\t{}\t{}\t{}{}{}{}",
            r.name,
            r.counts.branches,
            r.counts.members,
            r.phase.as_deref().unwrap_or(""),
            items_text(r),
            own_text(r),
            gate_text(r),
            vote_text(r),
            exam_text(r),
            r.lookback.map(|x| format!("\t回头看平均分 {x}")).unwrap_or_default(),
            Some(visits_text(r)).filter(|v| !v.is_empty()).map(|v| format!("\t督导检查 {v}")).unwrap_or_default(),
            r.application.as_deref().map(|s| format!("\t转段申请:{s}")).unwrap_or_default()
        );
    }
}
