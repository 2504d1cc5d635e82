//! Knowledge-test statistics (004: 百题测试 参考率、答卷回收率、平均成绩),
//! from a unit's own figures or from one row per member.
//!
//! participation (参考率) = took / expected; return rate (答卷回收率) =
//! returned / took; average (平均成绩) = mean score of the returned sheets.
//! Counts are checked: a count that does not fit, a unit whose members who
//! took the test outnumber those expected, or a score outside 0..=points
//! rejects its row with the field at fault.

use crate::eval::rows::{round4, Rejection, RowCounts};
use crate::model::Exam;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

/// Statistics of one unit (or `合计`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExamStats {
    /// Unit (`合计` for the overall row).
    pub unit: String,
    /// Members expected to take the test (应考).
    pub expected: u64,
    /// Members who took it (参考).
    pub took: u64,
    /// Answer sheets returned (回收).
    pub returned: u64,
    /// took / expected, percent.
    pub participation: f64,
    /// returned / took, percent.
    pub return_rate: f64,
    /// Mean score of the returned sheets (`None` when none was returned).
    pub average: Option<f64>,
}

/// Result of counting a test.
#[derive(Debug, Clone, Serialize)]
pub struct ExamReport {
    /// Test name.
    pub exam: String,
    /// Number of questions, if the rules state it.
    pub questions: Option<i64>,
    /// Full marks.
    pub points: f64,
    /// Per unit, in order of first appearance.
    pub units: Vec<ExamStats>,
    /// All units together.
    pub overall: ExamStats,
    /// Rejected rows.
    pub rejected: Vec<Rejection>,
    /// Row counts (read = scored + rejected).
    pub rows: RowCounts,
}

#[derive(Debug, Clone, Default)]
struct Acc {
    expected: u64,
    took: u64,
    returned: u64,
    score_sum: f64,
}

/// Counts a test row by row.
#[derive(Debug)]
pub struct ExamCounter<'a> {
    exam: &'a Exam,
    index: HashMap<String, usize>,
    units: Vec<(String, Acc)>,
    rejected: Vec<Rejection>,
    rows: RowCounts,
}

/// Largest count accepted (a city's members, with room to spare).
const MAX_COUNT: u64 = 1 << 40;

