// The JSON syntax-error locator agrees with JSON.parse on what is valid, and names the line.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSyntaxError, jsonValueLine } from '../../src/core/json-error';
import type { JsonStep } from '../../src/core/json-error';

function parses(text: string): boolean {
  try {
    JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return true;
  } catch {
    return false;
  }
}

describe('jsonSyntaxError', () => {
  it('finds the line and column of the first error', () => {
    expect(jsonSyntaxError('{\n  "a": 1,\n  "b": }\n')).toEqual({ offset: 19, line: 3, column: 8 });
    expect(jsonSyntaxError('[1, 2,\n')).toEqual({ offset: 7, line: 2, column: 1 });
    expect(jsonSyntaxError('{"a": "tab\there"}')?.column).toBe(11);
    expect(jsonSyntaxError('{"a": 01}')?.column).toBe(8);
    expect(jsonSyntaxError('{} x')?.column).toBe(4);
    expect(jsonSyntaxError('"\\u12G4"')?.column).toBe(2);
    expect(jsonSyntaxError('\ufeff{"a": [true, false, null, -1.5e+3, "\\u00e9\\n"]}')).toBeNull();
    expect(jsonSyntaxError('')).toEqual({ offset: 0, line: 1, column: 1 });
  });

  it('handles deep nesting without recursion', () => {
    expect(jsonSyntaxError('['.repeat(100000) + ']'.repeat(100000))).toBeNull();
    expect(jsonSyntaxError('['.repeat(100000))?.offset).toBe(100000);
  });

  it('agrees with JSON.parse on valid JSON, mutated JSON and random text', () => {
    const mutated = fc.tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', '\\', ' ', '0', '-', 'e', '\n', 'tru')).map(
      ([json, at, piece]) => {
        const k = at % (json.length + 1);
        return json.slice(0, k) + piece + json.slice(k + (at % 2));
      },
    );
    fc.assert(
      fc.property(fc.oneof(fc.json(), mutated, fc.string()), (text) => {
        expect(jsonSyntaxError(text) === null).toBe(parses(text));
      }),
      { seed: 20240503, numRuns: 2000 },
    );
  });
});

describe('jsonValueLine', () => {
  const text = '{\n  "type": "AnnotationPage",\n  "items": [\n    {"id": "a1"},\n    {\n      "id": "a2", "target": []\n    }\n  ],\n  "x": 1, "x": [\n 2]\n}\n';

  it('finds the line a value starts on, by keys and indexes; the last of duplicate keys', () => {
    expect(jsonValueLine(text, [])).toBe(1);
    expect(jsonValueLine(text, ['items'])).toBe(3);
    expect(jsonValueLine(text, ['items', 0])).toBe(4);
    expect(jsonValueLine(text, ['items', 1])).toBe(5);
    expect(jsonValueLine(text, ['items', 1, 'target'])).toBe(6);
    expect(jsonValueLine(text, ['x'])).toBe(9);
    expect(jsonValueLine(text, ['x', 0])).toBe(10);
    expect(jsonValueLine('\uFEFF\n[1,\n2]', [1])).toBe(3);
  });

  it('says null for a path that is not there', () => {
    expect(jsonValueLine(text, ['items', 2])).toBeNull();
    expect(jsonValueLine(text, ['nothing'])).toBeNull();
    expect(jsonValueLine(text, ['type', 0])).toBeNull();
    expect(jsonValueLine(text, [0])).toBeNull();
    expect(jsonValueLine('[]', [0])).toBeNull();
  });

  it('agrees with where a marker put at the path lands, for any JSON pretty-printed or not (property)', () => {
    const MARK = '\u0000mark\u0000';
    /** Every path in a value (all of them for small values). */
    const pathsOf = (value: unknown, prefix: JsonStep[] = [], out: JsonStep[][] = []): JsonStep[][] => {
      out.push(prefix);
      if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
      else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
      return out;
    };
    const withMark = (value: unknown, path: readonly JsonStep[]): unknown => {
      if (path.length === 0) return MARK;
      const [step, ...rest] = path;
      if (Array.isArray(value)) return value.map((v, i) => (i === step ? withMark(v, rest) : v));
      // Rebuilt with defineProperty so that a "__proto__" key stays a key.
      const copy = {};
      for (const [k, v] of Object.entries(value as object)) Object.defineProperty(copy, k, { value: k === step ? withMark(v, rest) : v, enumerable: true, writable: true, configurable: true });
      return copy;
    };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(0, 1, 2, '\t'), fc.nat(), (value, indent, pick) => {
        const paths = pathsOf(value);
        const path = paths[pick % paths.length]!;
        const text = JSON.stringify(value, null, indent);
        const marked = JSON.stringify(withMark(value, path), null, indent);
        const expected = marked.slice(0, marked.indexOf(JSON.stringify(MARK))).split('\n').length;
        expect(jsonValueLine(text, path)).toBe(expected);
      }),
    );
  });
});
