//! Satisfaction and effect votes: tier counts per unit or member, the rate the
//! rules count, and whether it triggers rewriting or 补课.

use crate::eval::rows::{round4, Rejection, RowCounts};
use crate::model::Vote;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

/// One subject's tally.
#[derive(Debug, Clone, Serialize)]
pub struct Tally {
    /// Unit or member (`合计` for the overall row).
    pub subject: String,
    /// Count per tier, in the rules' tier order.
    pub counts: serde_json::Map<String, serde_json::Value>,
    /// Respondents.
    pub total: u64,
    /// Rate in percent: the tiers in `rate_of` over all respondents.
    pub rate: f64,
    /// Each tier's share of respondents, in percent.
    pub shares: serde_json::Map<String, serde_json::Value>,
    /// True when the rate crosses the rules' threshold.
    pub triggered: bool,
    /// What the trigger means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Respondents per respondent group (附件6), when the vote declares groups.
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub groups: serde_json::Map<String, serde_json::Value>,
}

/// Result of counting a vote.
#[derive(Debug, Clone, Serialize)]
pub struct VoteReport {
    /// Vote name.
    pub vote: String,
    /// Tiers.
    pub tiers: Vec<String>,
    /// Tiers counted in the rate.
    pub rate_of: Vec<String>,
    /// Per subject, in order of first appearance.
    pub subjects: Vec<Tally>,
    /// All subjects together.
    pub overall: Tally,
    /// Rejected rows.
    pub rejected: Vec<Rejection>,
    /// Row counts.
    pub rows: RowCounts,
}

/// Counts a vote row by row.
#[derive(Debug)]
pub struct VoteCounter<'a> {
    vote: &'a Vote,
    index: HashMap<String, usize>,
    subjects: Vec<(String, Vec<u64>)>,
    /// Respondents per subject and respondent group (same order as `subjects`).
    by_group: Vec<Vec<u64>>,
    /// Running counts of all subjects per tier, and their sum: kept so that a
    /// row that would take any total past [`MAX_COUNT`] is rejected, never wrapped.
    all: Vec<u64>,
    grand: u64,
    rejected: Vec<Rejection>,
    rows: RowCounts,
}

/// The largest count or sum of counts accepted: 2^53 − 1, the largest whole
/// number a JSON reader (JavaScript) and the rate's `f64` hold exactly.
pub const MAX_COUNT: u64 = (1 << 53) - 1;

/// One count per name (tiers or respondent groups), from the row's cells in
/// the same order; the first bad cell gives its name and why.
fn counts_of<'n>(names: &'n [String], cells: &[Option<&str>]) -> Result<Vec<u64>, (&'n str, String)> {
    names
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let raw = cells.get(i).copied().flatten().map(str::trim).unwrap_or("");
            match raw.parse::<u64>() {
                Ok(n) if n <= MAX_COUNT => Ok(n),
                Ok(_) => Err((t.as_str(), format!("“{t}”的人数 {raw} 超出可计数范围(最大 {MAX_COUNT})/ count out of range"))),
                Err(_) if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) => {
                    Err((t.as_str(), format!("“{t}”的人数 {raw} 超出可计数范围(最大 {MAX_COUNT})/ count out of range")))
                }
                Err(_) => Err((t.as_str(), format!("“{t}”的人数 \"{raw}\" 不是非负整数 / not a count"))),
            }
        })
        .collect()
}

impl<'a> VoteCounter<'a> {
    pub(crate) fn new(vote: &'a Vote) -> Self {
        VoteCounter {
            vote,
            index: HashMap::default(),
            subjects: vec![],
            by_group: vec![],
            all: vec![0; vote.tiers.len()],
            grand: 0,
            rejected: vec![],
            rows: RowCounts::default(),
        }
    }

    /// The vote's tiers.
    pub fn tiers(&self) -> &[String] {
        &self.vote.tiers
    }

    /// Index of a tier by the name a sheet gives it (the declared tier or an alias).
    pub fn tier_index(&self, name: &str) -> Option<usize> {
        self.vote.tier_index(name.trim())
    }

    fn slot(&mut self, subject: &str) -> usize {
        if let Some(&i) = self.index.get(subject) {
            return i;
        }
        let i = self.subjects.len();
        self.index.insert(subject.to_string(), i);
        self.subjects.push((subject.to_string(), vec![0; self.vote.tiers.len()]));
        i
    }

    /// Records a rejected row.
    pub fn reject(&mut self, row: usize, field: Option<&str>, reason: String) {
        self.rows.read += 1;
        self.rows.rejected += 1;
        self.rejected.push(Rejection { row, field: field.map(str::to_string), reason });
    }

    /// The vote's respondent groups (附件6), if it declares them.
    pub fn groups(&self) -> &[String] {
        &self.vote.groups
    }

