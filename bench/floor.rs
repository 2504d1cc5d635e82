//! The floor of the scoring benchmark: the least a program must do to score
//! the benchmark's sheets on this machine — read the file, cut lines and
//! fields, sum marks per member and rater group in a hash map, weight the
//! group means, write one line per member. No validation, no rules, no
//! quoting, one thread: a measure of the hardware, not a product.
//!
//! Built by `bench/score_bench.py` with plain `rustc -O` (no dependencies).
//! Usage: floor SHEETS.csv > composites.csv
use std::collections::HashMap;
use std::io::{Read, Write};

const GROUPS: [(&[u8], f64); 3] = [("党员互评".as_bytes(), 40.0), ("群众参评".as_bytes(), 30.0), ("支委会考评".as_bytes(), 30.0)];

fn main() {
    let path = std::env::args().nth(1).expect("usage: floor SHEETS.csv");
    let mut buf = Vec::new();
    std::fs::File::open(&path).expect("open").read_to_end(&mut buf).expect("read");
    let mut order: Vec<&[u8]> = Vec::new();
    let mut acc: HashMap<&[u8], [(f64, u32); 3]> = HashMap::with_capacity(1 << 17);
    let mut lines = buf.split(|&b| b == b'\n');
    lines.next(); // header
    for line in lines {
        if line.is_empty() { continue; }
        let mut f = line.split(|&b| b == b',');
        let member = f.next().unwrap_or_default();
        let group = f.next().unwrap_or_default();
        let mut total = 0u32;
        for cell in f {
            let mut n = 0u32;
            for &c in cell { if c.is_ascii_digit() { n = n * 10 + (c - b'0') as u32; } }
            total += n;
        }
        let Some(g) = GROUPS.iter().position(|x| x.0 == group) else { continue };
        let e = acc.entry(member).or_insert_with(|| { order.push(member); [(0.0, 0); 3] });
        e[g].0 += total as f64;
        e[g].1 += 1;
    }
    let out = std::io::stdout();
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out.lock());
    let _ = writeln!(w, "member,composite");
    for m in order {
        let g = &acc[m];
        let (mut sum, mut wsum) = (0.0, 0.0);
        for (i, (_, weight)) in GROUPS.iter().enumerate() {
            if g[i].1 > 0 { sum += g[i].0 / g[i].1 as f64 * weight; wsum += weight; }
        }
        let c = if wsum > 0.0 { (sum / wsum * 10_000.0).round() / 10_000.0 } else { 0.0 };
        let _ = w.write_all(m);
        let _ = writeln!(w, ",{c}");
    }
}