type Bad = (&'static str, String);

fn count(field: &'static str, raw: &str) -> Result<u64, Bad> {
    let t = raw.trim();
    match t.parse::<u64>() {
        Ok(n) if n <= MAX_COUNT => Ok(n),
        Ok(_) => Err((field, format!("“{field}”的人数 {t} 超出可计数范围 / count out of range"))),
        Err(_) => Err((field, format!("“{field}”的人数 \"{t}\" 不是非负整数 / not a count"))),
    }
}

fn yes(field: &'static str, raw: &str) -> Result<bool, Bad> {
    match raw.trim() {
        "是" | "1" | "true" | "TRUE" | "√" | "✓" | "参考" | "已回收" | "回收" => Ok(true),
        "否" | "0" | "false" | "FALSE" | "" | "未参考" | "未回收" => Ok(false),
        t => Err((field, format!("“{field}”应为 是/否,实为 \"{t}\" / expected yes or no"))),
    }
}

impl<'a> ExamCounter<'a> {
    pub(crate) fn new(exam: &'a Exam) -> Self {
        ExamCounter { exam, index: HashMap::default(), units: vec![], rejected: vec![], rows: RowCounts::default() }
    }

    fn score(&self, field: &'static str, raw: &str) -> Result<f64, Bad> {
        let t = raw.trim();
        match t.parse::<f64>() {
            Ok(x) if x.is_finite() && (0.0..=self.exam.points).contains(&x) => Ok(x),
            Ok(_) => Err((field, format!("“{field}” {t} 不在 0 到 {} 之间 / score out of range", self.exam.points))),
            Err(_) => Err((field, format!("“{field}” \"{t}\" 不是数字 / not a number"))),
        }
    }

    fn reject(&mut self, row: usize, (field, reason): Bad) {
        self.rows.read += 1;
        self.rows.rejected += 1;
        self.rejected.push(Rejection { row, field: Some(field.to_string()), reason });
    }

    /// Records a row that could not be split into fields.
    pub fn reject_row(&mut self, row: usize, field: Option<&str>, reason: String) {
        self.rows.read += 1;
        self.rows.rejected += 1;
        self.rejected.push(Rejection { row, field: field.map(str::to_string), reason });
    }

    fn add(&mut self, row: usize, unit: &str, a: Acc) {
        let unit = unit.trim();
        if unit.is_empty() {
            return self.reject(row, ("unit", "缺少单位 / missing unit".into()));
        }
        let i = match self.index.get(unit) {
            Some(&i) => i,
            None => {
                self.index.insert(unit.to_string(), self.units.len());
                self.units.push((unit.to_string(), Acc::default()));
                self.units.len() - 1
            }
        };
        let u = &mut self.units[i].1;
        let sum = (u.expected.checked_add(a.expected), u.took.checked_add(a.took), u.returned.checked_add(a.returned));
        match sum {
            (Some(e), Some(t), Some(r)) if e <= MAX_COUNT => {
                u.expected = e;
                u.took = t;
                u.returned = r;
                u.score_sum += a.score_sum;
            }
            _ => return self.reject(row, ("expected", "计入此行后人数超出可计数范围 / counts would overflow".into())),
        }
        self.rows.read += 1;
        self.rows.scored += 1;
    }

    /// A unit's own figures: expected (应考), took (参考), returned (回收) and
    /// the average score of the returned sheets (平均成绩; may be empty when
    /// nothing was returned).
    pub fn add_unit(&mut self, row: usize, unit: &str, expected: &str, took: &str, returned: &str, average: &str) {
        let parsed = (|| -> Result<Acc, Bad> {
            let (e, t, r) = (count("expected", expected)?, count("took", took)?, count("returned", returned)?);
            if t > e {
                return Err(("took", format!("参考人数 {t} 多于应考人数 {e} / more took the test than were expected")));
            }
            if r > t {
                return Err(("returned", format!("回收答卷 {r} 多于参考人数 {t} / more sheets returned than took the test")));
            }
            let avg = if average.trim().is_empty() && r == 0 { 0.0 } else { self.score("average", average)? };
            Ok(Acc { expected: e, took: t, returned: r, score_sum: avg * r as f64 })
        })();
        match parsed {
            Ok(a) => self.add(row, unit, a),
            Err(b) => self.reject(row, b),
        }
    }

    /// One member's row: whether they took the test, whether their sheet
    /// came back, and its score (empty when it did not).
    pub fn add_member(&mut self, row: usize, unit: &str, took: &str, returned: &str, score: &str) {
        let parsed = (|| -> Result<Acc, Bad> {
            let (t, r) = (yes("took", took)?, yes("returned", returned)?);
            if r && !t {
                return Err(("returned", "未参考却有回收答卷 / a sheet returned by a member who did not take the test".into()));
            }
            let s = if r {
                self.score("score", score)?
            } else if score.trim().is_empty() {
                0.0
            } else {
                return Err(("score", "答卷未回收却填了成绩 / a score without a returned sheet".into()));
            };
            Ok(Acc { expected: 1, took: u64::from(t), returned: u64::from(r), score_sum: s })
        })();
        match parsed {
            Ok(a) => self.add(row, unit, a),
            Err(b) => self.reject(row, b),
        }
    }

    fn stats(unit: &str, a: &Acc) -> ExamStats {
        let pct = |n: u64, d: u64| if d == 0 { 0.0 } else { round4(n as f64 * 100.0 / d as f64) };
        ExamStats {
            unit: unit.to_string(),
            expected: a.expected,
            took: a.took,
            returned: a.returned,
            participation: pct(a.took, a.expected),
            return_rate: pct(a.returned, a.took),
            average: (a.returned > 0).then(|| round4(a.score_sum / a.returned as f64)),
        }
    }

    /// Finishes the count.
    pub fn finish(self) -> ExamReport {
        let mut all = Acc::default();
        for (_, a) in &self.units {
            all.expected = all.expected.saturating_add(a.expected);
            all.took = all.took.saturating_add(a.took);
            all.returned = all.returned.saturating_add(a.returned);
            all.score_sum += a.score_sum;
        }
        ExamReport {
            exam: self.exam.name.clone(),
            questions: self.exam.questions,
            points: self.exam.points,
            units: self.units.iter().map(|(u, a)| Self::stats(u, a)).collect(),
            overall: Self::stats("合计", &all),
            rejected: self.rejected,
            rows: self.rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExamCounter;
    use crate::model::{Exam, Origin};

    fn exam() -> Exam {
        Exam { name: "百题测试".into(), questions: Some(100), points: 100.0, roles: vec![], origin: Origin::default() }
    }

    #[test]
    fn unit_figures_and_member_rows() {
        let e = exam();
        let mut c = ExamCounter::new(&e);
        c.add_unit(2, "甲支部", "40", "40", "39", "99.5");
        c.add_unit(3, "乙支部", "10", "11", "11", "99"); // more took than expected
        c.add_member(4, "丙支部", "是", "是", "98");
        c.add_member(5, "丙支部", "否", "否", "");
        c.add_member(6, "丙支部", "否", "是", "90"); // returned without taking
        c.add_member(7, "丙支部", "是", "是", "101"); // above full marks
        let r = c.finish();
        assert_eq!((r.rows.read, r.rows.scored, r.rows.rejected), (6, 3, 3));
        assert_eq!(r.units[0].return_rate, 97.5);
        assert_eq!(r.units[1].participation, 50.0);
        assert_eq!(r.overall.expected, 42);
        assert_eq!(r.overall.average, Some(99.4625));
        assert_eq!(r.rejected.iter().map(|x| x.field.clone().unwrap_or_default()).collect::<Vec<_>>(), ["took", "returned", "score"]);
    }
}
