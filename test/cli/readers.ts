// Independent readers of the exported formats, written apart from Gloss's parsers the way other
// tools read them: offsets as Python string indices (code points), CoNLL as NLTK's reader does
// (whitespace columns, IOB tag last), CSV by RFC 4180. Each gives (document, label, start, end,
// text) rows so a test can check the text at the offsets.

/** One span as a reader sees it; `start`/`end` are absent where the format has no offsets (CoNLL). */
export interface ReadSpan {
  document: string;
  label: string;
  start?: number;
  end?: number;
  /** The text the file says the span covers. */
  text: string;
}

/** Python's `text[start:end]`: code points. */
export function pySlice(text: string, start: number, end: number): string {
  return [...text].slice(start, end).join('');
}

interface JsonSpan {
  start: number;
  end: number;
  label: string;
  text?: string;
  quote?: string;
}

/** A gloss dataset: every span of every layer, checked against the document text by the caller. */
export function readGloss(content: string): { texts: Map<string, string>; spans: ReadSpan[] } {
  const data = JSON.parse(content) as { offsetUnit: string; documents: { id: string; text: string; layers: { spans: JsonSpan[] }[] }[] };
  if (data.offsetUnit !== 'codepoint') throw new Error('offsetUnit is not codepoint');
  const texts = new Map<string, string>();
  const spans: ReadSpan[] = [];
  for (const d of data.documents) {
    texts.set(d.id, d.text);
    for (const l of d.layers) for (const s of l.spans) spans.push({ document: d.id, label: s.label, start: s.start, end: s.end, text: s.quote ?? '' });
  }
  return { texts, spans };
}

/** Prodigy/spaCy JSONL: `{"text", "spans":[{start,end,label,text}], "meta":{id}}` a line. */
export function readJsonl(content: string): { texts: Map<string, string>; spans: ReadSpan[] } {
  const texts = new Map<string, string>();
  const spans: ReadSpan[] = [];
  for (const line of content.split('\n').filter((l) => l.trim() !== '')) {
    const row = JSON.parse(line) as { text: string; spans: JsonSpan[]; meta: { id: string } };
    texts.set(row.meta.id, row.text);
    for (const s of row.spans) spans.push({ document: row.meta.id, label: s.label, start: s.start, end: s.end, text: s.text ?? '' });
  }
  return { texts, spans };
}

/** doccano JSONL: `{"text", "label": [[start, end, "Label"]]}`; documents are named by line number. */
export function readDoccano(content: string): { texts: Map<string, string>; spans: ReadSpan[] } {
  const texts = new Map<string, string>();
  const spans: ReadSpan[] = [];
  content
    .split('\n')
    .filter((l) => l.trim() !== '')
    .forEach((line, i) => {
      const row = JSON.parse(line) as { text: string; label: [number, number, string][] };
      const document = `line-${i + 1}`;
      texts.set(document, row.text);
      for (const [start, end, label] of row.label) spans.push({ document, label, start, end, text: pySlice(row.text, start, end) });
    });
  return { texts, spans };
}

/** brat: T lines of each `.ann` (fragments `s e;s e`, their texts joined by a space) over its `.txt`. */
export function readBrat(files: Map<string, string>): { texts: Map<string, string>; spans: ReadSpan[]; fragmentTexts: ReadSpan[] } {
  const texts = new Map<string, string>();
  const spans: ReadSpan[] = [];
  const fragmentTexts: ReadSpan[] = [];
  for (const [name, ann] of files) {
    if (!name.endsWith('.ann')) continue;
    const document = name.slice(0, -4);
    const text = files.get(`${document}.txt`);
    if (text === undefined) throw new Error(`${name} has no .txt`);
    texts.set(document, text);
    for (const line of ann.split('\n')) {
      const m = /^T\d+\t(\S+) ([\d ;]+)\t(.*)$/u.exec(line);
      if (!m) continue;
      const ranges = m[2]!.split(';').map((r) => r.split(' ').map(Number) as [number, number]);
      spans.push({ document, label: m[1]!, start: ranges[0]![0], end: ranges[ranges.length - 1]![1], text: m[3]! });
      fragmentTexts.push({ document, label: m[1]!, text: ranges.map(([s, e]) => pySlice(text, s, e)).join(' ') });
    }
  }
  return { texts, spans, fragmentTexts };
}

