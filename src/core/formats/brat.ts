// brat standoff: a `.ann` file of annotations over its sibling `.txt` (T, R, E, A/M, N, #, *
// lines). Offsets are code points of the .txt as brat reads it (Python str indices).

import { baseName, isValidDocId, plainTextToBlocks } from '../document';
import type { AttributeValue, Layer, Schema, Span } from '../model';
import { CodePointIndex } from '../offsets';
import { findLabel } from '../schema';
import { normalizeItem, sortedSpans, spanRanges } from './common';
import type { ExportDocument, ImportedItem, ImportedRelation, ImportedSpan, ParseResult } from './types';

/** A brat document: the `.ann` and `.txt` texts and their file names (named in errors). */
export interface BratInput {
  ann: string;
  txt: string;
  annFile: string;
  txtFile: string;
}

/** Options of parseBrat. */
export interface BratParseOptions {
  /**
   * The schema, to type attribute values: brat writes every value as text, so "25000000" becomes
   * a number where the label's attribute is a number, and "true"/"false" a boolean likewise.
   */
  schema?: Schema;
}

/** One exported brat pair: `<id>.txt` and `<id>.ann`, and what could not be written as is. */
export interface BratFile {
  id: string;
  txt: string;
  ann: string;
  /** Changes brat forced on the data (line breaks at a span's edge, tabs in a note...). */
  notices: string[];
}

// Characters that end a line for Python (str.splitlines) and so for brat and its readers: a
// T line's text cannot hold one, so a span across one is written as fragments split there.
const LINE_BREAKS = new Set(['\n', '\r', '\u000b', '\u000c', '\u001c', '\u001d', '\u001e', '\u0085', '\u2028', '\u2029']);

function isLineBreak(ch: string): boolean {
  return LINE_BREAKS.has(ch);
}

function onlyLineBreaks(s: string): boolean {
  return s !== '' && [...s].every(isLineBreak);
}

interface Ref {
  role: string;
  target: string;
}

interface TextBoundLine {
  id: string;
  label: string;
  ranges: { start: number; end: number }[];
  line: number;
}

interface EventLine {
  id: string;
  type: string;
  trigger: string;
  args: Ref[];
  line: number;
}

interface RelationLine {
  id: string;
  type: string;
  from: string;
  to: string;
  line: number;
}

interface AttributeLine {
  id: string;
  name: string;
  target: string;
  value: string | true;
  line: number;
}

interface NormalizationLine {
  id: string;
  target: string;
  reference: string;
  text: string;
  line: number;
}

interface NoteLine {
  id: string;
  target: string;
  text: string;
  line: number;
}

interface EquivLine {
  type: string;
  targets: string[];
  line: number;
}

/** The database name Gloss writes in N lines: the normalised value itself is the line's text. */
const GLOSS_REFERENCE = 'Gloss:normalized';

function parseRef(token: string): Ref | null {
  const colon = token.lastIndexOf(':');
  if (colon <= 0 || colon === token.length - 1) return null;
  return { role: token.slice(0, colon), target: token.slice(colon + 1) };
}

/** Type an attribute value by the schema when it says what the attribute is; else keep brat's text. */
function typedValue(schema: Schema | undefined, label: string, name: string, value: string | true): AttributeValue {
  const def = schema ? findLabel(schema, label)?.attributes.find((a) => a.name === name) : undefined;
  if (value === true || !def) return value;
  switch (def.type) {
    case 'number': {
      const n = Number(value);
      return value.trim() !== '' && Number.isFinite(n) ? n : value;
    }
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    default:
      return value;
  }
}

/**
 * Parse a brat `.ann` against its `.txt`. T lines (with discontinuous fragments), R relations,
 * E events (the trigger span, and one relation per argument named by its role), A/M attributes,
 * N normalisations (the `normalized` attribute) and # notes (the span's note) are read; a T
 * line whose text differs from the .txt at its offsets is an error naming the .ann line.
 */
