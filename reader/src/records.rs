//! CSV records with the physical line each starts on (RFC 4180, own reader).

use super::encoding::Enc;
use super::{MAX_SPAN_BYTES, MAX_SPAN_LINES};
use std::collections::VecDeque;
use std::io::BufRead;

/// One CSV record.
#[derive(Debug, PartialEq)]
pub enum Rec {
    /// The line it starts on and its fields.
    Fields(usize, Vec<String>),
    /// A record that could not be read, at its first line.
    Bad(usize, String),
}

/// An RFC 4180 reader that knows the physical line of every record. A quoted
/// field may span lines; one still open at the end of the file (or after
/// `MAX_SPAN_LINES`) is reported at the line where it opened and the lines
/// after that line are read again as records of their own.
pub struct CsvRecords<R: BufRead> {
    pub(super) r: R,
    pub(super) replay: VecDeque<(usize, Vec<u8>)>,
    pub(super) line: usize,
    pub(super) enc: Enc,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum St {
    Start,
    Plain,
    Quoted,
    QuoteSeen,
}

impl<R: BufRead> CsvRecords<R> {
    /// Reads records from `r`, whose first line is line `first_line`.
    pub fn new(r: R, first_line: usize, enc: Enc) -> Self {
        CsvRecords { r, replay: VecDeque::new(), line: first_line.saturating_sub(1), enc }
    }

    pub(super) fn next_line(&mut self) -> std::io::Result<Option<(usize, Vec<u8>)>> {
        if let Some(l) = self.replay.pop_front() {
            return Ok(Some(l));
        }
        let mut buf = vec![];
        if self.r.read_until(b'\n', &mut buf)? == 0 {
            return Ok(None);
        }
        // A lone CR ends a line too, as in Excel (an old Mac file appended to another):
        // each piece is a line of its own, ending with its CR.
        let body = buf.strip_suffix(b"\r\n").or_else(|| buf.strip_suffix(b"\n")).unwrap_or(&buf);
        if memchr::memchr(b'\r', body).is_some_and(|i| i + 1 < buf.len()) {
            let mut pieces: Vec<Vec<u8>> = vec![];
            let mut at = 0;
            while let Some(i) = memchr::memchr(b'\r', &buf[at..]).map(|i| at + i) {
                if buf.get(i + 1) == Some(&b'\n') {
                    break;
                }
                pieces.push(buf[at..=i].to_vec());
                at = i + 1;
            }
            if at < buf.len() {
                pieces.push(buf[at..].to_vec());
            }
            let mut it = pieces.into_iter();
            let first = it.next().unwrap_or_default();
            self.line += 1;
            let first_line = self.line;
            for p in it {
                self.line += 1;
                self.replay.push_back((self.line, p));
            }
            return Ok(Some((first_line, first)));
        }
        self.line += 1;
        Ok(Some((self.line, buf)))
    }

