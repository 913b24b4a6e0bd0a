import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, api, call } from '../../api/client';
import type { Concern } from '../../api/models';
import type { Referral } from '../../api/referrals';
import { PathForm } from '../../components/PathForm';
import { Stepper, stepAtFault } from '../../components/Steps';
import { Checkboxes, Choice, Radios, TextBox, TextInput } from '../../components/fields';
import { Button, ButtonLink, Link, formatDate, formatDateTime, personName } from '../../components/ui';
import { CLASSIFICATION_LABELS, fieldLabel } from '../../labels';
import { PERSON_FIELDS, useCaseItems } from '../disclosure/RequestDisclosure';
import { CLIENT_REQUEST_FIELD, NEEDS_REQUEST, carriesSessionDetails, itemsAtFault, useOrganisations, usePurposes, type ItemAtFault, type SentItems } from '../disclosure/shared';
import { personQuery } from '../PersonPage';
import { recipientWords } from '../purposes/shared';
import { REFERRAL_ITEMS, ReferralRefusal } from './ReferralRefusal';
import { RECIPIENTS, referralState, splitNames } from './referralWords';

// The referral as a short guided decision aid (HM Government's information-sharing advice; practice 4.1–4.3, 1.3,
// Caldicott 7): is there a risk of harm? is seeking consent possible and safe? what is necessary and proportionate to
// share, with whom and how securely? will the person be told? The answers are the referral's recorded reasons. What
// is shared from the records goes through the disclosure workflow under the legal duty: released at once when a
// manager makes an urgent referral (`can.releaseAtOnce`), otherwise waiting for a manager's approval.

const STEPS = ['Risk of harm', 'Consent', 'What to share', 'With whom and how', 'Telling the person', 'Check and send'] as const;
const STEP_FIELDS: ReadonlyArray<readonly string[]> = [
  ['to', 'urgent', 'riskOfHarm', 'riskOfHarmReason'],
  ['consentPossibleAndSafe', 'consentNote'],
  ['share.items', 'share.clientRequest.detail', 'informationShared'],
  ['share.recipient.organisationId', 'share.recipient.name', 'share.recipient.role', 'share.recipient.email', 'share.purposeId', 'sharedWith', 'sharedHow'],
  ['personTold', 'notToldReason', 'agreedWith', 'reference'],
];
const NAMES = STEP_FIELDS.flat();
const MISSING: Record<string, string> = {
  to: 'Choose who the referral goes to', urgent: 'Say whether it must go now', riskOfHarm: 'Answer whether there is a risk of harm',
  riskOfHarmReason: 'Say what the risk is, or why there is none', consentPossibleAndSafe: 'Answer whether seeking consent is possible and safe',
  consentNote: 'Say what they said when asked, or why they were not asked', informationShared: 'Say what is shared: only what is necessary and proportionate',
  'share.recipient.organisationId': 'Choose the agency', 'share.recipient.name': 'Enter who receives it (a name or the duty officer)', 'share.recipient.role': 'Enter their role or team',
  'share.purposeId': 'Choose the purpose', 'share.clientRequest.detail': 'Write how and when they asked for their session details to be shared', sharedWith: 'Say who receives it', sharedHow: 'Choose how it is shared', personTold: 'Answer whether the person will be told',
  notToldReason: 'Say why the person will not be told',
};
const HOW = [
  { id: 'Secure e-mail', label: 'Secure e-mail' },
  { id: 'The agency’s secure referral portal', label: 'The agency’s secure referral portal' },
  { id: 'By phone, confirmed in writing securely', label: 'By phone, confirmed in writing securely' },
  { id: 'In person', label: 'In person' },
] as const;
const YES_NO = [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }] as const;
const LATER = { id: 'later', label: 'Answer later', description: 'Urgent only: complete it within the deadline' } as const;
type Values = Record<string, string>;

/**
 * The items the person's record offers, as one list chosen from an empty selection (Caldicott 3): `kind:id`. Items
 * carrying session details — every note's account, a session document — are offered marked as needing the person's
 * request (practice 2), with the case each is filed under (where access to it is asked for).
 */
