import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, api, call } from '../../api/client';
import { ApiForm } from '../../components/ApiForm';
import { TextBox, TextInput } from '../../components/fields';
import { Button, ButtonLink, Link, Notice, PageTitle } from '../../components/ui';
import { howAlerted, notSetUpWords } from '../../labels';
import { useSession } from '../../session';
import type { BreachView } from './types';

/**
 * Report a suspected breach of the confidentiality policy (clause 5): anyone working here, in a minute or two.
 * Management are told at once and the 72-hour ICO clock starts from now; the reporter can read back what they wrote
 * and its status, never the handling.
 */
export default function ReportBreach() {
  const queryClient = useQueryClient();
  const { me } = useSession();
  const [report, setReport] = useState('');
  const [occurredAt, setOccurredAt] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<BreachView | null>(null);
  const doneRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!report.trim()) {
      setError(new ApiError({ status: 400, title: 'Say what happened', errors: [{ path: 'body.report', message: 'Say what happened, as far as you know.' }] }));
      return;
    }
    if (occurredAt && Number.isNaN(new Date(occurredAt).getTime())) {
      setError(new ApiError({ status: 400, title: 'Check the date', errors: [{ path: 'body.occurredAt', message: 'Enter a date and time, for example 02/03/2026 09:30.' }] }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const view = await call<BreachView>(api.POST('/api/breaches', { body: { report, ...(occurredAt ? { occurredAt: new Date(occurredAt).toISOString() } : {}) } }));
      await queryClient.invalidateQueries({ queryKey: ['breaches'] });
      setDone(view);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <section className="narrow">
        <PageTitle focus={false}>Breach reported</PageTitle>
        <div ref={doneRef} tabIndex={-1} className="confirmation" role="status">
          <p className="confirmation-title">
            {!done.alerted?.people ? 'Thank you. Your report is recorded.'
              : done.alerted.roles.includes('manager') ? 'Thank you. Management have been told.'
                : 'Thank you. There is no manager able to act on it, so the guardian has been told.'}
          </p>
          {done.alerted?.people ? <p>{howAlerted(done.alerted)}</p> : done.alerted?.notSetUp ? (
            // Accounts nobody has signed in to yet cannot act on it (src/accounts/can-act.ts): nobody who can was told.
            <p><strong>Nobody who can act on it was told</strong>: {notSetUpWords(done.alerted.notSetUp, false)} Tell a manager in person now.</p>
          ) : (
            <p><strong>Nobody could be told</strong>: there is no manager or guardian with an account. Tell a manager in person now.</p>
          )}
          <p>They must decide within 72 hours whether the Information Commissioner’s Office has to be told, so the sooner the better — you did the right thing.</p>
        </div>
        <div className="panel">
          <h2>What happens next</h2>
          <ul className="steps">
            <li>A manager assesses what happened, who it affects and how to contain it.</li>
            <li>They may ask you for more detail. How it is handled stays with them.</li>
            <li>If you can stop it getting worse (recall an e-mail, lock a screen, retrieve papers), do so now and tell them.</li>
          </ul>
          <div className="actions">
            {/* Before the policy is accepted (3.5) nothing is read back: a report never waits, reading does. */}
            {me.policyAccepted ? (
              <>
                <ButtonLink href={`/breaches/${done.data.id}`} variant="primary">See your report</ButtonLink>
                <ButtonLink href="/breaches/mine">All breaches you reported</ButtonLink>
              </>
            ) : <ButtonLink href="/" variant="primary">Back to the policy</ButtonLink>}
          </div>
        </div>
      </section>
    );
  }
  return (
    <section className="narrow">
      <PageTitle>Report a suspected breach</PageTitle>
      <p className="lede">Information seen, sent or lost where it should not have been? Tell management here. You do not need to be sure, and it does not matter whose mistake it was: what matters is that it is dealt with quickly.</p>
      <Notice tone="info">Examples: an e-mail to the wrong person, a lost phone or notebook, notes left on a bus, someone looking at records they had no need to see.</Notice>
      <div className="panel">
        <ApiForm onSubmit={submit} error={error}>
          <TextBox name="report" label="What happened?" value={report} onChange={setReport} rows={7} isRequired
            description="As far as you know: what information, how, and who may have seen it. Do not copy the information itself here." />
          <TextInput name="occurredAt" type="datetime-local" label="When did it happen?" value={occurredAt} onChange={setOccurredAt} description="If you know. Roughly is fine." />
          <div className="actions">
            <Button type="submit" isDisabled={busy}>{busy ? 'Sending…' : 'Report to management'}</Button>
            {me.policyAccepted ? <Link href="/breaches/mine">Breaches you reported</Link> : <Link href="/">Back to the policy</Link>}
          </div>
        </ApiForm>
      </div>
    </section>
  );
}
