// W3C Web Annotation (JSON-LD): one Annotation per span, anchored by TextQuoteSelector and
// TextPositionSelector. Positions are code points, which is also the W3C model's own rule.

import { isValidAnnotator, isValidDocId, plainTextToBlocks } from '../document';
import type { AttributeValue, Span } from '../model';
import { jsonValueLine } from '../json-error';
import type { JsonStep } from '../json-error';
import { CodePointIndex, JsonEscapedText } from '../offsets';
import { isObject, normalizeItem, sortedSpans } from './common';
import { ItemListWriter } from './item-list';
import type { ItemList } from './item-list';
import type { ExportDocument, ImportedItem, ImportedLayer, ImportedSpan, ParseError, ParseResult } from './types';

/** The JSON-LD context of the Web Annotation vocabulary. */
export const W3C_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';

/** Code points of text kept before and after a quote, to tell its occurrences apart. */
export const QUOTE_CONTEXT = 32;

const ID_PREFIX = 'urn:gloss:annotation:';

/** The id of a span's Annotation: document, annotator and span id, each URI-encoded. */
export function annotationId(document: string, annotator: string, spanId: string): string {
  return ID_PREFIX + [document, annotator, spanId].map(encodeURIComponent).join('/');
}

/** The span id inside an id made by annotationId, or undefined for anything else. */
function spanIdOf(id: unknown): string | undefined {
  if (typeof id !== 'string' || !id.startsWith(ID_PREFIX)) return undefined;
  const parts = id.slice(ID_PREFIX.length).split('/');
  if (parts.length !== 3 || parts[2] === '') return undefined;
  try {
    return decodeURIComponent(parts[2]!);
  } catch {
    return undefined;
  }
}

const json = JSON.stringify;

/**
 * A target as compact JSON: the document (already JSON), a TextQuoteSelector with context and a
 * TextPositionSelector. The quote and its context are slices of the document's text escaped once.
 */
function targetJson(documentJson: string, text: JsonEscapedText, start: number, end: number): string {
  const before = Math.max(0, start - QUOTE_CONTEXT);
  const after = Math.min(text.length, end + QUOTE_CONTEXT);
  return (
    `{"source":${documentJson},"selector":[{"type":"TextQuoteSelector","exact":"${text.slice(start, end)}","prefix":"${text.slice(before, start)}","suffix":"${text.slice(end, after)}"},` +
    `{"type":"TextPositionSelector","start":${start},"end":${end}}]}`
  );
}

/** Whether an object has an own key (without listing them: most spans have no attributes). */
function hasKeys(value: object): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return true;
  return false;
}

/** JSON of a string, remembering the last one: spans of one layer often share their timestamps. */
class LastJson {
  private value: string | undefined;
  private text = '';

  of(value: string): string {
    if (value !== this.value) {
      this.value = value;
      this.text = json(value);
    }
    return this.text;
  }
}

/**
 * Annotations as compact JSON, written directly (this runs once per span of a workspace): the keys
 * and values JSON.stringify would give for { id, type, motivation, creator, created, modified,
 * body, target }.
 */
class AnnotationJson {
  private readonly created = new LastJson();
  private readonly modified = new LastJson();
  private readonly labels = new Map<string, string>();

  /**
   * `idPrefix` is annotationId's up to the span id; `documentJson` and `annotatorJson` are JSON
   * strings already.
   */
  of(idPrefix: string, documentJson: string, annotatorJson: string, text: JsonEscapedText, span: Span): string {
    let label = this.labels.get(span.label);
    if (label === undefined) {
      label = json(span.label);
      this.labels.set(span.label, label);
    }
    let body = `{"type":"TextualBody","purpose":"tagging","value":${label}}`;
    if (hasKeys(span.attributes)) {
      const attributes: Record<string, AttributeValue> = {};
      for (const name of Object.keys(span.attributes).sort()) attributes[name] = span.attributes[name]!;
      // The model has no slot for typed attributes: a describing body holding JSON keeps them.
      body += `,{"type":"TextualBody","purpose":"describing","format":"application/json","value":${json(json(attributes))}}`;
    }
    if (span.note !== undefined && span.note !== '') body += `,{"type":"TextualBody","purpose":"commenting","value":${json(span.note)}}`;
    // A discontinuous span targets each of its fragments.
    const ranges = span.fragments;
    const target =
      ranges === undefined
        ? targetJson(documentJson, text, span.start, span.end)
        : ranges.length === 1
          ? targetJson(documentJson, text, ranges[0]!.start, ranges[0]!.end)
          : `[${ranges.map((r) => targetJson(documentJson, text, r.start, r.end)).join(',')}]`;
    // URI-encoded, the id is ASCII without quotes, backslashes or control characters: its JSON is itself in quotes.
    return (
      `{"id":"${idPrefix}${encodeURIComponent(span.id)}","type":"Annotation","motivation":"tagging","creator":${annotatorJson},` +
      `"created":${this.created.of(span.createdAt)},"modified":${this.modified.of(span.updatedAt)},"body":[${body}],"target":${target}}`
    );
  }
}

