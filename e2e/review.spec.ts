// Review in browser mode: two colleagues' layers come in through `gloss import --annotator`, the
// reviewer adjudicates every item with the keyboard (accept all agreed, accept by position,
// reject, undo, a new span), the decisions survive a reload and a server restart, and
// `gloss export --curated` holds exactly the accepted spans. Then the agreement dashboard, and
// changes made on disk by others (a colleague's layer, my own) picked up without a restart.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { GLOSS_BIN, ROOT } from './support/global-setup';
import { dragSelect, expect, openDocument, test } from './support/fixtures';
import type { WorkspaceDir } from './support/fixtures';

const REPORT = 'tajikistan-russia-industrial-cooperation.txt';
const DIGEST = 'social-monitoring-digest.txt';

/** A span given by its text: [label, quote, occurrence (default 0)]. */
type Mark = [string, string, number?];

/** Code-point offsets of the n-th occurrence of `quote` in `text`. */
function offsets(text: string, quote: string, occurrence = 0): [number, number] {
  let unit = -1;
  for (let i = 0; i <= occurrence; i++) {
    unit = text.indexOf(quote, unit + 1);
    if (unit < 0) throw new Error(`"${quote}" is not in the text`);
  }
  const start = [...text.slice(0, unit)].length;
  return [start, start + [...quote].length];
}

function documentText(ws: WorkspaceDir, docId: string): string {
  return (JSON.parse(readFileSync(join(ws.dir, 'documents', `${docId}.json`), 'utf8')) as { text: string }).text;
}

