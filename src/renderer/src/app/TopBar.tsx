// The top bar: which workspace, Import…, Export… and Agreement, whether my edits are saved, who I am (editable).

import { useState } from 'react';
import type { WorkspaceInfo } from '../../../core/api';
import type { SaveStatus } from '../session/saveQueue';

export interface TopBarProps {
  workspace: WorkspaceInfo | null;
  save: SaveStatus;
  /** Change who I am; resolves to an error message, or null when done. */
  onChangeAnnotator(name: string): Promise<string | null>;
  onImport(): void;
  onExport(): void;
  /** Why Import… cannot be used now (read-only workspace, a job running), or null. */
  importRefusal: string | null;
  /** Why Export… cannot be used now, or null. */
  exportRefusal: string | null;
  /** The agreement page is shown. */
  agreementOpen: boolean;
  onAgreement(): void;
}

export function TopBar({ workspace, save, onChangeAnnotator, onImport, onExport, importRefusal, exportRefusal, agreementOpen, onAgreement }: TopBarProps) {
  return (
    <header className="gl-topbar">
      <div className="gl-brand">
        <span className="gl-wordmark">Gloss</span>
        {workspace && <span className="gl-workspace-name" title={workspace.path}>{workspace.name}</span>}
        {workspace?.readOnly && <span className="gl-pill gl-pill-warn">read-only</span>}
      </div>
      <div className="gl-topbar-end">
        {workspace && (
          <div className="gl-actions">
            <button
              type="button"
              className="gl-button gl-button-bar"
              data-testid="import-button"
              onClick={onImport}
              disabled={importRefusal !== null}
              title={importRefusal ?? 'Import reports and annotated datasets (or drop files on the window)'}
            >
              Import…
            </button>
            <button
              type="button"
              className="gl-button gl-button-bar"
              data-testid="export-button"
              onClick={onExport}
              disabled={exportRefusal !== null}
              title={exportRefusal ?? 'Export the workspace as a dataset'}
            >
              Export…
            </button>
            <button
              type="button"
              className={`gl-button gl-button-bar${agreementOpen ? ' gl-button-on' : ''}`}
              data-testid="agreement-button"
              aria-pressed={agreementOpen}
              onClick={onAgreement}
              title="Inter-annotator agreement over the workspace"
            >
              Agreement
            </button>
          </div>
        )}
        <SaveIndicator save={save} />
        {workspace && (
          <AnnotatorField key={workspace.annotator} current={workspace.annotator} onChange={onChangeAnnotator} />
        )}
      </div>
    </header>
  );
}

function SaveIndicator({ save }: { save: SaveStatus }) {
  const text = save.state === 'saved' ? 'Saved' : save.state === 'saving' ? 'Saving…' : 'Not saved';
  return (
    <div
      className={`gl-save gl-save-${save.state}`}
      data-testid="save-status"
      data-state={save.state}
      role="status"
      aria-live="polite"
      title={save.state === 'error' ? save.message : undefined}
    >
      <span className="gl-save-dot" aria-hidden="true" />
      <span>{text}</span>
      {save.state === 'error' && <span className="gl-save-message">{save.message}</span>}
    </div>
  );
}

/** Who I am: an input that commits on Enter or when it loses focus; Escape puts the name back. */
function AnnotatorField({ current, onChange }: { current: string; onChange: TopBarProps['onChangeAnnotator'] }) {
  const [value, setValue] = useState(current);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const commit = async () => {
    const name = value.trim();
    if (busy || name === current) {
      setValue(current);
      return;
    }
    setBusy(true);
    const problem = name ? await onChange(name) : 'a name is needed';
    setBusy(false);
    setError(problem);
    if (problem) setValue(current);
  };

  return (
    <label className="gl-annotator" title={error ?? 'Your annotations are saved under this name'}>
      <span className="gl-annotator-caption">Annotator</span>
      <input
        data-testid="annotator-name"
        className={error ? 'gl-input gl-input-error' : 'gl-input'}
        value={value}
        size={Math.max(8, value.length + 1)}
        spellCheck={false}
        disabled={busy}
        onChange={(e) => setValue(e.target.value)}
        onBlur={() => void commit()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
          if (e.key === 'Escape') {
            setValue(current);
            setError(null);
          }
        }}
      />
      {error && <span className="gl-annotator-error" role="alert">{error}</span>}
    </label>
  );
}
