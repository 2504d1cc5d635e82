//! The text encoding of a CSV: detected from its first bytes, decoded to UTF-8.

use super::{RESAVE, RESAVE_EN};

/// The text encoding of a CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enc {
    /// UTF-8 (`bom`: bytes of a UTF-8 BOM to skip).
    Utf8 {
        /// Bytes of the BOM (0 or 3).
        bom: usize,
    },
    /// UTF-16 little-endian, with BOM.
    Utf16Le,
    /// UTF-16 big-endian, with BOM.
    Utf16Be,
    /// GB18030 (a superset of GBK and GB2312).
    Gb18030,
}

impl Enc {
    /// The name shown in notes.
    pub fn label(self) -> &'static str {
        match self {
            Enc::Utf8 { bom: 0 } => "UTF-8",
            Enc::Utf8 { .. } => "UTF-8 BOM",
            Enc::Utf16Le => "UTF-16LE",
            Enc::Utf16Be => "UTF-16BE",
            Enc::Gb18030 => "GB18030",
        }
    }
    /// Why a line that does not decode is rejected.
    pub fn bad_line(self) -> String {
        match self {
            Enc::Utf8 { .. } => "不是 UTF-8 文本 / not UTF-8 text".into(),
            e => format!("此行不是有效的 {0} 文本 / not valid {0} text", e.label()),
        }
    }
}

/// No encoding fits (`why`: what it looks like).
pub fn cannot_decode(why: &str) -> String {
    format!("无法识别文件编码{why}(已尝试 UTF-8、带 BOM 的 UTF-16 LE/BE、GB18030/GBK)。{RESAVE} / cannot decode the file (tried UTF-8, UTF-16 LE/BE with BOM, GB18030/GBK); {RESAVE_EN}")
}

/// UTF-16 without its BOM, or `None` when it is not UTF-16 (an odd length, a lone surrogate):
/// nothing is replaced.
fn utf16(body: &[u8], le: bool) -> Option<String> {
    if !body.len().is_multiple_of(2) {
        return None;
    }
    let units = body.chunks_exact(2).map(|u| if le { u16::from_le_bytes([u[0], u[1]]) } else { u16::from_be_bytes([u[0], u[1]]) });
    char::decode_utf16(units).collect::<Result<String, _>>().ok()
}

/// GB18030 text (WHATWG Encoding Standard), or `None` when the bytes are not GB18030: nothing
/// is replaced. Natively encoding_rs; in a browser the page's own `TextDecoder`, installed by
/// the wasm adapter ([`set_gb18030`]).
pub(crate) fn gb18030(b: &[u8]) -> Option<String> {
    #[cfg(not(target_arch = "wasm32"))]
    return encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(b).map(std::borrow::Cow::into_owned);
    #[cfg(target_arch = "wasm32")]
    return GB18030.get().and_then(|f| f(b));
}

#[cfg(target_arch = "wasm32")]
type Decoder = fn(&[u8]) -> Option<String>;
#[cfg(target_arch = "wasm32")]
static GB18030: std::sync::OnceLock<Decoder> = std::sync::OnceLock::new();

/// The GB18030 decoder of a wasm build (the browser's `TextDecoder('gb18030', {fatal: true})`):
/// without one, a GBK file is refused as undecodable.
#[cfg(target_arch = "wasm32")]
pub fn set_gb18030(f: Decoder) {
    let _ = GB18030.set(f);
}

