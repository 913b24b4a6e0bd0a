import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Checkbox } from 'react-aria-components';
import { api, call } from '../../api/client';
import { PathForm } from '../../components/PathForm';
import { Stepper, stepAtFault, useStepHeading } from '../../components/Steps';
import { Choice, Radios, TextBox, TextInput } from '../../components/fields';
import { Button, Link, Loading, PageTitle } from '../../components/ui';
import { fieldLabel, languageName, PERSON_KINDS } from '../../labels';
import { navigate } from '../../router';
import { ContactFields, NoNotice, NoticeText, noticeFor, today, useCurrentNotices, type ContactValues } from './notice';
import { NoActivePurpose, PURPOSE_HINT, PURPOSE_MISSING, purposeOptions } from '../CasePurpose';
import { usePurposes } from '../disclosure/shared';

// Registering a person at first contact (4.1): their details, the notice read out or handed over, their first case
// and the purpose it is held for (2.1) — sent as ONE request (POST /api/people with firstContact and openCase) so
// nothing is half-written.

const DETAILS = [
  { name: 'givenName', kind: 'text', required: true },
  { name: 'familyName', kind: 'text', required: true },
  { name: 'preferredName', kind: 'text' },
  { name: 'pronouns', kind: 'text' },
  { name: 'dateOfBirth', kind: 'date' },
  { name: 'email', kind: 'email' },
  { name: 'phone', kind: 'tel' },
  { name: 'address', kind: 'textarea' },
] as const;
const STEPS = ['Their details', 'Tell them how we keep information confidential', 'Open their case'] as const;
const STEP_FIELDS: ReadonlyArray<readonly string[]> = [['kind', ...DETAILS.map((f) => f.name), 'language'], ['firstContact'], ['openCase']];
const NAMES = ['kind', ...DETAILS.map((f) => f.name), 'firstContact.method', 'firstContact.contactedOn', 'firstContact.questions', 'firstContact.noticeVersion', 'firstContact.language', 'firstContact', 'openCase.service', 'openCase.purposeId'];
const MISSING = { 'openCase.service': 'Enter the service or programme', 'openCase.purposeId': PURPOSE_MISSING };

