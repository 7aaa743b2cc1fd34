// HTML (and mammoth's HTML of a .docx) as a document: parsed with htmlparser2, never rendered.
// Headings, paragraphs, list items, table cells, quotes and pre become blocks; bold, italic,
// code and links become display marks. Offsets are code points.

import { Parser } from 'htmlparser2';
import type { Handler } from 'htmlparser2';
import { baseName } from '../document';
import type { Block, BlockType, DocumentMark } from '../model';
import { codePointLength } from '../offsets';
import { decodeUtf8, normalizeNewlines } from '../text';
import { documentError } from './documents';
import type { DocumentParseResult } from './documents';

/** Elements whose content is never document text: scripts, embedded objects, form controls. */
const SKIPPED = new Set([
  'script', 'style', 'template', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math',
  'canvas', 'audio', 'video', 'select', 'datalist', 'textarea',
]);

/** Elements that start and end a block (CSS display: block and friends). */
const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details',
  'dialog', 'dir', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'html', 'legend', 'li',
  'listing', 'main', 'menu', 'nav', 'ol', 'p', 'plaintext', 'pre', 'section', 'summary',
  'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul', 'xmp',
]);

/** Elements whose whitespace is kept as written. */
const PREFORMATTED = new Set(['pre', 'listing', 'plaintext', 'xmp']);

const HEADINGS: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };

const MARK_ELEMENTS: Record<string, DocumentMark['type']> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', code: 'code', kbd: 'code', samp: 'code',
  tt: 'code', a: 'link',
};

/** Link targets kept on a link mark; anything else (javascript:, relative, #anchors) is dropped. */
const SAFE_HREF = /^(https?:\/\/|mailto:)/i;

/** HTML's collapsible whitespace (not U+00A0, which a browser keeps). */
const HTML_SPACE = /[\t\n\f\r ]+/g;

interface OpenElement {
  name: string;
  /** The mark this element opened, if any. */
  mark?: OpenMark;
  /** The block type this element gives the text inside it, if any. */
  context?: BlockContext;
}

interface BlockContext {
  type: BlockType;
  level?: number;
}

/** Marks nested deeper than this are not kept (display only; keeps hostile input linear). */
const MAX_OPEN_MARKS = 64;

interface OpenMark {
  type: DocumentMark['type'];
  href?: string;
  /** Start within the current piece. */
  start: number;
}