/**
 * CoNLL as NLTK's ConllCorpusReader with columns (words, ignore, ignore, ne) reads it, then
 * entities as chunks: a B- tag, or an I- tag after another label, starts one. `text` is the
 * chunk's tokens joined by single spaces.
 */
export function readConll(content: string): ReadSpan[] {
  const spans: ReadSpan[] = [];
  let document = 0;
  let open: { label: string; tokens: string[] } | null = null;
  const close = (): void => {
    if (open) spans.push({ document: `doc-${document}`, label: open.label, text: open.tokens.join(' ') });
    open = null;
  };
  for (const line of content.split('\n')) {
    const cols = line.trim().split(/\s+/u);
    if (line.trim() === '') {
      close();
      continue;
    }
    if (cols[0] === '-DOCSTART-') {
      close();
      document++;
      continue;
    }
    if (cols.length !== 4) throw new Error(`not 4 columns: ${JSON.stringify(line)}`);
    const tag = cols[3]!;
    if (tag === 'O') {
      close();
      continue;
    }
    const [kind, label] = [tag.slice(0, 1), tag.slice(2)];
    const current = open as { label: string; tokens: string[] } | null;
    if (kind === 'I' && current && current.label === label) current.tokens.push(cols[0]!);
    else {
      close();
      open = { label, tokens: [cols[0]!] };
    }
  }
  close();
  return spans;
}

interface W3cAnnotation {
  creator: string;
  body: { purpose: string; value: string }[];
  target: W3cTarget | W3cTarget[];
}

interface W3cTarget {
  source: string;
  selector: ({ type: 'TextQuoteSelector'; exact: string } | { type: 'TextPositionSelector'; start: number; end: number })[];
}

/** W3C Web Annotation collection: one span per target (fragment), its label the tagging body. */
export function readW3c(content: string): ReadSpan[] {
  const data = JSON.parse(content) as { '@context': string; first: { items: W3cAnnotation[] } };
  if (data['@context'] !== 'http://www.w3.org/ns/anno.jsonld') throw new Error('wrong @context');
  const spans: ReadSpan[] = [];
  for (const a of data.first.items) {
    const label = a.body.find((b) => b.purpose === 'tagging')!.value;
    for (const t of Array.isArray(a.target) ? a.target : [a.target]) {
      const quote = t.selector.find((s) => s.type === 'TextQuoteSelector');
      const position = t.selector.find((s) => s.type === 'TextPositionSelector');
      if (!quote || !position || quote.type !== 'TextQuoteSelector' || position.type !== 'TextPositionSelector') throw new Error('selectors missing');
      spans.push({ document: t.source, label, start: position.start, end: position.end, text: quote.exact });
    }
  }
  return spans;
}

/** RFC 4180 records (CRLF or LF line ends, quoted fields with doubled quotes); throws on malformed input. */
export function parseCsv(content: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < content.length) {
    const ch = content[i]!;
    if (quoted) {
      if (ch === '"' && content[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
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
    } else if (ch === '\r' || ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += ch === '\r' && content[i + 1] === '\n' ? 2 : 1;
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** CSV export rows as spans (one per fragment). */
export function readCsv(content: string): ReadSpan[] {
  const [header, ...rows] = parseCsv(content);
  const col = (name: string): number => header!.indexOf(name);
  return rows.map((r) => ({
    document: r[col('document')]!,
    label: r[col('label')]!,
    start: Number(r[col('start')]),
    end: Number(r[col('end')]),
    text: r[col('text')]!,
  }));
}
