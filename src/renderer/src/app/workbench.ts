// The workspace as the app sees it: workspace info, the document list, and the open document's
// session. Plain TypeScript with a subscribe/snapshot interface for React (useSyncExternalStore).

import type { ChangeResult, DocumentSummary, GlossApi, OpenedDocument, WorkspaceInfo } from '../../../core/api';
import type { Problem } from '../../../core/model';
import { DocumentSession } from '../session/session';

export interface OpenedView {
  session: DocumentSession;
  /** Colleagues' layers, read-only. */
  others: OpenedDocument['others'];
  problems: Problem[];
}

export interface WorkbenchSnapshot {
  workspace: WorkspaceInfo | null;
  documents: readonly DocumentSummary[];
  /** The workspace could not be read at all. */
  loadError: string | null;
  opened: OpenedView | null;
  openError: string | null;
}

export interface WorkbenchOptions {
  /** Called when a document was opened (to remember it across reloads). */
  onOpened?(docId: string): void;
  /** Extra session options (clock, ids) for tests. */
  sessionOptions?: { now?: () => Date; newId?: () => string };
}

export class Workbench {
  private state: WorkbenchSnapshot = { workspace: null, documents: [], loadError: null, opened: null, openError: null };
  private readonly listeners = new Set<() => void>();
  private openRequest = 0;

  constructor(
    private readonly api: GlossApi,
    private readonly options: WorkbenchOptions = {},
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): WorkbenchSnapshot => this.state;

  /** The open session, if any. */
  get session(): DocumentSession | null {
    return this.state.opened?.session ?? null;
  }

  /** Read the workspace and its documents, then open `docToOpen` (else the first document). */
  async load(docToOpen: string | null): Promise<void> {
    const [info, docs] = await Promise.all([this.api.getWorkspace(), this.api.listDocuments()]);
    if (!info.ok || !docs.ok) {
      const error = !info.ok ? info.error : !docs.ok ? docs.error : null;
      this.set({ loadError: error?.message ?? 'unknown error' });
      return;
    }
    this.set({ loadError: null, workspace: info.value, documents: docs.value });
    const id = docToOpen && docs.value.some((d) => d.id === docToOpen) ? docToOpen : (docs.value[0]?.id ?? null);
    if (id) await this.open(id);
  }

  /** Open a document; edits of the one being left are written first. */
  async open(docId: string): Promise<void> {
    const workspace = this.state.workspace;
    if (!workspace) return;
    const request = ++this.openRequest;
    await this.session?.idle();
    const result = await this.api.openDocument(docId);
    // A later click won: this answer is no longer wanted.
    if (request !== this.openRequest) return;
    if (!result.ok) {
      this.set({ openError: `Could not open the document: ${result.error.message}` });
      return;
    }
    const session = new DocumentSession({
      api: this.api,
      opened: result.value,
      schema: workspace.schema,
      readOnly: workspace.readOnly,
      onLayerSaved: (id, saved) => this.onLayerSaved(id, saved),
      ...this.options.sessionOptions,
    });
    this.session?.dispose();
    this.set({
      openError: null,
      opened: { session, others: result.value.others, problems: result.value.problems },
    });
    this.options.onOpened?.(docId);
  }

  /** Change who I am: pending edits are written under the old name, then everything is reread. */
  async changeAnnotator(name: string): Promise<string | null> {
    await this.session?.idle();
    const result = await this.api.setAnnotator(name);
    if (!result.ok) return result.error.message;
    await this.load(this.session?.document.id ?? null);
    return null;
  }

  /** Read everything again (menu: Reload workspace), keeping the open document. */
  reload(): Promise<void> {
    return this.load(this.session?.document.id ?? null);
  }

  dispose(): void {
    this.session?.dispose();
    this.listeners.clear();
  }

  private onLayerSaved(docId: string, result: ChangeResult): void {
    this.set({
      documents: this.state.documents.map((d) =>
        d.id === docId ? { ...d, myStatus: result.status, mySpanCount: result.spans.length } : d,
      ),
    });
  }

  private set(patch: Partial<WorkbenchSnapshot>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}
