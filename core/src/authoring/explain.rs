//! What a child rule file changes relative to its parent chain, and a scaffold
//! for a new child file. Used by `xianjiao explain`, `xianjiao new` and the
//! playground.

use crate::model::Rules;
use crate::ruleset::RuleSet;
use serde::Serialize;
use serde_json::Value;

/// How an item of the effective rules relates to the parent's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Same as the parent's.
    Inherited,
    /// Declared only by this file.
    Added,
    /// Declared by the parent and changed here.
    Overridden,
    /// Declared by the parent and removed here.
    Removed,
}

/// One item of the effective rules, with its parent's version.
#[derive(Debug, Clone, Serialize)]
pub struct ExplainItem {
    /// Kind (phase, step, require, ...).
    pub kind: &'static str,
    /// Name (a step's is "phase/step").
    pub key: String,
    /// Relation to the parent.
    pub change: Change,
    /// The parent's version, if any.
    pub parent: Option<Value>,
    /// The effective version, if any.
    pub effective: Option<Value>,
}

/// The effective rules of a file and what it changes.
#[derive(Debug, Clone, Serialize)]
pub struct Explain {
    /// Files of the chain, root first.
    pub files: Vec<String>,
    /// Every item, in kind order then declaration order.
    pub items: Vec<ExplainItem>,
    /// Counts per change.
    pub counts: std::collections::BTreeMap<&'static str, usize>,
}

fn json<T: Serialize>(x: &T) -> Value {
    serde_json::to_value(x).unwrap_or_default()
}

/// What `explain` shows of one kind: its effective declarations as (key,
/// value); `None` for a kind that declares no rule (`test`). A test in
/// `kinds` checks every rule kind has an entry.
pub(crate) fn entries(kind: &str, r: &Rules) -> Option<Vec<(String, Value)>> {
    fn all<T: Serialize>(xs: &[T], key: impl Fn(&T) -> String) -> Vec<(String, Value)> {
        xs.iter().map(|x| (key(x), json(x))).collect()
    }
    Some(match kind {
        "campaign" => {
            let c = &r.campaign;
            if c.name.is_empty() && c.level.is_none() && c.batch.is_none() && c.origin == Default::default() {
                vec![]
            } else {
                // One per chain: keyed as the loader keys it (""), so a child's campaign overrides its parent's.
                vec![(String::new(), json(c))]
            }
        }
        "role" => all(&r.roles, |x| x.name.clone()),
        "condition" => all(&r.conditions, |x| x.name.clone()),
        "unit" => all(&r.units, |x| x.name.clone()),
        "batch" => all(&r.batches, |x| x.name.clone()),
        "phase" => all(&r.phases, |x| x.name.clone()),
        "step" => all(&r.steps, |x| format!("{}/{}", x.phase, x.name)),
        "require" => all(&r.requirements, |x| x.id.clone()),
        "material" => all(&r.materials, |x| x.kind.clone()),
        "form" => all(&r.forms, |x| x.name.clone()),
        "vote" => all(&r.votes, |x| x.name.clone()),
        "exam" => all(&r.exams, |x| x.name.clone()),
        "gate" => all(&r.gates, |x| x.phase.clone()),
        "office" => all(&r.offices, |x| x.name.clone()),
        "oversight" => all(&r.oversights, |x| x.name.clone()),
        "application" => all(&r.applications, |x| x.phase.clone()),
        _ => return None,
    })
}

fn items(r: &Rules) -> Vec<(&'static str, String, Value)> {
    crate::kinds::KINDS.iter().flat_map(|k| entries(k.name, r).unwrap_or_default().into_iter().map(move |(key, v)| (k.name, key, v))).collect()
}

