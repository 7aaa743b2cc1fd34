// Small helpers for data kept in typed columns (ADR 0020): the span index, my spans, the arenas.

/**
 * Copies of `columns` (all of one length), `values[c]` inserted at `at` in column c. The copies
 * are views of one new buffer: an index's columns change together, and one allocation for all of
 * them costs the page less than one each (each is a fresh zeroed ArrayBuffer outside the heap).
 */
export function insertAtAll(columns: readonly Int32Array[], at: number, values: readonly number[]): Int32Array[] {
  const length = columns[0]!.length + 1;
  const buffer = new ArrayBuffer(length * 4 * columns.length);
  return columns.map((column, c) => {
    const out = new Int32Array(buffer, c * length * 4, length);
    out.set(column.subarray(0, at));
    out[at] = values[c]!;
    out.set(column.subarray(at), at + 1);
    return out;
  });
}

/** Copies of `columns` (all of one length) without the item at `at`, views of one new buffer. */
export function removeAtAll(columns: readonly Int32Array[], at: number): Int32Array[] {
  const length = columns[0]!.length - 1;
  const buffer = new ArrayBuffer(length * 4 * columns.length);
  return columns.map((column, c) => {
    const out = new Int32Array(buffer, c * length * 4, length);
    out.set(column.subarray(0, at));
    out.set(column.subarray(at + 1), at);
    return out;
  });
}

/** A copy of `array` with `value` inserted at `at`. */
export function insertAt(array: Int32Array, at: number, value: number): Int32Array {
  return insertAtAll([array], at, [value])[0]!;
}

/** A copy of `array` without the item at `at`. */
export function removeAt(array: Int32Array, at: number): Int32Array {
  return removeAtAll([array], at)[0]!;
}

/** `array` if it holds `need` items, else a copy at least twice as long (the first `used` items kept). */
export function grown<T extends Int32Array<ArrayBuffer> | Uint16Array<ArrayBuffer>>(array: T, need: number, used: number = array.length): T {
  if (need <= array.length) return array;
  let size = Math.max(1, array.length * 2);
  while (size < need) size *= 2;
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array.subarray(0, used));
  return next;
}
