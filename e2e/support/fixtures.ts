// Test fixtures: every test gets its own copy of the sample workspace and its own `gloss serve`,
// and reads what is on disk the way an analyst's colleague would: the layer files themselves
// (with their journals replayed, as every reader does).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test as base, expect, type Page } from '@playwright/test';
import type { Layer } from '../../src/core/model';
import { replayJournal } from '../../src/main/workspace/journal';
import { GLOSS_BIN, ROOT } from './global-setup';

export interface StoredSpan {
  id: string;
  label: string;
  start: number;
  end: number;
  quote: string;
  attributes: Record<string, string | number | boolean>;
  note?: string;
}

export interface StoredLayer {
  annotator: string;
  status: string;
  spans: StoredSpan[];
}

/** A test's own workspace folder. */
export class WorkspaceDir {
  constructor(readonly dir: string) {}

  /** The id of the document imported from a file name (e.g. "social-monitoring-digest.txt"). */
  docId(source: string): string {
    const manifest = JSON.parse(readFileSync(join(this.dir, 'gloss.json'), 'utf8')) as {
      documents: { id: string; source: string }[];
    };
    const entry = manifest.documents.find((d) => d.source === source);
    if (!entry) throw new Error(`no document imported from ${source}`);
    return entry.id;
  }

  layerPath(docId: string, annotator: string): string {
    return join(this.dir, 'annotations', docId, `${annotator}.json`);
  }

  /**
   * The layer as it is on disk now, or null when there is none: the layer file plus its journal
   * of changes not yet compacted into it (docs/adr/0009), replayed as every reader does.
   */
  readLayer(docId: string, annotator: string): StoredLayer | null {
    const path = this.layerPath(docId, annotator);
    if (!existsSync(path)) return null;
    const bytes = readFileSync(path);
    const layer = JSON.parse(bytes.toString('utf8')) as Layer;
    const journal = join(this.dir, 'annotations', docId, `${annotator}.journal.jsonl`);
    if (!existsSync(journal)) return layer;
    const replay = replayJournal(layer, createHash('sha256').update(bytes).digest('hex'), readFileSync(journal, 'utf8'), journal);
    return replay.state === 'replayed' ? replay.layer : layer;
  }

  /**
   * Spans of the layer file alone (no journal replayed), as Git or a colleague's tool sees it:
   * the journal is folded into it shortly after the edits stop.
   */
  spansInLayerFile(docId: string, annotator: string): string[] {
    const path = this.layerPath(docId, annotator);
    if (!existsSync(path)) return [];
    const layer = JSON.parse(readFileSync(path, 'utf8')) as StoredLayer;
    return layer.spans.map((s) => `${s.label} ${s.start}-${s.end}`);
  }

  /** Spans on disk as "Label start-end" strings, for compact assertions. */
  spansOnDisk(docId: string, annotator: string): string[] {
    return (this.readLayer(docId, annotator)?.spans ?? []).map((s) => `${s.label} ${s.start}-${s.end}`);
  }

  writeRaw(relativePath: string, content: string): void {
    const path = join(this.dir, relativePath);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }

  filesIn(relativeDir: string): string[] {
    const path = join(this.dir, relativeDir);
    return existsSync(path) ? readdirSync(path) : [];
  }
}

export interface ServeOptions {
  annotator?: string;
}

