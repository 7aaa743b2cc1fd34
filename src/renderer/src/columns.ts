// Small helpers for data kept in typed columns (ADR 0020): the span index, my spans, the arenas.

/** A copy of `array` with `value` inserted at `at`. */
export function insertAt(array: Int32Array, at: number, value: number): Int32Array {
  const out = new Int32Array(array.length + 1);
  out.set(array.subarray(0, at));
  out[at] = value;
  out.set(array.subarray(at), at + 1);
  return out;
}

/** A copy of `array` without the item at `at`. */
export function removeAt(array: Int32Array, at: number): Int32Array {
  const out = new Int32Array(array.length - 1);
  out.set(array.subarray(0, at));
  out.set(array.subarray(at + 1), at);
  return out;
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