function useShareable(personId: string | null) {
  const person = useQuery({ ...personQuery(personId ?? ''), enabled: !!personId, retry: false });
  const items = useCaseItems(personId ?? '', person.isSuccess);
  const record = (person.data?.data ?? {}) as unknown as Record<string, unknown>;
  const options: Array<{ id: string; label: string; description?: string }> = [];
  const session = new Set<string>();
  const caseOf = new Map<string, string>();
  if (person.data) {
    options.push({ id: 'concern', label: 'What was raised in this concern', description: 'What was seen or heard, when, who was involved and what was done' });
    for (const f of PERSON_FIELDS) if (record[f] !== undefined && record[f] !== null && record[f] !== '') options.push({ id: `field:${f}`, label: fieldLabel(f), description: f === 'dateOfBirth' ? formatDate(String(record[f])) : String(record[f]).slice(0, 80) });
    for (const g of items.notes) {
      for (const n of g.items) {
        const marked = carriesSessionDetails(n);
        options.push({ id: `note:${n.id}`, label: `Note: ${n.title}`, description: `${n.kind === 'session' ? 'Session note' : 'Contact note'} · ${g.kase.service} · ${formatDate(n.occurredAt)}${marked ? ` · ${NEEDS_REQUEST}` : ''}` });
        if (marked) session.add(`note:${n.id}`);
      }
    }
    for (const g of items.attachments) {
      for (const a of g.items) {
        const marked = carriesSessionDetails(a);
        options.push({ id: `attachment:${a.id}`, label: `${CLASSIFICATION_LABELS[a.classification]?.label ?? a.classification} document`, description: `${g.kase.service} · ${formatDate(a.createdAt ?? a.uploadedAt)}${marked ? ` · ${NEEDS_REQUEST}` : ''}` });
        if (marked) session.add(`attachment:${a.id}`);
        caseOf.set(a.id, g.kase.id);
      }
    }
  }
  return { person, name: person.data ? personName(person.data.data) : null, options, session, caseOf };
}

