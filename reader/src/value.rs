//! A workbook cell's value, whichever parser read it (this crate's XLSX reader, or
//! calamine for XLSB, XLS and ODS), and what the cell shows when that is not a plain
//! number: one meaning for every format and every front end.

use super::numfmt::{bare_format, currency};
use super::rows::Shown;

/// A cell's value.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(feature = "legacy"), allow(dead_code))] // (Int and DurationIso come from calamine only)
pub(crate) enum Value {
    Empty,
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
    /// An Excel serial date (days since 1900 or 1904); `duration`: a `[h]:mm:ss` format.
    Date {
        serial: f64,
        duration: bool,
        is_1904: bool,
    },
    /// A date or time written as text (ISO 8601), as XLSX `t="d"` and ODS give it.
    DateIso(String),
    DurationIso(String),
    /// An error value (`#DIV/0!`, `#N/A` …), as the sheet shows it.
    Error(String),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Empty => Ok(()),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Date { serial, .. } => write!(f, "{serial}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Text(s) | Value::DateIso(s) | Value::DurationIso(s) | Value::Error(s) => f.write_str(s),
        }
    }
}

#[cfg(feature = "legacy")]
impl From<calamine::Data> for Value {
    fn from(d: calamine::Data) -> Self {
        use calamine::Data;
        match d {
            Data::Empty => Value::Empty,
            Data::Int(i) => Value::Int(i),
            Data::Float(x) => Value::Float(x),
            Data::String(s) => Value::Text(s),
            Data::Bool(b) => Value::Bool(b),
            Data::DateTime(dt) => {
                // (calamine keeps its epoch private: a 1904 date is one whose date differs from the 1900 reading)
                let as_1900 = calamine::ExcelDateTime::new(dt.as_f64(), calamine::ExcelDateTimeType::DateTime, false);
                let is_1904 = dt.is_datetime() && as_1900.to_ymd_hms_milli() != dt.to_ymd_hms_milli();
                Value::Date { serial: dt.as_f64(), duration: dt.is_duration(), is_1904 }
            }
            Data::DateTimeIso(s) => Value::DateIso(s),
            Data::DurationIso(s) => Value::DurationIso(s),
            Data::Error(e) => Value::Error(e.to_string()),
        }
    }
}

