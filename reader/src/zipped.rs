//! Zipped workbooks (XLSX, XLSM, and the parts of XLSB and ODS): the zip's
//! central directory read here, each part inflated by miniz_oxide under a cap.
//! The office page's first download has no other unzipper (the `zip` crate and
//! zlib-rs weigh 75 KB gzip there; this and miniz_oxide's inflater, about 10 KB).

use miniz_oxide::inflate::core::{decompress, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

/// Inflated size any part of a workbook may reach regardless of how well it compressed.
const PART_FLOOR: u64 = 64 << 20;
/// Beyond [`PART_FLOOR`], how many times its compressed size a part may inflate to:
/// XML compresses 10 to 30 times; a zip bomb, thousands.
const PART_RATIO: u64 = 100;
/// No part is read beyond this, whatever its ratio.
const PART_MAX: u64 = 1 << 30;
/// Parts a workbook may have: a workbook has dozens; the directory of a damaged or
/// hostile file could claim millions.
const MAX_PARTS: usize = 100_000;

const DAMAGED: &str = "表格文件已损坏 / damaged workbook";

/// One part of the zip, as its central directory describes it.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub name: String,
    method: u16,
    packed: u64,
    size: u64,
    header: u64,
}

/// A zip held in memory: its parts, found through the central directory.
pub(crate) struct Zip<'a> {
    bytes: &'a [u8],
    pub parts: Vec<Part>,
}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 2).map(|x| u64::from(u16::from_le_bytes([x[0], x[1]])))
}
fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 4).map(|x| u64::from(u32::from_le_bytes([x[0], x[1], x[2], x[3]])))
}
fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 8).and_then(|x| x.try_into().ok()).map(u64::from_le_bytes)
}
/// A damaged workbook, and what is damaged (for every zipped format's parts).
pub(crate) fn damaged(what: impl std::fmt::Display) -> String {
    format!("{DAMAGED}: {what}")
}

