import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, api, call } from '../../api/client';
import { Allowed } from '../../components/Allowed';
import { ApiForm } from '../../components/ApiForm';
import { Checkboxes, Choice, Radios, TextBox, TextInput } from '../../components/fields';
import { Button, Link, Loading, PageTitle } from '../../components/ui';
import { CLASSIFICATION_LABELS } from '../../labels';
import { navigate } from '../../router';
import { ART9_CONDITIONS, LAWFUL_BASES, usePeopleHere, type PurposeDetail } from './shared';

const CATEGORIES = Object.entries(CLASSIFICATION_LABELS).map(([id, c]) => ({ id, label: c.label, description: c.description }));
const SPECIAL = ['special', 'safeguarding'];
/** Organisation-specific data (3.2): it never goes to a third party, so only to "internal service only". */
const ORGANISATION_DATA = ['commercial'];
const INTERNAL_ONLY = 'internal service only';
const RETENTION = [
  { id: 'P1Y', label: '1 year' }, { id: 'P2Y', label: '2 years' }, { id: 'P3Y', label: '3 years' },
  { id: 'P6Y', label: '6 years' }, { id: 'P7Y', label: '7 years' }, { id: 'P25Y', label: '25 years (records about children)' },
] as const;
const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
/** The latest review date the API accepts: three years from today (3.1: continuing uses are regularly reviewed). */
const latestReview = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear() + 3, now.getUTCMonth(), now.getUTCDate())).toISOString().slice(0, 10);
};

/**
 * Propose a purpose (3.1): management or a guardian say what information is used for, why that is necessary, the
 * lawful basis (and the Article 9 condition for special-category information), who receives it, whether it needs to
 * identify people (3.3), how long it is kept, and who reviews it by when. It covers nothing until another guardian
 * approves it. Anyone else is told who may before any form shows ({@link Allowed}).
 */
export default function NewPurpose() {
  return (
    <Allowed action="purpose.create" title="Propose a purpose" who="Management and the guardian propose purposes" before={<PurposesCrumb />}>
      <NewPurposeForm />
    </Allowed>
  );
}

const PurposesCrumb = () => <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/purposes">Purposes</Link></nav>;

