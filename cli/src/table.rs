//! Readable Chinese tables for the terminal.

use xianjiao_core::{
    join_messages, word, Change, Checklist, ExamReport, Explain, ItemStatus, Lang, MaterialReport, Msg, Schedule, ScoreReport, Status, VoteReport,
};

fn st(s: Option<Status>) -> &'static str {
    match s {
        Some(Status::Upcoming) => "未开始",
        Some(Status::Current) => "进行中",
        Some(Status::Overdue) => "已逾期",
        Some(Status::Done) => "已完成",
        Some(Status::Past) => "已结束",
        None => "",
    }
}

fn d(x: Option<xianjiao_core::NaiveDate>) -> String {
    x.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

pub fn schedule(s: &Schedule) {
    println!("单位类型:{}{}", s.unit, s.on.map(|d| format!("    日期:{d}")).unwrap_or_default());
    println!("阶段");
    for p in &s.phases {
        let days = p.days.map(|n| n.to_string()).unwrap_or_else(|| "—".into());
        println!("  {:<8} {} 至 {}  {:>3} 天  {}", p.name, d(p.start), d(p.end), days, st(p.status));
    }
    let mut cur = "";
    for x in &s.steps {
        if x.phase != cur {
            println!("{} 的环节", x.phase);
            cur = &x.phase;
        }
        println!("  {:>2}. {}  {} 至 {}  {}", x.no, x.name, d(x.start), d(x.end), st(x.status));
    }
    if let Some(p) = &s.current_phase {
        println!("当前阶段:{p}");
    }
    if !s.due.is_empty() {
        println!("正在进行:{}", s.due.join("、"));
    }
    if !s.overdue.is_empty() {
        println!("已过期未完成:{}", s.overdue.join("、"));
    }
}

pub fn checklist(c: &Checklist, lang: Lang) {
    let en = lang == Lang::En;
    let t = |zh: &'static str, e: &'static str| if en { e } else { zh };
    let unit = c.unit.as_ref().map(|u| format!("    {}{u}", t("单位:", "unit: "))).unwrap_or_default();
    println!("{}{}{unit}", t("角色:", "role: "), c.role);
    for i in &c.items {
        let mark = match i.status {
            ItemStatus::Done => t("[✓] 已完成", "[✓] done      "),
            ItemStatus::Pending => t("[ ] 待完成", "[ ] pending   "),
            ItemStatus::Overdue => t("[!] 已逾期", "[!] overdue   "),
            ItemStatus::Exempt => t("[-] 免除  ", "[-] exempt    "),
            ItemStatus::NotApplicable => t("[·] 不适用", "[·] n/a       "),
        };
        println!("{mark}  {}·{}  {}", i.phase, i.label, join_messages(lang, &i.why));
        if let Some(s) = &i.substitute {
            println!("            {}{s}", t("可替代:", "alternative: "));
        }
    }
    let s = &c.summary;
    if en {
        println!("total: {} done, {} pending, {} overdue, {} exempt, {} not applicable", s.done, s.pending, s.overdue, s.exempt, s.not_applicable);
    } else {
        println!("合计:已完成 {},待完成 {},逾期 {},免除 {},不适用 {}", s.done, s.pending, s.overdue, s.exempt, s.not_applicable);
    }
    for g in &c.gates {
        let m = if g.met { Msg::new("gate.met") } else { Msg::new("gate.blocked").with("labels", g.blocking_labels.clone()) };
        println!("{}", word(lang, &m.with("phase", &g.phase)));
    }
}

pub fn material(r: &MaterialReport, lang: Lang) {
    let en = lang == Lang::En;
    let t = |zh: &'static str, e: &'static str| if en { e } else { zh };
    let min = r.min_chars.map(|m| if en { format!(", minimum {m}") } else { format!(",最低 {m} 字") }).unwrap_or_default();
    if en {
        println!("{} ({}): {} characters{min}", r.kind, r.role, r.chars)
    } else {
        println!("{}({}):{} 字{min}", r.kind, r.role, r.chars)
    }
    for p in &r.parts {
        println!("  {} {}", if p.found && p.missing_fields.is_empty() { "✓" } else { "✗" }, p.name);
    }
    let list = |xs: &[String]| xs.join(t("、", ", "));
    if !r.areas_covered.is_empty() {
        println!("  {}{}", t("已涉及:", "covered: "), list(&r.areas_covered));
    }
    if !r.areas_missing.is_empty() {
        println!("  {}{}", t("未涉及:", "missing: "), list(&r.areas_missing));
    }
    for f in &r.findings {
        let at = f.start.map(|s| format!("[{}..{}] ", s, f.end.unwrap_or(s))).unwrap_or_default();
        let level = if f.level == "error" { t("错误", "error  ") } else { t("提示", "note   ") };
        // A flagged phrase repeated in the draft is one finding with every place in `at`.
        let more = match f.at.as_ref().map(Vec::len) {
            Some(n) if n > 1 => {
                if en {
                    format!(" ({n} places)")
                } else {
                    format!("(共 {n} 处)")
                }
            }
            _ => String::new(),
        };
        println!("  {level} {at}{}{more}", word(lang, &f.msg));
    }
    println!("{}", if r.pass { t("结论:通过", "result: pass") } else { t("结论:未通过", "result: not yet") });
}

/// Where a rejected row came from, when rows come from several files or sheets.
fn at(label: Option<&String>) -> String {
    label.map(|l| format!("{l} ")).unwrap_or_default()
}

pub fn score(r: &ScoreReport, origin: &[Option<String>]) {
    println!("{}:{} 人", r.form, r.members.len());
    // As the files show them (core's results sheet): group means with two decimals, the
    // conclusion (the committee's decision, or the rules' outcome marked 建议), handling,
    // note and the rater groups with no sheet.
    for m in &r.members {
        let groups: Vec<String> = m.groups.iter().map(|(k, v)| format!("{k} {:.2}", v.mean)).collect();
        let view = xianjiao_core::output::results::MemberView::of(m);
        let mut tail = vec![xianjiao_core::output::results::conclusion(&view, xianjiao_core::Lang::Zh)];
        if let Some(d) = &m.decision {
            tail.extend(d.handling.iter().map(|h| format!("处理方式:{h}")));
            tail.extend(d.note.iter().map(|n| format!("备注:{n}")));
        }
        if !m.missing_groups.is_empty() {
            tail.push(format!("缺少评议组:{}", m.missing_groups.join("、")));
        }
        tail.retain(|x| !x.is_empty());
        println!("  {:<6} 综合 {:>7.2}  {}  {}", m.member, m.composite, groups.join("  "), tail.join("  "));
    }
    for (i, x) in r.rejected.iter().enumerate() {
        println!("  {}第 {} 行未计分:{}", at(origin.get(i).and_then(Option::as_ref)), x.row, x.reason);
    }
    println!("读入 {} 行,计分 {} 行,剔除 {} 行", r.rows.read, r.rows.scored, r.rows.rejected);
}

pub fn votes(r: &VoteReport, origin: &[Option<String>]) {
    println!("{}(比率 = {} / 参评人数)", r.vote, r.rate_of.join("+"));
    for t in r.subjects.iter().chain(std::iter::once(&r.overall)) {
        let counts: Vec<String> = t.counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
        println!("  {:<10} {}  共 {} 人  {:.2}%  {}", t.subject, counts.join("  "), t.total, t.rate, t.action.clone().unwrap_or_default());
    }
    for (i, x) in r.rejected.iter().enumerate() {
        println!("  {}第 {} 行未计入:{}", at(origin.get(i).and_then(Option::as_ref)), x.row, x.reason);
    }
    println!("读入 {} 行,计入 {} 行,剔除 {} 行", r.rows.read, r.rows.scored, r.rows.rejected);
}

pub fn exam(r: &ExamReport, origin: &[Option<String>]) {
    println!("{}{}(满分 {})", r.exam, r.questions.map(|q| format!(",{q} 题")).unwrap_or_default(), r.points);
    println!("  {:<12} {:>8} {:>8} {:>8} {:>8} {:>10} {:>8}", "单位", "应考", "参考", "回收", "参考率", "答卷回收率", "平均成绩");
    for u in r.units.iter().chain(std::iter::once(&r.overall)) {
        let avg = u.average.map(|a| format!("{a:.1}")).unwrap_or_else(|| "—".into());
        println!("  {:<12} {:>8} {:>8} {:>8} {:>7.1}% {:>9.1}% {:>8}", u.unit, u.expected, u.took, u.returned, u.participation, u.return_rate, avg);
    }
    for (i, x) in r.rejected.iter().enumerate() {
        println!("  {}第 {} 行未计入:{}", at(origin.get(i).and_then(Option::as_ref)), x.row, x.reason);
    }
    println!("读入 {} 行,计入 {} 行,剔除 {} 行", r.rows.read, r.rows.scored, r.rows.rejected);
}

/// `score --csv`: every text cell (member, group names, outcome) goes through
/// `csvout`, so a member named `=HYPERLINK(...)` cannot become a formula.
pub fn score_csv(r: &ScoreReport, origin: &[Option<String>]) {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let groups: Vec<String> = r.items_groups();
    let head = crate::csvout::line(["member", "composite"].into_iter().chain(groups.iter().map(String::as_str)).chain(["outcome"]));
    let _ = writeln!(out, "{head}");
    // Large reports are formatted on every core, in blocks written in order.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if threads > 1 && r.members.len() >= 20_000 {
        let blocks: Vec<Vec<u8>> = std::thread::scope(|s| {
            let handles: Vec<_> = r.members.chunks(r.members.len().div_ceil(threads)).map(|part| s.spawn(|| csv_rows(part, &groups))).collect();
            handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
        });
        for b in blocks {
            let _ = out.write_all(&b);
        }
    } else {
        let _ = out.write_all(&csv_rows(&r.members, &groups));
    }
    let _ = out.flush();
    for (i, x) in r.rejected.iter().enumerate() {
        eprintln!("{}第 {} 行未计分:{}", at(origin.get(i).and_then(Option::as_ref)), x.row, x.reason);
    }
}

