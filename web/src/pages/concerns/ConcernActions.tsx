import { useState, type FormEvent } from 'react';
import { ApiError, api, call, type FieldError } from '../../api/client';
import { ApiForm } from '../../components/ApiForm';
import { Radios, TextBox, TextInput } from '../../components/fields';
import { Button } from '../../components/ui';

type Kind = 'fact' | 'action' | 'decision' | 'outcome';
const KINDS: ReadonlyArray<{ id: Kind; label: string; description: string }> = [
  { id: 'fact', label: 'A fact', description: 'something learned: a call, a conversation, a document' },
  { id: 'action', label: 'An action', description: 'something done or to be done, and by whom' },
  { id: 'decision', label: 'A decision', description: 'what was decided, why, and who agreed' },
  { id: 'outcome', label: 'An outcome', description: 'how things turned out' },
];

/** "Priya (DSL), Social worker on duty" or one per line → a list of names. */
const splitNames = (s: string) => s.split(/[\n,;]+/).map((x) => x.trim()).filter(Boolean);
const invalid = (errors: FieldError[]) => new ApiError({ status: 400, title: 'Some answers are missing', errors });

/** Add a fact, an action, a decision (with its reason and who agreed) or an outcome to the chronology (practice 4.2–4.3). */
export function AddEntry({ id, onAdded, managers = [] }: { id: string; onAdded: (message: string) => Promise<void>; managers?: ReadonlyArray<{ id: string; displayName: string }> }) {
  const [kind, setKind] = useState<Kind>('fact');
  const [text, setText] = useState('');
  const [reason, setReason] = useState('');
  const [agreed, setAgreed] = useState('');
  const [consulted, setConsulted] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errors: FieldError[] = [];
    if (!text.trim()) errors.push({ path: 'body.text', message: 'Write what to record.' });
    if (kind === 'decision' && !reason.trim()) errors.push({ path: 'body.reason', message: 'Say why it was decided.' });
    if (kind === 'decision' && !agreed) errors.push({ path: 'body.agreedWith', message: 'Choose the manager who agreed it.' });
    if (errors.length) return setError(invalid(errors));
    setBusy(true);
    setError(null);
    try {
      const note = splitNames(consulted).join(', ');
      const body = kind === 'decision' ? { kind, text, reason, agreedWith: agreed, ...(note ? { agreedWithNote: note } : {}) }
        : kind === 'outcome' ? { kind, text, ...(reason.trim() ? { reason } : {}) } : { kind, text };
      await call(api.POST('/api/concerns/{id}/entries', { params: { path: { id } }, body }));
      setText('');
      setReason('');
      setAgreed('');
      setConsulted('');
      await onAdded(`${KINDS.find((k) => k.id === kind)?.label ?? 'Entry'} added to the chronology.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="panel">
      <h2>Add to the chronology</h2>
      <ApiForm onSubmit={submit} error={error}>
        <Radios name="kind" label="What are you recording?" value={kind} onChange={setKind} options={KINDS} />
        <TextBox name="text" label={kind === 'decision' ? 'What was decided' : kind === 'outcome' ? 'The outcome' : kind === 'action' ? 'The action' : 'The fact'} value={text} onChange={setText} rows={3} isRequired />
        {kind === 'decision' || kind === 'outcome' ? <TextBox name="reason" label="Why" value={reason} onChange={setReason} rows={2} isRequired={kind === 'decision'} /> : null}
        {kind === 'decision' ? (
          <>
            {/* Practice 4.2: the course of action is agreed with management — a manager chosen from the accounts, checked by the server. */}
            <Radios name="agreedWith" label="The manager who agreed it" value={agreed} onChange={setAgreed} options={managers.map((m) => ({ id: m.id, label: m.displayName }))} />
            <TextInput name="agreedWithNote" label="Anyone else consulted (optional)" value={consulted} onChange={setConsulted} description="Colleagues or other agencies, in your own words." />
          </>
        ) : null}
        <div className="actions"><Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Add to the chronology'}</Button></div>
      </ApiForm>
    </div>
  );
}

/** Close a concern with its outcome and the reason; the raiser sees it closed. */
export function CloseConcern({ id, onClosed }: { id: string; onClosed: (message: string) => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  if (!open) return <div className="actions"><Button variant="quiet" onPress={() => setOpen(true)}>Close this concern…</Button></div>;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errors: FieldError[] = [];
    if (!outcome.trim()) errors.push({ path: 'body.outcome', message: 'Say how it ended.' });
    if (!reason.trim()) errors.push({ path: 'body.reason', message: 'Say why it can be closed.' });
    if (errors.length) return setError(invalid(errors));
    try {
      await call(api.POST('/api/concerns/{id}/close', { params: { path: { id } }, body: { outcome, reason } }));
      await onClosed('The concern is closed. The person who raised it has been told.');
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="panel">
      <h2>Close this concern</h2>
      <ApiForm onSubmit={submit} error={error}>
        <TextBox name="outcome" label="Outcome" value={outcome} onChange={setOutcome} rows={2} isRequired />
        <TextBox name="reason" label="Why it can be closed" value={reason} onChange={setReason} rows={2} isRequired />
        <div className="actions">
          <Button type="submit" variant="danger">Close the concern</Button>
          <Button variant="secondary" onPress={() => setOpen(false)}>Cancel</Button>
        </div>
      </ApiForm>
    </div>
  );
}