function gloss(args: string[]): string {
  return execFileSync(process.execPath, [GLOSS_BIN, ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Import an annotator's spans of a document as a colleague's doccano export, with the CLI. */
function importLayer(ws: WorkspaceDir, docId: string, annotator: string, marks: Mark[], name = `${annotator}-${docId}`): void {
  const text = documentText(ws, docId);
  const label = marks.map(([l, quote, n]) => [...offsets(text, quote, n), l]);
  const file = join(ws.dir, '..', `${name}.jsonl`);
  writeFileSync(file, `${JSON.stringify({ text, label })}\n`);
  gloss(['import', ws.dir, file, '--format', 'doccano', '--annotator', annotator]);
}

const BOB: Mark[] = [
  ['Person', 'Emomali Rahmon'],
  ['Person', 'Denis Manturov'],
  ['Percent', '18 percent'],
  ['Money', '$1.4 billion'],
  ['Organisation', 'Gemotest'],
];
const CAROL: Mark[] = [
  ['Person', 'Emomali Rahmon'],
  ['Location', 'Russian Federation'],
  ['Organisation', 'Denis Manturov'],
  ['Percent', '18 percent'],
  ['Money', '1.4 billion'],
];

const current = (page: Page) => page.getByTestId('review-current');
const remaining = (page: Page) => page.getByTestId('review-remaining');

/** The item the review is on must be the one about `quote`; then press `key`. */
async function decide(page: Page, quote: string, key: string): Promise<void> {
  await expect(current(page).locator('.gl-review-quote')).toContainText(quote);
  await page.keyboard.press(key);
}

test('adjudicate two colleagues with the keyboard; decisions survive reload and restart; export --curated', async ({ page, ws, openApp }) => {
  const doc = ws.docId(REPORT);
  importLayer(ws, doc, 'bob', BOB);
  importLayer(ws, doc, 'carol', CAROL);
  await openApp();
  await openDocument(page, doc);

  // The header lists the layers with status and span counts.
  await expect(page.locator('[data-testid=layer-chip][data-annotator=bob] [data-testid=layer-span-count]')).toHaveText('5');
  await expect(page.locator('[data-testid=layer-chip][data-annotator=carol] [data-testid=layer-span-count]')).toHaveText('5');
  await expect(page.locator('[data-testid=layer-chip][data-annotator=alice]')).toHaveAttribute('aria-pressed', 'true');

  await page.getByTestId('review-toggle').click();
  await expect(page.locator('[data-testid=review-annotator][data-annotator=bob]')).toBeChecked();
  await expect(page.locator('[data-testid=review-annotator][data-annotator=carol]')).toBeChecked();
  const items = page.getByTestId('review-item');
  await expect(items).toHaveCount(6);
  await expect(page.locator('[data-testid=review-item][data-kind=agreed]')).toHaveCount(2);
  await expect(page.locator('[data-testid=review-item][data-kind=label-conflict]')).toHaveCount(1);
  await expect(page.locator('[data-testid=review-item][data-kind=boundary-mismatch]')).toHaveCount(1);
  await expect(page.locator('[data-testid=review-item][data-kind=missing]')).toHaveCount(2);
  await expect(page.locator('.gl-review[data-kind=label-conflict]')).toHaveText('Denis Manturov');
  // Hovering shows who chose what.
  await expect(page.locator('.gl-review[data-kind=label-conflict]')).toHaveAttribute('title', /bob: Person “Denis Manturov”\ncarol: Organisation “Denis Manturov”/);
  await expect(remaining(page)).toHaveText('6');
  await expect(page.getByTestId('review-keys')).toContainText('accept that annotator’s');
  await page.screenshot({ path: test.info().outputPath('review-start.png') });

  // a: accept all agreed, after a confirmation.
  await page.keyboard.press('a');
  await expect(page.getByTestId('accept-all-dialog')).toContainText('2 items');
  await page.keyboard.press('Enter');
  await expect(remaining(page)).toHaveText('4');

  // Every disagreement, with the keyboard: 1 = bob, 2 = carol, r = reject; u undoes. After each
  // decision the review moves on to the next item left; p and n walk back and forth.
  await page.keyboard.press('p');
  await expect(current(page).locator('.gl-review-quote')).toContainText('Emomali Rahmon');
  await page.keyboard.press('n');
  await decide(page, 'Russian Federation', '2');
  await expect(remaining(page)).toHaveText('3');
  await decide(page, 'Denis Manturov', '1');
  await decide(page, '$1.4 billion', '1');
  await decide(page, 'Gemotest', 'r');
  await expect(remaining(page)).toHaveText('0');
  await page.keyboard.press('u');
  await expect(remaining(page)).toHaveText('1');
  await decide(page, 'Gemotest', 'r');
  await expect(remaining(page)).toHaveText('0');

  // A span nobody marked: select it, Shift + its label key.
  await dragSelect(page, 'RUSSIA');
  await page.keyboard.press('Shift+Digit3');
  await expect(page.getByTestId('review-message')).toContainText('Added Location “RUSSIA”');
  await expect(page.locator('[data-testid=review-item][data-decided=false]')).toHaveCount(0);
  await expect(page.locator('.gl-review[data-decided=false]')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('review-done.png') });

  const expected = ['Location 16-22', 'Person 75-89', 'Location 163-181', 'Person 182-196', 'Percent 914-924', 'Money 928-940'];
  const curated = () => ws.spansOnDisk(doc, 'curation');
  await expect.poll(curated).toEqual(expected);

  // Reload: review mode comes back (kept in the address) with every decision, who and when.
  await page.reload();
  await expect(remaining(page)).toHaveText('0');
  await expect(items).toHaveCount(6);
  await expect(page.locator('[data-testid=review-item][data-decided=true]')).toHaveCount(6);
  await expect(page.locator('[data-testid=review-item][data-kind=missing]').last()).toContainText('Rejected · alice');

  // Restart the server: a new process, a new page address.
  await openApp();
  await openDocument(page, doc);
  await page.getByTestId('review-toggle').click();
  await expect(remaining(page)).toHaveText('0');
  await expect(page.locator('[data-testid=review-item][data-decided=true]')).toHaveCount(6);
  await expect(page.locator('[data-testid=layer-chip][data-annotator=curation] [data-testid=layer-span-count]')).toHaveText('6');

  // The curated export holds exactly the accepted spans (and the one added).
  const lines = gloss(['export', ws.dir, '--curated', '--format', 'jsonl'])
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { meta: { id: string }; spans: { start: number; end: number; label: string; text: string }[] });
  const exported = lines.find((l) => l.meta.id === doc)!;
  expect(exported.spans.map((s) => `${s.label} ${s.start}-${s.end}`)).toEqual(expected);
  expect(exported.spans.map((s) => s.text)).toEqual(['RUSSIA', 'Emomali Rahmon', 'Russian Federation', 'Denis Manturov', '18 percent', '$1.4 billion']);
  for (const other of lines.filter((l) => l.meta.id !== doc)) expect(other.spans).toEqual([]);
});

test('edit an item into the curated layer and comment on a colleague’s span', async ({ page, ws, openApp }) => {
  const doc = ws.docId(REPORT);
  importLayer(ws, doc, 'bob', BOB);
  importLayer(ws, doc, 'carol', CAROL);
  await openApp();
  await openDocument(page, doc);
  await page.getByTestId('review-toggle').click();
  await page.locator('.gl-review[data-kind=boundary-mismatch]').click();
  await expect(current(page)).toContainText('Boundary mismatch');
  await page.keyboard.press('e');
  const form = page.getByTestId('review-edit-form');
  await expect(form).toBeVisible();
  await form.getByTestId('review-attr-value').fill('1400000000');
  await form.getByTestId('review-attr-currency').fill('USD');
  await form.getByTestId('review-edit-save').click();
  await expect.poll(() => ws.readLayer(doc, 'curation')?.spans.map((s) => [s.label, s.quote, s.attributes])).toEqual([
    ['Money', '$1.4 billion', { currency: 'USD', value: 1400000000 }],
  ]);

  // Comment on carol's version of the conflict, from the review card.
  await page.locator('.gl-review[data-kind=label-conflict]').click();
  const carolVersion = current(page).locator('.gl-version').filter({ hasText: 'carol' });
  await carolVersion.getByTestId('comment-button').click();
  await page.getByTestId('comment-text').fill('Denis Manturov is a person, not an organisation.');
  await page.getByTestId('comment-text').press('Control+Enter');
  const panel = page.getByTestId('comments-panel');
  await expect(panel.getByTestId('comment-item')).toHaveCount(1);
  await expect(panel).toContainText('You → carol');
  await expect(panel).toContainText('Denis Manturov');
  await expect.poll(() => (JSON.parse(readFileSync(ws.layerPath(doc, 'alice'), 'utf8')) as { comments: { target: unknown; text: string }[] }).comments).toMatchObject([
    { target: { annotator: 'carol' }, text: 'Denis Manturov is a person, not an organisation.' },
  ]);
  await page.screenshot({ path: test.info().outputPath('review-edit-comment.png') });

  // The author resolves it; the filter hides it, "Resolved" shows it.
  await panel.getByTestId('comment-resolve').click();
  await expect(panel.getByTestId('comment-item')).toHaveCount(0);
  await panel.getByTestId('comments-filter').selectOption('resolved');
  await expect(panel.locator('[data-testid=comment-item][data-resolved=true]')).toHaveCount(1);
});

test('a colleague’s layer read-only; the agreement dashboard, worst document first, opens its review; CSV', async ({ page, ws, openApp }) => {
  const doc = ws.docId(REPORT);
  const digest = ws.docId(DIGEST);
  importLayer(ws, doc, 'bob', BOB);
  importLayer(ws, doc, 'carol', CAROL);
  importLayer(ws, digest, 'bob', [['Person', 'Maria Lopez']]);
  importLayer(ws, digest, 'carol', [['Person', 'Maria Lopez']]);
  await openApp();
  await openDocument(page, doc);

  // Bob's layer, read-only: his highlights, and label keys do nothing.
  await page.locator('[data-testid=layer-chip][data-annotator=bob]').click();
  await expect(page.locator('.gl-span')).toHaveCount(5);
  await page.locator('.gl-span[data-label=Organisation]').click();
  await expect(page.getByTestId('inspector-quote')).toHaveText('Gemotest');
  await page.keyboard.press('1');
  await expect(page.locator('.gl-span[data-label=Organisation]')).toHaveCount(1);
  expect(ws.readLayer(doc, 'bob')!.spans.map((s) => s.label)).toContain('Organisation');
  expect(ws.readLayer(doc, 'alice')).toBeNull();
  await page.locator('[data-testid=layer-chip][data-annotator=alice]').click();
  await expect(page.locator('.gl-span')).toHaveCount(0);

  await page.getByTestId('agreement-button').click();
  const view = page.getByTestId('agreement-view');
  await expect(view).toBeVisible();
  const matrix = page.getByTestId('agreement-matrix');
  await expect(matrix).toContainText('bob');
  await expect(matrix).toContainText('carol');
  // bob × carol over both documents: 3 matched of 6 + 6 spans: F1 = 0.5.
  await expect(matrix.locator('[data-a=bob][data-b=carol][data-measure=f1]')).toContainText('0.500');
  await expect(page.getByTestId('agreement-doc')).toHaveCount(2);
  await expect(page.getByTestId('agreement-doc').first()).toHaveAttribute('data-doc-id', doc);
  await expect(page.getByTestId('agreement-doc').last()).toHaveAttribute('data-doc-id', digest);
  await page.screenshot({ path: test.info().outputPath('agreement.png'), fullPage: true });

  const download = page.waitForEvent('download');
  await page.getByTestId('agreement-csv').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^agreement-.*\.csv$/);
  const csv = readFileSync(await file.path(), 'utf8');
  expect(csv).toContain('a,b,tp,onlyA,onlyB,precision,recall,f1,cohenKappa,tokens');
  expect(csv).toContain('bob,carol,3,3,3,0.5,0.5,0.5,');
  expect(csv).toContain('# Documents (worst agreement first)');

  await page.locator(`[data-testid=agreement-doc][data-doc-id="${doc}"]`).click();
  await expect(page.getByTestId('review-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('review-item')).toHaveCount(6);
});

test('changes on disk by others appear without a restart; my own layer changed outside is reloaded with a notice', async ({ page, ws, openApp }) => {
  const doc = ws.docId(REPORT);
  importLayer(ws, doc, 'bob', BOB.slice(0, 2));
  importLayer(ws, doc, 'carol', CAROL.slice(0, 2));
  await openApp();
  await openDocument(page, doc);
  const bobCount = page.locator('[data-testid=layer-chip][data-annotator=bob] [data-testid=layer-span-count]');
  await expect(bobCount).toHaveText('2');

  // Bob's layer grows on disk (a git pull, say): the header, his open layer and the review follow.
  await page.locator('[data-testid=layer-chip][data-annotator=bob]').click();
  await expect(page.locator('.gl-span')).toHaveCount(2);
  importLayer(ws, doc, 'bob', [['Organisation', 'Gemotest']], 'bob-more');
  await expect(bobCount).toHaveText('3');
  await expect(page.locator('.gl-span[data-label=Organisation]')).toHaveText('Gemotest');
  await page.getByTestId('review-toggle').click();
  // Russian Federation (only carol), Denis Manturov and Gemotest (only bob).
  await expect(page.locator('[data-testid=review-item][data-kind=missing]')).toHaveCount(3);
  importLayer(ws, doc, 'carol', [['Organisation', 'Gemotest']], 'carol-more');
  await expect(page.locator('[data-testid=review-item][data-kind=missing]')).toHaveCount(2);
  await expect(page.locator('.gl-review[data-kind=agreed]', { hasText: 'Gemotest' })).toHaveCount(1);
  await page.getByTestId('review-toggle').click();

  // My own layer: I annotate, then it is changed on disk by someone else.
  await page.locator('[data-testid=layer-chip][data-annotator=alice]').click();
  await dragSelect(page, 'Emomali Rahmon');
  await page.keyboard.press('1');
  await expect.poll(() => ws.spansOnDisk(doc, 'alice')).toEqual(['Person 75-89']);
  await expect(page.getByTestId('notice')).toHaveCount(0);
  importLayer(ws, doc, 'alice', [['Location', 'Russian Federation']], 'alice-outside');
  await expect(page.getByTestId('notice')).toContainText('changed on disk by someone else');
  await expect(page.locator('.gl-span[data-label=Location]')).toHaveText('Russian Federation');
  await expect(page.locator(`[data-doc-id="${doc}"] [data-testid=doc-span-count]`)).toHaveText('2');
  await page.screenshot({ path: test.info().outputPath('notice.png') });

  // Editing on goes on top of what is on disk now: nothing of the outside change is lost.
  await dragSelect(page, 'Gemotest');
  await page.keyboard.press('2');
  await expect.poll(() => ws.spansOnDisk(doc, 'alice')).toEqual(['Person 75-89', 'Location 163-181', 'Organisation 1459-1467']);
});
