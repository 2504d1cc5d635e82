//! `forms`: the blank forms of the seeds (附件3 per 测评层次 with the roster's
//! names, 附件4 per member, 附件5, 附件6) as one printable HTML file, or the
//! entry workbook (.xlsx) the filled 附件3 sheets are typed into. Both are
//! core's definitions (`output::forms`, `output::entry`), as on the office page.

use super::io::write_file;
use crate::args::FormsArgs;
use crate::error::{CliError, CmdResult};
use crate::fs_source::usable_rules;
use crate::office::read_roster;
use std::process::ExitCode;
use xianjiao_core::output::forms::{blank_forms, FormsRequest};

/// `forms`.
pub fn forms(a: FormsArgs) -> CmdResult {
    let rs = usable_rules(&a.rules)?;
    let roster = match &a.roster {
        Some(p) => read_roster(p)?,
        None => vec![],
    };
    let ext = a.output.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let bytes = match ext.as_str() {
        "html" | "htm" => {
            let req = FormsRequest { roster, copies: a.copies, phase: a.phase.clone() };
            blank_forms(&rs, &req).map_err(CliError::usage)?.into_bytes()
        }
        "xlsx" => xianjiao_core::output::entry::entry_workbook(&rs, &roster, &[]).map_err(|e| CliError::file(&a.output, e))?,
        _ => return Err(CliError::usage("输出文件应以 .html 或 .xlsx 结尾 / the output must end in .html or .xlsx")),
    };
    write_file(&a.output, bytes)?;
    eprintln!("已写入 / written {}", a.output.display());
    Ok(ExitCode::SUCCESS)
}
