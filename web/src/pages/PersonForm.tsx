import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, ifMatch } from '../api/client';
import { EditForm, type FieldSpec } from '../components/EditForm';
import { Link, Loading, PageTitle, ProblemMessage, personName } from '../components/ui';
import { PERSON_KINDS } from '../labels';
import { navigate } from '../router';
import { personQuery } from './PersonPage';

const FIELDS: FieldSpec[] = [
  { name: 'kind', kind: 'choice', required: true, options: PERSON_KINDS },
  { name: 'givenName', kind: 'text', required: true },
  { name: 'familyName', kind: 'text', required: true },
  { name: 'preferredName', kind: 'text' },
  { name: 'pronouns', kind: 'text' },
  { name: 'dateOfBirth', kind: 'date' },
  { name: 'email', kind: 'text', inputMode: 'email' },
  { name: 'phone', kind: 'text', inputMode: 'tel' },
  { name: 'address', kind: 'textarea' },
  { name: 'ethnicity', kind: 'text' },
  { name: 'healthNotes', kind: 'textarea' },
  { name: 'safeguardingNotes', kind: 'textarea' },
];

/** Edit a person: only the fields the API says may change. (Adding a person is the first-contact journey: firstContact/RegisterPerson.) */
export default function PersonForm({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const person = useQuery(personQuery(id));
  if (person.isPending) return <Loading />;
  if (person.error) return <><PageTitle>Edit details</PageTitle><ProblemMessage error={person.error} /></>;
  const view = person.data;
  const editable = FIELDS.filter((f) => view.can.edit.includes(f.name) && (f.name in view.data));
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/people">People</Link> <span aria-hidden="true">›</span> <Link href={`/people/${id}`}>{personName(view.data)}</Link></nav>
      <PageTitle title="Edit a person’s details">Edit {personName(view.data)}</PageTitle>
      {view.restricted.length ? <p className="muted">Fields you may not see are not on this form.</p> : null}
      <div className="panel">
        <EditForm
          fields={editable}
          initial={view.data as unknown as Record<string, unknown>}
          version={view.version}
          submitLabel="Save changes"
          onCancel={() => navigate(`/people/${id}`)}
          reload={async () => (await queryClient.fetchQuery({ ...personQuery(id), staleTime: 0 })) as never}
          onSave={async (changes, version) => {
            if (!Object.keys(changes).length) return navigate(`/people/${id}`);
            await call(api.PATCH('/api/people/{id}', { params: { path: { id } }, body: changes as never, headers: ifMatch(version!) }));
            await queryClient.invalidateQueries({ queryKey: ['person', id] });
            navigate(`/people/${id}`);
          }}
        />
      </div>
    </section>
  );
}
