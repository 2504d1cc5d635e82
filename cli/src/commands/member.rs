//! What one member or unit sees: `schedule`, `checklist`, `material`.

use super::io::{print_json, status};
use crate::args::day;
use crate::args::{ChecklistArgs, MaterialArgs, ScheduleArgs};
use crate::error::{CliError, CmdResult};
use crate::fs_source::usable_rules;
use crate::table;
use std::process::ExitCode;
use xianjiao_core::Profile;

/// `schedule`: phases and steps with dates for a unit type.
pub fn schedule(a: ScheduleArgs) -> CmdResult {
    let rs = usable_rules(&a.rules)?;
    let on = day(a.on.as_deref())?;
    let s = rs.schedule_in(&a.unit, a.batch.as_deref(), on, &a.done).map_err(CliError::usage)?;
    if a.json {
        print_json(&s)
    } else {
        table::schedule(&s)
    }
    Ok(ExitCode::SUCCESS)
}

/// `checklist`: a member's checklist from a profile JSON.
pub fn checklist(a: ChecklistArgs) -> CmdResult {
    let rs = usable_rules(&a.rules)?;
    let on = day(a.on.as_deref())?;
    let path = &a.profile;
    let text = std::fs::read_to_string(path).map_err(|e| CliError::file(path, e))?;
    let p: Profile = serde_json::from_str(&text)
        .map_err(|e| CliError::usage(format!("{}:{}:{}: error[profile.json]: {e}", path.display(), e.line(), e.column())))?;
    let c = rs.checklist(&p, on).map_err(CliError::usage)?;
    if a.json {
        print_json(&c)
    } else {
        table::checklist(&c, a.lang.core())
    }
    Ok(ExitCode::SUCCESS)
}

/// `material`: a draft checked against the material rules (exit 1 when it fails them).
pub fn material(a: MaterialArgs) -> CmdResult {
    let rs = usable_rules(&a.rules)?;
    let t = if a.text.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).map_err(|e| CliError::usage(format!("stdin: {e}")))?;
        s
    } else {
        let bytes = std::fs::read(&a.text).map_err(|e| CliError::file(&a.text, e))?;
        // A BOM, UTF-16 or GBK as Notepad saves drafts.
        if let Some(t) = crate::input::text_file(&bytes) {
            t
        } else {
            String::from_utf8(bytes).map_err(|e| {
                let at = e.utf8_error().valid_up_to();
                CliError::file(&a.text, format!("不是 UTF-8 文本,第 {at} 字节处出错 / not UTF-8 at byte {at}"))
            })?
        }
    };
    let r = rs.check_material(&a.kind, &a.role, &t).map_err(CliError::usage)?;
    if a.json {
        print_json(&r)
    } else {
        table::material(&r, a.lang.core())
    }
    Ok(status(r.pass))
}
