//! The column vocabulary and the header matching of filled-in forms, votes
//! and plain tables: one implementation for the CLI's readers, the npm
//! `Engine.score` / `Engine.satisfaction` and the office page. A header cell
//! names a column when it equals one of the column's names, ignoring ASCII
//! case and surrounding spaces (a BOM too); items and tiers also by the
//! rules' aliases.

/// Names of the column that says whom a row is about (a member or a unit).
pub const MEMBER_COLS: &[&str] = &["member", "姓名", "党员", "党员姓名", "被测评人", "被测评人姓名", "unit", "单位", "被测评单位", "subject"];
/// Names of the rater-group column of a form's sheets (测评层次).
pub const GROUP_COLS: &[&str] = &["rater_group", "评议组", "测评层次", "group"];
/// Names of the tier column of a one-row-per-respondent vote.
pub const TIER_COLS: &[&str] = &["tier", "档次", "测评档次"];
/// Names of the respondent-group column of a one-row-per-respondent vote (附件6).
pub const RGROUP_COLS: &[&str] = &["respondent_group", "参评人员类别", "类别"];
/// Names of a total column a 附件6 counts sheet or a form's sheet may carry: checked against the tiers or the items.
pub const TOTAL_COLS: &[&str] = &["total", "合计", "合 计", "总分"];
/// Names of a column that tells two members of one name apart (编号, the last
/// digits of the ID card, the staff number): members are then keyed by it and the name.
pub const ID_COLS: &[&str] = &["id", "编号", "身份证后四位", "工号", "党员编号"];

/// The non-empty cells of one row: (0-based column, text), in column order.
/// CSV rows keep every field, XLSX rows only the cells that hold something,
/// so a cell far to the right costs nothing.
#[derive(Debug, Default, Clone)]
pub struct Cells(pub Vec<(usize, String)>);

impl Cells {
    /// The text in column `col`, if the row has it.
    pub fn get(&self, col: usize) -> Option<&str> {
        self.0.binary_search_by_key(&col, |c| c.0).ok().map(|i| self.0[i].1.as_str())
    }
    /// Whether every cell is empty or white space.
    pub fn blank(&self) -> bool {
        self.0.iter().all(|c| c.1.trim().is_empty())
    }
    /// A row of every field, in column order (a CSV record).
    pub fn dense(fields: Vec<String>) -> Self {
        Cells(fields.into_iter().enumerate().collect())
    }
}

/// Which columns a header names.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The member (or unit) column.
    pub member: usize,
    /// The rater-group column, when the header has one.
    pub group: Option<usize>,
    /// Item columns (forms) or tier-count columns (votes), in the rules' order.
    pub cols: Vec<usize>,
    /// The tier column of a one-row-per-respondent vote.
    pub tier: Option<usize>,
    /// Votes with respondent groups: the group column (one row per respondent)
    /// or one count column per group (附件6), in the rules' order.
    pub rgroup: Option<usize>,
    /// One count column per respondent group, when counted so.
    pub rgroups: Vec<usize>,
    /// A 合计 column, checked against the sum of the tiers.
    pub total: Option<usize>,
    /// Plain tables: the column of each wanted field (`None`: absent, optional).
    pub plain: Vec<Option<usize>>,
    /// Forms: the member key column (编号, 工号, …), when the header has one.
    pub id: Option<usize>,
    /// One past the header's last named column: a row with text further right
    /// has more fields than the header (a comma typed inside a mark).
    pub width: usize,
    /// Forms: header cells that name no column the form reads (备注 …), `第 N 列“…”`.
    pub unknown: Vec<String>,
    /// Forms without a rater-group column: the group every row of the sheet is of,
    /// taken from the sheet's name (党员互评 / 群众参评 / 支委会考评) or the file's.
    pub group_name: Option<String>,
}

