//! What a material check returns: findings (code plus parameters), parts, items, dates.

use crate::messages::Msg;
use serde::Serialize;

/// One thing the check found.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable code: `chars.short`, `part.missing`, `part.order`, `part.field_missing`, `area.missing`,
    /// `area.too_few`, `flag`, `item.missing`, `item.field_missing`, `item.field_empty`, `item.date_invalid`.
    pub code: &'static str,
    /// "error" fails the check, "warning" informs, "info" marks something found.
    pub level: &'static str,
    /// What it means, in Chinese (`msg` worded in zh).
    pub message: String,
    /// What it means as a catalogue code plus parameters (see [`crate::messages`]).
    pub msg: Msg,
    /// Start offset in chars, for findings in the text.
    pub start: Option<usize>,
    /// End offset (exclusive) in chars.
    pub end: Option<usize>,
    /// The matched phrase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
    /// For `flag`: every place the phrase is flagged, `[start, end]` in chars, in
    /// text order (the first is `start`/`end`). A phrase repeated in a draft is one
    /// finding with many places, not one finding per place: the message is the same,
    /// and re-checking a long draft as the member types stays cheap (issue 12).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Vec<[usize; 2]>>,
    /// For `item.*` findings: index of the item in [`MaterialReport::items`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<usize>,
    /// For `item.field_*` and `item.date_invalid`: the field's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Finding {
    pub(crate) fn new(code: &'static str, level: &'static str, msg: Msg, start: Option<usize>, end: Option<usize>) -> Finding {
        Finding { code, level, message: msg.zh(), msg, start, end, phrase: None, at: None, item: None, field: None }
    }
}

/// A required part: found or not, and where.
#[derive(Debug, Clone, Serialize)]
pub struct PartState {
    /// Part name.
    pub name: String,
    /// Found anywhere in the text.
    pub found: bool,
    /// Offset of its first marker.
    pub start: Option<usize>,
    /// Fields of the part that are missing.
    pub missing_fields: Vec<String>,
}

/// A date named by an item's date field, as far as the text gives it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ItemDate {
    /// The date expression as written (`6月底前`, `2005年5月31日前`).
    pub text: String,
    /// Year, when written.
    pub year: Option<i32>,
    /// Month; `null` for 本月底 / 下月底 (relative to when the plan is made).
    /// 年底 / 下半年 give 12, 上半年 6, a quarter its last month.
    pub month: Option<u32>,
    /// Day, when written.
    pub day: Option<u32>,
}

/// One item of an itemised material (a 整改方案) and what it lacks.
#[derive(Debug, Clone, Serialize)]
pub struct ItemState {
    /// The class's declared name (立即整改 …).
    pub class: String,
    /// The class as the draft wrote it (马上整改, 说明情况、逐步解决 …).
    pub heading: String,
    /// Number within its class, from 1, in text order.
    pub no: usize,
    /// Start offset of the item in chars.
    pub start: usize,
    /// End offset (exclusive) in chars.
    pub end: usize,
    /// Fields absent or left empty.
    pub missing: Vec<String>,
    /// The date named by the item's (first) date field, when it is a real date.
    pub date: Option<ItemDate>,
}

/// Result of checking a text.
#[derive(Debug, Clone, Serialize)]
pub struct MaterialReport {
    /// Material kind.
    pub kind: String,
    /// Role checked for.
    pub role: String,
    /// Characters as Word counts them.
    pub chars: usize,
    /// Minimum for this role, if any.
    pub min_chars: Option<i64>,
    /// Required parts.
    pub parts: Vec<PartState>,
    /// Areas covered.
    pub areas_covered: Vec<String>,
    /// Areas missing.
    pub areas_missing: Vec<String>,
    /// Items, when the material is checked item by item (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<ItemState>>,
    /// Everything found, in text order for located findings.
    pub findings: Vec<Finding>,
    /// True when no error-level finding.
    pub pass: bool,
    /// Reasons for failing, in Chinese, each once.
    pub reasons: Vec<String>,
    /// Places a flagged phrase stood inside a quotation of the rule's own reason, and so did not count.
    #[serde(skip_serializing_if = "is_zero")]
    pub quoted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
