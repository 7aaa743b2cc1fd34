import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExportDocument } from '../../../src/core/formats/types';
import { annotationId, exportW3c, parseW3c, w3cSources, W3C_CONTEXT } from '../../../src/core/formats/w3c';
import type { W3cResolver } from '../../../src/core/formats/w3c';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { checkImportedItem } from '../../../src/core/validate';
import { readSample } from '../samples';
import { rebuild, sampleExport } from './fixtures';
import { FUZZ, golden, makeExport, mutate, mutations, ok, spanViews, wellFormed } from './helpers';

interface Selector {
  type: string;
  exact?: string;
  prefix?: string;
  suffix?: string;
  start?: number;
  end?: number;
}
interface Target {
  source: string;
  selector: Selector[];
}
interface Annotation {
  id: string;
  type: string;
  motivation: string;
  creator: string;
  body: { type: string; purpose: string; value: string; format?: string }[];
  target: Target | Target[];
}
interface Collection {
  '@context': string;
  type: string;
  total: number;
  first: { type: string; items: Annotation[] };
}

/** A resolver over export documents, by id. */
function resolverOf(documents: ExportDocument[]): W3cResolver {
  const byId = new Map(documents.map((d) => [d.document.id, d.document]));
  return (source) => {
    const d = byId.get(source);
    return d ? { text: d.text, title: d.title } : undefined;
  };
}

const DIGEST = readSample('social-monitoring-digest.txt');
const digestResolver: W3cResolver = (source) => (source === 'digest' ? { text: DIGEST } : undefined);

/** One annotation on the digest with the given selectors and bodies. */
function one(selector: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    '@context': W3C_CONTEXT,
    type: 'Annotation',
    body: { type: 'TextualBody', purpose: 'tagging', value: 'Person' },
    target: { source: 'digest', selector },
    ...extra,
  });
}

describe('exportW3c', () => {
  it('writes an AnnotationCollection with one Annotation per span of every layer (golden file)', async () => {
    const documents = await sampleExport();
    const out = exportW3c(documents);
    expect(out).toBe(golden('w3c/samples.jsonld', out));
    const data = JSON.parse(out) as Collection;
    expect(data['@context']).toBe('http://www.w3.org/ns/anno.jsonld');
    expect(data.type).toBe('AnnotationCollection');
    const spanCount = documents.reduce((n, d) => n + d.layers.reduce((m, l) => m + l.spans.length, 0), 0);
    expect(data.total).toBe(spanCount);
    expect(data.first.items).toHaveLength(spanCount);
    const maria = data.first.items.find((a) => a.id === annotationId('social-monitoring-digest', 'alice', 'alice-6'))!;
    expect(maria).toMatchObject({
      type: 'Annotation',
      motivation: 'tagging',
      creator: 'alice',
      body: [{ type: 'TextualBody', purpose: 'tagging', value: 'Person' }],
      target: {
        source: 'social-monitoring-digest',
        selector: [
          { type: 'TextQuoteSelector', exact: 'Maria Lopez', prefix: ' been allocated.\n\nAnalyst note: ', suffix: ' of the Nordic Development Bank ' },
          { type: 'TextPositionSelector', start: 284, end: 295 },
        ],
      },
    });
    expect([...(maria.target as Target).selector[0]!.suffix!]).toHaveLength(32);
  });

  it('writes notes as commenting bodies, attributes as a JSON describing body, fragments as several targets', async () => {
    const data = JSON.parse(exportW3c(await sampleExport())) as Collection;
    const money = data.first.items.find((a) => a.id === annotationId('social-monitoring-digest', 'alice', 'alice-4'))!;
    expect(money.body).toEqual([
      { type: 'TextualBody', purpose: 'tagging', value: 'Money' },
      { type: 'TextualBody', purpose: 'describing', format: 'application/json', value: '{"currency":"EUR","value":25000000}' },
      { type: 'TextualBody', purpose: 'commenting', value: 'pledged, not paid' },
    ]);
    const frag = data.first.items.find((a) => a.id === annotationId('social-monitoring-digest', 'alice', 'frag'))!;
    expect((frag.target as Target[]).map((t) => [t.selector[0]!.exact, t.selector[1]!.start, t.selector[1]!.end])).toEqual([
      ['GreenFund', 41, 50],
      ['Oslo', 52, 56],
    ]);
  });

  it('quotes by code points: every exact equals the text at its TextPositionSelector', async () => {
    const documents = await sampleExport();
    const texts = new Map(documents.map((d) => [d.document.id, new CodePointIndex(d.document.text)]));
    const data = JSON.parse(exportW3c(documents)) as Collection;
    for (const a of data.first.items) {
      for (const t of [a.target].flat()) {
        const [quote, position] = t.selector;
        const index = texts.get(t.source)!;
        expect(index.slice(position!.start!, position!.end!)).toBe(quote!.exact);
        expect(index.slice(Math.max(0, position!.start! - 32), position!.start!)).toBe(quote!.prefix);
      }
    }
  });
});

