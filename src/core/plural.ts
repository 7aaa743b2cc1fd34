// Counts as people read them, in the job summaries, the CLI's messages and the app's panels alike.

/** "1 span", "2 spans", "300,000 spans": a count with thousands separators and its noun. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
