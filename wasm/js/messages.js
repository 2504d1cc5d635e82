// ---------------------------------------------------------------------------
// Wording of what the engine reports, in the member's language. The engine
// returns every checklist reason (`item.why`) and material finding
// (`finding.msg`) as a stable code plus parameters; the one catalogue (zh, en)
// lives in the engine (core/src/messages.rs) and `word(lang, msg | msgs)`,
// exported by the engine module, words them — the CLI's `--lang en` uses the
// same catalogue. These helpers take that `word` function, so a widget that
// restarted its engine after a trap words with the fresh instance.
// Rule content (labels, phase names, flag reasons, exemption reasons) stays
// in the locality's own words.
// ---------------------------------------------------------------------------

/** A rate for people: one decimal at most (94.8276 → 94.8). */
function xjPct(x) { return String(Math.round(x * 10) / 10); }

/** The reason line of a checklist item (the engine's Chinese `reason` is that same wording in zh). */
function xjItemReason(word, lang, it) {
  return lang === 'zh' && typeof it.reason === 'string' ? it.reason : word(lang, it.why || []);
}

/**
 * The findings of a material report, each with its `text` worded in `lang`
 * (in zh the engine's `message` is that wording; a draft that repeats a
 * flagged phrase many times is worded once per distinct message).
 */
function xjFindings(word, lang, m) {
  const seen = new Map();
  return m.findings.map(f => {
    let text = lang === 'zh' && typeof f.message === 'string' ? f.message : null;
    if (text == null) {
      const key = JSON.stringify(f.msg);
      text = seen.get(key);
      if (text === undefined) { text = word(lang, f.msg); seen.set(key, text); }
    }
    return Object.assign({}, f, { text });
  });
}

/** A phase gate: met, or what is still needed (by label). With `head`, only the heading line. */
function xjGate(word, lang, g, head) {
  if (g.met) return word(lang, { code: 'gate.met', params: { phase: g.phase } });
  if (head) return word(lang, { code: 'gate.blocked_head', params: { phase: g.phase } });
  return word(lang, { code: 'gate.blocked', params: { phase: g.phase, labels: g.blocking_labels || g.blocking } });
}

/** The result of a satisfaction vote `v` (its rules) for the tally `o`. */
function xjVote(word, lang, v, o) {
  const rate = word(lang, { code: 'vote.rate', params: { groups: v.rate_of, rate: xjPct(o.rate) } });
  const action = v.action || word(lang, { code: 'vote.action', params: {} });
  const [code, line] = v.below != null ? [o.triggered ? 'vote.below' : 'vote.not_below', v.below]
    : v.above != null ? [o.triggered ? 'vote.above' : 'vote.not_above', v.above] : ['vote.no_line', null];
  return word(lang, { code, params: line == null ? { rate } : { rate, line, action } });
}

export { xjItemReason, xjFindings, xjGate, xjVote };
