// The workstation: top bar, document list, the document, and the label palette, inspector and
// annotations list beside it; Import… (picker or drop) and Export… dialogs over it. The Workbench
// holds the data; App lays it out and wires the keys.

import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { FormatChoices, GlossApi, GlossShell } from '../../../core/api';
import { CURATION_ANNOTATOR } from '../../../core/model';
import type { Problem } from '../../../core/model';
import { installLabelColors } from '../labels';
import { AnnotationList } from './AnnotationList';
import { DocumentList } from './DocumentList';
import { DocumentPane } from './DocumentPane';
import { DropOverlay, useFileDrop } from './DropOverlay';
import { ExportDialog } from './ExportDialog';
import { ImportDialog } from './ImportDialog';
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

/** The open Import… or Export… dialog; `key` is new for each set of files (a fresh dialog). */
type Transfer = { kind: 'import'; files: File[]; key: number } | { kind: 'export'; key: number };

export function App({ api, shell }: AppProps) {
  const [bench] = useState(() => new Workbench(api, { onOpened: rememberDocument }));
  const { workspace, documents, loadError, opened, openError } = useSyncExternalStore(bench.subscribe, bench.getSnapshot);
  const session = opened?.session ?? null;
  const snapshot = useSessionSnapshot(session);
  const [dismissedFor, setDismissedFor] = useState<unknown>(null);
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  const [jobBusy, setJobBusy] = useState(false);
  const [formats, setFormats] = useState<FormatChoices | string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const dialogOpen = useRef(false);
  const transferKey = useRef(0);

  useEffect(() => {
    dialogOpen.current = transfer !== null;
  }, [transfer]);

  // Asked again once a workspace is open: in Electron the API answers nothing before that.
  const haveFormats = formats !== null && typeof formats !== 'string';
  useEffect(() => {
    if (!workspace || haveFormats) return;
    let live = true;
    void api.listFormats().then((result) => {
      if (live) setFormats(result.ok ? result.value : result.error.message);
    });
    return () => {
      live = false;
    };
  }, [api, workspace, haveFormats]);

  const openImport = useCallback((files: File[]) => setTransfer({ kind: 'import', files, key: ++transferKey.current }), []);
  const closeTransfer = useCallback(() => {
    setTransfer(null);
    setJobBusy(false);
  }, []);

  const formatsRefusal = formats === null ? 'Loading the formats…' : typeof formats === 'string' ? formats : null;
  const importRefusal = !workspace
    ? 'No workspace is open'
    : workspace.readOnly
      ? 'This workspace is open read-only'
      : jobBusy
        ? 'An import or export is running'
        : formatsRefusal;
  const exportRefusal = !workspace ? 'No workspace is open' : jobBusy ? 'An import or export is running' : formatsRefusal;
  const hovering = useFileDrop(importRefusal === null, openImport);

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
      // Behind an open dialog the document takes no keys.
      if (bench.session && !dialogOpen.current) handleAppKey(event, bench.session, workspace.schema);
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
  const choices = haveFormats ? formats : null;
  const me = workspace?.annotator ?? '';
  const colleagues = [...new Set(documents.flatMap((d) => d.layers.map((l) => l.annotator)))]
    .filter((name) => name !== me && name !== CURATION_ANNOTATOR)
    .sort();
  return (
    <>
      <div className="gl-app" inert={transfer !== null}>
        <TopBar
          workspace={workspace}
          save={snapshot?.save ?? { state: 'saved' }}
          onChangeAnnotator={(name) => bench.changeAnnotator(name)}
          onImport={() => fileInput.current?.click()}
          onExport={() => setTransfer({ kind: 'export', key: ++transferKey.current })}
          importRefusal={importRefusal}
          exportRefusal={exportRefusal}
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
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        data-testid="import-input"
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          // Cleared, so that picking the same file again is a change too.
          event.target.value = '';
          if (files.length > 0) openImport(files);
        }}
      />
      {hovering && <DropOverlay refusal={importRefusal} />}
      {transfer?.kind === 'import' && choices && (
        <ImportDialog
          key={transfer.key}
          api={api}
          files={transfer.files}
          me={me}
          formats={choices.import}
          onChooseFiles={() => fileInput.current?.click()}
          onImported={() => void bench.reload()}
          onBusyChange={setJobBusy}
          onClose={closeTransfer}
        />
      )}
      {transfer?.kind === 'export' && choices && (
        <ExportDialog
          key={transfer.key}
          api={api}
          me={me}
          colleagues={colleagues}
          formats={choices.export}
          onBusyChange={setJobBusy}
          onClose={closeTransfer}
        />
      )}
    </>
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