/** Parse HTML into text, blocks and marks; the title is <title>, else the first heading, else the file name. */
export function parseHtml(raw: string, fileName: string): DocumentParseResult {
  try {
    const builder = new HtmlBuilder();
    const parser = new Parser(builder.handler(), { decodeEntities: true });
    parser.write(normalizeNewlines(raw));
    parser.end();
    builder.finish();
    const title = builder.title || builder.firstHeading || baseName(fileName);
    return { ok: true, value: { title, text: builder.text, blocks: builder.blocks, marks: builder.sortedMarks() } };
  } catch (error) {
    // htmlparser2 does not throw on bad markup; anything here is a bug, still reported as data.
    return documentError(fileName, `cannot read the HTML: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Labels that mean UTF-8 (a <meta> saying UTF-16 also means UTF-8, as in browsers). */
const UTF8_LABELS = new Set([
  'utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8',
  'utf-16', 'utf-16le', 'utf-16be', 'unicode', 'ucs-2',
]);
/** Legacy charsets that decode ASCII bytes as ASCII: harmless when the file is pure ASCII. */
const ASCII_COMPATIBLE = /^(us-ascii|ascii|iso-?8859-\d+|iso_8859-\d+|latin-?\d|l\d|windows-125\d|cp125\d|x-cp125\d)$/;

/**
 * HTML file bytes as a document: strict UTF-8 only. A <meta charset> naming another encoding is
 * refused (rather than guessed), unless the file is pure ASCII and that encoding reads ASCII as ASCII.
 */
export function parseHtmlBytes(bytes: Uint8Array, fileName: string): DocumentParseResult {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return documentError(fileName, 'is UTF-16 (byte order mark); only UTF-8 HTML can be imported: save it as UTF-8');
  }
  const declared = declaredCharset(bytes);
  if (declared !== null && !UTF8_LABELS.has(declared)) {
    const pureAscii = bytes.every((b) => b < 0x80);
    if (!(pureAscii && ASCII_COMPATIBLE.test(declared))) {
      return documentError(fileName, `declares charset "${declared}"; only UTF-8 HTML can be imported: save it as UTF-8`);
    }
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return documentError(fileName, decoded.error.message);
  return parseHtml(decoded.value, fileName);
}

/** The charset of the first <meta> that declares one (charset= or http-equiv content), lowercased. */
function declaredCharset(bytes: Uint8Array): string | null {
  // Browsers prescan 1024 bytes; a later <meta> is still a declaration we must not ignore.
  let head = '';
  for (const b of bytes.subarray(0, 65536)) head += String.fromCharCode(b);
  // Bounded tag length: an unclosed "<meta" must not make every later match scan to the end.
  for (const tag of head.matchAll(/<meta\b[^>]{0,1024}>/gi)) {
    const match = /charset\s*=\s*["']?\s*([^\s"';>/]+)/i.exec(tag[0]);
    if (match) return match[1]!.toLowerCase();
  }
  return null;
}

class HtmlBuilder {
  text = '';
  blocks: Block[] = [];
  title = '';
  firstHeading = '';
  private len = 0;
  private readonly marks: DocumentMark[] = [];
  private readonly stack: OpenElement[] = [];
  private readonly openMarks: OpenMark[] = [];
  /** The block being built: text and closed marks relative to its start. */
  private piece = '';
  private pieceLen = 0;
  /** The piece's last UTF-16 unit, kept so that appending never has to flatten the string. */
  private pieceTail = '';
  private pieceMarks: DocumentMark[] = [];
  /** Depth of skipped elements (script, template, ...) currently open. */
  private skipDepth = 0;
  private inTitle = false;
  private titleSeen = false;
  private titleText = '';
  /** Right after <pre>, whose first newline HTML ignores. */
  private preJustOpened = false;
  /** Preformatted text ended with a CR that became \n; a following \n belongs to it. */
  private pendingCR = false;
  /** Kept incrementally (not by scanning the stack) so that deep nesting stays linear. */
  private readonly contexts: BlockContext[] = [];
  private preDepth = 0;
  private listDepth = 0;

  handler(): Partial<Handler> {
    return {
      onopentag: (name: string, attribs: Record<string, string>) => this.open(name, attribs),
      onclosetag: (name: string) => this.close(name),
      ontext: (data: string) => this.onText(data),
    };
  }

  finish(): void {
    this.flush();
  }

  /** Marks by (start, end, type): the same input always gives the same order. */
  sortedMarks(): DocumentMark[] {
    const byType = (a: DocumentMark, b: DocumentMark): number => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);
    return [...this.marks].sort((a, b) => a.start - b.start || a.end - b.end || byType(a, b));
  }

  private open(name: string, attribs: Record<string, string>): void {
    if (this.skipDepth > 0 || SKIPPED.has(name)) {
      this.stack.push({ name });
      this.skipDepth++;
      return;
    }
    if (name === 'title') {
      // Only the first <title> names the document; none is ever shown as text.
      this.stack.push({ name });
      if (this.titleSeen) this.skipDepth++;
      else this.inTitle = this.titleSeen = true;
      return;
    }
    if (name === 'br') {
      this.lineBreak();
      return; // void: its close is ignored below
    }
    if (BLOCK_ELEMENTS.has(name)) this.flush();
    const element: OpenElement = { name };
    const markType = MARK_ELEMENTS[name];
    // Inside pre, <code> is the block's nature, not a mark.
    if (markType && this.openMarks.length < MAX_OPEN_MARKS && !(markType === 'code' && this.preDepth > 0)) {
      const mark: OpenMark = { type: markType, start: this.pieceLen };
      const href = (attribs.href ?? '').trim();
      if (markType === 'link' && SAFE_HREF.test(href)) mark.href = href;
      this.openMarks.push(mark);
      element.mark = mark;
    }
    const context = this.contextOf(name);
    if (context) {
      element.context = context;
      this.contexts.push(context);
    }
    if (PREFORMATTED.has(name)) {
      this.preDepth++;
      this.preJustOpened = true;
    }
    this.stack.push(element);
  }

  /** The block type an element gives its text: headings, list items, cells, pre, blockquote. */
  private contextOf(name: string): BlockContext | undefined {
    const heading = HEADINGS[name];
    if (heading !== undefined) return { type: 'heading', level: heading };
    if (name === 'li') return { type: 'list-item', level: ++this.listDepth };
    if (name === 'td' || name === 'th') return { type: 'table-cell' };
    if (PREFORMATTED.has(name)) return { type: 'code' };
    if (name === 'blockquote') return { type: 'quote' };
    return undefined;
  }

  private close(name: string): void {
    if (name === 'br') return;
    let index = this.stack.length - 1;
    while (index >= 0 && this.stack[index]!.name !== name) index--;
    if (index < 0) return; // a close htmlparser2 never opened for us
    while (this.stack.length > index) this.pop();
  }

  private pop(): void {
    const element = this.stack[this.stack.length - 1]!;
    if (this.skipDepth > 0) {
      this.stack.pop();
      this.skipDepth--;
      return;
    }
    if (element.name === 'title' && this.inTitle) {
      this.stack.pop();
      this.inTitle = false;
      this.title = collapse(this.titleText).trim();
      return;
    }
    if (BLOCK_ELEMENTS.has(element.name)) this.flush();
    if (element.mark) {
      const mark = element.mark;
      const at = this.openMarks.lastIndexOf(mark);
      if (at >= 0) this.openMarks.splice(at, 1);
      this.closeMark(mark);
    }
    if (element.context) {
      this.contexts.pop();
      if (element.name === 'li') this.listDepth--;
    }
    if (PREFORMATTED.has(element.name)) this.preDepth--;
    this.stack.pop();
  }

  private onText(data: string): void {
    if (this.skipDepth > 0) return;
    if (this.inTitle) {
      this.titleText += data;
      return;
    }
    if (this.preDepth > 0) {
      // A character reference (&#13;) can still bring a CR; stored text only has \n.
      let text = data;
      if (this.pendingCR && text.startsWith('\n')) text = text.slice(1);
      this.pendingCR = text.endsWith('\r');
      text = text.replace(/\r\n?/g, '\n');
      if (this.preJustOpened && text.startsWith('\n')) text = text.slice(1);
      this.preJustOpened = false;
      this.append(text);
      return;
    }
    let text = collapse(data);
    // Whitespace at the start of a line, or after whitespace, is not rendered.
    if (this.pieceLen === 0 || this.pieceTail === ' ' || this.pieceTail === '\n') text = text.replace(/^ /, '');
    this.append(text);
  }

  private lineBreak(): void {
    if (this.skipDepth > 0 || this.inTitle) return;
    this.pendingCR = false;
    if (this.preDepth > 0) {
      this.append('\n');
      return;
    }
    // A space before a line break is not rendered; a break at the block start shows nothing we keep.
    if (this.pieceTail === ' ') this.trimTrailing(' ');
    if (this.pieceLen > 0) this.append('\n');
  }

  private append(text: string): void {
    if (!text) return;
    this.piece += text;
    this.pieceLen += codePointLength(text);
    this.pieceTail = text[text.length - 1]!;
  }

  private closeMark(mark: OpenMark): void {
    if (this.pieceLen <= mark.start) return;
    const m: DocumentMark = { type: mark.type, start: mark.start, end: this.pieceLen };
    if (mark.href !== undefined) m.href = mark.href;
    this.pieceMarks.push(m);
  }

  /** Remove trailing characters of `chars` (ASCII only: one UTF-16 unit per code point). */
  private trimTrailing(chars: string): void {
    // A loop, not a /[ \n]+$/ regex: that backtracks quadratically over long runs of breaks.
    let cut = this.piece.length;
    while (cut > 0 && chars.includes(this.piece[cut - 1]!)) cut--;
    const removed = this.piece.length - cut;
    if (removed === 0) return;
    this.piece = this.piece.slice(0, cut);
    this.pieceLen -= removed;
    this.pieceTail = this.piece[cut - 1] ?? '';
    for (const m of this.pieceMarks) m.end = Math.min(m.end, this.pieceLen);
    for (const m of this.openMarks) m.start = Math.min(m.start, this.pieceLen);
  }

  /** The block type and level of text added now: the innermost typed element decides. */
  private context(): BlockContext {
    return this.contexts[this.contexts.length - 1] ?? { type: 'paragraph' };
  }

  /** End the current block: trim it, append it after a blank line, keep its marks. */
  private flush(): void {
    const { type, level } = this.context();
    this.trimTrailing(type === 'code' ? '\n' : ' \n');
    // Marks still open continue into the next block.
    for (const mark of this.openMarks) {
      this.closeMark(mark);
      mark.start = 0;
    }
    const piece = this.piece;
    const pieceLen = this.pieceLen;
    const pieceMarks = this.pieceMarks;
    this.piece = '';
    this.pieceLen = 0;
    this.pieceTail = '';
    this.pieceMarks = [];
    this.preJustOpened = false;
    this.pendingCR = false;
    if (pieceLen === 0 || !/\S/u.test(piece)) return;
    if (this.blocks.length > 0) {
      this.text += '\n\n';
      this.len += 2;
    }
    const start = this.len;
    this.text += piece;
    this.len += pieceLen;
    const block: Block = { type, start, end: this.len };
    if (level !== undefined) block.level = level;
    this.blocks.push(block);
    if (type === 'heading' && !this.firstHeading) this.firstHeading = collapse(piece).trim();
    for (const m of pieceMarks) {
      if (m.end > m.start) this.marks.push({ ...m, start: m.start + start, end: m.end + start });
    }
  }
}

function collapse(text: string): string {
  return text.replace(HTML_SPACE, ' ');
}
