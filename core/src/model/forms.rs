//! Appraisal forms (测评表), votes (满意度测评) and knowledge tests (测试).

use super::read::{strs_of, F};
use super::types::{Exam, Form, Origin, Outcome, OutcomeInfo, Rules, Vote};
use crate::diag::Diags;
use crate::kinds::fields;
use crate::load::entity::Entity;
use rhai::{Dynamic, Map};

pub(super) fn forms<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    for e in es {
        let mut f = F::new(e, d, fields("form"));
        let subject = f.str("subject").unwrap_or_else(|| "member".into());
        if subject != "member" && subject != "unit" {
            let loc = f.loc("subject");
            f.d.error(
                "form.subject",
                &loc,
                format!("测评表 \"{}\" 的 subject 应为 \"member\"(党员)或 \"unit\"(单位),实为 \"{subject}\" / subject must be member or unit", e.key),
            );
        }
        let items = f.num_pairs("items");
        let total = f.num("total").unwrap_or_else(|| items.iter().map(|x| x.1).sum());
        let sum: f64 = items.iter().map(|x| x.1).sum();
        if items.is_empty() {
            let loc = e.loc.clone();
            f.d.error("form.no_items", &loc, format!("测评表 \"{}\" 没有测评项目 / form has no items", e.key));
        } else if (sum - total).abs() > 1e-9 {
            let loc = f.loc("items");
            f.d.error(
                "form.points_sum",
                &loc,
                format!("测评表 \"{}\" 各项分值合计 {sum},与总分 {total} 不符 / item points add up to {sum}, not the form's total {total}", e.key),
            );
        }
        let groups = f.num_pairs("groups");
        if !groups.is_empty() {
            let w: f64 = groups.iter().map(|x| x.1).sum();
            if (w - 100.0).abs() > 1e-9 {
                let names: Vec<_> = groups.iter().map(|g| format!("{}{}%", g.0, g.1)).collect();
                let loc = f.loc("groups");
                f.d.error(
                    "weights.sum",
                    &loc,
                    format!("评议组权重合计 {w}%,应为 100%({}) / rater weights add up to {w}, not 100", names.join(" + ")),
                );
            }
        }
        // Item and group names are column headers of the sheets: a blank, untrimmed, doubled or
        // reserved name (a column the readers already give a meaning) would misread a sheet.
        for (field, names) in [("items", &items), ("groups", &groups)] {
            let mut seen: Vec<&str> = vec![];
            for (name, _) in names.iter() {
                let reserved = crate::eval::columns::reserved(name.trim());
                let why = if name.trim().is_empty() {
                    Some("名称是空的 / a blank name".to_string())
                } else if name.trim() != name {
                    Some(format!("名称“{name}”前后有空格 / spaces around the name"))
                } else if seen.contains(&name.as_str()) {
                    Some(format!("名称“{name}”重复 / the name appears twice"))
                } else if reserved {
                    Some(format!("“{name}”是测评表的保留列名(姓名、测评层次、合计等),不能作项目或评议组 / a reserved column name"))
                } else {
                    None
                };
                seen.push(name);
                if let Some(why) = why {
                    let loc = f.loc(field);
                    f.d.error("form.name", &loc, format!("测评表 \"{}\" 的 {field}:{why}", e.key));
                }
            }
        }
        let trim = f.bool("trim").unwrap_or(false);
        let trim_min = f.count("trim_min", 3).map(|x| x as usize).unwrap_or(3);
        for (name, points) in &items {
            if *points <= 0.0 {
                let loc = f.loc("items");
                f.d.error("form.points", &loc, format!("测评表 \"{}\" 的项目“{name}”分值 {points} 应大于 0 / item points must be positive", e.key));
            }
        }
        for (name, w) in &groups {
            if *w < 0.0 {
                let loc = f.loc("groups");
                f.d.error("weights.negative", &loc, format!("评议组“{name}”的权重 {w} 不能为负 / weight must not be negative"));
            }
        }
        let aliases = f.str_pairs("aliases");
        for (a, c) in &aliases {
            let known = groups.iter().chain(items.iter()).any(|(n, _)| n == c);
            let clash = groups.iter().chain(items.iter()).any(|(n, _)| n == a);
            if !known || clash {
                let loc = f.loc("aliases");
                let why = if clash {
                    "别名与已声明的名称相同 / the alias is itself a declared name"
                } else {
                    "所指的评议组或项目未声明 / names no declared group or item"
                };
                f.d.error("alias.unknown", &loc, format!("测评表 \"{}\" 的别名 \"{a}\" → \"{c}\":{why}", e.key));
            }
        }
        let (outcome, outcome_info) = outcome_of(&mut f);
        f.str("note");
        let origin = f.origin();
        let loc = e.field_loc("outcome").clone();
        r.forms.push(Form { name: e.key.clone(), subject, total, items, groups, aliases, trim, trim_min, outcome, outcome_info, origin, loc });
    }
}

