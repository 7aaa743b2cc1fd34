import { describe, expect, it } from 'vitest';
import type { Schema } from '../../src/core/model';
import { DEFAULT_SCHEMA } from '../../src/core/schema';
import { parseSchema } from '../../src/core/schema-file';

describe('parseSchema', () => {
  it('passes its own parser unchanged', () => {
    expect(parseSchema(DEFAULT_SCHEMA)).toEqual({ ok: true, value: DEFAULT_SCHEMA });
  });

  const base = (): Schema => structuredClone(DEFAULT_SCHEMA);

  it('rejects what is not a schema', () => {
    const r = parseSchema({ labels: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid-input');
      expect(r.error.message).toContain('labels');
    }
    expect(parseSchema(null).ok).toBe(false);
  });

  it('rejects duplicate label names and keys', () => {
    const s = base();
    s.labels[1]!.name = 'Person';
    expect(parseSchema(s).ok).toBe(false);
    const t = base();
    t.labels[1]!.key = '1';
    const r = parseSchema(t);
    expect(!r.ok && r.error.message).toContain('key "1" is used twice');
  });

  it('rejects bad colours, multi-character keys and enum attributes without values', () => {
    const s = base();
    s.labels[0]!.color = 'red';
    expect(parseSchema(s).ok).toBe(false);
    const t = base();
    t.labels[0]!.key = '10';
    expect(parseSchema(t).ok).toBe(false);
    const u = base();
    u.labels[7]!.attributes[0] = { name: 'status', type: 'enum' };
    const r = parseSchema(u);
    expect(!r.ok && r.error.message).toContain('"values"');
  });

  it('rejects relations naming unknown labels', () => {
    const s = base();
    s.relations[0]!.to.push('Ghost');
    const r = parseSchema(s);
    expect(!r.ok && r.error.message).toContain('unknown label "Ghost"');
  });

  it('accepts a label without key and drops unknown keys', () => {
    const r = parseSchema({
      labels: [{ name: 'Event', category: 'other', color: '#123456', attributes: [], extra: true }],
      relations: [],
    });
    expect(r).toEqual({
      ok: true,
      value: { labels: [{ name: 'Event', category: 'other', color: '#123456', attributes: [] }], relations: [] },
    });
  });
});
