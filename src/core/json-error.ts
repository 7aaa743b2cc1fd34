// Where a JSON text stops being valid JSON, as a line number: JSON.parse does not always say (V8
// gives "at position N" for some errors only), and an error message should name the line.

/** Where the first syntax error of a JSON text is: UTF-16 offset, 1-based line and column. */
export interface JsonErrorPosition {
  offset: number;
  line: number;
  column: number;
}

type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close' | 'end';

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

/**
 * The position of the first syntax error in `text` by the JSON grammar (RFC 8259), or null when
 * it is valid JSON (exactly when JSON.parse accepts it). A leading BOM is skipped as the parsers
 * do. Iterative: deep nesting cannot overflow the stack.
 */
export function jsonSyntaxError(text: string): JsonErrorPosition | null {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const stack: string[] = [];
  let i = start;
  let expect: Expect = 'value';
  const at = (offset: number): JsonErrorPosition => position(text, offset, start);
  const afterValue = (): Expect => (stack.length > 0 ? 'comma-or-close' : 'end');

  /** Past the string that starts at i, or the offset of its error. */
  const scanString = (): number | { error: number } => {
    let k = i + 1;
    for (;;) {
      if (k >= n) return { error: n };
      const c = text.charCodeAt(k);
      if (c === 0x22) return k + 1;
      if (c < 0x20) return { error: k };
      if (c === 0x5c) {
        const e = text[k + 1];
        if (e === 'u') {
          HEX4.lastIndex = k + 2;
          if (!HEX4.test(text)) return { error: k };
          k += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) k += 2;
        else return { error: k };
      } else k++;
    }
  };

  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= n) return expect === 'end' ? null : at(n);
    const ch = text[i]!;
    switch (expect) {
      case 'end':
        return at(i);
      case 'colon':
        if (ch !== ':') return at(i);
        i++;
        expect = 'value';
        break;
      case 'comma-or-close': {
        const top = stack[stack.length - 1];
        if (ch === ',') {
          i++;
          expect = top === '{' ? 'key' : 'value';
        } else if ((ch === '}' && top === '{') || (ch === ']' && top === '[')) {
          stack.pop();
          i++;
          expect = afterValue();
        } else return at(i);
        break;
      }
      case 'key':
      case 'key-or-close': {
        if (expect === 'key-or-close' && ch === '}') {
          stack.pop();
          i++;
          expect = afterValue();
          break;
        }
        if (ch !== '"') return at(i);
        const end = scanString();
        if (typeof end !== 'number') return at(end.error);
        i = end;
        expect = 'colon';
        break;
      }
      case 'value':
      case 'value-or-close': {
        if (expect === 'value-or-close' && ch === ']') {
          stack.pop();
          i++;
          expect = afterValue();
          break;
        }
        if (ch === '{' || ch === '[') {
          stack.push(ch);
          i++;
          expect = ch === '{' ? 'key-or-close' : 'value-or-close';
          break;
        }
        if (ch === '"') {
          const end = scanString();
          if (typeof end !== 'number') return at(end.error);
          i = end;
        } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
          NUMBER.lastIndex = i;
          const m = NUMBER.exec(text);
          if (!m || m[0] === '-' || m[0] === '') return at(i);
          i += m[0].length;
        } else {
          const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
          if (literal === undefined) return at(i);
          i += literal.length;
        }
        expect = afterValue();
        break;
      }
    }
  }
}

function position(text: string, offset: number, from: number): JsonErrorPosition {
  let line = 1;
  let lineStart = from;
  for (let k = text.indexOf('\n', from); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) {
    line++;
    lineStart = k + 1;
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/** One step into a JSON value: a key of an object or an index of an array. */
export type JsonStep = string | number;

/**
 * The 1-based line on which the value at `path` starts in a valid JSON text (a duplicate key: its
 * last value, as JSON.parse takes), or null when the path is not there. For error messages about
 * a file's structure ("annotation 3 has no target"), which JSON.parse's result cannot place.
 */
export function jsonValueLine(text: string, path: readonly JsonStep[]): number | null {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const skipSpace = (): void => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) line++;
      else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return;
    }
  };
  // Valid JSON has no raw line break inside a string: lines are counted outside strings only.
  const skipString = (): void => {
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) i++;
      else if (c === 0x22) {
        i++;
        return;
      }
    }
  };
  const skipValue = (): void => {
    let depth = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        skipString();
        if (depth === 0) return;
        continue;
      }
      // A number, true, false or null ends at what follows it.
      if (depth === 0 && (c === 0x2c || c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a)) return;
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (depth === 0) return;
        depth--;
        if (depth === 0) {
          i++;
          return;
        }
      } else if (c === 0x0a) line++;
      i++;
    }
  };
  for (const step of path) {
    skipSpace();
    const open = text.charCodeAt(i);
    if (typeof step === 'number') {
      if (open !== 0x5b) return null;
      i++;
      for (let k = 0; ; k++) {
        skipSpace();
        if (text.charCodeAt(i) === 0x5d) return null;
        if (k === step) break;
        skipValue();
        skipSpace();
        if (text.charCodeAt(i) !== 0x2c) return null;
        i++;
      }
    } else {
      if (open !== 0x7b) return null;
      i++;
      let found: { at: number; line: number } | null = null;
      for (;;) {
        skipSpace();
        if (text.charCodeAt(i) !== 0x22) break;
        const keyStart = i;
        skipString();
        const key = JSON.parse(text.slice(keyStart, i)) as string;
        skipSpace();
        i++; // the colon
        skipSpace();
        if (key === step) found = { at: i, line };
        skipValue();
        skipSpace();
        if (text.charCodeAt(i) !== 0x2c) break;
        i++;
      }
      if (!found) return null;
      i = found.at;
      line = found.line;
    }
  }
  skipSpace();
  return i < n ? line : null;
}
