// The floor and peer pages (bench/pages) built with vite into the data folder, the probe built
// as one classic script, and a tiny static server for them and the workspace files they read.

import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { build } from 'vite';
import { ROOT } from './proc';

const PAGES_SRC = join(ROOT, 'bench', 'pages');

export interface BuiltPages {
  /** The built pages (p.html, pm.html, recogito.html and their assets). */
  dir: string;
  /** The probe, to inject into every page before its own scripts. */
  probeSource: string;
}

/** Build the pages and the probe (not minified, like the app's renderer build). */
export async function buildPages(outDir: string): Promise<BuiltPages> {
  const dir = join(outDir, 'pages');
  await build({
    configFile: false,
    root: PAGES_SRC,
    base: '/',
    logLevel: 'warn',
    build: {
      outDir: dir,
      emptyOutDir: true,
      minify: false,
      reportCompressedSize: false,
      rollupOptions: {
        input: { p: join(PAGES_SRC, 'p.html'), pm: join(PAGES_SRC, 'pm.html'), recogito: join(PAGES_SRC, 'recogito.html') },
      },
    },
  });
  const probeDir = join(outDir, 'probe');
  await build({
    configFile: false,
    root: PAGES_SRC,
    logLevel: 'warn',
    build: {
      outDir: probeDir,
      emptyOutDir: true,
      minify: false,
      reportCompressedSize: false,
      lib: { entry: join(PAGES_SRC, 'probe.ts'), formats: ['iife'], name: 'GlossBenchProbe', fileName: () => 'probe.js' },
    },
  });
  return { dir, probeSource: readFileSync(join(probeDir, 'probe.js'), 'utf8') };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/** Serve `dir` and, under /data/, the named files; 127.0.0.1 only, no caching. */
export async function serveStatic(dir: string, data: Record<string, string>): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    let file: string | undefined;
    if (path.startsWith('/data/')) file = data[path.slice('/data/'.length)];
    else {
      const candidate = normalize(join(dir, path === '/' ? 'index.html' : path));
      if (candidate.startsWith(dir + sep)) file = candidate;
    }
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('static server has no port');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
