import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { fieldLabel } from '../labels';
import { Choice, TextBox, TextInput } from './fields';
import { Button } from './ui';
import { ApiForm } from './ApiForm';

/** One editable field of a record form. */
export interface FieldSpec {
  name: string;
  kind: 'text' | 'textarea' | 'date' | 'choice';
  required?: boolean;
  description?: string;
  options?: ReadonlyArray<{ id: string; label: string }>;
  inputMode?: 'numeric' | 'text' | 'email' | 'tel';
}

type Values = Record<string, string>;
const asText = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const toValues = (fields: readonly FieldSpec[], data: Record<string, unknown>): Values => Object.fromEntries(fields.map((f) => [f.name, asText(data[f.name])]));

/** Someone else saved the record while this form was open: what they changed, and what the user typed. */
interface Conflict {
  changed: Array<{ field: string; theirs: string; yours: string }>;
}

/**
 * A record form that never loses what was typed. On save it sends only the fields that changed, with the version
 * it loaded (If-Match). When the API answers 412 (someone saved in between), it loads the record again, shows what
 * they changed next to what the user typed, takes their value for fields the user did not touch, and lets the
 * user save their own again on top of the new version.
 */
export function EditForm({ fields, initial, version, submitLabel, onSave, reload, onCancel, create }: {
  fields: readonly FieldSpec[];
  initial: Record<string, unknown>;
  version?: number;
  submitLabel: string;
  /** Saves the changed fields (all filled fields when creating); empty text is sent as null. */
  onSave: (changes: Record<string, string | null>, version: number | undefined) => Promise<void>;
  /** Loads the record as it is now (for a 412). */
  reload?: () => Promise<{ data: Record<string, unknown>; version: number }>;
  onCancel?: () => void;
  create?: boolean;
}) {
  const [base, setBase] = useState<Values>(() => toValues(fields, initial));
  const [values, setValues] = useState<Values>(() => toValues(fields, initial));
  const [currentVersion, setVersion] = useState(version);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (name: string) => (v: string) => setValues((old) => ({ ...old, [name]: v }));
  const changes = () => {
    const out: Record<string, string | null> = {};
    for (const f of fields) {
      const v = values[f.name].trim();
      if (create ? v !== '' : v !== base[f.name].trim()) out[f.name] = v === '' ? null : v;
    }
    return out;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSave(changes(), currentVersion);
      setConflict(null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412 && reload) {
        const latest = await reload();
        const theirs = toValues(fields, latest.data);
        const changed = fields.filter((f) => theirs[f.name] !== base[f.name]).map((f) => ({ field: f.name, theirs: theirs[f.name], yours: values[f.name] }));
        // Fields the user did not touch take the saved value; what they typed stays.
        setValues((old) => Object.fromEntries(fields.map((f) => [f.name, old[f.name] === base[f.name] ? theirs[f.name] : old[f.name]])));
        setBase(theirs);
        setVersion(latest.version);
        setConflict({ changed });
        setTimeout(() => document.getElementById('edit-conflict')?.focus());
      } else {
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <ApiForm onSubmit={submit} error={error} fields={fields.map((f) => f.name)}>
      {conflict ? (
        <div id="edit-conflict" tabIndex={-1} role="alert" className="alert warning">
          <p className="alert-title">Someone else saved this record while you were editing.</p>
          {conflict.changed.length ? (
            <>
              <p>They changed:</p>
              <table className="conflict-table">
                <thead><tr><th scope="col">Field</th><th scope="col">Saved by them</th><th scope="col">Yours (kept below)</th></tr></thead>
                <tbody>
                  {conflict.changed.map((c) => (
                    <tr key={c.field}><th scope="row">{fieldLabel(c.field)}</th><td>{c.theirs || <em>empty</em>}</td><td>{c.yours || <em>empty</em>}</td></tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : <p>None of the fields on this form changed.</p>}
          <p>Nothing you typed is lost. Check the form below and save again to keep your version.</p>
        </div>
      ) : null}
      {fields.map((f) => {
        const common = { name: f.name, label: fieldLabel(f.name), isRequired: f.required, description: f.description, value: values[f.name], onChange: set(f.name) };
        if (f.kind === 'textarea') return <TextBox key={f.name} {...common} />;
        if (f.kind === 'choice') return <Choice key={f.name} {...common} value={values[f.name] || null} options={f.options ?? []} />;
        return <TextInput key={f.name} {...common} type={f.kind === 'date' ? 'date' : 'text'} inputMode={f.inputMode} />;
      })}
      <div className="actions">
        <Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : conflict ? 'Save my version' : submitLabel}</Button>
        {onCancel ? <Button variant="secondary" onPress={onCancel}>Cancel</Button> : null}
      </div>
    </ApiForm>
  );
}
