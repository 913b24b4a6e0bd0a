import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Checkbox } from 'react-aria-components';
import { ApiError, api, call } from '../../api/client';
import type { CaseSummary, Page } from '../../api/models';
import { ApiForm } from '../../components/ApiForm';
import { Choice, Radios, TextBox, TextInput } from '../../components/fields';
import { Button, Link, Loading, PageTitle, ProblemMessage, personName } from '../../components/ui';
import { navigate } from '../../router';
import { useSession } from '../../session';
import { personQuery } from '../PersonPage';
import { toLocal } from '../breaches/HandlingForm';
import { EXTERNAL_ROLES, NOTE_CLASSES, type Meeting } from './shared';

interface External { key: number; name: string; organisation: string; role: string | null }

/**
 * Record a meeting with third parties about a person (practice 3): when, about them or one of their cases, who was
 * there — external attendees with their organisation and role — and the notes, classified. External attendees start
 * without an acknowledgement of confidentiality; nothing is shared with them until it is recorded. For session
 * notes, staff write how and when the client asked for them to be passed on, if they did (practice 2): without it
 * they go to no one outside the team.
 */
export default function RecordMeeting({ personId }: { personId: string }) {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const person = useQuery(personQuery(personId));
  const cases = useQuery({
    queryKey: ['person', personId, 'cases'],
    queryFn: () => call<Page<CaseSummary>>(api.GET('/api/people/{id}/cases', { params: { path: { id: personId }, query: { limit: 50 } } })),
  });
  const [title, setTitle] = useState('');
  const [heldAt, setHeldAt] = useState(() => toLocal(new Date().toISOString()));
  const [about, setAbout] = useState<string | null>('person');
  const [notes, setNotes] = useState('');
  const [classification, setClassification] = useState<string | null>(null);
  const [clientAsked, setClientAsked] = useState(''); // how and when the client asked, for session notes (practice 2)
  const [attended, setAttended] = useState(true);
  const [external, setExternal] = useState<External[]>([{ key: 1, name: '', organisation: '', role: null }]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState(false); // the error shown is this page's own check, not the API's answer
  if (person.isPending || cases.isPending) return <Loading />;
  if (person.isError) return <ProblemMessage error={person.error} />;
  const name = personName(person.data.data);
  const aboutOptions = [{ id: 'person', label: `${name} in general` }, ...(cases.data?.items ?? []).map((c) => ({ id: c.id, label: `Their case: ${c.service}` }))];
  const change = (key: number, field: keyof External) => (v: string) => setExternal((xs) => xs.map((x) => (x.key === key ? { ...x, [field]: v } : x)));

  const filledRows = () => external.filter((x) => x.name.trim() || x.organisation.trim() || x.role);
  // What is still unanswered, in words for the person filling it in (the API checks the same).
  const missing = () => [
    !title.trim() && { path: 'body.title', message: 'Give the meeting a title.' },
    !heldAt && { path: 'body.heldAt', message: 'Say when it was held.' },
    !notes.trim() && { path: 'body.notes', message: 'Write the notes of the meeting.' },
    !classification && { path: 'body.notesClassification', message: 'Say what kind of information the notes hold.' },
    classification === 'session' && clientAsked.trim().length > 2000 && { path: 'body.clientRequest.detail', message: 'Keep how the client asked to 2,000 characters.' },
    ...filledRows().flatMap((x) => [
      !x.name.trim() && { path: `body.external-${x.key}-name`, message: 'Their name.' },
      !x.role && { path: `body.external-${x.key}-role`, message: 'Who they are.' },
    ]),
  ].filter(Boolean) as { path: string; message: string }[];
  // An answer given since the check takes its error away at once (radio buttons and lists included).
  const stillMissing = checked ? missing().map((m) => m.path.slice(5)) : [];
  const resolved = checked
    ? ['title', 'heldAt', 'notes', 'notesClassification', 'clientRequest.detail', ...external.flatMap((x) => [`external-${x.key}-name`, `external-${x.key}-role`])].filter((f) => !stillMissing.includes(f))
    : [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const filled = filledRows();
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
      const m = await call<{ data: Meeting }>(api.POST('/api/meetings', {
        body: {
          ...(about === 'person' ? { about: 'person' as const, personId } : { about: 'case' as const, caseId: about! }),
          title, heldAt: new Date(heldAt).toISOString(), notes, notesClassification: classification as 'general',
          // Only session details wait for the client's request; left empty, they go to no one outside the team.
          ...(classification === 'session' && clientAsked.trim() ? { clientRequest: { detail: clientAsked.trim() } } : {}),
          userIds: attended ? [me.user.id] : [],
          external: filled.map((x) => ({ name: x.name.trim(), ...(x.organisation.trim() ? { organisation: x.organisation.trim() } : {}), role: x.role as 'visitor' })),
        },
      }));
      await queryClient.invalidateQueries({ queryKey: ['person', personId, 'meetings'] });
      navigate(`/meetings/${m.data.id}?recorded=1`);
    } catch (err) {
      // The API names an external attendee's field by its place in the list ("body.external.0.name"): tie it to that row's field.
      const rows = filled.map((x) => x.key);
      setError(err instanceof ApiError ? new ApiError({
        ...err.problem,
        errors: err.problem.errors?.map((f) => {
          const m = /^body\.external\.(\d+)\.(\w+)/.exec(f.path);
          return m && rows[Number(m[1])] !== undefined ? { ...f, path: `body.external-${rows[Number(m[1])]}-${m[2]}` } : f;
        }),
      }) : err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href={`/people/${personId}`}>{name}</Link></nav>
      <PageTitle>Record a meeting</PageTitle>
      <p className="lede">A meeting about {name} where people from outside were present — a GP, another agency, a placement student. What was said there is as confidential as the rest of their record (practice 3).</p>
      <div className="panel">
        <ApiForm onSubmit={submit} error={error} className="form-wide" resolved={resolved}>
          <TextInput name="title" label="Title" value={title} onChange={setTitle} isRequired description="e.g. “Multi-agency review”." />
          <TextInput name="heldAt" type="datetime-local" label="When it was held" value={heldAt} onChange={setHeldAt} isRequired />
          <Choice name="about" label="What it was about" value={about} onChange={setAbout} options={aboutOptions} isRequired />
          <fieldset className="form-section attendees-section">
            <legend>Who was there</legend>
            <Checkbox isSelected={attended} onChange={setAttended} className="checkbox inline">
              <span className="checkbox-mark" aria-hidden="true" />
              <span>I was there ({me.user.displayName})</span>
            </Checkbox>
            {external.map((x, i) => (
              <div key={x.key} className="attendee-row" role="group" aria-label={`External attendee ${i + 1}`}>
                <TextInput name={`external-${x.key}-name`} label={`Name of external attendee ${i + 1}`} value={x.name} onChange={change(x.key, 'name')} />
                <TextInput name={`external-${x.key}-organisation`} label="Organisation" value={x.organisation} onChange={change(x.key, 'organisation')} />
                <Choice name={`external-${x.key}-role`} label="Who they are" value={x.role} onChange={change(x.key, 'role')} options={EXTERNAL_ROLES} />
                {external.length > 1 ? <Button variant="quiet" onPress={() => setExternal((xs) => xs.filter((y) => y.key !== x.key))}>Remove attendee {i + 1}</Button> : null}
              </div>
            ))}
            <Button variant="secondary" onPress={() => setExternal((xs) => [...xs, { key: Math.max(0, ...xs.map((y) => y.key)) + 1, name: '', organisation: '', role: null }])}>Add another external attendee</Button>
          </fieldset>
          <TextBox name="notes" label="Notes" value={notes} onChange={setNotes} rows={6} isRequired />
          <Radios name="notesClassification" label="What the notes hold" value={classification} onChange={setClassification} options={NOTE_CLASSES} isRequired />
          {classification === 'session' ? (
            <TextBox name="clientRequest.detail" label={`How and when ${name} asked for their session details to be passed on`} rows={3} value={clientAsked} onChange={setClientAsked}
              description="Session details go to no one outside the team unless the client asked for it (practice 2). Leave this empty if they did not ask: the notes then stay with the team." />
          ) : null}
          <div className="actions">
            <Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Record the meeting'}</Button>
            <Link href={`/people/${personId}`}>Cancel</Link>
          </div>
        </ApiForm>
      </div>
    </section>
  );
}