export function parseBrat(input: BratInput, opts: BratParseOptions = {}): ParseResult {
  const { annFile, txtFile } = input;
  const index = new CodePointIndex(input.txt);
  const notices: string[] = [];
  const textBounds: TextBoundLine[] = [];
  const events: EventLine[] = [];
  const relations: RelationLine[] = [];
  const attributes: AttributeLine[] = [];
  const normalizations: NormalizationLine[] = [];
  const notes: NoteLine[] = [];
  const equivs: EquivLine[] = [];
  const kinds = new Map<string, { kind: string; line: number }>();

  const ann = input.ann.charCodeAt(0) === 0xfeff ? input.ann.slice(1) : input.ann;
  const lines = ann.split('\n');
  for (const [i, rawLine] of lines.entries()) {
    const line = i + 1;
    const bad = (message: string): ParseResult => ({ ok: false, error: { file: annFile, line, message } });
    const text = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (text.trim() === '') continue;
    const tab = text.indexOf('\t');
    if (tab < 0) return bad('expected an id, a tab and an annotation (e.g. "T1\\tPerson 0 5\\tAlice")');
    const id = text.slice(0, tab);
    const rest = text.slice(tab + 1);
    const tab2 = rest.indexOf('\t');
    const data = (tab2 < 0 ? rest : rest.slice(0, tab2)).trim();
    const tail = tab2 < 0 ? undefined : rest.slice(tab2 + 1);
    if (id === '' || /\s/u.test(id)) return bad(`${JSON.stringify(id)} is not an annotation id`);
    const kind = id[0]!;
    if (kind !== '*') {
      const seen = kinds.get(id);
      if (seen) return bad(`duplicate id ${id} (first on line ${seen.line})`);
      kinds.set(id, { kind, line });
    }
    const fields = data === '' ? [] : data.split(/ +/u);
    switch (kind) {
      case 'T': {
        const space = data.indexOf(' ');
        if (space <= 0) return bad(`${id}: expected "Label start end" before the text`);
        const label = data.slice(0, space);
        const ranges: { start: number; end: number }[] = [];
        for (const part of data.slice(space + 1).split(';')) {
          const m = /^\s*(\d+)\s+(\d+)\s*$/u.exec(part);
          if (!m) return bad(`${id}: ${JSON.stringify(part)} is not a "start end" pair of offsets`);
          const start = Number(m[1]);
          const end = Number(m[2]);
          if (start >= end || end > index.length) {
            return bad(`${id}: range [${start}, ${end}) is not a non-empty range within ${txtFile} (0..${index.length} code points)`);
          }
          ranges.push({ start, end });
        }
        // brat joins the texts of discontinuous fragments with one space.
        const expected = ranges.map((r) => index.slice(r.start, r.end)).join(' ');
        if (tail !== undefined && tail !== '' && tail !== expected && !(tail.startsWith(expected) && tail.slice(expected.length).trim() === '')) {
          const where = ranges.map((r) => `${r.start} ${r.end}`).join(';');
          return bad(
            `${id}: text ${JSON.stringify(tail)} does not match ${txtFile} at ${where}, which is ${JSON.stringify(expected)} ` +
              '(offsets must be Unicode code points of the .txt)',
          );
        }
        ranges.sort((a, b) => a.start - b.start || a.end - b.end);
        const merged: { start: number; end: number }[] = [];
        for (const r of ranges) {
          const last = merged[merged.length - 1];
          if (last && r.start < last.end) return bad(`${id}: fragments [${last.start}, ${last.end}) and [${r.start}, ${r.end}) overlap`);
          // Touching fragments are one range (brat itself refuses them).
          if (last && r.start === last.end) last.end = r.end;
          else merged.push({ ...r });
        }
        textBounds.push({ id, label, ranges: merged, line });
        break;
      }
      case 'E': {
        const [head, ...argTokens] = fields;
        const trigger = head === undefined ? null : parseRef(head);
        if (!trigger) return bad(`${id}: expected "Type:Trigger Role:Id ..."`);
        const args: Ref[] = [];
        for (const token of argTokens) {
          const arg = parseRef(token);
          if (!arg) return bad(`${id}: argument ${JSON.stringify(token)} is not "Role:Id"`);
          args.push(arg);
        }
        events.push({ id, type: trigger.role, trigger: trigger.target, args, line });
        break;
      }
      case 'R': {
        const [type, a, b, ...more] = fields;
        const from = a === undefined ? null : parseRef(a);
        const to = b === undefined ? null : parseRef(b);
        if (type === undefined || !from || !to || more.length > 0) return bad(`${id}: expected "Type Arg1:Id Arg2:Id"`);
        relations.push({ id, type, from: from.target, to: to.target, line });
        break;
      }
      case 'A':
      case 'M': {
        // brat: name and target are single words; the value is the rest (absent: a binary attribute).
        const m = /^(\S+) (\S+)(?: (.+))?$/u.exec(data);
        if (!m) return bad(`${id}: expected "Name Target" or "Name Target Value"`);
        attributes.push({ id, name: m[1]!, target: m[2]!, value: m[3] ?? true, line });
        break;
      }
      case 'N': {
        const m = /^(\S+) (\S+) (\S+?:\S+)$/u.exec(data);
        if (!m) return bad(`${id}: expected "Type Target Database:Id"`);
        normalizations.push({ id, target: m[2]!, reference: m[3]!, text: (tail ?? '').trim(), line });
        break;
      }
      case '#': {
        if (fields.length !== 2) return bad(`${id}: expected "AnnotatorNotes Target" and a tab before the note`);
        notes.push({ id, target: fields[1]!, text: tail ?? '', line });
        break;
      }
      case '*': {
        const [type, ...targets] = fields;
        if (type === undefined || targets.length < 2) return bad('expected "Equiv Id Id ..." with at least two ids');
        equivs.push({ type, targets, line });
        break;
      }
      default:
        return bad(`${id}: unknown annotation kind ${JSON.stringify(kind)} (expected T, R, E, A, M, N, # or *)`);
    }
  }

  const spans = new Map<string, ImportedSpan>();
  for (const t of textBounds) {
    const span: ImportedSpan = { id: t.id, label: t.label, start: t.ranges[0]!.start, end: t.ranges[t.ranges.length - 1]!.end };
    if (t.ranges.length > 1) span.fragments = t.ranges;
    spans.set(t.id, span);
  }
  const triggers = new Map<string, string>();
  for (const e of events) {
    if (!spans.has(e.trigger)) {
      return { ok: false, error: { file: annFile, line: e.line, message: `${e.id}: trigger ${e.trigger} is not a T annotation of this file` } };
    }
    triggers.set(e.id, e.trigger);
  }
  /** The span an annotation id stands for: a T itself, an event its trigger. */
  const spanOf = (target: string): string | undefined => (spans.has(target) ? target : triggers.get(target));
  const unknown = (line: number, who: string, target: string): ParseResult => ({
    ok: false,
    error: { file: annFile, line, message: `${who}: ${target} is not an annotation of this file` },
  });
  const isRelation = (target: string): boolean => kinds.get(target)?.kind === 'R';

  const outRelations: ImportedRelation[] = [];
  for (const r of relations) {
    const from = spanOf(r.from);
    const to = spanOf(r.to);
    if (from === undefined) return unknown(r.line, r.id, r.from);
    if (to === undefined) return unknown(r.line, r.id, r.to);
    if (from !== r.from || to !== r.to) notices.push(`${annFile}:${r.line}: relation ${r.id} points at an event; it now points at the event's trigger span`);
    outRelations.push({ id: r.id, type: r.type, from, to });
  }
  for (const e of events) {
    const roles: string[] = [];
    for (const arg of e.args) {
      const to = spanOf(arg.target);
      if (to === undefined) return unknown(e.line, `${e.id} (${arg.role})`, arg.target);
      outRelations.push({ type: arg.role, from: e.trigger, to });
      roles.push(arg.role);
    }
    const label = spans.get(e.trigger)!.label;
    notices.push(
      `${annFile}:${e.line}: event ${e.id} (${e.type}) imported as its trigger span ${e.trigger}` +
        (label !== e.type ? ` (labelled ${label})` : '') +
        (roles.length > 0 ? ` and ${roles.length} relation(s) named by role: ${roles.join(', ')}` : ', without arguments'),
    );
  }
  for (const q of equivs) {
    const ids: string[] = [];
    for (const target of q.targets) {
      const span = spanOf(target);
      if (span === undefined) return unknown(q.line, q.type, target);
      ids.push(span);
    }
    for (let k = 1; k < ids.length; k++) outRelations.push({ type: q.type, from: ids[k - 1]!, to: ids[k]! });
    notices.push(`${annFile}:${q.line}: ${q.type} of ${q.targets.join(', ')} imported as ${ids.length - 1} ${q.type} relation(s) between consecutive spans`);
  }

  /** The span an attribute-like line attaches to, saying so when it is an event's trigger. */
  const attach = (who: string, what: string, target: string, line: number): ImportedSpan | 'skip' | null => {
    if (isRelation(target)) {
      notices.push(`${annFile}:${line}: ${who} is on relation ${target}; Gloss relations have no ${what}, so it is not imported`);
      return 'skip';
    }
    const spanId = spanOf(target);
    if (spanId === undefined) return null;
    if (spanId !== target) notices.push(`${annFile}:${line}: ${who} of event ${target} set on its trigger span ${spanId}`);
    return spans.get(spanId)!;
  };
  for (const a of attributes) {
    const span = attach(`attribute ${a.id} (${a.name})`, 'attributes', a.target, a.line);
    if (span === null) return unknown(a.line, a.id, a.target);
    if (span === 'skip') continue;
    span.attributes = { ...span.attributes, [a.name]: typedValue(opts.schema, span.label, a.name, a.value) };
  }
  for (const n of normalizations) {
    const span = attach(`normalization ${n.id}`, 'attributes', n.target, n.line);
    if (span === null) return unknown(n.line, n.id, n.target);
    if (span === 'skip') continue;
    const value = n.text !== '' ? n.text : n.reference;
    if (n.text !== '' && n.reference !== GLOSS_REFERENCE) {
      notices.push(`${annFile}:${n.line}: normalization ${n.id} of ${n.target} kept as normalized ${JSON.stringify(value)} (its reference ${n.reference} is not kept)`);
    }
    span.attributes = { ...span.attributes, normalized: value };
  }
  for (const note of notes) {
    const span = attach(`note ${note.id}`, 'notes', note.target, note.line);
    if (span === null) return unknown(note.line, note.id, note.target);
    if (span === 'skip' || note.text.trim() === '') continue;
    span.note = span.note !== undefined ? `${span.note}\n${note.text}` : note.text;
  }

  const base = baseName(txtFile);
  const item: ImportedItem = { text: input.txt, title: base, layers: [{ spans: [...spans.values()], relations: outRelations, comments: [] }] };
  if (isValidDocId(base)) item.id = base;
  const normalized = normalizeItem(item);
  if (normalized.changed) notices.push(`${txtFile}: line endings normalised to \\n; offsets moved accordingly`);
  const out = normalized.item;
  // Fragments that only skip line breaks are one span across lines, split because brat's T text
  // cannot hold a line break (and brat's own editor splits such a selection the same way).
  const outIndex = new CodePointIndex(out.text);
  let joined = 0;
  for (const span of out.layers[0]!.spans) {
    if (!span.fragments) continue;
    const frags: { start: number; end: number }[] = [];
    for (const f of span.fragments) {
      const last = frags[frags.length - 1];
      if (last && onlyLineBreaks(outIndex.slice(last.end, f.start))) last.end = f.end;
      else frags.push({ ...f });
    }
    if (frags.length === span.fragments.length) continue;
    joined++;
    if (frags.length > 1) span.fragments = frags;
    else delete span.fragments;
  }
  if (joined > 0) notices.push(`${annFile}: ${joined} span(s) split only at line breaks read as one span across the lines`);
  out.blocks = plainTextToBlocks(out.text);
  return { ok: true, items: [out], notices };
}

