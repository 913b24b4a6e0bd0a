import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call, ifMatch } from '../../api/client';
import { ApiForm } from '../../components/ApiForm';
import { TextBox } from '../../components/fields';
import { Button, Link, Loading, Notice, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { hasRole, useSession } from '../../session';
import { StepNotice } from '../../components/StepNotice';
import { useAccountNames } from '../access/shared';
import { AffectedPeople } from './AffectedPeople';
import { HandlingForm } from './HandlingForm';
import { IcoCountdown } from './IcoCountdown';
import { DATA_CATEGORIES, NOT_TOLD_GROUNDS, RISK_WORDS, SOURCE_LABELS, STATUS_LABELS, type BreachView } from './types';

const breachQuery = (id: string) => ({
  queryKey: ['breach', id],
  queryFn: () => call<BreachView>(api.GET('/api/breaches/{id}', { params: { path: { id } } })),
});
const category = (id: string) => DATA_CATEGORIES.find((c) => c.id === id)?.label ?? id;

/** A closed breach's handling, read only. */
function HandlingSummary({ view, name }: { view: BreachView; name: (id: string | null) => string }) {
  const h = view.handling!;
  return (
    <div className="panel">
      <h2>How it was handled</h2>
      <dl className="fields">
        <div className="field-row"><dt>What happened</dt><dd className="pre">{h.whatHappened ?? '—'}</dd></div>
        <div className="field-row"><dt>Information involved</dt><dd>{h.dataCategories.map(category).join(', ') || '—'}</dd></div>
        <div className="field-row"><dt>People affected</dt><dd>{h.peopleAffected ?? '—'}</dd></div>
        <div className="field-row"><dt>Risk</dt><dd>{h.risk.level ? RISK_WORDS[h.risk.level] : '—'}</dd></div>
        <div className="field-row"><dt>Containment</dt><dd className="pre">{h.containment ?? '—'}</dd></div>
        <div className="field-row"><dt>The ICO</dt><dd>{h.ico.decision === 'report' ? (h.ico.reportedAt ? `Told ${formatDateTime(h.ico.reportedAt)}${h.ico.reference ? ` (reference ${h.ico.reference})` : ''}` : 'To be told — not yet reported') : h.ico.decision === 'not_required' ? `Not told: ${h.ico.reason ?? ''}` : 'Not decided yet'}</dd></div>
        <div className="field-row"><dt>People told</dt><dd>{h.peopleTold.decision === 'tell' ? (h.peopleTold.toldAt ? `Told ${formatDateTime(h.peopleTold.toldAt)}` : 'To be told — not yet told') : h.peopleTold.decision === 'not_required' ? `Not told: ${NOT_TOLD_GROUNDS.find((g) => g.id === h.peopleTold.ground)?.label ?? ''}` : 'Not decided yet'}</dd></div>
        <div className="field-row"><dt>Disciplinary reference</dt><dd>{h.disciplinaryReference ?? '—'}</dd></div>
        {h.closedAt ? <div className="field-row"><dt>Closed</dt><dd>{formatDateTime(h.closedAt)} by {name(h.closedBy)}: <span className="pre">{h.closingNote}</span></dd></div> : null}
      </dl>
    </div>
  );
}

/** Closing a contained breach with what was concluded (the API refuses until the ICO and people-told decisions are made). */
function CloseBreach({ view, onClosed }: { view: BreachView; onClosed: (message: string | null) => void }) {
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    onClosed(null); // a failed close never shows under the last step's confirmation
    setError(null);
    try {
      await call(api.POST('/api/breaches/{id}/close', { params: { path: { id: view.data.id } }, body: { note }, headers: ifMatch(view.version) }));
      await queryClient.invalidateQueries({ queryKey: ['breach', view.data.id] });
      await queryClient.invalidateQueries({ queryKey: ['breaches'] });
      onClosed('The breach was closed.');
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="panel">
      <h2>Close the breach</h2>
      <ApiForm onSubmit={submit} error={error}>
        <TextBox name="note" label="What was concluded, and what changes to prevent it happening again" value={note} onChange={setNote} rows={3} isRequired />
        <div className="actions"><Button type="submit" variant="secondary">Close the breach</Button></div>
      </ApiForm>
    </div>
  );
}

/**
 * One breach (clause 5). The reporter sees what they wrote and its status; management and the guardian also see the
 * 72-hour ICO countdown and the handling; management record it. What each sees is the API's answer.
 */
export default function BreachPage({ id }: { id: string }) {
  const { me } = useSession();
  const q = useQuery(breachQuery(id));
  const name = useAccountNames(hasRole(me, 'manager', 'administrator'));
  const [saved, setSaved] = useState<string | null>(null);
  if (q.isPending) return <Loading />;
  if (q.isError) return <ProblemMessage error={q.error} />;
  const view = q.data;
  const b = view.data;
  const who = (uid: string | null) => (uid === me.user.id ? 'you' : name(uid) === 'someone' ? 'a colleague' : name(uid));
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        {view.can.review ? <Link href="/breaches">Breach register</Link> : <Link href="/breaches/mine">Breaches you reported</Link>}
      </nav>
      <div className="page-head">
        <PageTitle title="Breach">Breach reported {formatDateTime(b.reportedAt)}</PageTitle>
        <span className={`badge breach-${b.status}`}>{STATUS_LABELS[b.status]}</span>
      </div>
      {saved ? <StepNotice>{saved}</StepNotice> : null}
      <div className="breach-layout">
        <div className="stack">
          {view.clock ? <IcoCountdown clock={view.clock} /> : null}
          <div className="panel">
            <h2>The report</h2>
            <dl className="fields">
              <div className="field-row"><dt>What was reported</dt><dd className="pre">{b.report ?? <span className="muted">restricted</span>}</dd></div>
              <div className="field-row"><dt>When it happened</dt><dd>{formatDateTime(b.reportedOccurredAt)}</dd></div>
              <div className="field-row"><dt>Reported</dt><dd>{formatDateTime(b.reportedAt)} · {b.source === 'report' ? `by ${who(b.reportedBy)}` : SOURCE_LABELS[b.source]}</dd></div>
              {view.handling?.affectedPeople.linked && !view.can.handle ? (
                <div className="field-row"><dt>People linked</dt><dd>
                  {view.handling.affectedPeople.people.map((p, i) => <span key={p.id}>{i ? ', ' : ''}<Link href={`/people/${p.id}`}>{p.name}</Link></span>)}
                  {view.handling.affectedPeople.restricted ? ` and ${view.handling.affectedPeople.restricted} you may not see` : ''}
                </dd></div>
              ) : null}
            </dl>
          </div>
          {view.handling && view.can.handle ? <AffectedPeople view={view} /> : null}
          {!view.can.review ? <Notice tone="info">Management handle this now. You will not see how it is handled; if they need more from you, they will ask.</Notice> : null}
        </div>
        {view.handling && view.can.handle ? (
          <div className="panel">
            <h2>Assessment and handling</h2>
            <HandlingForm view={view} onSaved={setSaved} />
          </div>
        ) : null}
        {view.handling && !view.can.handle ? <HandlingSummary view={view} name={who} /> : null}
      </div>
      {view.can.handle && b.status === 'contained' ? <CloseBreach view={view} onClosed={setSaved} /> : null}
    </section>
  );
}
