import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { ClauseStatus, Matrix, MatrixRow } from '../../api/policy';
import { Radios } from '../../components/fields';
import { Loading, PageTitle, ProblemMessage, formatDate } from '../../components/ui';
import { AdminNav, StatusBadge, clauseLabel } from './shared';

type Shown = 'all' | 'gaps' | 'enforced' | 'in-part' | 'procedural';
const SHOWN: ReadonlyArray<{ id: Shown; label: string }> = [
  { id: 'all', label: 'Every clause' },
  { id: 'gaps', label: 'Gaps only' },
  { id: 'enforced', label: 'Enforced' },
  { id: 'in-part', label: 'Enforced in part' },
  { id: 'procedural', label: 'Procedural' },
];
const inView = (shown: Shown, status: ClauseStatus) =>
  shown === 'all' || (shown === 'gaps' ? status === 'planned' || status === 'gap' || status === 'warn-only' : status === shown);

/**
 * The traceability matrix of the current policy (3.6, monitoring and review): for every clause, what the software
 * does about it, in the API's words. The gaps come first — planned clauses are not enforced yet, and trustees
 * must see that before anything else.
 */
export default function PolicyMatrix() {
  const [shown, setShown] = useState<Shown>('all');
  const matrix = useQuery({ queryKey: ['policy', 'matrix'], queryFn: () => call<Matrix>(api.GET('/api/policy/matrix', { params: { query: { format: 'json' } } })) });
  const m = matrix.data;
  const rows = m?.rows.filter((r) => inView(shown, r.status)) ?? [];
  return (
    <section>
      <AdminNav />
      <PageTitle>Traceability matrix</PageTitle>
      <ProblemMessage error={matrix.error} focus={false} />
      {matrix.isPending ? <Loading /> : null}
      {m ? (
        <>
          <p className="lede">
            How Confide carries out each clause of <strong>{m.policy.title}</strong>, version {m.policy.version} (loaded {formatDate(m.policy.loadedAt)}): the rules that enforce it and the tests that prove them, or the documented practice that supports it instead — or, for a clause enforced in part, both: the rules for their part, the organisation's practice for the rest.
          </p>
          <Gaps matrix={m} />
          <ul className="matrix-summary" aria-label="Summary">
            <li><strong>{m.summary.clauses}</strong> clauses</li>
            <li><strong>{m.summary.enforced}</strong> enforced by rules and tests</li>
            <li><strong>{m.summary.inPart.length}</strong> enforced in part — rules and tests for part, a procedural note for the rest</li>
            {m.summary.warnOnly.length ? <li><strong>{m.summary.warnOnly.length}</strong> with a rule switched to warn only</li> : null}
            <li><strong>{m.summary.planned.length}</strong> planned</li>
            <li><strong>{m.summary.procedural}</strong> procedural</li>
            <li><strong>{m.summary.sections}</strong> section headings</li>
          </ul>
          <div className="head-actions">
            {/* Plain links: the browser downloads the API's renderings with the session cookie. */}
            <a className="button secondary" href="/api/policy/matrix?format=pdf" download>Download PDF</a>
            <a className="button secondary" href="/api/policy/matrix?format=md" download={`policy-v${m.policy.version}-traceability.md`}>Download Markdown</a>
          </div>
          <div className="matrix-filter">
            <Radios name="shown" label="Show" value={shown} onChange={setShown} options={SHOWN} />
          </div>
          <div className="table-wrap">
            <table className="table matrix-table">
              <caption className="visually-hidden">Clauses of the policy with what carries them out ({rows.length} shown)</caption>
              <thead><tr><th scope="col">Clause</th><th scope="col">What it says</th><th scope="col">Status</th><th scope="col">Rules and tests</th></tr></thead>
              <tbody>{rows.map((r) => <Row key={r.clause} row={r} />)}</tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}

/**
 * The first thing on the page: what is not carried out yet, or that nothing is missing — in the API's own sentences,
 * which name the clauses enforced in part (not gaps, never enforced) whenever there are any.
 */
function Gaps({ matrix }: { matrix: Matrix }) {
  const { gaps, attention, noGaps, inPartLine } = matrix.summary;
  if (!gaps.length) return <div className="alert success"><p className="alert-title">No gaps</p><p>{noGaps?.replace(/^No gaps:\s*/, '').replace(/^./, (c) => c.toUpperCase())}</p>{inPartLine ? <p>{inPartLine}</p> : null}</div>;
  const gapRows = matrix.rows.filter((r) => gaps.includes(r.clause));
  return (
    <>
      <section className="alert warning gaps" aria-labelledby="gaps-title">
        <h2 id="gaps-title" className="alert-title">{gaps.length === 1 ? '1 clause is not carried out by the software yet' : `${gaps.length} clauses are not carried out by the software yet`}</h2>
        {attention.map((line) => <p key={line}>{line}</p>)}
        <ul>
          {gapRows.map((r) => (
            <li key={r.clause}>
              <a href={`#clause-${r.clause.replace(/\s+/g, '-')}`}><strong>{clauseLabel(r.clause)}</strong>{r.heading ? ` ${r.heading}` : ''}</a>
              {r.planned ? <>: {r.planned.replace(/^Planned:\s*/i, '')}</> : r.status === 'gap' ? ': neither rules with tests nor a procedural or planned note'
                : r.status === 'warn-only' ? `: ${r.rules.filter((x) => x.mode === 'warn').map((x) => x.id).join(', ')} switched to warn only — allowed and recorded, not refused` : null}
            </li>
          ))}
        </ul>
      </section>
      {inPartLine ? <p>{inPartLine}</p> : null}
    </>
  );
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** One clause: its number, text, status and what carries it out. */
function Row({ row }: { row: MatrixRow }) {
  const gap = row.status === 'planned' || row.status === 'gap';
  return (
    <tr id={`clause-${row.clause.replace(/\s+/g, '-')}`} className={gap ? 'matrix-gap' : undefined}>
      <th scope="row" className="matrix-clause">{clauseLabel(row.clause)}</th>
      <td className="matrix-text">
        {row.heading ? <strong className="block">{row.heading}</strong> : null}
        {row.text ? <span className="clause-text">{row.text}</span> : null}
      </td>
      <td><StatusBadge status={row.status} /></td>
      <td className="matrix-cover">
        {row.planned ? <p className="matrix-note"><strong>Planned:</strong> {row.planned.replace(/^Planned:\s*/i, '')}</p> : null}
        {row.procedural ? <p className="matrix-note"><strong>{row.status === 'in-part' ? 'Procedural — the rest, outside the software:' : 'Procedural:'}</strong> {row.procedural}</p> : null}
        {row.rules.length ? (
          <details className="matrix-details">
            <summary>{count(row.rules.length, 'rule')} {row.status === 'planned' ? 'support part of it' : row.status === 'in-part' ? `carr${row.rules.length === 1 ? 'ies' : 'y'} out part of it` : row.rules.length === 1 ? 'enforces it' : 'enforce it'}</summary>
            <ul className="plain-list matrix-rules">
              {row.rules.map((x) => <li key={x.id}><code>{x.id}</code> <span className="muted">({x.effect}{x.mode === 'warn' ? ', switched to warn only' : ''})</span> — {x.reason}</li>)}
            </ul>
          </details>
        ) : null}
        {row.tests.length ? (
          <details className="matrix-details">
            <summary>{count(row.tests.length, 'test')} {row.tests.length === 1 ? 'proves' : 'prove'} {row.rules.length === 1 ? 'it' : 'them'}</summary>
            <ul className="plain-list">{row.tests.map((t) => <li key={`${t.file} ${t.title}`}>{t.title} <span className="muted block">{t.file}</span></li>)}</ul>
          </details>
        ) : null}
        {!row.rules.length && !row.tests.length && !row.planned && !row.procedural ? <span className="muted">—</span> : null}
      </td>
    </tr>
  );
}