/** The purpose's answers, checked here as the API checks them, then proposed. */
function NewPurposeForm() {
  const queryClient = useQueryClient();
  const { guardians, loading } = usePeopleHere();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [lawfulBasis, setLawfulBasis] = useState<string | null>(null);
  const [art9Condition, setArt9] = useState<string | null>(null);
  const [dataCategories, setCategories] = useState<string[]>([]);
  const [recipients, setRecipients] = useState('internal service only');
  const [needsIdentity, setNeedsIdentity] = useState<'yes' | 'no' | null>(null);
  const [retentionPeriod, setRetention] = useState<string | null>('P6Y');
  const [guardianId, setGuardian] = useState<string | null>(null);
  const [nextReviewOn, setReview] = useState(inAYear);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState(false); // the error shown is this page's own check, not the API's answer
  const special = dataCategories.some((c) => SPECIAL.includes(c));
  const recipientList = recipients.split(/[\n,]/).map((r) => r.trim()).filter(Boolean);
  const organisationDataOut = dataCategories.some((c) => ORGANISATION_DATA.includes(c)) && recipientList.some((r) => r.toLowerCase() !== INTERNAL_ONLY);

  // What is still unanswered: the same rules the API applies, in words for the person filling it in.
  const missing = () => [
    !name.trim() && { path: 'body.name', message: 'Give the purpose a short name.' },
    !description.trim() && { path: 'body.description', message: 'Say what the information is used for, and why that is necessary.' },
    !lawfulBasis && { path: 'body.lawfulBasis', message: 'Choose the lawful basis.' },
    !dataCategories.length && { path: 'body.dataCategories', message: 'Choose the information it uses.' },
    special && !art9Condition && { path: 'body.art9Condition', message: 'Special-category or safeguarding information needs an Article 9 condition.' },
    organisationDataOut && { path: 'body.dataCategories', message: 'Business information of organisations never goes to a third party (3.2): with it, the only recipient can be “internal service only”.' },
    !needsIdentity && { path: 'body.needsIdentity', message: 'Say whether it needs to identify people.' },
    !guardianId && { path: 'body.guardianId', message: 'Choose the guardian who reviews it.' },
    nextReviewOn > latestReview() && { path: 'body.nextReviewOn', message: `Review it at least every three years: choose a date on or before ${latestReview()}.` },
  ].filter(Boolean) as { path: string; message: string }[];
  // An answer given since the check takes its error away at once (radio buttons, checkboxes and lists included).
  const stillMissing = checked ? missing().map((m) => m.path.slice(5)) : [];
  const resolved = checked ? ['name', 'description', 'lawfulBasis', 'dataCategories', 'art9Condition', 'needsIdentity', 'guardianId', 'nextReviewOn'].filter((f) => !stillMissing.includes(f)) : [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errors = missing();
    if (errors.length) {
      setError(new ApiError({ status: 400, title: 'Some answers are missing', errors }));
      setChecked(true);
      return;
    }
    setChecked(false);
    setBusy(true);
    setError(null);
    try {
      const p = await call<{ data: PurposeDetail }>(api.POST('/api/purposes', {
        body: {
          name, description, lawfulBasis: lawfulBasis as 'consent', ...(special ? { art9Condition: art9Condition as 'explicit_consent' } : {}),
          dataCategories: dataCategories as 'general'[], recipientCategories: recipientList,
          needsIdentity: needsIdentity === 'yes', retentionPeriod: retentionPeriod!, guardianId: guardianId!, nextReviewOn,
        },
      }));
      await queryClient.invalidateQueries({ queryKey: ['purposes'] });
      navigate(`/purposes/${p.data.id}?proposed=1`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (loading) return <Loading />;
  return (
    <section className="narrow">
      <PurposesCrumb />
      <PageTitle>Propose a purpose</PageTitle>
      <p className="lede">Say why information is used, so that it is used for nothing else (3.1). A guardian other than you approves it before anyone can rely on it.</p>
      <div className="panel">
        <ApiForm onSubmit={submit} error={error} resolved={resolved}>
          <TextInput name="name" label="Name" value={name} onChange={setName} isRequired description="Short, as staff and clients will read it: “Referral to a GP”." />
          <TextBox name="description" label="What it is for, and why it is necessary" value={description} onChange={setDescription} rows={4} isRequired />
          <Radios name="lawfulBasis" label="Lawful basis (UK GDPR Article 6)" value={lawfulBasis} onChange={setLawfulBasis} options={LAWFUL_BASES} isRequired />
          <Checkboxes name="dataCategories" label="Information it uses" value={dataCategories} onChange={setCategories} options={CATEGORIES} isRequired />
          {special ? <Choice name="art9Condition" label="Article 9 condition (special-category information)" value={art9Condition} onChange={setArt9} options={ART9_CONDITIONS} isRequired /> : null}
          <TextBox name="recipientCategories" label="Who receives it" value={recipients} onChange={setRecipients} rows={2} isRequired description="One per line. Only these let a disclosure go to an organisation: “named partner organisation” (the agencies we work with jointly: partner agencies, local authorities, the police and other organisations in the register — never a funder or a business), or an organisation’s kind — “local authority”, “police”, “partner agency”, “funder”, “business”; a funder or a business only by its own kind. A consent can name an organisation only of a kind these reach. “internal service only” keeps it with our own service. Any other words are recorded for consent and the person’s summary only: no disclosure can go under them." />
          <Radios name="needsIdentity" label="Does it need to identify people? (3.3)" value={needsIdentity} onChange={setNeedsIdentity} isRequired
            options={[{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No — aggregate or pseudonymised output only' }]} />
          <Choice name="retentionPeriod" label="How long it is kept" value={retentionPeriod} onChange={setRetention} options={RETENTION} isRequired />
          <Choice name="guardianId" label="Guardian responsible for its review" value={guardianId} onChange={setGuardian} options={guardians} isRequired />
          <TextInput name="nextReviewOn" type="date" label="Next review by" value={nextReviewOn} onChange={setReview} isRequired />
          <div className="actions">
            <Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Propose for approval'}</Button>
            <Link href="/purposes">Cancel</Link>
          </div>
        </ApiForm>
      </div>
    </section>
  );
}
