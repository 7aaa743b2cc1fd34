// Parsing an annotation schema read from JSON (a manifest, a dataset, settings) with zod, and the
// one-line summary of zod issues the storage and the formats use. Kept apart from schema.ts so
// that the renderer, which only looks labels up, does not load zod (eslint.config.js keeps it so).

import { z } from 'zod';
import { fail, ok } from './api';
import type { Result } from './api';
import type { Schema } from './model';

const attributeDefSchema = z
  .object({
    name: z.string().min(1),
    type: z.enum(['text', 'number', 'enum', 'boolean']),
    values: z.array(z.string()).optional(),
    description: z.string().optional(),
  })
  .superRefine((a, ctx) => {
    if (a.type === 'enum' && (!a.values || a.values.length === 0)) {
      ctx.addIssue({ code: 'custom', message: `enum attribute "${a.name}" needs a non-empty "values" list` });
    }
  });

const labelDefSchema = z.object({
  name: z.string().min(1),
  key: z
    .string()
    .refine((k) => [...k].length === 1, { message: 'a key is a single character' })
    .optional(),
  category: z.enum(['entity', 'figure', 'commitment', 'other']),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, { message: 'a colour is #rrggbb' }),
  attributes: z.array(attributeDefSchema),
});

const relationDefSchema = z.object({
  type: z.string().min(1),
  from: z.array(z.string()),
  to: z.array(z.string()),
});

/** The zod schema of a Schema, with cross checks (unique names and keys, known labels). */
export const schemaSchema = z
  .object({ labels: z.array(labelDefSchema), relations: z.array(relationDefSchema) })
  .superRefine((s, ctx) => {
    const names = new Set<string>();
    const keys = new Set<string>();
    s.labels.forEach((l, i) => {
      if (names.has(l.name)) ctx.addIssue({ code: 'custom', path: ['labels', i, 'name'], message: `duplicate label "${l.name}"` });
      names.add(l.name);
      if (l.key !== undefined) {
        if (keys.has(l.key)) ctx.addIssue({ code: 'custom', path: ['labels', i, 'key'], message: `key "${l.key}" is used twice` });
        keys.add(l.key);
      }
      const attrs = new Set<string>();
      l.attributes.forEach((a, j) => {
        if (attrs.has(a.name)) {
          ctx.addIssue({ code: 'custom', path: ['labels', i, 'attributes', j, 'name'], message: `duplicate attribute "${a.name}"` });
        }
        attrs.add(a.name);
      });
    });
    const types = new Set<string>();
    s.relations.forEach((r, i) => {
      if (types.has(r.type)) ctx.addIssue({ code: 'custom', path: ['relations', i, 'type'], message: `duplicate relation type "${r.type}"` });
      types.add(r.type);
      for (const side of ['from', 'to'] as const) {
        r[side].forEach((name, j) => {
          if (!names.has(name)) {
            ctx.addIssue({ code: 'custom', path: ['relations', i, side, j], message: `unknown label "${name}"` });
          }
        });
      }
    });
  });

/** Readable one-line summary of zod issues: "path: message; path: message". */
export function formatZodError(error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    return path ? `${path.replace(/^\./, '')}: ${issue.message}` : issue.message;
  });
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return parts.join('; ') + more;
}

/** Parse and check a schema from JSON data (manifest, dataset, settings). */
export function parseSchema(json: unknown): Result<Schema> {
  const parsed = schemaSchema.safeParse(json);
  if (!parsed.success) return fail('invalid-input', `invalid schema: ${formatZodError(parsed.error)}`);
  return ok(cleanSchema(parsed.data));
}

/** Rebuild the schema with the key order of model.ts and without absent optional keys. */
function cleanSchema(s: z.infer<typeof schemaSchema>): Schema {
  return {
    labels: s.labels.map((l) => ({
      name: l.name,
      ...(l.key !== undefined ? { key: l.key } : {}),
      category: l.category,
      color: l.color,
      attributes: l.attributes.map((a) => ({
        name: a.name,
        type: a.type,
        ...(a.values !== undefined ? { values: [...a.values] } : {}),
        ...(a.description !== undefined ? { description: a.description } : {}),
      })),
    })),
    relations: s.relations.map((r) => ({ type: r.type, from: [...r.from], to: [...r.to] })),
  };
}
