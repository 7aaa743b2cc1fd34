// Files dragged onto the window: a calm overlay while they hover, an import when they land.
// A file dropped anywhere is never opened by the browser in place of the app.

import { useEffect, useRef, useState } from 'react';
import { carriesFiles } from './transfer';

/**
 * Listens for files dragged over the window; answers whether some are hovering now. `onDrop`
 * gets the files dropped while `enabled` (e.g. not during a running job).
 */
export function useFileDrop(enabled: boolean, onDrop: (files: File[]) => void): boolean {
  const [hovering, setHovering] = useState(false);
  // Kept in refs so that the window listeners are installed once.
  const latest = useRef({ enabled, onDrop });
  useEffect(() => {
    latest.current = { enabled, onDrop };
  });

  useEffect(() => {
    // dragenter/dragleave fire for every element crossed: count them to know when the drag left.
    let depth = 0;
    const onEnter = (event: DragEvent): void => {
      if (!carriesFiles(event.dataTransfer)) return;
      event.preventDefault();
      depth++;
      setHovering(true);
    };
    const onOver = (event: DragEvent): void => {
      if (!carriesFiles(event.dataTransfer)) return;
      // Without this the drop would not happen (or the browser would open the file).
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = latest.current.enabled ? 'copy' : 'none';
    };
    const onLeave = (event: DragEvent): void => {
      if (!carriesFiles(event.dataTransfer)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setHovering(false);
    };
    const onDropped = (event: DragEvent): void => {
      if (!carriesFiles(event.dataTransfer)) return;
      // Ours, not the document view's (which refuses drops) nor the browser's.
      event.preventDefault();
      event.stopPropagation();
      depth = 0;
      setHovering(false);
      const files = [...(event.dataTransfer?.files ?? [])];
      if (latest.current.enabled && files.length > 0) latest.current.onDrop(files);
    };
    window.addEventListener('dragenter', onEnter, true);
    window.addEventListener('dragover', onOver, true);
    window.addEventListener('dragleave', onLeave, true);
    window.addEventListener('drop', onDropped, true);
    return () => {
      window.removeEventListener('dragenter', onEnter, true);
      window.removeEventListener('dragover', onOver, true);
      window.removeEventListener('dragleave', onLeave, true);
      window.removeEventListener('drop', onDropped, true);
    };
  }, []);

  return hovering;
}

/** The overlay shown while files hover over the window; `refusal` says why a drop would do nothing. */
export function DropOverlay({ refusal }: { refusal: string | null }) {
  return (
    <div className="gl-drop" data-testid="drop-overlay" aria-hidden="true">
      <div className="gl-drop-card">
        {refusal === null ? (
          <>
            <strong>Drop files to import</strong>
            <span>Reports (text, Markdown, HTML, Word, PDF) and annotated datasets</span>
          </>
        ) : (
          <strong>{refusal}</strong>
        )}
      </div>
    </div>
  );
}