/// Detects the encoding from the first bytes of a file (`complete`: the whole file).
pub fn sniff(sample: &[u8], complete: bool) -> Result<Enc, String> {
    if sample.starts_with(&[0xef, 0xbb, 0xbf]) {
        return Ok(Enc::Utf8 { bom: 3 });
    }
    if sample.starts_with(&[0xff, 0xfe]) {
        return Ok(Enc::Utf16Le);
    }
    if sample.starts_with(&[0xfe, 0xff]) {
        return Ok(Enc::Utf16Be);
    }
    if sample.starts_with(b"PK\x03\x04") {
        return Err("这是 XLSX/ZIP 格式的文件,请使用 .xlsx 扩展名 / this is an XLSX (zip) file: name it .xlsx".into());
    }
    let nul = sample.iter().filter(|&&b| b == 0).count();
    if sample.len() >= 8 && nul * 4 >= sample.len() {
        return Err(cannot_decode(":像是没有 BOM 的 UTF-16 或二进制文件"));
    }
    let mut lines: Vec<&[u8]> = sample.split(|&b| b == b'\n').collect();
    if !complete && lines.len() > 1 {
        lines.pop();
    }
    let (mut ascii, mut na_ok, mut bad, mut gb_rescued) = (0usize, 0usize, 0usize, 0usize);
    for l in &lines {
        if l.is_ascii() {
            ascii += 1;
            continue;
        }
        if std::str::from_utf8(l).is_ok() {
            na_ok += 1;
            continue;
        }
        bad += 1;
        if gb18030(l).is_some() {
            gb_rescued += 1;
        }
    }
    let total = ascii + na_ok + bad;
    if bad == 0 {
        return Ok(Enc::Utf8 { bom: 0 });
    }
    if na_ok == 0 && gb_rescued == bad {
        return Ok(Enc::Gb18030);
    }
    if gb_rescued > na_ok && gb_rescued * 2 >= bad {
        return Ok(Enc::Gb18030);
    }
    if (ascii + na_ok) * 2 > total {
        return Ok(Enc::Utf8 { bom: 0 });
    }
    Err(cannot_decode(""))
}

/// A whole text file (a rule file, a draft) as Notepad may save it: UTF-8
/// with or without a BOM, UTF-16 with a BOM, or GB18030/GBK; `None` when no
/// encoding fits (the caller then says where the UTF-8 breaks).
pub fn text_file(bytes: &[u8]) -> Option<String> {
    let enc = sniff(bytes, true).ok()?;
    let text = decode(bytes, enc).ok()?;
    String::from_utf8(text).ok()
}

/// The whole file as UTF-8 bytes (GB18030 line by line: a line that does not
/// decode is passed through as is, and rejected as not valid text later).
pub(super) fn decode(bytes: &[u8], enc: Enc) -> Result<Vec<u8>, String> {
    let utf16 = |le: bool| {
        let name = if le { "UTF-16LE" } else { "UTF-16BE" };
        utf16(bytes.get(2..).unwrap_or_default(), le)
            .map(String::into_bytes)
            .ok_or_else(|| format!("文件以 {name} 的 BOM 开头,但其中有无法解码的字节。{RESAVE} / invalid {name} data; {RESAVE_EN}"))
    };
    let mut out = match enc {
        Enc::Utf8 { bom } => bytes.get(bom..).unwrap_or_default().to_vec(),
        Enc::Utf16Le => utf16(true)?,
        Enc::Utf16Be => utf16(false)?,
        Enc::Gb18030 => {
            let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 2);
            for line in bytes.split_inclusive(|&b| b == b'\n') {
                match gb18030(line) {
                    Some(s) => out.extend_from_slice(s.as_bytes()),
                    None => out.extend_from_slice(line),
                }
            }
            out
        }
    };
    // A UTF-16 file may carry a UTF-8-style BOM character after decoding.
    if out.starts_with("\u{feff}".as_bytes()) {
        out.drain(..3);
    }
    cr_only(&mut out);
    Ok(out)
}

/// Old Mac line ends (CR alone, no LF anywhere) become LF.
pub(super) fn cr_only(b: &mut [u8]) {
    if memchr::memchr(b'\n', b).is_none() && memchr::memchr(b'\r', b).is_some() {
        for c in b.iter_mut() {
            if *c == b'\r' {
                *c = b'\n';
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn encodings_are_told_apart() {
        let t = "member,rater_group\n张三,党员互评\n李四,群众参评\n";
        assert_eq!(sniff(t.as_bytes(), true), Ok(Enc::Utf8 { bom: 0 }));
        assert_eq!(sniff(&encoding_rs::GBK.encode(t).0, true), Ok(Enc::Gb18030));
        assert_eq!(sniff(&[&[0xef, 0xbb, 0xbf][..], t.as_bytes()].concat(), true), Ok(Enc::Utf8 { bom: 3 }));
        assert_eq!(sniff(&[0xff, 0xfe, b'a', 0], true), Ok(Enc::Utf16Le));
        assert_eq!(sniff(&[0xfe, 0xff, 0, b'a'], true), Ok(Enc::Utf16Be));
        // UTF-8 with one broken line stays UTF-8 (that line is rejected, not the file).
        let mut b = t.as_bytes().to_vec();
        b.extend_from_slice(b"\xff\xfe\xfd,x\n");
        assert_eq!(sniff(&b, true), Ok(Enc::Utf8 { bom: 0 }));
        assert!(sniff(b"PK\x03\x04....", true).is_err());
    }
}
