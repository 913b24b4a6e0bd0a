import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button as AriaButton, ComboBox, FieldError, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components';
import { ApiError, api, call, type FieldError as ApiFieldError } from '../../api/client';
import type { ConcernView, Page, PersonSummary } from '../../api/models';
import { ApiForm } from '../../components/ApiForm';
import { Radios, TextBox, TextInput } from '../../components/fields';
import { Button, ButtonLink, Link, Loading, Notice, PageTitle, personName } from '../../components/ui';
import { useLocation } from '../../router';
import { hasRole, useSession } from '../../session';
import { personQuery } from '../PersonPage';
import { WORKING_ROLES } from '../policy/roles';
import { CONCERN_FOR } from './shared';
import { ROLE_NOUNS, howAlerted, notSetUpWords } from '../../labels';

/** "2026-03-02T09:30" for a datetime-local input, in the browser's time zone. */
const localNow = () => {
  const d = new Date();
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** Waits until typing pauses before asking the API. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/**
 * Choose the person from the records the user may see (the API's own need-to-know search over given, family and
 * preferred names). Anyone else is described in words below.
 */
function PersonPicker({ value, onChange, initialName }: { value: string | null; onChange: (id: string | null) => void; initialName: string }) {
  const [text, setText] = useState(initialName);
  const q = useDebounced(text.trim(), 250);
  const people = useQuery({
    queryKey: ['people', 'pick', q],
    queryFn: () => call<Page<PersonSummary>>(api.GET('/api/people', { params: { query: { q, limit: 8 } } })),
    enabled: q.length > 0 && !value,
  });
  const items = q ? people.data?.items ?? [] : [];
  return (
    <ComboBox
      name="personId"
      className="field"
      items={items}
      inputValue={text}
      onInputChange={(v) => {
        setText(v);
        if (value) onChange(null);
      }}
      selectedKey={value}
      onSelectionChange={(k) => {
        const p = items.find((i) => i.id === k);
        onChange(k ? String(k) : null);
        if (p) setText(personName(p));
      }}
      menuTrigger="input"
      allowsEmptyCollection
    >
      <Label>Their record, if you can find it <span className="optional">(optional)</span></Label>
      <Text slot="description" className="hint">Type the start of their first, family or preferred name. You will only find people you work with.</Text>
      <div className="search-box">
        <Input data-name="personId" />
        {text ? <AriaButton className="search-clear" aria-label="Clear the chosen person" onPress={() => { setText(''); onChange(null); }}>×</AriaButton> : null}
      </div>
      <FieldError className="field-error" />
      <Popover className="popover">
        <ListBox className="listbox" renderEmptyState={() => <p className="listbox-empty">{people.isFetching ? 'Searching…' : 'No one you work with has that name — describe them below instead.'}</p>}>
          {(p: PersonSummary) => <ListBoxItem id={p.id} textValue={personName(p)} className="listbox-item">{personName(p)}</ListBoxItem>}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}

/** What the user must answer before the form goes: the same rules the API applies, in words for the person filling it in. */
function missing(v: { concernFor: string | null; personId: string | null; personDescription: string; whatHappened: string; occurredAt: string; immediateRisk: string | null }): ApiFieldError[] {
  const errors: ApiFieldError[] = [];
  if (!v.concernFor) errors.push({ path: 'body.concernFor', message: 'Say whether this is about a child or an adult at risk.' });
  if (!v.personId && !v.personDescription.trim()) {
    errors.push({ path: 'body.personDescription', message: 'Choose their record above or describe them: a name, an age, where you met them.' });
  }
  if (!v.whatHappened.trim()) errors.push({ path: 'body.whatHappened', message: 'Say what you saw or heard, in your own words.' });
  if (!v.occurredAt) errors.push({ path: 'body.occurredAt', message: 'Say when it happened (roughly is fine).' });
  else if (Number.isNaN(new Date(v.occurredAt).getTime())) errors.push({ path: 'body.occurredAt', message: 'Enter a date and time, for example 02/03/2026 09:30.' });
  if (!v.immediateRisk) errors.push({ path: 'body.immediateRisk', message: 'Say whether anyone is at risk right now.' });
  return errors;
}

/**
 * Raise a safeguarding concern (practice 4.1–4.2): anyone working here, volunteers and students included, in a
 * couple of minutes. It reaches every safeguarding lead and every manager at once (practice 4.1); the page then says
 * who was alerted, and how many.
 */
export default function RaiseConcern() {
  const { me } = useSession();
  // Raised from a person's page (?person=<id>): that person is chosen already, by the name the API shows.
  const fromPerson = useLocation().search.get('person');
  const chosen = useQuery({ ...personQuery(fromPerson ?? ''), enabled: !!fromPerson, retry: false });
  // An administrator account alone is a system account: the API refuses its concerns (safeguarding/raise-concern).
  // Say so before anything is written, rather than after the whole form.
  if (!hasRole(me, ...WORKING_ROLES)) {
    return (
      <section>
        <PageTitle>Raise a concern</PageTitle>
        <Notice tone="warning">This is an administrator account, which does not work with the people we support. Raise a concern from your own staff account, or tell a manager or safeguarding lead straight away (policy practice 4.1).</Notice>
      </section>
    );
  }
  if (fromPerson && chosen.isPending) return <Loading />;
  return <RaiseConcernForm personId={chosen.data ? fromPerson : null} personLabel={chosen.data ? personName(chosen.data.data) : ''} />;
}

function RaiseConcernForm({ personId: initialPerson, personLabel }: { personId: string | null; personLabel: string }) {
  const queryClient = useQueryClient();
  // Before the policy is accepted (3.5) the records are closed, the search for a person with them: a concern is
  // raised all the same, describing the person (practice 4.1: a concern never waits).
  const canSearch = useSession().me.policyAccepted;
  const [concernFor, setConcernFor] = useState<'child' | 'vulnerable_adult' | null>(null);
  const [personId, setPersonId] = useState<string | null>(initialPerson);
  const [personDescription, setPersonDescription] = useState('');
  const [whatHappened, setWhatHappened] = useState('');
  const [occurredAt, setOccurredAt] = useState(localNow);
  const [peopleInvolved, setPeopleInvolved] = useState('');
  const [immediateRisk, setImmediateRisk] = useState<'yes' | 'no' | null>(null);
  const [actionsTaken, setActionsTaken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [checked, setChecked] = useState(false); // the error shown is this page's own check, not the API's answer
  const [busy, setBusy] = useState(false);
  const [raised, setRaised] = useState<ConcernView | null>(null);
  const doneRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (raised) doneRef.current?.focus();
  }, [raised]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errors = missing({ concernFor, personId, personDescription, whatHappened, occurredAt, immediateRisk });
    if (errors.length) {
      setError(new ApiError({ status: 400, title: 'Some answers are missing', errors }));
      setChecked(true);
      return;
    }
    setBusy(true);
    setError(null);
    setChecked(false);
    try {
      const view = await call<ConcernView>(api.POST('/api/concerns', {
        body: {
          concernFor: concernFor!, immediateRisk: immediateRisk === 'yes', whatHappened, occurredAt: new Date(occurredAt).toISOString(),
          ...(personId ? { personId } : {}),
          ...(personDescription.trim() ? { personDescription } : {}),
          ...(peopleInvolved.trim() ? { peopleInvolved } : {}),
          ...(actionsTaken.trim() ? { actionsTaken } : {}),
        },
      }));
      await queryClient.invalidateQueries({ queryKey: ['concerns'] });
      setRaised(view);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  // An answer given since the check takes its error away at once (radio buttons and the chosen person included).
  const stillMissing = checked ? missing({ concernFor, personId, personDescription, whatHappened, occurredAt, immediateRisk }).map((e) => e.path.slice(5)) : [];
  const resolved = checked
    ? ['concernFor', 'personId', 'personDescription', 'whatHappened', 'occurredAt', 'immediateRisk'].filter((f) => !stillMissing.includes(f) && !(f === 'personId' && stillMissing.includes('personDescription')))
    : [];

  if (raised) {
    const alerted = raised.alerted;
    // Who was alerted, as it is: the roles through which the API found them (none when nobody could be alerted).
    const roles = alerted?.people ? alerted.roles : [];
    const leads = roles.includes('safeguarding_lead');
    const management = roles.includes('manager');
    return (
      <section className="narrow">
        <PageTitle focus={false}>Concern sent</PageTitle>
        <div ref={doneRef} tabIndex={-1} className="confirmation" role="status">
          <p className="confirmation-title">
            {!alerted?.people ? 'Thank you. Your concern is recorded.'
              : leads && management ? 'Thank you. Your concern has been sent to the safeguarding leads and management.'
                : leads ? 'Thank you. Your concern has been sent to the safeguarding leads; there is no manager able to act on it.'
                  : 'Thank you. Your concern has been sent to management; there is no safeguarding lead able to act on it.'}
          </p>
          {alerted?.people ? (
            <p>{howAlerted(alerted)} If nobody acknowledges it soon, Confide reminds them.</p>
          ) : alerted?.notSetUp ? (
            // Accounts nobody has signed in to yet cannot act on it (src/accounts/can-act.ts): nobody who can was alerted.
            <p><strong>Nobody who can act on it was alerted</strong>: {notSetUpWords(alerted.notSetUp, false)} Tell a manager in person now.</p>
          ) : (
            <p><strong>Nobody could be alerted</strong>: there is no safeguarding lead or manager with an account. Tell a manager in person now.</p>
          )}
        </div>
        {raised.data.immediateRisk ? <Notice tone="warning">You said someone is at risk right now. If they are in danger, call 999 — do not wait for a reply here.</Notice> : null}
        <div className="panel">
          <h2>What happens next</h2>
          <ul className="steps">
            <li>A {roles.length ? roles.map((r) => ROLE_NOUNS[r]?.[0] ?? r).join(' or ') : 'safeguarding lead or manager'} reads what you wrote and acknowledges it. You will see its status change.</li>
            <li>They decide what to do, and may contact you for more detail. How they handle it stays with them.</li>
            <li>Keep this to yourself and those handling it: do not discuss it with colleagues or the person concerned.</li>
          </ul>
          <div className="actions">
            {canSearch ? (
              <>
                <ButtonLink href={`/concerns/${raised.data.id}`} variant="primary">See your report</ButtonLink>
                <ButtonLink href="/concerns/mine">All concerns you raised</ButtonLink>
              </>
            ) : <ButtonLink href="/" variant="primary">Back to the policy</ButtonLink>}
          </div>
        </div>
      </section>
    );
  }

  return (
    <section className="narrow">
      <PageTitle>Raise a concern</PageTitle>
      <p className="lede">Worried that a child or an adult may be at risk of harm? Tell the safeguarding leads and management here — it takes a couple of minutes. Write what you saw or heard; you do not need proof, and you do not have to be sure.</p>
      <Notice tone="warning"><strong>Someone in danger right now?</strong> Call 999 first, then fill this in.</Notice>
      <div className="panel">
        <ApiForm onSubmit={submit} error={error} resolved={resolved}>
          <Radios name="concernFor" label="Who is this about?" value={concernFor} onChange={setConcernFor} options={CONCERN_FOR} isRequired />
          {canSearch ? <PersonPicker value={personId} onChange={setPersonId} initialName={personLabel} /> : null}
          <TextBox name="personDescription" label={canSearch ? 'Or describe them' : 'Describe them'} value={personDescription} onChange={setPersonDescription} rows={2} description={canSearch ? "If they have no record or you cannot find it: a name, an age, where you met them." : "A name, an age, where you met them."} />
          <TextBox name="whatHappened" label="What did you see or hear?" value={whatHappened} onChange={setWhatHappened} rows={6} isRequired description="In your own words. Write what was said as it was said, if you can." />
          <TextInput name="occurredAt" type="datetime-local" label="When did it happen?" value={occurredAt} onChange={setOccurredAt} isRequired description="Roughly is fine." />
          <TextBox name="peopleInvolved" label="Who else was involved or there?" value={peopleInvolved} onChange={setPeopleInvolved} rows={2} />
          <Radios name="immediateRisk" label="Is anyone at risk of harm right now?" value={immediateRisk} onChange={setImmediateRisk} isRequired
            options={[{ id: 'yes', label: 'Yes', description: 'The leads and management are alerted as urgent, and reminded sooner if nobody acknowledges it.' }, { id: 'no', label: 'No, or I am not sure' }]} />
          <TextBox name="actionsTaken" label="What has been done already?" value={actionsTaken} onChange={setActionsTaken} rows={2} description="For example: called 999, told my manager, gave a helpline number." />
          <div className="actions">
            <Button type="submit" isDisabled={busy}>{busy ? 'Sending…' : 'Send to the safeguarding leads and management'}</Button>
            {canSearch ? <Link href="/concerns/mine">Concerns you raised</Link> : <Link href="/">Back to the policy</Link>}
          </div>
        </ApiForm>
      </div>
    </section>
  );
}
