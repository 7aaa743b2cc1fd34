// A small modal dialog: a title, a body and a row of buttons over a dimmed app. Escape closes it
// (unless the caller says it cannot close now); focus moves into it when it opens.

import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';

export interface ModalProps {
  title: string;
  testId: string;
  /** Null while the dialog must stay open (a job is running). */
  onClose: (() => void) | null;
  children: ReactNode;
  footer: ReactNode;
  /** The control to focus first (a CSS selector within the dialog); default: the first control. */
  initialFocus?: string;
}

export function Modal({ title, testId, onClose, children, footer, initialFocus }: ModalProps) {
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // The first control, else the panel itself, so that Escape and Tab start inside the dialog.
    const wanted = initialFocus ? panel.current?.querySelector<HTMLElement>(initialFocus) : null;
    const first = wanted ?? panel.current?.querySelector<HTMLElement>('select, input, button:not([disabled])');
    (first ?? panel.current)?.focus();
  }, [initialFocus]);

  return (
    <div className="gl-modal-backdrop">
      <div
        ref={panel}
        className="gl-modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${testId}-title`}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={(event) => {
          // Keys typed in the dialog are the dialog's, never the document's label keys.
          event.stopPropagation();
          if (event.key === 'Escape' && onClose) {
            event.preventDefault();
            onClose();
          }
        }}
      >
        <h2 id={`${testId}-title`} className="gl-modal-title">
          {title}
        </h2>
        <div className="gl-modal-body">{children}</div>
        <div className="gl-modal-footer">{footer}</div>
      </div>
    </div>
  );
}
