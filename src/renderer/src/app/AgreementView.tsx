// The agreement dashboard of the workspace (DESIGN.md §5, ADR 0005): the pairwise matrix (span F1
// and Cohen's kappa), Fleiss' kappa and Krippendorff's alpha, the per-label and per-pair tables,
// and the documents worst first (a click opens their review). Export CSV downloads the tables.

import { useEffect, useState } from 'react';
import type { PairAgreement } from '../../../core/agreement';
import type { AgreementResult, GlossApi, JobFile } from '../../../core/api';
import { plural } from '../../../core/plural';
import { agreementCsv } from './agreementCsv';
import { downloadFile } from './transfer';

export interface AgreementViewProps {
  api: Pick<GlossApi, 'getAgreement'>;
  workspaceName: string;
  /** Changes seen on disk: the figures are fetched again. */
  revision: number;
  onOpenReview(docId: string, annotators: string[]): void;
  onClose(): void;
  /** Saves the CSV (tests replace the download). */
  save?(file: JobFile): void;
}

type Loaded = { state: 'loading' } | { state: 'error'; message: string } | { state: 'done'; result: AgreementResult };

export function AgreementView({ api, workspaceName, revision, onOpenReview, onClose, save = downloadFile }: AgreementViewProps) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  /** Everyone who can be compared (from the first answer); null until known. */
  const [everyone, setEveryone] = useState<string[] | null>(null);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const chosenKey = chosen?.join('\u0000') ?? '';

  useEffect(() => {
    let live = true;
    const names = chosenKey ? chosenKey.split('\u0000') : undefined;
    void api.getAgreement(names).then(
      (r) => {
        if (!live) return;
        if (!r.ok) {
          setLoaded({ state: 'error', message: r.error.message });
          return;
        }
        setLoaded({ state: 'done', result: r.value });
        if (!names) setEveryone(r.value.annotators);
      },
      (error: unknown) => live && setLoaded({ state: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [api, revision, chosenKey]);

  const result = loaded.state === 'done' ? loaded.result : null;
  const names = everyone ?? result?.annotators ?? [];
  const selected = chosen ?? names;
  const exportCsv = () => {
    if (!result) return;
    save({ name: `agreement-${slug(workspaceName)}.csv`, mediaType: 'text/csv', text: agreementCsv(result) });
  };

  return (
    <main className="gl-agreement" data-testid="agreement-view" aria-labelledby="gl-agreement-title">
      <div className="gl-agreement-inner">
        <header className="gl-agreement-head">
          <div>
            <h1 id="gl-agreement-title" className="gl-page-title">
              Agreement
            </h1>
            <p className="gl-page-meta">
              {result ? `${plural(result.documents, 'document')} compared · exact span match, tokens by word` : ' '}
            </p>
          </div>
          <div className="gl-agreement-actions">
            <button type="button" className="gl-button" data-testid="agreement-csv" disabled={!result} onClick={exportCsv}>
              Export CSV
            </button>
            <button type="button" className="gl-button" data-testid="agreement-close" onClick={onClose}>
              Back to documents
            </button>
          </div>
        </header>

        {names.length > 0 && (
          <fieldset className="gl-review-annotators gl-agreement-annotators">
            <legend className="gl-visually-hidden">Annotators compared</legend>
            <span className="gl-reviewbar-caption">Annotators</span>
            {names.map((name) => (
              <label key={name} className={`gl-review-annotator${selected.includes(name) ? ' gl-on' : ''}`}>
                <input
                  type="checkbox"
                  data-testid="agreement-annotator"
                  data-annotator={name}
                  checked={selected.includes(name)}
                  onChange={(e) => {
                    const next = names.filter((n) => (n === name ? e.target.checked : selected.includes(n)));
                    if (next.length >= 2) setChosen(next.length === names.length ? null : next);
                  }}
                />
                <span>{name}</span>
              </label>
            ))}
          </fieldset>
        )}

        {loaded.state === 'loading' && <p className="gl-empty">Computing…</p>}
        {loaded.state === 'error' && (
          <div className="gl-banner gl-banner-error" role="alert">
            {loaded.message}
          </div>
        )}
        {result && result.annotators.length < 2 && <p className="gl-empty">Agreement needs two annotators with layers of the same documents.</p>}
        {result && result.annotators.length >= 2 && (
          <>
            <section className="gl-stat-cards" aria-label="Overall">
              <Stat name="Fleiss’ κ" value={result.fleissKappa} detail={`${result.fleissTokens.toLocaleString('en')} tokens rated by all`} testId="agreement-fleiss" />
              <Stat name="Krippendorff’s α" value={result.krippendorffAlpha} detail={`${result.krippendorffTokens.toLocaleString('en')} tokens, nominal`} testId="agreement-alpha" />
              <Stat name="Documents" value={result.documents} detail={`${result.annotators.length} annotators`} integer testId="agreement-documents" />
            </section>

            <section className="gl-agreement-section">
              <h2 className="gl-section-title">Pairs: span F1 (upper) and Cohen’s κ (lower)</h2>
              <Matrix result={result} />
            </section>

            <section className="gl-agreement-section">
              <h2 className="gl-section-title">Documents, worst agreement first</h2>
              <table className="gl-table gl-table-docs" data-testid="agreement-docs">
                <thead>
                  <tr>
                    <th>Document</th>
                    <th>Annotators</th>
                    <th className="gl-num">Disagreements</th>
                    <th className="gl-num">Span F1</th>
                    <th className="gl-num">α</th>
                  </tr>
                </thead>
                <tbody>
                  {result.byDocument.map((d) => (
                    <tr
                      key={d.document}
                      className="gl-row-link"
                      data-testid="agreement-doc"
                      data-doc-id={d.document}
                      tabIndex={0}
                      title="Open the review of this document"
                      onClick={() => onOpenReview(d.document, d.annotators)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter') onOpenReview(d.document, d.annotators);
                      }}
                    >
                      <td className="gl-doc-cell">{d.title || d.document}</td>
                      <td className="gl-muted">{d.annotators.join(', ')}</td>
                      <td className="gl-num">{d.disagreements}</td>
                      <td className={`gl-num ${tone(d.f1)}`}>{fixed(d.f1)}</td>
                      <td className={`gl-num ${tone(d.krippendorffAlpha)}`}>{fixed(d.krippendorffAlpha)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>

            <div className="gl-agreement-columns">
              <section className="gl-agreement-section">
                <h2 className="gl-section-title">Labels (all pairs)</h2>
                <table className="gl-table" data-testid="agreement-labels">
                  <thead>
                    <tr>
                      <th>Label</th>
                      <th className="gl-num">Matched</th>
                      <th className="gl-num">Only a</th>
                      <th className="gl-num">Only b</th>
                      <th className="gl-num">F1</th>
                    </tr>
                  </thead>
                  <tbody>
                    {Object.entries(result.byLabel).map(([label, c]) => (
                      <tr key={label} data-label={label}>
                        <td>{label}</td>
                        <td className="gl-num">{c.tp}</td>
                        <td className="gl-num">{c.onlyA}</td>
                        <td className="gl-num">{c.onlyB}</td>
                        <td className={`gl-num ${tone(c.f1)}`}>{fixed(c.f1)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
              <section className="gl-agreement-section">
                <h2 className="gl-section-title">Pairs in detail</h2>
                <table className="gl-table" data-testid="agreement-pairs">
                  <thead>
                    <tr>
                      <th>a</th>
                      <th>b</th>
                      <th className="gl-num">P</th>
                      <th className="gl-num">R</th>
                      <th className="gl-num">F1</th>
                      <th className="gl-num">κ</th>
                      <th className="gl-num">Tokens</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.pairs.map((p) => (
                      <tr key={`${p.a}\u0000${p.b}`}>
                        <td>{p.a}</td>
                        <td>{p.b}</td>
                        <td className="gl-num">{fixed(p.precision)}</td>
                        <td className="gl-num">{fixed(p.recall)}</td>
                        <td className={`gl-num ${tone(p.f1)}`}>{fixed(p.f1)}</td>
                        <td className={`gl-num ${tone(p.cohenKappa)}`}>{fixed(p.cohenKappa)}</td>
                        <td className="gl-num">{p.tokens.toLocaleString('en')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            </div>
            <p className="gl-hint gl-agreement-foot">
              “—” is undefined: nothing to compare, or a single category throughout (ADR 0005). Precision = matched / b’s spans, recall = matched / a’s spans.
            </p>
          </>
        )}
      </div>
    </main>
  );
}

function Stat({ name, value, detail, integer, testId }: { name: string; value: number | null; detail: string; integer?: boolean; testId: string }) {
  return (
    <div className="gl-stat" data-testid={testId}>
      <span className="gl-stat-name">{name}</span>
      <span className={`gl-stat-value ${integer ? '' : tone(value)}`}>{integer ? (value ?? 0).toLocaleString('en') : fixed(value)}</span>
      <span className="gl-stat-detail">{detail}</span>
    </div>
  );
}

/** Annotators × annotators: F1 above the diagonal, kappa below (the pair in either order). */
function Matrix({ result }: { result: AgreementResult }) {
  const pairOf = (a: string, b: string): PairAgreement | undefined =>
    result.pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
  return (
    <table className="gl-table gl-matrix" data-testid="agreement-matrix">
      <thead>
        <tr>
          <th aria-label="Annotator" />
          {result.annotators.map((name) => (
            <th key={name} className="gl-num">
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {result.annotators.map((row, i) => (
          <tr key={row}>
            <th scope="row">{row}</th>
            {result.annotators.map((col, j) => {
              if (i === j) return <td key={col} className="gl-num gl-diagonal" aria-label="same annotator" />;
              const pair = pairOf(row, col);
              const value = pair ? (j > i ? pair.f1 : pair.cohenKappa) : null;
              const what = j > i ? 'F1' : 'κ';
              return (
                <td
                  key={col}
                  className={`gl-num gl-cell ${tone(value)}`}
                  data-testid="agreement-cell"
                  data-a={row}
                  data-b={col}
                  data-measure={j > i ? 'f1' : 'kappa'}
                  title={pair ? `${row} × ${col}: F1 ${fixed(pair.f1)}, κ ${fixed(pair.cohenKappa)}, ${pair.tp} matched, ${pair.onlyA} only ${pair.a}, ${pair.onlyB} only ${pair.b}` : undefined}
                >
                  <span className="gl-cell-measure">{what}</span> {fixed(value)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Three decimals, or "—" for undefined. */
export function fixed(value: number | null): string {
  return value === null ? '—' : value.toFixed(3);
}

/** A calm tint for how good a coefficient is (Landis & Koch's bands, roughly). */
function tone(value: number | null): string {
  if (value === null) return 'gl-q-none';
  if (value >= 0.8) return 'gl-q-4';
  if (value >= 0.6) return 'gl-q-3';
  if (value >= 0.4) return 'gl-q-2';
  if (value >= 0.2) return 'gl-q-1';
  return 'gl-q-0';
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'workspace';
}
