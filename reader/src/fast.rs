//! The fast path over quote-free UTF-8 CSV bodies: one pass per line for marks
//! written as plain whole numbers, the general rules ([`add_row`] / [`add_get`],
//! which the record reader also ends in) for any other line, so both paths
//! accept, reject and word messages identically (a differential fuzz target
//! checks it). [`score_bytes`] runs it over bytes in memory; the CLI's
//! parallel file scorer (`cli/src/fastcsv.rs`) feeds [`lines_in`] and
//! [`rows`] from its threads.

use xianjiao_core::{Scorer, SheetAccumulator, SheetRow};

/// Column positions, from the header.
#[derive(Debug, Clone)]
pub struct Cols {
    /// The member's column.
    pub member: usize,
    /// The rater group's column.
    pub group: Option<usize>,
    /// The items' columns, in the form's order.
    pub items: Vec<usize>,
    /// One past the header's last column: text further right rejects the row.
    pub width: usize,
}

/// What a column is for.
#[derive(Clone, Copy, PartialEq)]
pub enum Role {
    /// Not read.
    Skip,
    /// The member.
    Member,
    /// The rater group.
    Group,
    /// The k-th item.
    Item(usize),
}

impl Cols {
    /// What each column up to the last one used is for.
    pub fn roles(&self) -> Vec<Role> {
        let last = self.items.iter().copied().chain([self.member]).chain(self.group).max().unwrap_or(0);
        let mut r = vec![Role::Skip; last + 1];
        r[self.member] = Role::Member;
        if let Some(g) = self.group {
            r[g] = Role::Group;
        }
        for (k, &i) in self.items.iter().enumerate() {
            r[i] = Role::Item(k);
        }
        r
    }
}

/// One pass over a line whose marks are plain whole numbers (no sign, no
/// leading zero, at most 4 digits, no spaces). Returns false, having done
/// nothing, for any other line: `row` then handles it with the general rules,
/// so both paths accept, reject and word messages identically.
#[inline]
fn row_fast(acc: &mut SheetAccumulator, line: usize, raw: &[u8], roles: &[Role], n_items: usize, width: usize) -> bool {
    let mut marks = [0u32; 32];
    if n_items > marks.len() || raw.is_empty() || raw[0].is_ascii_whitespace() {
        return false;
    }
    // A line that is not UTF-8 anywhere (even in a column not used) is rejected by `row`, as the record reader does.
    // Commas never fall inside a multi-byte character, so the line is UTF-8 when every field is:
    // marks are digits, the member and the group are checked by `try_add_fast`, the rest here.
    let utf8 = |b: &[u8]| b.is_ascii() || std::str::from_utf8(b).is_ok();
    let (mut member, mut group): (&[u8], &[u8]) = (b"", b"");
    let mut pos = 0;
    for (col, role) in roles.iter().enumerate() {
        if col > 0 {
            if pos >= raw.len() {
                return false;
            }
            pos += 1; // the comma
        }
        match *role {
            Role::Item(k) => {
                // 1 to 4 digits, no leading zero (a lone 0 is fine), then a comma or the end.
                let Some(&first) = raw.get(pos) else { return false };
                let d = first.wrapping_sub(b'0');
                if d > 9 {
                    return false;
                }
                let (mut n, mut at) = (d as u32, pos + 1);
                if d != 0 {
                    while at < raw.len() && at < pos + 4 {
                        let d = raw[at].wrapping_sub(b'0');
                        if d > 9 {
                            break;
                        }
                        n = n * 10 + d as u32;
                        at += 1;
                    }
                }
                // A fifth digit, a digit after a leading 0, or anything but a comma: the general path.
                if at < raw.len() && raw[at] != b',' {
                    return false;
                }
                marks[k] = n;
                pos = at;
            }
            _ => {
                let end = comma(raw, pos);
                match *role {
                    Role::Member => member = &raw[pos..end],
                    Role::Group => group = &raw[pos..end],
                    _ => {
                        if !utf8(&raw[pos..end]) {
                            return false;
                        }
                    }
                }
                pos = end;
            }
        }
    }
    if pos < raw.len() && !utf8(&raw[pos..]) {
        return false;
    }
    // Fields after the last one read: any text beyond the header's width is rejected by the general path.
    let mut col = roles.len();
    while pos < raw.len() {
        pos += 1;
        let end = comma(raw, pos);
        if col >= width && raw[pos..end].iter().any(|b| !b.is_ascii_whitespace()) {
            return false;
        }
        col += 1;
        pos = end;
    }
    acc.try_add_fast(line, member, group, &marks[..n_items])
}

/// The first comma at or after `from` (or the end): eight bytes at a time,
/// since the fields searched (names, groups) are short.
#[inline]
fn comma(s: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut p = from;
    while let Some(w) = s.get(p..p + 8) {
        let t = u64::from_le_bytes(w.try_into().unwrap_or([0; 8])) ^ (ONES * b',' as u64);
        // The lowest byte flagged is exactly the first zero byte of `t` (the first comma).
        let m = t.wrapping_sub(ONES) & !t & (ONES << 7);
        if m != 0 {
            return p + (m.trailing_zeros() / 8) as usize;
        }
        p += 8;
    }
    while p < s.len() && s[p] != b',' {
        p += 1;
    }
    p
}

