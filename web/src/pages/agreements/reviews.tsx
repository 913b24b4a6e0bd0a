import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call, ifMatch } from '../../api/client';
import type { Agreement, AgreementView } from '../../api/sharing';
import { PathForm } from '../../components/PathForm';
import { Radios, TextBox, TextInput } from '../../components/fields';
import { Button, Loading, ProblemMessage, formatDate, formatDateTime } from '../../components/ui';
import { useSession } from '../../session';

// Reviews of a sharing agreement (practice 5.1; 3.1: continuing uses are regularly reviewed) — src/agreements/reviews.ts.

export type AgreementReviewOutcome = 'continue' | 'vary' | 'end';

/** One recorded review, as GET /api/agreements/:id/reviews answers it. */
export interface AgreementReview {
  id: string;
  agreementId: string;
  reviewedBy: { id: string; name: string | null };
  reviewedAt: string;
  outcome: AgreementReviewOutcome;
  note: string;
  previousReviewOn: string;
  nextReviewOn: string;
}

/** The agreement as read on its page: `can.review` says whether the API would accept a review of it now. */
export type ReviewableAgreementView = AgreementView & { can: AgreementView['can'] & { review?: boolean } };

/** The outcomes a review can record, in the reader's words. */
export const REVIEW_OUTCOMES: ReadonlyArray<{ id: AgreementReviewOutcome; label: string; description: string }> = [
  { id: 'continue', label: 'Continue unchanged', description: 'It still fits how we work with them.' },
  { id: 'vary', label: 'Needs a variation', description: 'Its terms should change: start a variation next.' },
  { id: 'end', label: 'End it', description: 'It is no longer needed: end it early next, giving the reason.' },
];
const outcomeLabel = (o: string) => REVIEW_OUTCOMES.find((x) => x.id === o)?.label ?? o;

const NAMES = ['outcome', 'note', 'nextReviewOn'] as const;
const MISSING = { outcome: 'Choose what the review concluded', note: 'Say briefly what was reviewed and why', nextReviewOn: 'Give the date of the next review' };
const reviewsKey = (id: string) => ['agreement', id, 'reviews'];

/** The reviews of an agreement, newest first. */
export function ReviewHistory({ id }: { id: string }) {
  const q = useQuery({ queryKey: reviewsKey(id), queryFn: () => call<{ items: AgreementReview[] }>(api.GET('/api/agreements/{id}/reviews', { params: { path: { id } } })) });
  if (q.isPending) return <Loading />;
  if (q.error) return <ProblemMessage error={q.error} focus={false} />;
  if (!q.data.items.length) return <p className="empty-line">No review recorded yet.</p>;
  return (
    <ol className="timeline review-history" aria-label="Reviews of this agreement">
      {q.data.items.map((r) => (
        <li key={r.id} className={`timeline-item outcome-${r.outcome}`}>
          <p className="timeline-when">{formatDateTime(r.reviewedAt)} · {r.reviewedBy.name ?? 'a manager'}</p>
          <p><span className={`badge ${r.outcome === 'continue' ? 'ok' : 'pending'}`}>{outcomeLabel(r.outcome)}</span> <span className="muted">Next review by {formatDate(r.nextReviewOn)}</span></p>
          <p className="pre">{r.note}</p>
        </li>
      ))}
    </ol>
  );
}

/** What to say once a review is recorded: the next date, and the step its outcome calls for. */
const doneMessage = (outcome: AgreementReviewOutcome, next: string) => {
  const then = outcome === 'vary' ? ' Start a variation to change its terms.' : outcome === 'end' ? ' End it early when you are ready, giving the reason.' : '';
  return `The review is recorded: ${outcomeLabel(outcome).toLowerCase()}. Next review by ${formatDate(next)}.${then}`;
};

/**
 * Records a review of the agreement as the signed-in manager: the outcome, a short note and the next review date
 * (after today, not after the agreement ends — the API checks and names the field at fault).
 */
export function ReviewForm({ a, onDone }: { a: Agreement; onDone: (v: AgreementView, message: string) => void }) {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<AgreementReviewOutcome | null>(null);
  const [note, setNote] = useState('');
  const [nextReviewOn, setNext] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      // An answer left empty is sent as absent: the API's "required" then shows in the form's own words (MISSING).
      const view = await call<AgreementView>(api.POST('/api/agreements/{id}/reviews', {
        params: { path: { id: a.id } }, body: { outcome: (outcome ?? undefined) as AgreementReviewOutcome, note: note.trim(), nextReviewOn: (nextReviewOn || undefined) as string }, headers: ifMatch(a.version),
      }));
      await queryClient.invalidateQueries({ queryKey: reviewsKey(a.id) });
      setOutcome(null);
      setNote('');
      setNext('');
      onDone(view, doneMessage(outcome!, nextReviewOn));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <PathForm error={error} names={NAMES} missing={MISSING} onSubmit={submit}>
      <p className="muted">Recorded as you, {me.user.displayName}, today. Due by {formatDate(a.reviewOn)}.</p>
      <Radios name="outcome" label="What the review concluded" value={outcome} onChange={setOutcome} isRequired options={REVIEW_OUTCOMES} />
      <TextBox name="note" label="Note" value={note} onChange={setNote} isRequired rows={3} description="What was reviewed and why, in a few lines. About the agreement — no personal details." />
      <TextInput name="nextReviewOn" type="date" label="Next review by" value={nextReviewOn} onChange={setNext} isRequired description={`After today, and no later than ${formatDate(a.endsOn)}, when it ends.`} />
      <div className="actions"><Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Record the review'}</Button></div>
    </PathForm>
  );
}
