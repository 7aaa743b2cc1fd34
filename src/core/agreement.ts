// Inter-annotator agreement as DESIGN.md §5 defines it: exact-match span precision/recall/F1 per
// annotator pair and label, and token-level Cohen's kappa, Fleiss' kappa and Krippendorff's alpha
// (nominal). One implementation for the CLI and the app; the statistics also work on plain data.
//
// Undefined values are null, never NaN: F1 when neither side has a span, precision (recall) when
// b (a) has none, and a kappa/alpha when there is nothing to compare or only one category was ever
// used (zero expected disagreement: the coefficient is 0/0, and "perfect" would be a guess).

import type { Fragment } from './model';
import { CodePointIndex } from './offsets';
import { forEachWordSegment } from './words';

/** The value of a token that no span of the annotator overlaps. */
export const OUTSIDE = 'O';

// ---------------------------------------------------------------------------------------------
// Statistics over plain data

/**
 * Cohen's kappa of two raters from their paired values (one pair per item both rated).
 * Null when there are no pairs or both raters used one and the same category throughout.
 */
export function cohenKappa<T>(pairs: Iterable<readonly [T, T]>): number | null {
  const codes = new Interner<T>();
  const tally = new CohenTally();
  for (const [a, b] of pairs) tally.add(codes.code(a), codes.code(b));
  return tally.kappa();
}

/**
 * Fleiss' kappa from a subjects × categories matrix of counts (how many raters put subject i in
 * category j); every row must sum to the same number of raters. Null when there are no subjects,
 * fewer than two raters, or every rating fell in one category.
 */
export function fleissKappa(counts: readonly (readonly number[])[]): number | null {
  const tally = new FleissTally();
  for (const row of counts) tally.addCounts(row);
  return tally.kappa();
}

/**
 * Krippendorff's alpha for nominal data. `units` holds, per unit, the values the coders gave it;
 * null/undefined is a missing value. Units with fewer than two values are not pairable and are
 * left out, as Krippendorff prescribes. Null when no unit is pairable or only one value occurs.
 */
export function krippendorffAlphaNominal<T>(units: Iterable<readonly (T | null | undefined)[]>): number | null {
  const codes = new Interner<T>();
  const tally = new AlphaTally();
  const scratch: number[] = [];
  for (const unit of units) {
    let m = 0;
    for (const value of unit) if (value !== null && value !== undefined) scratch[m++] = codes.code(value);
    tally.addUnit(scratch, m);
  }
  return tally.alpha();
}

/** Maps values to small integer codes (0, 1, ...) in order of first appearance. */
class Interner<T> {
  private readonly codes = new Map<T, number>();
  code(value: T): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.codes.size;
      this.codes.set(value, code);
    }
    return code;
  }
}

/** A count per value code, as plain data: no holes (a missing code counts 0). */
function dense(counts: readonly (number | undefined)[]): number[] {
  return Array.from(counts, (c) => c ?? 0);
}

/** Add `counts` into `into`, code c of `counts` to code map[c] of `into` (no map: the same code). */
function addMapped(into: number[], counts: readonly (number | undefined)[], map?: readonly number[]): void {
  for (let c = 0; c < counts.length; c++) {
    const count = counts[c] ?? 0;
    if (count === 0) continue;
    const to = map ? map[c]! : c;
    into[to] = (into[to] ?? 0) + count;
  }
}

/** CohenTally's counts as plain data. */
export interface CohenState {
  n: number;
  agreed: number;
  totalsA: number[];
  totalsB: number[];
}

/** FleissTally's counts as plain data. */
export interface FleissState {
  subjects: number;
  raters: number;
  sumSquares: number;
  totals: number[];
}

/** AlphaTally's sums as plain data. */
export interface AlphaState {
  values: number;
  totals: number[];
  /** Per number of values m in a unit, Σ (m² − Σ_c m_uc²) over those units (whole numbers). */
  offDiagonal: number[];
  units: number;
}

