//! The entry workbook: the filled 附件3 sheets typed in, one sheet per 测评层次.
//! Row 1 the title, row 2 how to fill it in, row 3 the header the readers match
//! (`姓名, 测评层次, <items>, 合计`), row 4 the 分值 row under it as the seed's
//! 附件3 prints it (the readers check it against the rules: `eval::columns::points_row`),
//! then one row per member per paper sheet. Each item cell takes 0 to its points (half marks allowed),
//! the name a roster name from a drop-down, the 测评层次 the sheet's own; the
//! header rows are locked (the sheet is protected without a password, data
//! rows unlocked); 合计 is a formula.

use super::forms::{member_form, RosterEntry};
use super::xlsx::{col, error, new_workbook, row};
use crate::ruleset::RuleSet;
use rust_xlsxwriter::{DataValidation, DataValidationRule, Format, Formula, Note, ProtectionOptions};

/// Data rows per sheet ready for typing (validation and formula in each).
pub const ENTRY_ROWS: u32 = 300;
/// The header row (0-based): the readers find it within their first rows.
pub const HEADER_ROW: u32 = 2;
/// The 分值 row (0-based), under the header as in the seed's 附件3.
pub const POINTS_ROW: u32 = HEADER_ROW + 1;
/// The first row to type a sheet into (0-based).
pub const FIRST_ROW: u32 = POINTS_ROW + 1;

/// Marks already typed in (a test's filled workbook): (测评层次, 姓名, one mark per item).
pub type Filled<'a> = &'a [(String, String, Vec<f64>)];

