import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Checkbox } from 'react-aria-components';
import { ApiError, api, call } from '../../api/client';
import type { AttachmentSummary, CaseSummary, NoteSummary, Page } from '../../api/models';
import type { DisclosureView } from '../../api/sharing';
import { PathForm } from '../../components/PathForm';
import { Stepper, stepAtFault, useStepHeading } from '../../components/Steps';
import { Checkboxes, Choice, Radios, TextBox, TextInput } from '../../components/fields';
import { Button, Link, Loading, PageTitle, ProblemMessage, formatDate, formatDateTime, personName } from '../../components/ui';
import { CLASSIFICATION_LABELS, fieldLabel } from '../../labels';
import { navigate } from '../../router';
import { personQuery } from '../PersonPage';
import { recipientWords } from '../purposes/shared';
import {
  CLIENT_REQUEST_FIELD, CONSENT_SOUGHT_CHOICES, GROUNDS, ItemsAtFault, NEEDS_REQUEST, carriesSessionDetails, categoryList, consentSoughtBody, groundLabel, itemsAtFault, unreachableFor,
  useOrganisations, usePurposes, type ConsentSoughtChoice, type ItemAtFault, type SentItems,
} from './shared';

// Asking for a disclosure of one person's information to a third party (1.2, 1.3, 4.3; Caldicott 3, minimum
// necessary): who it goes to and for which purpose, the exact items — chosen one by one from an empty selection —,
// the reason, and whether it rests on their consent (checked by the server) or an exception a manager decides.
// The basis is decided on the server; a refusal is shown in the API's words with its clause.

export const PERSON_FIELDS = ['givenName', 'familyName', 'preferredName', 'pronouns', 'dateOfBirth', 'email', 'phone', 'address', 'ethnicity', 'healthNotes', 'safeguardingNotes'] as const;
const STEPS = ['Recipient and purpose', 'What to share', 'Reason and basis', 'Check and send'] as const;
const STEP_FIELDS: ReadonlyArray<readonly string[]> = [['recipient', 'purposeId'], ['items', 'clientRequest', 'pseudonymise'], ['reason', 'exception', 'basis', 'mode', 'oral'], []];
const NAMES = [
  'recipient.organisationId', 'recipient.name', 'recipient.role', 'recipient.email', 'purposeId',
  'items.personFields', 'items.notes', 'items.attachments', 'clientRequest.detail', 'pseudonymise',
  'reason', 'basis', 'exception.ground', 'exception.reference', 'exception.consentSought', 'mode', 'oral.channel', 'oral.occurredAt',
];
const MISSING: Record<string, string> = {
  'recipient.organisationId': 'Choose the organisation it goes to', 'recipient.name': 'Enter the name of the person receiving it',
  'recipient.role': 'Enter their role', purposeId: 'Choose the purpose', reason: 'Write the clear reason for sharing',
  'exception.ground': 'Choose the ground for sharing without consent', 'exception.reference': 'Give the reference of the legal duty',
  'exception.consentSought': 'Say whether they were asked for their consent first',
  'clientRequest.detail': 'Write how and when they asked for it', 'oral.channel': 'Choose how it was said',
  'oral.occurredAt': 'Enter when it was said',
};
type Values = Record<string, string>;

/** The notes and attachments of each of the person's cases the requester may see (general details only). */
export function useCaseItems(personId: string, enabled: boolean) {
  const cases = useQuery({
    queryKey: ['person', personId, 'cases'],
    queryFn: () => call<Page<CaseSummary>>(api.GET('/api/people/{id}/cases', { params: { path: { id: personId }, query: { limit: 50 } } })),
    enabled,
  });
  const list = cases.data?.items ?? [];
  const notes = useQueries({
    queries: list.map((c) => ({
      queryKey: ['case', c.id, 'notes'],
      queryFn: () => call<Page<NoteSummary>>(api.GET('/api/cases/{caseId}/notes', { params: { path: { caseId: c.id }, query: { limit: 100 } } })),
    })),
  });
  const attachments = useQueries({
    queries: list.map((c) => ({
      queryKey: ['case', c.id, 'attachments'],
      queryFn: () => call<Page<AttachmentSummary>>(api.GET('/api/cases/{caseId}/attachments', { params: { path: { caseId: c.id } } })),
    })),
  });
  return {
    cases: list,
    notes: list.map((c, i) => ({ kase: c, items: notes[i]?.data?.items ?? [] })),
    attachments: list.map((c, i) => ({ kase: c, items: attachments[i]?.data?.items ?? [] })),
  };
}

