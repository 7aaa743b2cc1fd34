// Label colours under a strict CSP: no style attributes, no <style> elements. Each label gets a
// class (gl-c-<index>) whose rule, set through a constructed stylesheet (CSSOM), defines the
// custom property --gl-color that the static stylesheet turns into tints and underlines.

import type { Schema } from '../../core/model';

const HEX_COLOUR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

/** The colour class of a label; spans of labels the schema does not know are grey. */
export function labelColorClass(schema: Schema, label: string): string {
  // One string per label, shared by every span that has it (10,000 spans, 8 labels).
  let classes = colorClasses.get(schema);
  if (!classes) {
    classes = new Map();
    for (const [index, l] of schema.labels.entries()) if (!classes.has(l.name)) classes.set(l.name, `gl-c-${index}`);
    colorClasses.set(schema, classes);
  }
  return classes.get(label) ?? 'gl-c-none';
}

const colorClasses = new WeakMap<Schema, Map<string, string>>();

/** The CSS rules giving each label class its colour (colours that are not #hex are left grey). */
export function labelColorRules(schema: Schema): string[] {
  return schema.labels.flatMap((label, index) =>
    HEX_COLOUR.test(label.color) ? [`.gl-c-${index} { --gl-color: ${label.color}; }`] : [],
  );
}

let sheet: CSSStyleSheet | null = null;

/** Install (or replace) the label colour rules for a schema in the document. */
export function installLabelColors(schema: Schema, doc: Document = document): void {
  if (typeof CSSStyleSheet === 'undefined' || !('adoptedStyleSheets' in doc)) return;
  if (!sheet) {
    sheet = new CSSStyleSheet();
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  }
  sheet.replaceSync(labelColorRules(schema).join('\n'));
}
