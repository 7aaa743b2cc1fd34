// Deterministic generator of the benchmark's data (issue 5): one long analyst's report with
// 10,000 spans as a Gloss dataset, and a corpus of shorter reports annotated by three annotators
// as JSON lines, all from a seeded PRNG so that every run measures the same bytes.
//
//   npx tsx bench/generate.ts [--quick] [--out DIR]

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { codePointLength, CodePointIndex } from '../src/core/offsets';

/** How much to generate. */
export interface DataSize {
  /** Words in the long report (whitespace-separated tokens). */
  reportWords: number;
  /** Spans in the long report's layer (exactly). */
  reportSpans: number;
  /** Documents in the corpus. */
  corpusDocs: number;
  /** Words per corpus document (about). */
  corpusWords: number;
  /** Spans per corpus document per annotator (exactly). */
  corpusSpans: number;
  /** Annotator names of the corpus, one JSON-lines file each. */
  annotators: string[];
}

export const FULL_SIZE: DataSize = {
  reportWords: 100_000,
  reportSpans: 10_000,
  corpusDocs: 1_000,
  corpusWords: 700,
  corpusSpans: 100,
  annotators: ['a1', 'a2', 'a3'],
};

export const QUICK_SIZE: DataSize = {
  reportWords: 10_000,
  reportSpans: 1_000,
  corpusDocs: 50,
  corpusWords: 700,
  corpusSpans: 100,
  annotators: ['a1', 'a2', 'a3'],
};

/** Bump when the generated content changes, so that cached data is made again. */
export const GENERATOR_VERSION = 2;

/** What was written, and facts about it for the results. */
export interface GeneratedData {
  dir: string;
  /** The long report as a Gloss dataset (one document, one layer without an annotator). */
  reportFile: string;
  /** A short document imported before the report, so that opening the report is a click. */
  coverFile: string;
  corpusFiles: { annotator: string; file: string }[];
  report: {
    id: string;
    title: string;
    words: number;
    codePoints: number;
    utf16Units: number;
    utf8Bytes: number;
    blocks: number;
    paragraphs: number;
    headings: number;
    spans: number;
    /** Spans that overlap or nest with at least one other span. */
    overlappingOrNested: number;
    crossing: number;
    relations: number;
    astral: number;
    cyrillicWords: number;
    labels: Record<string, number>;
  };
  corpus: { documents: number; words: number; spansPerAnnotator: number; utf8Bytes: number };
}

// ---- PRNG: sfc32 seeded through splitmix32 (small, fast, good enough for test data) ----

