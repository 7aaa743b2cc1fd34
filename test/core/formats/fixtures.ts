// Test fixtures for the format tests: the sample reports as documents with annotated layers.

import { buildDocument, parsePlainText } from '../../../src/core/document';
import type { ExportDocument, ImportedItem } from '../../../src/core/formats/types';
import { applyLayerChanges, emptyLayer, mergeImportedLayer } from '../../../src/core/layer';
import type { LayerChange } from '../../../src/core/api';
import type { GlossDocument, Layer } from '../../../src/core/model';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { readSample, SAMPLE_FILES } from '../samples';

export const T0 = '2024-05-03T10:00:00.000Z';
export const T1 = '2024-05-03T10:05:00.000Z';

/** A sample report as an imported document (id = file base name). */
export async function sampleDocument(file: string): Promise<GlossDocument> {
  const { title, text, blocks } = parsePlainText(readSample(file), file);
  return buildDocument({ id: title, title, text, blocks, meta: { source: file, format: 'txt' }, importedAt: T0 });
}

/** Spans (by quote, first occurrence) that each sample gets in the fixtures. */
const QUOTES: Record<string, [string, string][]> = {
  'tajikistan-russia-industrial-cooperation.txt': [
    ['Person', 'Emomali Rahmon'],
    ['Person', 'Denis Manturov'],
    ['Location', 'Tajikistan'],
    ['Percent', '18 percent'],
    ['Money', '$1.4 billion'],
    ['Organisation', 'Gemotest'],
    ['Commitment', 'plans to open 75 new ones in the next year and a half'],
    ['Quantity', '75 new ones'],
  ],
  'ru-ministry-briefing.txt': [
    ['Person', 'Иван Петров'],
    ['Percent', '12 процентов'],
    ['Money', '3,2 миллиарда рублей'],
    ['Organisation', '«Северсталь»'],
    ['Commitment', 'планирует построить два новых цеха до конца 2025 года'],
  ],
  'social-monitoring-digest.txt': [
    ['Organisation', '@GreenFund'],
    ['Location', 'Oslo'],
    ['Commitment', 'We pledge €25 million to the Aral Sea restoration programme by 2027 💧'],
    ['Money', '€25 million'],
    ['Percent', '40%'],
    ['Person', 'Maria Lopez'],
    ['Organisation', 'Nordic Development Bank'],
    ['Date', '𝟐𝟎𝟐𝟕'],
  ],
};

/** Code-point range of the first occurrence of a quote. */
export function find(text: string, quote: string): { start: number; end: number } {
  const u = text.indexOf(quote);
  if (u < 0) throw new Error(`quote not found: ${quote}`);
  const index = new CodePointIndex(text);
  const start = index.toCodePoint(u);
  return { start, end: start + [...quote].length };
}

/** A layer of a sample with the fixture spans, plus extras to exercise every field. */
export function sampleLayer(doc: GlossDocument, annotator: string, extra: LayerChange[] = []): Layer {
  const changes: LayerChange[] = (QUOTES[doc.meta.source] ?? []).map(([label, quote], i) => ({
    op: 'add',
    span: { id: `${annotator}-${i + 1}`, label, ...find(doc.text, quote) },
  }));
  const r = applyLayerChanges(emptyLayer(doc, annotator, T0), new CodePointIndex(doc.text), DEFAULT_SCHEMA, [...changes, ...extra], T1);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** The three samples, each with two layers; the digest's first layer has every optional field. */
export async function sampleExport(): Promise<ExportDocument[]> {
  const out: ExportDocument[] = [];
  for (const file of SAMPLE_FILES) {
    const document = await sampleDocument(file);
    const rich: LayerChange[] = [];
    if (file === 'social-monitoring-digest.txt') {
      const green = find(document.text, 'GreenFund');
      const oslo = find(document.text, 'Oslo');
      rich.push(
        { op: 'add', span: { id: 'frag', label: 'Organisation', start: green.start, end: oslo.end, fragments: [green, oslo], note: 'fund + city' } },
        { op: 'update', spanId: 'alice-4', patch: { attributes: { value: 25000000, currency: 'EUR' }, note: 'pledged, not paid' } },
        { op: 'update', spanId: 'alice-3', patch: { attributes: { status: 'planned', deadline: '2027' } } },
        { op: 'status', status: 'done' },
      );
    }
    const alice = sampleLayer(document, 'alice', rich);
    if (file === 'social-monitoring-digest.txt') {
      alice.relations = [
        { id: 'rel-1', type: 'amount', from: 'alice-3', to: 'alice-4' },
        { id: 'rel-2', type: 'when', from: 'alice-3', to: 'alice-8' },
      ];
      alice.comments = [
        { id: 'com-1', target: { annotator: 'alice', spanId: 'alice-4' }, author: 'alice', text: 'Is €25m the total?', createdAt: T1, resolved: false },
        { id: 'com-2', target: null, author: 'alice', text: 'Digest checked 🌍', createdAt: T1, resolved: true },
      ];
    }
    out.push({ document, layers: [alice, sampleLayer(document, 'bob')] });
  }
  return out;
}

/** Rebuild what an importer would store from parsed items (documents + merged layers). */
export async function rebuild(items: ImportedItem[], origin: string): Promise<ExportDocument[]> {
  const out: ExportDocument[] = [];
  for (const item of items) {
    const document = await buildDocument({
      id: item.id ?? 'doc',
      title: item.title ?? 'doc',
      text: item.text,
      blocks: item.blocks ?? [],
      meta: { source: item.meta?.source ?? 'x', format: item.meta?.format ?? 'x' },
      importedAt: T0,
      ...(item.marks ? { marks: item.marks } : {}),
    });
    let n = 0;
    const layers = item.layers.map((l) =>
      mergeImportedLayer(emptyLayer(document, l.annotator ?? 'me', T0), l, {
        replace: false,
        origin,
        now: T1,
        newId: () => `new-${++n}`,
        text: new CodePointIndex(item.text),
      }).layer,
    );
    out.push({ document, layers });
  }
  return out;
}
