//! Batches, phases and steps: the campaign's calendar.
//!
//! A phase's dates may be given for all batches (`start`, `end` | `days`,
//! `extend_days`) and per batch (`batches: #{ 第一批: #{ start, end } }`);
//! either may be left out where the seed gives no date. A phase without
//! `start` begins the day after the previous phase of the same batch ends,
//! when that end is known.

use super::read::{window_of, F};
use super::types::{Announce, Batch, Origin, Phase, PhaseDates, Rules, Step};
use crate::diag::{Diags, Location};
use crate::kinds::fields;
use crate::load::entity::Entity;
use chrono::NaiveDate;
use rhai::{Dynamic, Map};

/// Longest phase or extension a rule file may state, in days (ten years): a
/// sanity bound so that date arithmetic can never overflow.
const MAX_DAYS: i64 = 3660;

pub(super) fn batches<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    for e in es {
        let mut f = F::new(e, d, fields("batch"));
        r.batches.push(Batch { name: e.key.clone(), label: f.str("label"), origin: f.origin() });
    }
    if let Some(b) = r.campaign.batch.clone() {
        if !r.batches.iter().any(|x| x.name == b) {
            let known: Vec<_> = r.batches.iter().map(|x| x.name.as_str()).collect();
            let loc = Location::default();
            d.error("batch.unknown", &loc, format!("campaign 的 batch \"{b}\" 未声明;已声明: {} / unknown batch", known.join("、")));
        }
    }
}

/// The date fields of a phase (or of one batch of it) as written.
struct Spec {
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    days: Option<i64>,
    extend: i64,
    origin: Origin,
    loc: Location,
    /// Where the end (or days) is written, for an inverted phase.
    end_loc: Location,
}

fn spec_of(f: &mut F) -> Spec {
    let start = f.date("start");
    let end = f.date("end");
    let days = f.count("days", 1);
    let extend = f.count("extend_days", 0).unwrap_or(0);
    if end.is_some() && days.is_some() {
        let loc = f.loc("days");
        f.d.error("phase.end_and_days", &loc, format!("阶段 \"{}\" 同时给了 end 和 days,只能给一个 / give end or days, not both", f.e.key));
    }
    let end_loc = f.loc(if f.e.fields.contains_key("end") { "end" } else { "days" });
    Spec { start, end, days, extend, origin: Origin::default(), loc: f.e.loc.clone(), end_loc }
}

fn spec_of_map(f: &mut F, batch: &str, m: &Map) -> Spec {
    let loc = f.loc("batches");
    let mut spec = Spec { start: None, end: None, days: None, extend: 0, origin: Origin::default(), loc: loc.clone(), end_loc: loc.clone() };
    for (k, v) in m {
        let text = super::read::text_of(v);
        let num = v.as_int().ok();
        match (k.as_str(), text, num) {
            ("start", Some(s), _) => spec.start = super::read::parse_date(&s, &loc, f.d),
            ("end", Some(s), _) => spec.end = super::read::parse_date(&s, &loc, f.d),
            ("days", _, Some(n)) if (1..=MAX_DAYS).contains(&n) => spec.days = Some(n),
            ("extend_days", _, Some(n)) if (0..=MAX_DAYS).contains(&n) => spec.extend = n,
            ("source", Some(s), _) => spec.origin.source = Some(s),
            ("local", Some(s), _) => spec.origin.local = Some(s),
            _ => {
                let msg = format!("阶段 \"{}\" 的批次 \"{batch}\" 日期字段 {k} 写法有误;可用: start, end, days, extend_days, source, local / bad field in batch dates", f.e.key);
                f.d.error("field.unknown", &loc, msg);
            }
        }
    }
    spec
}

