// The workstation: top bar, document list, the document, and the label palette, inspector and
// annotations list beside it. The Workbench holds the data; App lays it out and wires the keys.

import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { GlossApi, GlossShell } from '../../../core/api';
import type { Problem } from '../../../core/model';
import { installLabelColors } from '../labels';
import { AnnotationList } from './AnnotationList';
import { DocumentList } from './DocumentList';
import { DocumentPane } from './DocumentPane';
import { Inspector } from './Inspector';
import { handleAppKey, isTypingTarget } from './keys';
import { OtherLayers } from './OtherLayers';
import { Palette } from './Palette';
import { ProblemsBanner } from './ProblemsBanner';
import { TopBar } from './TopBar';
import { useSessionSnapshot } from './useSession';
import { Workbench } from './workbench';

export interface AppProps {
  api: GlossApi;
  shell: GlossShell | null;
}

export function App({ api, shell }: AppProps) {
  const [bench] = useState(() => new Workbench(api, { onOpened: rememberDocument }));
  const { workspace, documents, loadError, opened, openError } = useSyncExternalStore(bench.subscribe, bench.getSnapshot);
  const session = opened?.session ?? null;
  const snapshot = useSessionSnapshot(session);
  const [dismissedFor, setDismissedFor] = useState<unknown>(null);

  useEffect(() => {
    void bench.load(rememberedDocument());
  }, [bench]);

  useEffect(() => {
    if (!workspace) return;
    installLabelColors(workspace.schema);
    document.title = `${workspace.name} — Gloss`;
  }, [workspace]);

  // Keys: labels, Delete, Escape, undo/redo, wherever the focus is (except in text fields).
  useEffect(() => {
    if (!workspace) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (bench.session) handleAppKey(event, bench.session, workspace.schema);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [bench, workspace]);

  // The Electron menu's Undo/Redo/Reload. In a text field, Undo belongs to the field.
  useEffect(() => {
    if (!shell) return;
    return shell.onCommand((command) => {
      if (command === 'reload-workspace') {
        void bench.reload();
        return;
      }
      if (isTypingTarget(document.activeElement)) {
        document.execCommand(command);
        return;
      }
      if (command === 'undo') bench.session?.undo();
      else bench.session?.redo();
    });
  }, [bench, shell]);

  const problems = useMemo(() => mergeProblems(workspace?.problems ?? [], opened?.problems ?? []), [workspace, opened]);

  if (loadError) {
    return (
      <div className="gl-fatal" role="alert">
        <h1>Gloss could not open the workspace</h1>
        <p>{loadError}</p>
      </div>
    );
  }

  const schema = workspace?.schema ?? null;
  return (
    <div className="gl-app">
      <TopBar
        workspace={workspace}
        save={snapshot?.save ?? { state: 'saved' }}
        onChangeAnnotator={(name) => bench.changeAnnotator(name)}
      />
      {workspace?.readOnly && (
        <div className="gl-banner gl-banner-readonly" role="status">
          This workspace opened read-only: nothing can be changed until the problems below are fixed.
        </div>
      )}
      {dismissedFor !== problems && problems.length > 0 && (
        <ProblemsBanner problems={problems} onDismiss={() => setDismissedFor(problems)} />
      )}
      <div className="gl-main">
        <DocumentList
          documents={documents}
          currentId={session?.document.id ?? null}
          onOpen={(id) => void bench.open(id)}
        />
        <DocumentPane session={session} snapshot={snapshot} error={openError} loading={!workspace} />
        <aside className="gl-side" aria-label="Annotation tools">
          {schema && session && snapshot && (
            <>
              <Palette schema={schema} session={session} snapshot={snapshot} />
              <Inspector schema={schema} session={session} snapshot={snapshot} />
              <AnnotationList schema={schema} session={session} snapshot={snapshot} />
              <OtherLayers others={opened?.others ?? []} />
            </>
          )}
        </aside>
      </div>
    </div>
  );
}

/** Workspace problems and the open document's, each once. */
function mergeProblems(a: readonly Problem[], b: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const p of [...a, ...b]) {
    const key = `${p.kind}\u0000${p.file}\u0000${p.spanId ?? ''}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

const HASH_PREFIX = '#doc=';

/** The document open before a reload (kept in the address's fragment). */
function rememberedDocument(): string | null {
  const hash = window.location.hash;
  if (!hash.startsWith(HASH_PREFIX)) return null;
  try {
    return decodeURIComponent(hash.slice(HASH_PREFIX.length));
  } catch {
    return null;
  }
}

function rememberDocument(docId: string): void {
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, '', `${pathname}${search}${HASH_PREFIX}${encodeURIComponent(docId)}`);
}
