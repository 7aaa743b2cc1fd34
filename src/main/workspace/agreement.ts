// What agreement is computed over (DESIGN.md §5, ADR 0005): each readable document of a workspace
// with the layers of the annotators compared. Shared by `gloss agreement` and the app's dashboard.

import { AgreementAccumulator } from '../../core/agreement';
import type { AgreementDocument, AgreementLayer, AgreementResult } from '../../core/agreement';
import { CURATION_ANNOTATOR } from '../../core/model';
import type { Workspace } from './workspace';

/** Documents whose files are read ahead of the one being looked at (a read-only workspace). */
const READ_AHEAD_WINDOW = 32;

/** What workspaceAgreement gives: the annotators found, and the report for a list of them. */
export interface WorkspaceAgreement {
  /** Annotators with at least one readable layer among those looked at, sorted. */
  found: string[];
  /** The report comparing `annotators`: `chosen` when given, else `found` (any other list is refused). */
  result(annotators: readonly string[]): AgreementResult;
}

/**
 * Agreement over each readable document with the layers of `chosen` (default: every annotator but
 * curation), computed as the documents are read: a pass holds one document at a time, not the
 * whole workspace. An annotator without a layer file on a document is missing there; a corrupt
 * layer reads as missing (and is reported in `ws.problems`). The report equals computeAgreement's
 * over the same documents.
 */
export async function workspaceAgreement(ws: Workspace, chosen?: readonly string[]): Promise<WorkspaceAgreement> {
  const accumulator = new AgreementAccumulator(chosen);
  const found = await eachAgreementDocument(ws, chosen, (doc) => accumulator.add(doc));
  return {
    found,
    result: (annotators) => {
      const expected = chosen ?? found;
      if (annotators.length !== expected.length || annotators.some((a, i) => a !== expected[i])) {
        throw new Error(`workspaceAgreement: the report compares ${expected.join(', ')}, not ${annotators.join(', ')}`);
      }
      return accumulator.result(annotators);
    },
  };
}

/** Each readable document with the layers of `chosen`, handed to `take` in manifest order; returns the annotators found, sorted. */
async function eachAgreementDocument(ws: Workspace, chosen: readonly string[] | undefined, take: (doc: AgreementDocument) => void): Promise<string[]> {
  const wanted = chosen === undefined ? null : new Set(chosen);
  const found = new Set<string>();
  const entries = ws.documents();
  for (const [i, entry] of entries.entries()) {
    if (i % READ_AHEAD_WINDOW === 0) ws.readAhead(entries.slice(i, i + 2 * READ_AHEAD_WINDOW).map((e) => e.id));
    const doc = await ws.readDocument(entry.id);
    if (!doc) continue;
    const layers: AgreementLayer[] = [];
    for (const annotator of await ws.layerAnnotators(entry.id)) {
      if (wanted ? !wanted.has(annotator) : annotator === CURATION_ANNOTATOR) continue;
      const layer = await ws.readLayer(entry.id, annotator);
      if (!layer) continue;
      layers.push(layer);
      found.add(annotator);
    }
    take({ id: doc.id, title: doc.title, text: doc.text, language: doc.meta.language, layers });
  }
  return [...found].sort();
}