/** The referral's result: released (with the pack to download), waiting for a manager, or recorded. Takes focus. */
function Sent({ referral, orgName, onDone }: { referral: Referral; orgName: string; onDone: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const d = referral.disclosure;
  return (
    <div ref={ref} tabIndex={-1} className="confirmation referral-sent" role="status">
      <p className="confirmation-title">{referralState(referral)}</p>
      {d?.status === 'released' ? (
        <>
          <p>The information is released to {orgName} under the legal duty (reference <span className="reference">{d.reference}</span>). Send the pack securely now; a second manager reviews the release.</p>
          <div className="actions">
            <a className="button primary" href={`/api/disclosures/${d.id}/pack.pdf`} download>Download the pack (PDF)</a>
            <ButtonLink href={`/disclosures/${d.id}`}>The disclosure</ButtonLink>
          </div>
        </>
      ) : d?.status === 'awaiting_approval' ? (
        <p>Nothing has gone yet: the managers have been told, and one who did not make it approves or refuses it (policy 1.3). If someone is in danger now, call 999.</p>
      ) : (
        <p>Recorded in the chronology with your answers as its reasons.</p>
      )}
      {referral.missing.length ? <p>Complete the answers you left by {formatDateTime(referral.completeBy)}.</p> : null}
      <div className="actions"><Button variant="secondary" onPress={onDone}>Done</Button></div>
    </div>
  );
}

/**
 * Make a referral through the decision aid, from the concern's page. `releaseAtOnce` is the API's `can`: a manager
 * may release an urgent referral at once; anyone else's waits for a manager.
 */
export function ReferralAid({ concern, releaseAtOnce, onSent }: { concern: Concern; releaseAtOnce: boolean; onSent: (message: string) => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [step, setStep] = useState(0);
  const [v, setV] = useState<Values>({});
  const [items, setItems] = useState<string[]>([]); // nothing chosen for the lead (Caldicott 3)
  const [error, setError] = useState<unknown>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string> | null>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<{ referral: Referral; orgName: string } | null>(null);
  const [sentItems, setSentItems] = useState<SentItems>({ personFields: [], notes: [], attachments: [] }); // as the last send named them
  const heading = useRef<HTMLHeadingElement>(null);
  const start = useRef<HTMLHeadingElement>(null);
  const [closed, setClosed] = useState(0); // closing the aid or its result returns focus to where it started
  useEffect(() => {
    if (closed) start.current?.focus();
  }, [closed]);
  const close = () => { setOpen(false); setClosed((n) => n + 1); };
  useEffect(() => {
    if (open) heading.current?.focus();
  }, [step, open]);
  const shareable = useShareable(open ? concern.personId : null);
  const orgs = useOrganisations();
  const purposes = usePurposes();

  if (sent) return <Sent referral={sent.referral} orgName={sent.orgName} onDone={() => { setSent(null); close(); }} />;
  if (!open) {
    return (
      <div className="panel referral-start">
        <h2 ref={start} tabIndex={-1}>Referral</h2>
        <p className="hint">To the local authority’s safeguarding team or the police, in six short steps. Your answers are the recorded reasons. Consent is sought where it is possible and safe, but never stops a referral that is needed.</p>
        <Button onPress={() => { setOpen(true); setStep(0); }}>Make a referral…</Button>
      </div>
    );
  }

  const urgent = v.urgent === 'yes';
  const sharing = items.length > 0;
  const answered = (k: string) => setClientErrors((old) => (old && k in old ? Object.fromEntries(Object.entries(old).filter(([n]) => n !== k)) : old));
  const set = (k: string) => (x: string) => {
    setV((old) => ({ ...old, [k]: x }));
    answered(k);
  };
  const text = (k: string) => v[k]?.trim() ?? '';
  const orgName = orgs.name(v['share.recipient.organisationId'] ?? '');
  // Only an organisation of the kind referred to: the API refuses a referral to the police released to anyone else.
  const agencies = orgs.list.filter((o) => o.kind === v.to);
  const itemLabels = shareable.options.filter((o) => items.includes(o.id)).map((o) => o.label);
  const sessionChosen = items.some((i) => shareable.session.has(i));
  // A refusal (403) is shown at the last step, naming the items at fault; going back to change them marks each.
  const refusal = error instanceof ApiError && error.status === 403 ? error : null;
  const keyOf = (i: ItemAtFault) => (i.kind === 'personFields' ? `field:${i.id}` : i.kind === 'notes' ? `note:${i.id}` : i.kind === 'attachments' ? `attachment:${i.id}` : 'concern');
  const faults = new Map(itemsAtFault(refusal, REFERRAL_ITEMS, sentItems).items.map((i) => [keyOf(i), i.message]));
  const itemOptions = shareable.options.map((o) => (faults.has(o.id) ? { ...o, description: `${o.description ?? ''} — refused: ${faults.get(o.id)}` } : o));
  const faultLabel = (i: ItemAtFault) => shareable.options.find((o) => o.id === keyOf(i))?.label ?? 'An item';
  const accessHref = (i: ItemAtFault) => (i.kind === 'notes' ? `/notes/${i.id}` : i.kind === 'personFields' && concern.personId ? `/people/${concern.personId}`
    : i.kind === 'attachments' && shareable.caseOf.has(i.id) ? `/cases/${shareable.caseOf.get(i.id)}` : null);
  const sharedWith = sharing ? `${text('share.recipient.name')}, ${text('share.recipient.role')}, ${orgName}` : text('sharedWith');
  const informationShared = text('informationShared') || itemLabels.join('; ');

  const check = (s: number): Record<string, string> => {
    const out: Record<string, string> = {};
    const need = (k: string) => { if (!text(k)) out[k] = MISSING[k]; };
    if (s === 0) ['to', 'urgent', 'riskOfHarm', 'riskOfHarmReason'].forEach(need);
    if (s === 1) {
      need('consentPossibleAndSafe');
      if (v.consentPossibleAndSafe && v.consentPossibleAndSafe !== 'later') need('consentNote');
    }
    if (s === 2 && !sharing) need('informationShared');
    if (s === 2 && sharing && v.riskOfHarm === 'no') out['share.items'] = 'Sharing without consent under the legal duty needs a risk of harm: go back to step 1, or share nothing from the records';
    if (s === 3) {
      if (sharing) ['share.recipient.organisationId', 'share.recipient.name', 'share.recipient.role', 'share.purposeId'].forEach(need);
      else need('sharedWith');
      need('sharedHow');
    }
    if (s === 4) {
      need('personTold');
      if (v.personTold === 'no') need('notToldReason');
    }
    return out;
  };

  const answer = (k: string) => (v[k] === 'later' ? null : v[k] === 'yes');
  const send = async () => {
    setBusy(true);
    setError(null);
    const pick = (kind: string) => items.filter((i) => i.startsWith(`${kind}:`)).map((i) => i.slice(kind.length + 1));
    const chosen = { personFields: pick('field'), notes: pick('note'), attachments: pick('attachment') };
    setSentItems(chosen);
    const agreed = splitNames(v.agreedWith ?? '');
    const body = {
      to: v.to as 'police' | 'local_authority', urgent, riskOfHarm: v.riskOfHarm === 'yes', riskOfHarmReason: text('riskOfHarmReason'),
      consentPossibleAndSafe: answer('consentPossibleAndSafe'), consentNote: v.consentPossibleAndSafe === 'later' ? null : text('consentNote'),
      informationShared, sharedWith, sharedHow: text('sharedHow'), personTold: answer('personTold'),
      ...(v.personTold === 'no' ? { notToldReason: text('notToldReason') } : {}),
      ...(agreed.length ? { agreedWith: agreed } : {}),
      ...(text('reference') ? { reference: text('reference') } : {}),
      ...(sharing ? {
        share: {
          recipient: { organisationId: v['share.recipient.organisationId'], name: text('share.recipient.name'), role: text('share.recipient.role'), ...(text('share.recipient.email') ? { email: text('share.recipient.email') } : {}) },
          purposeId: v['share.purposeId'],
          items: { ...chosen, concern: items.includes('concern') },
          ...(sessionChosen && text('share.clientRequest.detail') ? { clientRequest: { detail: text('share.clientRequest.detail') } } : {}),
        },
      } : {}),
    };
    try {
      const referral = await call<Referral>(api.POST('/api/concerns/{id}/referrals', { params: { path: { id: concern.id } }, body }));
      setSent({ referral, orgName });
      setStep(0);
      setV({});
      setItems([]);
      await onSent(`Referral to ${RECIPIENTS[referral.to]} recorded in the chronology.`);
    } catch (err) {
      // A refusal stays at this step, naming what is at fault; a field the API found wrong takes the worker to it.
      const atFault = err instanceof ApiError && err.status === 403 ? null : stepAtFault(err, NAMES, STEP_FIELDS);
      if (atFault !== null) setStep(atFault);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems = check(step);
    if (Object.keys(problems).length) return setClientErrors(problems);
    setClientErrors(null);
    if (step < STEPS.length - 1) {
      setError(null);
      return setStep(step + 1);
    }
    await send();
  };
  const later = urgent ? [LATER] : [];
  const goesAtOnce = sharing && urgent && releaseAtOnce;
  const sendLabel = goesAtOnce ? `Release to ${RECIPIENTS[v.to] ?? 'them'} now` : sharing ? 'Send for a manager’s approval' : 'Record the referral';

  return (
    <div className="panel referral-aid">
      <h2>Make a referral</h2>
      <Stepper steps={STEPS} step={step} label="Steps of the referral" />
      <h3 ref={heading} tabIndex={-1} className="step-title">Step {step + 1} of {STEPS.length}: {STEPS[step]}</h3>
      {refusal && step === STEPS.length - 1 ? (
        <ReferralRefusal error={refusal} sent={sentItems} label={faultLabel} accessHref={accessHref} onChange={() => setStep(stepAtFault(refusal, NAMES, STEP_FIELDS) ?? 2)} />
      ) : null}
      <PathForm error={refusal && step === STEPS.length - 1 ? null : error} clientErrors={clientErrors} names={NAMES} missing={MISSING} onSubmit={submit} className="form-wide referral-form">
        {step === 0 ? (
          <>
            <Radios name="to" label="Who does the referral go to?" isRequired value={v.to ?? null} onChange={(x) => { set('to')(x); setV(({ 'share.recipient.organisationId': _agency, ...old }) => old); }}
              options={[{ id: 'local_authority', label: 'The local authority’s safeguarding team' }, { id: 'police', label: 'The police' }]} />
            <Radios name="urgent" label="Must it go now?" isRequired value={v.urgent ?? null} onChange={set('urgent')} options={[
              { id: 'yes', label: 'Yes, urgent', description: releaseAtOnce ? 'As a manager you release it at once; a second manager reviews it. Answers you cannot give yet are completed later.' : 'A manager is told at once and approves it. Answers you cannot give yet are completed later.' },
              { id: 'no', label: 'No', description: 'Every answer now; a manager approves what is shared' },
            ]} />
            <Radios name="riskOfHarm" label="Is there a risk of harm to the person or to others?" isRequired value={v.riskOfHarm ?? null} onChange={set('riskOfHarm')} options={YES_NO} />
            <TextBox name="riskOfHarmReason" label={v.riskOfHarm === 'no' ? 'Why there is no risk of harm' : 'What is the risk?'} isRequired rows={2} value={v.riskOfHarmReason ?? ''} onChange={set('riskOfHarmReason')} />
          </>
        ) : null}
        {step === 1 ? (
          <>
            <Radios name="consentPossibleAndSafe" label="Is seeking the person’s consent possible and safe?" isRequired value={v.consentPossibleAndSafe ?? null} onChange={set('consentPossibleAndSafe')}
              options={[...YES_NO, ...later]} description="Asking could put a child at greater risk, or warn someone who harms them. Consent never stops a referral that is needed." />
            {v.consentPossibleAndSafe && v.consentPossibleAndSafe !== 'later' ? (
              <TextBox name="consentNote" label={v.consentPossibleAndSafe === 'yes' ? 'What they said when asked' : 'Why they were not asked'} isRequired rows={2} value={v.consentNote ?? ''} onChange={set('consentNote')} />
            ) : null}
          </>
        ) : null}
        {step === 2 ? (
          <>
            {shareable.options.length ? (
              <Checkboxes name="share.items" label={`What to share from the records${shareable.name ? ` about ${shareable.name}` : ''}`} value={items}
                onChange={(x) => { setItems(x); answered('share.items'); }} options={itemOptions}
                description="Choose each item they need to act — and nothing more. Nothing is chosen for you. Items marked “session details” go only if the person asked for them to be shared: record their request below (practice 2)." />
            ) : concern.personId && shareable.person.isError ? (
              <div className="alert info" role="status"><p className="alert-title">You cannot see this person’s record, so nothing can be shared from it here.</p><p>Describe what you share below, use emergency (break-glass) access, or ask a manager to make the referral.</p></div>
            ) : !concern.personId ? (
              <p className="hint">This concern names no person record: describe what you share below.</p>
            ) : <p className="hint">Loading what the record holds…</p>}
            {sessionChosen ? (
              <TextBox name="share.clientRequest.detail" label={CLIENT_REQUEST_FIELD.label} isRequired rows={3} value={v['share.clientRequest.detail'] ?? ''} onChange={set('share.clientRequest.detail')}
                description={CLIENT_REQUEST_FIELD.description} />
            ) : null}
            <TextBox name="informationShared" label={sharing ? 'Anything else you share' : 'What you share'} isRequired={!sharing} rows={2} value={v.informationShared ?? ''} onChange={set('informationShared')}
              description={sharing ? 'Said by phone or written in their form. Left empty, the items chosen above are recorded.' : 'Only what is necessary and proportionate.'} />
          </>
        ) : null}
        {step === 3 ? (
          <>
            {sharing ? (
              <>
                {agencies.length ? (
                  <Choice name="share.recipient.organisationId" label="The agency" isRequired value={v['share.recipient.organisationId'] ?? null} onChange={set('share.recipient.organisationId')}
                    options={agencies.map((o) => ({ id: o.id, label: o.name }))} description={`${RECIPIENTS[v.to] ? `${RECIPIENTS[v.to][0].toUpperCase()}${RECIPIENTS[v.to].slice(1)}` : 'The agency'}, from the organisations register.`} />
                ) : (
                  <div className="alert warning" role="status">
                    <p className="alert-title">The organisations register has no {v.to === 'police' ? 'police' : 'local authority'} organisation.</p>
                    <p>Add it under <Link href="/organisations">Organisations</Link> as “{v.to === 'police' ? 'Police' : 'Local authority (safeguarding team)'}”, or go back a step and share nothing from the records: the referral is recorded all the same, with who you told and how.</p>
                  </div>
                )}
                <div className="field-pair">
                  <TextInput name="share.recipient.name" label="Who receives it: a name, or the duty officer" isRequired autoComplete="off" value={v['share.recipient.name'] ?? ''} onChange={set('share.recipient.name')} />
                  <TextInput name="share.recipient.role" label="Their role or team" isRequired autoComplete="off" value={v['share.recipient.role'] ?? ''} onChange={set('share.recipient.role')} />
                </div>
                <TextInput name="share.recipient.email" label="Their secure e-mail" type="email" inputMode="email" autoComplete="off" value={v['share.recipient.email'] ?? ''} onChange={set('share.recipient.email')} />
                {purposes.active.length ? (
                  <Radios name="share.purposeId" label="Purpose" isRequired value={v['share.purposeId'] ?? null} onChange={set('share.purposeId')} description="Each says who its information may go to (policy 3.1)."
                    options={purposes.active.map((p) => ({ id: p.id, label: p.name, description: `May go to: ${recipientWords(p.recipientCategories)}. ${p.description}` }))} />
                ) : <div className="alert warning" role="status"><p className="alert-title">No purpose is active.</p><p>Information is shared only for a purpose in the register (policy 3.1): record the referral without sharing from the records, or ask a guardian.</p></div>}
              </>
            ) : (
              <TextInput name="sharedWith" label="Who receives it (team or officer)" isRequired value={v.sharedWith ?? ''} onChange={set('sharedWith')} />
            )}
            <Radios name="sharedHow" label="How securely is it shared?" isRequired value={v.sharedHow ?? null} onChange={set('sharedHow')} options={HOW} />
          </>
        ) : null}
        {step === 4 ? (
          <>
            <Radios name="personTold" label="Will the person be told of the referral?" isRequired value={v.personTold ?? null} onChange={set('personTold')} options={[...YES_NO, ...later]}
              description="Tell them unless telling them would put them or others at risk, or the agency asks you not to." />
            {v.personTold === 'no' ? <TextBox name="notToldReason" label="Why they will not be told" isRequired rows={2} value={v.notToldReason ?? ''} onChange={set('notToldReason')} /> : null}
            <TextInput name="agreedWith" label="Who agreed the referral" value={v.agreedWith ?? ''} onChange={set('agreedWith')} description="Names or roles, separated by commas." />
            <TextInput name="reference" label="The agency’s reference" value={v.reference ?? ''} onChange={set('reference')} description="If they gave one already; you can add it later." />
          </>
        ) : null}
        {step === 5 ? (
          <>
            <dl className="facts review-facts">
              <dt>To</dt><dd>{RECIPIENTS[v.to] ?? v.to}{urgent ? ' — urgent' : ''}</dd>
              <dt>Risk of harm</dt><dd>{v.riskOfHarm === 'yes' ? 'Yes' : 'No'}: {text('riskOfHarmReason')}</dd>
              <dt>Consent</dt><dd>{v.consentPossibleAndSafe === 'later' ? 'To answer later' : `${v.consentPossibleAndSafe === 'yes' ? 'Possible and safe' : 'Not possible or not safe'}: ${text('consentNote')}`}</dd>
              <dt>Shared</dt>
              <dd>
                {sharing ? <ul className="plain-list compact">{itemLabels.map((l) => <li key={l}>{l}</li>)}</ul> : null}
                {text('informationShared') ? <p className="pre">{text('informationShared')}</p> : null}
              </dd>
              {sharing && sessionChosen ? <><dt>Their request</dt><dd className="pre">{text('share.clientRequest.detail') || 'Not recorded: the session details cannot go without it'}</dd></> : null}
              <dt>With</dt><dd>{sharedWith}</dd>
              <dt>How</dt><dd>{text('sharedHow')}</dd>
              <dt>Person told</dt><dd>{v.personTold === 'later' ? 'To answer later' : v.personTold === 'yes' ? 'Yes' : `No: ${text('notToldReason')}`}</dd>
            </dl>
            <div className={`alert ${goesAtOnce ? 'warning' : 'info'}`}>
              <p className="alert-title">{goesAtOnce ? 'Released at once' : sharing ? 'Waits for a manager' : 'Recorded only'}</p>
              <p>{goesAtOnce ? `The items go to ${orgName} under the legal duty (policy 1.3) as soon as you send: the pack is ready to download, and a second manager reviews it.`
                : sharing ? 'A manager who did not make it approves it before anything goes (policy 1.3). The managers are told now.'
                  : 'Nothing is shared from the records through Confide; the referral and your reasons are recorded.'}</p>
            </div>
          </>
        ) : null}
        <div className="actions">
          {step < STEPS.length - 1 ? <Button type="submit">Continue</Button> : refusal ? null : <Button type="submit" variant={goesAtOnce ? 'danger' : 'primary'} isDisabled={busy}>{busy ? 'Sending…' : sendLabel}</Button>}
          {step > 0 ? <Button variant="secondary" onPress={() => { setClientErrors(null); setError(null); setStep(step - 1); }}>Back</Button> : null}
          <Button variant="quiet" onPress={() => { close(); setClientErrors(null); setError(null); }}>Cancel</Button>
        </div>
      </PathForm>
    </div>
  );
}