/** The lines of the file before the first Annotation. */
const HEAD =
  '{\n' +
  `  "@context": ${json(W3C_CONTEXT)},\n` +
  '  "type": "AnnotationCollection",\n' +
  '  "label": "Gloss annotations",\n' +
  '  "first": {\n' +
  '    "type": "AnnotationPage",\n' +
  '    "startIndex": 0,\n' +
  '    "items": [';
/** What comes before each Annotation's line. */
const ITEM_INDENT = '\n      ';

/**
 * The collection as an ItemList: one Annotation a line, each led by a comma and its indentation;
 * the total comes in the tail, once it is known. Each list keeps its own small caches.
 */
export function w3cItemList(): ItemList {
  const annotations = new AnnotationJson();
  return {
    head: HEAD,
    leading: ',',
    items({ document, layers }: ExportDocument) {
      const text = new JsonEscapedText(document.text);
      const documentJson = json(document.id);
      const pieces: string[] = [];
      for (const layer of layers) {
        const idPrefix = `${ID_PREFIX}${encodeURIComponent(document.id)}/${encodeURIComponent(layer.annotator)}/`;
        const annotatorJson = json(layer.annotator);
        for (const span of sortedSpans(layer.spans)) pieces.push(',' + ITEM_INDENT + annotations.of(idPrefix, documentJson, annotatorJson, text, span));
      }
      return { pieces, count: pieces.length };
    },
    tail: (total) => `${total > 0 ? '\n    ' : ''}]\n  },\n  "total": ${total}\n}\n`,
  };
}

/**
 * An AnnotationCollection (`"@context": "http://www.w3.org/ns/anno.jsonld"`) with one
 * Annotation per span of every layer given: creator = annotator, target.source = document id,
 * selectors [TextQuoteSelector{exact,prefix,suffix}, TextPositionSelector{start,end}] in code
 * points, a tagging body with the label, a commenting body with the note, attributes as a
 * describing JSON body. Deterministic; the collection is pretty-printed but each Annotation is
 * one line of compact JSON (a workspace has hundreds of thousands: pretty-printed, they were
 * most of the file), and the total comes last, so that the file can be written as it is made
 * (w3cItemList, written piece by piece by the exporter).
 */
export function exportW3c(documents: ExportDocument[]): string {
  const writer = new ItemListWriter(w3cItemList());
  return writer.head() + documents.map((d) => writer.pieces(d).join('')).join('') + writer.tail();
}

/** The text of a document a W3C target points at (its `source`). */
export interface W3cSourceDocument {
  text: string;
  /** The Gloss document id, when the source is known under another name. */
  id?: string;
  title?: string;
}

/** Finds the document of a target's `source`: the workspace's documents by id, usually. */
export type W3cResolver = (source: string) => W3cSourceDocument | undefined;

function hasType(value: Record<string, unknown>, name: string): boolean {
  const types = Array.isArray(value.type) ? value.type : [value.type];
  return types.some((t) => typeof t === 'string' && (t === name || t.endsWith(`:${name}`) || t.endsWith(`#${name}`)));
}