/** Agreement table of two raters, kept as the counts kappa needs. */
class CohenTally {
  private n = 0;
  private agreed = 0;
  private readonly totalsA: number[] = [];
  private readonly totalsB: number[] = [];

  add(a: number, b: number): void {
    this.n++;
    if (a === b) this.agreed++;
    this.totalsA[a] = (this.totalsA[a] ?? 0) + 1;
    this.totalsB[b] = (this.totalsB[b] ?? 0) + 1;
  }

  get items(): number {
    return this.n;
  }

  state(): CohenState {
    return { n: this.n, agreed: this.agreed, totalsA: dense(this.totalsA), totalsB: dense(this.totalsB) };
  }

  /** Add another tally's counts, its value codes mapped to this one's by `map`. */
  merge(other: CohenState, map: readonly number[]): void {
    this.n += other.n;
    this.agreed += other.agreed;
    addMapped(this.totalsA, other.totalsA, map);
    addMapped(this.totalsB, other.totalsB, map);
  }

  kappa(): number | null {
    const n = this.n;
    if (n === 0) return null;
    let chance = 0;
    for (let c = 0; c < this.totalsA.length; c++) chance += (this.totalsA[c] ?? 0) * (this.totalsB[c] ?? 0);
    // (po - pe) / (1 - pe) with po = agreed/n, pe = chance/n², in counts: exact zero test.
    const denominator = n * n - chance;
    return denominator === 0 ? null : (n * this.agreed - chance) / denominator;
  }
}

/** Fleiss (1971): subjects rated by the same number of raters each. */
class FleissTally {
  private subjects = 0;
  private raters = -1;
  /** Σ over subjects and categories of n_ij². */
  private sumSquares = 0;
  private readonly totals: number[] = [];

  /** A subject as counts per category. */
  addCounts(row: readonly number[]): void {
    let raters = 0;
    for (let j = 0; j < row.length; j++) {
      const count = row[j]!;
      if (!Number.isInteger(count) || count < 0) throw new Error(`fleissKappa: count ${count} is not a non-negative integer`);
      raters += count;
      this.sumSquares += count * count;
      this.totals[j] = (this.totals[j] ?? 0) + count;
    }
    this.countSubject(raters);
  }

  /** A subject as the category codes its raters gave (the first m of `values`). */
  addRatings(values: readonly number[], m: number): void {
    for (let i = 0; i < m; i++) {
      const v = values[i]!;
      this.totals[v] = (this.totals[v] ?? 0) + 1;
      // n_ij² summed over categories = ordered pairs (i, i') of raters with equal values, i = i' included.
      for (let k = 0; k < m; k++) if (values[k] === v) this.sumSquares++;
    }
    this.countSubject(m);
  }

  private countSubject(raters: number): void {
    this.countSubjects(raters, 1);
  }

  private countSubjects(raters: number, subjects: number): void {
    if (this.raters >= 0 && raters !== this.raters) {
      throw new Error(`fleissKappa: every subject needs the same number of raters (${this.raters}, then ${raters})`);
    }
    this.raters = raters;
    this.subjects += subjects;
  }

  get items(): number {
    return this.subjects;
  }

  state(): FleissState {
    return { subjects: this.subjects, raters: this.raters, sumSquares: this.sumSquares, totals: dense(this.totals) };
  }

  /** Add another tally's subjects (rated by as many raters), its category codes mapped by `map`. */
  merge(other: FleissState, map: readonly number[]): void {
    if (other.subjects === 0) return;
    this.countSubjects(other.raters, other.subjects);
    this.sumSquares += other.sumSquares;
    addMapped(this.totals, other.totals, map);
  }

  kappa(): number | null {
    const N = this.subjects;
    const n = this.raters;
    if (N === 0 || n < 2) return null;
    const ratings = N * n;
    let squaredTotals = 0;
    for (const t of this.totals) squaredTotals += (t ?? 0) * (t ?? 0);
    if (ratings * ratings === squaredTotals) return null;
    const observed = (this.sumSquares - ratings) / (ratings * (n - 1));
    const chance = squaredTotals / (ratings * ratings);
    return (observed - chance) / (1 - chance);
  }
}