const OUTCOME_SHAPE: &str = "\"函数名\"、[[分数下限, \"结论\"], …] 或 #{ function | tiers, suggestion, labels, handling, source, local }";

/// `outcome:` as a function name, a list of tiers, or a map that also says
/// whether the result is a suggestion, which labels a decision may take,
/// how unqualified members are handled and where the rule comes from.
fn outcome_of(f: &mut F) -> (Outcome, OutcomeInfo) {
    let mut info = OutcomeInfo::default();
    let Some(v) = f.get("outcome").cloned() else { return (Outcome::None, info) };
    if v.is_string() {
        return (Outcome::Hook(v.into_string().unwrap_or_default()), info);
    }
    let tiers_of = |a: Vec<Dynamic>| -> Option<Vec<(f64, String)>> {
        let mut t = a
            .into_iter()
            .map(|p| {
                let p = p.into_array().ok()?;
                if p.len() != 2 {
                    return None;
                }
                Some((super::read::to_num(&p[0])?, p[1].clone().into_string().ok()?))
            })
            .collect::<Option<Vec<_>>>()?;
        crate::sort::sort_by(&mut t, |a, b| b.0.total_cmp(&a.0));
        Some(t)
    };
    if let Ok(a) = v.clone().into_array() {
        return match tiers_of(a) {
            Some(t) => (Outcome::Tiers(t), info),
            None => {
                f.bad("outcome", OUTCOME_SHAPE, &v);
                (Outcome::None, info)
            }
        };
    }
    let Some(m) = v.clone().try_cast::<Map>() else {
        f.bad("outcome", OUTCOME_SHAPE, &v);
        return (Outcome::None, info);
    };
    let known = ["function", "tiers", "suggestion", "labels", "handling", "source", "local"];
    let text = |k: &str| m.get(k).and_then(|x| x.clone().into_string().ok());
    let unknown = m.keys().any(|k| !known.contains(&k.as_str()));
    let rule = match (text("function"), m.get("tiers").and_then(|t| t.clone().into_array().ok())) {
        (Some(func), None) => Some(Outcome::Hook(func)),
        (None, Some(t)) => tiers_of(t).map(Outcome::Tiers),
        _ => None,
    };
    let suggestion = match m.get("suggestion") {
        None => Some(false),
        Some(b) => b.as_bool().ok(),
    };
    let labels = match m.get("labels") {
        None => Some(vec![]),
        Some(x) => strs_of(x),
    };
    let handling = match m.get("handling") {
        None => Some(vec![]),
        Some(x) => strs_of(x),
    };
    match (unknown, rule, suggestion, labels, handling) {
        (false, Some(rule), Some(suggestion), Some(labels), Some(handling)) => {
            if let Outcome::Tiers(t) = &rule {
                if let Some((_, bad)) = t.iter().find(|(_, l)| !labels.is_empty() && !labels.contains(l)) {
                    let loc = f.loc("outcome");
                    f.d.error("outcome.label", &loc, format!("结论档次 \"{bad}\" 不在 labels 中 / tier label not among labels"));
                }
            }
            info = OutcomeInfo { suggestion, labels, handling, origin: Origin { source: text("source"), local: text("local"), required: false } };
            (rule, info)
        }
        _ => {
            f.bad("outcome", OUTCOME_SHAPE, &v);
            (Outcome::None, info)
        }
    }
}