impl<'a> Zip<'a> {
    /// The zip's directory; `None` when the bytes are not a zip at all (an XLS, a renamed CSV).
    pub fn open(bytes: &'a [u8]) -> Result<Option<Self>, String> {
        const EOCD: &[u8] = b"PK\x05\x06";
        if bytes.len() < 22 {
            return if bytes.starts_with(b"PK") { Err(damaged("zip 目录缺失 / no zip directory")) } else { Ok(None) };
        }
        // The end record: 22 bytes plus a comment of up to 65,535, at the end.
        let low = bytes.len().saturating_sub(22 + 0xFFFF);
        let Some(end) = (low..=bytes.len() - 22).rev().find(|&i| bytes[i..].starts_with(EOCD)) else {
            return if bytes.starts_with(b"PK\x03\x04") { Err(damaged("zip 目录缺失 / no zip directory")) } else { Ok(None) };
        };
        let bad = || damaged("zip 目录无效 / invalid zip directory");
        let (mut count, mut size, mut offset) =
            (u16_at(bytes, end + 10).ok_or_else(bad)?, u32_at(bytes, end + 12).ok_or_else(bad)?, u32_at(bytes, end + 16).ok_or_else(bad)?);
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            // Zip64: the locator just before the end record points at the zip64 end record.
            let loc = end.checked_sub(20).filter(|&l| bytes[l..].starts_with(b"PK\x06\x07")).ok_or_else(bad)?;
            let at = usize::try_from(u64_at(bytes, loc + 8).ok_or_else(bad)?).map_err(|_| bad())?;
            if !bytes.get(at..).is_some_and(|b| b.starts_with(b"PK\x06\x06")) {
                return Err(bad());
            }
            (count, size, offset) =
                (u64_at(bytes, at + 32).ok_or_else(bad)?, u64_at(bytes, at + 40).ok_or_else(bad)?, u64_at(bytes, at + 48).ok_or_else(bad)?);
        }
        if count > MAX_PARTS as u64 {
            return Err(damaged(format!("zip 目录声明了 {count} 个部件(上限 {MAX_PARTS})/ too many parts")));
        }
        let start = usize::try_from(offset).map_err(|_| bad())?;
        let dir = bytes.get(start..start.saturating_add(usize::try_from(size).map_err(|_| bad())?)).ok_or_else(bad)?;
        let mut parts = Vec::with_capacity(count as usize);
        let mut at = 0usize;
        for _ in 0..count {
            let e = dir.get(at..).filter(|e| e.starts_with(b"PK\x01\x02") && e.len() >= 46).ok_or_else(bad)?;
            let flags = u16_at(e, 8).ok_or_else(bad)?;
            let method = u16_at(e, 10).ok_or_else(bad)? as u16;
            let (mut packed, mut size) = (u32_at(e, 20).ok_or_else(bad)?, u32_at(e, 24).ok_or_else(bad)?);
            let (n, x, c) =
                (u16_at(e, 28).ok_or_else(bad)? as usize, u16_at(e, 30).ok_or_else(bad)? as usize, u16_at(e, 32).ok_or_else(bad)? as usize);
            let mut header = u32_at(e, 42).ok_or_else(bad)?;
            let name = String::from_utf8_lossy(e.get(46..46 + n).ok_or_else(bad)?).into_owned();
            // Zip64 sizes and offset, in this order, for the fields that say 0xFFFFFFFF.
            let mut extra = e.get(46 + n..46 + n + x).ok_or_else(bad)?;
            while extra.len() >= 4 {
                let (id, len) = (u16_at(extra, 0).unwrap_or(0), u16_at(extra, 2).unwrap_or(0) as usize);
                let body = extra.get(4..4 + len).ok_or_else(bad)?;
                if id == 1 {
                    let mut k = 0;
                    for v in [&mut size, &mut packed, &mut header] {
                        if *v == 0xFFFF_FFFF {
                            *v = u64_at(body, k).ok_or_else(bad)?;
                            k += 8;
                        }
                    }
                }
                extra = &extra[4 + len..];
            }
            if flags & 1 != 0 {
                return Err(format!("表格文件已加密(“{name}”),请在 Excel 中取消密码保护后另存 / the workbook is encrypted: remove its password"));
            }
            parts.push(Part { name, method, packed, size, header });
            at += 46 + n + x + c;
        }
        Ok(Some(Zip { bytes, parts }))
    }

    /// A part by name (exact, else ignoring ASCII case, as Excel does).
    pub fn find(&self, name: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.name == name).or_else(|| self.parts.iter().find(|p| p.name.eq_ignore_ascii_case(name)))
    }

    /// The part's compressed bytes.
    fn data(&self, p: &Part) -> Result<&'a [u8], String> {
        let bad = || damaged(format!("“{}”的位置无效 / invalid part offset", p.name));
        let h = usize::try_from(p.header).map_err(|_| bad())?;
        let l = self.bytes.get(h..).filter(|l| l.starts_with(b"PK\x03\x04")).ok_or_else(bad)?;
        let skip = 30 + u16_at(l, 26).ok_or_else(bad)? as usize + u16_at(l, 28).ok_or_else(bad)? as usize;
        let len = usize::try_from(p.packed).map_err(|_| bad())?;
        l.get(skip..skip.checked_add(len).ok_or_else(bad)?).ok_or_else(bad)
    }

    /// The cap of a part's inflated size, and the message when it is passed.
    fn cap(p: &Part) -> u64 {
        PART_FLOOR.max(p.packed.saturating_mul(PART_RATIO)).min(PART_MAX)
    }

    fn too_big(p: &Part) -> String {
        let n = Self::cap(p);
        format!(
            "表格中的“{}”解压后超过 {} MB(压缩前 {} KB),可能是恶意或已损坏的文件,已拒绝读取;请在 Excel 中另存为新的 XLSX 或 CSV 后重试 / a part of the workbook inflates beyond {} MB: refused",
            p.name,
            n >> 20,
            p.packed >> 10,
            n >> 20
        )
    }

    /// Inflates a part into `out` (`Some`) or into nothing, counting (`None`), and refuses it as
    /// soon as it outgrows its cap; the size the directory declares is checked first, not trusted.
    fn inflate(&self, p: &Part, mut out: Option<&mut Vec<u8>>) -> Result<u64, String> {
        let cap = Self::cap(p);
        if p.size > cap {
            return Err(Self::too_big(p));
        }
        let data = self.data(p)?;
        match p.method {
            0 => {
                if data.len() as u64 > cap {
                    return Err(Self::too_big(p));
                }
                if let Some(o) = out {
                    o.extend_from_slice(data);
                }
                Ok(data.len() as u64)
            }
            8 => {
                // A 64 KB window, reused: the output is copied out (or dropped) as it comes.
                let mut r = DecompressorOxide::new();
                let mut buf = vec![0u8; 1 << 16];
                let (mut at, mut pos, mut total) = (0usize, 0usize, 0u64);
                loop {
                    let (status, read, wrote) = decompress(&mut r, &data[at..], &mut buf, pos, 0);
                    at += read;
                    total += wrote as u64;
                    if total > cap {
                        return Err(Self::too_big(p));
                    }
                    if let Some(o) = out.as_deref_mut() {
                        o.extend_from_slice(&buf[pos..pos + wrote]);
                    }
                    pos = (pos + wrote) & (buf.len() - 1);
                    match status {
                        TINFLStatus::Done => return Ok(total),
                        TINFLStatus::HasMoreOutput => continue,
                        TINFLStatus::NeedsMoreInput if wrote > 0 || read > 0 => continue,
                        _ => return Err(damaged(format!("“{}”无法解压 / cannot inflate", p.name))),
                    }
                }
            }
            m => Err(format!("表格中的“{}”使用了不支持的压缩方式 {m},请在 Excel 中另存为 XLSX 后重试 / unsupported compression method", p.name)),
        }
    }

    /// A part's bytes, inflated under its cap.
    pub fn read(&self, p: &Part) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(usize::try_from(p.size.min(64 << 20)).unwrap_or(0));
        self.inflate(p, Some(&mut out))?;
        Ok(out)
    }

    /// Every part inflated into nothing: a zip bomb is refused before a parser sees it.
    pub fn check(&self) -> Result<(), String> {
        for p in &self.parts {
            self.inflate(p, None)?;
        }
        Ok(())
    }
}

