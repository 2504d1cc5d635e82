//! What calamine does not keep of an XLS (BIFF8): each number cell's number format. calamine
//! reduces every format to date / duration / other, so a percent (95% is the number 0.95), an
//! amount of money (¥9.00) or a Chinese date format (9月5日) cannot be told from its cells.
//! This reads the workbook stream again for the formats only: the compound file's directory
//! and sector chains, then the FORMAT and XF records and, per sheet, the cells' XF indexes
//! (NUMBER, RK, MULRK, FORMULA). Anything it does not understand (BIFF5, a damaged chain) gives
//! no formats, and the cells are read as calamine types them, as before.

use std::collections::HashMap;

/// The number formats of an XLS's number cells, by sheet.
#[derive(Debug, Default)]
pub(crate) struct XlsFormats {
    /// Each XF's number format: its code and built-in id (`None`: General or unknown).
    xf: Vec<Option<(String, u32)>>,
    /// Per sheet (its name), the XF index of each number cell (row, column) with a format worth
    /// showing (a percent, money, a date or a time).
    sheets: Vec<(String, CellXf)>,
}

/// A sheet's number cells (row, column) and their XF index.
type CellXf = HashMap<(u32, u32), u16>;

impl XlsFormats {
    /// A sheet's cells' formats: `(row, column)` → (code, built-in id).
    pub(crate) fn sheet<'s>(&'s self, name: &str) -> impl Fn(u64, u64) -> Option<(&'s str, Option<u32>)> + 's {
        let cells = self.sheets.iter().find(|s| s.0 == name).map(|s| &s.1);
        move |r, c| {
            let xf = *cells?.get(&(u32::try_from(r).ok()?, u32::try_from(c).ok()?))?;
            self.xf.get(usize::from(xf))?.as_ref().map(|(code, id)| (code.as_str(), Some(*id)))
        }
    }
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i.checked_add(2)?)?.try_into().ok()?))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i.checked_add(4)?)?.try_into().ok()?))
}

/// A compound file (MS-CFB) held in memory: its sector size and allocation table.
struct Cfb<'a> {
    b: &'a [u8],
    size: usize,
    fat: Vec<u32>,
}

const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Sector ids from here on are markers (end of chain, free, FAT, DIFAT).
const LAST_SECTOR: u32 = 0xFFFF_FFFA;

impl<'a> Cfb<'a> {
    fn open(b: &'a [u8]) -> Option<Self> {
        if b.get(..8)? != MAGIC {
            return None;
        }
        let size = match u16_at(b, 0x1E)? {
            9 => 512,
            12 => 4096,
            _ => return None,
        };
        // The FAT's sectors: 109 in the header, the rest in the DIFAT chain.
        let mut fat_sectors: Vec<u32> = (0..109).filter_map(|i| u32_at(b, 0x4C + 4 * i)).filter(|&s| s < LAST_SECTOR).collect();
        let mut d = u32_at(b, 0x44)?;
        let per = size / 4 - 1;
        let mut cfb = Cfb { b, size, fat: vec![] };
        for _ in 0..b.len() / size {
            if d >= LAST_SECTOR {
                break;
            }
            let s = cfb.sector(d)?;
            fat_sectors.extend((0..per).filter_map(|i| u32_at(s, 4 * i)).filter(|&s| s < LAST_SECTOR));
            d = u32_at(s, 4 * per)?;
        }
        let mut fat = Vec::with_capacity(fat_sectors.len().min(b.len() / size + 1) * (size / 4));
        for s in fat_sectors.into_iter().take(b.len() / size + 1) {
            let s = cfb.sector(s)?;
            fat.extend((0..size / 4).filter_map(|i| u32_at(s, 4 * i)));
        }
        cfb.fat = fat;
        Some(cfb)
    }

