// ---------------------------------------------------------------------------
// Spreadsheets in and out for the office workbench (<xianjiao-office>), read the
// way the CLI reads them (cli/src/input.rs), so the golden sheets give the same
// JSON in the browser:
//  * encodings: UTF-8 BOM, UTF-16 LE/BE BOMs, valid UTF-8, else GB18030
//    (TextDecoder('gb18030')); a line that does not decode is rejected, not the file;
//  * an RFC 4180 reader that knows each record's physical line, reports an
//    unterminated quote at its line and reads the following lines again;
//  * the header found among the first 10 non-blank rows, duplicates refused;
//  * XLSX: every visible sheet whose header fits (the others named with the
//    reason), cells read sparsely (unzipped with the browser's DecompressionStream);
//  * (the page writes no spreadsheet itself: its exports are core's results
//    workbook through the office wasm, wasm/js/office-out.js).
// No DOM here: used by the worker and the element (openXlsx reads an export back).
// ---------------------------------------------------------------------------

export const HEADER_SEARCH = 10;
const MAX_SPAN_LINES = 200;
const MAX_SPAN_BYTES = 256 << 10;
const SAMPLE = 64 << 10;
const RESAVE = '请在 Excel 中另存为“CSV UTF-8(逗号分隔)(*.csv)”后重试';
const RESAVE_EN = 'in Excel, save it as “CSV UTF-8 (Comma delimited)” and try again';

// ---------------------------------------------------------------- encodings
const cannotDecode = (why) => `无法识别文件编码${why}(已尝试 UTF-8、带 BOM 的 UTF-16 LE/BE、GB18030/GBK)。${RESAVE} / cannot decode the file (tried UTF-8, UTF-16 LE/BE with BOM, GB18030/GBK); ${RESAVE_EN}`;
const fatal = (label) => new TextDecoder(label, { fatal: true, ignoreBOM: true });

function isAscii(b, s, e) { for (let i = s; i < e; i++) if (b[i] > 0x7f) return false; return true; }
function decodes(dec, b, s, e) { try { dec.decode(b.subarray(s, e)); return true; } catch (_) { return false; } }

