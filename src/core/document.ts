// Documents: ids and names, building a GlossDocument, and turning plain text and markdown into
// canonical text + blocks (+ display marks). Offsets are code points; text is never rewritten
// beyond line-ending normalisation, except markdown, whose markup is removed by design.

import { marked } from 'marked';
import type { Token, Tokens } from 'marked';
import { sha256Hex } from './hash';
import type { Block, BlockType, DocumentMark, DocumentMeta, GlossDocument } from './model';
import { OFFSET_UNIT } from './model';
import { codePointLength } from './offsets';
import { normalizeNewlines } from './text';

/** Longest id or annotator name, in characters. */
export const MAX_NAME_LENGTH = 64;

// Cyrillic -> Latin for readable ids of Russian titles (ISO 9-ish, ASCII only).
const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y',
  к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f',
  х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  і: 'i', ї: 'yi', є: 'ye', ґ: 'g', ў: 'u', қ: 'q', ғ: 'gh', ҳ: 'h', ҷ: 'j', ӣ: 'i', ӯ: 'u',
};

/** A file-name-safe id from a name: lowercase ASCII letters, digits and "-"; "doc" if nothing is left. */
export function slugify(name: string): string {
  const latin = [...name.toLowerCase()].map((ch) => CYRILLIC[ch] ?? ch).join('');
  const slug = latin
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_NAME_LENGTH)
    .replace(/-+$/, '');
  if (!slug) return 'doc';
  return WINDOWS_RESERVED.test(slug) ? `${slug}-doc` : slug;
}

/** `base` if it is free, else `base-2`, `base-3`, ... (kept within MAX_NAME_LENGTH). */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = base.slice(0, MAX_NAME_LENGTH - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

// Letters, digits, ".", "_", "-"; 1..64 characters; not starting with "." (no "..", no hidden files).
const NAME_RE = /^[\p{L}\p{N}_-][\p{L}\p{N}._-]{0,63}$/u;
// Names Windows cannot use for files, even with an extension; workspaces travel via shared drives.
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

function isSafeFileName(name: unknown): boolean {
  return (
    typeof name === 'string' &&
    NAME_RE.test(name) &&
    codePointLength(name) <= MAX_NAME_LENGTH &&
    !name.endsWith('.') &&
    !WINDOWS_RESERVED.test(name)
  );
}

/** Whether an id can name a document file (`documents/<id>.json`). */
export function isValidDocId(id: string): boolean {
  return isSafeFileName(id);
}

/** Whether a name can name an annotator's layer file (`annotations/<doc>/<name>.json`). */
export function isValidAnnotator(name: string): boolean {
  return isSafeFileName(name);
}

/** What buildDocument needs; the text must already be normalised. */
export interface DocumentInput {
  id: string;
  title: string;
  text: string;
  blocks: Block[];
  meta: DocumentMeta;
  importedAt: string;
  marks?: DocumentMark[];
}

/** A complete GlossDocument (format, version, offset unit and text hash filled in). */
export async function buildDocument(input: DocumentInput): Promise<GlossDocument> {
  const doc: GlossDocument = {
    format: 'gloss.document',
    version: 1,
    offsetUnit: OFFSET_UNIT,
    id: input.id,
    title: input.title,
    text: input.text,
    blocks: input.blocks.map((b) => ({ ...b })),
    meta: { ...input.meta },
    textSha256: await sha256Hex(input.text),
    importedAt: input.importedAt,
  };
  if (input.marks && input.marks.length > 0) doc.marks = input.marks.map((m) => ({ ...m }));
  return doc;
}

/** Paragraph blocks, one per run of non-blank lines; single newlines stay inside a block. */
export function plainTextToBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let cp = 0;
  let runStart = -1;
  let runEnd = -1;
  for (const line of text.split('\n')) {
    const len = codePointLength(line);
    if (/\S/u.test(line)) {
      if (runStart < 0) runStart = cp;
      runEnd = cp + len;
    } else if (runStart >= 0) {
      blocks.push({ type: 'paragraph', start: runStart, end: runEnd });
      runStart = -1;
    }
    cp += len + 1; // the "\n"
  }
  if (runStart >= 0) blocks.push({ type: 'paragraph', start: runStart, end: runEnd });
  return blocks;
}