/// Feeds every complete line of `bytes` (which ends with a newline) to the accumulator.
pub fn lines_in(acc: &mut SheetAccumulator, lines: &mut usize, bytes: &[u8], cols: &Cols, roles: &[Role]) {
    let mut at = 0;
    for nl in memchr::memchr_iter(b'\n', bytes) {
        let l = &bytes[at..nl];
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        // A lone CR ends a line too, as in Excel (an old Mac file appended to another).
        for l in l.split(|&b| b == b'\r') {
            *lines += 1;
            if !row_fast(acc, *lines, l, roles, cols.items.len(), cols.width) {
                row(acc, *lines, l, cols);
            }
        }
        at = nl + 1;
    }
}

/// A line cut from a block edge (the carry) or the last line: lone CRs split it as in [`lines_in`].
pub fn rows(acc: &mut SheetAccumulator, lines: &mut usize, raw: &[u8], cols: &Cols) {
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    for l in raw.split(|&b| b == b'\r') {
        *lines += 1;
        row(acc, *lines, l, cols);
    }
}

fn row(acc: &mut SheetAccumulator, line: usize, raw: &[u8], cols: &Cols) {
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    // Validate the line once; fields are then sub-slices split at ASCII commas,
    // which never fall inside a multi-byte character.
    let Ok(text) = std::str::from_utf8(raw) else {
        acc.reject(line, None, "不是 UTF-8 文本 / not UTF-8 text".into());
        return;
    };
    if memchr::memchr_iter(b',', raw).count() >= xianjiao_core::MAX_FIELDS {
        acc.reject(
            line,
            None,
            format!("此行超过 {} 个字段(Excel 的列数上限),不像测评表 / more than {} fields", xianjiao_core::MAX_FIELDS, xianjiao_core::MAX_FIELDS),
        );
        return;
    }
    let fields: Vec<&str> = text.split(',').collect();
    add_row(acc, line, &fields, cols);
}

/// One CSV record, from either path: blank records (every field empty or
/// white space) are skipped, anything else is scored or rejected. Both the
/// fast path and the record reader in `input.rs` end here, so they agree.
pub fn add_row(acc: &mut SheetAccumulator, line: usize, fields: &[&str], cols: &Cols) {
    if fields.iter().all(|f| f.trim().is_empty()) {
        return;
    }
    let extra = fields.iter().enumerate().skip(cols.width).find(|(_, f)| !f.trim().is_empty()).map(|(i, f)| (i, *f));
    add_get(
        acc,
        line,
        |i| fields.get(i).copied(),
        &Pick { member: cols.member, group: cols.group, items: &cols.items, total: None, id: None, group_name: None },
        extra,
    );
}

/// The columns of a row a sheet's header names.
pub struct Pick<'c> {
    /// The member's column.
    pub member: usize,
    /// The rater group's column.
    pub group: Option<usize>,
    /// The items' columns.
    pub items: &'c [usize],
    /// The 合计 column.
    pub total: Option<usize>,
    /// The 编号 (key) column.
    pub id: Option<usize>,
    /// The rater group of every row, when the sheet's (or file's) name gives it and no column does.
    pub group_name: Option<&'c str>,
}

/// Scores or rejects one row given a way to get its fields by column.
pub fn add_get<'s>(acc: &mut SheetAccumulator, line: usize, get: impl Fn(usize) -> Option<&'s str>, p: &Pick, extra: Option<(usize, &'s str)>) {
    let Pick { member, group, items, total, id, group_name } = *p;
    let mut buf: [Option<&str>; 64] = [None; 64];
    let mut heap: Vec<Option<&str>> = vec![];
    let vals: &mut [Option<&str>] = if items.len() <= buf.len() {
        &mut buf[..items.len()]
    } else {
        heap.resize(items.len(), None);
        &mut heap
    };
    for (k, &i) in items.iter().enumerate() {
        vals[k] = get(i);
    }
    for v in vals.iter_mut() {
        if v.is_some_and(|v| v.len() > xianjiao_core::MAX_CELL_BYTES) {
            return acc.reject(line, None, format!("有单元格超过 {} KB,不像测评表 / a cell longer than 64 KB", xianjiao_core::MAX_CELL_BYTES >> 10));
        }
    }
    let row = SheetRow {
        member: get(member).unwrap_or(""),
        id: id.and_then(&get),
        group: group.and_then(&get).or(group_name).unwrap_or(""),
        values: &*vals,
        total: total.and_then(&get),
        extra,
    };
    acc.add_row(line, &row);
}

/// The same path over bytes in memory, on one thread (decoded files, the
/// fuzzer, tests). `body` starts after the header line. `None` when it holds a quote.
pub fn score_bytes(body: &[u8], first: usize, cols: &Cols, sc: &mut Scorer) -> Option<usize> {
    if memchr::memchr(b'"', body).is_some() {
        return None;
    }
    let mut acc = sc.fresh();
    let roles = cols.roles();
    let mut lines = 0;
    let end = memchr::memrchr(b'\n', body).map_or(0, |i| i + 1);
    lines_in(&mut acc, &mut lines, &body[..end], cols, &roles);
    if end < body.len() {
        rows(&mut acc, &mut lines, &body[end..], cols);
    }
    sc.absorb(acc, first);
    Some(first + lines)
}
