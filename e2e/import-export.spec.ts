// Import… and Export… in browser mode: a Prodigy-style JSONL with emoji and astral characters
// comes in through the file picker and by drag & drop, with progress, and its spans show at the
// right places; a broken file is refused naming the file and line, and nothing changes on disk;
// csv and jsonl exports download with code-point offsets.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Page } from '@playwright/test';
import { GLOSS_BIN } from './support/global-setup';
import { expect, openDocument, test } from './support/fixtures';

const TEXT = 'Digest 🌍: Emomali Rahmon pledged €25 million by 𝟐𝟎𝟐𝟕 in Dushanbe.';
const QUOTES: [string, string][] = [
  ['Person', 'Emomali Rahmon'],
  ['Money', '€25 million'],
  ['Date', '𝟐𝟎𝟐𝟕'],
  ['Location', 'Dushanbe'],
];
const chars = [...TEXT];

/** Code-point offsets of a quote in TEXT (what Python's str.index gives). */
function offsets(quote: string): { start: number; end: number } {
  const unit = TEXT.indexOf(quote);
  const start = [...TEXT.slice(0, unit)].length;
  return { start, end: start + [...quote].length };
}

const JSONL = `${JSON.stringify({ text: TEXT, spans: QUOTES.map(([label, quote]) => ({ ...offsets(quote), label })) })}\n`;

/** Every file under the workspace with its bytes, to compare before and after. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(relative(dir, full), readFileSync(full).toString('base64'));
    }
  };
  walk(dir);
  return out;
}

/** Records every progress bar the page shows (a fast job may show it only briefly). */
async function watchProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: { role: string | null; valuenow: string | null }[] = [];
    (window as unknown as { progressSeen: typeof seen }).progressSeen = seen;
    const record = (): void => {
      const bar = document.querySelector('[data-testid=progress]');
      if (bar) seen.push({ role: bar.getAttribute('role'), valuenow: bar.getAttribute('aria-valuenow') });
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

async function progressSeen(page: Page): Promise<{ role: string | null; valuenow: string | null }[]> {
  return page.evaluate(() => (window as unknown as { progressSeen: { role: string | null; valuenow: string | null }[] }).progressSeen);
}

/** Picks files in the file chooser that Import… opens. */
async function pickFiles(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('import-button').click();
  await (await chooser).setFiles(files);
  await expect(page.getByTestId('import-dialog')).toBeVisible();
}

const jsonlFile = (name: string, content: string) => ({ name, mimeType: 'application/x-ndjson', buffer: Buffer.from(content) });

test('a JSONL with emoji comes in through the file picker, with progress, its spans where they belong', async ({ page, ws, openApp }) => {
  await openApp();
  await expect(page.locator('[data-testid=doc-item]')).toHaveCount(3);
  await pickFiles(page, [jsonlFile('digest-emoji.jsonl', JSONL)]);
  await expect(page.getByTestId('import-format')).toHaveValue('auto');
  await expect(page.getByTestId('import-dialog')).toContainText('digest-emoji.jsonl');

  await watchProgress(page);
  await page.getByTestId('import-start').click();
  const result = page.getByTestId('job-result');
  await expect(result).toContainText('Imported 1 file: 1 new document, 4 spans added.');
  const bars = await progressSeen(page);
  expect(bars.length).toBeGreaterThan(0);
  expect(bars.every((b) => b.role === 'progressbar')).toBe(true);
  await page.getByTestId('import-close').click();
  await expect(page.getByTestId('import-dialog')).toHaveCount(0);

  const doc = ws.docId('digest-emoji.jsonl');
  const item = page.locator(`[data-testid=doc-item][data-doc-id="${doc}"]`);
  await expect(item).toBeVisible();
  await expect(item.getByTestId('doc-span-count')).toHaveText('4');
  await openDocument(page, doc);
  for (const [label, quote] of QUOTES) await expect(page.locator(`.gl-span[data-label=${label}]`)).toHaveText(quote);
  expect(ws.readLayer(doc, 'alice')?.spans.map((s) => [s.label, s.start, s.end, s.quote])).toEqual(
    QUOTES.map(([label, quote]) => [label, offsets(quote).start, offsets(quote).end, quote]),
  );
});

test('a long import shows a counting progress bar', async ({ page, openApp }) => {
  await openApp();
  // Enough documents that the job is still counting (each is written durably) when the page asks.
  const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ text: `Dushanbe report 🌍 number ${i}.`, spans: [{ start: 0, end: 8, label: 'Location' }] }));
  await pickFiles(page, [jsonlFile('many.jsonl', `${lines.join('\n')}\n`)]);
  await watchProgress(page);
  await page.getByTestId('import-start').click();
  await expect(page.getByTestId('job-result')).toContainText('200 new documents', { timeout: 45_000 });
  const counted = (await progressSeen(page)).map((b) => Number(b.valuenow)).filter((n) => n > 0 && n < 100);
  expect(counted.length).toBeGreaterThan(0);
  await page.getByTestId('import-close').click();
  await expect(page.locator('[data-testid=doc-item]')).toHaveCount(203);
});