/// What a header must name.
#[derive(Debug, Clone)]
pub enum Want {
    /// A form's sheets: the items, and a rater group column when the form has groups.
    Sheets {
        /// The form's items, in order.
        items: Vec<String>,
        /// The form weighs rater groups: the header needs a group column
        /// (unless `group_from` names the group).
        need_group: bool,
        /// The rater group the sheet's (or file's) name names, if any: a header without
        /// a group column then takes every row as that group (the seed's 附件3, one sheet per 测评层次).
        group_from: Option<String>,
    },
    /// A vote: one column per tier, or a tier column; with respondent groups
    /// (附件6) a group column or one count column per group.
    Votes {
        /// The vote's tiers, in order.
        tiers: Vec<String>,
        /// Its respondent groups (附件6), if any.
        groups: Vec<String>,
    },
    /// A plain table of named fields (decisions, test figures, profiles):
    /// the first field is the key that marks the header row.
    Plain(Vec<Field>),
}

/// One field of a plain table: its key, the header names it may have, and
/// whether it must be present.
#[derive(Debug, Clone)]
pub struct Field {
    /// Internal key.
    pub key: &'static str,
    /// Header names (compared ignoring ASCII case).
    pub names: &'static [&'static str],
    /// The header must have it.
    pub required: bool,
}

/// Resolves a header cell to an item (forms) or tier (votes) index, aliases included.
pub type Resolve<'a> = &'a dyn Fn(&str) -> Option<usize>;

pub fn col_list(hits: &[(usize, &str)]) -> String {
    hits.iter().map(|(i, h)| format!("第 {} 列“{}”", i + 1, h.trim())).collect::<Vec<_>>().join("、")
}

/// The one column named by any of `names`, if there is one; more than one is an error naming them.
fn single(cells: &Cells, names: &[&str], what: &str) -> Result<Option<usize>, String> {
    match matches_of(cells, |h| names.iter().any(|n| h.eq_ignore_ascii_case(n))).as_slice() {
        [] => Ok(None),
        [c] => Ok(Some(c.0)),
        more => Err(format!("有多个{what}列:{} / more than one {what} column", col_list(more))),
    }
}

pub fn matches_of(cells: &Cells, pred: impl Fn(&str) -> bool) -> Vec<(usize, &str)> {
    cells.0.iter().filter(|(_, h)| pred(h.trim().trim_start_matches('\u{feff}').trim())).map(|(i, h)| (*i, h.as_str())).collect()
}

/// One past the last non-blank cell of a header row.
fn width(cells: &Cells) -> usize {
    cells.0.iter().rev().find(|(_, h)| !h.trim().is_empty()).map_or(0, |c| c.0 + 1)
}

/// The first non-blank cell at or beyond `width`: a field the header has no column for.
pub fn extra_cell(cells: &Cells, width: usize) -> Option<(usize, &str)> {
    let from = cells.0.partition_point(|c| c.0 < width);
    cells.0[from..].iter().find(|(_, t)| !t.trim().is_empty()).map(|(i, t)| (*i, t.as_str()))
}