/** The file's base name without directories and without its last extension. */
export function baseName(fileName: string): string {
  const name = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** A plain-text file as a document: normalised text, paragraph blocks, title from the file name. */
export function parsePlainText(raw: string, fileName: string): { title: string; text: string; blocks: Block[] } {
  const text = normalizeNewlines(raw);
  return { title: baseName(fileName), text, blocks: plainTextToBlocks(text) };
}

/** A markdown file as a document: text without markup, a block per heading, paragraph, item... */
export function parseMarkdown(
  raw: string,
  fileName: string,
): { title: string; text: string; blocks: Block[]; marks: DocumentMark[] } {
  const builder = new MarkdownBuilder();
  builder.blocks(marked.lexer(normalizeNewlines(raw)), null, 0);
  const title = builder.firstHeading?.trim() || baseName(fileName);
  return { title, text: builder.text, blocks: builder.out, marks: builder.marks };
}

/** A block being built: its text and marks relative to its own start. */
interface Piece {
  text: string;
  len: number;
  marks: DocumentMark[];
}

const INLINE_CONTAINERS = new Set(['text', 'paragraph']);

class MarkdownBuilder {
  text = '';
  len = 0;
  out: Block[] = [];
  marks: DocumentMark[] = [];
  firstHeading: string | undefined;

  /** Walk block tokens; `quote` turns paragraphs into quote blocks, `depth` is list nesting. */
  blocks(tokens: Token[], quote: 'quote' | null, depth: number): void {
    for (const token of tokens) this.block(token, quote, depth);
  }

  private block(token: Token, quote: 'quote' | null, depth: number): void {
    switch (token.type) {
      case 'space':
      case 'hr':
      case 'def':
      case 'checkbox':
        return;
      case 'heading': {
        const t = token as Tokens.Heading;
        const piece = this.inline(t.tokens);
        if (this.firstHeading === undefined && piece.text.trim()) this.firstHeading = piece.text;
        this.emit('heading', piece, t.depth);
        return;
      }
      case 'paragraph':
      case 'text': {
        const t = token as Tokens.Paragraph | Tokens.Text;
        const piece = t.tokens ? this.inline(t.tokens) : plain(decodeEntities(t.text));
        this.emit(quote ?? 'paragraph', piece);
        return;
      }
      case 'code': {
        // Indented code keeps its final newline in marked's token; the block gap replaces it.
        this.emit('code', plain((token as Tokens.Code).text.replace(/\n+$/, '')));
        return;
      }
      case 'blockquote': {
        this.blocks((token as Tokens.Blockquote).tokens, 'quote', depth);
        return;
      }
      case 'list': {
        for (const item of (token as Tokens.List).items) this.listItem(item, depth + 1);
        return;
      }
      case 'table': {
        const t = token as Tokens.Table;
        for (const row of [t.header, ...t.rows]) {
          for (const cell of row) this.emit('table-cell', this.inline(cell.tokens));
        }
        return;
      }
      case 'html': {
        const text = decodeEntities(stripTags((token as Tokens.HTML).text)).trim();
        this.emit(quote ?? 'paragraph', plain(text));
        return;
      }
      default: {
        // Extensions or future token types: keep their text rather than lose it.
        const t = token as { tokens?: Token[]; text?: string };
        if (t.tokens) this.emit(quote ?? 'paragraph', this.inline(t.tokens));
        else if (typeof t.text === 'string') this.emit(quote ?? 'paragraph', plain(decodeEntities(t.text)));
      }
    }
  }

  /** A list item: its own text is one list-item block; nested lists and other blocks follow. */
  private listItem(item: Tokens.ListItem, depth: number): void {
    let pending: Piece | null = null;
    const flush = (): void => {
      if (pending) this.emit('list-item', pending, depth);
      pending = null;
    };
    for (const child of item.tokens) {
      if (INLINE_CONTAINERS.has(child.type)) {
        const t = child as Tokens.Paragraph | Tokens.Text;
        const piece = t.tokens ? this.inline(t.tokens) : plain(decodeEntities(t.text));
        pending = pending ? join(pending, plain('\n'), piece) : piece;
      } else if (child.type === 'list') {
        flush();
        for (const sub of (child as Tokens.List).items) this.listItem(sub, depth + 1);
      } else if (child.type !== 'checkbox' && child.type !== 'space') {
        flush();
        this.block(child, null, depth);
      }
    }
    flush();
  }

  /** Append a block (skipping empty ones), separated from the previous one by a blank line. */
  private emit(type: BlockType, piece: Piece, level?: number): void {
    if (piece.len === 0 || !/\S/u.test(piece.text)) return;
    if (this.out.length > 0) {
      this.text += '\n\n';
      this.len += 2;
    }
    const start = this.len;
    this.text += piece.text;
    this.len += piece.len;
    const block: Block = { type, start, end: this.len };
    if (level !== undefined) block.level = level;
    this.out.push(block);
    for (const m of piece.marks) this.marks.push({ ...m, start: m.start + start, end: m.end + start });
  }

  /** Inline tokens as text with marks (positions relative to the piece). */
  private inline(tokens: Token[] | undefined): Piece {
    const piece: Piece = { text: '', len: 0, marks: [] };
    const add = (s: string): void => {
      piece.text += s;
      piece.len += codePointLength(s);
    };
    const walk = (list: Token[] | undefined): void => {
      for (const token of list ?? []) {
        const start = piece.len;
        switch (token.type) {
          case 'text': {
            const t = token as Tokens.Text;
            if (t.tokens && t.tokens.length > 0) walk(t.tokens);
            else add(decodeEntities(t.text));
            break;
          }
          case 'escape':
            add((token as Tokens.Escape).text);
            break;
          case 'codespan':
            add((token as Tokens.Codespan).text);
            mark(piece, 'code', start);
            break;
          case 'strong':
            walk((token as Tokens.Strong).tokens);
            mark(piece, 'bold', start);
            break;
          case 'em':
            walk((token as Tokens.Em).tokens);
            mark(piece, 'italic', start);
            break;
          case 'link': {
            const t = token as Tokens.Link;
            walk(t.tokens);
            mark(piece, 'link', start, t.href);
            break;
          }
          case 'image':
            add(decodeEntities((token as Tokens.Image).text));
            break;
          case 'br':
            add('\n');
            break;
          case 'html':
            // Inline tags are markup, not text; <br> keeps its line break.
            if (/^<br\s*\/?>$/i.test((token as Tokens.Tag).text.trim())) add('\n');
            break;
          default: {
            const t = token as { tokens?: Token[]; text?: string };
            if (t.tokens) walk(t.tokens);
            else if (typeof t.text === 'string') add(decodeEntities(t.text));
          }
        }
      }
    };
    walk(tokens);
    return piece;
  }
}

function plain(text: string): Piece {
  return { text, len: codePointLength(text), marks: [] };
}

function join(...pieces: Piece[]): Piece {
  const out: Piece = { text: '', len: 0, marks: [] };
  for (const p of pieces) {
    for (const m of p.marks) out.marks.push({ ...m, start: m.start + out.len, end: m.end + out.len });
    out.text += p.text;
    out.len += p.len;
  }
  return out;
}

function mark(piece: Piece, type: DocumentMark['type'], start: number, href?: string): void {
  if (piece.len <= start) return;
  const m: DocumentMark = { type, start, end: piece.len };
  if (href !== undefined) m.href = href;
  piece.marks.push(m);
}

function stripTags(html: string): string {
  return html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]*>/g, '');
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '\u2013',
  mdash: '\u2014', hellip: '\u2026', laquo: '\u00ab', raquo: '\u00bb', lsquo: '\u2018',
  rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d', euro: '\u20ac', pound: '\u00a3',
  copy: '\u00a9', reg: '\u00ae', trade: '\u2122', deg: '\u00b0', times: '\u00d7', shy: '\u00ad',
};

/** Decode HTML character references as markdown allows them in text; unknown ones stay. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);/g, (all, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[ref] ?? all;
  });
}