interface Fixtures {
  ws: WorkspaceDir;
  /** Starts `gloss serve` on the test's workspace and opens it in the page. */
  openApp: (options?: ServeOptions) => Promise<string>;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  ws: async ({}, use, testInfo) => {
    const template = process.env.GLOSS_E2E_TEMPLATE;
    if (!template) throw new Error('GLOSS_E2E_TEMPLATE is not set: the global setup did not run');
    const dir = testInfo.outputPath('workspace');
    cpSync(template, dir, { recursive: true });
    await use(new WorkspaceDir(dir));
  },
  openApp: async ({ page, ws }, use, testInfo) => {
    const servers: ChildProcess[] = [];
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await use(async (options = {}) => {
      const configDir = testInfo.outputPath('config');
      mkdirSync(configDir, { recursive: true });
      const server = spawn(
        process.execPath,
        [GLOSS_BIN, 'serve', ws.dir, '--port', '0', '--annotator', options.annotator ?? 'alice'],
        { cwd: ROOT, env: { ...process.env, GLOSS_CONFIG_DIR: configDir }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      servers.push(server);
      let stderr = '';
      server.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        const lines = createInterface({ input: server.stdout! });
        lines.once('line', (line) => resolve(line.trim()));
        server.once('exit', (code) => reject(new Error(`gloss serve exited (${code}): ${stderr}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{16,}$/);
      await page.goto(url);
      await expect(page.getByTestId('doc-list')).toBeVisible();
      return url;
    });
    for (const s of servers) s.kill('SIGTERM');
    // A page or console error is a defect even when the assertions passed.
    expect(errors, 'errors in the page').toEqual([]);
  },
});

export { expect };

/** Opens a document from the list by its title (or a part of it). */
export async function openDocument(page: Page, docId: string): Promise<void> {
  const item = page.locator(`[data-testid=doc-item][data-doc-id="${docId}"]`);
  // A banner (problems found while opening) can appear and move the list under the pointer:
  // click again until that document is the open one.
  await expect(async () => {
    await item.click();
    await expect(item).toHaveAttribute('aria-current', 'page', { timeout: 1000 });
  }).toPass({ timeout: 10_000 });
  await expect(page.locator('[data-testid=editor] .ProseMirror')).toBeVisible();
}

export interface TextBox {
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** Vertical middle of the first character. */
  y: number;
  /** Vertical middle of the last character (another line when the text wraps). */
  endY: number;
}

/**
 * Where the n-th occurrence of `text` is drawn in the document view: the left edge of its first
 * character and the right edge of its last (client coordinates). The text may be split across
 * several DOM text nodes by highlights, so the nodes are concatenated first.
 */
export async function locateText(page: Page, text: string, occurrence = 0): Promise<TextBox> {
  return page.evaluate(
    ({ text, occurrence }) => {
      const root = document.querySelector('[data-testid=editor] .ProseMirror');
      if (!root) throw new Error('no editor');
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      const nodes: Text[] = [];
      let all = '';
      const starts: number[] = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        nodes.push(n as Text);
        starts.push(all.length);
        all += (n as Text).data;
      }
      let at = -1;
      for (let i = 0; i <= occurrence; i++) {
        at = all.indexOf(text, at + 1);
        if (at < 0) throw new Error(`"${text}" not found in the document view`);
      }
      const point = (offset: number): [Text, number] => {
        let i = starts.length - 1;
        while (i > 0 && starts[i]! > offset) i--;
        return [nodes[i]!, offset - starts[i]!];
      };
      const charRect = (offset: number): DOMRect => {
        const r = document.createRange();
        const [n1, o1] = point(offset);
        r.setStart(n1, o1);
        const [n2, o2] = point(offset + 1);
        if (n2 === n1) r.setEnd(n2, o2);
        else r.setEnd(n1, n1.data.length);
        return r.getClientRects()[0] ?? r.getBoundingClientRect();
      };
      // Bring the text into the middle of the view first, as a person scrolls to what they read.
      const [startNode] = point(at);
      startNode.parentElement?.scrollIntoView({ block: 'center', inline: 'nearest' });
      const first = charRect(at);
      const last = charRect(at + text.length - 1);
      return {
        left: first.left,
        right: last.right,
        top: first.top,
        bottom: last.bottom,
        y: first.top + first.height / 2,
        endY: last.top + last.height / 2,
      };
    },
    { text, occurrence },
  );
}

/** Selects text by dragging the mouse from its first to its last character, as a person does. */
export async function dragSelect(page: Page, text: string, occurrence = 0): Promise<void> {
  // As a person does: if the view moved under the mouse (a reveal still settling after the last
  // key), the selection is not what was meant: look again and drag again, once.
  for (let attempt = 0; attempt < 2; attempt++) {
    const box = await locateText(page, text, occurrence);
    await page.mouse.move(box.left + 1, box.y);
    await page.mouse.down();
    await page.mouse.move(box.right - 1, box.endY, { steps: 8 });
    await page.mouse.up();
    if ((await page.evaluate(() => window.getSelection()?.toString() ?? '')).includes(text)) return;
  }
}

/** Double-clicks the middle of a word. */
export async function doubleClickWord(page: Page, word: string, occurrence = 0): Promise<void> {
  const box = await locateText(page, word, occurrence);
  await page.mouse.dblclick((box.left + box.right) / 2, box.y);
}

/** Clicks inside a piece of text (its middle). */
export async function clickText(page: Page, text: string, occurrence = 0): Promise<void> {
  const box = await locateText(page, text, occurrence);
  await page.mouse.click((box.left + box.right) / 2, box.y);
}

/** Clicks just before the first character of a piece of text, placing the caret there. */
export async function clickBefore(page: Page, text: string, occurrence = 0): Promise<void> {
  const box = await locateText(page, text, occurrence);
  await page.mouse.click(box.left + 0.5, box.y);
}