    /// The next record, `None` at the end.
    pub fn next_rec(&mut self) -> std::io::Result<Option<Rec>> {
        let Some(first) = self.next_line()? else { return Ok(None) };
        let start = first.0;
        let mut span: Vec<(usize, Vec<u8>)> = vec![first];
        let mut span_bytes = 0;
        let mut fields: Vec<Vec<u8>> = vec![];
        let mut cur: Vec<u8> = vec![];
        let mut st = St::Start;
        loop {
            let Some((_, raw)) = span.last() else { return Ok(None) };
            span_bytes += raw.len();
            let (body, term): (&[u8], &[u8]) = if let Some(b) = raw.strip_suffix(b"\r\n") {
                (b, b"\r\n")
            } else if let Some(b) = raw.strip_suffix(b"\n") {
                (b, b"\n")
            } else if let Some(b) = raw.strip_suffix(b"\r") {
                (b, b"\r")
            } else {
                (raw, b"")
            };
            let mut malformed = false;
            let mut too_many = false;
            for &c in body {
                st = match (st, c) {
                    (St::Start, b'"') => St::Quoted,
                    (St::Start | St::Plain, b',') => {
                        fields.push(std::mem::take(&mut cur));
                        if fields.len() >= xianjiao_core::MAX_FIELDS {
                            too_many = true;
                            break;
                        }
                        St::Start
                    }
                    (St::Start | St::Plain, _) => {
                        cur.push(c);
                        St::Plain
                    }
                    (St::Quoted, b'"') => St::QuoteSeen,
                    (St::Quoted, _) => {
                        cur.push(c);
                        St::Quoted
                    }
                    (St::QuoteSeen, b'"') => {
                        cur.push(b'"');
                        St::Quoted
                    }
                    (St::QuoteSeen, b',') => {
                        fields.push(std::mem::take(&mut cur));
                        St::Start
                    }
                    (St::QuoteSeen, _) => {
                        malformed = true;
                        break;
                    }
                };
            }
            if too_many {
                self.requeue(span);
                let n = xianjiao_core::MAX_FIELDS;
                return Ok(Some(Rec::Bad(start, format!("此行超过 {n} 个字段(Excel 的列数上限),未计分 / more than {n} fields"))));
            }
            if malformed {
                let end = span.last().map_or(start, |l| l.0);
                let why = if end == start {
                    "结束引号后紧跟其他字符(应为逗号或行尾),此行未计分 / text after a closing quote".to_string()
                } else {
                    format!(
                        "引号未闭合:本行开始的引号到第 {end} 行才遇到下一个 \",且其后不是逗号或行尾;此行未计分,其后各行照常读取 / unterminated quote"
                    )
                };
                self.requeue(span);
                return Ok(Some(Rec::Bad(start, why)));
            }
            if st != St::Quoted {
                break;
            }
            // Still inside quotes: the field goes on with the next line.
            let at_eof = term.is_empty();
            cur.extend_from_slice(term);
            let too_long = span.len() >= MAX_SPAN_LINES || span_bytes >= MAX_SPAN_BYTES;
            let more = if at_eof || too_long { None } else { self.next_line()? };
            match more {
                Some(l) => span.push(l),
                None => {
                    let why = format!(
                        "引号未闭合(到{}仍没有结束的 \"),此行未计分,其后各行照常读取 / unterminated quote",
                        if too_long { format!(" {MAX_SPAN_LINES} 行内") } else { "文件末尾".into() }
                    );
                    self.requeue(span);
                    return Ok(Some(Rec::Bad(start, why)));
                }
            }
        }
        fields.push(cur);
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            match String::from_utf8(f) {
                Ok(s) => out.push(s),
                Err(_) => return Ok(Some(Rec::Bad(start, self.enc.bad_line()))),
            }
        }
        Ok(Some(Rec::Fields(start, out)))
    }

    /// Lines after the first of a failed record are read again.
    pub(super) fn requeue(&mut self, span: Vec<(usize, Vec<u8>)>) {
        for l in span.into_iter().skip(1).rev() {
            self.replay.push_front(l);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn recs(text: &str) -> Vec<Rec> {
        let mut r = CsvRecords::new(text.as_bytes(), 1, Enc::Utf8 { bom: 0 });
        let mut out = vec![];
        while let Some(x) = r.next_rec().unwrap() {
            out.push(x);
        }
        out
    }

    fn f(line: usize, v: &[&str]) -> Rec {
        Rec::Fields(line, v.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn records_carry_their_physical_line() {
        assert_eq!(recs("a,b\r\n\r\nc,\"d\r\ne\"\r\nf,g"), vec![f(1, &["a", "b"]), f(2, &[""]), f(3, &["c", "d\r\ne"]), f(5, &["f", "g"])]);
        assert_eq!(recs("\"a\"\"b\",c\n"), vec![f(1, &["a\"b", "c"])]);
    }

    #[test]
    fn a_lone_cr_ends_a_line_as_in_excel() {
        assert_eq!(
            recs("a,b\nc,d\re,f\rg,h\r\ni,j\n"),
            vec![f(1, &["a", "b"]), f(2, &["c", "d"]), f(3, &["e", "f"]), f(4, &["g", "h"]), f(5, &["i", "j"])]
        );
        assert_eq!(recs("a,\"x\ry\",b\n"), vec![f(1, &["a", "x\ry", "b"])]);
    }

    #[test]
    fn an_unterminated_quote_is_one_bad_record_and_the_rest_is_read_again() {
        let r = recs("h\n\"a,b\nc,d\ne,f\n");
        assert!(matches!(&r[1], Rec::Bad(2, why) if why.contains("引号未闭合")), "{r:?}");
        assert_eq!(&r[2..], &[f(3, &["c", "d"]), f(4, &["e", "f"])]);
        let r = recs("\"a\"x,b\nc\n");
        assert!(matches!(&r[0], Rec::Bad(1, _)) && r[1] == f(2, &["c"]), "{r:?}");
    }
}
