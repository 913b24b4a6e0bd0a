import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Account, Case, Grant, Person, RecordView } from '../../api/models';
import { Link, personName } from '../../components/ui';

/** Everyone with an account, by id (managers and administrators may list them), for showing names instead of ids. */
export function useAccountNames(enabled = true) {
  const q = useQuery({ queryKey: ['users'], queryFn: () => call<{ items: Account[] }>(api.GET('/api/users', { params: { query: { includeInactive: 'true' } } })), enabled, staleTime: 60_000 });
  const byId = new Map((q.data?.items ?? []).map((u) => [u.id, u]));
  return (id: string | null) => (id ? byId.get(id)?.displayName ?? 'someone' : 'someone');
}

/** The record a grant is about, by name when the viewer may see it (the API decides; otherwise its kind only). */
export function GrantRecord({ grant }: { grant: Grant }) {
  const path = grant.resourceType === 'person' ? '/api/people/{id}' : grant.resourceType === 'case' ? '/api/cases/{id}' : '/api/organisations/{id}';
  const q = useQuery({
    queryKey: [grant.resourceType, grant.resourceId],
    queryFn: () => call<RecordView<Person & Case & { name?: string }>>(api.GET(path as '/api/people/{id}', { params: { path: { id: grant.resourceId } } })),
    enabled: grant.recordFound !== false,
    retry: false,
  });
  if (grant.recordFound === false) return <span>a record that does not exist</span>;
  const d = q.data?.data;
  const label = !d ? `a ${grant.resourceType}` : grant.resourceType === 'person' ? personName(d) : grant.resourceType === 'case' ? `the case “${d.service}”` : d.name ?? 'an organisation';
  const href = grant.resourceType === 'person' ? `/people/${grant.resourceId}` : grant.resourceType === 'case' ? `/cases/${grant.resourceId}` : null;
  return d && href ? <Link href={href}>{label}</Link> : <span>{label}</span>;
}