/// Year, month, day, hour, minute, second of an Excel serial date, with Excel's 1900 leap year
/// (serial 60 is 1900-02-29). Seconds are cut, and a time that rounds to the next day's
/// midnight (to the millisecond) is that midnight.
pub(crate) fn excel_ymd_hms(serial: f64, is_1904: bool) -> (i64, u32, u32, u32, u32, u32) {
    const DAY: f64 = 86_400.0;
    let mut days = serial.floor().clamp(0.0, 2_958_465.0) as i64;
    let time = serial - serial.floor();
    let mut secs = (time * DAY) as i64;
    if ((time * DAY).fract() * 1000.0).round() >= 1000.0 {
        secs += 1;
    }
    if secs >= 86_400 {
        days += 1;
        secs = 0;
    }
    let (y, m, d) = if !is_1904 && days == 60 {
        (1900, 2, 29)
    } else {
        // Days from 1970-01-01 (1899-12-31 is serial 0; serials after the phantom 1900-02-29 are one less).
        let epoch = if is_1904 {
            -24_107
        } else if days < 60 {
            -25_568
        } else {
            -25_569
        };
        civil(days + epoch)
    };
    (y, m, d, (secs / 3600) as u32, (secs % 3600 / 60) as u32, (secs % 60) as u32)
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (H. Hinnant, `civil_from_days`).
fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Built-in number formats of Chinese Excel that write dates with 年/月/日 (ECMA-376 18.8.30, zh-CN).
fn chinese_date_id(id: Option<u32>) -> bool {
    matches!(id, Some(27..=29 | 31 | 36 | 50..=58))
}

/// `x` with `decimals` decimals, in groups of three digits when `grouped` (#,##0).
fn number(x: f64, decimals: usize, grouped: bool) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if grouped && i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if x < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// What a cell shows when it is not a plain number: dates, times and durations (typed from the
/// number format in XLSX, XLSB and XLS, from the value type in ODS) and, when the cell's number
/// format is known (XLSX, XLS), a percent or an amount of money. `fmt`: the format code and its
/// built-in id.
pub(crate) fn shown_as(v: &Value, fmt: Option<(&str, Option<u32>)>) -> Option<Shown> {
    let at = |text: String, kind| Some(Shown { col: 0, text, iso: None, kind });
    match v {
        Value::Date { serial, duration: true, .. } => {
            let secs = (serial * 86_400.0).round() as i64;
            at(format!("{}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60), ("时长", "a duration"))
        }
        Value::Date { serial, is_1904, .. } => {
            let (y, m, d, h, mi, s) = excel_ymd_hms(*serial, *is_1904);
            // 月 and 年 are literal text in the format (often quoted: m"月"d"日").
            let code = fmt.map_or("", |f| f.0.split(';').next().unwrap_or(""));
            let clock = if s == 0 { format!("{h}:{mi:02}") } else { format!("{h}:{mi:02}:{s:02}") };
            let iso = format!("{y:04}-{m:02}-{d:02}");
            if *serial < 1.0 {
                return at(clock, ("时间", "a time"));
            }
            let clock = if h == 0 && mi == 0 && s == 0 { String::new() } else { format!(" {clock}") };
            if code.contains('月') || fmt.is_some_and(|f| chinese_date_id(f.1)) {
                // Chinese Excel turns a typed 9.5 into 9月5日: the date in full too, so either form can be found.
                let cn = if code.contains('年') { format!("{y}年{m}月{d}日") } else { format!("{m}月{d}日") };
                return Some(Shown { col: 0, text: format!("{cn}{clock}"), iso: Some(format!("{iso}{clock}")), kind: ("日期", "a date") });
            }
            at(format!("{iso}{clock}"), ("日期", "a date"))
        }
        Value::DateIso(s) => at(s.clone(), ("日期或时间", "a date or time")),
        Value::DurationIso(s) => at(s.clone(), ("时间或时长", "a time or duration")),
        Value::Float(_) | Value::Int(_) => {
            let code = bare_format(fmt?.0);
            let x = match v {
                Value::Float(f) => *f,
                Value::Int(i) => *i as f64,
                _ => return None,
            };
            let decimals = |upto: &str| upto.split_once('.').map_or(0, |(_, frac)| frac.chars().filter(|c| matches!(c, '0' | '#' | '?')).count());
            if let Some(pct) = code.find('%') {
                return at(format!("{:.*}%", decimals(&code[..pct]), x * 100.0), ("百分比", "a percent"));
            }
            let sym = currency(fmt?.0)?;
            at(format!("{sym}{}", number(x, decimals(&code), code.contains(','))), ("金额", "an amount of money"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn excel_serials_give_excels_dates() {
        let d = |s, b| excel_ymd_hms(s, b);
        assert_eq!(d(1.0, false), (1900, 1, 1, 0, 0, 0));
        assert_eq!(d(59.0, false), (1900, 2, 28, 0, 0, 0));
        assert_eq!(d(60.0, false), (1900, 2, 29, 0, 0, 0), "Excel's 1900 leap day");
        assert_eq!(d(61.0, false), (1900, 3, 1, 0, 0, 0));
        assert_eq!(d(45_943.5, false), (2025, 10, 13, 12, 0, 0));
        assert_eq!(d(46_270.395_833_333_336, false), (2026, 9, 5, 9, 30, 0));
        assert_eq!(d(0.0, true), (1904, 1, 1, 0, 0, 0));
        assert_eq!(d(44_479.999_999_999, false), (2021, 10, 11, 0, 0, 0), "rounds to the next midnight");
        assert_eq!(d(2_958_465.0, false), (9999, 12, 31, 0, 0, 0));
    }
}
