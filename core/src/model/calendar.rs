//! Batches, phases and steps: the campaign's calendar.
//!
//! A phase's dates may be given for all batches (`start`, `end` | `days`,
//! `extend_days`) and per batch (`batches: #{ 第一批: #{ start, end } }`);
//! either may be left out where the seed gives no date. A phase without
//! `start` begins the day after the previous phase of the same batch ends,
//! when that end is known. A unit type whose own schedule differs gets its
//! dates with a step's vocabulary, `windows: #{ 机关: [start, end] }`, beside
//! `start`/`end` or inside one batch's map; the later phases of that unit type
//! continue from its end. `min_days` is the whole phase's (002: 整个分析评议阶段
//! ……时间原则上不少于一个月), not checked against one unit type's window.

use super::read::{window_of, F};
use super::types::{Announce, Batch, Origin, Phase, PhaseDates, Rules, Step, Window};
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
    /// Unit types with dates of their own (`windows`), and where they are written.
    windows: Vec<(String, Window)>,
    windows_loc: Location,
}

/// A step's or a phase's `windows: #{ 单位类型: [start, end] }`; an undeclared unit type is an error at `field`.
fn unit_windows(f: &mut F, field: &str, v: &Dynamic, units: &[String], whose: &str) -> Vec<(String, Window)> {
    let mut out = vec![];
    let Some(m) = v.read_lock::<Map>().map(|m| m.clone()) else {
        f.bad(field, "#{ 单位类型: [\"开始日期\", \"结束日期\"] }", v);
        return out;
    };
    for (u, w) in m.iter() {
        if !units.iter().any(|x| x == u.as_str()) {
            let loc = f.loc(field);
            f.d.error("unit.unknown", &loc, format!("{whose} 的时间表用了未声明的单位类型 \"{u}\";已声明: {} / unknown unit type", units.join("、")));
        }
        if let Some(w) = window_of(f, field, w) {
            out.push((u.to_string(), w));
        }
    }
    out
}

fn spec_of(f: &mut F, units: &[String]) -> Spec {
    let whose = format!("阶段 \"{}\"", f.e.key);
    let windows = f.get("windows").cloned().map(|v| unit_windows(f, "windows", &v, units, &whose)).unwrap_or_default();
    let windows_loc = f.loc("windows");
    let start = f.date("start");
    let end = f.date("end");
    let days = f.count("days", 1);
    let extend = f.count("extend_days", 0).unwrap_or(0);
    if end.is_some() && days.is_some() {
        let loc = f.loc("days");
        f.d.error("phase.end_and_days", &loc, format!("阶段 \"{}\" 同时给了 end 和 days,只能给一个 / give end or days, not both", f.e.key));
    }
    let end_loc = f.loc(if f.e.fields.contains_key("end") { "end" } else { "days" });
    Spec { start, end, days, extend, origin: Origin::default(), loc: f.e.loc.clone(), end_loc, windows, windows_loc }
}

