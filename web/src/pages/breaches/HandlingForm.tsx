import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, api, call, ifMatch } from '../../api/client';
import { PathForm } from '../../components/PathForm';
import { Checkboxes, Radios, TextBox, TextInput } from '../../components/fields';
import { Button, Notice, formatDateTime } from '../../components/ui';
import { reportedLate, requiredFields } from './required';
import { DATA_CATEGORIES, LIKELIHOODS, NOT_TOLD_GROUNDS, RISK_WORDS, SEVERITIES, type BreachHandling, type BreachStatus, type BreachView } from './types';

/** An ISO time as a datetime-local value in the browser's time zone ("2026-03-02T09:30"), or "". */
export const toLocal = (iso: string | null | undefined) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocal = (v: string) => (v ? new Date(v).toISOString() : null);
const orNull = (v: string) => (v.trim() ? v.trim() : null);

type Form = {
  status: BreachStatus; whatHappened: string; occurredAt: string; awareAt: string; dataCategories: string[]; peopleAffected: string;
  likelihood: string | null; severity: string | null; riskNotes: string; containment: string;
  icoDecision: string | null; icoReason: string; icoReportedAt: string; icoReference: string;
  peopleToldDecision: string | null; peopleNotToldGround: string | null; peopleToldReason: string; peopleToldAt: string; disciplinaryReference: string;
};
const formOf = (status: BreachStatus, h: BreachHandling): Form => ({
  status, whatHappened: h.whatHappened ?? '', occurredAt: toLocal(h.occurredAt), awareAt: toLocal(h.awareAt), dataCategories: h.dataCategories,
  peopleAffected: h.peopleAffected === null ? '' : String(h.peopleAffected), likelihood: h.risk.likelihood, severity: h.risk.severity,
  riskNotes: h.risk.notes ?? '', containment: h.containment ?? '', icoDecision: h.ico.decision, icoReason: h.ico.reason ?? '',
  icoReportedAt: toLocal(h.ico.reportedAt), icoReference: h.ico.reference ?? '', peopleToldDecision: h.peopleTold.decision,
  peopleNotToldGround: h.peopleTold.ground, peopleToldReason: h.peopleTold.reason ?? '', peopleToldAt: toLocal(h.peopleTold.toldAt),
  disciplinaryReference: h.disciplinaryReference ?? '',
});

/** The form's fields, in page order: the API's field errors are tied to them (PathForm). */
const NAMES = [
  'whatHappened', 'occurredAt', 'awareAt', 'dataCategories', 'peopleAffected', 'likelihood', 'severity', 'riskNotes', 'containment',
  'icoDecision', 'icoReason', 'icoReportedAt', 'icoReference', 'peopleToldDecision', 'peopleNotToldGround', 'peopleToldReason', 'peopleToldAt',
  'status', 'disciplinaryReference',
] as const;

/**
 * The fields shown for the answers so far: when and the ICO's reference only under "report", the ground only under
 * "not told", when they were told only under "tell". An error about a field not shown is listed in the summary.
 */
const shownNames = (f: Pick<Form, 'icoDecision' | 'peopleToldDecision'>) => NAMES.filter((n) =>
  (n !== 'icoReportedAt' && n !== 'icoReference') || f.icoDecision === 'report').filter((n) =>
  (n !== 'peopleNotToldGround' || f.peopleToldDecision === 'not_required') && (n !== 'peopleToldAt' || f.peopleToldDecision === 'tell'));

/** The risk level the API will compute from likelihood and severity (src/breaches/assessment.ts riskLevel), shown as the manager chooses. */
function riskLevel(l: string | null, s: string | null) {
  if (!l || !s) return null;
  const li = ['remote', 'possible', 'likely'].indexOf(l);
  const si = ['minimal', 'significant', 'severe'].indexOf(s);
  if (si === 0 && li < 2) return 'none';
  return li + si >= 3 ? 'high' : 'risk';
}

/** The reasons field's label for the ICO decision chosen: why not told, or why a report was late. */
function icoReasonLabel(f: Pick<Form, 'icoDecision'>) {
  if (f.icoDecision === 'not_required') return 'Why the ICO need not be told';
  if (f.icoDecision === 'report') return 'Why the report was late';
  return 'Reasons (why not told, or why a report was late)';
}