/** A brat type, attribute or relation name: one word, so whitespace becomes "_". */
function bratName(name: string): string {
  return name.replace(/\s+/gu, '_');
}

/** Text on one .ann line: tabs and line breaks would end a field or the line. */
function oneLine(text: string): string {
  let out = '';
  let gap = false;
  for (const ch of text) {
    if (ch === '\t' || isLineBreak(ch)) {
      if (!gap) out += ' ';
      gap = true;
    } else {
      out += ch;
      gap = false;
    }
  }
  return out;
}

/**
 * The fragments a span is written as: its ranges split at line breaks (which brat's T text
 * cannot hold), without empty pieces, touching pieces joined.
 */
function bratFragments(span: Span, index: CodePointIndex): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const r of spanRanges(span)) {
    let pieceStart = r.start;
    let cp = r.start;
    for (const ch of index.slice(r.start, r.end)) {
      if (isLineBreak(ch)) {
        if (cp > pieceStart) out.push({ start: pieceStart, end: cp });
        pieceStart = cp + 1;
      }
      cp++;
    }
    if (r.end > pieceStart) out.push({ start: pieceStart, end: r.end });
  }
  const joined: { start: number; end: number }[] = [];
  for (const f of out) {
    const last = joined[joined.length - 1];
    if (last && last.end === f.start) last.end = f.end;
    else joined.push(f);
  }
  return joined;
}

