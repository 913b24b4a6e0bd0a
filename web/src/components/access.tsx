import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../api/client';
import type { Classification, Explanation, Restricted } from '../api/models';
import { CLASSIFICATION_LABELS, GRANTABLE_BY_RECORD, fieldLabel } from '../labels';
import { useSession } from '../session';
import { Checkboxes, TextBox, TextInput } from './fields';
import { Button, Loading, ModalDialog, Notice, ProblemMessage, formatDateTime } from './ui';
import { ApiForm } from './ApiForm';

type RecordRef = { type: 'person' | 'case' | 'organisation'; id: string };

/** "Why can't I see this?": the API's explanation for the signed-in user — reason, clause, and what ties them to the record. */
function Explain({ record, field }: { record: RecordRef | { type: 'note'; id: string }; field: string }) {
  const { me } = useSession();
  const q = useQuery({
    queryKey: ['explain', record.type, record.id, field],
    queryFn: () => call<Explanation>(api.GET('/api/access/explain', { params: { query: { user: me.user.id, record: `${record.type}:${record.id}`, field } } })),
  });
  if (q.isPending) return <Loading />;
  if (q.error) return <ProblemMessage error={q.error} />;
  const e = q.data;
  return (
    <div className="explain">
      <p className="explain-reason">{e.reason}</p>
      <dl className="facts">
        <dt>Policy clause</dt>
        <dd>{e.clause}</dd>
        <dt>Your place on this record</dt>
        <dd>{e.basis.team ? `You are on the case team (${e.basis.team.teamRole}).` : 'You are not on a team working with this record.'}</dd>
        <dt>Access grants</dt>
        <dd>{e.basis.grants.length ? e.basis.grants.map((g) => `${g.kind === 'break_glass' ? 'Emergency access' : 'Granted access'} until ${formatDateTime(g.expiresAt)}`).join('; ') : 'None in force.'}</dd>
      </dl>
    </div>
  );
}

/**
 * Ask a manager for time-limited access to more of a record, saying why (3.4). The choices are the classifications
 * that kind of record has (GRANTABLE_BY_RECORD): a person's record offers no "Commercial".
 */
export function RequestAccessForm({ record, classifications, onDone }: { record: RecordRef; classifications: Classification[]; onDone: () => void }) {
  const grantable = GRANTABLE_BY_RECORD[record.type] as readonly Classification[];
  const [chosen, setChosen] = useState<Classification[]>(() => classifications.filter((c) => grantable.includes(c)));
  const [reason, setReason] = useState('');
  const [hours, setHours] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);
  const queryClient = useQueryClient();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const h = hours.trim() ? Number(hours) : undefined;
      await call(api.POST('/api/access/requests', { body: { resourceType: record.type, resourceId: record.id, classifications: chosen.filter((c): c is Exclude<Classification, 'general'> => c !== 'general'), reason, ...(h !== undefined ? { hours: h } : {}) } }));
      setSent(true);
      await queryClient.invalidateQueries({ queryKey: ['grants'] });
    } catch (err) {
      setError(err);
    }
  };
  if (sent) {
    return (
      <>
        <Notice>Your request was sent. A manager will decide it; you will be notified, and the record will show more once access is granted.</Notice>
        <div className="actions"><Button onPress={onDone} autoFocus>Close</Button></div>
      </>
    );
  }
  return (
    <ApiForm onSubmit={submit} error={error}>
      <Checkboxes
        name="classifications" label="What you need to see" value={chosen} onChange={setChosen}
        options={grantable.map((c) => ({ id: c, label: CLASSIFICATION_LABELS[c].label, description: CLASSIFICATION_LABELS[c].description }))}
      />
      <TextBox name="reason" label="Why you need to know" value={reason} onChange={setReason} isRequired rows={3} description="A manager reads this to decide. At least 10 characters; do not include confidential details." />
      <TextInput name="hours" label="For how many hours" value={hours} onChange={setHours} inputMode="numeric" description="Leave empty for the usual length." />
      <div className="actions">
        <Button type="submit">Send request</Button>
        <Button variant="secondary" onPress={onDone}>Cancel</Button>
      </div>
    </ApiForm>
  );
}

/**
 * A field the user may not see: the word "Restricted", the API's reason, and the two ways forward — ask for
 * access (when the API says they may) and "why can't I see this?" (the explanation).
 */
export function RestrictedValue({ record, restricted, canRequest }: { record: RecordRef; restricted: Restricted; canRequest: boolean }) {
  const [open, setOpen] = useState<'why' | 'request' | null>(null);
  const label = fieldLabel(restricted.field);
  return (
    <div className="restricted">
      <span className="badge restricted-badge">Restricted</span>
      <span className="restricted-reason">{restricted.reason}</span>
      <span className="restricted-actions">
        {canRequest ? <Button variant="secondary" className="small" onPress={() => setOpen('request')}>Request access<span className="visually-hidden"> to {label}</span></Button> : null}
        <Button variant="quiet" className="small" onPress={() => setOpen('why')}>Why can’t I see this?<span className="visually-hidden"> ({label})</span></Button>
      </span>
      <ModalDialog title={`Why you can’t see ${label.toLowerCase()}`} isOpen={open === 'why'} onOpenChange={(o) => setOpen(o ? 'why' : null)}>
        {(close) => (
          <>
            <Explain record={record} field={restricted.field} />
            <div className="actions">
              {canRequest ? <Button onPress={() => setOpen('request')}>Request access</Button> : null}
              <Button variant="secondary" onPress={close}>Close</Button>
            </div>
          </>
        )}
      </ModalDialog>
      <ModalDialog title={`Request access to ${label.toLowerCase()}`} isOpen={open === 'request'} onOpenChange={(o) => setOpen(o ? 'request' : null)}>
        {(close) => <RequestAccessForm record={record} classifications={[restricted.classification]} onDone={close} />}
      </ModalDialog>
    </div>
  );
}

/**
 * Emergency ("break-glass") access: a clear warning, a reason of at least 20 characters, and then access at once for
 * a short time — every manager is told and reviews the use (practice 4.2, 4.3).
 */
export function BreakGlass({ record, onOpened }: { record: { type: 'person' | 'case'; id: string }; onOpened: () => void }) {
  const [isOpen, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent, close: () => void) => {
    e.preventDefault();
    setError(null);
    try {
      await call(api.POST('/api/access/break-glass', { body: { resourceType: record.type, resourceId: record.id, reason } }));
      close();
      onOpened();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <Button variant="danger" onPress={() => setOpen(true)}>Emergency access…</Button>
      <ModalDialog title="Emergency access (break-glass)" tone="warning" isOpen={isOpen} onOpenChange={setOpen}>
        {(close) => (
          <ApiForm onSubmit={(e) => submit(e, close)} error={error}>
            <div className="alert warning" role="note">
              <p className="alert-title">Only in an emergency, when someone may come to harm.</p>
              <p>
                You will see this record’s confidential details for a short time. <strong>Every manager is told at once</strong>, and a
                manager will review your reason and record the use as justified or as a breach of the confidentiality policy
                (practice 4.2, 4.3).
              </p>
            </div>
            <TextBox name="reason" label="What is the emergency?" value={reason} onChange={setReason} isRequired rows={4} description="At least 20 characters. Managers read this when they review the access." />
            <div className="actions">
              <Button type="submit" variant="danger">Open the record now</Button>
              <Button variant="secondary" onPress={close}>Cancel</Button>
            </div>
          </ApiForm>
        )}
      </ModalDialog>
    </>
  );
}