function asList(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

type Collected = { ok: true; annotations: Record<string, unknown>[]; paths: JsonStep[][] } | { ok: false; error: ParseError };

/** The Annotations of a file: one, a list, an AnnotationPage or an AnnotationCollection with embedded pages. */
function collect(text: string, file: string): Collected {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return { ok: false, error: { file, message: `not valid JSON: ${(e as Error).message}` } };
  }
  const annotations: Record<string, unknown>[] = [];
  /** Where each Annotation is in the JSON (for the line an error names). */
  const paths: JsonStep[][] = [];
  const fail = (message: string, path: readonly JsonStep[]): Collected => ({ ok: false, error: withLine({ file, message }, text, path) });
  const fromPage = (page: unknown, where: string, at: JsonStep[]): Collected | null => {
    if (!isObject(page)) return fail(`${where} is not embedded in the file (a link to a page cannot be followed offline)`, at);
    const items = asList(page.items);
    for (const [i, item] of items.entries()) {
      const path = Array.isArray(page.items) ? [...at, 'items', i] : [...at, 'items'];
      if (!isObject(item) || !hasType(item, 'Annotation')) return fail(`${where}, item ${i + 1} is not an Annotation`, path);
      annotations.push(item);
      paths.push(path);
    }
    return null;
  };
  if (Array.isArray(json)) {
    for (const [i, item] of json.entries()) {
      if (!isObject(item) || !hasType(item, 'Annotation')) return fail(`item ${i + 1} is not an Annotation`, [i]);
      annotations.push(item);
      paths.push([i]);
    }
  } else if (isObject(json) && hasType(json, 'Annotation')) {
    annotations.push(json);
    paths.push([]);
  } else if (isObject(json) && hasType(json, 'AnnotationPage')) {
    const failed = fromPage(json, 'the page', []);
    if (failed) return failed;
  } else if (isObject(json) && hasType(json, 'AnnotationCollection')) {
    let page: unknown = json.first;
    let at: JsonStep[] = ['first'];
    const seen = new Set<unknown>();
    for (let n = 1; page !== undefined && !seen.has(page); n++) {
      seen.add(page);
      const failed = fromPage(page, `page ${n}`, at);
      if (failed) return failed;
      page = (page as Record<string, unknown>).next;
      at = [...at, 'next'];
    }
  } else {
    return fail('expected an Annotation, a list of them, an AnnotationPage or an AnnotationCollection', []);
  }
  return { ok: true, annotations, paths };
}

/** An error about the value at `path` of a JSON file, with the line that value starts on. */
function withLine(error: ParseError, text: string, path: readonly JsonStep[]): ParseError {
  const line = jsonValueLine(text, path);
  return line === null ? error : { ...error, line };
}

function sourceOf(t: Record<string, unknown>): string | undefined {
  if (typeof t.source === 'string') return t.source;
  if (isObject(t.source) && typeof t.source.id === 'string') return t.source.id;
  return undefined;
}

/** The documents (target sources) a W3C file refers to, so their texts can be loaded before parsing. */
export function w3cSources(text: string, file: string): { ok: true; sources: string[] } | { ok: false; error: ParseError } {
  const c = collect(text, file);
  if (!c.ok) return c;
  const sources = new Set<string>();
  for (const a of c.annotations) {
    for (const t of asList(a.target)) {
      const source = typeof t === 'string' ? t : isObject(t) ? sourceOf(t) : undefined;
      if (source !== undefined) sources.add(source);
    }
  }
  return { ok: true, sources: [...sources] };
}

/** UTF-16 starts of every occurrence of `exact` whose given prefix and suffix match too. */
function quoteMatches(text: string, exact: string, prefix: string | undefined, suffix: string | undefined): number[] {
  const out: number[] = [];
  for (let u = text.indexOf(exact); u >= 0; u = text.indexOf(exact, u + 1)) {
    if (prefix !== undefined && text.slice(Math.max(0, u - prefix.length), u) !== prefix) continue;
    const end = u + exact.length;
    if (suffix !== undefined && text.slice(end, end + suffix.length) !== suffix) continue;
    out.push(u);
  }
  return out;
}

type Anchor = { ok: true; start: number; end: number; notice?: string } | { ok: false; message: string } | { ok: 'skip'; message: string };

