import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Checkbox } from 'react-aria-components';
import { api, call } from '../../api/client';
import type { Account } from '../../api/models';
import { ButtonLink, Link, Loading, PageTitle, ProblemMessage } from '../../components/ui';
import { roleList } from '../../labels';
import { useSession } from '../../session';

/** Everyone with an account: roles, and the security state an administrator looks after. */
export default function Accounts() {
  const { me } = useSession(); // managers list accounts; only administrators create them (accounts/administer)
  const [inactive, setInactive] = useState(false);
  const users = useQuery({
    queryKey: ['users', 'admin', inactive],
    queryFn: () => call<{ items: Account[] }>(api.GET('/api/users', { params: { query: { includeInactive: inactive ? 'true' : 'false' } } })),
  });
  return (
    <section>
      <div className="page-head">
        <PageTitle>Accounts</PageTitle>
        {me.may.includes('user.manage') ? <ButtonLink href="/admin/accounts/new" variant="primary">Create an account</ButtonLink> : null}
      </div>
      <p className="lede">Give each person who works here their own account with the roles they need. Accounts are deactivated, never deleted, so the record of who did what stays whole.</p>
      <Checkbox isSelected={inactive} onChange={setInactive} className="checkbox inline">
        <span className="checkbox-mark" aria-hidden="true" />
        Show deactivated accounts
      </Checkbox>
      <ProblemMessage error={users.error} focus={false} />
      {users.isPending ? <Loading /> : null}
      {users.data ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Accounts</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Roles</th><th scope="col">Status</th></tr></thead>
            <tbody>
              {users.data.items.map((u) => (
                <tr key={u.id}>
                  <th scope="row"><Link href={`/admin/accounts/${u.id}`}>{u.displayName}</Link><span className="muted block">{u.username}</span></th>
                  <td>{roleList(u.roles)}</td>
                  <td>
                    {!u.active ? <span className="badge muted-badge">Deactivated</span> : u.mustChangePassword ? <span className="badge pending">Awaiting first sign-in</span> : <span className="badge ok">Active</span>}
                    {u.active && u.totpEnabled ? <span className="badge ok">Second factor</span> : null}
                    {u.lockedUntil ? <span className="badge warn">Locked</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
