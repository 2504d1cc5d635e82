//! Files on disk into the one sheet reader (`xianjiao-reader`, which holds the
//! encodings, CSV records, header search, workbooks, copies and name clashes):
//! what is left here is what only the command line does with a path: workbooks
//! opened by path, a large UTF-8 CSV streamed (on every core when it holds no
//! quote) with a progress bar on a terminal, a byte digest streamed from the
//! file, and the reader's notes printed on stderr.

pub use xianjiao_reader::{
    csv_bytes, sniff, text_file, with_sources, Cells, CsvRecords, Enc, Field, Found, Inputs, PlainRows, Problem, Rec, Refused, Resolve, Route,
    SourceInfo, Target, Want,
};

use crate::error::CliError;
use crate::fastcsv;
use std::io::{Read, Seek};
use std::path::Path;
use xianjiao_reader::csv::{fast_done, fast_plan, records, target_want_score};
use xianjiao_reader::{cannot_decode, is_sheet, SAMPLE};

/// A progress bar on stderr for large files, only when stderr is a terminal.
fn progress(path: &Path) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if len < 16 << 20 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} 剩余 {eta}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("计分 scoring");
    Some(bar)
}

/// Reads one file (CSV, or every fitting sheet of a workbook) into `target`.
pub fn read_file(path: &Path, target: &mut Target, inputs: &mut Inputs) -> Result<(), CliError> {
    read_file_quiet(path, target, inputs).map_err(|m| CliError::file(path, m))
}

/// [`read_file`] returning the message instead of printing it.
pub fn read_file_quiet(path: &Path, target: &mut Target, inputs: &mut Inputs) -> Result<(), String> {
    let name = path.display().to_string();
    if is_sheet(&name) {
        let open = || std::fs::File::open(path).map(std::io::BufReader::new).map_err(|e| format!("无法读取 / cannot read: {e}"));
        xianjiao_reader::read_workbook(&name, open, target, inputs)
    } else {
        let bar = if matches!(target, Target::Score(_)) { progress(path) } else { None };
        let r = csv_file(path, target, inputs, bar.as_ref());
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        r
    }
}

/// Reads files into one target: filled forms into the scorer, votes into the
/// counter, or a plain table (decisions, test figures, profiles). The same
/// data read twice (a file given twice, a copied sheet) is refused, and so is
/// one name that seems to be two people; notes on the sources go to stderr.
pub fn read_all<P: AsRef<Path>>(paths: &[P], mut target: Target) -> Result<Inputs, CliError> {
    let mut inputs = Inputs::default();
    for p in paths {
        let p = p.as_ref();
        let m = xianjiao_reader::begin_file(&mut target, &inputs);
        read_file(p, &mut target, &mut inputs)?;
        xianjiao_reader::end_file(m, &p.display().to_string(), &target, &mut inputs, paths.len() > 1, || file_digest(p))
            .map_err(|e| CliError::file(p, e))?;
    }
    let notes = xianjiao_reader::finish(&mut target, &inputs).map_err(|e| match (paths, &target, &e) {
        // Votes and plain tables come from one file, named first (the sheets' message names its files).
        ([one], Target::Votes(_) | Target::Plain(_), Refused::Copies(m)) => CliError::file(one.as_ref(), m),
        _ => CliError::usage(e.message()),
    })?;
    for n in notes {
        eprintln!("{n}");
    }
    Ok(inputs)
}

/// A hash of a file's bytes, streamed (the reader's [`xianjiao_reader::bytes_digest`] over a file).
fn file_digest(p: &Path) -> Result<u64, String> {
    use std::hash::Hasher;
    let mut f = std::fs::File::open(p).map_err(|e| format!("无法读取 / cannot read: {e}"))?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(|e| format!("无法读取 / cannot read: {e}"))?;
        if n == 0 {
            break;
        }
        h.write(&buf[..n]);
    }
    Ok(h.finish())
}

/// Reads a CSV file: streamed when it is UTF-8 (on every core when it holds no
/// quote), decoded in memory otherwise.
fn csv_file(path: &Path, target: &mut Target, inputs: &mut Inputs, bar: Option<&indicatif::ProgressBar>) -> Result<(), String> {
    let cant = |e: std::io::Error| format!("无法读取 / cannot read: {e}");
    let mut f = std::fs::File::open(path).map_err(cant)?;
    let len = f.metadata().map_err(cant)?.len();
    let mut sample = vec![];
    (&mut f).take(SAMPLE as u64).read_to_end(&mut sample).map_err(cant)?;
    let complete = sample.len() as u64 >= len;
    let enc = sniff(&sample, complete)?;
    let cr_file = memchr::memchr(b'\n', &sample).is_none() && memchr::memchr(b'\r', &sample).is_some();
    let name = path.display().to_string();
    if enc != (Enc::Utf8 { bom: 0 }) && enc != (Enc::Utf8 { bom: 3 }) || cr_file {
        let bytes = std::fs::read(path).map_err(cant)?;
        return csv_bytes(&name, &bytes, target, inputs, Route::Auto);
    }
    let Enc::Utf8 { bom } = enc else { return Err(cannot_decode("")) };
    let mut info = inputs.begin(&name, None);
    info.encoding = Some(enc.label());
    let base = info.offset;
    if let Target::Score(sc) = &mut *target {
        let want = target_want_score(sc, &name);
        let plan = fast_plan(&sample[bom..], &want, &|h| sc.item_index(h));
        if let Some(plan) = plan {
            match fastcsv::score(path, (bom + plan.body_start) as u64, base + plan.header_line, &plan.cols, sc, bar) {
                Ok(Some(lines)) => {
                    fast_done(inputs, info, plan, lines);
                    return Ok(());
                }
                Ok(None) => {
                    if let Some(b) = bar {
                        b.set_position(0);
                    }
                }
                Err(e) => return Err(cant(e)),
            }
        }
    }
    f.seek(std::io::SeekFrom::Start(bom as u64)).map_err(cant)?;
    let reader = std::io::BufReader::with_capacity(1 << 16, ProgressRead { f, bar, n: 0 });
    records(reader, enc, target, inputs, info)
}

/// Moves the progress bar as the record reader consumes the file.
struct ProgressRead<'b> {
    f: std::fs::File,
    bar: Option<&'b indicatif::ProgressBar>,
    n: u64,
}

impl Read for ProgressRead<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.f.read(buf)?;
        self.n += k as u64;
        if let Some(b) = self.bar {
            b.set_position(self.n);
        }
        Ok(k)
    }
}
