//! What scoring returns: per subject, per rater group, per item; the
//! committee's decisions. Plain data, read by the outcome record and the front ends.

use crate::eval::rows::{Rejection, Renamed, RowCounts};
use serde::Serialize;
use std::sync::Arc;

/// Values named by a shared list of names, serialized as a JSON object in order.
#[derive(Debug, Clone)]
pub struct Named<T> {
    /// Names, shared by every subject of a report.
    pub names: Arc<[String]>,
    /// One value per name.
    pub values: Vec<T>,
}

impl<T> Named<T> {
    /// The value for a name.
    pub fn get(&self, name: &str) -> Option<&T> {
        self.names.iter().position(|n| n == name).and_then(|i| self.values.get(i))
    }
    /// (name, value) pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.names.iter().zip(self.values.iter())
    }
}

impl<T: Serialize> Serialize for Named<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.values.len()))?;
        for (k, v) in self.names.iter().zip(&self.values) {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Per-group result for one subject.
#[derive(Debug, Clone, Serialize)]
pub struct GroupScore {
    /// Sheets received.
    pub sheets: u32,
    /// Sheets counted after trimming.
    pub used: u32,
    /// Average total of the sheets used.
    pub mean: f64,
    /// Weight in percent.
    pub weight: f64,
    /// Average per item.
    pub items: Named<f64>,
}

/// One subject's result.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectScore {
    /// Member (or unit) name.
    pub member: String,
    /// The member's key (编号, 工号 …) when the sheets carry one: members of one name are told apart by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Weighted composite (综合得分).
    pub composite: f64,
    /// Per rater group that has sheets.
    pub groups: Named<GroupScore>,
    /// Weighted average per item.
    pub items: Named<f64>,
    /// Sheets received.
    pub sheets: u32,
    /// Rater groups with no sheet (their weight was spread over the others).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_groups: Vec<String>,
    /// The outcome the rules give (合格 ...), if they give one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// True when `outcome` is only a suggestion (建议) for the branch
    /// committee and no decision has been recorded.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suggestion: bool,
    /// The committee's recorded decision, which overrides `outcome`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Box<Decision>>,
}

/// Result of scoring.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreReport {
    /// Form name.
    pub form: String,
    /// Items and their points.
    pub items: Vec<(String, f64)>,
    /// Rater groups and their weights.
    #[serde(skip)]
    pub groups: Vec<String>,
    /// Per subject, in order of first appearance.
    pub members: Vec<SubjectScore>,
    /// Rejected rows.
    pub rejected: Vec<Rejection>,
    /// Row counts (read = scored + rejected; `rejected` lists the first
    /// [`crate::eval::rows::MAX_REJECTIONS`] of them).
    pub rows: RowCounts,
    /// Member names counted otherwise than written (invisible characters,
    /// spaces inside, NFC), each spelling once: nobody is split in two silently.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub renamed: Vec<Renamed>,
    /// Note rows under the data (注:…, 测评人签名 …), passed over: neither read nor rejected, named.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Rejection>,
    /// How the outcome is meant (suggestion, labels, handling options) and
    /// where the outcome rule comes from (e.g. a locally chosen pass mark).
    pub outcome_rule: crate::model::OutcomeInfo,
    /// Decisions recorded for names that have no sheet: never applied, listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmatched_decisions: Vec<String>,
}

impl ScoreReport {
    /// Names of the rater groups of the form (or `全部` when it has none).
    pub fn items_groups(&self) -> Vec<String> {
        if self.groups.is_empty() {
            vec!["全部".into()]
        } else {
            self.groups.clone()
        }
    }
}

/// A decision the branch committee (支委会) recorded for a member: it
/// overrides the outcome the rules suggest.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Decision {
    /// The outcome decided (one of the form's outcome labels).
    pub outcome: String,
    /// How an unqualified member is handled (one of the rules' options).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handling: Option<String>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
