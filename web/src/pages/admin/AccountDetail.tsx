import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Checkbox } from 'react-aria-components';
import { ApiError, api, call, ifMatch } from '../../api/client';
import type { Account, ResetAccount, Role } from '../../api/models';
import { Checkboxes, TextInput } from '../../components/fields';
import { Button, Link, Loading, ModalDialog, Notice, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { ROLE_LABELS, ROLES_HELD_APART, roleList } from '../../labels';
import { OneTimePassword } from './OneTimePassword';
import { ApiForm } from '../../components/ApiForm';

/** What the administrator is told after a reset of an account with client records. */
const toldText = (people: number) => `${people ? `${people} other ${people === 1 ? 'person' : 'people'} (active managers and the guardian) and the account holder were` : 'The account holder was'} told of this reset in Confide.`;

/** One account: change name, email and roles; reset the password; deactivate. */
export default function AccountDetail({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const user = useQuery({ queryKey: ['users', id], queryFn: () => call<Account>(api.GET('/api/users/{id}', { params: { path: { id } } })) });
  const [edit, setEdit] = useState<{ displayName: string; email: string; roles: Role[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reset, setReset] = useState<ResetAccount | null>(null);
  const [confirm, setConfirm] = useState<'deactivate' | 'reset' | null>(null);
  const [clearFactor, setClearFactor] = useState(false);
  const [revokeTokens, setRevokeTokens] = useState(false);

  if (user.isPending) return <Loading />;
  if (user.error) return <><PageTitle>Account</PageTitle><ProblemMessage error={user.error} /></>;
  const u = user.data;
  const reload = () => queryClient.invalidateQueries({ queryKey: ['users'] });
  // Mirrors the server (src/accounts/roles.ts CLIENT_FACING_ROLES): any role but administrator.
  const clientFacing = u.roles.some((r) => r !== 'administrator');

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!edit) return;
    setError(null);
    try {
      await call(api.PATCH('/api/users/{id}', { params: { path: { id } }, body: { displayName: edit.displayName, email: edit.email.trim() || null, roles: edit.roles }, headers: ifMatch(u.version) }));
      setEdit(null);
      setNotice('Saved.');
      await reload();
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        await reload();
        setError(new ApiError({ status: 412, detail: 'Someone else changed this account while you were editing. Your changes are still in the form; check them against the account above and save again.' }));
      } else setError(err);
    }
  };
  const deactivate = async (close: () => void) => {
    setError(null);
    try {
      await call(api.POST('/api/users/{id}/deactivate', { params: { path: { id } }, body: {} }));
      close();
      setNotice(`${u.displayName}’s account is deactivated; their sessions and API tokens no longer work.`);
      await reload();
    } catch (err) {
      close();
      setError(err);
    }
  };
  const resetPassword = async (close: () => void) => {
    setError(null);
    try {
      setReset(await call<ResetAccount>(api.POST('/api/users/{id}/reset-password', { params: { path: { id } }, body: { clearSecondFactor: clearFactor, revokeApiTokens: revokeTokens } })));
      close();
      await reload();
    } catch (err) {
      close();
      setError(err);
    }
  };

  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/admin/accounts">Accounts</Link></nav>
      <PageTitle title="Account">{u.displayName}</PageTitle>
      {notice ? <Notice>{notice}</Notice> : null}
      {reset ? <OneTimePassword username={reset.user.username} password={reset.oneTimePassword} /> : null}
      {reset?.told.accountHolder ? <Notice>{toldText(reset.told.people)}</Notice> : null}
      {edit ? null : <ProblemMessage error={error} />}
      <div className="panel">
        {edit ? (
          <ApiForm onSubmit={save} error={error}>
            <TextInput name="displayName" label="Full name" value={edit.displayName} onChange={(v) => setEdit({ ...edit, displayName: v })} isRequired />
            <TextInput name="email" label="Email" value={edit.email} onChange={(v) => setEdit({ ...edit, email: v })} inputMode="email" />
            <Checkboxes name="roles" label="Roles" value={edit.roles} onChange={(v) => setEdit({ ...edit, roles: v })} isRequired description={ROLES_HELD_APART} options={(Object.keys(ROLE_LABELS) as Role[]).map((r) => ({ id: r, ...ROLE_LABELS[r] }))} />
            <div className="actions">
              <Button type="submit">Save changes</Button>
              <Button variant="secondary" onPress={() => { setEdit(null); setError(null); }}>Cancel</Button>
            </div>
          </ApiForm>
        ) : (
          <>
            <dl className="fields">
              <div className="field-row"><dt>Username</dt><dd>{u.username}</dd></div>
              <div className="field-row"><dt>Email</dt><dd>{u.email ?? <span className="muted">Not recorded</span>}</dd></div>
              <div className="field-row"><dt>Roles</dt><dd>{roleList(u.roles)}</dd></div>
              <div className="field-row"><dt>Status</dt><dd>{u.active ? (u.mustChangePassword ? 'Active — has not yet chosen their own password' : 'Active') : `Deactivated ${formatDateTime(u.deactivatedAt)}`}</dd></div>
              <div className="field-row"><dt>Second factor</dt><dd>{u.totpEnabled ? 'Set up' : 'Not set up'}</dd></div>
              {u.lockedUntil ? <div className="field-row"><dt>Locked</dt><dd>Until {formatDateTime(u.lockedUntil)} after failed sign-ins</dd></div> : null}
              <div className="field-row"><dt>Created</dt><dd>{formatDateTime(u.createdAt)}</dd></div>
            </dl>
            {u.active ? (
              <div className="actions">
                <Button variant="secondary" onPress={() => { setNotice(null); setEdit({ displayName: u.displayName, email: u.email ?? '', roles: u.roles }); }}>Change name or roles</Button>
                <Button variant="secondary" onPress={() => setConfirm('reset')}>Reset password…</Button>
                <Button variant="danger" onPress={() => setConfirm('deactivate')}>Deactivate…</Button>
              </div>
            ) : null}
          </>
        )}
      </div>
      <ModalDialog title={`Deactivate ${u.displayName}?`} isOpen={confirm === 'deactivate'} onOpenChange={(o) => setConfirm(o ? 'deactivate' : null)}>
        {(close) => (
          <>
            <p>They will be signed out everywhere and their API tokens stop working. The account and everything it did stay on record.</p>
            <div className="actions"><Button variant="danger" onPress={() => deactivate(close)}>Deactivate account</Button><Button variant="secondary" onPress={close}>Cancel</Button></div>
          </>
        )}
      </ModalDialog>
      <ModalDialog title={`Reset ${u.displayName}’s password?`} isOpen={confirm === 'reset'} onOpenChange={(o) => setConfirm(o ? 'reset' : null)}>
        {(close) => (
          <>
            <p>They get a new one-time password (shown once), are signed out everywhere, and must choose their own password and accept the policy again at next sign-in.</p>
            {clientFacing ? (
              <p>Because this account works with client records, every other active manager, the guardian and {u.displayName} will be told at once, in Confide and by e-mail where they have an address: that you reset this account, when, and whether you removed its second factor. The password is never sent to anyone.</p>
            ) : null}
            {u.totpEnabled ? (
              <Checkbox isSelected={clearFactor} onChange={setClearFactor} className="checkbox">
                <span className="checkbox-mark" aria-hidden="true" />
                <span>Also remove their second factor (they lost their phone)</span>
              </Checkbox>
            ) : null}
            <Checkbox isSelected={revokeTokens} onChange={setRevokeTokens} className="checkbox">
              <span className="checkbox-mark" aria-hidden="true" />
              <span>Also revoke their API tokens (the account may have been misused)</span>
            </Checkbox>
            <div className="actions"><Button onPress={() => resetPassword(close)}>Reset password</Button><Button variant="secondary" onPress={close}>Cancel</Button></div>
          </>
        )}
      </ModalDialog>
    </section>
  );
}
