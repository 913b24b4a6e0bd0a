import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, call } from '../../api/client';
import type { Consent, Page, Purpose, Recipient, RecordView } from '../../api/models';
import { PathForm } from '../../components/PathForm';
import { Checkboxes, Radios, TextBox, TextInput } from '../../components/fields';
import { Button, Link, Loading, Notice, PageTitle, ProblemMessage, formatDate, personName } from '../../components/ui';
import { navigate } from '../../router';
import { personQuery } from '../PersonPage';
import { INTERNAL_ONLY, LAWFUL_BASIS, METHODS, NAMED_PARTNER, categoryLabel, inWords, recipientLabel, whoCanAnswer } from './labels';
import { consentsQuery, ReceiptLinks } from './ConsentHistory';

// `supersedes` is not a field: a clash over it (someone recorded an answer meanwhile) is told above the fields.
const NAMES = [
  'purposeId', 'decision', 'recipients', 'organisations', 'dataCategories', 'told.why', 'told.withWhom', 'told.consequences', 'told.serviceImpact',
  'method', 'method.typedName', 'method.attestation', 'method.witnessName',
  'givenBy', 'givenBy.competenceAssessment', 'givenBy.name', 'givenBy.relationship', 'givenBy.authority', 'expiresAt', 'told',
];
type Values = Record<string, string>;
const MISSING: Record<string, string> = {
  purposeId: 'Choose the purpose they are answering about', decision: 'Choose their answer: whether they agree or not',
  givenBy: 'Choose who gave the answer', recipients: 'Choose at least one recipient', organisations: 'Choose at least one organisation they agree it may go to',
  dataCategories: 'Choose the information it covers',
  'told.why': 'Write why we need to share their information', 'told.withWhom': 'Write who it will be shared with',
  'told.consequences': 'Write what happens if they agree, and if they do not', 'told.serviceImpact': 'Write whether not agreeing may mean not getting a service',
  'method.typedName': 'Ask them to type their full name', 'method.attestation': 'Write what was said and agreed',
  'givenBy.competenceAssessment': 'Write how you judged they are competent to decide', 'givenBy.name': 'Enter their name',
  'givenBy.relationship': 'Enter their relationship to the person', 'givenBy.authority': 'Enter their authority',
};

/** The active purposes of the register (3.1): only these can be consented to. */
export const activePurposesQuery = {
  queryKey: ['purposes', 'active'],
  queryFn: () => call<Page<Purpose>>(api.GET('/api/purposes', { params: { query: { status: 'active', limit: 100 } } })),
  staleTime: 60_000,
};

/**
 * The API's field errors placed on the form's fields (4.1): the body's `recipients` list holds the ticked categories
 * first, then each organisation; an error about an organisation goes to the organisations field and names it, and
 * "choose at least one" goes there when the purpose names no category to tick. A clash over `supersedes` (another
 * answer recorded meanwhile) is said in the form's words.
 */
function placeErrors(error: unknown, sent: readonly Recipient[], orgName: (id: string) => string, categoryField: boolean): unknown {
  if (!(error instanceof ApiError) || !error.problem.errors?.length) return error;
  const errors = error.problem.errors.map((e) => {
    const at = /^body\.recipients\.(\d+)(?:\.|$)/.exec(e.path);
    const r = at ? sent[Number(at[1])] : undefined;
    if (r?.kind === 'organisation') return { path: 'body.organisations', message: `${orgName(r.organisationId)}: ${e.message}` };
    if (e.path === 'body.recipients' && !categoryField) return { ...e, path: 'body.organisations' };
    if (e.path === 'body.supersedes') return { ...e, message: 'Someone else has just recorded an answer for this purpose. Check what it names above, change the form if you need to, and record again.' };
    return e;
  });
  return new ApiError({ ...error.problem, errors });
}

/**
 * Says, before anything is recorded, that the new answer replaces the current one for the purpose (one current
 * version per purpose), and what that one names and covers (4.1: with whom it is shared).
 */
