import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import type { Page } from '../../api/models';
import { PathForm } from '../../components/PathForm';
import { Radios, TextBox, TextInput } from '../../components/fields';
import { Button, Loading, Notice, PageTitle, ProblemMessage, formatDate, formatDateTime } from '../../components/ui';
import { useSession } from '../../session';
import { PolicyReviewBanner } from './PolicyReviewBanner';
import { OUTCOMES, ReviewNav, outcomeLabel, type PolicyReview, type PolicyReviewStatus } from './shared';

const NAMES = ['outcome', 'notes', 'nextReviewOn'] as const;
const MISSING = { outcome: 'Choose what the review concluded', notes: 'Say what was reviewed and concluded', nextReviewOn: 'Give the date of the next review' };
const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

/**
 * The policy's reviews ("Monitoring and Review", 3.6: "This policy will be reviewed regularly"): when the next is due
 * (overdue shown first), recording a review as the signed-in manager — outcome, notes, next date — with the API's
 * objections at their fields, and the history, newest first. Append-only: a review is never edited.
 */
export default function PolicyReviews() {
  const history = useQuery({
    queryKey: ['review', 'policy-reviews'],
    queryFn: () => call<Page<PolicyReview> & { status: PolicyReviewStatus }>(api.GET('/api/review/policy-reviews', { params: { query: { limit: 100 } } })),
  });
  const [done, setDone] = useState<string | null>(null);
  return (
    <section>
      <ReviewNav />
      <PageTitle>Policy reviews</PageTitle>
      <p className="lede">The Senior Management Team review the confidentiality policy regularly. Record each review here: what you concluded and when the next one is due.</p>
      <ProblemMessage error={history.error} />
      {history.isPending ? <Loading /> : null}
      {history.data ? (
        <>
          <PolicyReviewBanner status={history.data.status} action={false} />
          <div className="columns review-columns">
            <RecordReview onDone={setDone} done={done} />
            <section className="panel" aria-labelledby="history-title">
              <h2 id="history-title">History</h2>
              {history.data.items.length ? (
                <ol className="timeline review-history">
                  {history.data.items.map((r) => (
                    <li key={r.id} className={`timeline-item outcome-${r.outcome}`}>
                      <p className="timeline-when">{formatDateTime(r.reviewedAt)} · {r.reviewedBy.name ?? 'a manager'}{r.policyVersion ? ` · version ${r.policyVersion}` : ''}</p>
                      <p><span className={`badge ${r.outcome === 'no_change' ? 'ok' : 'pending'}`}>{outcomeLabel(r.outcome)}</span> <span className="muted">Next review {formatDate(r.nextReviewOn)}</span></p>
                      <p className="pre">{r.notes}</p>
                    </li>
                  ))}
                </ol>
              ) : <p className="empty-line">No review recorded yet.</p>}
            </section>
          </div>
        </>
      ) : null}
    </section>
  );
}

/** The form: the reviewer is the signed-in manager; the API checks the next date (after today, within three years). */
function RecordReview({ onDone, done }: { onDone: (text: string | null) => void; done: string | null }) {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<PolicyReview['outcome'] | null>(null);
  const [notes, setNotes] = useState('');
  const [nextReviewOn, setNext] = useState(inAYear);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    onDone(null);
    setBusy(true);
    try {
      const r = await call<PolicyReview>(api.POST('/api/review/policy-reviews', { body: { outcome: outcome as 'no_change', notes, nextReviewOn } }));
      await queryClient.invalidateQueries({ queryKey: ['review'] });
      setOutcome(null);
      setNotes('');
      onDone(`Review recorded: ${outcomeLabel(r.outcome).toLowerCase()}. The next review is due on ${formatDate(r.nextReviewOn)}.`);
      setTimeout(() => document.getElementById('review-done')?.focus());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="record-title">
      <h2 id="record-title">Record a review</h2>
      {done ? <div id="review-done" tabIndex={-1} className="saved-panel"><Notice>{done}</Notice></div> : null}
      <p className="muted">Recorded as you, {me.user.displayName}, today.</p>
      <PathForm error={error} names={NAMES} missing={MISSING} onSubmit={submit}>
        <Radios name="outcome" label="What the review concluded" value={outcome} onChange={setOutcome} isRequired options={OUTCOMES} />
        <TextBox name="notes" label="Notes" value={notes} onChange={setNotes} isRequired rows={4} description="What was reviewed and concluded, and any actions. No personal details." />
        <TextInput name="nextReviewOn" type="date" label="Next review by" value={nextReviewOn} onChange={setNext} isRequired description="After today, and within three years." />
        <div className="actions"><Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Record the review'}</Button></div>
      </PathForm>
    </section>
  );
}
