import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import type { Can, Consent, Page, Purpose } from '../../api/models';
import { PathForm } from '../../components/PathForm';
import { Radios, TextBox, TextInput } from '../../components/fields';
import { Button, ButtonLink, ModalDialog, Notice, ProblemMessage, formatDate, formatDateTime } from '../../components/ui';
import { GIVEN_BY_LABELS, METHOD_LABELS, STATUS, WITHDRAWAL_METHODS, categoryLabel, purposeName, recipientLabel, withdrawalLabel } from './labels';

/** A person's consent history, newest first: every version, refusal and withdrawal. */
export const consentsQuery = (personId: string) => ({
  queryKey: ['person', personId, 'consents'],
  queryFn: () => call<Page<Consent>>(api.GET('/api/people/{id}/consents', { params: { path: { id: personId }, query: { limit: 100 } } })),
});

/** Every purpose of the register, to name the purposes of past consents (retired ones included). */
const allPurposesQuery = {
  queryKey: ['purposes', 'all'],
  queryFn: () => call<Page<Purpose>>(api.GET('/api/purposes', { params: { query: { limit: 100 } } })),
  staleTime: 60_000,
};

/** The receipt of a consent to hand to the person: a printable PDF and the Kantara JSON. */
export function ReceiptLinks({ consentId }: { consentId: string }) {
  return (
    <div className="actions receipt-links">
      <a className="button primary" href={`/api/consents/${consentId}/receipt.pdf`} download>Download receipt (PDF)</a>
      <a className="button secondary" href={`/api/consents/${consentId}/receipt`} download={`consent-receipt-${consentId}.json`}>Receipt data (JSON)</a>
    </div>
  );
}

/** "Now" as a value for a datetime-local input. */
const nowLocal = () => {
  const d = new Date();
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
};

/** Asks when and how the person withdrew, and records it: it takes effect at once (4.1). */
function WithdrawForm({ consent, purpose, onDone, onCancel }: { consent: Consent; purpose: string; onDone: () => void; onCancel: () => void }) {
  const queryClient = useQueryClient();
  const [method, setMethod] = useState('');
  const [opened] = useState(nowLocal);
  const [at, setAt] = useState(opened);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { method: method || undefined, ...(at && at !== opened ? { withdrawnAt: new Date(at).toISOString() } : {}), ...(note.trim() ? { note: note.trim() } : {}) };
      await call(api.POST('/api/consents/{id}/withdraw', { params: { path: { id: consent.id } }, body: body as never }));
      await queryClient.invalidateQueries({ queryKey: ['person', consent.personId, 'consents'] });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <PathForm error={error} names={['method', 'withdrawnAt', 'note']} missing={{ method: 'Choose how they told us' }} onSubmit={submit}>
      <p>Withdrawing their consent to “{purpose}” takes effect at once: nothing more is shared on it from now.</p>
      <TextInput name="withdrawnAt" label="When they withdrew" type="datetime-local" isRequired value={at} onChange={setAt} description="Leave as it is if they told you just now." />
      <Radios name="method" label="How they told us" isRequired value={method || null} onChange={setMethod} options={WITHDRAWAL_METHODS} />
      <TextBox name="note" label="Note" rows={2} value={note} onChange={setNote} />
      <div className="actions">
        <Button type="submit" variant="danger" isDisabled={busy}>{busy ? 'Saving…' : 'Record withdrawal'}</Button>
        <Button variant="secondary" onPress={onCancel}>Cancel</Button>
      </div>
    </PathForm>
  );
}