    fn group_of(&self, group: &str) -> Result<usize, String> {
        let g = group.trim();
        self.vote.groups.iter().position(|x| x == g).ok_or_else(|| {
            if self.vote.groups.is_empty() {
                format!("测评 \"{}\" 未声明参评人员类别(groups),不能按类别统计 / the vote declares no respondent groups", self.vote.name)
            } else {
                format!("未知的参评人员类别 \"{g}\",应为 {} 之一 / unknown respondent group", self.vote.groups.join("、"))
            }
        })
    }

    fn count_group(&mut self, subject: &str, add: &[u64]) {
        let i = self.slot(subject.trim());
        if self.by_group.len() <= i {
            self.by_group.resize(i + 1, vec![0; self.vote.groups.len()]);
        }
        for (a, b) in self.by_group[i].iter_mut().zip(add) {
            *a = a.saturating_add(*b);
        }
    }

    /// One respondent's answer, with the respondent's group (附件6: 本单位党员群众代表 …).
    pub fn add_response_from(&mut self, row: usize, subject: &str, group: &str, tier: &str) {
        let g = match self.group_of(group) {
            Ok(g) => g,
            Err(why) => return self.reject(row, Some("group"), why),
        };
        let before = self.rows.scored;
        self.add_response(row, subject, tier);
        if self.rows.scored > before {
            let mut one = vec![0; self.vote.groups.len()];
            one[g] = 1;
            self.count_group(subject, &one);
        }
    }

    /// A row of counts per tier and per respondent group; both must add up to
    /// the same number of respondents.
    pub fn add_counts_by_group(&mut self, row: usize, subject: &str, tiers: &[Option<&str>], groups: &[Option<&str>]) {
        // A bad tier cell is reported as itself, before the totals are compared.
        let by_tier = match counts_of(&self.vote.tiers, tiers) {
            Ok(c) => c.iter().fold(0u64, |a, b| a.saturating_add(*b)),
            Err((t, why)) => return self.reject(row, Some(t), why),
        };
        let parsed = match counts_of(&self.vote.groups, groups) {
            Ok(c) => c,
            Err((g, why)) => return self.reject(row, Some(g), why),
        };
        let by_group: u64 = parsed.iter().fold(0u64, |a, b| a.saturating_add(*b));
        if by_group != by_tier {
            let field = self.vote.groups.first().cloned();
            return self.reject(
                row,
                field.as_deref(),
                format!("按类别合计 {by_group} 人,按档次合计 {by_tier} 人,两者不符 / group and tier totals differ"),
            );
        }
        let before = self.rows.scored;
        self.add_counts(row, subject, tiers);
        if self.rows.scored > before {
            self.count_group(subject, &parsed);
        }
    }

    /// One respondent's answer.
    pub fn add_response(&mut self, row: usize, subject: &str, tier: &str) {
        let (subject, tier) = (subject.trim(), tier.trim());
        if subject.is_empty() {
            return self.reject(row, Some("unit"), "缺少被测评对象 / missing subject".into());
        }
        let Some(t) = self.vote.tier_index(tier) else {
            return self.reject(row, Some("tier"), format!("未知的档次 \"{tier}\",应为 {} 之一 / unknown tier", self.vote.tiers.join("、")));
        };
        let mut one = vec![0; self.vote.tiers.len()];
        one[t] = 1;
        if let Err(why) = self.tally_in(subject, &one) {
            return self.reject(row, Some("tier"), why);
        }
        self.rows.read += 1;
        self.rows.scored += 1;
    }

    /// A row of counts, one per tier in the rules' order.
    pub fn add_counts(&mut self, row: usize, subject: &str, counts: &[Option<&str>]) {
        let subject = subject.trim();
        if subject.is_empty() {
            return self.reject(row, Some("unit"), "缺少被测评对象 / missing subject".into());
        }
        let parsed = match counts_of(&self.vote.tiers, counts) {
            Ok(c) => c,
            Err((t, why)) => return self.reject(row, Some(t), why),
        };
        if let Err(why) = self.tally_in(subject, &parsed) {
            let field = self.vote.tiers.first().cloned();
            return self.reject(row, field.as_deref(), why);
        }
        self.rows.read += 1;
        self.rows.scored += 1;
    }

    /// Adds one row's counts to its subject and to the overall totals, all
    /// with checked arithmetic: when any count or sum would pass
    /// [`MAX_COUNT`], nothing is added and the reason is returned.
    fn tally_in(&mut self, subject: &str, add: &[u64]) -> Result<(), String> {
        let over = || format!("计入此行后人数合计将超出可计数范围(最大 {MAX_COUNT}),此行未计入 / counts would overflow; row not counted");
        let cur: Vec<u64> = match self.index.get(subject) {
            Some(&i) => self.subjects[i].1.clone(),
            None => vec![0; self.vote.tiers.len()],
        };
        let mut next = Vec::with_capacity(add.len());
        let mut all = Vec::with_capacity(add.len());
        let mut total: u64 = 0;
        let mut row_sum: u64 = 0;
        for ((c, a), g) in cur.iter().zip(add).zip(&self.all) {
            let n = c.checked_add(*a).filter(|n| *n <= MAX_COUNT).ok_or_else(over)?;
            total = total.checked_add(n).filter(|n| *n <= MAX_COUNT).ok_or_else(over)?;
            all.push(g.checked_add(*a).filter(|n| *n <= MAX_COUNT).ok_or_else(over)?);
            row_sum = row_sum.checked_add(*a).ok_or_else(over)?;
            next.push(n);
        }
        let grand = self.grand.checked_add(row_sum).filter(|n| *n <= MAX_COUNT).ok_or_else(over)?;
        let i = self.slot(subject);
        self.subjects[i].1 = next;
        self.all = all;
        self.grand = grand;
        Ok(())
    }