impl Want {
    /// `Ok(None)` when the row is not a header at all (no member column),
    /// `Err` when it is one but cannot be used (what is missing or duplicated).
    pub fn header(&self, cells: &Cells, resolve: Resolve) -> Result<Option<Found>, String> {
        if let Want::Plain(fields) = self {
            return plain_header(fields, cells);
        }
        // A vote's respondent group or tier may share a word with the member column (党员): it is then the group's.
        let taken = |h: &str| matches!(self, Want::Votes { tiers, groups } if tiers.iter().chain(groups).any(|t| t == h));
        let members = matches_of(cells, |h| MEMBER_COLS.iter().any(|n| h.eq_ignore_ascii_case(n)) && !taken(h));
        let member = match members.as_slice() {
            [] => return Ok(None),
            [m] => m.0,
            more => return Err(format!("有多个被测评人列:{},只能有一列 / more than one member column", col_list(more))),
        };
        match self {
            Want::Sheets { items, need_group, group_from } => {
                let groups = matches_of(cells, |h| GROUP_COLS.iter().any(|n| h.eq_ignore_ascii_case(n)));
                let group = match groups.as_slice() {
                    [] => None,
                    [g] => Some(g.0),
                    more => return Err(format!("有多个评议组列:{},只能有一列 / more than one rater_group column", col_list(more))),
                };
                let group_name = if group.is_none() { group_from.clone().filter(|_| *need_group) } else { None };
                if *need_group && group.is_none() && group_name.is_none() {
                    return Err(format!(
                        "缺少评议组列,应为 {} 之一(或把工作表、文件按测评层次命名,如“党员互评”)/ header has no rater_group column (or name the sheet after the group)",
                        GROUP_COLS.join("、")
                    ));
                }
                let mut cols = vec![];
                let mut missing = vec![];
                for (k, it) in items.iter().enumerate() {
                    // The declared name or one of the form's aliases for it.
                    let hits = matches_of(cells, |h| h == it || resolve(h) == Some(k));
                    match hits.as_slice() {
                        [] => missing.push(it.as_str()),
                        [c] => cols.push(c.0),
                        more => return Err(format!("列名“{it}”重复:{} / duplicated column “{it}”", col_list(more))),
                    }
                }
                if !missing.is_empty() {
                    return Err(format!("缺少测评项目列:{} / header lacks item columns", missing.join("、")));
                }
                let total = single(cells, TOTAL_COLS, "合计")?;
                let id = single(cells, ID_COLS, "编号")?;
                let mut known: Vec<usize> = vec![member];
                known.extend(group.iter().chain(&cols).chain(&total).chain(&id));
                let unknown: Vec<(usize, &str)> =
                    cells.0.iter().filter(|(i, h)| !h.trim().is_empty() && !known.contains(i)).map(|(i, h)| (*i, h.as_str())).collect();
                let unknown = unknown.iter().map(|u| col_list(std::slice::from_ref(u))).collect();
                Ok(Some(Found { member, group, cols, total, id, width: width(cells), unknown, group_name, ..Found::default() }))
            }
            Want::Votes { tiers, groups } => {
                let mut cols = vec![];
                for (k, t) in tiers.iter().enumerate() {
                    let hits = matches_of(cells, |h| h == t || resolve(h) == Some(k));
                    match hits.as_slice() {
                        [] => {}
                        [c] => cols.push(c.0),
                        more => return Err(format!("列名“{t}”重复:{} / duplicated column “{t}”", col_list(more))),
                    }
                }
                let total = single(cells, TOTAL_COLS, "合计")?;
                let rgroup = single(cells, RGROUP_COLS, "参评人员类别")?;
                let mut rgroups = vec![];
                for g in groups {
                    match matches_of(cells, |h| h == g).as_slice() {
                        [] => {}
                        [c] => rgroups.push(c.0),
                        more => return Err(format!("列名“{g}”重复:{} / duplicated column “{g}”", col_list(more))),
                    }
                }
                if !rgroups.is_empty() && rgroups.len() != groups.len() {
                    let missing: Vec<&str> =
                        groups.iter().filter(|g| !cells.0.iter().any(|(_, h)| h.trim() == g.as_str())).map(String::as_str).collect();
                    return Err(format!(
                        "按参评人员类别计数时每类一列,缺少:{} / one count column per respondent group; missing some",
                        missing.join("、")
                    ));
                }
                let mut f = if cols.len() == tiers.len() {
                    if rgroup.is_some() {
                        return Err("每个档次一列(计数)时不能再有参评人员类别列;请每类一列计数 / counts per tier take one count column per group, not a group column".into());
                    }
                    Found { member, cols, rgroups, total, width: width(cells), ..Found::default() }
                } else {
                    let tcols = matches_of(cells, |h| TIER_COLS.iter().any(|n| h.eq_ignore_ascii_case(n)));
                    match tcols.as_slice() {
                        [t] if rgroups.is_empty() && total.is_none() => {
                            Found { member, tier: Some(t.0), rgroup, width: width(cells), ..Found::default() }
                        }
                        [_] => return Err("每人一行(tier 列)时不能有按类别或合计的计数列 / one row per respondent takes no count columns".into()),
                        [] => {
                            return Err(format!(
                                "应有 tier 列(每人一行),或每个档次一列({})/ header needs a tier column or one column per tier",
                                tiers.join("、")
                            ))
                        }
                        more => return Err(format!("有多个档次列:{} / more than one tier column", col_list(more))),
                    }
                };
                if (f.rgroup.is_some() || !f.rgroups.is_empty()) && groups.is_empty() {
                    return Err("此测评未声明参评人员类别(groups),表中却有类别列 / the vote declares no respondent groups".into());
                }
                // With respondent groups every column must be understood: none is silently left out.
                if f.rgroup.is_some() || !f.rgroups.is_empty() {
                    let mut known: Vec<usize> = vec![f.member];
                    known.extend(f.cols.iter().copied());
                    known.extend(f.tier);
                    known.extend(f.rgroup);
                    known.extend(f.rgroups.iter().copied());
                    known.extend(f.total);
                    let unknown: Vec<(usize, &str)> =
                        cells.0.iter().filter(|(i, h)| !h.trim().is_empty() && !known.contains(i)).map(|(i, h)| (*i, h.as_str())).collect();
                    if !unknown.is_empty() {
                        return Err(format!("不认识的列:{}(应为被测评对象、档次、参评人员类别或合计)/ unknown columns", col_list(&unknown)));
                    }
                }
                if f.total.is_some() && f.cols.is_empty() {
                    f.total = None;
                }
                Ok(Some(f))
            }
            Want::Plain(_) => Ok(None),
        }
    }

