import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../api/client';
import type { PolicyDocument } from '../api/models';
import { AuthFrame } from '../components/AuthFrame';
import { Button, Link, Loading, Notice, PageTitle, ProblemMessage } from '../components/ui';
import { useSession } from '../session';

/** Read and accept the current confidentiality policy before seeing anything confidential (3.5). */
export function AcceptPolicy() {
  const { me, refresh } = useSession();
  const policy = useQuery({ queryKey: ['policy', 'current'], queryFn: () => call<PolicyDocument>(api.GET('/api/policy/current')) });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const accept = async () => {
    if (!policy.data) return;
    setBusy(true);
    setError(null);
    try {
      await call(api.POST('/api/policy/accept', { body: { version: policy.data.version } }));
      await refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthFrame wide>
      <PageTitle title="Our confidentiality policy">Before you start: our confidentiality policy</PageTitle>
      <p>
        {me.user.displayName}, you work under this policy (clause 3.5: everyone is aware of their responsibilities). Read it, then
        accept it to see the records you need.
      </p>
      <Notice tone="warning">
        <strong>Worried about someone’s safety, or about information going where it should not?</strong> That never waits for
        this: <Link href="/concerns/new">raise a safeguarding concern</Link> or <Link href="/breaches/new">report a suspected breach</Link> now.
      </Notice>
      {policy.isPending ? <Loading /> : null}
      <ProblemMessage error={policy.error ?? error} />
      {policy.data ? (
        <>
          <h2>{policy.data.title} <span className="muted">(version {policy.data.version})</span></h2>
          <div className="policy-text" tabIndex={0} role="region" aria-label="Policy text">{policy.data.body.trim()}</div>
          <div className="actions">
            <Button onPress={accept} isDisabled={busy}>I have read and accept this policy</Button>
          </div>
        </>
      ) : null}
    </AuthFrame>
  );
}
