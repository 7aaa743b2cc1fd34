// A calm report of what was wrong on opening (corrupt files kept aside, orphan spans, ...):
// nothing is hidden, nothing blocks the rest of the work.

import { useState } from 'react';
import type { Problem } from '../../../core/model';
import { plural } from '../../../core/plural';

const SHOWN = 4;

export function ProblemsBanner({ problems, onDismiss }: { problems: readonly Problem[]; onDismiss(): void }) {
  const [all, setAll] = useState(false);
  const shown = all ? problems : problems.slice(0, SHOWN);
  return (
    <section className="gl-banner gl-problems" data-testid="problems" role="status" aria-label="Problems found">
      <div className="gl-problems-head">
        <strong>
          {plural(problems.length, 'problem')} found while opening
        </strong>
        <button type="button" className="gl-button gl-button-quiet" onClick={onDismiss} aria-label="Hide problems">
          Hide
        </button>
      </div>
      <ul>
        {shown.map((p, i) => (
          <li key={`${p.file}:${p.spanId ?? ''}:${i}`}>
            <code className="gl-problem-file">{p.file}</code> {withoutFile(p)}
            {p.movedTo && !p.message.includes(p.movedTo) && <> — kept aside as <code>{p.movedTo}</code></>}
          </li>
        ))}
      </ul>
      {problems.length > SHOWN && (
        <button type="button" className="gl-button gl-button-quiet" onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `Show all ${problems.length}`}
        </button>
      )}
    </section>
  );
}

/** The message without the file name it may start with (the file is shown just before it). */
function withoutFile(problem: Problem): string {
  if (!problem.message.startsWith(problem.file)) return problem.message;
  return problem.message.slice(problem.file.length).replace(/^[:\s]+/, '');
}