/**
 * Why a request was refused, in the API's words with its clause — every reason the API gave, each on its own line,
 * the items at fault named — and what would change the answer: change the request (at the step at fault, its fields
 * marked), record their consent, or ask to share without consent — offered only when their consent is all that is
 * missing, since an exception would meet every other reason again. Sending the same request again would only meet the
 * same refusal, so it is not offered. Takes focus.
 */
function Refusal({ error, personId, canRecordConsent, items, itemLabel, accessHref, onException, onChange }: {
  error: ApiError; personId: string; canRecordConsent: boolean; items: SentItems; itemLabel: (i: ItemAtFault) => string; accessHref: (i: ItemAtFault) => string | null;
  onException: () => void; onChange: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [error]);
  const reasons = error.problem.errors ?? [];
  const basisOnly = reasons.every((e) => e.path === 'body.personIds.0');
  const consent = basisOnly && (error.problem.rule?.startsWith('consent/') || reasons.some((e) => e.path === 'body.personIds.0'));
  const named = itemsAtFault(error, 'body.items', items);
  const others = reasons.length > 1 ? named.others : [];
  return (
    <div ref={ref} tabIndex={-1} role="alert" className="refusal">
      <p className="refusal-title">Refused — nothing has been shared</p>
      <p className="refusal-reason">{error.message}</p>
      <ItemsAtFault items={named.items} label={itemLabel} accessHref={accessHref} />
      {others.length ? <ul className="refusal-options refusal-reasons">{others.map((e) => <li key={e.path}>{e.message}</li>)}</ul> : null}
      {error.problem.clause ? <p className="refusal-clause">Policy clause {error.problem.clause}</p> : null}
      {consent ? (
        <>
          <p>Their consent must cover this purpose, this recipient and this information. You can:</p>
          <ul className="refusal-options">
            {canRecordConsent ? <li><Link href={`/people/${personId}/consents/new`}>Record their consent</Link> if they agree, then ask again.</li> : null}
            <li>Ask to share without consent only if the law, an emergency or a crime requires it: a manager decides.</li>
          </ul>
        </>
      ) : null}
      <div className="actions">
        <Button onPress={onChange}>Change the request</Button>
        {consent ? <Button variant="secondary" onPress={onException}>Ask without consent…</Button> : null}
      </div>
    </div>
  );
}

