//! Every marker and flagged phrase of a material looked up in one pass (see `material`).

use crate::model::Material;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Pat {
    Part(usize),
    Field(usize, usize),
    Area(usize),
    Extra(usize, usize),
    Flag(usize),
    Class(usize),
    ItemField(usize),
}

/// One occurrence of a phrase: pattern index and byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) pat: usize,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// A material's phrases, indexed by their first character.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    pub(crate) pats: Vec<(Pat, String)>,
    /// First character → indices into `pats`, sorted by character.
    pub(crate) first: Vec<(char, Vec<usize>)>,
    /// Bit `c mod 1024` set for each first character: most characters of a draft
    /// start no phrase, and one bit test rejects them before the binary search.
    pub(crate) firsts: [u64; 16],
}

impl Matcher {
    pub(crate) fn new(m: &Material) -> Matcher {
        let mut pats = vec![];
        for (i, p) in m.parts.iter().enumerate() {
            pats.extend(p.markers.iter().map(|s| (Pat::Part(i), s.clone())));
            for (j, f) in p.fields.iter().enumerate() {
                pats.extend(f.markers.iter().map(|s| (Pat::Field(i, j), s.clone())));
            }
        }
        for (i, a) in m.areas.iter().enumerate() {
            pats.extend(a.markers.iter().map(|s| (Pat::Area(i), s.clone())));
        }
        for (i, (_, list)) in m.extra_areas.iter().enumerate() {
            for (j, a) in list.iter().enumerate() {
                pats.extend(a.markers.iter().map(|s| (Pat::Extra(i, j), s.clone())));
            }
        }
        for (i, f) in m.flags.iter().enumerate() {
            pats.extend(f.phrases.iter().map(|s| (Pat::Flag(i), s.clone())));
        }
        if let Some(items) = &m.items {
            for (i, c) in items.classes.iter().enumerate() {
                pats.push((Pat::Class(i), c.name.clone()));
                pats.extend(c.synonyms.iter().map(|s| (Pat::Class(i), s.clone())));
            }
            for (j, f) in items.fields.iter().enumerate() {
                pats.extend(f.markers.iter().map(|s| (Pat::ItemField(j), s.clone())));
            }
        }
        pats.retain(|(_, s)| !s.is_empty());
        let mut first: Vec<(char, Vec<usize>)> = vec![];
        for (i, (_, s)) in pats.iter().enumerate() {
            let Some(c) = s.chars().next() else { continue };
            // Shorter phrases first, then declaration order: hits at one position come out by end.
            match first.binary_search_by(|x| x.0.cmp(&c)) {
                Ok(k) => {
                    let at = first[k].1.partition_point(|&j| pats[j].1.len() <= s.len());
                    first[k].1.insert(at, i);
                }
                Err(k) => first.insert(k, (c, vec![i])),
            }
        }
        let mut firsts = [0u64; 16];
        for (c, _) in &first {
            let h = *c as usize & 1023;
            firsts[h >> 6] |= 1 << (h & 63);
        }
        Matcher { pats, first, firsts }
    }

    /// Every occurrence of every phrase, overlapping ones included, ordered by
    /// start, then end, then declaration order (no sort: the scan yields them so).
    pub(crate) fn hits(&self, text: &str) -> Vec<Hit> {
        let mut hits = vec![];
        if self.first.is_empty() {
            return hits;
        }
        for (b, c) in text.char_indices() {
            let h = c as usize & 1023;
            if self.firsts[h >> 6] & (1 << (h & 63)) == 0 {
                continue;
            }
            let Ok(k) = self.first.binary_search_by(|x| x.0.cmp(&c)) else { continue };
            let rest = &text[b..];
            for &i in &self.first[k].1 {
                let p = &self.pats[i].1;
                if rest.starts_with(p.as_str()) {
                    hits.push(Hit { pat: i, start: b, end: b + p.len() });
                }
            }
        }
        hits
    }
}
