//! The fast path for large appraisal CSVs on disk, on every core. The reader
//! (`xianjiao_reader::csv`) finds the header in the first quote-free lines and
//! hands over the body when the file is UTF-8; [`score`] cuts the body at line
//! ends into a few pieces per thread (up to 8 threads, a piece at least two
//! 1 MiB blocks); threads claim pieces in turn, so a slowed thread takes fewer
//! rather than holding the others up. Each piece is read in 1 MiB blocks into
//! its own fresh `SheetAccumulator` (a line cut by a block edge is carried
//! over) through the reader's line functions (`xianjiao_reader::fast`: the
//! same rules as over bytes in memory), and the accumulators are absorbed into
//! the scorer in file order, each with its line offset, so line numbers are
//! those of the file. The first `"` seen anywhere (by any thread) abandons the
//! fast path having added nothing: the caller reads the file again with the
//! record reader, which handles quoting, embedded commas and newlines.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use xianjiao_core::{Scorer, SheetAccumulator};
use xianjiao_reader::fast::{lines_in, rows, Cols};

const BLOCK: usize = 1 << 20;

/// What every worker shares: the file, its columns, the flag raised at the
/// first quote, the progress bar.
#[derive(Clone, Copy)]
struct Job<'j> {
    path: &'j Path,
    cols: &'j Cols,
    quoted: &'j AtomicBool,
    bar: Option<&'j indicatif::ProgressBar>,
}

/// What a worker saw.
struct Part<'a> {
    acc: SheetAccumulator<'a>,
    lines: usize,
}

/// Streams [start, end) of the file; `None` when a quote was seen (or another worker saw one).
/// `buf`: the thread's read buffer, kept from piece to piece.
fn work<'a>(job: &Job, (start, end): (u64, u64), mut acc: SheetAccumulator<'a>, buf: &mut Vec<u8>) -> std::io::Result<Option<Part<'a>>> {
    let Job { path, cols, quoted, bar } = *job;
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(start))?;
    let mut left = end - start;
    buf.resize(BLOCK, 0);
    let mut carry: Vec<u8> = vec![];
    let mut lines = 0;
    let roles = cols.roles();
    while left > 0 {
        if quoted.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let want = (BLOCK as u64).min(left) as usize;
        let got = f.read(&mut buf[..want])?;
        if got == 0 {
            break;
        }
        left -= got as u64;
        if let Some(b) = bar {
            b.inc(got as u64);
        }
        let block = &buf[..got];
        if memchr::memchr(b'"', block).is_some() {
            quoted.store(true, Ordering::Relaxed);
            return Ok(None);
        }
        let Some(last_nl) = memchr::memrchr(b'\n', block) else {
            carry.extend_from_slice(block);
            continue;
        };
        let mut from = 0;
        if !carry.is_empty() {
            let first_nl = memchr::memchr(b'\n', block).unwrap_or(last_nl);
            carry.extend_from_slice(&block[..first_nl]);
            rows(&mut acc, &mut lines, &carry, cols);
            carry.clear();
            from = first_nl + 1;
        }
        lines_in(&mut acc, &mut lines, &block[from..last_nl + 1], cols, &roles);
        carry.extend_from_slice(&block[last_nl + 1..]);
    }
    if !carry.is_empty() {
        rows(&mut acc, &mut lines, &carry, cols);
    }
    Ok(Some(Part { acc, lines }))
}

/// Scores a quote-free CSV on every core. `body_start` is the byte after the
/// header line, `first` the line number of the header (plus any offset of this
/// file among several). Returns `None` (having added nothing) when the file
/// holds a quote, so the caller falls back to the record reader; else the
/// number of the last line.
pub fn score(
    path: &Path,
    body_start: u64,
    first: usize,
    cols: &Cols,
    sc: &mut Scorer,
    bar: Option<&indicatif::ProgressBar>,
) -> std::io::Result<Option<usize>> {
    let size = std::fs::metadata(path)?.len();
    if body_start > size {
        return Ok(None);
    }
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8);
    // A few pieces per thread, claimed in turn: a thread slowed down (by the OS, by page
    // faults) takes fewer pieces rather than holding everyone up at the end.
    let body = size - body_start;
    let chunks = if body < 4 * BLOCK as u64 { 1 } else { (threads as u64 * 4).min(body / (2 * BLOCK as u64)).max(1) };
    // Cut points just after a newline, so no line straddles two pieces.
    let mut cuts = vec![body_start];
    let mut f = File::open(path)?;
    for k in 1..chunks {
        let guess = body_start + body * k / chunks;
        if guess <= *cuts.last().unwrap_or(&0) {
            continue;
        }
        f.seek(SeekFrom::Start(guess))?;
        let mut probe = vec![0u8; 64 * 1024];
        let mut pos = guess;
        loop {
            let n = f.read(&mut probe)?;
            if n == 0 {
                pos = size;
                break;
            }
            if let Some(i) = memchr::memchr(b'\n', &probe[..n]) {
                pos += i as u64 + 1;
                break;
            }
            pos += n as u64;
        }
        if pos < size && pos > *cuts.last().unwrap_or(&0) {
            cuts.push(pos);
        }
    }
    cuts.push(size);
    let pieces: Vec<(u64, u64)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    let quoted = AtomicBool::new(false);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<std::io::Result<Option<Part>>>>> = pieces.iter().map(|_| std::sync::Mutex::new(None)).collect();
    // One fresh accumulator per piece (the scorer itself stays on this thread).
    let accs: Vec<std::sync::Mutex<Option<SheetAccumulator>>> = pieces.iter().map(|_| std::sync::Mutex::new(Some(sc.fresh()))).collect();
    std::thread::scope(|s| {
        for _ in 0..threads.min(pieces.len()) {
            let (quoted, next, slots, pieces, accs) = (&quoted, &next, &slots, &pieces, &accs);
            s.spawn(move || {
                let mut buf = vec![];
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(a, b)) = pieces.get(k) else { break };
                    let t = std::time::Instant::now();
                    let Some(acc) = accs[k].lock().ok().and_then(|mut x| x.take()) else { break };
                    let r = work(&Job { path, cols, quoted, bar }, (a, b), acc, &mut buf);
                    crate::timing::timing(&format!("piece [{a}, {b})"), t.elapsed());
                    if let Ok(mut slot) = slots[k].lock() {
                        *slot = Some(r);
                    }
                }
            });
        }
    });
    let parts: Vec<std::io::Result<Option<Part>>> =
        slots.into_iter().map(|m| m.into_inner().ok().flatten().unwrap_or_else(|| Err(std::io::Error::other("worker panicked")))).collect();
    let mut done = vec![];
    for p in parts {
        match p? {
            Some(p) => done.push(p),
            None => return Ok(None),
        }
    }
    let t = std::time::Instant::now();
    let mut offset = first;
    for p in done {
        let n = p.lines;
        sc.absorb(p.acc, offset);
        offset += n;
    }
    crate::timing::timing("merge", t.elapsed());
    Ok(Some(offset))
}
