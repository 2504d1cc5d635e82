//! Commands on rule files: `check`, `test` (and `--mutate`), `explain`, `new`,
//! `bundle`, `compile`, `reference`.

use super::io::{print_json, status, write_file};
use crate::args::{CheckArgs, ExplainArgs, NewArgs, OutputArgs, TestArgs};
use crate::error::{CliError, CmdResult};
use crate::fs_source::{load_rules, rule_files, usable_rules, with_source, FsSource};
use crate::table;
use std::path::PathBuf;
use std::process::ExitCode;
use xianjiao_core::Severity;

/// The files of `check` and `test`: at least one.
fn some_rule_files(args: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let files = rule_files(args);
    if files.is_empty() {
        return Err(CliError::usage("没有找到规则文件 / no rule files given"));
    }
    Ok(files)
}

/// `check`: every diagnostic of every file (exit 1 on any error).
pub fn check(a: CheckArgs) -> CmdResult {
    let files = some_rule_files(&a.rules)?;
    let mut all = vec![];
    // A parent checked with each child is reported once (a set, not a scan: a file may have 100,000 diagnostics).
    let mut seen = std::collections::HashSet::new();
    for f in &files {
        let rs = load_rules(f);
        let gaps = if a.strict { rs.origin_gaps() } else { &[] };
        for d in rs.diagnostics().iter().chain(gaps) {
            if seen.insert(d.to_string()) {
                all.push(d.clone());
            }
        }
    }
    let errors = all.iter().filter(|d| d.severity == Severity::Error).count();
    if a.json {
        print_json(&serde_json::json!({ "files": files, "diagnostics": all, "errors": errors }));
    } else {
        for d in &all {
            println!("{d}");
        }
        let (n, warnings) = (files.len(), all.len() - errors);
        println!("{n} 个文件,{errors} 个错误,{warnings} 个警告 / {n} files, {errors} errors, {warnings} warnings");
    }
    Ok(status(errors == 0))
}

/// `test`: the tests written inside the rule files.
pub fn test(a: TestArgs) -> CmdResult {
    let files = rule_files(&a.rules);
    let mut results = vec![];
    let mut broken = false;
    for f in &files {
        let rs = load_rules(f);
        if rs.has_errors() {
            for d in rs.diagnostics() {
                eprintln!("{d}");
            }
            broken = true;
            continue;
        }
        results.extend(rs.run_tests(true));
    }
    let failed = results.iter().filter(|r| !r.pass).count();
    if a.json {
        print_json(&serde_json::json!({ "results": results, "passed": results.len() - failed, "failed": failed }));
    } else {
        for r in &results {
            if r.pass {
                println!("ok    {}:{}  {}", r.location.file, r.location.line, r.name);
            } else {
                println!("FAIL  {}:{}:{}  {}", r.location.file, r.location.line, r.location.col, r.name);
                for f in &r.failures {
                    println!("        {f}");
                }
            }
        }
        println!("rule tests: {} passed, {} failed", results.len() - failed, failed);
    }
    Ok(status(failed == 0 && !broken))
}

/// `test --mutate`: the mutants no rule test catches.
pub fn mutate(a: TestArgs) -> CmdResult {
    let files = some_rule_files(&a.rules)?;
    let names: Vec<String> = files.iter().map(|f| f.to_string_lossy().to_string()).collect();
    let report = xianjiao_core::mutation_test(&names, &FsSource::new(&names));
    if a.list && !a.json {
        // Every mutant, so a clerk sees what was tried (substitutes, exemptions, per-unit keys included).
        for name in &names {
            let text = std::fs::read_to_string(name).map_err(|e| CliError::file(std::path::Path::new(name), e))?;
            for m in xianjiao_core::mutants(&text) {
                println!("{name}:{}:{}: mutant: {} → {}", m.line, m.col, m.original, m.replacement);
            }
        }
    }
    if a.json {
        print_json(&report);
    } else {
        for r in &report.refused {
            println!("{r}");
        }
        for s in &report.survivors {
            println!("{}:{}:{}: survived: {} → {}", s.file, s.mutant.line, s.mutant.col, s.mutant.original, s.mutant.replacement);
        }
        let (n, killed, survived) = (report.mutants, report.killed, report.survivors.len());
        println!("变异 {n} 个,被测试发现 {killed} 个,存活 {survived} 个 / {n} mutants, {killed} killed, {survived} survived");
    }
    Ok(status(report.survivors.is_empty() && report.refused.is_empty()))
}

/// `explain`: the effective rules and what differs from the parent.
pub fn explain(a: ExplainArgs) -> CmdResult {
    let rs = usable_rules(&a.rules)?;
    let ex = rs.explain();
    if a.json {
        print_json(&ex)
    } else {
        table::explain(&ex, a.all)
    }
    Ok(ExitCode::SUCCESS)
}

/// `new`: a commented child rule file of a parent.
pub fn new(a: NewArgs) -> CmdResult {
    let parent = if a.parent.ends_with(".rhai") { a.parent } else { format!("{}.rhai", a.parent) };
    let ppath = a.dir.join(&parent);
    if !ppath.exists() {
        return Err(CliError::file(&ppath, "找不到上级规则文件 / parent not found"));
    }
    let prs = usable_rules(&ppath)?;
    let out = a.dir.join(format!("{}.rhai", a.name));
    if out.exists() {
        return Err(CliError::file(&out, "文件已存在,未覆盖 / exists, not overwritten"));
    }
    write_file(&out, xianjiao_core::scaffold(&parent, &a.name, Some(prs.rules())))?;
    println!("已生成 / created {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// `compile`: the rule chain as data for the script-free engine.
pub fn compile(a: OutputArgs) -> CmdResult {
    let rs = load_rules(&a.rules);
    match rs.compile() {
        Ok(text) => {
            write_file(&a.output, text)?;
            let note = if rs.has_functions() {
                "(含自定义函数:成员组件将载入完整引擎 / defines custom functions: the widget loads the full engine)"
            } else {
                ""
            };
            println!("已编译 / compiled {} → {}{note}", a.rules.display(), a.output.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(d) => {
            let mut lines: Vec<String> = rs.diagnostics().iter().filter(|x| x.severity == Severity::Error).map(ToString::to_string).collect();
            if !rs.has_errors() {
                lines.push(d.to_string());
            }
            lines.push("规则有错误,未编译 / the rules have errors; nothing written".into());
            Err(CliError::failed(lines.join("\n")))
        }
    }
}

/// `bundle`: one file with the whole inheritance chain.
pub fn bundle(a: OutputArgs) -> CmdResult {
    match with_source(&a.rules, |name, src| xianjiao_core::bundle(name, src)) {
        Ok(text) => {
            write_file(&a.output, text)?;
            println!("已打包 / bundled {} → {}", a.rules.display(), a.output.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(diags) => {
            let mut lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
            lines.push("规则有错误,未打包 / the rules have errors; nothing written".into());
            Err(CliError::failed(lines.join("\n")))
        }
    }
}

/// `reference`: the rule function reference as Markdown.
pub fn reference() -> CmdResult {
    print!("{}", xianjiao_core::reference_markdown());
    Ok(ExitCode::SUCCESS)
}
