import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Input, Label, SearchField, Text } from 'react-aria-components';
import { api, call, ifMatch } from '../api/client';
import type { Page, RecordView } from '../api/models';
import { EditForm, type FieldSpec } from '../components/EditForm';
import { RecordFields } from '../components/RecordFields';
import { Button, Link, Loading, ModalDialog, PageTitle, ProblemMessage } from '../components/ui';
import { navigate } from '../router';
import { hasRole, useSession } from '../session';

/** An organisation as the API presents it (commercial information only for those who deal with it, 1.4, 2.3). */
interface Organisation {
  id: string;
  kind: string;
  name: string;
  website: string | null;
  contactName?: string | null;
  contactEmail?: string | null;
  contactPhone?: string | null;
  address?: string | null;
  commercialNotes?: string | null;
}
export const ORGANISATION_KINDS = [
  { id: 'partner_agency', label: 'Partner agency' },
  { id: 'local_authority', label: 'Local authority (safeguarding team)' },
  { id: 'police', label: 'Police' },
  { id: 'funder', label: 'Funder' },
  { id: 'business', label: 'Business' },
  { id: 'other', label: 'Other' },
] as const;
const kindLabel = (k: string) => ORGANISATION_KINDS.find((x) => x.id === k)?.label ?? k;
const FIELDS: FieldSpec[] = [
  { name: 'name', kind: 'text', required: true },
  { name: 'kind', kind: 'choice', required: true, options: ORGANISATION_KINDS },
  { name: 'website', kind: 'text', description: 'Starting with https://' },
  { name: 'contactName', kind: 'text' },
  { name: 'contactEmail', kind: 'text', inputMode: 'email' },
  { name: 'contactPhone', kind: 'text', inputMode: 'tel' },
  { name: 'address', kind: 'textarea' },
  { name: 'commercialNotes', kind: 'textarea', description: 'Business information: only those who deal with this organisation see it (1.4, 2.3).' },
];

/** Partners, funders and businesses: search by the start of the name, paged by the server. */
export function OrganisationList() {
  const { me } = useSession();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [adding, setAdding] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => {
      setQ(text.trim());
      setCursors([undefined]);
    }, 250);
    return () => clearTimeout(t);
  }, [text]);
  const cursor = cursors[cursors.length - 1];
  const list = useQuery({
    queryKey: ['organisations', q, cursor],
    queryFn: () => call<Page<Organisation>>(api.GET('/api/organisations', { params: { query: { limit: 25, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) } } })),
    placeholderData: keepPreviousData,
  });
  return (
    <section>
      <div className="page-head">
        <PageTitle>Organisations</PageTitle>
        {hasRole(me, 'staff', 'manager') ? <Button onPress={() => setAdding(true)}>Add an organisation</Button> : null}
      </div>
      <p className="lede">Partner agencies, funders and businesses we work with. Their business information is seen only by those who deal with them.</p>
      <SearchField value={text} onChange={setText} className="field search">
        <Label>Search by name</Label>
        <Text slot="description" className="hint">Type the start of the name.</Text>
        <Input />
      </SearchField>
      <ProblemMessage error={list.error} focus={false} />
      {list.isPending ? <Loading /> : list.data?.items.length ? (
        <ul className="card-list">
          {list.data.items.map((o) => (
            <li key={o.id} className="card case-card">
              <Link href={`/organisations/${o.id}`} className="card-title">{o.name}</Link>
              <span className="muted">{kindLabel(o.kind)}</span>
            </li>
          ))}
        </ul>
      ) : list.data ? <div className="empty"><p><strong>{q ? 'No organisation matches that search.' : 'No organisations yet.'}</strong></p></div> : null}
      {cursors.length > 1 || list.data?.nextCursor ? (
        <nav aria-label="Pages of organisations" className="pager">
          <Button variant="secondary" isDisabled={cursors.length <= 1} onPress={() => setCursors((c) => c.slice(0, -1))}>Previous page</Button>
          <span className="muted">Page {cursors.length}</span>
          <Button variant="secondary" isDisabled={!list.data?.nextCursor} onPress={() => setCursors((c) => [...c, list.data?.nextCursor ?? undefined])}>Next page</Button>
        </nav>
      ) : null}
      <ModalDialog title="Add an organisation" isOpen={adding} onOpenChange={setAdding}>
        {(close) => (
          <EditForm
            create
            fields={FIELDS}
            initial={{ kind: 'partner_agency' }}
            submitLabel="Add organisation"
            onCancel={close}
            onSave={async (changes) => {
              const created = await call<RecordView<Organisation>>(api.POST('/api/organisations', { body: changes as never }));
              close();
              navigate(`/organisations/${created.data.id}`);
            }}
          />
        )}
      </ModalDialog>
    </section>
  );
}

const organisationQuery = (id: string) => ({ queryKey: ['organisation', id], queryFn: () => call<RecordView<Organisation>>(api.GET('/api/organisations/{id}', { params: { path: { id } } })) });

/** One organisation: its details, restricted ones marked with the way to ask for access. */
export function OrganisationPage({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const org = useQuery(organisationQuery(id));
  const [editing, setEditing] = useState(false);
  if (org.isPending) return <Loading />;
  if (org.error) return <><PageTitle>Organisation</PageTitle><ProblemMessage error={org.error} /></>;
  const { data, restricted, can } = org.data;
  const editable = FIELDS.filter((f) => can.edit.includes(f.name) && f.name in data);
  return (
    <article className="record">
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/organisations">Organisations</Link></nav>
      <div className="page-head">
        <div>
          <PageTitle title="Organisation">{data.name}</PageTitle>
          <p className="muted">{kindLabel(data.kind)}</p>
        </div>
        {editable.length ? <Button variant="secondary" onPress={() => setEditing(true)}>Edit details</Button> : null}
      </div>
      <section className="panel" aria-labelledby="org-details">
        <h2 id="org-details">Details</h2>
        <RecordFields record={{ type: 'organisation', id }} fields={['website', 'contactName', 'contactEmail', 'contactPhone', 'address', 'commercialNotes']} data={data as unknown as Record<string, unknown>} restricted={restricted} canRequest={can.requestAccess} />
      </section>
      <ModalDialog title={`Edit ${data.name}`} isOpen={editing} onOpenChange={setEditing}>
        {(close) => (
          <EditForm
            fields={editable}
            initial={data as unknown as Record<string, unknown>}
            version={org.data.version}
            submitLabel="Save changes"
            onCancel={close}
            reload={async () => (await queryClient.fetchQuery({ ...organisationQuery(id), staleTime: 0 })) as never}
            onSave={async (changes, version) => {
              if (Object.keys(changes).length) await call(api.PATCH('/api/organisations/{id}', { params: { path: { id } }, body: changes as never, headers: ifMatch(version!) }));
              await queryClient.invalidateQueries({ queryKey: ['organisation', id] });
              close();
            }}
          />
        )}
      </ModalDialog>
    </article>
  );
}