fn spec_of_map(f: &mut F, batch: &str, m: &Map, units: &[String]) -> Spec {
    let loc = f.loc("batches");
    let mut spec = Spec {
        start: None,
        end: None,
        days: None,
        extend: 0,
        origin: Origin::default(),
        loc: loc.clone(),
        end_loc: loc.clone(),
        windows: vec![],
        windows_loc: loc.clone(),
    };
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
            ("windows", _, _) => {
                let whose = format!("阶段 \"{}\" 的批次 \"{batch}\"", f.e.key);
                spec.windows = unit_windows(f, "batches", v, units, &whose);
            }
            _ => {
                let msg = format!("阶段 \"{}\" 的批次 \"{batch}\" 日期字段 {k} 写法有误;可用: start, end, days, extend_days, windows, source, local / bad field in batch dates", f.e.key);
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
    PhaseDates { start, end, extend_days: s.extend, origin: s.origin.clone(), windows: vec![] }
}

/// One chain of phase dates (the default's or one batch's): `specs[i]` is the spec phase `i` uses, and
/// whether this chain reports its overlaps (a batch's chain does not repeat the default spec's).
/// Each unit type named in a spec's `windows` gets a chain of its own: the window where its spec
/// gives one, else the phase continuing from that unit type's previous phase (kept where it differs).
fn chain(r: &Rules, specs: &[(&Spec, bool)], d: &mut Diags) -> Vec<PhaseDates> {
    let mut out: Vec<PhaseDates> = vec![];
    let mut prev: Option<(Option<NaiveDate>, String)> = None;
    for (i, (s, report)) in specs.iter().enumerate() {
        let p = &r.phases[i];
        let dates = resolve(&p.name, s, prev.as_ref().and_then(|x| x.0), p.min_days, d);
        if *report {
            overlap(&p.name, &dates, prev.as_ref(), &s.loc, d);
        }
        prev = Some((dates.end, p.name.clone()));
        out.push(dates);
    }
    let mut units: Vec<&str> = vec![];
    for (s, _) in specs {
        for (u, _) in &s.windows {
            if !units.contains(&u.as_str()) {
                units.push(u);
            }
        }
    }
    for u in units {
        let mut prev: Option<(Option<NaiveDate>, String)> = None;
        for (i, (s, report)) in specs.iter().enumerate() {
            let p = &r.phases[i];
            let dates = match s.windows.iter().find(|(n, _)| n == u) {
                Some((_, w)) => {
                    let dates = PhaseDates { start: Some(w.start), end: Some(w.end), extend_days: 0, origin: s.origin.clone(), windows: vec![] };
                    if *report {
                        overlap(&format!("{}({u})", p.name), &dates, prev.as_ref(), &s.windows_loc, d);
                    }
                    dates
                }
                // The batch's own chain has reported what is wrong with this spec already.
                None => resolve(&p.name, s, prev.as_ref().and_then(|x| x.0), None, &mut Diags::default()),
            };
            prev = Some((dates.end, p.name.clone()));
            // Kept only where the unit type's dates differ: elsewhere the chain's own apply.
            if (dates.start, dates.end) != (out[i].start, out[i].end) {
                out[i].windows.push((u.to_string(), dates));
            }
        }
    }
    out
}

pub(super) fn phases<'a>(es: impl Iterator<Item = &'a Entity>, r: &mut Rules, d: &mut Diags) {
    let units: Vec<String> = r.units.iter().map(|u| u.name.clone()).collect();
    let mut specs: Vec<(Spec, Vec<(String, Spec)>)> = vec![];
    for e in es {
        let mut f = F::new(e, d, fields("phase"));
        let mut spec = spec_of(&mut f, &units);
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
                    Some(bm) => per_batch.push((b.to_string(), spec_of_map(&mut f, &b, &bm, &units))),
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
            dates: PhaseDates { start: None, end: None, extend_days: 0, origin: Origin::default(), windows: vec![] },
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
    let default: Vec<(&Spec, bool)> = specs.iter().map(|(s, _)| (s, true)).collect();
    for (i, dates) in chain(r, &default, d).into_iter().enumerate() {
        r.phases[i].dates = dates;
    }
    for b in names {
        let own: Vec<(&Spec, bool)> = specs.iter().map(|(s, pb)| pb.iter().find(|(n, _)| *n == b).map_or((s, false), |x| (&x.1, true))).collect();
        for (i, dates) in chain(r, &own, d).into_iter().enumerate() {
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
        let units: Vec<String> = r.units.iter().map(|u| u.name.clone()).collect();
        let windows = f.get("windows").cloned().map(|v| unit_windows(&mut f, "windows", &v, &units, &format!("环节 \"{name}\""))).unwrap_or_default();
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
                // One warning per window, naming the unit type whose window it is (a step with a
                // window per unit type used to repeat the same words for each); a unit type's window
                // lies inside the phase's dates for that unit type.
                let each = window.iter().map(|w| (None, w)).chain(windows.iter().map(|(u, w)| (Some(u.as_str()), w)));
                for (unit, w) in each {
                    let all = std::iter::once(&p.dates).chain(p.batches.iter().map(|x| &x.1));
                    let of_unit = all.map(|x| unit.and_then(|u| x.windows.iter().find(|(n, _)| n == u)).map_or(x, |y| &y.1));
                    let bounds: Vec<(NaiveDate, NaiveDate)> = of_unit.filter_map(|x| Some((x.start?, x.end?))).collect();
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