/// Checks every part of a zipped workbook (XLSB, ODS) before calamine inflates it: each is
/// inflated into nothing, counting, and refused as soon as it outgrows its cap, so a 1 MB
/// file that inflates to 1 GB costs a fraction of a second and no memory. Not a zip (XLS): Ok.
pub fn check_parts(bytes: &[u8]) -> Result<(), String> {
    match Zip::open(bytes)? {
        Some(z) => z.check(),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::io::Write;

    fn zipped(files: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opt = zip::write::SimpleFileOptions::default().compression_method(method);
        for (n, t) in files {
            w.start_file(*n, opt).unwrap();
            w.write_all(t).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn parts_read_back_as_written_stored_or_deflated() {
        let big: Vec<u8> = (0..300_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        for m in [zip::CompressionMethod::Stored, zip::CompressionMethod::Deflated] {
            let z = zipped(&[("a.xml", b"<a/>"), ("xl/Big.bin", &big)], m);
            let zip = Zip::open(&z).unwrap().unwrap();
            assert_eq!(zip.read(zip.find("a.xml").unwrap()).unwrap(), b"<a/>");
            assert_eq!(zip.read(zip.find("xl/big.bin").unwrap()).unwrap(), big, "{m:?}");
            zip.check().unwrap();
        }
    }

    #[test]
    fn not_a_zip_truncated_and_lying_directories() {
        assert!(Zip::open(b"name,score\n").unwrap().is_none());
        let z = zipped(&[("a.xml", &[b'x'; 5000])], zip::CompressionMethod::Deflated);
        assert!(Zip::open(&z[..z.len() - 30]).is_err(), "the end record cut off");
        // A directory that points past the file.
        let mut bad = z.clone();
        let end = bad.len() - 22;
        bad[end + 16..end + 20].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(Zip::open(&bad).is_err());
        // Deflated data cut short.
        let zip = Zip::open(&z).unwrap().unwrap();
        let p = zip.parts[0].clone();
        let cut = Part { packed: p.packed / 2, ..p };
        assert!(zip.read(&cut).is_err());
    }
}