/// Turns a spec into dates, continuing from the previous phase's end.
fn resolve(name: &str, s: &Spec, prev_end: Option<NaiveDate>, min_days: Option<i64>, d: &mut Diags) -> PhaseDates {
    let start = s.start.or_else(|| prev_end.and_then(|p| p.succ_opt()));
    let mut end = match (s.end, s.days, start) {
        (Some(e), _, _) => Some(e),
        (None, Some(n), Some(st)) => st.checked_add_days(chrono::Days::new((n - 1) as u64)),
        (None, Some(_), None) => {
            d.error("phase.no_start", &s.loc, format!("阶段 \"{name}\" 给了 days 却没有开始日期,也没有上一阶段可接续 / days needs a start"));
            None
        }
        _ => None,
    };
    if s.extend > 0 {
        end = end.and_then(|e| e.checked_add_days(chrono::Days::new(s.extend as u64)));
    }
    if let (Some(st), Some(en)) = (start, end) {
        if en < st {
            d.error("date.inverted", &s.end_loc, format!("阶段 \"{name}\" 结束日期 {en} 早于开始日期 {st} / phase ends before it starts"));
        } else if let Some(min) = min_days {
            let len = (en - st).num_days() + 1;
            if len < min {
                d.error(
                    "phase.too_short",
                    &s.loc,
                    format!("阶段 \"{name}\" 共 {len} 天,少于规定的 {min} 天 / phase lasts {len} days, fewer than min_days {min}"),
                );
            }
        }
    }
    PhaseDates { start, end, extend_days: s.extend, origin: s.origin.clone() }
}

pub(super) fn phases<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    let mut specs: Vec<(Spec, Vec<(String, Spec)>)> = vec![];
    for e in es {
        let mut f = F::new(e, d, fields("phase"));
        let mut spec = spec_of(&mut f);
        let mut per_batch = vec![];
        if let Some(m) = f.map("batches") {
            for (b, v) in m {
                if !r.batches.iter().any(|x| x.name == b.as_str()) {
                    let loc = f.loc("batches");
                    let known: Vec<_> = r.batches.iter().map(|x| x.name.as_str()).collect();
                    f.d.error(
                        "batch.unknown",
                        &loc,
                        format!("阶段 \"{}\" 用了未声明的批次 \"{b}\";已声明: {} / unknown batch", e.key, known.join("、")),
                    );
                }
                match v.clone().try_cast::<Map>() {
                    Some(bm) => per_batch.push((b.to_string(), spec_of_map(&mut f, &b, &bm))),
                    None => f.bad("batches", "#{ 批次: #{ start, end } }", &Dynamic::from(v)),
                }
            }
        }
        let origin = f.origin();
        spec.origin = origin.clone();
        let min_days = f.count("min_days", 1);
        let note = f.str("note");
        r.phases.push(Phase {
            name: e.key.clone(),
            dates: PhaseDates { start: None, end: None, extend_days: 0, origin: Origin::default() },
            batches: vec![],
            min_days,
            note,
            origin,
        });
        specs.push((spec, per_batch));
    }
    // Resolve the default chain, then one chain per batch named anywhere.
    let mut names: Vec<String> = vec![];
    for (_, pb) in &specs {
        for (b, _) in pb {
            if !names.contains(b) {
                names.push(b.clone());
            }
        }
    }
    let mut prev: Option<(Option<NaiveDate>, String)> = None;
    for (i, (spec, _)) in specs.iter().enumerate() {
        let p = &r.phases[i];
        let dates = resolve(&p.name, spec, prev.as_ref().and_then(|x| x.0), p.min_days, d);
        overlap(&p.name, &dates, prev.as_ref(), &spec.loc, d);
        prev = Some((dates.end, p.name.clone()));
        r.phases[i].dates = dates;
    }
    for b in names {
        let mut prev: Option<(Option<NaiveDate>, String)> = None;
        for (i, (spec, pb)) in specs.iter().enumerate() {
            let own = pb.iter().find(|(n, _)| *n == b).map(|x| &x.1);
            let s = own.unwrap_or(spec);
            let p = &r.phases[i];
            let dates = resolve(&p.name, s, prev.as_ref().and_then(|x| x.0), p.min_days, d);
            if own.is_some() {
                overlap(&p.name, &dates, prev.as_ref(), &s.loc, d);
            }
            prev = Some((dates.end, p.name.clone()));
            r.phases[i].batches.push((b.clone(), dates));
        }
    }
}