/** Where a target's selectors point in the text: by position, checked by the quote when there is one. */
function anchor(t: Record<string, unknown>, index: CodePointIndex): Anchor {
  const selectors = asList(t.selector).filter(isObject);
  const position = selectors.find((s) => hasType(s, 'TextPositionSelector'));
  const quote = selectors.find((s) => hasType(s, 'TextQuoteSelector'));
  if (!position && !quote) return { ok: 'skip', message: 'no TextPositionSelector or TextQuoteSelector (only those are read)' };
  let positionProblem: string | null = null;
  if (position) {
    const { start, end } = position;
    if (typeof start !== 'number' || typeof end !== 'number' || !Number.isInteger(start) || !Number.isInteger(end)) {
      positionProblem = 'TextPositionSelector start and end must be integers';
    } else if (start < 0 || end > index.length || start >= end) {
      positionProblem = `TextPositionSelector [${start}, ${end}) is not a non-empty range within the text (0..${index.length} code points)`;
    } else if (!quote || quote.exact === index.slice(start, end)) {
      return { ok: true, start, end };
    } else {
      positionProblem = `TextPositionSelector [${start}, ${end}) holds ${JSON.stringify(index.slice(start, end))}, not the quote`;
    }
    if (!quote) return { ok: false, message: positionProblem };
  }
  const { exact, prefix, suffix } = quote!;
  if (typeof exact !== 'string' || exact === '') return { ok: false, message: 'TextQuoteSelector "exact" must be a non-empty string' };
  if ((prefix !== undefined && typeof prefix !== 'string') || (suffix !== undefined && typeof suffix !== 'string')) {
    return { ok: false, message: 'TextQuoteSelector "prefix" and "suffix" must be strings' };
  }
  const found = quoteMatches(index.text, exact, prefix, suffix);
  const why = positionProblem ? `${positionProblem}, and ` : '';
  if (found.length !== 1) {
    // Anchoring is never guessed: an ambiguous or missing quote is reported.
    return {
      ok: false,
      message:
        `${why}the quote ${JSON.stringify(exact)} cannot be anchored: ` +
        (found.length === 0 ? 'it is not in the text with its prefix and suffix' : `it occurs ${found.length} times with its prefix and suffix`),
    };
  }
  const start = index.toCodePoint(found[0]!);
  const end = index.toCodePoint(found[0]! + exact.length);
  return positionProblem ? { ok: true, start, end, notice: `${positionProblem}; anchored by its quote at [${start}, ${end})` } : { ok: true, start, end };
}

function creatorName(creator: unknown): string | undefined {
  const c = Array.isArray(creator) ? creator[0] : creator;
  if (typeof c === 'string') return c;
  if (isObject(c)) {
    for (const key of ['nickname', 'name', 'id'] as const) if (typeof c[key] === 'string') return c[key];
  }
  return undefined;
}

interface Bodies {
  labels: string[];
  notes: string[];
  attributes: Record<string, AttributeValue>;
  ignored: number;
}

function readBodies(a: Record<string, unknown>): Bodies {
  const motivations = asList(a.motivation).filter((m): m is string => typeof m === 'string');
  const out: Bodies = { labels: [], notes: [], attributes: {}, ignored: 0 };
  const bodies = [...asList(a.body)];
  if (typeof a.bodyValue === 'string') bodies.push({ type: 'TextualBody', value: a.bodyValue });
  for (const b of bodies) {
    if (!isObject(b) || typeof b.value !== 'string') {
      out.ignored++;
      continue;
    }
    const purpose = typeof b.purpose === 'string' ? b.purpose : motivations.length === 1 ? motivations[0] : undefined;
    if (purpose === 'tagging' || purpose === 'classifying') {
      if (b.value.trim() !== '') out.labels.push(b.value);
    } else if (purpose === 'commenting') {
      if (b.value !== '') out.notes.push(b.value);
    } else if (purpose === 'describing' && b.format === 'application/json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(b.value);
      } catch {
        parsed = undefined;
      }
      if (isObject(parsed) && Object.values(parsed).every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
        Object.assign(out.attributes, parsed);
      } else out.ignored++;
    } else out.ignored++;
  }
  return out;
}

/** A target source being imported: its item, text index and layers by annotator ("" = the importer's). */
interface SourceEntry {
  item: ImportedItem;
  index: CodePointIndex;
  layers: Map<string, ImportedLayer>;
}

/**
 * Parse Web Annotations (one, a list, a page or a collection with embedded pages). Each target
 * is anchored in the text of its source (found by `resolve`) by its TextPositionSelector, checked
 * against its TextQuoteSelector; without a usable position, by the quote, which must occur
 * exactly once with its prefix and suffix: a quote that cannot be anchored is an error, never a
 * guess. Tagging bodies give labels (one span each), commenting bodies the note, creator the layer.
 */