/** The encoding of a CSV from its first bytes, as the CLI's `sniff`. Throws a message. */
export function sniff(bytes, complete) {
  const b = bytes;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { label: 'UTF-8 BOM', skip: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { label: 'UTF-16LE', skip: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { label: 'UTF-16BE', skip: 2 };
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4) throw new Error('这是 XLSX/ZIP 格式的文件,请使用 .xlsx 扩展名 / this is an XLSX (zip) file: name it .xlsx');
  let nul = 0; for (let i = 0; i < b.length; i++) if (b[i] === 0) nul++;
  if (b.length >= 8 && nul * 4 >= b.length) throw new Error(cannotDecode(':像是没有 BOM 的 UTF-16 或二进制文件'));
  const lines = [];
  let s = 0;
  for (let i = 0; i <= b.length; i++) if (i === b.length || b[i] === 0x0a) { lines.push([s, i]); s = i + 1; }
  if (!complete && lines.length > 1) lines.pop();
  const u8 = fatal('utf-8'), gb = fatal('gb18030');
  let ascii = 0, naOk = 0, bad = 0, gbRescued = 0;
  for (const [s0, e0] of lines) {
    if (isAscii(b, s0, e0)) { ascii++; continue; }
    if (decodes(u8, b, s0, e0)) { naOk++; continue; }
    bad++;
    if (decodes(gb, b, s0, e0)) gbRescued++;
  }
  const total = ascii + naOk + bad;
  if (bad === 0) return { label: 'UTF-8', skip: 0 };
  if (naOk === 0 && gbRescued === bad) return { label: 'GB18030', skip: 0 };
  if (gbRescued > naOk && gbRescued * 2 >= bad) return { label: 'GB18030', skip: 0 };
  if ((ascii + naOk) * 2 > total) return { label: 'UTF-8', skip: 0 };
  throw new Error(cannotDecode(''));
}

/** The file as text plus the (1-based) lines that did not decode. */
export function decode(bytes, enc) {
  const body = bytes.subarray(enc.skip);
  let text, badLines = null;
  if (enc.label.startsWith('UTF-16')) {
    const name = enc.label === 'UTF-16LE' ? 'utf-16le' : 'utf-16be';
    try { text = fatal(name).decode(body); }
    catch (_) { throw new Error(`文件以 ${enc.label} 的 BOM 开头,但其中有无法解码的字节。${RESAVE} / invalid ${enc.label} data; ${RESAVE_EN}`); }
  } else {
    const label = enc.label === 'GB18030' ? 'gb18030' : 'utf-8';
    try { text = fatal(label).decode(body); }
    catch (_) {
      // Line by line: a line that does not decode is kept (with replacement characters) and its record rejected.
      const dec = fatal(label), loose = new TextDecoder(label, { ignoreBOM: true });
      const parts = []; badLines = new Set();
      let s = 0, line = 1;
      for (let i = 0; i <= body.length; i++) {
        if (i === body.length || body[i] === 0x0a) {
          const e = Math.min(i + 1, body.length);
          const seg = body.subarray(s, e);
          try { parts.push(dec.decode(seg)); } catch (_) { parts.push(loose.decode(seg)); badLines.add(line); }
          s = e; line++;
        }
      }
      text = parts.join('');
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.indexOf('\n') < 0 && text.indexOf('\r') >= 0) text = text.replace(/\r/g, '\n');
  return { text, badLines };
}

// ---------------------------------------------------------------- CSV records
/**
 * Calls `onRec(line, fields)` for every record and `onBad(line, reason)` for a
 * record that cannot be read, in file order; `onProgress(fraction)` now and then.
 */
export function csvRecords(text, badLineText, badLines, onRec, onBad, onProgress) {
  const lines = []; // [start, bodyEnd, termLen] of each physical line
  {
    let s = 0;
    const n = text.length;
    while (s < n) {
      let nl = text.indexOf('\n', s);
      if (nl < 0) { lines.push([s, n, 0]); break; }
      const cr = nl > s && text.charCodeAt(nl - 1) === 13;
      lines.push([s, cr ? nl - 1 : nl, cr ? 2 : 1]);
      s = nl + 1;
    }
  }
  const N = lines.length;
  let i = 0;
  const step = Math.max(1, Math.floor(N / 50));
  while (i < N) {
    if (onProgress && i % step === 0) onProgress(i / N);
    const start = i + 1;
    const [s0, e0] = lines[i];
    const first = text.slice(s0, e0);
    if (first.indexOf('"') < 0) {
      i++;
      if (badLines && badLines.has(start)) { onBad(start, badLineText); continue; }
      onRec(start, first.split(','));
      continue;
    }
    // The state machine over one record that may span lines.
    const fields = []; let cur = ''; let st = 0; // 0 start, 1 plain, 2 quoted, 3 quote seen
    let j = i, spanBytes = 0, bad = null;
    for (;;) {
      const [s, e, term] = lines[j];
      spanBytes += e - s + term;
      let malformed = false;
      for (let k = s; k < e; k++) {
        const c = text[k];
        if (st === 0) { if (c === '"') st = 2; else if (c === ',') { fields.push(cur); cur = ''; } else { cur += c; st = 1; } }
        else if (st === 1) { if (c === ',') { fields.push(cur); cur = ''; st = 0; } else cur += c; }
        else if (st === 2) { if (c === '"') st = 3; else cur += c; }
        else { if (c === '"') { cur += '"'; st = 2; } else if (c === ',') { fields.push(cur); cur = ''; st = 0; } else { malformed = true; break; } }
      }
      if (malformed) {
        bad = j === i ? '结束引号后紧跟其他字符(应为逗号或行尾),此行未计分 / text after a closing quote'
          : `引号未闭合:本行开始的引号到第 ${j + 1} 行才遇到下一个 ",且其后不是逗号或行尾;此行未计分,其后各行照常读取 / unterminated quote`;
        break;
      }
      if (st !== 2) break;
      const atEof = term === 0;
      cur += text.slice(e, e + term);
      const tooLong = j - i + 1 >= MAX_SPAN_LINES || spanBytes >= MAX_SPAN_BYTES;
      if (atEof || tooLong || j + 1 >= N) {
        bad = `引号未闭合(到${tooLong ? ` ${MAX_SPAN_LINES} 行内` : '文件末尾'}仍没有结束的 "),此行未计分,其后各行照常读取 / unterminated quote`;
        break;
      }
      j++;
    }
    if (bad) { onBad(start, bad); i++; continue; } // the lines after the first are read again
    fields.push(cur);
    let badEnc = false;
    if (badLines) for (let k = i; k <= j; k++) if (badLines.has(k + 1)) badEnc = true;
    i = j + 1;
    if (badEnc) onBad(start, badLineText); else onRec(start, fields);
  }
}

// ---------------------------------------------------------------- header and rows

/**
 * cells: [[col, text]] (sorted). Returns null (not a header), a Found {member, group, cols},
 * or throws the reason it cannot be used. The matching itself is the engine's
 * (core/src/eval/columns.rs, through the office wasm's locateSheetHeader), the
 * same the CLI and the npm engine use: `want.locate(cells)`.
 */
export function header(cells, want) {
  return want.locate(cells);
}

/**
 * One file or sheet: finds the header, then hands each data row on as
 * `row(line, get, found)` (get(col) → text or undefined); `feed` takes the
 * row's texts (for the blank test), a function giving its [[col, text]]
 * pairs (for the header search) and `get`.
 */
export class Table {
  constructor(want, row, bad) { Object.assign(this, { want, rowFn: row, badFn: bad, found: null, seen: 0, headerRow: null, maxLine: 0, candidate: null, dataRows: 0 }); }
  feed(line, values, pairs, get) {
    if (line > this.maxLine) this.maxLine = line;
    let blank = true;
    for (let i = 0; i < values.length; i++) if (values[i].trim() !== '') { blank = false; break; }
    if (blank) return;
    if (this.found) { this.dataRows++; this.rowFn(line, get, this.found, values); return; }
    this.seen++;
    let f = null, err = null;
    try { f = header(pairs(), this.want); } catch (e) { err = e.message; }
    if (f) { this.found = f; this.headerRow = line; return; }
    if (this.seen < HEADER_SEARCH) { if (err && !this.candidate) this.candidate = [line, err]; return; }
    if (err && !this.candidate) this.candidate = [line, err];
    throw new Error(this.noHeader());
  }
  bad(line, reason) {
    this.maxLine = Math.max(this.maxLine, line);
    if (this.found) { this.badFn(line, reason); return; }
    this.seen++;
    if (this.seen >= HEADER_SEARCH) throw new Error(this.noHeader());
  }
  noHeader() {
    if (this.candidate) return `第 ${this.candidate[0]} 行(表头)${this.candidate[1]}`;
    return `前 ${HEADER_SEARCH} 行中没有找到表头:${this.want.expected} / no header row in the first ${HEADER_SEARCH} rows`;
  }
  finish() {
    if (!this.found) throw new Error(this.seen === 0 ? '空文件,没有表头 / empty file, no header' : this.noHeader());
  }
}

// ---------------------------------------------------------------- zip

async function inflate(data) {
  const s = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

/** The entries of a zip: name → async () => bytes. */
export function unzip(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) if (dv.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
  if (eocd < 0) throw new Error('不是有效的 XLSX 文件(找不到 zip 目录)/ not a valid XLSX (zip) file');
  const count = dv.getUint16(eocd + 10, true);
  let p = dv.getUint32(eocd + 16, true);
  const out = new Map();
  const utf8 = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || dv.getUint32(p, true) !== 0x02014b50) throw new Error('XLSX 文件已损坏(zip 目录)/ damaged XLSX (zip directory)');
    const method = dv.getUint16(p + 10, true), csize = dv.getUint32(p + 20, true);
    const nlen = dv.getUint16(p + 28, true), xlen = dv.getUint16(p + 30, true), clen = dv.getUint16(p + 32, true);
    const local = dv.getUint32(p + 42, true);
    const name = utf8.decode(bytes.subarray(p + 46, p + 46 + nlen));
    p += 46 + nlen + xlen + clen;
    out.set(name.replace(/^\//, ''), async () => {
      const ds = local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
      const raw = bytes.subarray(ds, ds + csize);
      if (method === 0) return raw;
      if (method === 8) return inflate(raw);
      throw new Error(`XLSX 中的压缩方式 ${method} 不受支持 / unsupported zip method ${method}`);
    });
  }
  return out;
}

// ---------------------------------------------------------------- XLSX in
const ENT = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
export function unxml(s) {
  if (s.indexOf('&') < 0 && s.indexOf('_x') < 0) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e) => e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : (ENT[e] ?? m))
    .replace(/_x([0-9A-Fa-f]{4})_/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}
