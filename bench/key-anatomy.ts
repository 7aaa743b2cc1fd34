// What one change to the report's DOM costs inside a real key event (issue 5, docs/adr/0021): a
// test handler for F9 (capture phase, before the app) wraps a few characters of a paragraph's
// text in a <span> and times, with performance.now(), the DOM change, the forced layout, the first
// Selection.collapse after it and a second collapse right after (same DOM). Medians of 16 keys,
// for paragraphs near the start, the middle and the end of the report, with the root editable (as
// the app has it) and not; then the same change in a small absolutely positioned <div> outside the
// app, as parts of the page are taken away (the last: the whole app).
//
//   npx tsx bench/key-anatomy.ts [DIR]
//
// DIR is a project folder with its renderer built (default: this one). Needs the benchmark's data
// (`npx tsx bench/generate.ts` once). performance.now() counts tenths of a millisecond here.

import { resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../e2e/support/chromium';
import { VIEWPORT } from './lib/browser-bench';
import { openReport, serveReport } from './lib/report-session';

const dir = resolve(process.argv[2] ?? '.');
const report = await serveReport(dir);
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });

/** In the page (plain JavaScript: this file is type-checked without the DOM's types). */
const INSTALL = `(() => {
  window.__anatomy = [];
  window.addEventListener('keydown', (ev) => {
    if (ev.key !== 'F9') return;
    ev.preventDefault();
    ev.stopPropagation();
    const cfg = window.__anatomyConfig;
    const root = document.querySelector('.ProseMirror');
    const host = cfg.target === 'abs' ? document.getElementById('anatomy-abs') : document.querySelectorAll('.ProseMirror p')[cfg.block];
    const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
    let n = walker.nextNode();
    while (n && n.length < 12) n = walker.nextNode();
    if (!n) return;
    const t0 = performance.now();
    const rest = n.splitText(4);
    const after = rest.splitText(5);
    const span = document.createElement('span');
    span.className = 'gl-span';
    rest.replaceWith(span);
    span.append(rest);
    const t1 = performance.now();
    void (root ?? document.body).offsetHeight;
    const t2 = performance.now();
    getSelection().collapse(after, 0);
    const t3 = performance.now();
    getSelection().collapse(after, 1);
    const t4 = performance.now();
    window.__anatomy.push({ dom: t1 - t0, layout: t2 - t1, collapse: t3 - t2, again: t4 - t3 });
  }, true);
  const abs = document.createElement('div');
  abs.id = 'anatomy-abs';
  abs.style.cssText = 'position:absolute;top:0;left:0;width:300px';
  document.body.append(abs);
})()`;

try {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await openReport(page, report);
  await page.evaluate(INSTALL);
  const paragraphs = await page.evaluate<number>(`document.querySelectorAll('.ProseMirror p').length`);
  const run = async (title: string, config: { target: 'doc' | 'abs'; near?: 'start' | 'middle' | 'end' }): Promise<void> => {
    await page.evaluate('window.__anatomy = []');
    for (let i = 0; i < 16; i++) {
      const block = config.near === 'end' ? paragraphs - 40 - i * 3 : config.near === 'middle' ? Math.floor(paragraphs / 2) + i * 3 : 20 + i * 3;
      if (config.target === 'abs') {
        await page.evaluate(`document.getElementById('anatomy-abs').textContent = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit sed do eiusmod tempor'`);
      } else {
        await page.evaluate(`document.querySelectorAll('.ProseMirror p')[${block}].scrollIntoView({ block: 'center' })`);
      }
      await page.waitForTimeout(120);
      await page.evaluate(`document.querySelector('.ProseMirror')?.focus({ preventScroll: true })`);
      await page.evaluate(`window.__anatomyConfig = ${JSON.stringify({ ...config, block })}`);
      await page.waitForTimeout(60);
      await page.keyboard.press('F9');
      await page.waitForTimeout(60);
    }
    const rows = await page.evaluate<Record<string, number>[]>('window.__anatomy');
    const median = (k: string): string => {
      const v = rows.map((r) => r[k]!).sort((a, b) => a - b);
      return v.length ? v[Math.floor(v.length / 2)]!.toFixed(1) : '-';
    };
    process.stdout.write(
      `${title.padEnd(44)} n=${String(rows.length).padStart(2)}  DOM ${median('dom')}  layout ${median('layout')}  first collapse ${median('collapse')}  second ${median('again')} ms\n`,
    );
  };
  for (const editable of ['plaintext-only', 'false']) {
    await page.evaluate(`document.querySelector('.ProseMirror').setAttribute('contenteditable', '${editable}')`);
    for (const near of ['start', 'middle', 'end'] as const) await run(`paragraph near the ${near}, root editable=${editable}`, { target: 'doc', near });
  }
  await page.evaluate(`document.querySelector('.ProseMirror').setAttribute('contenteditable', 'plaintext-only')`);
  for (const [name, selector] of [
    ['nothing', ''],
    ['the document list', '.gl-doclist'],
    ['the side panel', '.gl-side'],
    ['the top bar', '.gl-topbar'],
    ['the document pane', '.gl-center'],
    ['the whole app', '.gl-app'],
  ]) {
    if (selector) await page.evaluate(`document.querySelector('${selector}')?.remove()`);
    await page.waitForTimeout(300);
    await run(`a <div> outside the app, removed: ${name}`, { target: 'abs' });
  }
} finally {
  await browser.close();
  await report.close();
}
