// One React root per test, in a fresh container attached to the document, unmounted after it:
// what every test that renders the app's components needs.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import type { Root } from 'react-dom/client';
import { afterEach, beforeEach } from 'vitest';

export interface PerTestRoot {
  /** The element the test's React tree is rendered into (new for each test). */
  readonly container: HTMLElement;
  readonly root: Root;
}

/** Register beforeEach/afterEach hooks that give each test its own root; read it from the result. */
export function rootPerTest(): PerTestRoot {
  const current: { container: HTMLElement | null; root: Root | null } = { container: null, root: null };
  beforeEach(() => {
    current.container = document.createElement('div');
    document.body.appendChild(current.container);
    current.root = createRoot(current.container);
  });
  afterEach(async () => {
    const root = current.root;
    if (root) await act(async () => root.unmount());
    current.container?.remove();
    current.container = null;
    current.root = null;
  });
  return {
    get container() {
      if (!current.container) throw new Error('no React root outside a test');
      return current.container;
    },
    get root() {
      if (!current.root) throw new Error('no React root outside a test');
      return current.root;
    },
  };
}
