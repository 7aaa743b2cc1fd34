// Our floor: the app's own ProseMirror document (same schema, same builder) in a plain view with
// no decorations. With ?decorations=naive, the naive highlighting: one Decoration.inline per span
// in one DecorationSet built from scratch, no nesting levels (the 1.9x reference).

import { Plugin } from 'prosemirror-state';
import { EditorState } from 'prosemirror-state';
import { Decoration, DecorationSet, EditorView } from 'prosemirror-view';
import type { Layer } from '../../src/core/model';
import { DEFAULT_SCHEMA } from '../../src/core/schema';
import { buildEditorDocument } from '../../src/renderer/src/editor/document';
import { installLabelColors, labelColorClass } from '../../src/renderer/src/labels';
import { built, fetchDocument, fetchLayer, mark, onOpen, place } from './shell';

const naive = new URLSearchParams(location.search).get('decorations') === 'naive';
installLabelColors(DEFAULT_SCHEMA);

onOpen(async () => {
  const [doc, layer] = await Promise.all([fetchDocument(), naive ? fetchLayer() : Promise.resolve<Layer | null>(null)]);
  mark('fetched');
  const editor = buildEditorDocument(doc);
  mark('doc-built');
  const plugins: Plugin[] = [];
  if (layer) {
    const decorations: Decoration[] = [];
    for (const span of layer.spans) {
      const range = editor.positions.toRange(span.start, span.end);
      if (!range) continue;
      decorations.push(
        Decoration.inline(range.from, range.to, {
          nodeName: 'span',
          class: `gl-span gl-lv-0 ${labelColorClass(DEFAULT_SCHEMA, span.label)}`,
          'data-span-id': span.id,
          'data-label': span.label,
        }),
      );
    }
    const set = DecorationSet.create(editor.doc, decorations);
    plugins.push(new Plugin({ props: { decorations: () => set } }));
    mark('decorations-built');
  }
  new EditorView(place(), {
    state: EditorState.create({ doc: editor.doc, plugins }),
    attributes: { class: 'gl-document', spellcheck: 'false' },
  });
  mark('view-built');
  built();
});