function Replaces({ current }: { current: Consent }) {
  const when = formatDate(current.recordedAt);
  if (current.decision === 'withdrawn') {
    return <Notice tone="info">This replaces their current answer for this purpose: they withdrew their consent on {formatDate(current.withdrawnAt)}. Record that they agree only if they agree again. Earlier answers stay in their history.</Notice>;
  }
  if (current.decision === 'refused') {
    return <Notice tone="info">This replaces their current answer for this purpose: they did not agree (recorded {when}). Earlier answers stay in their history.</Notice>;
  }
  const names = inWords(current.recipients.map((r) => recipientLabel(r)));
  const covers = inWords(current.dataCategories.map(categoryLabel));
  return (
    <Notice tone="warning">
      <p className="alert-title">
        {current.status === 'expired'
          ? `This replaces their consent for this purpose, which ended on ${formatDate(current.expiresAt)}. It names ${names} and covers ${covers} (recorded ${when}).`
          : `This replaces their current consent for this purpose, which names ${names} and covers ${covers} (recorded ${when}).`}
      </p>
      <p>The form below starts from what it names. Add anyone new and untick anyone they no longer agree to: whoever is not ticked will no longer be covered. Tell them again about the whole of it — everyone it will go to — and write what you told them. Earlier answers stay in their history.</p>
    </Notice>
  );
}

/** The kinds “named partner organisation” reaches: the agencies we work with jointly (src/purposes/reaches.ts). */
const PARTNER_KINDS: readonly string[] = ['partner_agency', 'local_authority', 'police', 'other'];

/**
 * Record a person's informed answer about one purpose (1.3, 4.1): what they were told — why, with whom, the
 * consequences either way, and that not agreeing may mean not getting a service — in front of the worker as
 * required answers; the recipients the purpose allows — its categories and any number of named organisations — and
 * the information it covers; how it was given and by whom. A new answer replaces the current one for the purpose
 * (one current version per purpose): the form says so, names what the current one covers and starts from it, so
 * adding a partner keeps the others; the person is told again about the whole of it.
 */