impl RuleSet {
    /// The effective rules after inheritance, each item marked inherited,
    /// added, overridden or removed relative to the parent chain.
    pub fn explain(&self) -> Explain {
        let child = items(self.rules());
        let parent = self.parent_rules().map(items).unwrap_or_default();
        let parent_at: std::collections::HashMap<(&str, &str), &Value> = parent.iter().map(|(k, n, v)| ((*k, n.as_str()), v)).collect();
        let child_has: std::collections::HashSet<(&str, &str)> = child.iter().map(|(k, n, _)| (*k, n.as_str())).collect();
        let mut out = vec![];
        for (kind, key, val) in &child {
            let p = parent_at.get(&(*kind, key.as_str())).map(|v| (*v).clone());
            let change = match &p {
                None => Change::Added,
                Some(pv) if pv == val => Change::Inherited,
                // A value that differs only by what the model derives (a batch's dates once the
                // campaign names its batch) is not a change this file made: overridden means the
                // entry file itself declared or amended it.
                Some(_) if self.written_by_entry(kind, key) => Change::Overridden,
                Some(_) => Change::Inherited,
            };
            out.push(ExplainItem { kind, key: key.clone(), change, parent: p, effective: Some(val.clone()) });
        }
        for (kind, key, val) in &parent {
            if !child_has.contains(&(*kind, key.as_str())) {
                out.push(ExplainItem { kind, key: key.clone(), change: Change::Removed, parent: Some(val.clone()), effective: None });
            }
        }
        let mut counts = std::collections::BTreeMap::new();
        for i in &out {
            let k = match i.change {
                Change::Inherited => "inherited",
                Change::Added => "added",
                Change::Overridden => "overridden",
                Change::Removed => "removed",
            };
            *counts.entry(k).or_insert(0) += 1;
        }
        Explain { files: self.files().to_vec(), items: out, counts }
    }
}

impl RuleSet {
    /// Whether the entry file (the last of the chain) declared or amended this declaration.
    fn written_by_entry(&self, kind: &str, key: &str) -> bool {
        let Some(own) = self.files().last() else { return false };
        self.entities().iter().filter(|e| e.kind == kind && e.key == key).any(|e| e.loc.file == *own || e.field_locs.values().any(|l| l.file == *own))
    }
}

/// A commented child rule file that extends `parent` (e.g. "guangan.rhai").
pub fn scaffold(parent: &str, name: &str, parent_rules: Option<&Rules>) -> String {
    let mut s = format!(
        "// {name}.rhai —— 继承 {parent},只写本地与上级不同之处。
// {name}.rhai — extends {parent}; state only what differs from it.
// 写完后运行 / then run:  xianjiao check {name}.rhai && xianjiao test {name}.rhai
// 全部函数 / all functions: docs/rule-reference.md

extends(\"{parent}\");

// level 写本级层级(市、区、县、镇……);local 写本地实施方案的文号。
campaign(#{{ name: \"{name}先进性教育活动\", local: \"本地实施方案(请注明文号)\" }});
"
    );
    if let Some(r) = parent_rules {
        s.push_str("\n// ---- 上级已规定的阶段(如本地日期不同,去掉 // 并修改)/ the parent's phases ----\n");
        for p in &r.phases {
            let day = |d: Option<chrono::NaiveDate>| d.map_or_else(|| "YYYY-MM-DD".to_string(), |d| d.to_string());
            s.push_str(&format!(
                "// amend(\"phase\", \"{}\", #{{ start: \"{}\", end: \"{}\", local: \"本地日期(注明文件)\" }});\n",
                p.name,
                day(p.dates.start),
                day(p.dates.end)
            ));
        }
        if !r.requirements.is_empty() {
            s.push_str("\n// ---- 上级已规定的要求(规定动作:可 amend 加强或改写说明,不能删除或减弱,见 docs/rules-guide.md 的锁表)/ the parent's requirements: tighten or reword only ----\n");
            for q in &r.requirements {
                s.push_str(&format!(
                    "// amend(\"require\", \"{}\", #{{ note: \"本地补充说明\", local: \"本地设定: …\" }});   // {}\n",
                    q.id, q.label
                ));
            }
        }
        for f in &r.forms {
            let g: Vec<String> = f.groups.iter().map(|(n, w)| format!("[\"{n}\", {w}]")).collect();
            s.push_str(&format!("\n// 测评表“{}”的评议组权重(合计须为 100)/ rater weights of this form (must add up to 100)\n// amend(\"form\", \"{}\", #{{ groups: [{}] }});\n", f.name, f.name, g.join(", ")));
        }
    }
    s.push_str(
        "
// ---- 本地新增的要求 / requirements of your own ----
// require(\"本地要求\", #{ phase: \"学习动员\", label: \"参加镇党委组织的专题党课\", roles: [\"党员\"] });

// ---- 规则文件内的测试 / tests of your numbers ----
// test(\"党员学时不足未完成\", #{ checklist: #{ role: \"党员\", progress: #{ 学习学时: 40 } }, expect: #{ 学习学时: \"pending\" } });
",
    );
    s
}
