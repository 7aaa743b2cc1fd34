import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/core/hash';
import { readSample } from './samples';

describe('sha256Hex', () => {
  it('matches the known digest of "abc" and of the empty string', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes the UTF-8 bytes (agrees with node:crypto on the emoji sample)', async () => {
    const text = readSample('social-monitoring-digest.txt');
    expect(await sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });

  it('distinguishes texts that differ only in line endings', async () => {
    expect(await sha256Hex('a\nb')).not.toBe(await sha256Hex('a\r\nb'));
  });
});
