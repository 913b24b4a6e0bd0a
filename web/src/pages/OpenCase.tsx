import { useState, type FormEvent } from 'react';
import { api, call } from '../api/client';
import type { Case, RecordView } from '../api/models';
import { PathForm } from '../components/PathForm';
import { Radios, TextBox, TextInput } from '../components/fields';
import { Button, Loading, ModalDialog, ProblemMessage } from '../components/ui';
import { fieldLabel } from '../labels';
import { navigate } from '../router';
import { NoActivePurpose, PURPOSE_HINT, PURPOSE_MISSING, purposeOptions } from './CasePurpose';
import { usePurposes } from './disclosure/shared';

const NAMES = ['service', 'purposeId', 'summary', 'supportNeeds'];
const MISSING = { service: 'Enter the service or programme', purposeId: PURPOSE_MISSING };

/** Open a new case for a person, held for a purpose of the register in force (2.1), with the user as its lead worker. */
export function OpenCase({ personId }: { personId: string }) {
  const [isOpen, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" onPress={() => setOpen(true)}>Open a case</Button>
      <ModalDialog title="Open a case" isOpen={isOpen} onOpenChange={setOpen}>
        {(close) => <OpenCaseForm personId={personId} onCancel={close} />}
      </ModalDialog>
    </>
  );
}

/** The case's service, its purpose (required, one of those in force) and what it is about; the API's errors at their fields. */
function OpenCaseForm({ personId, onCancel }: { personId: string; onCancel: () => void }) {
  const purposes = usePurposes();
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (purposes.query.isPending) return <Loading label="Loading the purposes…" />;
  if (purposes.query.error) return <ProblemMessage error={purposes.query.error} />;
  if (!purposes.active.length) {
    return <><NoActivePurpose /><div className="actions"><Button variant="secondary" onPress={onCancel}>Close</Button></div></>;
  }
  const set = (name: string) => (v: string) => setValues((old) => ({ ...old, [name]: v }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v !== ''));
    try {
      const created = await call<RecordView<Case>>(api.POST('/api/cases', { body: { personId, ...body } as never }));
      onCancel();
      navigate(`/cases/${created.data.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <PathForm error={error} names={NAMES} missing={MISSING} onSubmit={submit}>
      <TextInput name="service" label={fieldLabel('service')} isRequired description="The service or programme, e.g. “Drum mentoring”." value={values.service ?? ''} onChange={set('service')} />
      <Radios name="purposeId" label={fieldLabel('purposeId')} isRequired description={PURPOSE_HINT} value={values.purposeId ?? null} onChange={set('purposeId')} options={purposeOptions(purposes.active)} />
      <TextBox name="summary" label={fieldLabel('summary')} rows={3} value={values.summary ?? ''} onChange={set('summary')} />
      <TextBox name="supportNeeds" label={fieldLabel('supportNeeds')} rows={3} value={values.supportNeeds ?? ''} onChange={set('supportNeeds')} />
      <div className="actions">
        <Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Open case'}</Button>
        <Button variant="secondary" onPress={onCancel}>Cancel</Button>
      </div>
    </PathForm>
  );
}