/// The CSV lines of some members.
fn csv_rows(members: &[xianjiao_core::SubjectScore], groups: &[String]) -> Vec<u8> {
    use crate::csvout;
    use std::io::Write;
    let mut out = Vec::with_capacity(members.len() * 64);
    // ryu: the shortest round-trip form, as `{}` prints it, several times faster.
    let mut f = ryu::Buffer::new();
    for m in members {
        out.extend_from_slice(csvout::text(&m.member).as_bytes());
        out.push(b',');
        out.extend_from_slice(csvout::number(&mut f, m.composite).as_bytes());
        for k in groups {
            out.push(b',');
            if let Some(v) = m.groups.get(k) {
                out.extend_from_slice(csvout::number(&mut f, v.mean).as_bytes());
            }
        }
        let _ = writeln!(out, ",{}", csvout::text(m.outcome.as_deref().unwrap_or("")));
    }
    out
}

fn short(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

pub fn explain(e: &Explain, all: bool) {
    println!("继承链 / chain: {}", e.files.join(" → "));
    for (label, ch) in [
        ("新增 added", Change::Added),
        ("修改 overridden", Change::Overridden),
        ("删除 removed", Change::Removed),
        ("沿用 inherited", Change::Inherited),
    ] {
        let items: Vec<_> = e.items.iter().filter(|i| i.change == ch).collect();
        if items.is_empty() || (ch == Change::Inherited && !all) {
            continue;
        }
        println!("{label}({})", items.len());
        for i in items {
            println!("  {:<9} {}", i.kind, i.key);
            // Where the rule comes from (a seed and its quote, or the locality's own choice): for clerks.
            let now = i.effective.as_ref().or(i.parent.as_ref());
            for k in ["source", "local"] {
                if let Some(serde_json::Value::String(v)) = now.and_then(|x| x.get(k)) {
                    println!("      {k}: {v}");
                }
            }
            if let (Some(serde_json::Value::Object(p)), Some(serde_json::Value::Object(c))) = (&i.parent, &i.effective) {
                for (k, cv) in c {
                    if k == "source" || k == "local" {
                        continue;
                    }
                    let pv = p.get(k).cloned().unwrap_or(serde_json::Value::Null);
                    if &pv != cv {
                        println!("      {k}: {}  →  {}", short(&pv), short(cv));
                    }
                }
            }
        }
    }
    if !all {
        println!(
            "(沿用上级未改的 {} 项未列出,加 --all 显示 / {} inherited items hidden, --all shows them)",
            e.counts.get("inherited").copied().unwrap_or(0),
            e.counts.get("inherited").copied().unwrap_or(0)
        );
    }
}
