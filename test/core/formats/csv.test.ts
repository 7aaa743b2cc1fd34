import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, exportCsv } from '../../../src/core/formats/csv';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { sampleExport } from './fixtures';
import { FUZZ, golden, makeExport, spanViews } from './helpers';

/** An RFC 4180 reader written apart from the exporter: records of fields; throws on malformed input. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
        if (i < text.length && text[i] !== ',' && text[i] !== '\r') throw new Error(`stray character after a quoted field at ${i}`);
      } else {
        field += ch;
        i++;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else if (ch === '\r' || ch === '\n' || ch === '"') {
      throw new Error(`bare ${JSON.stringify(ch)} in an unquoted field at ${i}`);
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length > 0) throw new Error('the last record has no CRLF');
  return rows;
}

/** The CSV's data rows as objects keyed by column name. */
function records(text: string): Record<(typeof CSV_COLUMNS)[number], string>[] {
  const [header, ...rows] = readCsv(text);
  expect(header).toEqual([...CSV_COLUMNS]);
  return rows.map((r) => {
    expect(r).toHaveLength(CSV_COLUMNS.length);
    return Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]!])) as Record<(typeof CSV_COLUMNS)[number], string>;
  });
}

describe('exportCsv', () => {
  it('writes the header and one row per span of every layer (golden file)', async () => {
    const out = exportCsv(await sampleExport(), DEFAULT_SCHEMA);
    expect(out).toBe(golden('csv/samples.csv', out));
    expect(out.startsWith('document,title,annotator,id,label,category,start,end,text,attributes,note\r\n')).toBe(true);
    const rows = records(out);
    expect(rows.find((r) => r.document === 'social-monitoring-digest' && r.id === 'alice-4')).toEqual({
      document: 'social-monitoring-digest',
      title: 'social-monitoring-digest',
      annotator: 'alice',
      id: 'alice-4',
      label: 'Money',
      category: 'figure',
      start: '72',
      end: '83',
      text: '€25 million',
      attributes: '{"currency":"EUR","value":25000000}',
      note: 'pledged, not paid',
    });
    expect(out).toContain('\r\nsocial-monitoring-digest,social-monitoring-digest,alice,alice-4,Money,figure,72,83,€25 million,"{""currency"":""EUR"",""value"":25000000}","pledged, not paid"\r\n');
  });

  it('round-trips the samples: the rows give back every span, with quotes at code-point offsets', async () => {
    const documents = await sampleExport();
    const rows = records(exportCsv(documents, DEFAULT_SCHEMA));
    for (const { document, layers } of documents) {
      const index = new CodePointIndex(document.text);
      for (const layer of layers) {
        const mine = rows.filter((r) => r.document === document.id && r.annotator === layer.annotator);
        for (const r of mine) expect(index.slice(Number(r.start), Number(r.end))).toBe(r.text);
        // Rows of one id are the fragments of one span.
        const byId = new Map<string, typeof mine>();
        for (const r of mine) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
        const back = [...byId.entries()].map(([id, rs]) => {
          const first = rs[0]!;
          const span = {
            id,
            label: first.label,
            start: Number(first.start),
            end: Number(rs[rs.length - 1]!.end),
            attributes: JSON.parse(first.attributes) as Record<string, string | number | boolean>,
            ...(first.note !== '' ? { note: first.note } : {}),
            ...(rs.length > 1 ? { fragments: rs.map((x) => ({ start: Number(x.start), end: Number(x.end) })) } : {}),
          };
          return span;
        });
        expect(spanViews(document.text, back)).toEqual(spanViews(document.text, layer.spans));
      }
    }
  });

  it('quotes commas, quotes and line breaks (a span across a newline), and leaves an unknown label without category', async () => {
    const text = 'Say "hi", Emomali\r\nRahmon';
    const doc = await makeExport('q"uote', text.replace('\r\n', '\n'), [{ id: 'x', label: 'Person', start: 4, end: 24, note: 'a, "b"' }]);
    doc.layers[0]!.spans[0]!.label = 'Mystery';
    const out = exportCsv([doc], DEFAULT_SCHEMA);
    expect(out.split('\r\n')[1]).toBe('"q""uote","q""uote",alice,x,Mystery,,4,24,"""hi"", Emomali\nRahmon",{},"a, ""b"""');
    const [row] = records(out);
    expect(row!.text).toBe('"hi", Emomali\nRahmon');
    expect(row!.category).toBe('');
  });

  it('writes just the header for no spans, and the same bytes every time', async () => {
    const doc = await makeExport('empty', 'Nothing here.', []);
    expect(exportCsv([doc], DEFAULT_SCHEMA)).toBe(CSV_COLUMNS.join(',') + '\r\n');
    const documents = await sampleExport();
    expect(exportCsv(documents, DEFAULT_SCHEMA)).toBe(exportCsv(await sampleExport(), DEFAULT_SCHEMA));
  });

  it('csvField is read back unchanged for any string', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { minLength: 1, maxLength: 4 }), (fields) => {
        expect(readCsv(fields.map(csvField).join(',') + '\r\n')).toEqual([fields.length === 1 && fields[0] === '' ? [''] : fields]);
      }),
      FUZZ,
    );
  });
});