fn overlap(name: &str, dates: &PhaseDates, prev: Option<&(Option<NaiveDate>, String)>, loc: &Location, d: &mut Diags) {
    if let (Some(start), Some((Some(pend), pname))) = (dates.start, prev) {
        if start <= *pend {
            d.error(
                "phase.overlap",
                loc,
                format!("阶段 \"{name}\" 从 {start} 开始,与上一阶段 \"{pname}\"(至 {pend})重叠 / phase overlaps the previous phase"),
            );
        }
    }
}

pub(super) fn steps<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    for e in es {
        let mut f = F::new(e, d, fields("step"));
        let phase = f.str("phase").unwrap_or_default();
        let name = f.str("name").unwrap_or_default();
        let window = f.get("window").and_then(|v| window_of(&mut f, "window", v));
        let mut windows = vec![];
        if let Some(m) = f.map_value("windows").and_then(|v| v.read_lock::<Map>()) {
            for (u, v) in m.iter() {
                if !r.units.iter().any(|x| x.name == u.as_str()) {
                    let loc = f.loc("windows");
                    let known: Vec<_> = r.units.iter().map(|x| x.name.as_str()).collect();
                    f.d.error(
                        "unit.unknown",
                        &loc,
                        format!("环节 \"{name}\" 的时间表用了未声明的单位类型 \"{u}\";已声明: {} / unknown unit type", known.join("、")),
                    );
                }
                if let Some(w) = window_of(&mut f, "windows", v) {
                    windows.push((u.to_string(), w));
                }
            }
        }
        let announce = f.map("announce").and_then(|m| {
            let days = m.get("days_before").and_then(|v| v.as_int().ok()).filter(|n| (0..=MAX_DAYS).contains(n));
            let label = m.get("label").and_then(|v| v.clone().into_string().ok());
            match (days, label) {
                (Some(days_before), Some(label)) if m.len() == 2 => Some(Announce { days_before, label }),
                _ => {
                    let v = Dynamic::from_map(m);
                    f.bad("announce", "#{ days_before: 天数, label: \"公示内容\" }", &v);
                    None
                }
            }
        });
        let note = f.str("note");
        let origin = f.origin();
        match r.phases.iter().find(|p| p.name == phase) {
            None => {
                let known: Vec<_> = r.phases.iter().map(|p| p.name.as_str()).collect();
                d.error(
                    "step.unknown_phase",
                    &e.loc,
                    format!("环节 \"{name}\" 属于未声明的阶段 \"{phase}\";已声明: {} / step names an unknown phase", known.join("、")),
                );
            }
            Some(p) => {
                let all = std::iter::once(&p.dates).chain(p.batches.iter().map(|x| &x.1));
                let bounds: Vec<(NaiveDate, NaiveDate)> = all.filter_map(|x| Some((x.start?, x.end?))).collect();
                // One warning per window, naming the unit type whose window it is (a step with a
                // window per unit type used to repeat the same words for each).
                let each = window.iter().map(|w| (None, w)).chain(windows.iter().map(|(u, w)| (Some(u.as_str()), w)));
                for (unit, w) in each {
                    if !bounds.is_empty() && !bounds.iter().any(|(s, en)| w.start >= *s && w.end <= *en) {
                        let whose = unit.map(|u| format!("({u}的时间)")).unwrap_or_default();
                        let at = unit.map_or(e.loc.clone(), |_| e.field_loc("windows").clone());
                        d.warning(
                            "step.outside_phase",
                            &at,
                            format!(
                                "环节 \"{name}\"{whose} {} 至 {} 超出阶段 \"{phase}\" 的日期 / step window{} lies outside its phase",
                                w.start,
                                w.end,
                                unit.map(|u| format!(" for {u}")).unwrap_or_default()
                            ),
                        );
                    }
                }
            }
        }
        if !e.fields.contains_key("window") && !e.fields.contains_key("windows") {
            d.warning("step.no_window", &e.loc, format!("环节 \"{name}\" 没有时间 / step has no window"));
        }
        r.steps.push(Step { phase, name, window, windows, announce, note, origin });
    }
}
