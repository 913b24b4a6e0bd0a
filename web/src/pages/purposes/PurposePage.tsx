import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call, ifMatch } from '../../api/client';
import { ApiForm } from '../../components/ApiForm';
import { TextBox, TextInput } from '../../components/fields';
import { Button, Link, Loading, Notice, PageTitle, ProblemMessage, formatDate, formatDateTime } from '../../components/ui';
import { CLASSIFICATION_LABELS } from '../../labels';
import { useLocation } from '../../router';
import { hasRole, useSession } from '../../session';
import { StepNotice } from '../../components/StepNotice';
import { STATUS_LABELS, art9Label, basisLabel, periodLabel, usePeopleHere, type PurposeDetail } from './shared';

const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

/** One action on the purpose, sent with the version shown (If-Match); the API's refusal is shown as it says it. */
function usePurposeAction(p: PurposeDetail, onDone: (message: string) => void) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (request: Promise<{ data?: unknown; error?: unknown; response: Response }>, message: string) => {
    setBusy(true);
    setError(null);
    try {
      await call(request);
      await queryClient.invalidateQueries({ queryKey: ['purposes'] });
      await queryClient.invalidateQueries({ queryKey: ['purpose', p.id] });
      onDone(message);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run, headers: ifMatch(p.version), path: { id: p.id } };
}

/** Approving a draft (3.1 scrutiny): any guardian may try; the API refuses its own author (rule purposes/no-self-approval). */
function Approve({ p, onDone }: { p: PurposeDetail; onDone: (m: string) => void }) {
  const a = usePurposeAction(p, onDone);
  const [nextReviewOn, setReview] = useState(p.nextReviewOn);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void a.run(api.POST('/api/purposes/{id}/approve', { params: { path: a.path }, body: { nextReviewOn }, headers: a.headers }), 'Approved: the purpose is in force until its review.');
  };
  return (
    <div className="panel">
      <h2>Approve this purpose</h2>
      <p>Check that the purpose is necessary, the lawful basis fits, and it uses no more information than it needs. A guardian who did not propose it approves it.</p>
      <ApiForm onSubmit={submit} error={a.error}>
        <TextInput name="nextReviewOn" type="date" label="Next review by" value={nextReviewOn} onChange={setReview} isRequired />
        <div className="actions"><Button type="submit" isDisabled={a.busy}>Approve</Button></div>
      </ApiForm>
    </div>
  );
}

/** What retiring a purpose stops at once: its consents, and new information into the open cases held for it (2.1). */
const retireWarning = (openCases: number | undefined) => 'Every consent for it stops covering anything at once.'
  + (openCases ? ` Nothing new goes into ${openCases === 1 ? 'the 1 open case' : `the ${openCases} open cases`} held for it until a manager moves ${openCases === 1 ? 'it' : 'each'} to a purpose in force; managers are told.` : '');

/** The review of an approved purpose (3.1: continuing uses regularly reviewed): re-approve for another period, or retire it. */
function Review({ p, onDone }: { p: PurposeDetail; onDone: (m: string) => void }) {
  const again = usePurposeAction(p, onDone);
  const retire = usePurposeAction(p, onDone);
  const [nextReviewOn, setReview] = useState(inAYear);
  const [reason, setReason] = useState('');
  return (
    <div className="panel">
      <h2>{p.status === 'review_due' ? 'Review due' : 'Review'}</h2>
      <ApiForm error={again.error} onSubmit={(e) => {
        e.preventDefault();
        void again.run(api.POST('/api/purposes/{id}/reapprove', { params: { path: again.path }, body: { nextReviewOn }, headers: again.headers }), 'Re-approved until the next review.');
      }}>
        <TextInput name="nextReviewOn" type="date" label="Still needed — next review by" value={nextReviewOn} onChange={setReview} isRequired />
        <div className="actions"><Button type="submit" isDisabled={again.busy}>Re-approve</Button></div>
      </ApiForm>
      <ApiForm error={retire.error} onSubmit={(e) => {
        e.preventDefault();
        void retire.run(api.POST('/api/purposes/{id}/retire', { params: { path: retire.path }, body: { reason }, headers: retire.headers }), 'Retired: it and every consent for it cover nothing from now.');
      }}>
        <TextBox name="reason" label="No longer needed — why it is retired" value={reason} onChange={setReason} rows={2} isRequired description={retireWarning(p.openCases)} />
        <div className="actions"><Button type="submit" variant="danger" isDisabled={retire.busy}>Retire the purpose</Button></div>
      </ApiForm>
    </div>
  );
}