describe('exportW3c (w3cItemList written in pieces)', () => {
  it('writes one Annotation a line, as compact as JSON.stringify makes it, and the total last', async () => {
    const documents = await sampleExport();
    const out = exportW3c(documents);
    const lines = out.split('\n');
    const items = lines.filter((line) => line.startsWith('      {'));
    const data = JSON.parse(out) as Collection;
    expect(items).toHaveLength(data.first.items.length);
    for (const [i, line] of items.entries()) {
      const compact = line.trim().replace(/,$/u, '');
      expect(compact).toBe(JSON.stringify(data.first.items[i]));
    }
    // Pretty-printed around the items; the total is known, and written, once they all are.
    expect(lines.slice(0, 8).join('\n')).toBe(JSON.stringify({ ...data, first: { ...data.first, items: [] }, total: undefined }, null, 2).replace('[]\n  }\n}', '['));
    expect(lines.slice(-4)).toEqual(['  },', `  "total": ${data.total}`, '}', '']);
  });

  it('writes an empty collection when there is nothing to write', () => {
    const data = JSON.parse(exportW3c([])) as Collection;
    expect(data.total).toBe(0);
    expect(data.first.items).toEqual([]);
  });
});

describe('parseW3c', () => {
  it('round-trips the samples: export, parse, rebuild, export gives the same file', async () => {
    const documents = await sampleExport();
    const first = exportW3c(documents);
    const r = ok(parseW3c(first, 'samples.jsonld', resolverOf(documents)));
    expect(r.notices).toEqual([]);
    expect(r.items.map((i) => i.id)).toEqual(documents.map((d) => d.document.id));
    expect(r.items.map((i) => i.layers.map((l) => l.annotator))).toEqual([
      ['alice', 'bob'],
      ['alice', 'bob'],
      ['alice', 'bob'],
    ]);
    for (const [i, item] of r.items.entries()) {
      expect(checkImportedItem(item, DEFAULT_SCHEMA)).toEqual([]);
      expect(spanViews(item.text, item.layers[0]!.spans)).toEqual(spanViews(item.text, documents[i]!.layers[0]!.spans));
    }
    expect(exportW3c(await rebuild(r.items, 'imported:w3c'))).toBe(first);
    expect(w3cSources(first, 'samples.jsonld')).toEqual({ ok: true, sources: documents.map((d) => d.document.id) });
  });

  it('round-trips a span across a newline and a CRLF-formatted file', async () => {
    const text = 'President Emomali\nRahmon met Denis Manturov.';
    const doc = await makeExport('across', text, [{ id: 'p1', label: 'Person', start: 10, end: 24, note: 'two\nlines' }]);
    const out = exportW3c([doc]);
    expect(out).toContain('"exact":"Emomali\\nRahmon"');
    const r = ok(parseW3c(out.replace(/\n/g, '\r\n'), 'across.jsonld', resolverOf([doc])));
    expect(r.items[0]!.layers[0]!.spans).toEqual([{ id: 'p1', label: 'Person', start: 10, end: 24, note: 'two\nlines' }]);
  });

  it('anchors by a TextQuoteSelector alone when the quote is unique, using prefix and suffix to tell occurrences apart', () => {
    const unique = ok(parseW3c(one({ type: 'TextQuoteSelector', exact: 'Maria Lopez' }), 'q.json', digestResolver));
    expect(unique.items[0]!.layers[0]!.spans).toEqual([{ label: 'Person', start: 284, end: 295 }]);
    expect(unique.items[0]!.id).toBe('digest');
    const withContext = ok(parseW3c(one({ type: 'TextQuoteSelector', exact: 'GreenFund', prefix: 'Post by @', suffix: ' (Oslo)' }), 'q.json', digestResolver));
    expect(withContext.items[0]!.layers[0]!.spans).toEqual([{ label: 'Person', start: 41, end: 50 }]);
  });

  it('reports a quote that cannot be anchored uniquely instead of guessing', () => {
    const ambiguous = parseW3c(one({ type: 'TextQuoteSelector', exact: 'the' }), 'q.json', digestResolver);
    expect(ambiguous).toEqual({
      ok: false,
      error: { file: 'q.json', line: 1, message: expect.stringMatching(/^annotation 1: the quote "the" cannot be anchored: it occurs \d+ times with its prefix and suffix$/) as string },
    });
    const missing = parseW3c(one({ type: 'TextQuoteSelector', exact: 'Maria Lopes' }), 'q.json', digestResolver);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.message).toBe('annotation 1: the quote "Maria Lopes" cannot be anchored: it is not in the text with its prefix and suffix');
    const wrongContext = parseW3c(one({ type: 'TextQuoteSelector', exact: 'Maria Lopez', prefix: 'Dr ' }), 'q.json', digestResolver);
    expect(wrongContext.ok).toBe(false);
  });

  it('checks a position against its quote: UTF-16 positions are re-anchored by the quote, with a notice', () => {
    const utf16 = one([
      { type: 'TextQuoteSelector', exact: 'Maria Lopez' },
      { type: 'TextPositionSelector', start: 287, end: 298 },
    ]);
    const r = ok(parseW3c(utf16, 'u.json', digestResolver));
    expect(r.items[0]!.layers[0]!.spans).toEqual([{ label: 'Person', start: 284, end: 295 }]);
    expect(r.notices).toEqual(['u.json: annotation 1: TextPositionSelector [287, 298) holds "ia Lopez of", not the quote; anchored by its quote at [284, 295)']);
    const positionOnly = ok(parseW3c(one({ type: 'TextPositionSelector', start: 349, end: 353 }), 'p.json', digestResolver));
    expect(spanViews(DIGEST, positionOnly.items[0]!.layers[0]!.spans).map((s) => s.quote)).toEqual(['𝟐𝟎𝟐𝟕']);
  });

  it('reads Hypothesis-style annotations: a list, creator objects, tags, comments, bodyValue', () => {
    const list = JSON.stringify([
      {
        type: 'Annotation',
        creator: { type: 'Person', nickname: 'maria', name: 'Maria L.' },
        motivation: 'commenting',
        bodyValue: 'Check this figure',
        body: [{ type: 'TextualBody', purpose: 'tagging', value: 'Money' }],
        target: { source: { id: 'digest' }, selector: { type: 'TextQuoteSelector', exact: '€25 million' } },
      },
      {
        id: 'https://hyp.is/abc',
        type: ['Annotation'],
        creator: 'acct:someone@hypothes.is',
        body: [
          { type: 'TextualBody', purpose: 'tagging', value: 'Location' },
          { type: 'TextualBody', purpose: 'tagging', value: 'Organisation' },
          { type: 'SpecificResource', source: 'http://example.org/x' },
        ],
        target: [{ source: 'digest', selector: [{ type: 'TextPositionSelector', start: 52, end: 56 }] }],
      },
      { type: 'Annotation', motivation: 'highlighting', target: { source: 'digest', selector: { type: 'TextPositionSelector', start: 0, end: 4 } } },
      { type: 'Annotation', body: { type: 'TextualBody', purpose: 'tagging', value: 'Date' }, target: 'digest' },
    ]);
    const r = ok(parseW3c(list, 'hyp.json', digestResolver));
    expect(r.items).toHaveLength(1);
    const [maria, other] = r.items[0]!.layers;
    expect(maria).toEqual({ annotator: 'maria', spans: [{ label: 'Money', start: 72, end: 83, note: 'Check this figure' }], relations: [], comments: [] });
    expect(other!.annotator).toBeUndefined();
    expect(other!.spans).toEqual([
      { label: 'Location', start: 52, end: 56 },
      { label: 'Organisation', start: 52, end: 56 },
    ]);
    expect(r.notices).toEqual([
      'hyp.json: annotation 2 (https://hyp.is/abc): creator "acct:someone@hypothes.is" is not usable as an annotator name; the importing annotator\'s layer is used',
      'hyp.json: annotation 2 (https://hyp.is/abc): 1 body(ies) other than tags, a note or JSON attributes not imported',
      'hyp.json: annotation 3 has no tagging body (no label): not imported',
      'hyp.json: annotation 4: its target is a whole resource, not a part of a text: not imported',
    ]);
  });

  it('reads an AnnotationPage and a collection whose pages are embedded and linked by next', () => {
    const a = (start: number, end: number): Record<string, unknown> => ({
      type: 'Annotation',
      body: { type: 'TextualBody', purpose: 'tagging', value: 'Location' },
      target: { source: 'digest', selector: { type: 'TextPositionSelector', start, end } },
    });
    const page = ok(parseW3c(JSON.stringify({ type: 'AnnotationPage', items: [a(52, 56)] }), 'page.json', digestResolver));
    expect(page.items[0]!.layers[0]!.spans).toHaveLength(1);
    const pages = JSON.stringify({ type: 'AnnotationCollection', first: { type: 'AnnotationPage', items: [a(52, 56)], next: { type: 'AnnotationPage', items: [a(0, 10)] } } });
    expect(ok(parseW3c(pages, 'c.json', digestResolver)).items[0]!.layers[0]!.spans.map((s) => s.start)).toEqual([52, 0]);
  });

  it.each([
    ['{', /^not valid JSON/],
    ['{"type": "Thing"}', /^expected an Annotation, a list of them/],
    ['[{"type": "Annotation"}, 5]', /^item 2 is not an Annotation$/],
    ['{"type": "AnnotationCollection", "first": "https://example.org/page1"}', /page 1 is not embedded in the file/],
    [one({ type: 'TextPositionSelector', start: 0, end: 9999 }), /^annotation 1: TextPositionSelector \[0, 9999\) is not a non-empty range within the text \(0\.\.\d+ code points\)$/],
    [one({ type: 'TextPositionSelector', start: '0', end: 4 }), /start and end must be integers/],
    [one({ type: 'TextQuoteSelector', exact: '' }), /"exact" must be a non-empty string/],
    [one({ type: 'TextQuoteSelector', exact: 'Oslo', prefix: 5 }), /"prefix" and "suffix" must be strings/],
    [one({ type: 'TextPositionSelector', start: 0, end: 4 }, { target: { source: 'elsewhere', selector: { type: 'TextPositionSelector', start: 0, end: 4 } } }), /no document "elsewhere"/],
    [one({}, { target: { selector: { type: 'TextPositionSelector', start: 0, end: 4 } } }), /a target has no "source"/],
    [one({}, { target: [] }), /it has no target/],
    [
      one({}, { target: [{ source: 'digest', selector: { type: 'TextPositionSelector', start: 0, end: 6 } }, { source: 'digest', selector: { type: 'TextPositionSelector', start: 3, end: 9 } }] }),
      /its targets overlap/,
    ],
  ])('refuses %s naming the file', (input, message) => {
    const r = parseW3c(input, 'bad.json', digestResolver);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.file).toBe('bad.json');
      expect(r.error.message).toMatch(message);
    }
  });

  it('names the line where the annotation (or the item) at fault starts, in lists, pages and collections', () => {
    const good = JSON.parse(one({ type: 'TextQuoteSelector', exact: 'Maria Lopez' })) as Record<string, unknown>;
    const noTarget = { ...good, id: 'urn:x:2', target: [] };
    const list = JSON.stringify([good, noTarget], null, 2);
    const r1 = parseW3c(list, 'l.json', digestResolver);
    expect(r1.ok).toBe(false);
    if (!r1.ok) {
      expect(r1.error.message).toBe('annotation 2 (urn:x:2): it has no target');
      expect(list.split('\n')[r1.error.line! - 1]).toBe('  {');
      expect(list.split('\n').slice(r1.error.line!).join('\n')).toContain('"urn:x:2"');
      expect(list.split('\n').slice(0, r1.error.line!).join('\n')).not.toContain('"urn:x:2"');
    }
    const page = JSON.stringify({ type: 'AnnotationPage', items: [good, good, 'not an annotation'] }, null, 1);
    const r2 = parseW3c(page, 'p.json', digestResolver);
    expect(r2.ok || { line: r2.error.line, message: r2.error.message }).toEqual({ line: page.split('\n').indexOf('  "not an annotation"') + 1, message: 'the page, item 3 is not an Annotation' });
    const collection = JSON.stringify({ type: 'AnnotationCollection', first: { type: 'AnnotationPage', items: [good], next: { type: 'AnnotationPage', items: [noTarget] } } }, null, 2);
    const r3 = parseW3c(collection, 'c.json', digestResolver);
    expect(r3.ok).toBe(false);
    if (!r3.ok) {
      expect(r3.error.message).toBe('annotation 2 (urn:x:2): it has no target');
      const before = collection.split('\n').slice(0, r3.error.line!).join('\n');
      expect(before).toContain('"next"');
      expect(before).not.toContain('"urn:x:2"');
    }
  });

  it('skips targets without text selectors, with a notice', () => {
    const r = ok(parseW3c(one({ type: 'CssSelector', value: '#x' }), 's.json', digestResolver));
    expect(r.items).toEqual([]);
    expect(r.notices).toEqual(['s.json: annotation 1: no TextPositionSelector or TextQuoteSelector (only those are read): not imported']);
  });

  it('never throws on random input or on mutated valid files', async () => {
    const documents = await sampleExport();
    const valid = exportW3c([documents[2]!]);
    const resolver = resolverOf(documents);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(wellFormed(parseW3c(text, 'r.json', resolver), 'r.json', text.split('\n').length)).toBe(true);
      }),
      FUZZ,
    );
    fc.assert(
      fc.property(mutations(['"', '{', '}', '[', ']', ',', ':', '0', '9', '-1', 'null', '"start"', '"exact"', '💧']), (edits) => {
        const text = mutate(valid, edits);
        const r = parseW3c(text, 'm.json', resolver);
        expect(wellFormed(r, 'm.json', text.split('\n').length)).toBe(true);
        if (r.ok) {
          for (const item of r.items) {
            expect(checkImportedItem(item, { labels: [], relations: [] }).filter((m) => !m.includes('unknown label'))).toEqual([]);
          }
        }
      }),
      { ...FUZZ, numRuns: 150 },
    );
  });
});