/**
 * Management record the handling of a breach (clause 5; UK GDPR Art 33–34): what happened, when they became aware
 * (the clock counts from there), the data and people affected, the risk, containment, whether the ICO and the
 * people affected are told and why not, and the disciplinary referral's reference. Sent with the version loaded
 * (If-Match); whether the answers hold together is the API's to say, field by field — each error on its field, with
 * a summary above the fields as every form has (PathForm). Each save first clears the last one's confirmation
 * (`onSaved(null)`), so a save that fails never shows under "The assessment was saved.".
 */
export function HandlingForm({ view, onSaved }: { view: BreachView; onSaved: (message: string | null) => void }) {
  const queryClient = useQueryClient();
  const h = view.handling!;
  const [f, setF] = useState<Form>(() => formOf(view.data.status, h));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Form>(k: K) => (v: Form[K]) => setF((old) => ({ ...old, [k]: v }));
  const level = riskLevel(f.likelihood, f.severity);
  // What the API will ask for in the answers' present state: never labelled "(optional)".
  const required = requiredFields(f);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    onSaved(null);
    if (f.peopleAffected && !/^\d+$/.test(f.peopleAffected.trim())) {
      setError(new ApiError({ status: 400, title: 'Check the number', errors: [{ path: 'body.peopleAffected', message: 'A whole number, roughly if need be.' }] }));
      return;
    }
    setBusy(true);
    setError(null);
    const body = {
      ...(f.status !== view.data.status && f.status !== 'reported' && f.status !== 'closed' ? { status: f.status } : {}),
      whatHappened: orNull(f.whatHappened), occurredAt: fromLocal(f.occurredAt), ...(f.awareAt ? { awareAt: fromLocal(f.awareAt)! } : {}),
      dataCategories: f.dataCategories, peopleAffected: f.peopleAffected.trim() ? Number(f.peopleAffected) : null,
      likelihood: f.likelihood, severity: f.severity, riskNotes: orNull(f.riskNotes), containment: orNull(f.containment),
      // When and the reference only under "report", where they are shown: switched away, what was typed is not sent.
      icoDecision: f.icoDecision, icoReason: orNull(f.icoReason),
      icoReportedAt: f.icoDecision === 'report' ? fromLocal(f.icoReportedAt) : null, icoReference: f.icoDecision === 'report' ? orNull(f.icoReference) : null,
      peopleToldDecision: f.peopleToldDecision, peopleNotToldGround: f.peopleToldDecision === 'not_required' ? f.peopleNotToldGround : null,
      peopleToldReason: orNull(f.peopleToldReason), peopleToldAt: f.peopleToldDecision === 'tell' ? fromLocal(f.peopleToldAt) : null, disciplinaryReference: orNull(f.disciplinaryReference),
    };
    try {
      await call(api.PATCH('/api/breaches/{id}', { params: { path: { id: view.data.id } }, body: body as never, headers: ifMatch(view.version) }));
      await queryClient.invalidateQueries({ queryKey: ['breach', view.data.id] });
      await queryClient.invalidateQueries({ queryKey: ['breaches'] });
      onSaved('The assessment was saved.');
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) await queryClient.invalidateQueries({ queryKey: ['breach', view.data.id] });
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <PathForm onSubmit={submit} error={error} names={shownNames(f)} className="form-wide breach-form">
      {error instanceof ApiError && error.status === 412 ? <Notice tone="warning">Someone else saved this breach meanwhile. The page now shows their version; your answers are still in the form — check them and save again.</Notice> : null}
      <fieldset className="form-section">
        <legend>What happened</legend>
        <TextBox name="whatHappened" label="What management established" value={f.whatHappened} onChange={set('whatHappened')} rows={4} />
        <div className="field-pair">
          <TextInput name="occurredAt" type="datetime-local" label="When it happened" value={f.occurredAt} onChange={set('occurredAt')} />
          <TextInput name="awareAt" type="datetime-local" label="When we became aware" value={f.awareAt} onChange={set('awareAt')} isRequired
            description={`The 72 hours count from here. No later than when it was reported (${formatDateTime(view.data.reportedAt)}); earlier if someone knew before.`} />
        </div>
        <Checkboxes name="dataCategories" label="Information involved" value={f.dataCategories} onChange={set('dataCategories')} options={DATA_CATEGORIES} />
        <TextInput name="peopleAffected" label="About how many people are affected" inputMode="numeric" value={f.peopleAffected} onChange={set('peopleAffected')} />
      </fieldset>
      <fieldset className="form-section">
        <legend>Risk to the people affected</legend>
        <div className="field-pair">
          <Radios name="likelihood" label="How likely is harm?" value={f.likelihood} onChange={set('likelihood')} options={LIKELIHOODS} />
          <Radios name="severity" label="How severe would it be?" value={f.severity} onChange={set('severity')} options={SEVERITIES} />
        </div>
        {level ? <p className={`risk-level risk-${level}`} role="status"><strong>Risk:</strong> {RISK_WORDS[level]}</p> : null}
        <TextBox name="riskNotes" label="Why you assessed it so" value={f.riskNotes} onChange={set('riskNotes')} rows={3} />
        <TextBox name="containment" label="Containment and recovery" value={f.containment} onChange={set('containment')} rows={3} description="What was done to stop it and get the information back." />
      </fieldset>
      <fieldset className="form-section">
        <legend>The Information Commissioner’s Office</legend>
        <Radios name="icoDecision" label="Must the ICO be told?" value={f.icoDecision} onChange={set('icoDecision')}
          options={[{ id: 'report', label: 'Yes — report it', description: 'Within 72 hours of becoming aware (Art 33).' }, { id: 'not_required', label: 'No — unlikely to result in a risk to people', description: 'Say why below.' }]} />
        <TextBox name="icoReason" label={icoReasonLabel(f)} value={f.icoReason} onChange={set('icoReason')} rows={2} isRequired={required.has('icoReason')}
          description={reportedLate(f) ? 'The ICO was told after the 72 hours: give the reasons for the delay (Art 33(1)).' : undefined} />
        {f.icoDecision === 'report' ? (
          <div className="field-pair">
            <TextInput name="icoReportedAt" type="datetime-local" label="When the ICO was told" value={f.icoReportedAt} onChange={set('icoReportedAt')} isRequired={required.has('icoReportedAt')} />
            <TextInput name="icoReference" label="The ICO’s reference" value={f.icoReference} onChange={set('icoReference')} />
          </div>
        ) : null}
      </fieldset>
      <fieldset className="form-section">
        <legend>The people affected</legend>
        <Radios name="peopleToldDecision" label="Must the people affected be told?" value={f.peopleToldDecision} onChange={set('peopleToldDecision')}
          options={[{ id: 'tell', label: 'Yes — tell them without delay', description: 'Required when the risk to them is high (Art 34).' }, { id: 'not_required', label: 'No' }]} />
        {f.peopleToldDecision === 'not_required' ? (
          <Radios name="peopleNotToldGround" label="Why they are not told" value={f.peopleNotToldGround} onChange={set('peopleNotToldGround')} options={NOT_TOLD_GROUNDS} isRequired={required.has('peopleNotToldGround')} />
        ) : null}
        <TextBox name="peopleToldReason" label={f.peopleToldDecision === 'not_required' ? 'Why they are not told: the details' : 'Notes on telling them'} value={f.peopleToldReason}
          onChange={set('peopleToldReason')} rows={2} isRequired={required.has('peopleToldReason')} />
        {f.peopleToldDecision === 'tell' ? <TextInput name="peopleToldAt" type="datetime-local" label="When they were told" value={f.peopleToldAt} onChange={set('peopleToldAt')} /> : null}
      </fieldset>
      <fieldset className="form-section">
        <legend>Where it stands</legend>
        <Radios name="status" label="Status" value={f.status === 'reported' ? null : f.status} onChange={set('status')}
          options={[{ id: 'assessing', label: 'Being assessed' }, { id: 'contained', label: 'Contained', description: 'It has stopped; what could be recovered was.' }]} />
        <TextInput name="disciplinaryReference" label="Disciplinary referral reference" value={f.disciplinaryReference} onChange={set('disciplinaryReference')}
          description="Clause 5: a breach may lead to the disciplinary procedure. The reference only — never its detail." />
      </fieldset>
      <div className="actions">
        <Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Save the assessment'}</Button>
      </div>
    </PathForm>
  );
}
