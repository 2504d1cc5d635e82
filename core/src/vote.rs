//! Satisfaction and effect votes: tier counts per unit or member, the rate the
//! rules count, and whether it triggers rewriting or 补课.

use crate::model::Vote;
use crate::score::{round4, Rejection, RowCounts};
use serde::Serialize;
use rustc_hash::FxHashMap as HashMap;

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
    rejected: Vec<Rejection>,
    rows: RowCounts,
}

impl<'a> VoteCounter<'a> {
    pub(crate) fn new(vote: &'a Vote) -> Self {
        VoteCounter { vote, index: HashMap::default(), subjects: vec![], rejected: vec![], rows: RowCounts::default() }
    }

    /// The vote's tiers.
    pub fn tiers(&self) -> &[String] {
        &self.vote.tiers
    }

    fn slot(&mut self, subject: &str) -> usize {
        if let Some(&i) = self.index.get(subject) { return i; }
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

    /// One respondent's answer.
    pub fn add_response(&mut self, row: usize, subject: &str, tier: &str) {
        let (subject, tier) = (subject.trim(), tier.trim());
        if subject.is_empty() { return self.reject(row, Some("unit"), "缺少被测评对象 / missing subject".into()); }
        let Some(t) = self.vote.tiers.iter().position(|x| x == tier) else {
            return self.reject(row, Some("tier"), format!("未知的档次 \"{tier}\",应为 {} 之一 / unknown tier", self.vote.tiers.join("、")));
        };
        let i = self.slot(subject);
        self.subjects[i].1[t] += 1;
        self.rows.read += 1;
        self.rows.scored += 1;
    }

    /// A row of counts, one per tier in the rules' order.
    pub fn add_counts(&mut self, row: usize, subject: &str, counts: &[Option<&str>]) {
        let subject = subject.trim();
        if subject.is_empty() { return self.reject(row, Some("unit"), "缺少被测评对象 / missing subject".into()); }
        let mut parsed = vec![];
        for (i, t) in self.vote.tiers.iter().enumerate() {
            let raw = counts.get(i).copied().flatten().map(str::trim).unwrap_or("");
            match raw.parse::<u64>() {
                Ok(n) => parsed.push(n),
                Err(_) => return self.reject(row, Some(t), format!("“{t}”的人数 \"{raw}\" 不是非负整数 / not a count")),
            }
        }
        let i = self.slot(subject);
        for (a, b) in self.subjects[i].1.iter_mut().zip(parsed) { *a += b; }
        self.rows.read += 1;
        self.rows.scored += 1;
    }

    fn tally(&self, subject: &str, counts: &[u64]) -> Tally {
        let total: u64 = counts.iter().sum();
        let num: u64 = self.vote.tiers.iter().zip(counts).filter(|(t, _)| self.vote.rate_of.contains(t)).map(|x| x.1).sum();
        let pct = |n: u64| if total == 0 { 0.0 } else { round4(n as f64 * 100.0 / total as f64) };
        let rate = pct(num);
        let triggered = total > 0 && (self.vote.below.is_some_and(|b| rate < b) || self.vote.above.is_some_and(|a| rate > a));
        Tally {
            subject: subject.to_string(),
            counts: self.vote.tiers.iter().zip(counts).map(|(t, c)| (t.clone(), (*c).into())).collect(),
            shares: self.vote.tiers.iter().zip(counts).map(|(t, c)| (t.clone(), pct(*c).into())).collect(),
            total, rate, triggered,
            action: if triggered { self.vote.action.clone() } else { None },
        }
    }

    /// Finishes the count.
    pub fn finish(self) -> VoteReport {
        let mut all = vec![0; self.vote.tiers.len()];
        for (_, c) in &self.subjects { for (a, b) in all.iter_mut().zip(c) { *a += b; } }
        let subjects = self.subjects.iter().map(|(s, c)| self.tally(s, c)).collect();
        let overall = self.tally("合计", &all);
        VoteReport { vote: self.vote.name.clone(), tiers: self.vote.tiers.clone(), rate_of: self.vote.rate_of.clone(), subjects, overall, rejected: self.rejected, rows: self.rows }
    }
}