function exportLayer(docId: string, text: CodePointIndex, layer: Layer | undefined): { ann: string; notices: string[] } {
  const notices: string[] = [];
  if (!layer) return { ann: '', notices };
  const where = (span: Span): string => `${docId}: span ${span.id} (${span.label} at [${span.start}, ${span.end}))`;
  const tLines: string[] = [];
  const aLines: string[] = [];
  const nLines: string[] = [];
  const noteLines: string[] = [];
  const tIds = new Map<string, string>();
  for (const span of sortedSpans(layer.spans)) {
    const frags = bratFragments(span, text);
    if (frags.length === 0) {
      notices.push(`${where(span)}: only line breaks, which brat cannot mark; not written`);
      continue;
    }
    if (frags[0]!.start !== span.start || frags[frags.length - 1]!.end !== span.end) {
      notices.push(`${where(span)}: the line breaks at its edges cannot be marked in brat; written without them`);
    }
    const tId = `T${tIds.size + 1}`;
    tIds.set(span.id, tId);
    const label = bratName(span.label);
    if (label !== span.label) notices.push(`${where(span)}: label written as ${label} (brat types are one word)`);
    const offsets = frags.map((f) => `${f.start} ${f.end}`).join(';');
    tLines.push(`${tId}\t${label} ${offsets}\t${frags.map((f) => text.slice(f.start, f.end)).join(' ')}\n`);
    for (const name of Object.keys(span.attributes).sort()) {
      const value = span.attributes[name]!;
      if (name === 'normalized' && typeof value === 'string') {
        nLines.push(`N${nLines.length + 1}\tReference ${tId} ${GLOSS_REFERENCE}\t${oneLine(value)}\n`);
        if (oneLine(value) !== value) notices.push(`${where(span)}: line breaks and tabs in normalized written as spaces`);
        continue;
      }
      const attrName = bratName(name);
      if (attrName !== name) notices.push(`${where(span)}: attribute ${JSON.stringify(name)} written as ${attrName}`);
      if (value === false) continue; // a binary brat attribute is absent when false
      if (value === true) {
        aLines.push(`A${aLines.length + 1}\t${attrName} ${tId}\n`);
        continue;
      }
      const written = oneLine(String(value)).trim();
      if (written === '') {
        notices.push(`${where(span)}: attribute ${name} is blank; brat cannot write a blank value, not written`);
        continue;
      }
      if (written !== String(value)) notices.push(`${where(span)}: attribute ${name} written as ${JSON.stringify(written)} (one line, no edge spaces)`);
      aLines.push(`A${aLines.length + 1}\t${attrName} ${tId} ${written}\n`);
    }
    if (span.note !== undefined && span.note !== '') {
      const note = oneLine(span.note);
      if (note !== span.note) notices.push(`${where(span)}: line breaks and tabs in the note written as spaces`);
      noteLines.push(`#${noteLines.length + 1}\tAnnotatorNotes ${tId}\t${note}\n`);
    }
  }
  const rLines: string[] = [];
  for (const rel of layer.relations) {
    const from = tIds.get(rel.from);
    const to = tIds.get(rel.to);
    if (from === undefined || to === undefined) {
      notices.push(`${docId}: relation ${rel.id} (${rel.type}) not written: one of its spans is not written`);
      continue;
    }
    const type = bratName(rel.type);
    if (type !== rel.type) notices.push(`${docId}: relation ${rel.id}: type written as ${type}`);
    // brat itself ends relation lines with a tab (an empty text field).
    rLines.push(`R${rLines.length + 1}\t${type} Arg1:${from} Arg2:${to}\t\n`);
  }
  return { ann: [...tLines, ...rLines, ...aLines, ...nLines, ...noteLines].join(''), notices };
}

/** One document's brat pair, from its first layer given (see exportBrat). */
export function bratFile({ document, layers }: ExportDocument): BratFile {
  const { ann, notices } = exportLayer(document.id, new CodePointIndex(document.text), layers[0]);
  return { id: document.id, txt: document.text, ann, notices };
}

/**
 * One brat pair per document, from its first layer given: T lines (discontinuous fragments as
 * `0 5;10 15`, a span across a line break as fragments split there), R relations, A attributes,
 * N lines for `normalized`, # notes. Ids are renumbered T1.. in span order; the .txt is the
 * document's text unchanged, so offsets are its code points.
 */
export function exportBrat(documents: ExportDocument[]): BratFile[] {
  return documents.map(bratFile);
}
