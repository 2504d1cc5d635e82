// ---------------------------------------------------------------------------
// Message catalogue (zh, en) for what the engine reports, worded from the
// structured fields of its JSON: checklist items by `status` (required, have,
// unit, due), material findings by `code` (min_chars, chars, parts[], areas_*).
// Rule content (labels, phase names, flag reasons, exemption reasons) stays in
// the locality's own words. The zh wording equals the engine's `reason` /
// `message` text (a browser test checks this), so the two cannot drift apart
// unnoticed until the engine itself returns codes + parameters.
// ---------------------------------------------------------------------------

function xjNum(x) { return String(x); }
/** A rate for people: one decimal at most (94.8276 → 94.8). */
function xjPct(x) { return String(Math.round(x * 10) / 10); }

const XJ_MESSAGES = {
  zh: {
    sep: ';',
    done: (it) => it.required != null && it.have != null ? `已完成 ${xjNum(it.have)}/${xjNum(it.required)} ${it.unit || ''}` : '已完成',
    lack: (it) => it.required != null
      ? `已有 ${xjNum(it.have || 0)}/${xjNum(it.required)} ${it.unit || ''},还差 ${xjNum(it.required - (it.have || 0))}`
      : '尚未完成',
    overdue: (lack, due) => `${lack};已过截止日期 ${due}`,
    pending: (lack, due) => due ? `${lack};截止 ${due}` : lack,
    exempt: (who, why) => `${who}:${why}`,
    onlyFor: (roles) => `仅适用于 ${roles.join('、')}`,
    'chars.short': (m, role) => `字数 ${m.chars},少于${role}的最低要求 ${m.min_chars} 字,还差 ${m.min_chars - m.chars} 字`,
    'part.missing': (p, marker) => `缺少“${p}”部分(应含“${marker}”等字样)`,
    'part.field_missing': (p, fields) => `“${p}”部分缺少:${fields.join('、')}`,
    'part.order': (names) => `各部分顺序应为:${names.join(' → ')}`,
    'area.missing': (missing, role) => role ? `${role}还应剖析:${missing.join('、')}` : `未涉及:${missing.join('、')}`,
    'area.too_few': (have, need, missing) => `只涉及 ${have} 个方面,至少应涉及 ${need} 个;未涉及:${missing.join('、')}`,
    flag: (phrase, reason) => `“${phrase}”:${reason}`,
    vote: (v, o) => {
      const head = `${v.rate_of.join('和')}率 ${xjPct(o.rate)}%`;
      const act = v.action || '处理';
      if (v.below != null) return o.triggered ? `${head},低于 ${v.below}%,需${act}` : `${head},未低于 ${v.below}%,不需${act}`;
      if (v.above != null) return o.triggered ? `${head},高于 ${v.above}%,需${act}` : `${head},未高于 ${v.above}%,不需${act}`;
      return `${head}(本地规则未设触发线)`;
    },
    gateBlocked: (phase, labels) => `${phase}:转段尚缺${labels.length ? ' ' + labels.join('、') : ':'}`,
    gateMet: (phase) => `${phase}:转段条件已满足`,
  },
  en: {
    sep: '; ',
    done: (it) => it.required != null && it.have != null ? `Done: ${xjNum(it.have)}/${xjNum(it.required)} ${it.unit || ''}` : 'Done',
    lack: (it) => it.required != null
      ? `${xjNum(it.have || 0)}/${xjNum(it.required)} ${it.unit || ''} so far, ${xjNum(it.required - (it.have || 0))} to go`
      : 'Not done yet',
    overdue: (lack, due) => `${lack}; the deadline ${due} has passed`,
    pending: (lack, due) => due ? `${lack}; due ${due}` : lack,
    exempt: (who, why) => `Exempt as ${who}: ${why}`,
    onlyFor: (roles) => `Only for ${roles.join(', ')}`,
    'chars.short': (m, role) => `${m.chars} characters; the minimum for ${role} is ${m.min_chars}, ${m.min_chars - m.chars} to go`,
    'part.missing': (p, marker) => `The part “${p}” is missing (it should contain words such as “${marker}”)`,
    'part.field_missing': (p, fields) => `The part “${p}” lacks: ${fields.join(', ')}`,
    'part.order': (names) => `The parts should come in this order: ${names.join(' → ')}`,
    'area.missing': (missing, role) => role ? `As ${role} you should also examine: ${missing.join(', ')}` : `Not yet covered: ${missing.join(', ')}`,
    'area.too_few': (have, need, missing) => `Only ${have} areas covered, at least ${need} needed; not covered: ${missing.join(', ')}`,
    flag: (phrase, reason) => `“${phrase}”: ${reason}`,
    vote: (v, o) => {
      const head = `Rate of ${v.rate_of.join(' + ')}: ${xjPct(o.rate)}%`;
      const act = v.action || 'action';
      if (v.below != null) return o.triggered ? `${head}, below ${v.below}%: ${act} required` : `${head}, not below ${v.below}%: no ${act} needed`;
      if (v.above != null) return o.triggered ? `${head}, above ${v.above}%: ${act} required` : `${head}, not above ${v.above}%: no ${act} needed`;
      return `${head} (these rules set no threshold)`;
    },
    gateBlocked: (phase, labels) => `${phase}: before moving on, still needed:${labels.length ? ' ' + labels.join(', ') : ''}`,
    gateMet: (phase) => `${phase}: ready to move to the next phase`,
  },
};