pub(super) fn votes<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    for e in es {
        let mut f = F::new(e, d, fields("vote"));
        let tiers = f.strs("tiers");
        let rate_of = f.strs("rate_of");
        for t in &rate_of {
            if !tiers.contains(t) {
                let loc = f.loc("rate_of");
                f.d.error(
                    "vote.unknown_tier",
                    &loc,
                    format!("测评 \"{}\" 的 rate_of 含未列出的档次 \"{t}\";档次: {} / unknown tier", e.key, tiers.join("、")),
                );
            }
        }
        let below = f.num("below");
        let above = f.num("above");
        for (k, v) in [("below", below), ("above", above)] {
            if let Some(v) = v {
                if !(0.0..=100.0).contains(&v) {
                    let loc = f.loc(k);
                    f.d.error(
                        "vote.threshold",
                        &loc,
                        format!("测评 \"{}\" 的 {k} 为 {v},应在 0 到 100 之间(百分数) / threshold must be a percentage", e.key),
                    );
                }
            }
        }
        let majority = f.bool("majority").unwrap_or(false);
        let aliases = f.str_pairs("aliases");
        for (a, c) in &aliases {
            if !tiers.contains(c) || tiers.contains(a) {
                let loc = f.loc("aliases");
                f.d.error(
                    "alias.unknown",
                    &loc,
                    format!("测评 \"{}\" 的别名 \"{a}\" → \"{c}\" 不指向已列出的档次,或与档次同名 / alias must name a listed tier", e.key),
                );
            }
        }
        let action = f.str("action");
        let groups = f.strs("groups");
        f.str("note");
        let origin = f.origin();
        r.votes.push(Vote { name: e.key.clone(), tiers, aliases, rate_of, below, above, majority, action, groups, origin });
    }
}

pub(super) fn exams<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    for e in es {
        let mut f = F::new(e, d, fields("exam"));
        let questions = f.count("questions", 1);
        let points = f.num("points").unwrap_or(100.0);
        if points <= 0.0 {
            let loc = f.loc("points");
            f.d.error("field.range", &loc, format!("测试 \"{}\" 的满分应大于 0 / points must be positive", e.key));
        }
        let roles = f.strs("roles");
        for role in &roles {
            if !r.roles.iter().any(|x| &x.name == role) {
                let loc = f.loc("roles");
                f.d.error("role.unknown", &loc, format!("测试 \"{}\" 用了未声明的角色 \"{role}\" / unknown role", e.key));
            }
        }
        f.str("note");
        let origin = f.origin();
        r.exams.push(Exam { name: e.key.clone(), questions, points, roles, origin });
    }
}

#[cfg(test)]
mod names {
    use crate::ruleset::RuleSet;
    use crate::source::MemorySource;

    fn codes(items: &str) -> usize {
        let mut src = MemorySource::new();
        src.insert("t.rhai", format!("form(\"表\", #{{ items: {items}, groups: [[\"党员互评\", 100]], local: \"x\" }});"));
        RuleSet::load("t.rhai", &src).diagnostics().iter().filter(|d| d.code == "form.name").count()
    }

    #[test]
    fn item_names_that_would_misread_a_sheet_are_errors() {
        assert_eq!(codes(r#"[["理想信念", 50], ["工作绩效", 50]]"#), 0);
        assert_eq!(codes(r#"[["理想信念", 50], ["理想信念", 50]]"#), 1, "doubled");
        assert_eq!(codes(r#"[["理想信念 ", 50], ["工作绩效", 50]]"#), 1, "untrimmed");
        assert_eq!(codes(r#"[["", 50], ["工作绩效", 50]]"#), 1, "blank");
        assert_eq!(codes(r#"[["合计", 50], ["工作绩效", 50]]"#), 1, "reserved");
    }
}