export default function RecordConsent({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const person = useQuery(personQuery(id));
  const purposes = useQuery(activePurposesQuery);
  const history = useQuery(consentsQuery(id));
  const orgs = useQuery({
    queryKey: ['organisations', 'for-consent'],
    queryFn: () => call<Page<{ id: string; name: string; kind: string }>>(api.GET('/api/organisations', { params: { query: { limit: 100 } } })),
  });
  // Their answer and who gave it start unchosen: informed consent is an active choice the worker records, never a
  // default they forget to change (1.3, 4.1).
  const [v, setV] = useState<Values>({ method: 'e_signature' });
  const [recipients, setRecipients] = useState<string[]>([]);
  const [organisations, setOrganisations] = useState<string[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string> | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<Consent | null>(null);
  const set = (k: string) => (x: string) => setV((old) => ({ ...old, [k]: x }));

  // The history too: whether a current answer is replaced, and what it names, decides where the form starts.
  if (person.isPending || purposes.isPending || history.isPending) return <Loading />;
  if (person.error) return <><PageTitle>Record consent</PageTitle><ProblemMessage error={person.error} /></>;
  const name = personName(person.data.data);
  // Who may answer follows their age (4.1): a choice their age rules out is not offered, and none is made for them.
  const answerers = whoCanAnswer(person.data.data.dateOfBirth, v.decision ?? '');
  const givenByKind = answerers.options.some((o) => o.id === v.givenBy) ? v.givenBy : null;
  const purpose = purposes.data?.items.find((p) => p.id === v.purposeId);
  const currentFor = (pid: string | undefined) => history.data?.items.find((c) => c.purposeId === pid && !c.supersededBy);
  const current = currentFor(v.purposeId);
  // A consent names an organisation only of a kind the purpose reaches, as the server decides it (`reaches`,
  // src/purposes/reaches.ts): "named partner organisation" a partner agency, local authority, the police or another
  // organisation; a funder or a business only its own category (4.3, 3.1).
  const allowsPartners = (p: Purpose | undefined) => !!p && (p.reaches ?? (p.recipientCategories.some((c) => c.toLowerCase() === NAMED_PARTNER) ? ['partner_agency'] : [])).length > 0;
  const kindOf = new Map<string, string>((orgs.data?.items ?? []).map((o) => [o.id, o.kind]));
  const reachable = (p: Purpose | undefined, oid: string) => !p?.reaches || !kindOf.has(oid) || p.reaches.includes(kindOf.get(oid)!);
  // Organisations by name: the register's, and those the current answer names (one archived or beyond the first page).
  const orgNames = new Map<string, string>((orgs.data?.items ?? []).map((o) => [o.id, o.name]));
  for (const r of current?.recipients ?? []) if (r.kind === 'organisation' && r.name && !orgNames.has(r.organisationId)) orgNames.set(r.organisationId, r.name);
  const choosePurpose = (pid: string) => {
    const p = purposes.data?.items.find((x) => x.id === pid);
    setV((old) => ({ ...old, purposeId: pid, 'told.why': old['told.why'] || p?.description || '' }));
    // A new answer replaces the current consent for the purpose: start from everything it covers, so adding a
    // partner does not drop the others (the worker unticks what the person no longer agrees to).
    const was = currentFor(pid);
    if (p && was?.decision === 'given') {
      const lower = (c: string) => c.toLowerCase();
      setRecipients(p.recipientCategories.filter((c) => lower(c) !== NAMED_PARTNER && was.recipients.some((r) =>
        (r.kind === 'internal' && lower(c) === INTERNAL_ONLY) || (r.kind === 'category' && lower(r.category) === lower(c)))));
      setOrganisations(allowsPartners(p) ? was.recipients.flatMap((r) => (r.kind === 'organisation' && reachable(p, r.organisationId) ? [r.organisationId] : [])) : []);
      setCategories(p.dataCategories.filter((c) => was.dataCategories.includes(c)));
    } else {
      setRecipients([]);
      setOrganisations([]);
      setCategories(p?.dataCategories ?? []);
    }
  };

  const partnerAllowed = allowsPartners(purpose);
  const categoryOptions = (purpose?.recipientCategories ?? []).filter((c) => c.toLowerCase() !== NAMED_PARTNER)
    .map((c) => ({ id: c, label: c.toLowerCase() === INTERNAL_ONLY ? 'Our own service only' : c }));
  const orgOptions = [...orgNames].filter(([oid]) => reachable(purpose, oid)).map(([oid, label]) => ({ id: oid, label }));
  // "Partner" only while every kind it reaches is one "named partner organisation" means (src/purposes/reaches.ts).
  const orgLabel = (purpose?.reaches ?? []).every((k) => PARTNER_KINDS.includes(k)) ? 'Named partner organisations' : 'Named organisations';
  // Everyone it would go to, in the form's words: for the replacement notice and what the person must be told.
  const chosen = [...categoryOptions.filter((o) => recipients.includes(o.id)).map((o) => o.label), ...(partnerAllowed ? organisations.map((o) => orgNames.get(o) ?? 'An organisation') : [])];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // The rest of the form follows from the purpose: without one there is nothing else to answer yet.
    if (!v.purposeId) return setClientErrors({ purposeId: MISSING.purposeId });
    setClientErrors(null);
    setBusy(true);
    setError(null);
    const recipientList: Recipient[] = recipients.map((r) => (r.toLowerCase() === INTERNAL_ONLY ? { kind: 'internal' } : { kind: 'category', category: r }));
    if (partnerAllowed) for (const organisationId of organisations) recipientList.push({ kind: 'organisation', organisationId });
    const text = (k: string) => v[k]?.trim() ?? '';
    const method = v.method === 'oral'
      ? { kind: 'oral', attestation: text('method.attestation'), ...(text('method.witnessName') ? { witnessName: text('method.witnessName') } : {}) }
      : { kind: 'e_signature', typedName: text('method.typedName') };
    const givenBy = givenByKind === 'competent_child' ? { kind: givenByKind, competenceAssessment: text('givenBy.competenceAssessment') }
      : givenByKind === 'parental_responsibility' ? { kind: givenByKind, name: text('givenBy.name'), relationship: text('givenBy.relationship') }
      : givenByKind === 'representative' ? { kind: givenByKind, name: text('givenBy.name'), relationship: text('givenBy.relationship'), authority: text('givenBy.authority') }
      : givenByKind === 'person' ? { kind: 'person' } : undefined; // unchosen: the API names the field
    const body = {
      purposeId: v.purposeId, decision: v.decision, recipients: recipientList, dataCategories: categories,
      told: { why: text('told.why'), withWhom: text('told.withWhom'), consequences: text('told.consequences'), serviceImpact: text('told.serviceImpact') },
      method, givenBy,
      ...(v.expiresAt ? { expiresAt: new Date(`${v.expiresAt}T23:59:59`).toISOString() } : {}),
      ...(current ? { supersedes: current.id } : {}),
    };
    try {
      const created = await call<RecordView<Consent>>(api.POST('/api/people/{id}/consents', { params: { path: { id } }, body: body as never }));
      await queryClient.invalidateQueries({ queryKey: ['person', id, 'consents'] });
      setSaved(created.data);
      setTimeout(() => document.getElementById('consent-saved')?.focus());
    } catch (err) {
      // Another answer recorded meanwhile: show what is current now (what is typed and ticked stays as it is).
      if (err instanceof ApiError && err.status === 409) void queryClient.invalidateQueries({ queryKey: ['person', id, 'consents'] });
      setError(placeErrors(err, recipientList, (oid) => orgNames.get(oid) ?? 'An organisation', categoryOptions.length > 0));
    } finally {
      setBusy(false);
    }
  };

  const crumbs = <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/people">People</Link> <span aria-hidden="true">›</span> <Link href={`/people/${id}`}>{name}</Link></nav>;
  if (saved) {
    return (
      <section>
        {crumbs}
        <PageTitle title="Consent recorded" focus={false}>Consent recorded</PageTitle>
        <div id="consent-saved" tabIndex={-1} className="panel saved-panel">
          <Notice>{saved.decision === 'given' ? `${name} agreed` : `${name} did not agree`} — “{purpose?.name}”, recorded {formatDate(saved.recordedAt)}.</Notice>
          <p className="consent-detail">To: {saved.recipients.map((r) => recipientLabel(r)).join(', ')} · Covers: {saved.dataCategories.map(categoryLabel).join(', ')}</p>
          <p>Give them a copy of the receipt: it says what they agreed to, who it goes to, and how to withdraw at any time.</p>
          <ReceiptLinks consentId={saved.id} />
          <div className="actions"><Button onPress={() => navigate(`/people/${id}`)}>Back to {name}</Button></div>
        </div>
      </section>
    );
  }
  const active = purposes.data?.items ?? [];
  return (
    <section>
      {crumbs}
      <PageTitle title="Record consent">Record consent for {name}</PageTitle>
      <p className="lede">Explain each point below in words they understand, check they have understood, then record their answer. They can change their mind at any time (policy 4.1).</p>
      {active.length === 0 ? (
        <div className="alert warning" role="status"><p className="alert-title">No purpose is active.</p><p>Consent is always for a purpose in the register. A manager proposes one and a guardian approves it (policy 3.1).</p></div>
      ) : (
        <PathForm error={error} clientErrors={clientErrors} missing={partnerAllowed && categoryOptions.length ? { ...MISSING, recipients: 'Choose at least one recipient here, or a named organisation below' } : MISSING} names={NAMES} onSubmit={submit} className="form-wide consent-form">
          <fieldset className="panel form-section">
            <legend>1. What it is for</legend>
            <Radios name="purposeId" label="Purpose" isRequired value={v.purposeId ?? null} onChange={choosePurpose}
              options={active.map((p) => ({ id: p.id, label: p.name, description: p.description }))} />
            {purpose ? (
              <dl className="facts purpose-facts">
                <dt>Lawful basis</dt><dd>{LAWFUL_BASIS[purpose.lawfulBasis] ?? purpose.lawfulBasis}</dd>
                <dt>May go to</dt><dd>{purpose.recipientCategories.map((c) => (c.toLowerCase() === INTERNAL_ONLY ? 'Our own service only' : c)).join('; ')}</dd>
                <dt>Information used</dt><dd>{purpose.dataCategories.map(categoryLabel).join(', ')}</dd>
              </dl>
            ) : null}
            {current ? <Replaces current={current} /> : null}
          </fieldset>
          {purpose ? (
            <>
              <fieldset className="panel form-section">
                <legend>2. Who it goes to and what</legend>
                {categoryOptions.length ? (
                  <Checkboxes name="recipients" label="Recipients" isRequired={!partnerAllowed} value={recipients} onChange={setRecipients}
                    description={partnerAllowed ? 'Tick each kind of recipient they agree to, and any named organisations below: at least one in all.' : undefined} options={categoryOptions} />
                ) : null}
                {partnerAllowed ? (
                  <Checkboxes name="organisations" label={orgLabel} isRequired={!categoryOptions.length} value={organisations} onChange={setOrganisations}
                    description="Tick every organisation they agree it may go to: one consent can name several." options={orgOptions} />
                ) : null}
                <Checkboxes name="dataCategories" label="Information it covers" isRequired value={categories} onChange={setCategories}
                  options={purpose.dataCategories.map((c) => ({ id: c, label: categoryLabel(c) }))} />
              </fieldset>
              <fieldset className="panel form-section told">
                <legend>3. What you told them</legend>
                <p className="hint">They are only informed if you explained all four. Write what you said.</p>
                <TextBox name="told.why" label="Why we need to share their information" isRequired rows={3} value={v['told.why'] ?? ''} onChange={set('told.why')} />
                <TextBox name="told.withWhom" label="Who it will be shared with" isRequired rows={2} value={v['told.withWhom'] ?? ''} onChange={set('told.withWhom')}
                  description={chosen.length ? `Name everyone it will go to: ${inWords(chosen)}.` : undefined} />
                <TextBox name="told.consequences" label="What happens if they agree, and if they do not" isRequired rows={3} value={v['told.consequences'] ?? ''} onChange={set('told.consequences')} />
                <TextBox name="told.serviceImpact" label="That not agreeing may mean not getting a service" isRequired rows={2} description="Say plainly if not agreeing may mean they cannot get a service or support they might otherwise have." value={v['told.serviceImpact'] ?? ''} onChange={set('told.serviceImpact')} />
              </fieldset>
              <fieldset className="panel form-section">
                <legend>4. Their answer</legend>
                <Radios name="decision" label="Their answer" isRequired value={v.decision ?? null} onChange={set('decision')} options={[{ id: 'given', label: 'They agree' }, { id: 'refused', label: 'They do not agree' }]} />
                <Radios name="givenBy" label="Who answered" isRequired value={givenByKind} onChange={set('givenBy')} options={answerers.options} description={answerers.hint} />
                {givenByKind === 'competent_child' ? <TextBox name="givenBy.competenceAssessment" label="How you judged they are competent to decide" isRequired rows={3} value={v['givenBy.competenceAssessment'] ?? ''} onChange={set('givenBy.competenceAssessment')} /> : null}
                {givenByKind === 'parental_responsibility' || givenByKind === 'representative' ? (
                  <>
                    <TextInput name="givenBy.name" label="Their name" isRequired value={v['givenBy.name'] ?? ''} onChange={set('givenBy.name')} />
                    <TextInput name="givenBy.relationship" label="Relationship to the person" isRequired value={v['givenBy.relationship'] ?? ''} onChange={set('givenBy.relationship')} />
                  </>
                ) : null}
                {givenByKind === 'representative' ? <TextInput name="givenBy.authority" label="Their authority" isRequired description="e.g. lasting power of attorney for health and welfare" value={v['givenBy.authority'] ?? ''} onChange={set('givenBy.authority')} /> : null}
                <Radios name="method" label="How they gave it" isRequired value={v.method} onChange={set('method')} options={METHODS} />
                {v.method === 'oral' ? (
                  <>
                    <TextBox name="method.attestation" label="Your record of what was said and agreed" isRequired rows={3} value={v['method.attestation'] ?? ''} onChange={set('method.attestation')} />
                    <TextInput name="method.witnessName" label="Witness" value={v['method.witnessName'] ?? ''} onChange={set('method.witnessName')} />
                  </>
                ) : (
                  <TextInput name="method.typedName" label="Signature: they type their full name" isRequired autoComplete="off" value={v['method.typedName'] ?? ''} onChange={set('method.typedName')} />
                )}
                <TextInput name="expiresAt" label="Ends on" type="date" description="Leave empty if it lasts until they withdraw it or the purpose ends." value={v.expiresAt ?? ''} onChange={set('expiresAt')} />
              </fieldset>
            </>
          ) : null}
          <div className="actions">
            <Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Record consent'}</Button>
            <Button variant="secondary" onPress={() => navigate(`/people/${id}`)}>Cancel</Button>
          </div>
        </PathForm>
      )}
    </section>
  );
}
