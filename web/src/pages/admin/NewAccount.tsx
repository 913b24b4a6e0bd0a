import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import type { CreatedAccount, Role } from '../../api/models';
import { Checkboxes, TextInput } from '../../components/fields';
import { Button, ButtonLink, Link, PageTitle } from '../../components/ui';
import { ROLE_LABELS, ROLES_HELD_APART } from '../../labels';
import { OneTimePassword } from './OneTimePassword';
import { Allowed } from '../../components/Allowed';
import { ApiForm } from '../../components/ApiForm';

/**
 * Create an account (administrators: accounts/administer, 3.7): anyone else is told who may, before any form is
 * shown ({@link Allowed}).
 */
export default function NewAccount() {
  return (
    <Allowed action="user.manage" title="Create an account" who="Administrators create accounts">
      <NewAccountForm />
    </Allowed>
  );
}

/** The account's details and roles; its one-time password is shown once, to hand over. */
function NewAccountForm() {
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<CreatedAccount | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const res = await call<CreatedAccount>(api.POST('/api/users', { body: { username: username.trim(), displayName, email: email.trim() || null, roles } }));
      setCreated(res);
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      setTimeout(() => document.getElementById('created-title')?.focus());
    } catch (err) {
      setError(err);
    }
  };
  if (created) {
    return (
      <section>
        <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/admin/accounts">Accounts</Link></nav>
        <h1 id="created-title" tabIndex={-1}>Account created for {created.user.displayName}</h1>
        <OneTimePassword username={created.user.username} password={created.oneTimePassword} />
        <div className="actions">
          <ButtonLink href={`/admin/accounts/${created.user.id}`} variant="primary">Open the account</ButtonLink>
          <ButtonLink href="/admin/accounts">Back to accounts</ButtonLink>
        </div>
      </section>
    );
  }
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/admin/accounts">Accounts</Link></nav>
      <PageTitle>Create an account</PageTitle>
      <div className="panel">
        <ApiForm onSubmit={submit} error={error}>
          <TextInput name="displayName" label="Full name" value={displayName} onChange={setDisplayName} isRequired autoComplete="off" />
          <TextInput name="username" label="Username" value={username} onChange={setUsername} isRequired autoComplete="off" description="Lower-case letters, digits, dots, underscores or hyphens; 3 to 40 characters. For example “sam.patel”." />
          <TextInput name="email" label="Email" value={email} onChange={setEmail} inputMode="email" autoComplete="off" />
          <Checkboxes name="roles" label="Roles" value={roles} onChange={setRoles} isRequired description={`What they may see and do follows from these (see the README’s roles table). ${ROLES_HELD_APART}`} options={(Object.keys(ROLE_LABELS) as Role[]).map((r) => ({ id: r, ...ROLE_LABELS[r] }))} />
          <div className="actions"><Button type="submit">Create account</Button></div>
        </ApiForm>
      </div>
    </section>
  );
}
