import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { AuditStatus as Status } from '../../api/policy';
import { Button, Loading, Notice, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { AdminNav } from './shared';

/**
 * Whether the audit trail is intact (1.1 records properly managed): the last check of its hash chain, and a fresh
 * check started on request. For administrators and the guardian (rule audit/verify); the API keeps the server from
 * checking more than once a minute.
 */
export default function AuditStatus() {
  const queryClient = useQueryClient();
  const status = useQuery({
    queryKey: ['audit', 'status'],
    queryFn: () => call<Status>(api.GET('/api/audit/status')),
    refetchInterval: (q) => (q.state.data?.running ? 1000 : false),
  });
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<{ text: string; whileRunning: boolean } | null>(null);
  const check = async () => {
    setError(null);
    setNotice(null);
    try {
      const res = await call<Status>(api.POST('/api/audit/status', { body: {} }));
      queryClient.setQueryData(['audit', 'status'], res);
      setNotice(res.started || res.running
        ? { text: res.started ? 'Checking the audit trail. This page shows the result when it is done.' : 'A check is already running; this page shows its result when it is done.', whileRunning: true }
        : { text: `The trail was checked less than a minute ago; you can check again from ${formatDateTime(res.nextCheckFrom)}.`, whileRunning: false });
    } catch (err) {
      setError(err);
    }
  };
  const s = status.data;
  return (
    <section>
      <AdminNav />
      <PageTitle>Audit trail</PageTitle>
      <p className="lede">Every action in Confide is written to an audit trail in which each entry seals the one before it. Checking recomputes every seal: an entry changed, removed or added behind Confide’s back is named.</p>
      <ProblemMessage error={status.error} focus={false} />
      <ProblemMessage error={error} />
      {status.isPending ? <Loading /> : null}
      {s ? (
        <div className="panel audit-status" aria-live="polite">
          <Outcome status={s} />
          <div className="actions">
            <Button onPress={check} isDisabled={s.running}>{s.running ? 'Checking…' : s.last ? 'Check again now' : 'Check the audit trail now'}</Button>
          </div>
          {notice && (s.running || !notice.whileRunning) ? <Notice tone="info">{notice.text}</Notice> : null}
        </div>
      ) : null}
    </section>
  );
}

/** The last result in words: intact, broken at an entry, or not checked yet. */
function Outcome({ status }: { status: Status }) {
  const last = status.last;
  if (status.running && !last) return <p className="audit-verdict pending-verdict"><span className="verdict-mark" aria-hidden="true">…</span>Checking since {formatDateTime(status.runningSince)}…</p>;
  if (!last) return <p className="audit-verdict pending-verdict"><span className="verdict-mark" aria-hidden="true">?</span>Not checked since the server last started.</p>;
  return (
    <>
      {last.ok ? (
        <p className="audit-verdict ok-verdict"><span className="verdict-mark" aria-hidden="true">✓</span>The audit trail is intact</p>
      ) : (
        <div className="audit-verdict broken-verdict" role="alert">
          <p><span className="verdict-mark" aria-hidden="true">!</span>The audit trail is broken{last.problem?.seq ? ` at entry ${last.problem.seq}` : ''}</p>
          {last.problem ? <p className="verdict-detail">{last.problem.message}</p> : null}
        </div>
      )}
      <dl className="facts">
        <dt>Checked</dt><dd>{formatDateTime(last.finishedAt)}{status.running ? ' (a new check is running)' : ''}</dd>
        <dt>Entries checked</dt><dd>{last.checked.toLocaleString('en-GB')}</dd>
        <dt>Signed checkpoints</dt><dd>{last.checkpointsChecked.toLocaleString('en-GB')}</dd>
        <dt>Took</dt><dd>{last.durationMs < 1000 ? `${last.durationMs} ms` : `${(last.durationMs / 1000).toFixed(1)} s`}</dd>
        {last.ok ? <><dt>Last entry checked</dt><dd>{last.head.seq.toLocaleString('en-GB')} <code className="muted">{last.head.hash.slice(0, 16)}…</code></dd></> : null}
      </dl>
    </>
  );
}
