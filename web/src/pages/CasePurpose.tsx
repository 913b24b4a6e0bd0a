import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call, ifMatch } from '../api/client';
import type { Purpose } from '../api/models';
import { PathForm } from '../components/PathForm';
import { Radios } from '../components/fields';
import { Button, Loading, ModalDialog, ProblemMessage } from '../components/ui';
import { usePurposes } from './disclosure/shared';

// The purpose a case is held for (policy 2.1): chosen from the purposes of the register in force when a case is
// opened, shown on the case, and changed by management. The server decides every step; these only offer it.

/** The purposes in force as choices, each with what it is for. */
export const purposeOptions = (active: readonly Purpose[]) => active.map((p) => ({ id: p.id, label: p.name, description: p.description }));

/** What to say when an answer about the purpose is missing. */
export const PURPOSE_MISSING = 'Choose the purpose this case is held for';

/** The hint under the purpose choice. */
export const PURPOSE_HINT = 'What the information in this case is used for (policy 2.1). Only purposes of the register in force are listed.';

/** Shown instead of a form that needs a purpose when none of the register is in force: who can add one. */
export function NoActivePurpose() {
  return (
    <div className="alert warning" role="status">
      <p className="alert-title">No purpose is active, so no case can be opened yet.</p>
      <p>Every case is held for a purpose of the register in force (policy 2.1). A manager or the guardian proposes one, and a guardian who did not propose it approves it (policy 3.1).</p>
    </div>
  );
}

/** Why nothing new can go into a case held for `purpose` (none named, retired, past its review), or null when it is in force. */
function notInForce(purpose: Purpose | undefined, named: boolean): { title: string; then: string } | null {
  if (!named) return { title: 'This case names no purpose.', then: 'A manager names the purpose this case is held for.' };
  if (!purpose) return null; // the register is still loading
  if (purpose.status === 'active') return null;
  if (purpose.status === 'review_due') return { title: `The purpose “${purpose.name}” this case is held for is past its review date.`, then: 'The guardian re-approves it, or a manager moves the case to a purpose in force.' };
  return { title: `The purpose “${purpose.name}” this case is held for ${purpose.status === 'retired' ? 'was retired' : 'is not active'}.`, then: 'A manager moves the case to a purpose in force.' };
}

/**
 * The purpose a case is held for, and — when it names none, or its purpose is retired or past its review — a notice
 * saying that nothing new goes into it until it is moved, with the way to move it for those who may (management).
 */
export function CasePurpose({ caseId, purposeId, version, canChange }: { caseId: string; purposeId: string | null; version: number; canChange: boolean }) {
  const purposes = usePurposes();
  const [changing, setChanging] = useState(false);
  const purpose = purposeId ? purposes.all.find((p) => p.id === purposeId) : undefined;
  const problem = purposes.query.isSuccess || !purposeId ? notInForce(purpose, purposeId !== null) : null;
  return (
    <>
      <p className="case-purpose">
        Held for: <strong>{purposeId ? (purpose?.name ?? 'a purpose of the register') : 'no purpose named'}</strong>
        {canChange && !problem ? <> <Button variant="quiet" className="small" onPress={() => setChanging(true)}>Change purpose</Button></> : null}
      </p>
      {problem ? (
        <div className="alert warning" role="status">
          <p className="alert-title">{problem.title}</p>
          <p>New notes, files and meetings go into a case only under a purpose of the register in force, and its details change only then (policy 2.1). {problem.then} The case can still be read and closed.</p>
          {canChange ? <div className="actions"><Button onPress={() => setChanging(true)}>{purposeId ? 'Move to a purpose in force' : 'Name its purpose'}</Button></div> : null}
        </div>
      ) : null}
      <ModalDialog title="Change the purpose of this case" isOpen={changing} onOpenChange={setChanging}>
        {(close) => <ChangePurposeForm caseId={caseId} current={purposeId} version={version} onDone={close} />}
      </ModalDialog>
    </>
  );
}

/** Moves a case to another purpose in force (management; PATCH with If-Match): errors at the field. */
function ChangePurposeForm({ caseId, current, version, onDone }: { caseId: string; current: string | null; version: number; onDone: () => void }) {
  const queryClient = useQueryClient();
  const purposes = usePurposes();
  const [purposeId, setPurposeId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string> | null>(null);
  const [busy, setBusy] = useState(false);
  if (purposes.query.isPending) return <Loading label="Loading the purposes…" />;
  if (purposes.query.error) return <ProblemMessage error={purposes.query.error} />;
  const choices = purposes.active.filter((p) => p.id !== current);
  if (!choices.length) return <><NoActivePurpose /><div className="actions"><Button variant="secondary" onPress={onDone}>Close</Button></div></>;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!purposeId) return setClientErrors({ purposeId: PURPOSE_MISSING });
    setClientErrors(null);
    setBusy(true);
    setError(null);
    try {
      await call(api.PATCH('/api/cases/{id}', { params: { path: { id: caseId } }, body: { purposeId }, headers: ifMatch(version) }));
      await queryClient.invalidateQueries({ queryKey: ['case', caseId] });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <PathForm error={error} clientErrors={clientErrors} names={['purposeId']} missing={{ purposeId: PURPOSE_MISSING }} onSubmit={submit}>
      <p className="hint">Moving a case changes what the information already in it is used for: management decide it (policy 2.1). Everything in the case stays as it is.</p>
      <Radios name="purposeId" label="Purpose" isRequired value={purposeId} onChange={setPurposeId} description={PURPOSE_HINT} options={purposeOptions(choices)} />
      <div className="actions">
        <Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Move the case'}</Button>
        <Button variant="secondary" onPress={onDone}>Cancel</Button>
      </div>
    </PathForm>
  );
}