/// The entry workbook as XLSX bytes.
pub fn entry_workbook(rs: &RuleSet, roster: &[RosterEntry], filled: Filled<'_>) -> Result<Vec<u8>, String> {
    let rules = rs.rules();
    let f = member_form(rules).ok_or("规则中没有党员测评表(form),无法生成录入表 / the rules have no member form")?;
    let groups: Vec<String> = if f.groups.is_empty() { vec!["全部".into()] } else { f.groups.iter().map(|g| g.0.clone()).collect() };
    let mut wb = new_workbook()?;
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new().set_bold().set_background_color("F2F2F2").set_border(rust_xlsxwriter::FormatBorder::Thin).set_text_wrap();
    let open = Format::new().set_unlocked().set_border(rust_xlsxwriter::FormatBorder::Thin);
    let score = Format::new().set_unlocked().set_num_format("0.0").set_border(rust_xlsxwriter::FormatBorder::Thin);
    let n = f.items.len();
    let last = col(n + 1)?;
    let names: Vec<String> = roster.iter().map(|m| m.name.clone()).collect();
    // A list validation holds at most 255 characters; a longer roster is checked by the reader instead.
    let list_fits = !names.is_empty() && names.iter().map(|s| s.chars().count() + 1).sum::<usize>() <= 255;
    for g in &groups {
        let ws = wb.add_worksheet();
        ws.set_name(g).map_err(error)?;
        ws.merge_range(0, 0, 0, last + 1, &format!("{}{}({g})", rules.campaign.name, f.name), &title).map_err(error)?;
        let how = format!(
            "每张纸质测评表一行:姓名从下拉表中选,测评层次填“{g}”,每项填 0 到该项分值(可填小数),合计自动求和;空行不计。/ One row per paper sheet and member."
        );
        ws.merge_range(1, 0, 1, last + 1, &how, &Format::new().set_text_wrap()).map_err(error)?;
        ws.set_row_height(1, 30).map_err(error)?;
        ws.write_string_with_format(POINTS_ROW, 0, "分值", &head).map_err(error)?;
        ws.write_string_with_format(HEADER_ROW, 0, "姓名", &head).map_err(error)?;
        ws.write_string_with_format(HEADER_ROW, 1, "测评层次", &head).map_err(error)?;
        ws.set_column_width(0, 12).map_err(error)?;
        ws.set_column_width(1, 12).map_err(error)?;
        for (i, (item, p)) in f.items.iter().enumerate() {
            let c = col(i + 2)?;
            ws.write_number_with_format(POINTS_ROW, c, *p, &head).map_err(error)?;
            ws.write_string_with_format(HEADER_ROW, c, item, &head).map_err(error)?;
            ws.set_column_width(c, 9).map_err(error)?;
            let v = DataValidation::new()
                .allow_decimal_number(DataValidationRule::Between(0.0, *p))
                .set_error_title("分数超出范围")
                .map_err(error)?
                .set_error_message(format!("“{item}”应为 0 到 {p} 分(可填小数)"))
                .map_err(error)?;
            ws.add_data_validation(FIRST_ROW, c, FIRST_ROW + ENTRY_ROWS - 1, c, &v).map_err(error)?;
        }
        let total_col = col(n + 2)?;
        ws.write_number_with_format(POINTS_ROW, total_col, f.total, &head).map_err(error)?;
        ws.write_string_with_format(HEADER_ROW, total_col, "合计", &head).map_err(error)?;
        let note = Note::new(format!("{how}\n分值见表头下一行(第 4 行,不要删除:读取时与规则核对);表头和分值行已锁定(工作表保护,无密码)。"))
            .set_author("xianjiao");
        ws.insert_note(HEADER_ROW, 0, &note).map_err(error)?;
        if list_fits {
            let v = DataValidation::new().allow_list_strings(&names).map_err(error)?.set_error_message("请从花名册中选择姓名").map_err(error)?;
            ws.add_data_validation(FIRST_ROW, 0, FIRST_ROW + ENTRY_ROWS - 1, 0, &v).map_err(error)?;
        }
        let gv = DataValidation::new().allow_list_strings(std::slice::from_ref(g)).map_err(error)?;
        ws.add_data_validation(FIRST_ROW, 1, FIRST_ROW + ENTRY_ROWS - 1, 1, &gv).map_err(error)?;
        let mine: Vec<&(String, String, Vec<f64>)> = filled.iter().filter(|x| &x.0 == g).collect();
        for r in 0..ENTRY_ROWS {
            let at = FIRST_ROW + r;
            let typed = mine.get(r as usize);
            match typed {
                Some((grp, name, marks)) => {
                    ws.write_string_with_format(at, 0, name, &open).map_err(error)?;
                    ws.write_string_with_format(at, 1, grp, &open).map_err(error)?;
                    for (i, x) in marks.iter().enumerate() {
                        ws.write_number_with_format(at, col(i + 2)?, *x, &score).map_err(error)?;
                    }
                }
                None => {
                    ws.write_blank(at, 0, &open).map_err(error)?;
                    ws.write_blank(at, 1, &open).map_err(error)?;
                    for i in 0..n {
                        ws.write_blank(at, col(i + 2)?, &score).map_err(error)?;
                    }
                }
            }
            // 合计: a formula on the typed rows only — the current readers take a blank row's
            // empty formula result for a row (so the blank rows carry none; see the report).
            if let Some(t) = typed {
                let (a, b) = (cell_name(at, 2)?, cell_name(at, n + 1)?);
                let sum: f64 = t.2.iter().sum();
                ws.write_formula(at, total_col, Formula::new(format!("=SUM({a}:{b})")).set_result(sum.to_string())).map_err(error)?;
            }
        }
        ws.set_freeze_panes(FIRST_ROW, 1).map_err(error)?;
        ws.protect_with_options(&ProtectionOptions { format_columns: true, format_rows: true, ..ProtectionOptions::default() });
        let _ = row(0)?;
    }
    wb.save_to_buffer().map_err(error)
}

fn cell_name(r: u32, c: usize) -> Result<String, String> {
    let mut c = c + 1;
    let mut s = String::new();
    while c > 0 {
        let k = (c - 1) % 26;
        s.insert(0, char::from(b'A' + u8::try_from(k).map_err(|_| "列数超出 / too many columns".to_string())?));
        c = (c - 1) / 26;
    }
    Ok(format!("{s}{}", r + 1))
}
