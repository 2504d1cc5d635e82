//! The naive alternative the benchmark compares against: the weighted
//! composite computed by calling a Rhai function once per sheet, as a rule
//! engine that interprets scripts per record would. Not for production use.

use rhai::{Dynamic, Engine, Map, Scope};
use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use xianjiao_cli::{CliError, CmdResult};
use xianjiao_core::RuleSet;

const SCRIPT: &str = r#"
fn sheet(acc, group, weight, marks) {
    let total = 0.0;
    for m in marks { total += m; }
    if !(group in acc) { acc[group] = #{ n: 0, sum: 0.0, w: weight }; }
    let g = acc[group];
    g.n += 1;
    g.sum += total;
    acc[group] = g;
    acc
}
"#;

/// `xianjiao-dev naive`: the composites by one Rhai call per sheet; prints the member count.
pub fn naive_score(rs: &RuleSet, form: Option<&str>, sheets: &Path) -> CmdResult {
    let f = match form {
        Some(n) => rs.rules().forms.iter().find(|f| f.name == n),
        None => rs.rules().forms.first(),
    };
    let Some(f) = f else { return Err(CliError::usage("no form")) };
    let mut engine = Engine::new();
    engine.set_max_operations(0);
    let ast = engine.compile(SCRIPT).map_err(CliError::usage)?;
    let weights: HashMap<&str, f64> = f.groups.iter().map(|(g, w)| (g.as_str(), *w)).collect();
    let mut accs: HashMap<String, Dynamic> = HashMap::new();
    let mut rdr = csv::Reader::from_path(sheets).map_err(CliError::usage)?;
    let mut scope = Scope::new();
    for rec in rdr.records() {
        let Ok(rec) = rec else { continue };
        let member = rec.get(0).unwrap_or("").to_string();
        let group = rec.get(1).unwrap_or("").to_string();
        let w = weights.get(group.as_str()).copied().unwrap_or(0.0);
        let marks: rhai::Array = rec.iter().skip(2).map(|s| Dynamic::from(s.parse::<f64>().unwrap_or(0.0))).collect();
        let acc = accs.remove(&member).unwrap_or_else(|| Dynamic::from(Map::new()));
        let acc = engine.call_fn::<Dynamic>(&mut scope, &ast, "sheet", (acc, group, w, marks)).map_err(CliError::usage)?;
        accs.insert(member, acc);
    }
    let mut out = 0usize;
    for (_, acc) in accs {
        if let Some(m) = acc.try_cast::<Map>() {
            let mut c = 0.0;
            for g in m.values() {
                if let Some(g) = g.clone().try_cast::<Map>() {
                    let n = g.get("n").and_then(|x| x.as_int().ok()).unwrap_or(1) as f64;
                    let s = g.get("sum").and_then(|x| x.as_float().ok()).unwrap_or(0.0);
                    let w = g.get("w").and_then(|x| x.as_float().ok()).unwrap_or(0.0);
                    c += s / n * w / 100.0;
                }
            }
            if c >= 0.0 {
                out += 1;
            }
        }
    }
    println!("{{\"members\": {out}}}");
    Ok(ExitCode::SUCCESS)
}