    /// What a header must name, for the message when no row is one (Chinese first).
    pub fn expected(&self) -> String {
        match self {
            Want::Sheets { items, need_group, .. } => format!(
                "应有被测评人列({}){}及测评项目列({})/ expected a member column{} and the item columns",
                MEMBER_COLS.join("、"),
                if *need_group { format!("、评议组列({})", GROUP_COLS.join("、")) } else { String::new() },
                items.join("、"),
                if *need_group { ", a rater_group column" } else { "" }
            ),
            Want::Votes { tiers, .. } => format!(
                "应有被测评对象列({})及 tier 列或每个档次一列({})/ expected a unit column and a tier column or one column per tier",
                MEMBER_COLS.join("、"),
                tiers.join("、")
            ),
            Want::Plain(fields) => format!(
                "应有以下列:{} / expected these columns",
                fields.iter().map(|f| format!("{}{}", f.names.join("/"), if f.required { "" } else { "(可选)" })).collect::<Vec<_>>().join("、")
            ),
        }
    }
}

/// A header written on two rows, as the seed's 附件3 prints it: 姓名 and 合计 merged down over
/// both rows, 测评项目及分值 merged across the items, the item names on the second row. The
/// two rows as one: each column's lower cell, or the upper one where the lower is blank
/// (a merged cell keeps its text in its first row only).
pub fn merge_header(upper: &Cells, lower: &Cells) -> Cells {
    let mut cols: Vec<usize> = upper.0.iter().chain(&lower.0).map(|c| c.0).collect();
    cols.sort_unstable();
    cols.dedup();
    let pick = |c: usize| match lower.get(c) {
        Some(t) if !t.trim().is_empty() => t.to_string(),
        _ => upper.get(c).unwrap_or("").to_string(),
    };
    Cells(cols.into_iter().map(|c| (c, pick(c))).collect())
}

/// What a 分值 row may say in its member column (or nothing).
pub const POINTS_LABELS: &[&str] = &["分值", "标准分", "满分", "分数", "测评项目及分值", "points"];

/// A 分值 row just under the header (the seed's 附件3 prints each item's points there):
/// `None` when the row is not one (its member cell names someone, or an item cell is not a
/// number); `Some(Ok)` when every item holds the rules' points (and a 合计 their sum);
/// `Some(Err)` naming every item that differs: the sheet was made for other rules.
pub fn points_row(cells: &Cells, f: &Found, points: &[f64], items: &[String]) -> Option<Result<(), String>> {
    let label = cells.get(f.member).map(str::trim).unwrap_or("");
    if !(label.is_empty() || is_points_label(label)) || f.cols.is_empty() || f.cols.len() != points.len() {
        return None;
    }
    let nums: Vec<f64> = f.cols.iter().map(|&c| cells.get(c).and_then(|t| t.trim().parse::<f64>().ok())).collect::<Option<_>>()?;
    Some(check_points(&nums, f.total.and_then(|c| cells.get(c)), points, items))
}

/// A member cell that names a 分值 row (分值, 标准分, …) rather than a member.
pub fn is_points_label(label: &str) -> bool {
    POINTS_LABELS.iter().any(|l| label.trim().eq_ignore_ascii_case(l))
}