    /// Sector `id` (the last one of the file may be short).
    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(self.size)?;
        let b: &'a [u8] = self.b;
        b.get(start..start.saturating_add(self.size).min(b.len()))
    }

    /// The bytes of a chain of `unit`-byte sectors through `table`, at most `len` of them.
    fn chain(&self, start: u32, len: usize, table: &[u32], unit: usize, at: impl Fn(u32) -> Option<&'a [u8]>) -> Option<Vec<u8>> {
        // No stream is longer than the file: a chain that says so loops.
        let len = len.min(self.b.len());
        let mut out = Vec::with_capacity(len);
        let mut s = start;
        // A chain visits each sector once at most: a loop is a damaged file.
        for _ in 0..=table.len() {
            if s >= LAST_SECTOR || out.len() >= len {
                break;
            }
            let sec = at(s)?;
            out.extend_from_slice(&sec[..unit.min(sec.len())]);
            s = *table.get(s as usize)?;
        }
        out.truncate(len);
        Some(out)
    }

    /// A stream of the root storage by name (“Workbook”), whole.
    fn stream(&self, names: &[&str]) -> Option<Vec<u8>> {
        let b = self.b;
        let dir = self.chain(u32_at(b, 0x30)?, usize::MAX, &self.fat, self.size, |s| self.sector(s))?;
        let entry = |i: usize| dir.get(i * 128..i * 128 + 128);
        let size_of = |e: &[u8]| -> Option<usize> {
            let high = if self.size == 512 { 0 } else { u64::from(u32_at(e, 0x7C)?) };
            usize::try_from(high << 32 | u64::from(u32_at(e, 0x78)?)).ok()
        };
        let root = entry(0)?;
        let found = (1..dir.len() / 128).filter_map(entry).find(|e| {
            let n = u16_at(e, 0x40).map_or(0, |n| usize::from(n) / 2).saturating_sub(1).min(31);
            let name: String = char::decode_utf16((0..n).filter_map(|i| u16_at(e, 2 * i))).map(|c| c.unwrap_or('\u{fffd}')).collect();
            e.get(0x42) == Some(&2) && names.iter().any(|x| name.eq_ignore_ascii_case(x))
        })?;
        let (start, len) = (u32_at(found, 0x74)?, size_of(found)?);
        if len >= u32_at(b, 0x38)? as usize {
            return self.chain(start, len, &self.fat, self.size, |s| self.sector(s));
        }
        // A small stream lives in the mini stream (the root's data), in 64-byte sectors.
        let mini = self.chain(u32_at(root, 0x74)?, size_of(root)?, &self.fat, self.size, |s| self.sector(s))?;
        let minifat_bytes = self.chain(u32_at(b, 0x3C)?, usize::MAX, &self.fat, self.size, |s| self.sector(s))?;
        let minifat: Vec<u32> = (0..minifat_bytes.len() / 4).filter_map(|i| u32_at(&minifat_bytes, 4 * i)).collect();
        let mini = &mini[..];
        self.chain(start, len, &minifat, 64, |s| mini.get((s as usize).checked_mul(64)?..))
    }
}

/// BIFF records from `at`: (type, data), to the end of the stream.
fn records(w: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> + '_ {
    std::iter::from_fn(move || {
        let t = u16_at(w, at)?;
        let n = usize::from(u16_at(w, at + 2)?);
        let data = w.get(at + 4..at + 4 + n)?;
        at += 4 + n;
        Some((t, data))
    })
}

/// An `XLUnicodeString` without its length (`cch` characters from `b[0]`'s flags on).
fn unicode(b: &[u8], cch: usize) -> Option<String> {
    let chars = b.get(1..)?;
    Some(if b.first()? & 1 == 1 {
        char::decode_utf16((0..cch).filter_map(|i| u16_at(chars, 2 * i))).map(|c| c.unwrap_or('\u{fffd}')).collect()
    } else {
        chars.get(..cch.min(chars.len()))?.iter().map(|&c| char::from(c)).collect()
    })
}

/// Built-in number formats Excel writes no FORMAT record for (ECMA-376 18.8.30) that show a value
/// other than a plain number; the dates among them calamine already types.
fn builtin(id: u16) -> Option<&'static str> {
    match id {
        9 => Some("0%"),
        10 => Some("0.00%"),
        14 => Some("mm-dd-yy"),
        20 => Some("h:mm"),
        _ => None,
    }
}

/// The number formats of an XLS (BIFF8) held in memory; empty when they cannot be read.
pub(crate) fn xls_formats(bytes: &[u8]) -> XlsFormats {
    read(bytes).unwrap_or_default()
}