/** The reason line of a checklist item, worded in `lang` from its structured fields. */
function xjItemReason(lang, it, req) {
  const M = XJ_MESSAGES[lang] || XJ_MESSAGES.zh;
  if (it.status === 'not_applicable') return M.onlyFor((req && req.roles) || []);
  if (it.status === 'exempt') {
    const i = it.reason.indexOf(':');
    return i > 0 ? M.exempt(it.reason.slice(0, i), it.reason.slice(i + 1)) : it.reason;
  }
  // The segments of the engine's reason this catalogue knows; any other segment
  // (a check the catalogue does not know yet) is kept verbatim, so nothing is lost.
  const Z = XJ_MESSAGES.zh;
  const known = [Z.done(it), Z.lack(it), `截止 ${it.due}`, `已过截止日期 ${it.due}`];
  const extras = String(it.reason || '').split(';').filter(x => x && !known.includes(x));
  const head = [it.status === 'done' ? M.done(it) : M.lack(it), ...extras].join(M.sep);
  if (it.status === 'done') return head;
  return it.status === 'overdue' ? M.overdue(head, it.due) : M.pending(head, it.due);
}

const XJ_KNOWN = ['chars.short', 'part.missing', 'part.field_missing', 'part.order', 'area.missing', 'area.too_few', 'flag'];

/**
 * The findings of a material report, worded in `lang`: [{...finding, text}].
 * `mat` is the material's rules (for markers, min_areas and role areas).
 */
function xjFindings(lang, m, mat) {
  const M = XJ_MESSAGES[lang] || XJ_MESSAGES.zh;
  const missingParts = m.parts.filter(p => !p.found);
  let pm = 0;
  const roleAreas = mat ? (mat.extra_areas.find(([r]) => r === m.role) || [null, []])[1].map(a => a.name) : [];
  return m.findings.map(f => {
    let text = f.message;
    try {
      switch (f.code) {
        case 'chars.short': text = M['chars.short'](m, m.role); break;
        case 'part.missing': {
          const p = missingParts[pm++];
          const decl = mat && p ? mat.parts.find(x => x.name === p.name) : null;
          if (p) text = M['part.missing'](p.name, decl && decl.markers[0] || '');
          break;
        }
        case 'part.field_missing': {
          const p = m.parts.find(x => x.start === f.start && x.missing_fields.length);
          if (p) text = M['part.field_missing'](p.name, p.missing_fields);
          break;
        }
        case 'part.order': if (mat) text = M['part.order'](mat.parts.map(p => p.name)); break;
        case 'area.missing': {
          const role = roleAreas.length && f.message.startsWith(m.role + '还应剖析') ? m.role : null;
          const list = role ? m.areas_missing.filter(a => roleAreas.includes(a)) : m.areas_missing.filter(a => !roleAreas.includes(a));
          text = M['area.missing'](list, role);
          break;
        }
        case 'area.too_few': {
          const base = m.areas_missing.filter(a => !roleAreas.includes(a));
          text = M['area.too_few'](m.areas_covered.filter(a => !roleAreas.includes(a)).length, mat && mat.min_areas, base);
          break;
        }
        case 'flag': if (f.phrase != null) text = M.flag(f.phrase, f.message.slice(f.phrase.length + 3)); break;
        default: { // a code this catalogue does not know yet: the engine's "中文 / English" text, in the right language
          const i = f.message.lastIndexOf(' / ');
          if (i > 0) text = lang === 'en' ? f.message.slice(i + 3) : f.message;
        }
      }
    } catch (_) { text = f.message; }
    return Object.assign({}, f, { text });
  });
}

export { XJ_MESSAGES, XJ_KNOWN, xjItemReason, xjFindings };