test('files dropped on the window are imported the same way', async ({ page, ws, openApp }) => {
  await openApp();
  // Dropped on the document itself, which refuses drops of its own.
  await expect(page.locator('[data-testid=editor] .ProseMirror')).toBeVisible();
  const dropOn = async (type: string): Promise<boolean> =>
    page.evaluate(
      ({ type, content }) => {
        const data = new DataTransfer();
        data.items.add(new File([content], 'dropped 🌍.jsonl', { type: 'application/x-ndjson' }));
        const event = new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data });
        document.querySelector('[data-testid=editor] .ProseMirror')!.dispatchEvent(event);
        return event.defaultPrevented;
      },
      { type, content: JSONL },
    );
  expect(await dropOn('dragenter')).toBe(true);
  await expect(page.getByTestId('drop-overlay')).toContainText('Drop files to import');
  expect(await dropOn('dragover')).toBe(true);
  expect(await dropOn('drop')).toBe(true);
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
  await expect(page.getByTestId('import-dialog')).toContainText('dropped 🌍.jsonl');
  await page.getByTestId('import-start').click();
  await expect(page.getByTestId('job-result')).toContainText('4 spans added');
  await page.getByTestId('import-close').click();
  const doc = ws.docId('dropped 🌍.jsonl');
  await expect(page.locator(`[data-testid=doc-item][data-doc-id="${doc}"] [data-testid=doc-span-count]`)).toHaveText('4');
});

test('a broken file is refused naming the file and line, and nothing changes on disk', async ({ page, ws, openApp }) => {
  await openApp();
  const before = snapshot(ws.dir);
  const broken = `${JSONL}{"text": "cut short", "spans": [\n`;
  await pickFiles(page, [
    { name: 'fine.txt', mimeType: 'text/plain', buffer: Buffer.from('A fine report.') },
    jsonlFile('broken.jsonl', broken),
  ]);
  await page.getByTestId('import-start').click();
  const result = page.getByTestId('job-result');
  await expect(result).toHaveAttribute('data-state', 'failed');
  await expect(result).toContainText('Nothing was imported; the workspace is unchanged.');
  await expect(result).toContainText('broken.jsonl, line 2');
  expect(snapshot(ws.dir)).toEqual(before);
  await page.getByTestId('import-close').click();
  await expect(page.locator('[data-testid=doc-item]')).toHaveCount(3);
});

test('csv and jsonl exports download with code-point offsets', async ({ page, ws, openApp }) => {
  const source = join(ws.dir, '..', 'digest-emoji.jsonl');
  writeFileSync(source, JSONL);
  execFileSync(process.execPath, [GLOSS_BIN, 'import', ws.dir, source, '--annotator', 'alice'], { stdio: 'pipe' });
  await openApp();

  await page.getByTestId('export-button').click();
  await page.getByTestId('export-format').selectOption('csv');
  await expect(page.getByTestId('export-annotator')).toHaveValue('all');
  const csvDownload = page.waitForEvent('download');
  await page.getByTestId('export-start').click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toBe('e2e-sample.csv');
  const csvText = readFileSync(await csv.path(), 'utf8');
  const rows = csvText.trim().split(/\r?\n/u);
  expect(rows[0]).toBe('document,title,annotator,id,label,category,start,end,text,attributes,note');
  expect(rows).toHaveLength(1 + QUOTES.length);
  for (const [label, quote] of QUOTES) {
    const { start, end } = offsets(quote);
    expect(rows.some((r) => r.includes(`,${label},`) && r.includes(`,${start},${end},${quote},`))).toBe(true);
  }
  await expect(page.getByTestId('job-result')).toContainText('Exported 4 documents, 4 spans as CSV');
  // The server keeps the file (browser mode downloads it from its address): again, the same bytes.
  const again = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download again' }).click();
  const second = await again;
  expect(second.url()).toMatch(/\/download\/[0-9a-f-]{36}$/);
  expect(readFileSync(await second.path(), 'utf8')).toBe(csvText);
  await page.getByTestId('export-close').click();

  await page.getByTestId('export-button').click();
  await page.getByTestId('export-format').selectOption('jsonl');
  await expect(page.getByTestId('export-annotator')).toHaveValue('mine');
  const jsonlDownload = page.waitForEvent('download');
  await page.getByTestId('export-start').click();
  const jsonl = await jsonlDownload;
  expect(jsonl.suggestedFilename()).toBe('e2e-sample-alice.jsonl');
  const lines = readFileSync(await jsonl.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; spans: { start: number; end: number; label: string; text: string }[] });
  const row = lines.find((l) => l.text === TEXT);
  expect(row?.spans.map((s) => [s.label, s.start, s.end, s.text])).toEqual(QUOTES.map(([label, quote]) => [label, offsets(quote).start, offsets(quote).end, quote]));
  for (const s of row?.spans ?? []) expect(chars.slice(s.start, s.end).join('')).toBe(s.text);
});
