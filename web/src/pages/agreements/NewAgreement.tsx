import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import type { AgreementView } from '../../api/sharing';
import { PathForm } from '../../components/PathForm';
import { Checkboxes, Radios, TextBox, TextInput } from '../../components/fields';
import { Button, Link, Loading, PageTitle } from '../../components/ui';
import { CLASSIFICATION_LABELS } from '../../labels';
import { navigate } from '../../router';
import { useOrganisations, usePurposes } from '../disclosure/shared';

const NAMES = [
  'title', 'partnerIds', 'purposeIds', 'dataCategories', 'conditions.security', 'conditions.onwardSharing', 'conditions.retention',
  'conditions.breachNotification', 'requiresConsent', 'startsOn', 'endsOn', 'reviewOn',
];
const MISSING: Record<string, string> = {
  title: 'Give the agreement a title', partnerIds: 'Choose the partner organisations', purposeIds: 'Choose the purposes it covers',
  dataCategories: 'Choose the information it covers', 'conditions.security': 'Write how the partner keeps it secure',
  'conditions.onwardSharing': 'Write whether and how they may pass it on', 'conditions.retention': 'Write how long they keep it and how it is destroyed',
  'conditions.breachNotification': 'Write how each side tells the other of a breach', requiresConsent: 'Choose whether consent is also needed',
  startsOn: 'Enter the first day it is in force', endsOn: 'Enter the last day it is in force', reviewOn: 'Enter when it is reviewed',
};

/**
 * Drafting a sharing agreement (practice 5.1): partners, purposes, the information it covers, the conditions every
 * joint working protocol states, whether each disclosure also needs consent, and its dates. It covers nothing until
 * every party has signed and the signed copy is attached.
 */
export default function NewAgreement() {
  const queryClient = useQueryClient();
  const orgs = useOrganisations();
  const purposes = usePurposes();
  const [v, setV] = useState<Record<string, string>>({});
  const [partners, setPartners] = useState<string[]>([]);
  const [purposeIds, setPurposeIds] = useState<string[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: string) => (x: string) => setV((old) => ({ ...old, [k]: x }));
  if (orgs.query.isPending || purposes.query.isPending) return <Loading />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const text = (k: string) => v[k]?.trim() ?? '';
    const body = {
      title: text('title'), partnerIds: partners, purposeIds, dataCategories: categories,
      conditions: { security: text('conditions.security'), onwardSharing: text('conditions.onwardSharing'), retention: text('conditions.retention'), breachNotification: text('conditions.breachNotification') },
      requiresConsent: v.requiresConsent === undefined ? undefined : v.requiresConsent === 'yes',
      startsOn: v.startsOn || undefined, endsOn: v.endsOn || undefined, reviewOn: v.reviewOn || undefined,
    };
    try {
      const created = await call<AgreementView>(api.POST('/api/agreements', { body: body as never }));
      await queryClient.invalidateQueries({ queryKey: ['agreements'] });
      navigate(`/agreements/${created.data.id}?drafted=1`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/agreements">Sharing agreements</Link></nav>
      <PageTitle>New sharing agreement</PageTitle>
      <p className="lede">Set out what you agreed with the partner. Next, record who signed for each side and attach the signed copy: only then does it cover any sharing (practice 5.1).</p>
      <PathForm error={error} names={NAMES} missing={MISSING} onSubmit={submit} className="form-wide agreement-form">
        <fieldset className="panel form-section">
          <legend>1. Who and what for</legend>
          <TextInput name="title" label="Title" isRequired value={v.title ?? ''} onChange={set('title')} description="e.g. Joint working protocol with Riverside Youth Trust" />
          <Checkboxes name="partnerIds" label="Partner organisations" isRequired value={partners} onChange={setPartners} options={orgs.list.map((o) => ({ id: o.id, label: o.name }))} description="We are always a party." />
          <Checkboxes name="purposeIds" label="Purposes it covers" isRequired value={purposeIds} onChange={setPurposeIds}
            options={purposes.all.filter((p) => p.status !== 'retired').map((p) => ({ id: p.id, label: p.name, description: p.status === 'active' ? undefined : 'Not active yet: the agreement covers it once a guardian approves it' }))} />
          <Checkboxes name="dataCategories" label="Information it covers" isRequired value={categories} onChange={setCategories}
            options={Object.entries(CLASSIFICATION_LABELS).map(([id, c]) => ({ id, label: c.label, description: c.description }))} />
          <Radios name="requiresConsent" label="Does each disclosure also need the person’s consent?" isRequired value={v.requiresConsent ?? null} onChange={set('requiresConsent')} options={[
            { id: 'yes', label: 'Yes — the agreement and their consent' },
            { id: 'no', label: 'No — the agreement is enough' },
          ]} />
        </fieldset>
        <fieldset className="panel form-section">
          <legend>2. Conditions</legend>
          <TextBox name="conditions.security" label="How the partner keeps it secure" isRequired rows={2} value={v['conditions.security'] ?? ''} onChange={set('conditions.security')} />
          <TextBox name="conditions.onwardSharing" label="Whether and how they may pass it on" isRequired rows={2} value={v['conditions.onwardSharing'] ?? ''} onChange={set('conditions.onwardSharing')} />
          <TextBox name="conditions.retention" label="How long they keep it, and how it is destroyed" isRequired rows={2} value={v['conditions.retention'] ?? ''} onChange={set('conditions.retention')} />
          <TextBox name="conditions.breachNotification" label="How each side tells the other of a breach" isRequired rows={2} value={v['conditions.breachNotification'] ?? ''} onChange={set('conditions.breachNotification')} />
        </fieldset>
        <fieldset className="panel form-section">
          <legend>3. Dates</legend>
          <div className="field-trio">
            <TextInput name="startsOn" label="In force from" type="date" isRequired value={v.startsOn ?? ''} onChange={set('startsOn')} />
            <TextInput name="endsOn" label="Until (last day)" type="date" isRequired value={v.endsOn ?? ''} onChange={set('endsOn')} />
            <TextInput name="reviewOn" label="Review by" type="date" isRequired value={v.reviewOn ?? ''} onChange={set('reviewOn')} />
          </div>
        </fieldset>
        <div className="actions">
          <Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Save the draft'}</Button>
          <Button variant="quiet" onPress={() => navigate('/agreements')}>Cancel</Button>
        </div>
      </PathForm>
    </section>
  );
}
