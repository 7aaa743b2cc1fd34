// An analyst opens a long report (1,500 paragraphs, a span in each): it shows its first part at
// once and loads the rest while shown; only the highlights around what is in sight are drawn,
// and they follow scrolling; a span made near the end lands on disk with code-point offsets; a
// selection made with the keyboard across two chunks of blocks (ADR 0015) is one span.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GLOSS_BIN } from './support/global-setup';
import { clickBefore, dragSelect, expect, openDocument, test } from './support/fixtures';
import type { WorkspaceDir } from './support/fixtures';

const PARAGRAPHS = 1500;

/** Paragraph i: an organisation to find (the stored span), with an emoji to make offsets count. */
function paragraph(i: number): string {
  return (
    `Section ${i} 📈. The Ministry of Finance ${i} pledged further support to the regional programme, ` +
    `with quarterly reports and a review of spending in district number ${i}.`
  );
}

const TEXT = Array.from({ length: PARAGRAPHS }, (_, i) => paragraph(i)).join('\n\n');

/** Code-point offsets of the first `quote` at or after UTF-16 index `from`. */
function offsets(quote: string, from = 0): { start: number; end: number } {
  const at = TEXT.indexOf(quote, from);
  const start = [...TEXT.slice(0, at)].length;
  return { start, end: start + [...quote].length };
}

/** Imports the report into the workspace as alice's (an Organisation span in every paragraph); its document id. */
function importReport(ws: WorkspaceDir): string {
  const spans = Array.from({ length: PARAGRAPHS }, (_, i) => ({ ...offsets(`Ministry of Finance ${i} `), label: 'Organisation' }));
  for (const s of spans) s.end -= 1; // without the trailing space
  const source = join(ws.dir, '..', 'long-report.jsonl');
  writeFileSync(source, `${JSON.stringify({ text: TEXT, spans })}\n`);
  execFileSync(process.execPath, [GLOSS_BIN, 'import', ws.dir, source, '--annotator', 'alice'], { stdio: 'pipe' });
  return ws.docId('long-report.jsonl');
}

test('a long report opens at once, loads the rest, and draws highlights where one reads', async ({ page, ws, openApp }) => {
  const doc = importReport(ws);
  await openApp();
  await openDocument(page, doc);

  const editor = page.locator('[data-testid=editor] .ProseMirror');
  // The first highlights are there; the whole text arrives within a moment.
  await expect(editor.locator('.gl-span[data-label=Organisation]').first()).toHaveText('Ministry of Finance 0');
  await expect(editor).toHaveAttribute('aria-busy', 'false', { timeout: 20_000 });
  await expect(editor.locator('p')).toHaveCount(PARAGRAPHS);
  // Only the highlights around what is in sight are drawn, not all 1,500.
  const drawnAtTop = await editor.locator('.gl-span').count();
  expect(drawnAtTop).toBeGreaterThan(10);
  expect(drawnAtTop).toBeLessThan(400);
  await expect(editor.locator('.gl-span', { hasText: `Ministry of Finance ${PARAGRAPHS - 1}` })).toHaveCount(0);

  // Scrolled to the end, the highlights there are drawn (and those at the top are let go).
  await page.locator('.gl-center').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(editor.locator('.gl-span', { hasText: `Ministry of Finance ${PARAGRAPHS - 1}` })).toHaveCount(1);
  await expect(editor.locator('.gl-span', { hasText: /^Ministry of Finance 0$/ })).toHaveCount(0);

  // A new span near the end, by mouse and key: on disk in code points (an emoji in every paragraph).
  await dragSelect(page, `district number ${PARAGRAPHS - 2}`);
  await page.keyboard.press('3');
  const expected = offsets(`district number ${PARAGRAPHS - 2}`, TEXT.indexOf(`Section ${PARAGRAPHS - 2} `));
  await expect
    .poll(() => ws.readLayer(doc, 'alice')?.spans.filter((s) => s.label !== 'Organisation').map((s) => `${s.label} ${s.start}-${s.end} ${s.quote}`))
    .toEqual([`Location ${expected.start}-${expected.end} district number ${PARAGRAPHS - 2}`]);
  await expect(editor.locator('.gl-span.gl-selected')).toHaveText(`district number ${PARAGRAPHS - 2}`);

  // The annotation list (scrolled to its top) jumps back to the first span: drawn, selected, in sight.
  await page.locator('.gl-ann-scroll').evaluate((el) => el.scrollTo({ top: 0 }));
  await page.getByTestId('annotation-item').filter({ has: page.locator('.gl-ann-quote', { hasText: /^Ministry of Finance 0$/ }) }).click();
  const first = editor.locator('.gl-span.gl-selected');
  await expect(first).toHaveText('Ministry of Finance 0');
  await expect(first).toBeInViewport();
});

test('Shift+arrows select across two chunks of blocks, and the label key makes one span of it', async ({ page, ws, openApp }) => {
  const doc = importReport(ws);
  await openApp();
  await openDocument(page, doc);
  const editor = page.locator('[data-testid=editor] .ProseMirror');
  await expect(editor).toHaveAttribute('aria-busy', 'false', { timeout: 20_000 });
  // The first chunk ends with paragraph 15: the selection below crosses into the second chunk.
  await expect(editor.locator('.gl-chunk').first().locator('p').last()).toContainText('district number 15.');
  await expect(editor.locator('.gl-chunk').nth(1).locator('p').first()).toContainText('Section 16 ');

  await clickBefore(page, 'district number 15');
  const across = 'district number 15.'.length + 1 + 'Section 16'.length;
  for (let i = 0; i < across; i++) await page.keyboard.press('Shift+ArrowRight');
  await expect.poll(() => page.evaluate(() => window.getSelection()?.toString().replace(/\s+/g, ' '))).toBe('district number 15. Section 16');
  await page.keyboard.press('2');

  const start = offsets('district number 15', TEXT.indexOf('Section 15 ')).start;
  const end = offsets('Section 16').end;
  await expect
    .poll(() => ws.readLayer(doc, 'alice')?.spans.filter((s) => s.start === start).map((s) => `${s.label} ${s.start}-${s.end} ${JSON.stringify(s.quote)}`))
    .toEqual([`Organisation ${start}-${end} ${JSON.stringify('district number 15.\n\nSection 16')}`]);
  // Drawn in both blocks, one piece in each chunk, selected.
  const pieces = editor.locator('.gl-span.gl-selected');
  await expect(pieces).toHaveText(['district number 15.', 'Section 16']);
  await expect(editor.locator('.gl-chunk').first().locator('.gl-span.gl-selected')).toHaveCount(1);
  await expect(editor.locator('.gl-chunk').nth(1).locator('.gl-span.gl-selected')).toHaveCount(1);
});
