// The JSON syntax-error locator agrees with JSON.parse on what is valid, and names the line.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSyntaxError } from '../../src/core/json-error';

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