/** The consents panel of a person's page: their answers, newest first, with receipts and withdrawal. */
export function ConsentHistory({ personId, can }: { personId: string; can: Can }) {
  const history = useQuery(consentsQuery(personId));
  const purposes = useQuery(allPurposesQuery);
  const [withdrawing, setWithdrawing] = useState<Consent | null>(null);
  const [withdrawn, setWithdrawn] = useState(false);
  const items = history.data?.items ?? [];
  const name = (pid: string) => purposeName(purposes.data?.items, pid);
  return (
    <section className="panel" aria-labelledby="consents-title">
      <div className="panel-head">
        <h2 id="consents-title">Consent</h2>
        {can.recordConsent ? <ButtonLink href={`/people/${personId}/consents/new`}>Record consent</ButtonLink> : null}
      </div>
      <p className="muted">Their answers about how their information is shared, newest first. Every version is kept.</p>
      {withdrawn ? <Notice>The withdrawal is recorded and takes effect at once.</Notice> : null}
      <ProblemMessage error={history.error} focus={false} />
      {history.data && !items.length ? <p className="empty-line">No consent recorded yet.</p> : null}
      {items.length ? (
        <ol className="timeline consent-history" aria-label="Consent history, newest first">
          {items.map((c) => {
            const laterWithdrawn = c.status === 'superseded' && items.find((x) => x.id === c.supersededBy)?.decision === 'withdrawn';
            const s = laterWithdrawn ? { label: 'Agreed, later withdrawn', tone: 'muted-badge' } : STATUS[c.status] ?? { label: c.status, tone: 'muted-badge' };
            const isCurrentGiven = c.decision === 'given' && !c.supersededBy;
            return (
              <li key={c.id} className={`timeline-item consent-${c.status}`}>
                <span className="timeline-when">Recorded <time dateTime={c.recordedAt}>{formatDateTime(c.recordedAt)}</time></span>
                <p className="consent-what"><span className={`badge ${s.tone}`}>{s.label}</span> <strong>{name(c.purposeId)}</strong></p>
                {c.decision === 'withdrawn' ? (
                  <p>Withdrawn on {formatDateTime(c.withdrawnAt)}, {withdrawalLabel(c.withdrawalMethod)}. Nothing is shared on it from then.</p>
                ) : (
                  <>
                    <p className="consent-detail">To: {c.recipients.map((r) => recipientLabel(r)).join(', ')} · Covers: {c.dataCategories.map(categoryLabel).join(', ')}</p>
                    <p className="consent-detail muted">
                      {c.givenBy ? GIVEN_BY_LABELS[c.givenBy] : ''}{c.method ? ` · ${METHOD_LABELS[c.method] ?? c.method}` : ''}{c.expiresAt ? ` · ends ${formatDate(c.expiresAt)}` : ''}
                    </p>
                    <div className="actions consent-actions">
                      {can.printConsentReceipt ? (
                        <>
                          <a className="button small secondary" href={`/api/consents/${c.id}/receipt.pdf`} download>Receipt (PDF)<span className="visually-hidden"> for {name(c.purposeId)}, recorded {formatDateTime(c.recordedAt)}</span></a>
                          <a className="button small quiet" href={`/api/consents/${c.id}/receipt`} download={`consent-receipt-${c.id}.json`}>JSON<span className="visually-hidden"> receipt for {name(c.purposeId)}</span></a>
                        </>
                      ) : null}
                      {isCurrentGiven && can.withdrawConsent ? (
                        <Button variant="secondary" className="small" onPress={() => { setWithdrawn(false); setWithdrawing(c); }}>Record withdrawal<span className="visually-hidden"> of {name(c.purposeId)}</span></Button>
                      ) : null}
                    </div>
                  </>
                )}
              </li>
            );
          })}
        </ol>
      ) : null}
      <ModalDialog title="Record withdrawal of consent" isOpen={!!withdrawing} onOpenChange={(open) => !open && setWithdrawing(null)}>
        {withdrawing ? <WithdrawForm consent={withdrawing} purpose={name(withdrawing.purposeId)} onDone={() => { setWithdrawing(null); setWithdrawn(true); }} onCancel={() => setWithdrawing(null)} /> : null}
      </ModalDialog>
    </section>
  );
}
