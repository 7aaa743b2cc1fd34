// @vitest-environment happy-dom
import { EditorState, TextSelection } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { describe, expect, it } from 'vitest';
import { buildEditorDocument } from '../../../src/renderer/src/editor/document';
import { EDITABLE_ROOT, isEditingKey, readOnlyTextPlugin } from '../../../src/renderer/src/editor/readOnly';

const { doc } = buildEditorDocument({ text: 'Read me.', blocks: [{ type: 'paragraph', start: 0, end: 8 }] });
const key = (k: string, mods: { ctrlKey?: boolean; metaKey?: boolean } = {}) => ({
  key: k,
  ctrlKey: mods.ctrlKey ?? false,
  metaKey: mods.metaKey ?? false,
});

describe('readOnlyTextPlugin', () => {
  const state = EditorState.create({ doc, plugins: [readOnlyTextPlugin()] });

  it('refuses every transaction that would change the document', () => {
    expect(state.apply(state.tr.insertText('X', 1))).toBe(state);
    expect(state.apply(state.tr.delete(1, 5))).toBe(state);
    expect(state.apply(state.tr.addMark(1, 5, doc.type.schema.marks.bold!.create()))).toBe(state);
  });

  it('lets selections through', () => {
    const next = state.apply(state.tr.setSelection(TextSelection.create(doc, 1, 5)));
    expect(next.selection.from).toBe(1);
    expect(next.selection.to).toBe(5);
    expect(next.doc).toBe(doc);
  });
});

describe('the view root', () => {
  it('is editable as plaintext-only, through updates and redraws, so that React leaves its selection alone', () => {
    const place = document.createElement('div');
    document.body.append(place);
    const view = new EditorView(place, { state: EditorState.create({ doc, plugins: [readOnlyTextPlugin()] }) });
    try {
      expect(EDITABLE_ROOT).toBe('plaintext-only');
      expect(view.dom.getAttribute('contenteditable')).toBe(EDITABLE_ROOT);
      // react-dom reads the selection of a focused element only when this is exactly "true".
      expect(view.dom.contentEditable).not.toBe('true');
      view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, 2, 5)));
      expect(view.dom.getAttribute('contenteditable')).toBe(EDITABLE_ROOT);
      // New node views redraw the whole document: ProseMirror sets "true" again, the plugin mends it.
      view.setProps({
        nodeViews: {
          chunk: () => {
            const dom = document.createElement('div');
            return { dom, contentDOM: dom };
          },
        },
      });
      expect(view.dom.getAttribute('contenteditable')).toBe(EDITABLE_ROOT);
    } finally {
      view.destroy();
      place.remove();
    }
  });
});

describe('isEditingKey', () => {
  it('swallows typing and deleting', () => {
    for (const k of ['a', '1', ' ', 'Enter', 'Backspace', 'Delete', 'Dead', 'Process']) {
      expect(isEditingKey(key(k))).toBe(true);
    }
    for (const k of ['v', 'x', 'z', 'y', 'b', 'i', 'u']) {
      expect(isEditingKey(key(k, { ctrlKey: true }))).toBe(true);
      expect(isEditingKey(key(k, { metaKey: true }))).toBe(true);
    }
  });

  it('lets navigation, selection and read-only shortcuts through', () => {
    for (const k of ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown', 'Tab', 'Escape', 'Shift', 'F5', 'F12']) {
      expect(isEditingKey(key(k))).toBe(false);
    }
    // Ctrl+Shift+ArrowRight selects a word, Ctrl+C copies, Ctrl+A selects all.
    for (const k of ['ArrowRight', 'c', 'a', 'f', 'C']) {
      expect(isEditingKey(key(k, { ctrlKey: true }))).toBe(false);
    }
  });
});