/** A seeded random source. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    let h = 0x9e3779b9;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x85ebca6b) >>> 0;
    const next = (): number => {
      h = (h + 0x9e3779b9) >>> 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Fisher-Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

// ---- vocabulary of the reports' domain ----

const PERSONS = [
  'Emomali Rahmon', 'Kokhir Rasulzoda', 'Sirojiddin Muhriddin', 'Faiziddin Qahhorzoda', 'Zarina Nazarova',
  'Daler Juma', 'Sherali Kabir', 'Nilufar Safarova', 'Rustam Emomali', 'Olga Petrova', 'Dmitry Volkov',
  'Сергей Лавров', 'Михаил Мишустин', 'Алексей Оверчук', 'Jamshed Karimov', 'Manuchehr Saidov',
  'Anna Lindqvist', 'Tomasz Nowak', 'Farrukh Hamroev', 'Gulnora Tursunova',
];
const ORGS = [
  'Ministry of Finance', 'Ministry of Industry and New Technologies', 'World Bank', 'Asian Development Bank',
  'Eurasian Development Bank', 'National Bank of Tajikistan', 'Barki Tojik', 'TALCO', 'Agency on Statistics',
  'EBRD', 'Tajik Railways', 'State Committee on Investments', 'Минпромторг России', 'Росатом',
  'Газпром нефть', 'Customs Service', 'Chamber of Commerce', 'UNDP', 'Aga Khan Foundation', 'Tcell',
];
const LOCATIONS = [
  'Dushanbe', 'Khujand', 'Khatlon region', 'Sughd region', 'Rasht valley', 'Kulob', 'Bokhtar', 'Istaravshan',
  'Moscow', 'Kazan', 'Termez', 'Tashkent', 'Almaty', 'Gorno-Badakhshan', 'Москва', 'Душанбе', 'Худжанд',
  'Nurek', 'Rogun', 'Panj',
];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTHS_RU = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'];
const UNITS = ['tonnes of cement', 'laboratories', 'km of road', 'megawatts', 'new jobs', 'schools', 'hectares', 'wagons', 'households', 'apprentices'];
const PURPOSES = [
  'the modernisation of the aluminium smelter', 'rural water supply', 'the rehabilitation of the Nurek dam',
  'a joint venture producing buses', 'vocational training in the regions', 'cross-border trade facilities',
  'the digitisation of customs procedures', 'a cotton processing cluster', 'new power transmission lines',
  'small business lending',
];
const TOPICS = [
  'Industrial cooperation', 'Energy and water', 'Trade and customs', 'Labour migration', 'Public finance',
  'Transport corridors', 'Agriculture', 'Social media monitoring', 'Education and skills', 'Investment climate',
  'Regional security', 'Health services',
];
const FILLERS = [
  'The situation remains broadly stable, although analysts note continued pressure on prices.',
  'Officials did not respond to requests for comment before publication.',
  'Local observers describe the implementation as uneven and slower than announced.',
  'The figures could not be verified independently.',
  'Details of the financing arrangements have not been made public.',
  'This is consistent with the trend described in the previous reporting period.',
  'Several experts interviewed for this report questioned the feasibility of the timeline.',
  'The statement repeated commitments made at earlier bilateral meetings.',
  'Coverage in the regional press was limited and largely positive.',
  'Independent media reported delays at several construction sites.',
];
const FILLERS_RU = [
  'По оценкам экспертов, реализация проекта отстаёт от графика.',
  'Официальные лица отказались от комментариев.',
  'Стороны договорились продолжить консультации на уровне рабочих групп.',
];
const EMOJI = ['👍', '🔥', '😡', '🇹🇯', '🇷🇺', '📈', '⚡', '🏗️', '💰', '🙏'];
const VERBS = ['recorded', 'registered', 'delivered', 'commissioned', 'reported', 'completed', 'financed'];
const PLEDGES = ['pledged to allocate', 'committed to provide', 'announced plans to invest', 'agreed to finance', 'promised to disburse'];
const PLEDGES_RU = ['обязалось выделить', 'намерено инвестировать', 'пообещало направить'];
const COMMITMENT_STATUS = ['planned', 'in progress', 'completed', 'under consideration'] as const;

// ---- building a text with spans at code-point offsets ----

interface GenSpan {
  id: string;
  label: string;
  start: number;
  end: number;
  attributes: Record<string, string | number>;
  /** Part of a nesting or crossing structure: kept when thinning the spans out. */
  keep: boolean;
}

interface GenRelation {
  id: string;
  type: string;
  from: string;
  to: string;
}

/** Appends text and remembers spans, counting code points as it goes. */
class TextBuilder {
  private readonly parts: string[] = [];
  private cp = 0;
  /** Whitespace-separated tokens appended so far. */
  words = 0;
  private endsInWord = false;
  readonly spans: GenSpan[] = [];
  readonly relations: GenRelation[] = [];
  private spanSeq = 0;
  private relationSeq = 0;

  constructor(private readonly idPrefix: string) {}

  get offset(): number {
    return this.cp;
  }

  add(text: string): void {
    this.parts.push(text);
    this.cp += codePointLength(text);
    if (text === '') return;
    // A piece that continues the previous one's last word ("million" + ".") adds no word there.
    this.words += wordCount(text) - (this.endsInWord && !/^\s/.test(text) ? 1 : 0);
    this.endsInWord = !/\s$/.test(text);
  }

  /** Appends `text` as a span of `label`. */
  entity(label: string, text: string, attributes: Record<string, string | number> = {}, keep = false): GenSpan {
    const start = this.cp;
    this.add(text);
    return this.span(label, start, this.cp, attributes, keep);
  }

  span(label: string, start: number, end: number, attributes: Record<string, string | number> = {}, keep = false): GenSpan {
    const span: GenSpan = { id: `${this.idPrefix}${(++this.spanSeq).toString(36).padStart(4, '0')}`, label, start, end, attributes, keep };
    this.spans.push(span);
    return span;
  }

