// Many short strings (span ids) kept as UTF-16 code units in one growing typed array, outside the
// JS heap (ADR 0020): 10,000 ids as strings take ~200 KB of it plus an array of pointers. A string
// is known by where it starts and its length; the caller keeps those in its own columns. Strings
// are only appended, never changed, so every version of a structure built on an arena can share
// it: a newer version's strings lie past an older one's.

import { grown } from './columns';

export class StringArena {
  private chars = new Uint16Array(1024);
  private used = 0;

  /** Put a string in; returns where it starts (its length is the string's). */
  add(s: string): number {
    const at = this.used;
    this.chars = grown(this.chars, at + s.length, at);
    for (let i = 0; i < s.length; i++) this.chars[at + i] = s.charCodeAt(i);
    this.used = at + s.length;
    return at;
  }

  get(at: number, length: number): string {
    // In pieces: an argument list has a limit (and a TextDecoder would alter lone surrogates).
    let out = '';
    for (let from = at; from < at + length; from += 4096) {
      out += String.fromCharCode.apply(null, this.chars.subarray(from, Math.min(at + length, from + 4096)) as unknown as number[]);
    }
    return out;
  }

  /** Whether the string at [at, at + length) is `s`, without making it. */
  equals(at: number, length: number, s: string): boolean {
    if (length !== s.length) return false;
    const chars = this.chars;
    for (let i = 0; i < length; i++) if (chars[at + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  /** Code-unit order of the string at [at, at + length) and `s`, without making the first. */
  compareTo(at: number, length: number, s: string): number {
    const chars = this.chars;
    for (let i = 0; i < length && i < s.length; i++) {
      const d = chars[at + i]! - s.charCodeAt(i);
      if (d !== 0) return d;
    }
    return length - s.length;
  }

  /** Code-unit order of two strings of the arena (as `<` orders strings), without making them. */
  compare(a: number, aLength: number, b: number, bLength: number): number {
    const chars = this.chars;
    for (let i = 0; i < aLength && i < bLength; i++) {
      const d = chars[a + i]! - chars[b + i]!;
      if (d !== 0) return d;
    }
    return aLength - bLength;
  }
}

/** A 32-bit hash of a string's code units (FNV-1a): to find a string among many by comparing numbers first. */
export function stringHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}