/** The step-by-step request, started from a person's page. */
export default function RequestDisclosure({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const person = useQuery(personQuery(id));
  const orgs = useOrganisations();
  const purposes = usePurposes();
  const items = useCaseItems(id, person.isSuccess);
  const [step, setStep] = useState(0);
  const [v, setV] = useState<Values>({ basis: 'consent', mode: 'written' });
  // Nothing is pre-selected (Caldicott 3): every item is chosen by the worker.
  const [fields, setFields] = useState<string[]>([]);
  const [notes, setNotes] = useState<string[]>([]);
  const [attachments, setAttachments] = useState<string[]>([]);
  const [pseudonymise, setPseudonymise] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string> | null>(null);
  const [busy, setBusy] = useState(false);
  const stepHeading = useStepHeading(step);
  /** Forgets the form's own message about `k` once it is answered (the API's go when their field is edited). */
  const answered = (k: string) => setClientErrors((old) => (old && k in old ? Object.fromEntries(Object.entries(old).filter(([name]) => name !== k)) : old));
  const set = (k: string) => (x: string) => {
    setV((old) => ({ ...old, [k]: x }));
    answered(k);
  };
  const pick = (setter: (v: string[]) => void) => (x: string[]) => {
    setter(x);
    answered('items.personFields');
  };

  if (person.isPending || purposes.query.isPending) return <Loading />;
  if (person.error) return <><PageTitle>Share information</PageTitle><ProblemMessage error={person.error} /></>;
  const { data, can } = person.data;
  const name = personName(data);
  const record = data as unknown as Record<string, unknown>;
  const shareable = PERSON_FIELDS.filter((f) => record[f] !== undefined && record[f] !== null && record[f] !== '');
  const allNotes = items.notes.flatMap((g) => g.items.map((n) => ({ ...n, service: g.kase.service })));
  const allAttachments = items.attachments.flatMap((g) => g.items.map((a) => ({ ...a, service: g.kase.service })));
  const sessionChosen = allNotes.some((n) => notes.includes(n.id) && carriesSessionDetails(n)) || allAttachments.some((a) => attachments.includes(a.id) && carriesSessionDetails(a));
  const purpose = purposes.all.find((p) => p.id === v.purposeId);
  const org = orgs.list.find((o) => o.id === v['recipient.organisationId']);
  // Which purposes may go to the organisation chosen: the purpose's `reaches`, as the server decides (3.1).
  const unreachable = (p: { reaches?: string[] }) => unreachableFor(p, org);
  const reachable = purposes.active.filter((p) => !unreachable(p));
  // A refusal (403) is shown whole at the last step, with every reason; its fields — and the items it names — are
  // marked once the worker goes back to change the request.
  const refusal = error instanceof ApiError && error.status === 403 ? error : null;
  const sent: SentItems = { personFields: fields, notes, attachments };
  const faults = new Map(itemsAtFault(refusal, 'body.items', sent).items.map((i) => [`${i.kind}:${i.id}`, i.message]));
  const fault = (key: string) => (faults.has(key) ? ` — refused: ${faults.get(key)}` : '');
  const itemLabel = (i: ItemAtFault) => (i.kind === 'personFields' ? fieldLabel(i.id)
    : i.kind === 'notes' ? `Note: ${allNotes.find((n) => n.id === i.id)?.title ?? 'a note'}`
      : `${CLASSIFICATION_LABELS[allAttachments.find((a) => a.id === i.id)?.classification ?? '']?.label ?? 'A'} document`);
  // Where access to an item is asked for: the note's page, the person's, the case holding the document.
  const accessHref = (i: ItemAtFault) => (i.kind === 'notes' ? `/notes/${i.id}` : i.kind === 'personFields' ? `/people/${id}`
    : i.kind === 'attachments' ? `/cases/${allAttachments.find((a) => a.id === i.id)?.caseId ?? ''}` : null);

  const check = (s: number): Record<string, string> => {
    const out: Record<string, string> = {};
    const need = (k: string) => { if (!v[k]?.trim()) out[k] = MISSING[k]; };
    if (s === 0) {
      ['recipient.organisationId', 'recipient.name', 'recipient.role', 'purposeId'].forEach(need);
      const why = purpose ? unreachable(purpose) : null;
      if (why && !out.purposeId) out.purposeId = `Not available for ${org?.name}: ${why}. Choose a purpose that may go to it.`;
    }
    if (s === 1 && fields.length + notes.length + attachments.length === 0) out['items.personFields'] = 'Choose at least one item to share: nothing is chosen yet';
    if (s === 2) {
      need('reason');
      if (v.mode === 'oral') ['oral.channel', 'oral.occurredAt'].forEach(need);
      if (v.basis === 'exception') {
        need('exception.ground');
        if (v['exception.ground'] === 'legal_duty') need('exception.reference');
        need('exception.consentSought');
        // 1.3, 4.1: one who was asked and agreed is shared with on their consent, not on an exception.
        if (v['exception.consentSought'] === 'agreed') out['exception.consentSought'] = 'They agreed: record their consent and share on it, not without it';
      }
    }
    return out;
  };

  const send = async () => {
    setBusy(true);
    setError(null);
    const text = (k: string) => v[k]?.trim() ?? '';
    const body = {
      personIds: [id],
      recipient: { organisationId: v['recipient.organisationId'], name: text('recipient.name'), role: text('recipient.role'), ...(text('recipient.email') ? { email: text('recipient.email') } : {}) },
      purposeId: v.purposeId,
      reason: text('reason'),
      items: { personFields: fields, notes, attachments },
      pseudonymise,
      ...(sessionChosen && text('clientRequest.detail') ? { clientRequest: { detail: text('clientRequest.detail') } } : {}),
      ...(v.mode === 'oral' ? { oral: { channel: v['oral.channel'], occurredAt: new Date(v['oral.occurredAt']).toISOString() } } : {}),
      ...(v.basis === 'exception' ? {
        exception: {
          ground: v['exception.ground'], ...(text('exception.reference') ? { reference: text('exception.reference') } : {}),
          ...consentSoughtBody(v['exception.consentSought'] as ConsentSoughtChoice),
        },
      } : {}),
    };
    try {
      const created = await call<DisclosureView>(api.POST('/api/disclosures', { body: body as never }));
      await queryClient.invalidateQueries({ queryKey: ['person', id, 'disclosures'] });
      await queryClient.invalidateQueries({ queryKey: ['disclosures'] });
      navigate(`/disclosures/${created.data.id}?requested=1`);
    } catch (err) {
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
    if (step < 3) {
      setError(null);
      return setStep(step + 1);
    }
    await send();
  };

  const organisationName = orgs.name(v['recipient.organisationId'] ?? '');
  const purposeOptions = purposes.active.map((p) => {
    const why = unreachable(p);
    const may = `May go to: ${recipientWords(p.recipientCategories)}.`;
    return why
      ? { id: p.id, label: `${p.name} — not available for ${org?.name}`, description: `${may} Not for ${org?.name}: ${why}. ${p.description}` }
      : { id: p.id, label: p.name, description: `${may} ${p.description}` };
  });
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/people">People</Link> <span aria-hidden="true">›</span> <Link href={`/people/${id}`}>{name}</Link></nav>
      <PageTitle title="Share information">Share information about {name}</PageTitle>
      <p className="lede">Ask to give a named person at another organisation the minimum they need, for one purpose, with a clear reason (policy 4.3). Confide checks the basis — their consent, or an exception a manager approves — and nothing goes until the recipient accepts the confidentiality terms.</p>
      {!can.requestDisclosure ? (
        <div className="alert warning" role="status"><p className="alert-title">You cannot ask to share {name}’s information.</p><p>Only staff on their case team ask for a disclosure (policy 4.3).</p></div>
      ) : (
        <>
          <Stepper steps={STEPS} step={step} />
          <div className="panel">
            <h2 ref={stepHeading} tabIndex={-1} className="step-title">Step {step + 1} of 4: {STEPS[step]}</h2>
            {refusal && step === 3 ? (
              <Refusal error={refusal} personId={id} canRecordConsent={!!can.recordConsent} items={sent} itemLabel={itemLabel} accessHref={accessHref} onChange={() => setStep(stepAtFault(refusal, NAMES, STEP_FIELDS) ?? 0)}
                onException={() => { setError(null); setV((old) => ({ ...old, basis: 'exception' })); setStep(2); }} />
            ) : null}
            <PathForm error={refusal && step === 3 ? null : error} clientErrors={clientErrors} names={NAMES} missing={MISSING} onSubmit={submit} className="form-wide disclosure-form">
              {step === 0 ? (
                <>
                  <p className="fact-line">About: <strong>{name}</strong></p>
                  <Choice name="recipient.organisationId" label="Organisation it goes to" isRequired value={v['recipient.organisationId'] ?? null} onChange={set('recipient.organisationId')}
                    options={orgs.list.map((o) => ({ id: o.id, label: o.name }))} description="Only organisations in our register. Ask a colleague to add one if it is missing." />
                  <div className="field-pair">
                    <TextInput name="recipient.name" label="Name of the person receiving it" isRequired autoComplete="off" value={v['recipient.name'] ?? ''} onChange={set('recipient.name')} />
                    <TextInput name="recipient.role" label="Their role" isRequired autoComplete="off" value={v['recipient.role'] ?? ''} onChange={set('recipient.role')} description="e.g. Youth worker, Duty social worker" />
                  </div>
                  <TextInput name="recipient.email" label="Their email" type="email" inputMode="email" autoComplete="off" value={v['recipient.email'] ?? ''} onChange={set('recipient.email')} description="Where you will send the link to accept the confidentiality terms." />
                  {purposes.active.length ? (
                    <>
                      <Radios name="purposeId" label="Purpose" isRequired value={v.purposeId ?? null} onChange={set('purposeId')} options={purposeOptions}
                        description="Each says who its information may go to (policy 3.1). Once the organisation is chosen, a purpose that may not go to it is marked." />
                      {org && !reachable.length ? (
                        <div className="alert warning" role="status"><p className="alert-title">No active purpose may go to {org.name}.</p><p>Information goes only to a recipient its purpose names (policy 3.1). Choose another organisation, or ask a guardian about a purpose for it.</p></div>
                      ) : null}
                    </>
                  ) : (
                    <div className="alert warning" role="status"><p className="alert-title">No purpose is active.</p><p>Information is only shared for a purpose in the register, approved by a guardian (policy 3.1).</p></div>
                  )}
                </>
              ) : null}
              {step === 1 ? (
                <>
                  <p className="hint">Choose each item they need — and nothing more. Nothing is chosen for you.</p>
                  {shareable.length ? (
                    <Checkboxes name="items.personFields" label={`${name}’s details`} value={fields} onChange={pick(setFields)}
                      options={shareable.map((f) => ({ id: f, label: fieldLabel(f), description: `${f === 'dateOfBirth' ? formatDate(String(record[f])) : String(record[f]).slice(0, 80)}${fault(`personFields:${f}`)}` }))} />
                  ) : <p className="muted">None of their details are visible to you.</p>}
                  {allNotes.length ? (
                    <Checkboxes name="items.notes" label="Notes" value={notes} onChange={pick(setNotes)}
                      options={allNotes.map((n) => ({ id: n.id, label: n.title, description: `${n.kind === 'session' ? 'Session note' : 'Contact note'} · ${n.service} · ${formatDate(n.occurredAt)}${carriesSessionDetails(n) ? ` · ${NEEDS_REQUEST}` : ''}${fault(`notes:${n.id}`)}` }))} />
                  ) : null}
                  {allAttachments.length ? (
                    <Checkboxes name="items.attachments" label="Documents" value={attachments} onChange={pick(setAttachments)}
                      options={allAttachments.map((a) => ({ id: a.id, label: `${CLASSIFICATION_LABELS[a.classification]?.label ?? a.classification} document`, description: `${a.service} · ${a.contentType} · ${formatDate(a.createdAt ?? a.uploadedAt)}${carriesSessionDetails(a) ? ` · ${NEEDS_REQUEST}` : ''}${fault(`attachments:${a.id}`)}` }))} />
                  ) : null}
                  {sessionChosen ? (
                    <TextBox name="clientRequest.detail" label={CLIENT_REQUEST_FIELD.label} isRequired rows={3} value={v['clientRequest.detail'] ?? ''} onChange={set('clientRequest.detail')}
                      description={CLIENT_REQUEST_FIELD.description} />
                  ) : null}
                  <Checkbox isSelected={pseudonymise} onChange={setPseudonymise} className="checkbox" name="pseudonymise">
                    <span className="checkbox-mark" aria-hidden="true" />
                    <span>Replace who they are with a code<span className="hint block">Name, date of birth, contact details and ids become a stable pseudonym — only where the purpose does not need to know who they are.</span></span>
                  </Checkbox>
                </>
              ) : null}
              {step === 2 ? (
                <>
                  <TextBox name="reason" label="The clear reason for sharing" isRequired rows={4} value={v.reason ?? ''} onChange={set('reason')} description="What the recipient will do with it, and why they need each item (policy 4.3)." />
                  <Radios name="mode" label="How it is shared" isRequired value={v.mode} onChange={set('mode')} options={[
                    { id: 'written', label: 'In writing', description: 'A pack marked CONFIDENTIAL, released once the recipient accepts the terms' },
                    { id: 'oral', label: 'It was already said', description: 'Record a conversation after the fact: by phone or in a meeting' },
                  ]} />
                  {v.mode === 'oral' ? (
                    <div className="sub-fields neutral">
                      <Radios name="oral.channel" label="How it was said" isRequired value={v['oral.channel'] ?? null} onChange={set('oral.channel')} options={[{ id: 'phone', label: 'By phone' }, { id: 'meeting', label: 'In a meeting' }]} />
                      <TextInput name="oral.occurredAt" label="When" type="datetime-local" isRequired value={v['oral.occurredAt'] ?? ''} onChange={set('oral.occurredAt')} />
                    </div>
                  ) : null}
                  <Radios name="basis" label="On what basis" isRequired value={v.basis} onChange={set('basis')} options={[
                    { id: 'consent', label: 'Their consent', description: 'Confide checks their recorded consent — or a signed sharing agreement — covers this recipient, purpose and information' },
                    { id: 'exception', label: 'Without their consent', description: 'Only when the law, an emergency or a crime requires it. A manager other than you decides (policy 1.3)' },
                  ]} />
                  {v.basis === 'exception' ? (
                    <div className="sub-fields">
                      <Radios name="exception.ground" label="Why it cannot wait for consent" isRequired value={v['exception.ground'] ?? null} onChange={set('exception.ground')} options={GROUNDS} />
                      {v['exception.ground'] === 'legal_duty' ? <TextInput name="exception.reference" label="Reference of the legal duty" isRequired value={v['exception.reference'] ?? ''} onChange={set('exception.reference')} description="The police incident, safeguarding referral or court order number." /> : null}
                      <Radios name="exception.consentSought" label={`Was ${name} asked for their consent first?`} isRequired value={v['exception.consentSought'] ?? null} onChange={set('exception.consentSought')}
                        options={CONSENT_SOUGHT_CHOICES} description="Consent is sought wherever that is possible and safe (policy 1.3, 4.1). The pack, the register and their own summary say what you answer here." />
                      {v['exception.consentSought'] === 'agreed' ? (
                        <div className="alert warning" role="status">
                          <p className="alert-title">This is not an exception</p>
                          <p>{name} agreed, so share on their consent: {can.recordConsent ? <><Link href={`/people/${id}/consents/new`}>record their consent</Link>, then ask again choosing “Their consent”.</> : 'ask someone who may record their consent, then ask again choosing “Their consent”.'}</p>
                        </div>
                      ) : null}
                    </div>
                  ) : null}
                </>
              ) : null}
              {step === 3 ? (
                <dl className="facts review-facts">
                  <dt>About</dt><dd>{name}</dd>
                  <dt>To</dt><dd>{v['recipient.name']}, {v['recipient.role']} at {organisationName}{v['recipient.email'] ? ` (${v['recipient.email']})` : ''}</dd>
                  <dt>Purpose</dt><dd>{purpose?.name}</dd>
                  <dt>Items</dt>
                  <dd>
                    <ul className="plain-list compact">
                      {fields.map((f) => <li key={f}>{fieldLabel(f)}</li>)}
                      {allNotes.filter((n) => notes.includes(n.id)).map((n) => <li key={n.id}>Note: {n.title}</li>)}
                      {allAttachments.filter((a) => attachments.includes(a.id)).map((a) => <li key={a.id}>{CLASSIFICATION_LABELS[a.classification]?.label ?? a.classification} document</li>)}
                    </ul>
                    {pseudonymise ? <p className="hint">Pseudonymised.</p> : null}
                    {purpose ? <p className="hint">The purpose covers: {categoryList(purpose.dataCategories)}.</p> : null}
                  </dd>
                  {sessionChosen ? <><dt>Their request</dt><dd className="pre">{v['clientRequest.detail']?.trim() || 'Not recorded: the session details cannot go without it'}</dd></> : null}
                  <dt>Reason</dt><dd className="pre">{v.reason}</dd>
                  {v.mode === 'oral' ? <><dt>Already said</dt><dd>{v['oral.channel'] === 'phone' ? 'By phone' : 'In a meeting'}, {formatDateTime(new Date(v['oral.occurredAt']).toISOString())}</dd></> : null}
                  <dt>Basis</dt><dd>{v.basis === 'exception' ? `Without consent: ${groundLabel(v['exception.ground'] ?? null).toLowerCase()}${v['exception.reference'] ? ` (${v['exception.reference']})` : ''} — a manager decides` : 'Their consent, checked when you send'}</dd>
                  {v.basis === 'exception' ? <><dt>Asked for consent?</dt><dd>{CONSENT_SOUGHT_CHOICES.find((c) => c.id === v['exception.consentSought'])?.label}</dd></> : null}
                </dl>
              ) : null}
              <div className="actions">
                {step < 3 ? <Button type="submit">Continue</Button> : refusal ? null : <Button type="submit" isDisabled={busy}>{busy ? 'Sending…' : 'Send the request'}</Button>}
                {step > 0 ? <Button variant="secondary" onPress={() => { setClientErrors(null); setError(null); setStep(step - 1); }}>Back</Button> : null}
                <Button variant="quiet" onPress={() => navigate(`/people/${id}`)}>Cancel</Button>
              </div>
            </PathForm>
          </div>
        </>
      )}
    </section>
  );
}