/** Krippendorff's nominal alpha through the coincidence matrix, kept as marginal sums. */
class AlphaTally implements AlphaState {
  /** Pairable values n. */
  values = 0;
  /** n_c: pairable values per category. */
  readonly totals: number[] = [];
  /**
   * The off-diagonal coincidences, Σ over units of (m_u² - Σ_c m_uc²) / (m_u - 1), kept as whole
   * numerators by m_u and divided only at the end: the same sum in whatever order units come (the
   * sums of worker threads are merged, ADR 0018), where adding up fractions like 8/3 would not be.
   */
  readonly offDiagonal: number[] = [];
  units = 0;

  /** A unit with the first m entries of `values` as its (present) values. */
  addUnit(values: readonly number[], m: number): void {
    if (m < 2) return;
    let equalPairs = 0;
    for (let i = 0; i < m; i++) {
      const v = values[i]!;
      this.totals[v] = (this.totals[v] ?? 0) + 1;
      for (let k = 0; k < m; k++) if (values[k] === v) equalPairs++;
    }
    this.values += m;
    this.offDiagonal[m] = (this.offDiagonal[m] ?? 0) + (m * m - equalPairs);
    this.units++;
  }

  /** Add another tally's units (e.g. one document's to the whole's), its value codes mapped to this one's by `map` (default: the same). */
  addAll(other: AlphaState, map?: readonly number[]): void {
    this.values += other.values;
    addMapped(this.offDiagonal, other.offDiagonal);
    this.units += other.units;
    addMapped(this.totals, other.totals, map);
  }

  state(): AlphaState {
    return { values: this.values, totals: dense(this.totals), offDiagonal: dense(this.offDiagonal), units: this.units };
  }

  get items(): number {
    return this.units;
  }

  alpha(): number | null {
    const n = this.values;
    if (n === 0) return null;
    let squaredTotals = 0;
    for (const t of this.totals) squaredTotals += (t ?? 0) * (t ?? 0);
    const expected = n * n - squaredTotals;
    let disagreement = 0;
    for (let m = 2; m < this.offDiagonal.length; m++) disagreement += (this.offDiagonal[m] ?? 0) / (m - 1);
    // alpha = 1 - Do/De, Do = disagreement/n, De = expected/(n(n-1)).
    return expected === 0 ? null : 1 - ((n - 1) * disagreement) / expected;
  }
}

// ---------------------------------------------------------------------------------------------
// Tokens

/** A word-like segment of a text, in code points, end exclusive. */
export interface Token {
  start: number;
  end: number;
}

/** Tokens as two parallel ascending arrays (code points): cheap to build and to binary-search. */
interface TokenArrays {
  starts: number[];
  ends: number[];
}

/** The word-like segments of `text` (Intl.Segmenter, granularity "word"), in code points. */
export function wordTokens(text: string, language?: string): Token[] {
  const { starts, ends } = tokenize(text, language);
  return starts.map((start, i) => ({ start, end: ends[i]! }));
}

/**
 * Exactly the word-like segments of Intl.Segmenter, faster: iterating the segmenter over a whole
 * report costs microseconds per segment, too slow for a thousand documents, so runs of letters,
 * digits and ASCII punctuation are segmented directly (words.ts) and only the others ask the
 * segmenter. The tests compare the result with the plain segmenter.
 */
function tokenize(text: string, language: string | undefined): TokenArrays {
  const index = new CodePointIndex(text);
  const starts: number[] = [];
  const ends: number[] = [];
  forEachWordSegment(text, language, (start, end, wordLike) => {
    if (!wordLike) return;
    // Astral characters before the word make its code-point offsets smaller than its UTF-16 ones.
    starts.push(index.toCodePoint(start));
    ends.push(index.toCodePoint(end));
  });
  return { starts, ends };
}

/**
 * Each word-like token of `text` with its value for one annotator: the label of the shortest span
 * overlapping it (ties: label name order), OUTSIDE if none. What kappa and alpha compare.
 */