/// A 分值 row's numbers (and its 合计, if written) against the rules' points: `Err` names every
/// item that differs (the sheet was printed for other rules).
pub fn check_points(nums: &[f64], total: Option<&str>, points: &[f64], items: &[String]) -> Result<(), String> {
    let mut wrong: Vec<String> = nums
        .iter()
        .zip(points)
        .zip(items)
        .filter(|((n, p), _)| (*n - *p).abs() > 1e-9)
        .map(|((n, p), it)| format!("“{it}”表上 {n},规则 {p}"))
        .collect();
    if nums.len() != points.len() {
        wrong.push(format!("表上 {} 项,规则 {} 项", nums.len(), points.len()));
    }
    if let Some(t) = total.map(str::trim).filter(|t| !t.is_empty()) {
        let sum: f64 = points.iter().sum();
        if t.parse::<f64>().map_or(true, |v| (v - sum).abs() > 1e-9) {
            wrong.push(format!("合计 表上 {t},规则 {sum}"));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "分值行与规则不符:{}。这张表是按另一版规则印的吗?请核对规则文件或表格后重试 / the points row differs from the rules' points",
            wrong.join("、")
        ))
    }
}

/// The start of a row under the data that is a note, not a sheet: 注:…, 说明, 测评人签名, 填表日期 ….
pub const NOTE_PREFIXES: &[&str] =
    &["注", "说明", "备注", "签名", "测评人", "评议人", "填表", "制表", "审核", "日期", "联系人", "联系电话", "党支部（盖章）", "党支部(盖章)"];

/// Whether a row whose only text is `text` (no mark, 合计 or key) is a note under the data
/// (注:…, 测评人签名 …) rather than a member's sheet: skipped and named, never scored or rejected.
pub fn is_note(text: &str) -> bool {
    let t = text.trim();
    NOTE_PREFIXES.iter().any(|p| t.starts_with(p))
}

/// The header of a plain table: `Ok(None)` without the key column; every
/// other column must be one of the fields (nothing is silently ignored).
pub fn plain_header(fields: &[Field], cells: &Cells) -> Result<Option<Found>, String> {
    let mut plain = vec![];
    for f in fields {
        match matches_of(cells, |h| f.names.iter().any(|n| h.eq_ignore_ascii_case(n))).as_slice() {
            [] => plain.push(None),
            [c] => plain.push(Some(c.0)),
            more => return Err(format!("列“{}”重复:{} / duplicated column", f.names[0], col_list(more))),
        }
    }
    let Some(Some(key)) = plain.first().copied() else { return Ok(None) };
    let missing: Vec<&str> = fields.iter().zip(&plain).filter(|(f, c)| f.required && c.is_none()).map(|(f, _)| f.names[0]).collect();
    if !missing.is_empty() {
        return Err(format!("缺少列:{} / missing columns", missing.join("、")));
    }
    let unknown: Vec<(usize, &str)> =
        cells.0.iter().filter(|(i, h)| !h.trim().is_empty() && !plain.contains(&Some(*i))).map(|(i, h)| (*i, h.as_str())).collect();
    if !unknown.is_empty() {
        return Err(format!("不认识的列:{} / unknown columns", col_list(&unknown)));
    }
    Ok(Some(Found { member: key, plain, width: width(cells), ..Found::default() }))
}

/// The columns of rows given as objects keyed by header (the npm engine's
/// `score` and `satisfaction`): every key of every row, in order of first
/// appearance, as one header row.
pub fn header_of_keys<'k>(keys: impl Iterator<Item = &'k str>) -> Cells {
    let mut seen: Vec<String> = vec![];
    for k in keys {
        if !seen.iter().any(|s| s == k) {
            seen.push(k.to_string());
        }
    }
    Cells::dense(seen)
}

/// Whether `name` is a column the readers already give a meaning (member, rater group, tier,
/// respondent group, total, key): it cannot also be an item or a rater group of a form.
pub(crate) fn reserved(name: &str) -> bool {
    [MEMBER_COLS, GROUP_COLS, TIER_COLS, RGROUP_COLS, TOTAL_COLS, ID_COLS].iter().any(|cols| cols.iter().any(|c| c.eq_ignore_ascii_case(name)))
}