  relate(type: string, from: GenSpan, to: GenSpan): void {
    this.relations.push({ id: `${this.idPrefix}r${++this.relationSeq}`, type, from: from.id, to: to.id });
  }

  text(): string {
    return this.parts.join('');
  }
}

function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

function isoDate(y: number, m: number, d: number): string {
  return `${y}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Appends a date in one of the reports' styles, as a Date span. */
function date(b: TextBuilder, r: Random, keep = false): GenSpan {
  const y = r.int(2019, 2027);
  const m = r.int(0, 11);
  const d = r.int(1, 28);
  const style = r.int(0, 5);
  if (style === 0) return b.entity('Date', `${d} ${MONTHS[m]} ${y}`, { normalized: isoDate(y, m, d) }, keep);
  if (style === 1) return b.entity('Date', isoDate(y, m, d), { normalized: isoDate(y, m, d) }, keep);
  if (style === 2) return b.entity('Date', `Q${r.int(1, 4)} ${y}`, { normalized: `${y}` }, keep);
  if (style === 3) return b.entity('Date', `${MONTHS[m]} ${y}`, { normalized: `${y}-${String(m + 1).padStart(2, '0')}` }, keep);
  if (style === 4) return b.entity('Date', `${d} ${MONTHS_RU[m]} ${y} года`, { normalized: isoDate(y, m, d) }, keep);
  return b.entity('Date', `the end of ${y}`, { normalized: `${y}-12-31` }, keep);
}

function money(b: TextBuilder, r: Random, keep = false): GenSpan {
  const style = r.int(0, 4);
  if (style === 0) {
    const v = r.int(2, 950) / 10;
    return b.entity('Money', `$${v} million`, { value: Math.round(v * 1e6), currency: 'USD' }, keep);
  }
  if (style === 1) {
    const v = r.int(10, 990) * 1000;
    return b.entity('Money', `USD ${thousands(v)}`, { value: v, currency: 'USD' }, keep);
  }
  if (style === 2) {
    const v = r.int(1, 40) / 10;
    return b.entity('Money', `${v} billion somoni`, { value: Math.round(v * 1e9), currency: 'TJS' }, keep);
  }
  if (style === 3) {
    const v = r.int(5, 400) / 10;
    return b.entity('Money', `€${v} million`, { value: Math.round(v * 1e6), currency: 'EUR' }, keep);
  }
  const v = r.int(50, 900);
  return b.entity('Money', `${v} млн рублей`, { value: v * 1e6, currency: 'RUB' }, keep);
}

function percent(b: TextBuilder, r: Random, keep = false): GenSpan {
  const v = r.int(5, 650) / 10;
  return r.chance(0.8) ? b.entity('Percent', `${v}%`, { value: v }, keep) : b.entity('Percent', `${Math.round(v)} per cent`, { value: Math.round(v) }, keep);
}

function quantity(b: TextBuilder, r: Random, keep = false): GenSpan {
  const n = r.int(2, 12000);
  const unit = r.pick(UNITS);
  return b.entity('Quantity', `${thousands(n)} ${unit}`, { value: n, unit: unit.split(' ').slice(-1)[0]! }, keep);
}

function org(b: TextBuilder, r: Random, keep = false): GenSpan {
  const name = r.pick(ORGS);
  return b.entity('Organisation', name, { normalized: name }, keep);
}

function person(b: TextBuilder, r: Random, keep = false): GenSpan {
  const name = r.pick(PERSONS);
  return b.entity('Person', name, { normalized: name }, keep);
}

function place(b: TextBuilder, r: Random, keep = false): GenSpan {
  const name = r.pick(LOCATIONS);
  return b.entity('Location', name, { normalized: name }, keep);
}

/** A commitment clause: the Commitment span nests the actor, the amount and the date. */
function commitment(b: TextBuilder, r: Random): void {
  const start = b.offset;
  const russian = r.chance(0.15);
  const actor = r.chance(0.75) ? org(b, r, true) : person(b, r, true);
  b.add(` ${r.pick(russian ? PLEDGES_RU : PLEDGES)} `);
  const amount = r.chance(0.8) ? money(b, r, true) : quantity(b, r, true);
  b.add(russian ? ' на ' : ' for ');
  b.add(r.pick(PURPOSES));
  let when: GenSpan | null = null;
  if (r.chance(0.75)) {
    b.add(russian ? ' до ' : ' by ');
    when = date(b, r, true);
  }
  const c = b.span('Commitment', start, b.offset, { status: r.pick(COMMITMENT_STATUS) }, true);
  b.relate('actor', c, actor);
  b.relate('amount', c, amount);
  if (when) b.relate('when', c, when);
}

/**
 * Which sentence to write. Commitments (a span nesting two or three others) and crossing pairs
 * are rare enough that about 10% of the spans overlap or nest.
 */
function sentenceKind(r: Random): number {
  const x = r.next();
  if (x < 0.034) return 4;
  if (x < 0.043) return 8;
  return r.pick([0, 1, 2, 3, 6, 7, 9, 10, 11, 12, 13, 14, 15]);
}

/** One sentence (no leading or trailing space). */
function sentence(b: TextBuilder, r: Random): void {
  const kind = sentenceKind(r);
  switch (kind) {
    case 0:
    case 1:
      org(b, r);
      b.add(` ${r.pick(VERBS)} `);
      quantity(b, r);
      b.add(' in ');
      place(b, r);
      b.add(' in ');
      date(b, r);
      b.add('.');
      break;
    case 2:
    case 3:
      b.add('According to ');
      person(b, r);
      b.add(', ');
      percent(b, r);
      b.add(' of the enterprises in ');
      place(b, r);
      b.add(' increased their output compared with ');
      date(b, r);
      b.add('.');
      break;
    case 4:
      commitment(b, r);
      b.add('.');
      break;
    case 6:
      b.add('По данным ');
      org(b, r);
      b.add(', объём торговли вырос на ');
      percent(b, r);
      b.add(' и составил ');
      money(b, r);
      b.add('.');
      break;
    case 7:
      b.add(`Posts mentioning `);
      place(b, r);
      b.add(` gained ${thousands(r.int(100, 90000))} reactions ${r.pick(EMOJI)} ${r.pick(EMOJI)} within a week, mostly from accounts linked to `);
      org(b, r);
      b.add('.');
      break;
    case 8: {
      // Crossing spans: the Organisation and the Location share words, neither inside the other.
      const loc = r.pick(LOCATIONS);
      const start = b.offset;
      b.add(`the ${loc} regional administration`);
      const locStart = start + codePointLength('the ');
      b.span('Location', locStart, locStart + codePointLength(`${loc} regional`), { normalized: loc }, true);
      b.span('Organisation', locStart + codePointLength(`${loc} `), b.offset, { normalized: `${loc} administration` }, true);
      b.add(' confirmed that ');
      money(b, r);
      b.add(' had been transferred.');
      break;
    }
    case 9:
      person(b, r);
      b.add(', speaking in ');
      place(b, r);
      b.add(', said the project would create ');
      quantity(b, r);
      b.add(` by ${r.int(2025, 2030)}.`);
      break;
    case 10:
      b.add('Imports from ');
      place(b, r);
      b.add(' reached ');
      money(b, r);
      b.add(` in ${MONTHS[r.int(0, 11)]}, up `);
      percent(b, r);
      b.add(' year on year.');
      break;
    case 11:
    case 12:
      b.add(r.pick(FILLERS));
      break;
    case 13:
      b.add(r.pick(FILLERS_RU));
      break;
    default:
      b.add(`The ${r.pick(['second', 'third', 'fourth'])} phase, worth `);
      money(b, r);
      b.add(', is due to start on ');
      date(b, r);
      b.add(' and will involve ');
      org(b, r);
      b.add(' and ');
      org(b, r);
      b.add('.');
  }
}

type BlockKind = 'heading' | 'paragraph' | 'list-item';
interface GenBlock {
  type: BlockKind;
  start: number;
  end: number;
  level?: number;
}

/** A document's text and blocks, paragraphs separated by blank lines. */
function writeDocument(b: TextBuilder, r: Random, words: number, title: string, blocks: GenBlock[], minSpans = 0): void {
  const block = (type: BlockKind, write: () => void, level?: number): void => {
    if (blocks.length > 0) b.add('\n\n');
    const start = b.offset;
    write();
    blocks.push({ type, start, end: b.offset, ...(level !== undefined ? { level } : {}) });
  };
  block('heading', () => b.add(title), 1);
  let section = 0;
  let sinceHeading = 0;
  while (b.words < words || b.spans.length < minSpans) {
    if (sinceHeading === 0 || (sinceHeading > 8 && r.chance(0.12))) {
      section++;
      sinceHeading = 0;
      const level = section > 1 && r.chance(0.3) ? 3 : 2;
      block('heading', () => b.add(`${section}. ${r.pick(TOPICS)}${r.chance(0.1) ? ' 📊' : ''}`), level);
    }
    if (r.chance(0.06)) {
      for (let i = r.int(2, 4); i > 0; i--) block('list-item', () => sentence(b, r), 1);
    }
    block('paragraph', () => {
      const n = r.int(1, 4);
      for (let i = 0; i < n; i++) {
        if (i > 0) b.add(' ');
        sentence(b, r);
      }
    });
    sinceHeading++;
  }
}

/** Thin `spans` out to exactly `count`, dropping only spans not in a nesting/crossing structure. */
function thin(spans: GenSpan[], count: number, r: Random, what: string): GenSpan[] {
  if (process.env.GLOSS_BENCH_DEBUG) console.error(`${what}: ${spans.length} candidates, ${spans.filter((s) => s.keep).length} kept`);
  if (spans.length < count) throw new Error(`${what}: only ${spans.length} candidate spans for ${count}: make the text denser`);
  const free = r.shuffle(spans.filter((s) => !s.keep));
  const drop = new Set(free.slice(0, spans.length - count).map((s) => s.id));
  if (drop.size < spans.length - count) throw new Error(`${what}: too many kept spans to thin out to ${count}`);
  return spans.filter((s) => !drop.has(s.id));
}

/** Spans that overlap or nest with another (sweep over spans sorted by start). */
function overlapStats(spans: readonly GenSpan[]): { involved: number; crossing: number } {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const involved = new Set<string>();
  let crossing = 0;
  const open: GenSpan[] = [];
  for (const s of sorted) {
    for (let i = open.length - 1; i >= 0; i--) if (open[i]!.end <= s.start) open.splice(i, 1);
    for (const o of open) {
      involved.add(o.id);
      involved.add(s.id);
      if (s.end > o.end) crossing++;
    }
    open.push(s);
  }
  return { involved: involved.size, crossing };
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Generate everything into `dir` (created). Deterministic for a given size and seed. */
export function generate(dir: string, size: DataSize, seed = 'gloss-bench-1'): GeneratedData {
  mkdirSync(join(dir, 'corpus'), { recursive: true });
  const r = new Random(seed);

  // The long report.
  const b = new TextBuilder('s');
  const blocks: GenBlock[] = [];
  const title = 'Tajikistan: economic and industrial cooperation, annual monitoring report';
  writeDocument(b, r, size.reportWords, title, blocks);
  const text = b.text();
  const spans = thin(b.spans, size.reportSpans, r, 'report');
  const kept = new Set(spans.map((s) => s.id));
  const relations = b.relations.filter((rel) => kept.has(rel.from) && kept.has(rel.to));
  const index = new CodePointIndex(text);
  const reportId = 'annual-monitoring-report';
  const dataset = {
    format: 'gloss.dataset',
    version: 1,
    offsetUnit: 'codepoint',
    exportedAt: '2025-01-01T00:00:00.000Z',
    documents: [
      {
        id: reportId,
        title,
        text,
        blocks,
        meta: { source: 'annual-monitoring-report.txt', format: 'txt', language: 'en' },
        layers: [
          {
            status: 'in-progress',
            spans: [...spans]
              .sort((x, y) => x.start - y.start || x.end - y.end || x.label.localeCompare(y.label) || x.id.localeCompare(y.id))
              .map((s) => ({ id: s.id, label: s.label, start: s.start, end: s.end, quote: index.slice(s.start, s.end), attributes: s.attributes })),
            relations,
            comments: [],
          },
        ],
      },
    ],
  };
  const reportFile = join(dir, 'report.gloss.json');
  writeFileSync(reportFile, JSON.stringify(dataset) + '\n');
  const coverFile = join(dir, '00-cover-note.txt');
  writeFileSync(
    coverFile,
    'Cover note\n\nThis workspace holds the annual monitoring report for the benchmark. ' +
      'Open the report from the list on the left; this note is opened first so that opening the report is a click.\n',
  );

  const labels: Record<string, number> = {};
  for (const s of spans) labels[s.label] = (labels[s.label] ?? 0) + 1;
  const stats = overlapStats(spans);

  // The corpus: the same texts for every annotator; each annotator keeps a different subset of
  // the candidate spans and labels a few of them differently (so that agreement has work to do).
  const lines = new Map<string, string[]>(size.annotators.map((a) => [a, []]));
  let corpusWords = 0;
  let corpusBytes = 0;
  for (let d = 0; d < size.corpusDocs; d++) {
    const db = new TextBuilder('c');
    const docBlocks: GenBlock[] = [];
    const docTitle = `Monitoring note ${String(d + 1).padStart(4, '0')}: ${r.pick(TOPICS)}`;
    const candidateCount = Math.round(size.corpusSpans * 1.1);
    writeDocument(db, r, size.corpusWords, docTitle, docBlocks, candidateCount);
    const docText = db.text();
    corpusWords += wordCount(docText);
    const candidates = thin(db.spans, candidateCount, r, `corpus document ${d + 1}`);
    const id = `note-${String(d + 1).padStart(4, '0')}`;
    for (const annotator of size.annotators) {
      const mine = r.shuffle([...candidates]).slice(0, size.corpusSpans);
      const out = mine
        .sort((x, y) => x.start - y.start || x.end - y.end)
        .map((s) => {
          const relabel = r.chance(0.05);
          const label = relabel ? r.pick(['Person', 'Organisation', 'Location', 'Money', 'Percent', 'Quantity', 'Date', 'Commitment'].filter((l) => l !== s.label)) : s.label;
          return { start: s.start, end: s.end, label };
        });
      const line = JSON.stringify({ text: docText, spans: out, meta: { id, title: docTitle } });
      corpusBytes += Buffer.byteLength(line) + 1;
      lines.get(annotator)!.push(line);
    }
  }
  const corpusFiles = size.annotators.map((annotator) => {
    const file = join(dir, 'corpus', `${annotator}.jsonl`);
    writeFileSync(file, lines.get(annotator)!.join('\n') + '\n');
    return { annotator, file };
  });

  return {
    dir,
    reportFile,
    coverFile,
    corpusFiles,
    report: {
      id: reportId,
      title,
      words: wordCount(text),
      codePoints: index.length,
      utf16Units: text.length,
      utf8Bytes: Buffer.byteLength(text),
      blocks: blocks.length,
      paragraphs: blocks.filter((x) => x.type === 'paragraph').length,
      headings: blocks.filter((x) => x.type === 'heading').length,
      spans: spans.length,
      overlappingOrNested: stats.involved,
      crossing: stats.crossing,
      relations: relations.length,
      astral: index.utf16Length - index.length,
      cyrillicWords: (text.match(/[\u0400-\u04ff]+/g) ?? []).length,
      labels,
    },
    corpus: { documents: size.corpusDocs, words: corpusWords, spansPerAnnotator: size.corpusDocs * size.corpusSpans, utf8Bytes: corpusBytes },
  };
}

function main(argv: string[]): void {
  const quick = argv.includes('--quick');
  const outIndex = argv.indexOf('--out');
  const dir = resolve(outIndex >= 0 && argv[outIndex + 1] ? argv[outIndex + 1]! : join(import.meta.dirname, '.data', quick ? 'quick' : 'full'));
  const started = performance.now();
  const data = generate(dir, quick ? QUICK_SIZE : FULL_SIZE);
  writeFileSync(join(dir, 'generated.json'), JSON.stringify({ version: GENERATOR_VERSION, quick, ...data }, null, 2) + '\n');
  console.log(JSON.stringify(data.report, null, 2));
  console.log(`corpus: ${JSON.stringify(data.corpus)}`);
  console.log(`written to ${dir} in ${Math.round(performance.now() - started)} ms`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main(process.argv.slice(2));