export function tokenLabels(text: string, spans: readonly AgreementSpan[], language?: string): (Token & { label: string })[] {
  const tokens = tokenize(text, language);
  const names: string[] = [OUTSIDE];
  const codes = new Map<string, number>();
  const codeOf = (label: string): number => {
    let code = codes.get(label);
    if (code === undefined) {
      code = names.push(label) - 1;
      codes.set(label, code);
    }
    return code;
  };
  const { values } = prepareLayer({ annotator: '', spans }, tokens, codeOf, names);
  return tokens.starts.map((start, t) => ({ start, end: tokens.ends[t]!, label: names[values[t]!]! }));
}

/** Index of the first token whose end is after `offset` (tokens do not overlap: ends ascend). */
function firstTokenEndingAfter(ends: readonly number[], offset: number): number {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------
// Agreement over documents

/** What agreement needs of a span. */
export interface AgreementSpan {
  label: string;
  start: number;
  end: number;
  fragments?: readonly Fragment[] | undefined;
}

/** What agreement needs of a layer (a Layer fits). */
export interface AgreementLayer {
  annotator: string;
  spans: readonly AgreementSpan[];
}

/** One document with the layers that exist for it; an annotator without a layer here is missing. */
export interface AgreementDocument {
  id: string;
  title?: string | undefined;
  text: string;
  /** BCP 47 tag for word segmentation (document meta.language); default "en". */
  language?: string | undefined;
  layers: readonly AgreementLayer[];
}

/** Exact-match span counts of a pair for one label. */
export interface LabelCounts {
  tp: number;
  onlyA: number;
  onlyB: number;
  /** 2tp / (2tp + onlyA + onlyB); null when neither side has a span of the label. */
  f1: number | null;
}

/** Agreement of annotators a and b, summed over the documents where both have a layer. */
export interface PairAgreement {
  a: string;
  b: string;
  tp: number;
  onlyA: number;
  onlyB: number;
  /** tp / |b's spans| (a taken as the reference); null when b has none. */
  precision: number | null;
  /** tp / |a's spans|; null when a has none. */
  recall: number | null;
  /** 2tp / (|A| + |B|); null when neither has a span. */
  f1: number | null;
  /** Token-level Cohen's kappa over the tokens both valued. */
  cohenKappa: number | null;
  /** Tokens both valued. */
  tokens: number;
  /** Per label (sorted by name), the labels either side used. */
  byLabel: Record<string, LabelCounts>;
}

/** One document's agreement, for "documents sorted worst agreement first". */
export interface DocumentAgreement {
  document: string;
  title: string;
  /** The chosen annotators with a layer for this document (at least two). */
  annotators: string[];
  /** Distinct spans (label, range, fragments) not chosen by all of them. */
  disagreements: number;
  /** Span F1 over the document's pairs: 2Σtp / Σ(|A| + |B|); null when nobody marked anything. */
  f1: number | null;
  /** Krippendorff's alpha over the document's tokens. */
  krippendorffAlpha: number | null;
  tokens: number;
}

/** The whole agreement report. The names of the first keys are the CLI's JSON contract (issue 4). */
export interface AgreementResult {
  annotators: string[];
  /** Documents where at least two of the annotators have a layer (the ones compared). */
  documents: number;
  pairs: PairAgreement[];
  /** Over tokens valued by all the annotators. */
  fleissKappa: number | null;
  /** Nominal, over tokens valued by at least two annotators. */
  krippendorffAlpha: number | null;
  /** Tokens Fleiss' kappa was computed over. */
  fleissTokens: number;
  /** Tokens (pairable units) Krippendorff's alpha was computed over. */
  krippendorffTokens: number;
  /** Per label, summed over all pairs. */
  byLabel: Record<string, LabelCounts>;
  /** The compared documents, worst agreement first (lowest F1, then lowest alpha; nulls last). */
  byDocument: DocumentAgreement[];
}

/** A layer prepared once per document: its spans in identity order and its token values. */
interface PreparedLayer {
  /** Sorted by compareIdentity, so two layers match in one merge walk. */
  spans: AgreementSpan[];
  /** The label code of each span of `spans`. */
  codes: Int32Array;
  /** Per token, the code of its value (0 = OUTSIDE). */
  values: Int32Array;
}

/** Span counts per label code: matched, a's, b's. */
export interface LabelSums {
  tp: number[];
  a: number[];
  b: number[];
}

/**
 * An AgreementAccumulator's sums as plain data (structured-cloneable): what an accumulator over
 * some documents (e.g. in a worker thread) hands to another's `merge`. Codes index `labelNames`.
 */
export interface AgreementTallies {
  /** Value code -> label; code 0 is OUTSIDE. */
  labelNames: string[];
  compared: number;
  pairs: { a: string; b: string; tp: number; spansA: number; spansB: number; byLabel: LabelSums; cohen: CohenState }[];
  /** Fleiss tallies by the annotators (JSON of their names, in order) that valued the tokens. */
  fleiss: { set: string; tally: FleissState }[];
  alpha: AlphaState;
  byDocument: DocumentAgreement[];
}

/** Running sums of one pair. */
interface PairTally {
  tp: number;
  spansA: number;
  spansB: number;
  byLabel: LabelSums;
  cohen: CohenTally;
}

/**
 * Agreement of `annotators` (two or more, distinct; pairs follow their order) over `documents`.
 * Runs in time linear in text and spans: each document is segmented once, each span finds its
 * tokens by binary search, and two layers match in one walk over their sorted spans.
 */
export function computeAgreement(documents: readonly AgreementDocument[], annotators: readonly string[]): AgreementResult {
  const accumulator = new AgreementAccumulator(annotators);
  for (const doc of documents) accumulator.add(doc);
  return accumulator.result();
}

function emptyPairTally(): PairTally {
  return { tp: 0, spansA: 0, spansB: 0, byLabel: { tp: [], a: [], b: [] }, cohen: new CohenTally() };
}

/**
 * computeAgreement one document at a time, so that a workspace is never held whole: `add` each
 * document, then `result`. Given the annotators, it compares their layers, in their order.
 * Without them, it compares every layer it is given, annotators in name order, and the list is
 * only known at the end (the annotators found), so what depends on it waits: pairs are kept by
 * name, and Fleiss' tokens by the set of annotators that valued them.
 */
export class AgreementAccumulator {
  // Value codes: 0 is OUTSIDE, labels get 1, 2, ... ; names are kept to break ties by name.
  private readonly labelCodes = new Map<string, number>();
  private readonly labelNames: string[] = [OUTSIDE];
  /** Pair tallies by a's name, then b's, a before b in the report's order. */
  private readonly pairTallies = new Map<string, Map<string, PairTally>>();
  /** Fleiss tallies by the annotators (JSON of their names, in order) that valued the tokens. */
  private readonly fleissBySet = new Map<string, FleissTally>();
  private readonly alpha = new AlphaTally();
  private readonly byDocument: DocumentAgreement[] = [];
  private readonly scratch: number[] = [];
  private compared = 0;

  constructor(private readonly annotators?: readonly string[]) {
    if (annotators && new Set(annotators).size !== annotators.length) throw new Error('computeAgreement: annotators must be distinct');
  }

  private readonly codeOf = (label: string): number => {
    let code = this.labelCodes.get(label);
    if (code === undefined) {
      code = this.labelNames.length;
      this.labelCodes.set(label, code);
      this.labelNames.push(label);
    }
    return code;
  };

  private pairTally(a: string, b: string): PairTally {
    let byB = this.pairTallies.get(a);
    if (!byB) this.pairTallies.set(a, (byB = new Map()));
    let tally = byB.get(b);
    if (!tally) byB.set(b, (tally = emptyPairTally()));
    return tally;
  }

  /** The document's layers that are compared, in the report's order. */
  private comparedLayers(doc: AgreementDocument): AgreementLayer[] {
    const twice = (layer: AgreementLayer): Error => new Error(`computeAgreement: two layers of ${layer.annotator} for document ${doc.id}`);
    if (!this.annotators) {
      const layers = [...doc.layers].sort((x, y) => compareStrings(x.annotator, y.annotator));
      for (let i = 1; i < layers.length; i++) if (layers[i]!.annotator === layers[i - 1]!.annotator) throw twice(layers[i]!);
      return layers;
    }
    const slots: (AgreementLayer | undefined)[] = this.annotators.map(() => undefined);
    for (const layer of doc.layers) {
      const at = this.annotators.indexOf(layer.annotator);
      if (at < 0) continue;
      if (slots[at]) throw twice(layer);
      slots[at] = layer;
    }
    return slots.filter((l) => l !== undefined);
  }

  /** Add one document: compared when at least two of the annotators have a layer on it. */
  add(doc: AgreementDocument): void {
    const layers = this.comparedLayers(doc);
    if (layers.length < 2) return;
    this.compared++;

    const tokens = tokenize(doc.text, doc.language);
    const prepared = layers.map((layer) => prepareLayer(layer, tokens, this.codeOf, this.labelNames));

    // Spans, per pair.
    let docTp = 0;
    let docSpans = 0;
    for (let i = 0; i < layers.length; i++) {
      for (let j = i + 1; j < layers.length; j++) {
        const a = prepared[i]!;
        const b = prepared[j]!;
        const tally = this.pairTally(layers[i]!.annotator, layers[j]!.annotator);
        const tp = matchSpans(a, b, tally.byLabel);
        tally.tp += tp;
        tally.spansA += a.spans.length;
        tally.spansB += b.spans.length;
        docTp += tp;
        docSpans += a.spans.length + b.spans.length;
        // Tokens: both valued everywhere in this document.
        const cohen = tally.cohen;
        for (let t = 0; t < tokens.starts.length; t++) cohen.add(a.values[t]!, b.values[t]!);
      }
    }

    // Tokens, all annotators at once.
    const names = layers.map((l) => l.annotator);
    const set = JSON.stringify(names);
    let fleiss = this.fleissBySet.get(set);
    if (!fleiss) this.fleissBySet.set(set, (fleiss = new FleissTally()));
    const docAlpha = new AlphaTally();
    const scratch = this.scratch;
    for (let t = 0; t < tokens.starts.length; t++) {
      let k = 0;
      for (const p of prepared) scratch[k++] = p.values[t]!;
      docAlpha.addUnit(scratch, k);
      fleiss.addRatings(scratch, k);
    }
    this.alpha.addAll(docAlpha);

    this.byDocument.push({
      document: doc.id,
      title: doc.title ?? doc.id,
      annotators: names,
      disagreements: countDisagreements(prepared),
      f1: docSpans === 0 ? null : (2 * docTp) / docSpans,
      krippendorffAlpha: docAlpha.alpha(),
      tokens: tokens.starts.length,
    });
  }

  /** The sums so far, as plain data for another accumulator's `merge`. */
  tallies(): AgreementTallies {
    const pairs: AgreementTallies['pairs'] = [];
    for (const [a, byB] of this.pairTallies) {
      for (const [b, t] of byB) {
        const byLabel = { tp: dense(t.byLabel.tp), a: dense(t.byLabel.a), b: dense(t.byLabel.b) };
        pairs.push({ a, b, tp: t.tp, spansA: t.spansA, spansB: t.spansB, byLabel, cohen: t.cohen.state() });
      }
    }
    return {
      labelNames: [...this.labelNames],
      compared: this.compared,
      pairs,
      fleiss: [...this.fleissBySet].map(([set, tally]) => ({ set, tally: tally.state() })),
      alpha: this.alpha.state(),
      byDocument: [...this.byDocument],
    };
  }

  /**
   * Add the sums of an accumulator over other documents, made with the same annotators (or none):
   * the report is then the one over both sets of documents, exactly (the sums are counts).
   */
  merge(other: AgreementTallies): void {
    // Its label codes to ours: OUTSIDE stays 0 (a label may be named "O" too).
    const map = other.labelNames.map((name, code) => (code === 0 ? 0 : this.codeOf(name)));
    for (const p of other.pairs) {
      const tally = this.pairTally(p.a, p.b);
      tally.tp += p.tp;
      tally.spansA += p.spansA;
      tally.spansB += p.spansB;
      addMapped(tally.byLabel.tp, p.byLabel.tp, map);
      addMapped(tally.byLabel.a, p.byLabel.a, map);
      addMapped(tally.byLabel.b, p.byLabel.b, map);
      tally.cohen.merge(p.cohen, map);
    }
    for (const { set, tally } of other.fleiss) {
      let fleiss = this.fleissBySet.get(set);
      if (!fleiss) this.fleissBySet.set(set, (fleiss = new FleissTally()));
      fleiss.merge(tally, map);
    }
    this.alpha.addAll(other.alpha, map);
    this.byDocument.push(...other.byDocument);
    this.compared += other.compared;
  }

  /**
   * The report over the documents added. `annotators`: the list compared, given to the constructor
   * or, when it was not, every annotator of the layers compared (and any others), in name order.
   */
  result(annotators: readonly string[] | undefined = this.annotators): AgreementResult {
    if (!annotators) throw new Error('AgreementAccumulator.result: which annotators were compared?');
    const labelNames = this.labelNames;
    const pairs: PairAgreement[] = [];
    const overall: LabelSums = { tp: [], a: [], b: [] };
    for (let i = 0; i < annotators.length; i++) {
      for (let j = i + 1; j < annotators.length; j++) {
        const tally = this.pairTallies.get(annotators[i]!)?.get(annotators[j]!) ?? emptyPairTally();
        for (let code = 1; code < labelNames.length; code++) {
          overall.tp[code] = (overall.tp[code] ?? 0) + (tally.byLabel.tp[code] ?? 0);
          overall.a[code] = (overall.a[code] ?? 0) + (tally.byLabel.a[code] ?? 0);
          overall.b[code] = (overall.b[code] ?? 0) + (tally.byLabel.b[code] ?? 0);
        }
        pairs.push({
          a: annotators[i]!,
          b: annotators[j]!,
          tp: tally.tp,
          onlyA: tally.spansA - tally.tp,
          onlyB: tally.spansB - tally.tp,
          precision: ratio(tally.tp, tally.spansB),
          recall: ratio(tally.tp, tally.spansA),
          f1: ratio(2 * tally.tp, tally.spansA + tally.spansB),
          cohenKappa: tally.cohen.kappa(),
          tokens: tally.cohen.items,
          byLabel: labelTable(tally.byLabel, labelNames),
        });
      }
    }
    // Fleiss' kappa is over the tokens valued by all of them.
    const fleiss = this.fleissBySet.get(JSON.stringify(annotators)) ?? new FleissTally();
    const byDocument = [...this.byDocument].sort(
      (x, y) => compareNullsLast(x.f1, y.f1) || compareNullsLast(x.krippendorffAlpha, y.krippendorffAlpha) || compareStrings(x.document, y.document),
    );
    return {
      annotators: [...annotators],
      documents: this.compared,
      pairs,
      fleissKappa: fleiss.kappa(),
      krippendorffAlpha: this.alpha.alpha(),
      fleissTokens: fleiss.items,
      krippendorffTokens: this.alpha.items,
      byLabel: labelTable(overall, labelNames),
      byDocument,
    };
  }
}

/** Order of span identities: start, end, label, then fragments (none first). */
function compareIdentity(a: AgreementSpan, b: AgreementSpan): number {
  return a.start - b.start || a.end - b.end || compareStrings(a.label, b.label) || compareFragments(a.fragments, b.fragments);
}

function compareFragments(a: readonly Fragment[] | undefined, b: readonly Fragment[] | undefined): number {
  const x = a ?? [];
  const y = b ?? [];
  for (let i = 0; i < x.length && i < y.length; i++) {
    const d = x[i]!.start - y[i]!.start || x[i]!.end - y[i]!.end;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function prepareLayer(
  layer: AgreementLayer,
  tokens: TokenArrays,
  codeOf: (label: string) => number,
  labelNames: readonly string[],
): PreparedLayer {
  // Stored layers are sorted by (start, end, label, id) already: the sort then costs one pass.
  const spans = [...layer.spans].sort(compareIdentity);
  const codes = new Int32Array(spans.length);
  const count = tokens.starts.length;
  const values = new Int32Array(count);
  // Length of the span that gave each token its value (Infinity: none yet).
  const lengths = new Float64Array(count).fill(Infinity);
  for (let s = 0; s < spans.length; s++) {
    const span = spans[s]!;
    const code = codeOf(span.label);
    codes[s] = code;
    const pieces: readonly Fragment[] = span.fragments && span.fragments.length > 0 ? span.fragments : [span];
    // A discontinuous span is as long as the text it covers, and overlaps only through its fragments.
    let length = 0;
    for (const piece of pieces) length += piece.end - piece.start;
    for (const piece of pieces) {
      for (let t = firstTokenEndingAfter(tokens.ends, piece.start); t < count && tokens.starts[t]! < piece.end; t++) {
        const best = lengths[t]!;
        // The shortest span wins; between equally long ones, the label first in name order.
        if (length < best || (length === best && compareStrings(span.label, labelNames[values[t]!]!) < 0)) {
          lengths[t] = length;
          values[t] = code;
        }
      }
    }
  }
  return { spans, codes, values };
}

/** Exact matches between two layers, as multisets (one walk over both sorted lists); adds per-label counts. */
function matchSpans(a: PreparedLayer, b: PreparedLayer, byLabel: LabelSums): number {
  for (const code of a.codes) byLabel.a[code] = (byLabel.a[code] ?? 0) + 1;
  for (const code of b.codes) byLabel.b[code] = (byLabel.b[code] ?? 0) + 1;
  let tp = 0;
  let i = 0;
  let j = 0;
  while (i < a.spans.length && j < b.spans.length) {
    const order = compareIdentity(a.spans[i]!, b.spans[j]!);
    if (order < 0) i++;
    else if (order > 0) j++;
    else {
      const code = a.codes[i]!;
      byLabel.tp[code] = (byLabel.tp[code] ?? 0) + 1;
      tp++;
      i++;
      j++;
    }
  }
  return tp;
}

/** Distinct spans (by identity) that some, but not all, of the layers have: a walk over all at once. */
function countDisagreements(layers: readonly PreparedLayer[]): number {
  const heads = layers.map(() => 0);
  let disagreements = 0;
  for (;;) {
    let least: AgreementSpan | undefined;
    for (const [l, layer] of layers.entries()) {
      const span = layer.spans[heads[l]!];
      if (span && (!least || compareIdentity(span, least) < 0)) least = span;
    }
    if (!least) return disagreements;
    let holders = 0;
    for (const [l, layer] of layers.entries()) {
      let held = false;
      // Skip this identity in each layer, duplicates included.
      while (heads[l]! < layer.spans.length && compareIdentity(layer.spans[heads[l]!]!, least) === 0) {
        heads[l]!++;
        held = true;
      }
      if (held) holders++;
    }
    if (holders < layers.length) disagreements++;
  }
}

/** Per label with any span on either side, sorted by name. */
function labelTable(sums: LabelSums, labelNames: readonly string[]): Record<string, LabelCounts> {
  const rows: [string, LabelCounts][] = [];
  for (let code = 1; code < labelNames.length; code++) {
    const a = sums.a[code] ?? 0;
    const b = sums.b[code] ?? 0;
    if (a + b === 0) continue;
    const tp = sums.tp[code] ?? 0;
    rows.push([labelNames[code]!, { tp, onlyA: a - tp, onlyB: b - tp, f1: ratio(2 * tp, a + b) }]);
  }
  rows.sort((x, y) => compareStrings(x[0], y[0]));
  // fromEntries defines own properties, so even a label named "__proto__" is an ordinary key.
  return Object.fromEntries(rows);
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

function compareNullsLast(x: number | null, y: number | null): number {
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  return x - y;
}

// Code-unit order, not locale order: the same on every machine.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