    /// Finishes the count.
    pub fn finish(self) -> VoteReport {
        let named = |counts: &[u64]| -> serde_json::Map<String, serde_json::Value> {
            if self.vote.groups.is_empty() || self.by_group.is_empty() {
                return serde_json::Map::new();
            }
            self.vote.groups.iter().zip(counts).map(|(g, c)| (g.clone(), (*c).into())).collect()
        };
        let mut all_groups = vec![0u64; self.vote.groups.len()];
        for g in &self.by_group {
            for (a, b) in all_groups.iter_mut().zip(g) {
                *a = a.saturating_add(*b);
            }
        }
        let zero = vec![0u64; self.vote.groups.len()];
        let subjects = self
            .subjects
            .iter()
            .enumerate()
            .map(|(i, (s, c))| {
                let mut t = tally(self.vote, s, c);
                t.groups = named(self.by_group.get(i).unwrap_or(&zero));
                t
            })
            .collect();
        let mut overall = tally(self.vote, "合计", &self.all);
        overall.groups = named(&all_groups);
        VoteReport {
            vote: self.vote.name.clone(),
            tiers: self.vote.tiers.clone(),
            rate_of: self.vote.rate_of.clone(),
            subjects,
            overall,
            rejected: self.rejected,
            rows: self.rows,
        }
    }
}

/// One subject's result from its count per tier (each sum at most [`MAX_COUNT`]): the rate, the shares and whether it
/// triggers the vote's action. A requirement completed by a vote (`vote:`) is judged here too.
pub(crate) fn tally(vote: &Vote, subject: &str, counts: &[u64]) -> Tally {
    // Every sum here is at most `MAX_COUNT` (checked when the rows were added).
    let total: u64 = counts.iter().fold(0u64, |a, b| a.saturating_add(*b));
    let num: u64 = vote.tiers.iter().zip(counts).filter(|(t, _)| vote.rate_of.contains(t)).fold(0u64, |a, x| a.saturating_add(*x.1));
    let pct = |n: u64| if total == 0 { 0.0 } else { round4(n as f64 * 100.0 / total as f64) };
    let rate = pct(num);
    let majority = vote.majority && num.saturating_mul(2) > total;
    let triggered = total > 0 && (majority || vote.below.is_some_and(|b| rate < b) || vote.above.is_some_and(|a| rate > a));
    Tally {
        subject: subject.to_string(),
        counts: vote.tiers.iter().zip(counts).map(|(t, c)| (t.clone(), (*c).into())).collect(),
        shares: vote.tiers.iter().zip(counts).map(|(t, c)| (t.clone(), pct(*c).into())).collect(),
        total,
        rate,
        triggered,
        action: if triggered { vote.action.clone() } else { None },
        groups: serde_json::Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::VoteCounter;
    use crate::model::{Origin, Vote};

    #[test]
    fn a_bad_tier_cell_in_a_row_by_group_is_reported_as_itself() {
        let v = Vote {
            name: "回头看".into(),
            tiers: vec!["满意".into(), "不满意".into()],
            aliases: vec![],
            rate_of: vec!["满意".into()],
            below: None,
            above: None,
            majority: false,
            action: None,
            groups: vec!["党员".into(), "群众".into()],
            origin: Origin::default(),
        };
        let mut c = VoteCounter::new(&v);
        c.add_counts_by_group(2, "机关", &[Some("三"), Some("1")], &[Some("2"), Some("2")]);
        c.add_counts_by_group(3, "机关", &[Some("3"), Some("1")], &[Some("2"), Some("1")]);
        c.add_counts_by_group(4, "机关", &[Some("3"), Some("1")], &[Some("2"), Some("2")]);
        let r = c.finish();
        assert_eq!((r.rows.read, r.rows.scored, r.rows.rejected), (3, 1, 2));
        assert_eq!(r.rejected[0].field.as_deref(), Some("满意"), "{:?}", r.rejected[0]);
        assert!(r.rejected[1].reason.contains("两者不符"), "{:?}", r.rejected[1]);
        assert_eq!(r.overall.groups.get("群众").and_then(|v| v.as_u64()), Some(2));
    }
}