fn read(bytes: &[u8]) -> Option<XlsFormats> {
    let w = Cfb::open(bytes)?.stream(&["Workbook"])?;
    let mut codes: HashMap<u16, String> = HashMap::new();
    let mut xf_fmt: Vec<u16> = vec![];
    let mut sheets: Vec<(String, usize)> = vec![];
    let mut first = true;
    for (t, d) in records(&w, 0) {
        match t {
            // BOF of BIFF8 (version 0x0600) only: BIFF5's strings and records differ.
            0x0809 if first && u16_at(d, 0)? != 0x0600 => return None,
            0x041E => {
                let (id, cch) = (u16_at(d, 0)?, usize::from(u16_at(d, 2)?));
                codes.insert(id, unicode(d.get(4..)?, cch)?);
            }
            0x00E0 => xf_fmt.push(u16_at(d, 2)?),
            0x0085 => {
                let cch = usize::from(*d.get(6)?);
                sheets.push((unicode(d.get(7..)?, cch)?, u32_at(d, 0)? as usize));
            }
            0x000A => break,
            _ => {}
        }
        first = false;
    }
    let xf: Vec<Option<(String, u32)>> =
        xf_fmt.iter().map(|&id| codes.get(&id).map(String::as_str).or_else(|| builtin(id)).map(|c| (c.to_string(), u32::from(id)))).collect();
    let shows = |ixfe: u16| xf.get(usize::from(ixfe)).and_then(|f| f.as_ref()).is_some_and(|(code, _)| worth_showing(code));
    let mut out = XlsFormats { sheets: vec![], xf: vec![] };
    for (name, pos) in sheets {
        let mut cells = HashMap::new();
        let mut depth = 0usize;
        for (t, d) in records(&w, pos) {
            let mut cell = |r: Option<u16>, c: Option<u16>, ixfe: Option<u16>| {
                if let (Some(r), Some(c), Some(x)) = (r, c, ixfe) {
                    if shows(x) {
                        cells.insert((u32::from(r), u32::from(c)), x);
                    }
                }
            };
            match t {
                0x0809 => depth += 1,
                0x000A => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                // NUMBER, RK, FORMULA (a number result or not: its cell's format all the same).
                0x0203 | 0x027E | 0x0006 if depth == 1 => cell(u16_at(d, 0), u16_at(d, 2), u16_at(d, 4)),
                // MULRK: a row's run of RK cells, (XF, RK) each.
                0x00BD if depth == 1 => {
                    let (r, c0) = (u16_at(d, 0), u16_at(d, 2).map_or(0, usize::from));
                    for i in 0..d.len().saturating_sub(6) / 6 {
                        cell(r, u16::try_from(c0 + i).ok(), u16_at(d, 4 + 6 * i));
                    }
                }
                _ => {}
            }
        }
        out.sheets.push((name, cells));
    }
    out.xf = xf;
    Some(out)
}

