// The built renderer's files, served the same way to Electron (custom `gloss://` protocol) and to
// the browser (`gloss serve`): one CSP, one content-type table, one path check against traversal.

import { realpath, readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * The Content-Security-Policy of every renderer response. Same as the renderer's CSP meta tag,
 * plus what only a header can say (frame-ancestors). No 'unsafe-inline', no 'unsafe-eval'.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  // Browser mode's HTTP worker (src/renderer/src/transport/httpWorker.ts), from our own files only.
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every renderer response carries, whatever the transport. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type of a renderer file by its extension; unknown types are served as opaque bytes. */
export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The absolute path inside `root` that a URL path names, or null when it names nothing we serve:
 * undecodable, NUL bytes, backslashes, dot-segments or hidden files, or anything outside `root`.
 * "/" names index.html.
 */
export function resolveRendererPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').slice(1);
  // Refuse rather than normalise: a request that needs "..", "." or a hidden file is not ours.
  if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.'))) return null;
  const rel = decoded === '/' ? 'index.html' : segments.join('/');
  if (rel === '' || rel.endsWith('/')) return null;
  const base = resolve(root);
  const full = resolve(base, rel);
  const inside = relative(base, full);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return null;
  return full;
}

export interface RendererFile {
  body: Buffer;
  contentType: string;
}

/**
 * Reads the renderer file a URL path names, or null when there is none (missing, a directory,
 * outside the root, or a symlink that leads outside it).
 */
export async function readRendererFile(root: string, urlPath: string): Promise<RendererFile | null> {
  const path = resolveRendererPath(root, urlPath);
  if (!path) return null;
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(path)]);
    if (!realFile.startsWith(realRoot + sep)) return null;
    if (!(await stat(realFile)).isFile()) return null;
    return { body: await readFile(realFile), contentType: contentTypeFor(realFile) };
  } catch {
    return null;
  }
}