/** One purpose of the register (3.1), and what the reader may do with it: approve a draft, review an approved one. */
export default function PurposePage({ id }: { id: string }) {
  const { me } = useSession();
  const proposed = useLocation().search.get('proposed') === '1';
  const { name } = usePeopleHere();
  const [done, setDone] = useState<string | null>(proposed ? 'Proposed. A guardian other than you must approve it before it covers anything.' : null);
  const q = useQuery({ queryKey: ['purpose', id], queryFn: () => call<{ data: PurposeDetail }>(api.GET('/api/purposes/{id}', { params: { path: { id } } })) });
  if (q.isPending) return <Loading />;
  if (q.isError) return <ProblemMessage error={q.error} />;
  const p = q.data.data;
  const guardian = hasRole(me, 'guardian');
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/purposes">Purposes</Link></nav>
      <div className="page-head">
        <PageTitle title="Purpose">{p.name}</PageTitle>
        <span className={`badge ${STATUS_LABELS[p.status].tone}`}>{STATUS_LABELS[p.status].label}</span>
      </div>
      {done ? <StepNotice>{done}</StepNotice> : null}
      <div className="columns">
        <div className="panel">
          <h2>The purpose</h2>
          <p className="pre">{p.description}</p>
          <dl className="fields">
            <div className="field-row"><dt>Lawful basis</dt><dd>{basisLabel(p.lawfulBasis)}</dd></div>
            {p.art9Condition ? <div className="field-row"><dt>Article 9 condition</dt><dd>{art9Label(p.art9Condition)}</dd></div> : null}
            <div className="field-row"><dt>Information used</dt><dd>{p.dataCategories.map((c) => CLASSIFICATION_LABELS[c]?.label ?? c).join(', ')}</dd></div>
            <div className="field-row"><dt>Who receives it</dt><dd>{p.recipientCategories.join(', ')}</dd></div>
            <div className="field-row"><dt>Identifies people</dt><dd>{p.needsIdentity ? 'Yes' : 'No — aggregate or pseudonymised only'}</dd></div>
            <div className="field-row"><dt>Kept for</dt><dd>{periodLabel(p.retentionPeriod)}</dd></div>
            <div className="field-row"><dt>Reviewed by</dt><dd>{name(p.guardianId)}, by {formatDate(p.nextReviewOn)}</dd></div>
            <div className="field-row"><dt>Proposed</dt><dd>{formatDateTime(p.createdAt)} by {name(p.authorId)}</dd></div>
            {p.approvedAt ? <div className="field-row"><dt>Approved</dt><dd>{formatDateTime(p.approvedAt)} by {name(p.approvedBy)}</dd></div> : null}
            {p.retiredAt ? <div className="field-row"><dt>Retired</dt><dd>{formatDateTime(p.retiredAt)} by {name(p.retiredBy)}: {p.retireReason}</dd></div> : null}
            {p.openCases !== undefined ? <div className="field-row"><dt>Open cases held for it</dt><dd>{p.openCases}</dd></div> : null}
          </dl>
          {p.openCases && (p.status === 'retired' || p.status === 'review_due')
            ? <Notice tone="warning">Nothing new goes into {p.openCases === 1 ? 'the open case' : `the ${p.openCases} open cases`} held for it until a manager moves {p.openCases === 1 ? 'it' : 'each'} to a purpose in force (2.1). <Link href="/review#cases-without-purpose">The management review lists them.</Link></Notice>
            : null}
        </div>
        <div className="stack">
          {p.status === 'draft' && guardian ? <Approve p={p} onDone={setDone} /> : null}
          {p.status === 'draft' && !guardian ? <Notice tone="info">Waiting for a guardian to approve it.</Notice> : null}
          {(p.status === 'active' || p.status === 'review_due') && guardian ? <Review p={p} onDone={setDone} /> : null}
        </div>
      </div>
    </section>
  );
}