/// A format under which a number shows as something other than a mark: a percent, money, a date or a time.
fn worth_showing(code: &str) -> bool {
    let bare = super::numfmt::bare_format(code).to_ascii_lowercase();
    bare.contains('%') || super::numfmt::currency(code).is_some() || bare.contains(['y', 'm', 'd', 'h', 's', '年', '月', '日'])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn rec(t: u16, d: &[u8]) -> Vec<u8> {
        let mut v = t.to_le_bytes().to_vec();
        v.extend_from_slice(&(d.len() as u16).to_le_bytes());
        v.extend_from_slice(d);
        v
    }

    /// A BIFF8 workbook stream: one custom format (164, `code`) on XF 1, a sheet “S” with a number in C2 (XF 1) and in D2 (XF 0).
    fn biff(code: &str) -> Vec<u8> {
        let bof = rec(0x0809, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0]);
        let mut fmt = 164u16.to_le_bytes().to_vec();
        fmt.extend_from_slice(&(code.len() as u16).to_le_bytes());
        fmt.push(0);
        fmt.extend_from_slice(code.as_bytes());
        let xf = |ifmt: u16| rec(0x00E0, &[&0u16.to_le_bytes()[..], &ifmt.to_le_bytes(), &[0; 16]].concat());
        let mut globals = [bof.clone(), rec(0x041E, &fmt), xf(0), xf(164)].concat();
        let sheet_rec_len = 4 + 4 + 2 + 2 + 1;
        let pos = (globals.len() + sheet_rec_len + 4) as u32;
        globals.extend(rec(0x0085, &[&pos.to_le_bytes()[..], &[0, 0], &[1, 0], b"S"].concat()));
        globals.extend(rec(0x000A, &[]));
        let number =
            |col: u16, ixfe: u16| rec(0x0203, &[&1u16.to_le_bytes()[..], &col.to_le_bytes(), &ixfe.to_le_bytes(), &0.95f64.to_le_bytes()].concat());
        [globals, bof, number(2, 1), number(3, 0), rec(0x000A, &[])].concat()
    }

    /// A compound file (512-byte sectors) whose only stream “Workbook” is `w`, small enough for the
    /// mini stream (FAT in sector 0, directory in 1, mini FAT in 2, the mini stream from 3 on);
    /// `loop_at`: a FAT entry made to point at itself (a damaged chain).
    fn cfb(w: &[u8], loop_at: Option<usize>) -> Vec<u8> {
        let minis = w.len().div_ceil(64);
        let mut mini = w.to_vec();
        mini.resize(minis * 64, 0);
        let data_sectors = mini.len().div_ceil(512);
        let mut h = vec![0u8; 512];
        h[..8].copy_from_slice(&MAGIC);
        let put = |h: &mut Vec<u8>, at: usize, v: u32| h[at..at + 4].copy_from_slice(&v.to_le_bytes());
        h[0x1A] = 3;
        h[0x1E] = 9;
        h[0x20] = 6;
        put(&mut h, 0x2C, 1);
        put(&mut h, 0x30, 1);
        put(&mut h, 0x38, 4096);
        put(&mut h, 0x3C, 2);
        put(&mut h, 0x40, 1);
        put(&mut h, 0x44, 0xFFFF_FFFE);
        for i in 0..109 {
            put(&mut h, 0x4C + 4 * i, if i == 0 { 0 } else { 0xFFFF_FFFF });
        }
        let mut fat = vec![0xFFFF_FFFDu32, 0xFFFF_FFFE, 0xFFFF_FFFE];
        for i in 0..data_sectors {
            fat.push(if i + 1 == data_sectors { 0xFFFF_FFFE } else { (4 + i) as u32 });
        }
        if let Some(i) = loop_at {
            fat[i] = i as u32;
        }
        fat.resize(128, 0xFFFF_FFFF);
        let entry = |name: &str, kind: u8, start: u32, size: u32| {
            let mut e = vec![0u8; 128];
            let units: Vec<u16> = name.encode_utf16().chain([0]).collect();
            for (i, u) in units.iter().enumerate() {
                e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
            }
            e[0x40..0x42].copy_from_slice(&((units.len() * 2) as u16).to_le_bytes());
            e[0x42] = kind;
            e[0x74..0x78].copy_from_slice(&start.to_le_bytes());
            e[0x78..0x7C].copy_from_slice(&size.to_le_bytes());
            e
        };
        let dir = [entry("Root Entry", 5, 3, mini.len() as u32), entry("Workbook", 2, 0, w.len() as u32), vec![0; 256]].concat();
        let mut minifat: Vec<u32> = (1..=minis as u32).collect();
        minifat[minis - 1] = 0xFFFF_FFFE;
        minifat.resize(128, 0xFFFF_FFFF);
        let words = |v: &[u32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        let mut out = [h, words(&fat), dir, words(&minifat), mini].concat();
        out.resize(512 * (4 + data_sectors), 0);
        out
    }

    #[test]
    fn a_small_workbook_stream_is_read_from_the_mini_stream_with_its_formats() {
        let f = xls_formats(&cfb(&biff("0.0%"), None));
        let s = f.sheet("S");
        assert_eq!(s(1, 2), Some(("0.0%", Some(164))));
        // General (XF 0), a cell without a number, another sheet: no format.
        assert_eq!((s(1, 3), s(0, 0), f.sheet("T")(1, 2)), (None, None, None));
        // A plain number format is not kept.
        assert_eq!(xls_formats(&cfb(&biff("0.00"), None)).sheet("S")(1, 2), None);
    }

    #[test]
    fn a_damaged_compound_file_gives_no_formats_and_stops() {
        // A truncated file, noise: nothing.
        let w = biff("0%");
        for bytes in [cfb(&w, None)[..700].to_vec(), b"not a workbook".to_vec(), vec![0xD0; 4096]] {
            assert_eq!(xls_formats(&bytes).sheet("S")(1, 2), None);
        }
        // A directory chain that loops (its sector pointing at itself) is followed at most once per
        // FAT entry: it ends.
        let _ = xls_formats(&cfb(&w, Some(1)));
        // Cut records: what is whole is read.
        let mut short = w.clone();
        short.truncate(w.len() - 6);
        assert_eq!(xls_formats(&cfb(&short, None)).sheet("S")(1, 2), Some(("0%", Some(164))));
    }

    #[test]
    fn mutated_workbooks_never_panic() {
        // The ODS/XLS fixture's XLS and the mini-stream file, each byte run changed at random (splitmix64).
        let mut x = 1u64;
        let mut next = || {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) as usize
        };
        let seeds = [include_bytes!("../../tests/sheets/shown.xls").to_vec(), cfb(&biff("0%"), None)];
        for i in 0..3000 {
            let mut b = seeds[i % 2].clone();
            for _ in 0..1 + next() % 8 {
                let at = next() % b.len();
                match next() % 3 {
                    0 => b[at] = next() as u8,
                    1 => b[at] = [0x00, 0xFF, 0xFE, 0x7F][next() % 4],
                    _ => b.truncate(at.max(1)),
                }
            }
            let f = xls_formats(&b);
            let _ = (f.sheet("党员互评")(3, 2), f.sheet("S")(1, 2));
        }
    }
}
