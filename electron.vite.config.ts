import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Three bundles: main (ESM), preload (CommonJS: a sandboxed preload cannot be ESM) and the renderer.
export default defineConfig({
  main: {
    build: {
      rollupOptions: { input: { index: resolve('src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    base: './',
    build: {
      // Minified (half the bytes to parse, less code in the heap); the source map is written beside
      // the bundle but not linked from it: for reading stack traces and the benchmark's profiles.
      minify: true,
      sourcemap: 'hidden',
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    // Browser mode's HTTP worker (src/renderer/src/transport/httpWorker.ts) as an ES module.
    worker: { format: 'es' },
    plugins: [react()],
  },
});