/** The "Add a person" journey: three steps, one request, then the person's page. */
export default function RegisterPerson() {
  const queryClient = useQueryClient();
  const notices = useCurrentNotices();
  const purposes = usePurposes();
  const [step, setStep] = useState(0);
  const [details, setDetails] = useState<Record<string, string>>({ kind: 'service_user' });
  const [language, setLanguage] = useState('en');
  const [contact, setContact] = useState<ContactValues>({ method: '', contactedOn: today(), questions: '' });
  const [notToldYet, setNotToldYet] = useState(false);
  const [service, setService] = useState('');
  const [purposeId, setPurposeId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string> | null>(null);
  const [busy, setBusy] = useState(false);
  const stepHeading = useStepHeading(step);

  const current = notices.data ?? [];
  const languages = [...new Set(current.map((n) => n.language))];
  const notice = noticeFor(current, language);
  const noNotice = notices.isSuccess && !notice;
  const telling = !notToldYet && !noNotice;

  const check = (s: number): Record<string, string> => {
    const out: Record<string, string> = {};
    if (s === 0) {
      if (!details.givenName?.trim()) out.givenName = 'Enter their given name';
      if (!details.familyName?.trim()) out.familyName = 'Enter their family name';
    }
    if (s === 1 && telling) {
      if (!contact.method) out['firstContact.method'] = 'Choose how you gave them the notice';
      if (!contact.contactedOn) out['firstContact.contactedOn'] = 'Enter the date they were told';
    }
    // A case is opened with both its service and its purpose, or not at all.
    if (s === 2 && service.trim() && !purposeId) out['openCase.purposeId'] = PURPOSE_MISSING;
    if (s === 2 && !service.trim() && purposeId) out['openCase.service'] = 'Enter the service or programme';
    return out;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems = check(step);
    if (Object.keys(problems).length) return setClientErrors(problems);
    setClientErrors(null);
    if (step < 2) return setStep(step + 1);
    setBusy(true);
    setError(null);
    const fields = Object.fromEntries(Object.entries(details).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v !== ''));
    const body = {
      ...fields,
      ...(service.trim() || purposeId ? { openCase: { service: service.trim(), purposeId } } : {}),
      ...(telling && notice ? {
        firstContact: {
          noticeVersion: notice.version, language: notice.language, contactedOn: contact.contactedOn,
          method: contact.method, ...(contact.questions.trim() ? { questions: contact.questions.trim() } : {}),
        },
      } : {}),
    };
    try {
      const created = await call<{ id: string }>(api.POST('/api/people', { body: body as never }));
      await queryClient.invalidateQueries({ queryKey: ['people'] });
      navigate(`/people/${created.id}?registered=1`);
    } catch (err) {
      const atFault = stepAtFault(err, NAMES, STEP_FIELDS);
      if (atFault !== null) setStep(atFault);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/people">People</Link></nav>
      <PageTitle>Add a person</PageTitle>
      <p className="lede">Register someone at their first contact: their details, telling them how we keep their information confidential (policy 4.1), and opening their case — saved together when you finish.</p>
      <Stepper steps={STEPS} step={step} />
      <div className={`panel ${step === 1 ? 'wide-panel' : ''}`}>
        <h2 ref={stepHeading} tabIndex={-1} className="step-title">Step {step + 1} of 3: {STEPS[step]}</h2>
        <PathForm error={error} clientErrors={clientErrors} names={NAMES} missing={MISSING} onSubmit={submit} className={step === 1 ? 'form-wide' : ''}>
          {step === 0 ? (
            <>
              <Choice name="kind" label="Who they are" isRequired value={(details.kind ?? null) as never} onChange={(v) => setDetails({ ...details, kind: v })} options={PERSON_KINDS} />
              {DETAILS.map((f) => {
                const common = { name: f.name, label: fieldLabel(f.name), isRequired: 'required' in f, value: details[f.name] ?? '', onChange: (v: string) => setDetails({ ...details, [f.name]: v }) };
                if (f.kind === 'textarea') return <TextBox key={f.name} {...common} rows={3} />;
                return <TextInput key={f.name} {...common} type={f.kind === 'date' ? 'date' : f.kind === 'email' ? 'email' : 'text'} inputMode={f.kind === 'tel' ? 'tel' : f.kind === 'email' ? 'email' : undefined} autoComplete="off" />;
              })}
              {languages.length > 1 ? (
                <Choice name="language" label="Language they prefer for our notice" value={language} onChange={setLanguage} options={languages.map((l) => ({ id: l, label: languageName(l) }))} description="The notice is shown in this language at the next step." />
              ) : null}
            </>
          ) : null}
          {step === 1 ? (
            notices.isPending ? <Loading label="Loading the notice…" /> : noNotice ? (
              <NoNotice back="/people/new">
                <p>You can still register this person now: they will be on the list of people we have not yet told. (What you have typed here is not kept if you leave this page.)</p>
              </NoNotice>
            ) : (
              <div className="first-contact">
                {notice ? <NoticeText notice={notice} wanted={language} /> : null}
                <div className="first-contact-fields">
                  <p className="hint">Read the notice out or hand over a copy, answer their questions, then record how you gave it.</p>
                  {telling ? <ContactFields values={contact} onChange={setContact} prefix="firstContact." /> : null}
                  <Checkbox isSelected={notToldYet} onChange={setNotToldYet} className="checkbox">
                    <span className="checkbox-mark" aria-hidden="true" />
                    <span>I could not tell them yet<span className="hint block">They will be on the list of people we have not yet told.</span></span>
                  </Checkbox>
                </div>
              </div>
            )
          ) : null}
          {step === 2 ? (
            <>
              <TextInput name="openCase.service" label="Service" value={service} onChange={setService} description="The service or programme they are joining, e.g. “Drum mentoring”. Their case opens with you as lead worker, so you keep seeing their record." />
              {purposes.query.isPending ? <Loading label="Loading the purposes…" /> : purposes.active.length ? (
                <Radios name="openCase.purposeId" label="Purpose" value={purposeId} onChange={setPurposeId} description={PURPOSE_HINT} options={purposeOptions(purposes.active)} />
              ) : <NoActivePurpose />}
              <div className="summary-box">
                <p><strong>{details.givenName} {details.familyName}</strong>{details.preferredName ? ` (${details.preferredName})` : ''}</p>
                <p>{telling ? `Told on ${contact.contactedOn} (${notice ? `notice version ${notice.version}, ${languageName(notice.language)}` : ''})` : 'Not yet told about our confidentiality policy'}</p>
              </div>
            </>
          ) : null}
          <div className="actions">
            <Button type="submit" isDisabled={busy}>{step < 2 ? 'Continue' : busy ? 'Saving…' : 'Add person'}</Button>
            {step > 0 ? <Button variant="secondary" onPress={() => { setClientErrors(null); setStep(step - 1); }}>Back</Button> : null}
            <Button variant="quiet" onPress={() => navigate('/people')}>Cancel</Button>
          </div>
        </PathForm>
      </div>
    </section>
  );
}