const attr = (tag, name) => { const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag); return m ? unxml(m[1]) : null; };
/** Text of the <t> elements of a string item, phonetic runs left out. */
function itemText(si) { let t = ''; const x = si.replace(/<rPh\b[\s\S]*?<\/rPh>/g, ''); for (const m of x.matchAll(/<t\b[^>]*?(?:\/>|>([\s\S]*?)<\/t>)/g)) t += unxml(m[1] || ''); return t; }
function colIndex(ref) { let c = 0, i = 0; for (; i < ref.length; i++) { const k = ref.charCodeAt(i); if (k < 65 || k > 90) break; c = c * 26 + (k - 64); } return [c - 1, parseInt(ref.slice(i), 10)]; }

/**
 * Opens a workbook: `{sheets: [{name, visible}], rows(name, onRow)}` where
 * onRow(line, cells) receives each row's non-empty cells [[col, text]].
 */
export async function openXlsx(bytes) {
  const z = unzip(bytes);
  const text = async (n) => { const f = z.get(n); return f ? new TextDecoder().decode(await f()) : null; };
  const wb = await text('xl/workbook.xml');
  if (wb == null) throw new Error('不是 XLSX 工作簿(缺少 xl/workbook.xml)/ not an XLSX workbook');
  const rels = (await text('xl/_rels/workbook.xml.rels')) || '';
  const target = {};
  for (const m of rels.matchAll(/<Relationship\b[^>]*>/g)) target[attr(m[0], 'Id')] = attr(m[0], 'Target');
  const sst = [];
  const ss = await text('xl/sharedStrings.xml');
  if (ss) for (const m of ss.matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g)) sst.push(m[1] ? itemText(m[1]) : '');
  const sheets = [];
  for (const m of wb.matchAll(/<sheet\b[^>]*>/g)) {
    const state = attr(m[0], 'state');
    let t = target[attr(m[0], 'r:id')] || '';
    t = t.startsWith('/') ? t.slice(1) : 'xl/' + t.replace(/^\.\//, '');
    sheets.push({ name: attr(m[0], 'name'), visible: !state || state === 'visible', path: t });
  }
  async function rows(name, onRow) {
    const sh = sheets.find((s) => s.name === name);
    const xml = sh && await text(sh.path);
    if (xml == null) throw new Error('无法读取此工作表 / cannot read the sheet');
    let curRow = null, cells = [];
    const flush = () => {
      if (curRow == null) return;
      cells.sort((a, b) => a[0] - b[0]);
      for (let k = 1; k < cells.length; k++) if (cells[k][0] === cells[k - 1][0]) { onRow(curRow, null, '同一单元格在文件中出现两次 / the same cell appears twice'); cells = []; return; }
      onRow(curRow, cells);
      cells = [];
    };
    let rowNo = 0, colNo = -1;
    const re = /<row\b([^>]*?)\/?>|<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;
    let m;
    while ((m = re.exec(xml))) {
      if (m[1] !== undefined) { const r = attr(m[0], 'r'); rowNo = r ? parseInt(r, 10) : rowNo + 1; colNo = -1; continue; }
      const a = m[2], body = m[3] || '';
      const ref = attr(' ' + a, 'r');
      let col, row;
      if (ref) [col, row] = colIndex(ref); else { col = colNo + 1; row = rowNo; }
      colNo = col;
      if (row > 1048576 || col >= 16384 || !(row >= 1)) throw new Error('单元格位置超出工作表范围(最大 XFD1048576),表格文件已损坏 / a cell beyond XFD1048576: damaged workbook');
      if (row !== curRow) { flush(); curRow = row; }
      const t = attr(' ' + a, 't') || 'n';
      let v;
      if (t === 'inlineStr') v = itemText(body);
      else {
        const vm = /<v>([\s\S]*?)<\/v>/.exec(body);
        if (!vm) continue;
        const raw = unxml(vm[1]);
        if (t === 's') v = sst[parseInt(raw, 10)] ?? '';
        else if (t === 'b') v = raw === '1' ? 'true' : 'false';
        else if (t === 'n') { const x = Number(raw); v = raw.trim() === '' || Number.isNaN(x) ? raw : String(x); }
        else v = raw;
      }
      if (v !== '') cells.push([col, v]);
    }
    flush();
  }
  return { sheets, rows };
}