export function parseW3c(text: string, file: string, resolve: W3cResolver): ParseResult {
  const c = collect(text, file);
  if (!c.ok) return c;
  const notices: string[] = [];
  const items = new Map<string, SourceEntry>();
  for (const [i, a] of c.annotations.entries()) {
    const where = `annotation ${i + 1}${typeof a.id === 'string' ? ` (${a.id})` : ''}`;
    const bad = (message: string): ParseResult => ({ ok: false, error: withLine({ file, message: `${where}: ${message}` }, text, c.paths[i]!) });
    const targets = asList(a.target);
    if (targets.length === 0) return bad('it has no target');
    const bodies = readBodies(a);
    if (bodies.labels.length === 0) {
      notices.push(`${file}: ${where} has no tagging body (no label): not imported`);
      continue;
    }
    let source: string | undefined;
    const ranges: { start: number; end: number }[] = [];
    let skipped: string | null = null;
    let entry: SourceEntry | undefined;
    for (const t of targets) {
      if (!isObject(t)) {
        skipped = 'its target is a whole resource, not a part of a text';
        break;
      }
      const s = sourceOf(t);
      if (s === undefined) return bad('a target has no "source"');
      if (source !== undefined && s !== source) return bad(`its targets are in different documents (${source}, ${s})`);
      source = s;
      entry = items.get(s);
      if (!entry) {
        const doc = resolve(s);
        if (!doc) return bad(`no document ${JSON.stringify(s)} (the target's source) to anchor it in`);
        const item: ImportedItem = { text: doc.text, layers: [] };
        const id = doc.id ?? s;
        if (isValidDocId(id)) item.id = id;
        if (doc.title !== undefined) item.title = doc.title;
        entry = { item, index: new CodePointIndex(doc.text), layers: new Map() };
        items.set(s, entry);
      }
      const anchored = anchor(t, entry.index);
      if (anchored.ok === 'skip') {
        skipped = anchored.message;
        break;
      }
      if (!anchored.ok) return bad(anchored.message);
      if (anchored.notice) notices.push(`${file}: ${where}: ${anchored.notice}`);
      ranges.push({ start: anchored.start, end: anchored.end });
    }
    if (skipped !== null) {
      notices.push(`${file}: ${where}: ${skipped}: not imported`);
      continue;
    }
    ranges.sort((x, y) => x.start - y.start || x.end - y.end);
    for (let k = 1; k < ranges.length; k++) {
      if (ranges[k]!.start < ranges[k - 1]!.end) return bad('its targets overlap');
    }
    const creator = creatorName(a.creator);
    let annotator: string | undefined;
    if (creator !== undefined && isValidAnnotator(creator)) annotator = creator;
    else if (creator !== undefined) notices.push(`${file}: ${where}: creator ${JSON.stringify(creator)} is not usable as an annotator name; the importing annotator's layer is used`);
    const key = annotator ?? '';
    let layer = entry!.layers.get(key);
    if (!layer) {
      layer = { spans: [], relations: [], comments: [] };
      if (annotator !== undefined) layer.annotator = annotator;
      entry!.layers.set(key, layer);
    }
    if (bodies.ignored > 0) notices.push(`${file}: ${where}: ${bodies.ignored} body(ies) other than tags, a note or JSON attributes not imported`);
    const id = spanIdOf(a.id);
    for (const [k, label] of bodies.labels.entries()) {
      const span: ImportedSpan = { label, start: ranges[0]!.start, end: ranges[ranges.length - 1]!.end };
      if (k === 0 && id !== undefined) span.id = id;
      if (ranges.length > 1) span.fragments = ranges.map((r) => ({ ...r }));
      if (Object.keys(bodies.attributes).length > 0) span.attributes = { ...bodies.attributes };
      if (bodies.notes.length > 0) span.note = bodies.notes.join('\n\n');
      layer.spans.push(span);
    }
  }
  const out: ImportedItem[] = [];
  for (const { item, layers } of items.values()) {
    if (layers.size === 0) continue;
    item.layers = [...layers.values()];
    const normalized = normalizeItem(item);
    if (normalized.changed) notices.push(`${file}: document ${item.id ?? ''}: line endings of the text normalised to \\n; offsets moved accordingly`);
    normalized.item.blocks = plainTextToBlocks(normalized.item.text);
    out.push(normalized.item);
  }
  return { ok: true, items: out, notices };
}
